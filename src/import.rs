//! `acmegen import`: read a design doc's asset table ("Table 1.1": Asset,
//! Purpose, Size, Qty, DR) and its AWS regions, and write an inventory.
//!
//! The documents are prose written by people, so everything here is a
//! heuristic that says what it did: every guess is marked in a YAML
//! comment, and every row it cannot map is kept as a commented TODO entry
//! and reported, never dropped.

use crate::catalog;
use crate::inventory::{DrStrategy, Kind};
use crate::kinds::{DraftFields, Quantity, SizeClass};
use std::fmt::Write as _;

/// The result of an import.
#[derive(Debug, Clone)]
pub struct Imported {
    /// Inventory YAML (with comments).
    pub yaml: String,
    /// Everything the user should review, one line each.
    pub warnings: Vec<String>,
    /// Rows mapped to assets.
    pub mapped: usize,
    /// Rows kept as TODO comments.
    pub unmapped: usize,
}

/// Why a document could not be imported at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError(pub String);

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ImportError {}

#[derive(Debug, Default, Clone, Copy)]
struct Columns {
    asset: usize,
    purpose: Option<usize>,
    size: Option<usize>,
    qty: Option<usize>,
    dr: Option<usize>,
}

/// One table row, trimmed cells.
#[derive(Debug, Clone)]
struct Row {
    line: usize,
    asset: String,
    purpose: String,
    size: String,
    qty: String,
    dr: String,
}

fn cells(line: &str) -> Vec<String> {
    let inner = line.trim().trim_start_matches('|').trim_end_matches('|');
    inner.split('|').map(|c| c.trim().to_string()).collect()
}

fn header_columns(header: &[String]) -> Option<Columns> {
    let find = |words: &[&str]| {
        header.iter().position(|h| {
            let h = h.to_lowercase();
            words
                .iter()
                .any(|w| h.split(|c: char| !c.is_alphanumeric()).any(|t| t == *w) || h.contains(w))
        })
    };
    let asset = find(&["asset", "component", "resource", "service"])?;
    let cols = Columns {
        asset,
        purpose: find(&["purpose", "description", "role"]),
        size: find(&["size", "type", "class", "instance"]),
        qty: find(&["qty", "quantity", "count", "number", "nodes"]),
        dr: find(&["dr", "disaster", "recovery", "failover"]),
    };
    let known = [cols.purpose, cols.size, cols.qty, cols.dr]
        .iter()
        .filter(|c| c.is_some())
        .count();
    (known >= 2).then_some(cols)
}

/// The first Markdown table whose header looks like Table 1.1.
fn find_table(doc: &str) -> Option<Vec<Row>> {
    let lines: Vec<&str> = doc.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        if !lines[i].trim_start().starts_with('|') {
            i += 1;
            continue;
        }
        let start = i;
        while i < lines.len() && lines[i].trim_start().starts_with('|') {
            i += 1;
        }
        let block = &lines[start..i];
        let Some(cols) = header_columns(&cells(block[0])) else {
            continue;
        };
        let get = |c: &[String], idx: Option<usize>| idx.and_then(|k| c.get(k)).cloned().unwrap_or_default();
        let rows = block
            .iter()
            .enumerate()
            .skip(1)
            .filter(|(_, l)| !l.chars().all(|c| matches!(c, '|' | '-' | ':' | ' ')))
            .map(|(n, l)| {
                let c = cells(l);
                Row {
                    line: start + n + 1,
                    asset: get(&c, Some(cols.asset)),
                    purpose: get(&c, cols.purpose),
                    size: get(&c, cols.size),
                    qty: get(&c, cols.qty),
                    dr: get(&c, cols.dr),
                }
            })
            .collect();
        return Some(rows);
    }
    None
}

/// AWS region names in document order, without repeats.
fn regions(doc: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for token in doc.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-')) {
        if catalog::az_count(token).is_some() && !found.iter().any(|f| f == token) {
            found.push(token.to_string());
        }
    }
    found
}

fn words(s: &str) -> String {
    format!(" {} ", s.to_lowercase().replace(|c: char| !c.is_alphanumeric(), " "))
}

/// The order kinds are tried in when a row could name several (an
/// accelerator is not a load balancer, a postgres-operator not RDS, a
/// monitoring stack not a cluster, a key pair not a server).
const IMPORT_ORDER: &[Kind] = &[
    Kind::BackupPlan,
    Kind::KeyPair,
    Kind::Bastion,
    Kind::GlobalAccelerator,
    Kind::Route53,
    Kind::Alb,
    Kind::Aurora,
    Kind::PostgresOperator,
    Kind::Rds,
    Kind::K8sMonitoring,
    Kind::Traefik,
    Kind::Eks,
    Kind::Ecr,
    Kind::S3,
    Kind::Eip,
    Kind::Vpc,
    Kind::Kms,
    Kind::Cloudwatch,
    Kind::Cloudtrail,
    Kind::Vm,
];

