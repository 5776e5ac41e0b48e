//! Quantities, sizes and versions in a sentence's tokens: node and instance
//! counts with their bounds, instance types and DB classes, storage,
//! retention, database engines and versions, the Kubernetes version.

use super::{any, What};
use crate::inventory::Engine;

const COUNT_UNITS: &[&str] = &["node", "instance", "server", "vm", "vms", "worker", "machine"];

pub(super) fn number(s: &str) -> Option<u32> {
    s.parse::<u32>().ok().filter(|n| (1..=1000).contains(n))
}

/// `m6i.large`, `db.r6g.xlarge`, `t3.micro`: an instance type or DB class as written.
pub fn instance_type(token: &str) -> Option<String> {
    let rest = token.strip_prefix("db.").unwrap_or(token);
    let (family, size) = rest.split_once('.')?;
    let family_ok = (2..=5).contains(&family.len())
        && family.starts_with(|c: char| c.is_ascii_lowercase())
        && family.chars().any(|c| c.is_ascii_digit())
        && family.chars().all(|c| c.is_ascii_alphanumeric());
    let size_ok = matches!(
        size,
        "nano" | "micro" | "small" | "medium" | "large" | "xlarge" | "metal"
    ) || size
        .strip_suffix("xlarge")
        .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
    (family_ok && size_ok).then(|| token.to_string())
}

pub(super) fn version(token: &str) -> Option<String> {
    let v = token.strip_prefix('v').unwrap_or(token);
    let parts: Vec<&str> = v.split('.').collect();
    let ok = (1..=3).contains(&parts.len())
        && parts
            .iter()
            .all(|p| (1..=2).contains(&p.len()) && p.chars().all(|c| c.is_ascii_digit()));
    ok.then(|| v.to_string())
}

/// Quantities with the index of their first token: "3 nodes", "min 2",
/// "maximum of 6", "between 2 and 6 nodes", "2 to 6 nodes", "desired 3".
pub(super) fn counts(t: &[String]) -> Vec<(What, usize)> {
    let mut out = Vec::new();
    let at = |i: usize| t.get(i).map(String::as_str).unwrap_or("");
    let unit_within = |from: usize, n: usize| (from..from + n).any(|j| COUNT_UNITS.contains(&at(j)));
    let mut i = 0;
    while i < t.len() {
        let w = at(i);
        if w == "between" {
            if let (Some(a), "and", Some(b)) = (number(at(i + 1)), at(i + 2), number(at(i + 3))) {
                if unit_within(i + 4, 3) {
                    out.push((What::MinNodes(a), i));
                    out.push((What::MaxNodes(b), i));
                    i += 4;
                    continue;
                }
            }
        }
        if let Some(a) = number(w) {
            let (b, next) = match (at(i + 1), number(at(i + 1)), number(at(i + 2))) {
                ("to", _, Some(b)) => (Some(b), i + 3),
                (_, Some(b), _) => (Some(b), i + 2),
                _ => (None, i + 1),
            };
            if let Some(b) = b.filter(|&b| b > a) {
                if unit_within(next, 3) {
                    out.push((What::MinNodes(a), i));
                    out.push((What::MaxNodes(b), i));
                    i = next;
                    continue;
                }
            }
            let after_limit = i > 0 && matches!(at(i - 1), "min" | "minimum" | "max" | "maximum" | "desired");
            if !after_limit && unit_within(i + 1, 3) {
                let unit = (i + 1..i + 4).find(|&j| COUNT_UNITS.contains(&at(j))).unwrap_or(i + 1);
                if (i + 1..unit).all(|j| number(at(j)).is_none()) {
                    out.push((What::Nodes(a), i));
                }
            }
        }
        let limit = match w {
            "min" | "minimum" => Some(What::MinNodes as fn(u32) -> What),
            "max" | "maximum" => Some(What::MaxNodes as fn(u32) -> What),
            "desired" => Some(What::Nodes as fn(u32) -> What),
            _ => None,
        };
        if let Some(make) = limit {
            if let Some(n) = (i + 1..i + 4).find_map(|j| number(at(j))) {
                out.push((make(n), i));
            }
        }
        i += 1;
    }
    out
}

pub(super) fn storage(t: &[String]) -> Option<u32> {
    t.windows(2).find_map(|win| {
        let (n, unit) = match number(&win[0]) {
            Some(n) => (n, win[1].as_str()),
            None => {
                let digits: String = win[0].chars().take_while(|c| c.is_ascii_digit()).collect();
                (number(&digits)?, &win[0][digits.len()..])
            }
        };
        match unit {
            "gb" | "gib" | "go" => Some(n),
            "tb" | "tib" => Some(n * 1024),
            _ => None,
        }
    })
}

pub(super) fn retention(t: &[String], w: &str) -> Option<u32> {
    if !any(
        w,
        &[
            " retention ",
            " retain ",
            " retained ",
            " keep ",
            " kept ",
            " backup ",
            " log ",
            " stored ",
        ],
    ) {
        return None;
    }
    t.windows(2).find_map(|win| number(&win[0]).filter(|_| win[1] == "day"))
}

pub(super) fn engine_facts(t: &[String]) -> Vec<What> {
    let mut out = Vec::new();
    for (i, w) in t.iter().enumerate() {
        let engine = match w.as_str() {
            "postgresql" | "postgre" => Engine::Postgres,
            "mysql" | "mariadb" => Engine::Mysql,
            _ => continue,
        };
        if !out.contains(&What::Engine(engine)) {
            out.push(What::Engine(engine));
        }
        let next = t.get(i + 1).filter(|n| *n != "version").or_else(|| t.get(i + 2));
        if let Some(v) = next.and_then(|n| version(n)) {
            out.push(What::EngineVersion(v));
        }
    }
    out
}

/// "Kubernetes 1.31", "EKS version 1.31", "version 1.31" (a 1.NN version is Kubernetes').
pub(super) fn kube_version(t: &[String]) -> Option<String> {
    t.iter().enumerate().find_map(|(i, w)| {
        if !matches!(w.as_str(), "kubernete" | "eks" | "k8s" | "version") {
            return None;
        }
        let next = t.get(i + 1).filter(|n| *n != "version").or_else(|| t.get(i + 2))?;
        version(next).filter(|v| v.starts_with("1.") && v.len() == 4)
    })
}
