//! Kind-specific fields of a drafted asset: size, quantity and node-group
//! bounds, Kubernetes version, database engine and version, Multi-AZ,
//! storage, retention, DNS zone and record. Stated values carry their
//! line; everything else is a guess.

use super::super::facts::{Fact, What};
use super::{quote, Asset};
use crate::catalog;
use crate::inventory::{DrStrategy, Engine, Kind};
use crate::kinds::{DraftFields, SizeClass};
use crate::validate::LOG_RETENTION_DAYS;

fn stated(fact: &Fact, fallback: bool) -> (Option<usize>, Option<String>) {
    if fallback {
        (
            None,
            Some(format!(
                "line {} ({}) read as this asset's, the only one it can describe",
                fact.line,
                quote(&fact.quote)
            )),
        )
    } else {
        (Some(fact.line), None)
    }
}

/// `size:` of a kind that takes one: the document's, fitted to the catalogue,
/// or the kind's draft default.
fn size_field(a: &mut Asset) {
    let db = a.kind.spec().size == SizeClass::Db;
    let Some(default) = a.kind.spec().draft.size else {
        return;
    };
    let found = a.first(|w| match w {
        What::Size(s) if s.starts_with("db.") == db => Some(s.clone()),
        _ => None,
    });
    let Some((size, fact, fallback)) = found else {
        a.guess(format!("no size in the document; size {default}"));
        a.field("size", default, None);
        return;
    };
    let (line, note) = stated(fact, fallback);
    let fact_line = fact.line;
    let known = if db {
        catalog::is_db_class(&size)
    } else {
        catalog::is_ec2_type(&size)
    };
    if let Some(n) = note {
        a.guess(n);
    }
    if !known {
        let s = catalog::suggest(&size, db);
        a.guess(format!(
            "the document says {size} (line {fact_line}), not in the catalogue; size {s}"
        ));
        a.field("size", s, None);
    } else if a.kind == Kind::Aurora && size.starts_with("db.t") {
        a.guess(format!(
            "the document says {size} (line {fact_line}); an Aurora global database needs {default}"
        ));
        a.field("size", default, None);
    } else {
        a.field("size", size, line);
    }
}

pub(super) fn fields(a: &mut Asset, azs: Option<u8>, behind_load_balancer: bool) {
    if let Some(added) = a.added.clone() {
        a.guesses.insert(0, added);
    }
    let guessed = a.added.is_none() && !a.namings.iter().any(|g| !g.guess);
    if let Some(f) = a.namings.iter().find(|f| f.guess).filter(|_| guessed) {
        let note = format!("named only as \"{}\" (line {}): drafted as {}", f.key, f.line, a.kind);
        a.guess(note);
    }
    if !a.namings.is_empty() && a.namings.iter().all(|f| f.question) {
        let line = a.line();
        a.guess(format!("the document only asks about it (line {line})"));
    }
    size_field(a);
    if a.kind.spec().draft.counted {
        quantity(a, azs);
    }
    match a.kind.spec().draft.fields {
        DraftFields::Kubernetes => {
            match a.first(|w| match w {
                What::KubeVersion(v) => Some(v.clone()),
                _ => None,
            }) {
                Some((v, fact, _)) => {
                    let line = fact.line;
                    match crate::versions::kubernetes_status(&v) {
                        Err(_) => {
                            let current = crate::versions::DEFAULT_KUBERNETES;
                            a.guess(format!(
                                "the document says Kubernetes {v} (line {line}), not on EKS standard support (catalogue checked {}); version {current}",
                                crate::versions::CHECKED
                            ));
                            a.field("version", format!("\"{current}\""), None);
                        }
                        Ok(_) => a.field("version", format!("\"{v}\""), Some(line)),
                    }
                }
                None => {
                    let current = crate::versions::DEFAULT_KUBERNETES;
                    a.guess(format!("no Kubernetes version in the document; version {current}"));
                    a.field("version", format!("\"{current}\""), None);
                }
            }
        }
        DraftFields::Database => database(a),
        DraftFields::Dns => dns(a),
        DraftFields::Servers => {
            if behind_load_balancer {
                a.lines.push(
                    "    image: public.ecr.aws/nginx/nginx:stable # TODO: the application's container image (a stand-in answering the health check)"
                        .into(),
                );
            }
        }
        DraftFields::Defaults => {}
    }
    if a.kind.spec().fields.contains(&"retention_days") {
        retention(a);
    }
}