/// The asset kind a row describes, from its name (then its purpose): the
/// first kind of [`IMPORT_ORDER`] one of whose import keywords it contains.
fn kind_of(asset: &str, purpose: &str) -> Option<Kind> {
    for text in [words(asset), words(purpose)] {
        for kind in IMPORT_ORDER {
            if kind.spec().import_keywords.iter().any(|k| text.contains(k)) {
                return Some(*kind);
            }
        }
    }
    None
}

fn numbers(s: &str) -> Vec<u32> {
    s.split(|c: char| !c.is_ascii_digit())
        .filter_map(|t| t.parse().ok())
        .collect()
}

/// Per-region quantity from the Qty and DR cells, and how it was read.
fn quantity(qty: &str, dr: &str) -> (u32, Option<String>) {
    let q = numbers(qty);
    let d = numbers(dr);
    let drl = dr.to_lowercase();
    let first = q.first().copied().unwrap_or(1).max(1);
    let ql = qty.to_lowercase();
    if ql.contains("total") {
        return (first, Some(format!("qty from \"{qty}\": {first} per region")));
    }
    if ql.contains("per region") || ql.contains("each region") || ql.contains("/ region") {
        return (first, None);
    }
    if let (Some(&k), true) = (d.first(), drl.contains("each")) {
        if k > 0 && k <= first {
            return (k, Some(format!("qty from the DR column \"{dr}\": {k} per region")));
        }
    }
    let per_region =
        drl.contains("region") && (drl.contains("each") || drl.contains("different") || drl.contains("per "));
    if per_region && first >= 2 && first % 2 == 0 {
        return (
            first / 2,
            Some(format!(
                "qty {first} in total over two regions: {} per region",
                first / 2
            )),
        );
    }
    (first, None)
}

/// DR strategy from the DR cell, fitted to what the kind allows.
fn strategy(dr: &str, kind: Kind) -> (DrStrategy, Option<String>) {
    let t = dr.to_lowercase();
    let placeholder = t.is_empty() || t.starts_with("identify") || t == "na" || t == "n/a" || t == "tbd" || t == "todo";
    let said = if placeholder {
        None
    } else if t.contains("pilot") {
        Some(DrStrategy::PilotLight)
    } else if t.contains("replica") || t.contains("replicat") {
        Some(DrStrategy::Replica)
    } else if t.contains("backup") || t.contains("snapshot") || t.contains("stored elsewhere") {
        Some(DrStrategy::Backup)
    } else if t.contains("not deployed") || t.contains("no dr") || t == "none" || t.contains("primary only") {
        Some(DrStrategy::None)
    } else if t.contains("region") || t.contains("each") || t.contains("multiple") || t.contains("both") {
        Some(DrStrategy::Active)
    } else {
        None
    };
    let allowed = kind.allowed_dr();
    let default = if allowed.contains(&DrStrategy::Replica) && !allowed.contains(&DrStrategy::Active) {
        DrStrategy::Replica
    } else if allowed.contains(&DrStrategy::Active) {
        DrStrategy::Active
    } else {
        allowed[0]
    };
    match said {
        Some(s) if allowed.contains(&s) => (s, None),
        Some(s) if s == DrStrategy::Active && allowed.contains(&DrStrategy::Replica) => (
            DrStrategy::Replica,
            Some(format!(
                "DR column says a copy in each region; a {kind} in DR is a replica"
            )),
        ),
        Some(s) => (
            default,
            Some(format!(
                "DR column suggests {s}, which a {kind} cannot do; using {default}"
            )),
        ),
        None => (
            default,
            Some(format!(
                "DR column gives no strategy (\"{}\"); assumed {default}",
                shorten(dr)
            )),
        ),
    }
}

fn shorten(s: &str) -> String {
    let s = s.trim();
    if s.chars().count() > 40 {
        format!("{}…", s.chars().take(40).collect::<String>())
    } else {
        s.to_string()
    }
}

fn slug(s: &str) -> String {
    let mut out = String::new();
    for w in s
        .to_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(w);
    }
    if !out.starts_with(|c: char| c.is_ascii_lowercase()) {
        out.insert_str(0, "a-");
    }
    out.chars()
        .take(30)
        .collect::<String>()
        .trim_end_matches('-')
        .to_string()
}