fn quantity(a: &mut Asset, azs: Option<u8>) {
    let nodes = a.first(|w| match w {
        What::Nodes(n) => Some(*n),
        _ => None,
    });
    let min = a.first(|w| match w {
        What::MinNodes(n) => Some(*n),
        _ => None,
    });
    let max = a.first(|w| match w {
        What::MaxNodes(n) => Some(*n),
        _ => None,
    });
    let (min, max) = (
        min.map(|(n, f, fb)| (n, f.line, fb)),
        max.map(|(n, f, fb)| (n, f.line, fb)),
    );
    let (mut qty, qty_line) = match nodes {
        Some((n, fact, fallback)) => {
            let (line, note) = stated(fact, fallback);
            if let Some(n) = note {
                a.guess(n);
            }
            (n, line)
        }
        None => match (min, azs) {
            (Some((m, _, _)), _) => {
                a.guess(format!("no desired count in the document; qty {m}, the stated minimum"));
                (m, None)
            }
            (None, Some(z)) if z > 1 => {
                a.guess(format!("no count in the document; qty {z}, one per availability zone"));
                (u32::from(z), None)
            }
            _ => {
                let n = if a.kind == Kind::Aurora { 2 } else { 3 };
                a.guess(format!("no count in the document; qty {n}"));
                (n, None)
            }
        },
    };
    if let Some((m, _, _)) = max.filter(|(m, _, _)| *m < qty) {
        a.guess(format!("qty {qty} is above the stated maximum {m}; qty {m}"));
        qty = m;
    }
    if let Some((m, _, _)) = min.filter(|(m, _, _)| *m > qty) {
        a.guess(format!("qty {qty} is below the stated minimum {m}; qty {m}"));
        qty = m;
    }
    a.field("qty", qty, qty_line);
    if a.kind == Kind::Eks {
        if let Some((m, line, fallback)) = min {
            a.field("min", m, (!fallback).then_some(line));
        }
        if let Some((m, line, fallback)) = max {
            a.field("max", m, (!fallback).then_some(line));
        }
    }
    dr_capacity(a, qty);
}

/// A pilot light's DR capacity, when the document states it ("in DR the cluster runs one node").
fn dr_capacity(a: &mut Asset, qty: u32) {
    if a.dr != DrStrategy::PilotLight {
        return;
    }
    let Some((n, fact, fallback)) = a.first(|w| match w {
        What::DrNodes(n) => Some(*n),
        _ => None,
    }) else {
        return;
    };
    let line = fact.line;
    if n > qty {
        a.guess(format!(
            "the document says {n} in DR (line {line}), more than qty {qty}; dr_qty left at its default"
        ));
        return;
    }
    if fallback {
        a.guess(format!(
            "{n} in DR (line {line}) read as this asset's, the only one it can describe"
        ));
        a.field("dr_qty", n, None);
    } else {
        a.field("dr_qty", n, Some(line));
    }
}