fn yaml_str(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Size for `kind` from the Size cell, or a default; and a note when guessed.
fn size_of(kind: Kind, cell: &str) -> (Option<String>, Option<String>) {
    let db = kind.spec().size == SizeClass::Db;
    let Some(default) = kind.spec().draft.size else {
        return (None, None);
    };
    let given = cell
        .split_whitespace()
        .find(|t| t.contains('.') && t.chars().all(|c| c.is_ascii_alphanumeric() || c == '.'));
    match given {
        Some(s) if (db && catalog::is_db_class(s)) || (!db && catalog::is_ec2_type(s)) => {
            if kind == Kind::Aurora && s.starts_with("db.t") {
                (
                    Some(default.into()),
                    Some(format!(
                        "document says {s}; an Aurora global database needs a memory-optimized class"
                    )),
                )
            } else {
                (Some(s.to_string()), None)
            }
        }
        Some(s) => {
            let suggestion = catalog::suggest(s, db);
            (
                Some(suggestion.into()),
                Some(format!("document says {s}, not in the catalogue; using {suggestion}")),
            )
        }
        None => (
            Some(default.into()),
            Some(format!("no size in the document; using {default}")),
        ),
    }
}

struct Draft {
    kind: Kind,
    name: String,
    purpose: String,
    size: Option<String>,
    qty: u32,
    dr: DrStrategy,
    notes: Vec<String>,
    line: usize,
    source: String,
    /// Text of the document saying the asset spans availability zones.
    multi_az: Option<String>,
}

/// A line of the row or of the document's prose about `asset` that says it
/// spans availability zones ("each one in a different availability zone").
fn multi_az_evidence(doc: &str, asset: &str, row: &Row) -> Option<String> {
    let says_az = |t: &str| {
        let w = words(t);
        w.contains(" availability zone") || w.contains(" multi az ") || w.contains(" azs ") || w.contains(" az ")
    };
    let name = asset.to_lowercase();
    let text = [&row.purpose, &row.qty, &row.dr]
        .into_iter()
        .map(String::as_str)
        .chain(
            doc.lines()
                .filter(|l| !name.is_empty() && l.to_lowercase().contains(&name)),
        )
        .find(|t| says_az(t))?;
    // Quote the words around the mention, not the start of a long line.
    let lower = text.to_ascii_lowercase();
    let at = ["availability zone", "multi-az", "multi az", "az"]
        .iter()
        .find_map(|k| lower.find(k))
        .unwrap_or(0);
    let chars: Vec<char> = text.chars().collect();
    let at = text[..at].chars().count();
    let (mut from, mut to) = (at.saturating_sub(35), (at + 30).min(chars.len()));
    while from > 0 && from < at && chars[from - 1] != ' ' {
        from += 1;
    }
    while to < chars.len() && to > at + 17 && chars[to] != ' ' {
        to -= 1;
    }
    let quoted: String = chars[from..to].iter().collect();
    Some(format!(
        "{}{}{}",
        if from > 0 { "…" } else { "" },
        quoted.trim(),
        if to < chars.len() { "…" } else { "" }
    ))
}

/// The `# guess:` for a kind written without `qty` when the document counts
/// more than one: what the count becomes.
fn uncounted_note(kind: Kind, qty: u32, dr: DrStrategy) -> Option<String> {
    if qty <= 1 {
        return None;
    }
    Some(if qty == 2 && dr != DrStrategy::None {
        match kind.spec().draft.two {
            Some(two) => format!("the document counts 2: {two}"),
            None => format!("the document counts 2: one {kind} in each region (the DR copy is the second)"),
        }
    } else {
        format!(
            "the document counts {qty}: one `{kind}` asset is one {kind} per region; add {} more assets if they are separate",
            qty - 1
        )
    })
}

/// The table asset a draft of `kind` targets: the first one of the kind's
/// first target kind that the table has (the spec lists them in order of
/// preference).
fn target_of(kind: Kind, drafts: &[Draft]) -> Option<&Draft> {
    target_candidates(kind, drafts).into_iter().next()
}

/// The first table asset of each of `kind`'s target kinds that the table
/// has, in the spec's order of preference.
fn target_candidates(kind: Kind, drafts: &[Draft]) -> Vec<&Draft> {
    kind.target_kinds()
        .iter()
        .filter_map(|k| drafts.iter().find(|x| x.kind == *k))
        .collect()
}

/// `name` without its last words, or cut, until `fits` it (the whole name
/// when nothing shorter fits: validation then says why).
fn shortened(name: &str, fits: impl Fn(&str) -> bool) -> String {
    let mut words: Vec<&str> = name.split('-').collect();
    while words.len() > 1 && !fits(&words.join("-")) {
        words.pop();
    }
    let word = words.join("-");
    if fits(&word) {
        return word;
    }
    (2..word.len())
        .rev()
        .map(|n| word[..n].trim_end_matches('-').to_string())
        .find(|cut| fits(cut))
        .unwrap_or_else(|| name.to_string())
}

/// Shorten the drafts' names whose AWS names (their spec's `aws_names`)
/// would not fit in `regions` of inventory `inventory`, with a `# guess:`
/// saying why. Clusters first; a kind named after its cluster
/// (`<cluster>-<asset>-…`) shortens its own name, then, if that is not
/// enough, its cluster's.
fn fit_names(drafts: &mut [Draft], inventory: &str, regions: &[&str], warnings: &mut Vec<String>) {
    let overflow = |kind: Kind, name: &str, cluster: Option<&str>| {
        regions
            .iter()
            .filter_map(|r| crate::kinds::aws_name_overflow(kind, inventory, name, cluster, r))
            .max_by_key(|o| o.excess())
    };
    let rename =
        |drafts: &mut [Draft], i: usize, to: String, why: &crate::kinds::NameOverflow, warnings: &mut Vec<String>| {
            let mut unique = to.clone();
            let mut k = 2;
            while drafts.iter().enumerate().any(|(j, d)| j != i && d.name == unique) {
                unique = format!("{to}-{k}");
                k += 1;
            }
            let note = format!(
                "name shortened from `{}`: its {} `{}` would be {} characters, AWS accepts {}",
                drafts[i].name,
                why.name.what,
                why.full,
                why.full.len(),
                why.name.max
            );
            warnings.push(format!("line {}: {}: {note}", drafts[i].line, drafts[i].source));
            drafts[i].notes.push(note);
            drafts[i].name = unique;
        };
    let order: Vec<usize> = (0..drafts.len())
        .filter(|&i| drafts[i].kind == Kind::Eks)
        .chain((0..drafts.len()).filter(|&i| drafts[i].kind != Kind::Eks))
        .collect();
    for i in order {
        let kind = drafts[i].kind;
        let cluster = target_of(kind, drafts).map(|t| t.name.clone());
        let Some(why) = overflow(kind, &drafts[i].name, cluster.as_deref()) else {
            continue;
        };
        let own = shortened(&drafts[i].name, |n| overflow(kind, n, cluster.as_deref()).is_none());
        if overflow(kind, &own, cluster.as_deref()).is_none() {
            rename(drafts, i, own, &why, warnings);
            continue;
        }
        // Named after its cluster: its first word, and a shorter cluster.
        let (Some(c), Some(first)) = (
            cluster
                .as_ref()
                .and_then(|c| drafts.iter().position(|d| d.name == *c && d.kind == Kind::Eks)),
            drafts[i].name.split('-').next().map(str::to_string),
        ) else {
            continue;
        };
        let name_of_cluster = drafts[c].name.clone();
        let short_cluster = shortened(&name_of_cluster, |n| overflow(kind, &first, Some(n)).is_none());
        if let Some(cluster_why) = overflow(kind, &first, Some(&name_of_cluster)) {
            rename(drafts, c, short_cluster, &cluster_why, warnings);
        }
        rename(drafts, i, first, &why, warnings);
    }
}

/// Import `doc`; `name` becomes the inventory name, `source` its `source:` field.
pub fn import(doc: &str, name: &str, source: &str) -> Result<Imported, ImportError> {
    let Some(rows) = find_table(doc) else {
        // No Table 1.1: draft from the document's headings and bullets instead.
        return crate::prose::import(doc, name, source);
    };
    let mut warnings = Vec::new();
    let regions = regions(doc);
    let (primary, dr, primary_note, dr_note) = match regions.as_slice() {
        [p, d, ..] => (p.clone(), d.clone(), String::new(), String::new()),
        [p] => {
            let d = if p == "us-west-2" { "us-east-1" } else { "us-west-2" };
            warnings.push(format!("the document names one region ({p}); DR region {d} assumed"));
            (
                p.clone(),
                d.to_string(),
                String::new(),
                format!(" # guess: the document names only {p}; pick the DR region"),
            )
        }
        [] => {
            warnings.push("the document names no AWS region; us-east-1 (primary) and us-west-2 (DR) assumed".into());
            (
                "us-east-1".into(),
                "us-west-2".into(),
                " # guess: the document names no region".to_string(),
                " # guess: the document names no region".to_string(),
            )
        }
    };
    let mut drafts: Vec<Draft> = Vec::new();
    let mut todo = String::new();
    let mut unmapped = 0;
    for row in &rows {
        if row.asset.is_empty() || row.asset.to_lowercase().contains("asset name") {
            warnings.push(format!(
                "line {}: template row \"{}\" skipped",
                row.line,
                shorten(&row.asset)
            ));
            continue;
        }
        let Some(kind) = kind_of(&row.asset, &row.purpose) else {
            unmapped += 1;
            warnings.push(format!(
                "line {}: \"{}\" maps to no asset kind; kept as a TODO comment",
                row.line, row.asset
            ));
            let _ = writeln!(
                todo,
                "  # TODO (line {}): \"{}\" ({}) maps to no acmegen kind; model it or drop it.\n  # - kind: ?\n  #   name: {}\n  #   purpose: {}",
                row.line,
                row.asset,
                shorten(&row.purpose),
                slug(&row.asset),
                yaml_str(&row.purpose)
            );
            continue;
        };
        let (qty, qty_note) = quantity(&row.qty, &row.dr);
        let (dr, dr_note) = strategy(&row.dr, kind);
        let (size, size_note) = size_of(kind, &row.size);
        let counted = kind.spec().quantity != Quantity::None;
        let count_note = if counted { None } else { uncounted_note(kind, qty, dr) };
        // A database instance with a Multi-AZ standby: its second node.
        let has_standby = kind.spec().fields.contains(&"multi_az");
        let multi_az = has_standby.then(|| multi_az_evidence(doc, &row.asset, row)).flatten();
        let az_note = match (has_standby, qty, &multi_az) {
            (true, q, Some(text)) => Some(format!(
                "multi_az: the document says \"{text}\"{}",
                if q > 1 {
                    format!("; its {q} nodes are the instance and its standby")
                } else {
                    String::new()
                }
            )),
            (true, q, None) if q > 1 => Some(format!(
                "multi_az: {q} nodes are the instance and its Multi-AZ standby (or use kind aurora for {q} instances)"
            )),
            (true, _, None) | (false, _, _) => None,
        };
        let notes: Vec<String> = [qty_note, count_note, dr_note, size_note, az_note]
            .into_iter()
            .flatten()
            .collect();
        for n in &notes {
            warnings.push(format!("line {}: {}: {n}", row.line, row.asset));
        }
        let mut name = slug(&row.asset);
        let base = name.clone();
        let mut k = 2;
        while drafts.iter().any(|d| d.name == name) {
            name = format!("{base}-{k}");
            k += 1;
        }
        drafts.push(Draft {
            kind,
            name,
            purpose: row.purpose.clone(),
            size,
            qty,
            dr,
            notes,
            line: row.line,
            source: row.asset.clone(),
            multi_az,
        });
    }
    // A Kubernetes row whose purpose is monitoring also gets the monitoring stack.
    let monitored: Vec<usize> = drafts
        .iter()
        .enumerate()
        .filter(|(_, d)| d.kind == Kind::Eks && kind_of("", &d.purpose) == Some(Kind::K8sMonitoring))
        .map(|(i, _)| i)
        .collect();
    if !drafts.iter().any(|d| d.kind == Kind::K8sMonitoring) {
        for i in monitored {
            // Its IAM roles are named `<cluster>-<stack>-…`: not after the cluster twice.
            let mut stack = "monitoring".to_string();
            let mut k = 2;
            while drafts.iter().any(|d| d.name == stack) {
                stack = format!("monitoring-{k}");
                k += 1;
            }
            let eks = &drafts[i];
            let d = Draft {
                kind: Kind::K8sMonitoring,
                name: stack,
                purpose: format!("Prometheus and Grafana for {}", eks.source),
                size: None,
                qty: 1,
                dr: if eks.dr == DrStrategy::None {
                    DrStrategy::None
                } else {
                    DrStrategy::Active
                },
                notes: vec![format!("added: the purpose of \"{}\" is monitoring", eks.source)],
                line: eks.line,
                source: eks.source.clone(),
                multi_az: None,
            };
            drafts.push(d);
        }
    }
    fit_names(&mut drafts, name, &[&primary, &dr], &mut warnings);
    let mut yaml = String::new();
    let _ = writeln!(yaml, "# Imported by `acmegen import` from {source}.");
    let _ = writeln!(
        yaml,
        "# Review every `# guess:` and `# TODO` below, then run `acmegen render`."
    );
    let _ = writeln!(yaml, "name: {name}");
    let _ = writeln!(yaml, "source: {}", yaml_str(source));
    let _ = writeln!(yaml, "owner: platform-team # TODO: the owning team");
    if drafts.iter().any(|d| d.kind == Kind::K8sMonitoring) {
        let _ = writeln!(
            yaml,
            "ebs_default_encryption: true # guess: the monitoring stack keeps its data on EBS volumes, encrypted with the region's key"
        );
    }
    let _ = writeln!(
        yaml,
        "regions:\n  primary: {primary}{primary_note}\n  dr: {dr}{dr_note}"
    );
    let eips: u32 = drafts.iter().filter(|d| d.kind == Kind::Eip).map(|d| d.qty).sum();
    if eips > 0 {
        let _ = writeln!(
            yaml,
            "network: # guess: one shared NAT gateway per region, so {eips} Elastic IPs of the assets and the NAT's fit the 5 a new account may hold per region\n  primary: {{cidr: 10.0.0.0/16, nat_per_az: false}}\n  dr: {{cidr: 10.1.0.0/16, nat_per_az: false}}"
        );
    }
    let _ = writeln!(yaml, "assets:");
    let key_pair = drafts.iter().find(|d| d.kind == Kind::KeyPair).map(|d| d.name.clone());
    for d in &drafts {
        let _ = writeln!(yaml, "  # line {}: {}", d.line, d.source);
        for n in &d.notes {
            let _ = writeln!(yaml, "  # guess: {n}");
        }
        let _ = writeln!(yaml, "  - kind: {}\n    name: {}", d.kind, d.name);
        if !d.purpose.is_empty() {
            let _ = writeln!(yaml, "    purpose: {}", yaml_str(&d.purpose));
        }
        if let Some(s) = &d.size {
            let _ = writeln!(yaml, "    size: {s}");
        }
        let mut qty = d.qty;
        if d.kind.spec().fields.contains(&"multi_az") {
            // One instance; a second node of the document is its Multi-AZ standby (noted above).
            qty = 1;
        }
        // The first asset of the table of the kind's first target kind that
        // has one (the spec lists them in order of preference), and the
        // other kinds it could have been.
        let present = target_candidates(d.kind, &drafts);
        let target = present.first().map(|t| t.name.clone());
        if let [chosen, others @ ..] = present.as_slice() {
            if !others.is_empty() {
                let names: Vec<String> = others.iter().map(|o| o.kind.to_string()).collect();
                let _ = writeln!(
                    yaml,
                    "    # guess: target {}, the table's {} (preferred over {})",
                    chosen.name,
                    chosen.kind,
                    names.join(", ")
                );
            }
        }
        // One address per instance of the target (a vm's or a bastion's).
        if d.kind == Kind::Eip {
            if let Some(t) = present.first() {
                if qty > t.qty {
                    let _ = writeln!(
                        yaml,
                        "    # guess: {qty} addresses for {} instances per region: one per instance",
                        t.qty
                    );
                    qty = t.qty;
                }
            }
        }
        // What qty counts, and a database's one instance (its standby is multi_az).
        if d.kind.spec().quantity != Quantity::None || d.kind.spec().draft.fields == DraftFields::Database {
            let _ = writeln!(yaml, "    qty: {qty}");
        }
        match d.kind.spec().draft.fields {
            DraftFields::Kubernetes => {
                let _ = writeln!(
                    yaml,
                    "    version: \"{}\" # guess: current EKS version (catalogue checked {})",
                    crate::versions::DEFAULT_KUBERNETES,
                    crate::versions::CHECKED
                );
            }
            DraftFields::Database => {
                let text = words(&format!("{} {}", d.source, d.purpose));
                let (engine, stated) = match (text.contains(" mysql"), text.contains(" postgres")) {
                    (true, _) => ("mysql", true),
                    (false, stated) => ("postgres", stated),
                };
                let family = match engine {
                    "mysql" if d.kind == Kind::Aurora => "aurora-mysql",
                    other => other,
                };
                let version = crate::versions::default_major(family);
                let engine_note = if stated { "" } else { " # guess: engine not stated" };
                let _ = writeln!(yaml, "    engine: {engine}{engine_note}\n    engine_version: \"{version}\" # guess: the same version runs in DR");
                if d.kind.spec().fields.contains(&"multi_az") {
                    let why = if d.multi_az.is_some() || d.qty > 1 {
                        "see above"
                    } else {
                        "a standby in a second AZ (the default)"
                    };
                    let _ = writeln!(yaml, "    multi_az: true # guess: {why}");
                }
            }
            DraftFields::Dns => {
                let _ = writeln!(
                    yaml,
                    "    zone: TODO.example.org # TODO: a domain you control (acmegen creates its hosted zone)\n    record: app # TODO: record name"
                );
            }
            DraftFields::Servers => {
                if let Some(k) = &key_pair {
                    let _ = writeln!(yaml, "    key_pair: {k}");
                }
                if drafts.iter().any(|l| l.kind == Kind::Alb) {
                    let _ = writeln!(
                        yaml,
                        "    image: public.ecr.aws/nginx/nginx:stable # TODO: the application's container image (a stand-in answering the health check)"
                    );
                }
            }
            DraftFields::Defaults => {}
        }
        match (target, d.kind.target_kinds().is_empty()) {
            (Some(t), false) => {
                let _ = writeln!(yaml, "    target: {t}");
            }
            (None, false) => {
                warnings.push(format!(
                    "line {}: {} needs a target and the table has none; set `target:`",
                    d.line, d.source
                ));
                let kinds: Vec<&str> = d.kind.target_kinds().iter().map(|k| k.as_str()).collect();
                let _ = writeln!(yaml, "    target: TODO # no {} in the table", kinds.join(" or "));
            }
            _ => {}
        }
        let _ = writeln!(yaml, "    dr: {}", d.dr);
    }
    yaml.push_str(&todo);
    let mapped = drafts.len();
    Ok(Imported {
        yaml,
        warnings,
        mapped,
        unmapped,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_the_table_import_drafts_is_tried() {
        for k in Kind::ALL {
            assert_eq!(
                IMPORT_ORDER.contains(k),
                !k.spec().import_keywords.is_empty(),
                "{k}: keywords but not in IMPORT_ORDER, or the reverse"
            );
        }
    }

    #[test]
    fn reads_quantities_written_as_prose() {
        assert_eq!(
            quantity("3 instances / service (in total 6)", "each 3 instances in a region").0,
            3
        );
        assert_eq!(
            quantity("4 nodes", "each 2 nodes will be deployed in a different region").0,
            2
        );
        assert_eq!(quantity("2", "Each ALB in a differnet region").0, 1);
        assert_eq!(quantity("2 instances", "Identify if this asset is deployed to DR").0, 2);
        assert_eq!(quantity("", "").0, 1);
        assert_eq!(quantity("4 instances per region", "deployed in each region").0, 4);
    }

    #[test]
    fn maps_asset_names_to_kinds() {
        let cases = [
            ("VM server", Kind::Vm),
            ("EC2 instance", Kind::Vm),
            ("ALB", Kind::Alb),
            ("Load balancer", Kind::Alb),
            ("Kubernetes cluster node", Kind::Eks),
            ("RDS cluster", Kind::Rds),
            ("Database cluster", Kind::Rds),
            ("S3 buckets", Kind::S3),
            ("S3 key pairs", Kind::KeyPair),
            ("IPs", Kind::Eip),
            ("Monitoring platform", Kind::K8sMonitoring),
            ("Route 53", Kind::Route53),
            ("AWS Backup", Kind::BackupPlan),
            ("Backup plan of the RDS database", Kind::BackupPlan),
            ("Database backups", Kind::Rds),
        ];
        for (name, kind) in cases {
            assert_eq!(kind_of(name, ""), Some(kind), "{name}");
        }
        assert_eq!(
            kind_of("GitHub repo", "GitHub repo for storing the Terraform code"),
            None
        );
    }

    #[test]
    fn fits_dr_text_to_the_kind() {
        assert_eq!(
            strategy("Each database cluster will be deployed to each region", Kind::Rds).0,
            DrStrategy::Replica
        );
        assert_eq!(
            strategy("each 3 instances will be deployed in a region", Kind::Vm).0,
            DrStrategy::Active
        );
        assert_eq!(
            strategy("Identify if this asset is deployed to DR", Kind::S3).0,
            DrStrategy::Active
        );
        assert_eq!(strategy("cross-region replication", Kind::S3).0, DrStrategy::Replica);
    }

    #[test]
    fn finds_regions_in_order() {
        assert_eq!(
            regions("- zone1: us-east-2\n- zone2: us-west-1\nfailover to us-west-1"),
            vec!["us-east-2", "us-west-1"]
        );
    }

    /// A design document holding only a Table 1.1 with `rows`.
    fn table(rows: &str) -> String {
        format!("# Design\n\n| Asset | Purpose | Size | Qty | DR |\n|--|--|--|--|--|\n{rows}")
    }

    #[test]
    fn drafted_names_are_shortened_to_fit_aws_names() {
        // `<inventory>-<cluster>-<region>-cluster` and
        // `<inventory>-<cluster>-<region>-<stack>-alertmanager` are at most 64.
        let doc = table(
            "| Kubernetes cluster for the payments processing platform | Runs the services | m5.large | 3 | Yes |\n\
             | Prometheus and Grafana | Monitoring | - | 1 | Yes |\n",
        );
        let out = import(&doc, "acme-payments-platform", "doc.md").expect("imports");
        let cluster = out
            .yaml
            .lines()
            .skip_while(|l| !l.contains("kind: eks"))
            .find_map(|l| l.trim().strip_prefix("name: "))
            .expect("a cluster")
            .to_string();
        assert!(
            cluster.len() < "kubernetes-cluster-for-the-payments".len(),
            "{}",
            out.yaml
        );
        assert!(
            out.yaml
                .contains("# guess: name shortened from `kubernetes-cluster-for-the-pay"),
            "{}",
            out.yaml
        );
        let loaded = crate::inventory::parse(&out.yaml, std::path::Path::new("i.yaml")).expect("parses");
        let names_ok = match crate::validate::validate(&loaded) {
            Ok(_) => true,
            Err(d) => !d.to_string().contains("characters in"),
        };
        assert!(names_ok, "{}", out.yaml);
    }

    #[test]
    fn a_drafted_asset_targets_the_table_asset_of_its_kinds_first_target_kind() {
        // Traefik runs on the cluster of the table; the Route 53 record,
        // with no load balancer in the table, points at the accelerator
        // (which itself has nothing to front, and says so).
        let doc = table(
            "| EKS cluster | Apps | m6i.large | 3 | |\n\
| Traefik | Router | | 1 | |\n\
| Global Accelerator | Entry | | 1 | |\n\
| Route 53 | DNS | | 1 | |\n",
        );
        let imported = import(&doc, "t", "t.md").unwrap();
        let target_of = |kind: &str| {
            let at = imported
                .yaml
                .find(&format!("- kind: {kind}\n"))
                .unwrap_or_else(|| panic!("no {kind}:\n{}", imported.yaml));
            let rest = &imported.yaml[at..];
            let end = rest[2..].find("  - kind:").map_or(rest.len(), |e| e + 2);
            rest[..end]
                .lines()
                .find_map(|l| l.trim().strip_prefix("target: "))
                .map(str::to_string)
        };
        assert_eq!(
            target_of("traefik").as_deref(),
            Some("eks-cluster"),
            "{}",
            imported.yaml
        );
        assert_eq!(
            target_of("route53").as_deref(),
            Some("global-accelerator"),
            "{}",
            imported.yaml
        );
        assert!(
            !imported
                .warnings
                .iter()
                .any(|w| w.contains("Traefik needs a target") || w.contains("Route 53 needs a target")),
            "{:?}",
            imported.warnings
        );
    }

    #[test]
    fn a_count_of_a_kind_whose_qty_counts_nothing_becomes_a_guess_not_a_qty() {
        let doc = table(
            "| ECR | Images | | 3 | replicated |\n\
| EKS cluster | Apps | m6i.large | 3 | |\n",
        );
        let imported = import(&doc, "t", "t.md").unwrap();
        let y = &imported.yaml;
        let ecr = &y[y.find("- kind: ecr").unwrap()..y.find("- kind: eks").unwrap()];
        assert!(!ecr.contains("qty:"), "{y}");
        assert!(
            y.contains("# guess: the document counts 3: one `ecr` asset is one ecr per region; add 2 more assets if they are separate"),
            "{y}"
        );
        assert!(y[y.find("- kind: eks").unwrap()..].contains("    qty: 3\n"), "{y}");
    }

    #[test]
    fn a_drafted_target_names_the_kinds_it_was_preferred_over_and_bounds_the_count() {
        let doc = table(
            "| Bastion host | Access | t3.micro | 1 | |\n\
| Elastic IP | Static address | | 3 | |\n\
| Application Load Balancer | Front | | 1 | |\n\
| Global Accelerator | Entry | | 2 | active |\n\
| Route 53 | DNS | | 1 | |\n",
        );
        let imported = import(&doc, "t", "t.md").unwrap();
        let y = &imported.yaml;
        let dns = &y[y.find("- kind: route53").unwrap()..];
        assert!(dns.contains("    target: global-accelerator\n"), "{y}");
        assert!(
            dns.contains("# guess: target global-accelerator, the table's global_accelerator (preferred over alb)"),
            "{y}"
        );
        // The addresses go to the bastion, one per host.
        let eip = &y[y.find("- kind: eip").unwrap()..y.find("- kind: alb").unwrap()];
        assert!(
            eip.contains("    target: bastion-host\n") && eip.contains("    qty: 1\n"),
            "{y}"
        );
        assert!(
            eip.contains("# guess: 3 addresses for 1 instances per region: one per instance"),
            "{y}"
        );
        // An accelerator is one for both regions.
        assert!(
            y.contains(
                "# guess: the document counts 2: one accelerator serves both regions, with an endpoint group in each"
            ),
            "{y}"
        );
        // With no target in the table, the TODO names every kind that would do.
        let alone = import(&table("| Route 53 | DNS | | 1 | |\n"), "t", "t.md").unwrap();
        assert!(
            alone
                .yaml
                .contains("target: TODO # no global_accelerator or alb in the table"),
            "{}",
            alone.yaml
        );
    }

    #[test]
    fn a_document_without_a_table_is_an_error() {
        assert!(import("# Just prose\n\nNo table here.", "x", "x.md").is_err());
    }
}