fn database(a: &mut Asset) {
    let engines = a.all(|w| match w {
        What::Engine(e) => Some(*e),
        _ => None,
    });
    let mut distinct: Vec<Engine> = engines.iter().map(|(e, _)| *e).collect();
    distinct.dedup();
    distinct.sort_by_key(|e| *e == Engine::Mysql);
    distinct.dedup();
    let engine = match (distinct.as_slice(), engines.first()) {
        ([one], Some((_, fact))) => {
            let line = fact.line;
            a.field("engine", engine_name(*one), Some(line));
            *one
        }
        ([_, _], Some((_, fact))) => {
            let line = fact.line;
            a.guess(format!(
                "the document names both PostgreSQL and MySQL (line {line}); engine postgres"
            ));
            a.field("engine", "postgres", None);
            Engine::Postgres
        }
        _ => {
            a.guess("no engine in the document; engine postgres");
            a.field("engine", "postgres", None);
            Engine::Postgres
        }
    };
    let version = a.first(|w| match w {
        What::EngineVersion(v) => Some(v.clone()),
        _ => None,
    });
    let default = crate::versions::default_major(engine.rds_name(a.kind == Kind::Aurora));
    match version {
        // Aurora MySQL versions name the Aurora release ("8.0.mysql_aurora.3.08.0").
        Some((v, fact, _)) if engine == Engine::Mysql && a.kind == Kind::Aurora && !v.contains("aurora") => {
            let line = fact.line;
            a.guess(format!(
                "the document says MySQL {v} (line {line}); Aurora MySQL {default} (the DR copy runs the same)"
            ));
            a.field("engine_version", format!("\"{default}\""), None);
        }
        Some((v, fact, _)) => {
            let line = fact.line;
            let global = a.kind == Kind::Aurora && a.dr == DrStrategy::Replica;
            let major = v
                .split('.')
                .take(if engine == Engine::Mysql { 2 } else { 1 })
                .collect::<Vec<_>>()
                .join(".");
            if crate::versions::engine_problem(a.kind, engine, &v, global).is_none() {
                a.field("engine_version", format!("\"{v}\""), Some(line));
            } else if crate::versions::engine_problem(a.kind, engine, &major, global).is_none() {
                a.guess(format!(
                    "the document says {v} (line {line}); engine_version {major}, the major (RDS applies minor versions itself)"
                ));
                a.field("engine_version", format!("\"{major}\""), None);
            } else {
                a.guess(format!(
                    "the document says {v} (line {line}), not creatable (catalogue checked {}); engine_version {default}",
                    crate::versions::CHECKED
                ));
                a.field("engine_version", format!("\"{default}\""), None);
            }
        }
        None => {
            a.guess(format!(
                "no engine version in the document; {default} (the DR copy runs the same)"
            ));
            a.field("engine_version", format!("\"{default}\""), None);
        }
    }
    if a.kind == Kind::Rds {
        if let Some((_, fact, _)) = a.first(|w| (*w == What::MultiAz).then_some(())) {
            let line = fact.line;
            a.field("multi_az", true, Some(line));
        }
        if let Some((n, fact, fallback)) = a.first(|w| match w {
            What::StorageGb(n) => Some(*n),
            _ => None,
        }) {
            let line = (!fallback).then_some(fact.line);
            a.field("storage_gb", n, line);
        }
    }
}

fn engine_name(e: Engine) -> &'static str {
    match e {
        Engine::Postgres => "postgres",
        Engine::Mysql => "mysql",
    }
}

fn retention(a: &mut Asset) {
    let Some((days, fact, fallback)) = a.first(|w| match w {
        What::RetentionDays(n) => Some(*n),
        _ => None,
    }) else {
        return;
    };
    let line = (!fallback).then_some(fact.line);
    let stated_line = fact.line;
    // Into the kind's range (databases, buckets); the log groups of
    // CloudWatch and CloudTrail take one of CloudWatch Logs' values.
    let fitted = match crate::limits::bound(a.kind, "retention_days") {
        Some(b) => u32::try_from(u64::from(days).clamp(b.min, b.max)).unwrap_or(days),
        None => LOG_RETENTION_DAYS.iter().copied().find(|&d| d >= days).unwrap_or(3653),
    };
    if fitted == days {
        a.field("retention_days", days, line);
    } else {
        a.guess(format!(
            "the document says {days} days (line {stated_line}); retention_days {fitted}, the nearest {} accepts",
            a.kind
        ));
        a.field("retention_days", fitted, None);
    }
}

fn dns(a: &mut Asset) {
    let host = a.first(|w| match w {
        What::Hostname(h) => Some(h.clone()),
        _ => None,
    });
    match host {
        Some((h, fact, _)) => {
            let line = fact.line;
            let labels: Vec<&str> = h.split('.').collect();
            if labels.len() >= 3 {
                let record = labels[0].to_string();
                let zone = labels[1..].join(".");
                a.field("zone", zone, Some(line));
                a.field("record", record, Some(line));
            } else {
                a.field("zone", &h, Some(line));
                a.lines
                    .push("    record: app # TODO: the record name in the zone".into());
            }
        }
        None => {
            a.lines
                .push("    zone: TODO-your-domain.invalid # TODO: a domain you control (the document names none); acmegen creates its hosted zone".into());
            a.lines.push("    record: app # TODO: the record name".into());
        }
    }
}
