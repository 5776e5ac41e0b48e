//! Facts stated in the text, line by line: DR intents ("cross-region read
//! replica", "failover cluster", "backups", "pilot light"), quantities
//! ("3 nodes", "min 2 max 6", "3 availability zones"), sizes (`m6i.large`,
//! `db.r6g.large`), database engines and versions, retention, storage,
//! the VPC CIDR and subnet plan (`10.0.0.0/16`, "/21 public subnets", a
//! listing of subnet CIDRs), NAT per AZ, host names, and AWS regions (codes
//! or city names). Which asset a fact describes is decided later, in
//! [`super::draft`]; here each fact only records where it was said.
//!
//! Lines of excluded sections state nothing; code blocks state only
//! network facts.

use super::outline::{LineKind, Outline};
use super::text::{fold, padded, sentences, tokens};
use super::vocabulary::vocabulary;
use crate::catalog;
use crate::cidr::Cidr;
use crate::inventory::{DrStrategy, Engine, Kind};

/// What a line states.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum What {
    /// A DR intent, fitted to each asset's kind later.
    Dr(DrStrategy),
    /// Global Accelerator's traffic dial at 0 for the DR region.
    TrafficDial0,
    /// RDS Multi-AZ standby.
    MultiAz,
    /// Database engine.
    Engine(Engine),
    /// Database engine version.
    EngineVersion(String),
    /// Instance type or DB class, as written.
    Size(String),
    /// Node or instance count.
    Nodes(u32),
    /// Node or instance count in the DR region (a pilot light's capacity).
    DrNodes(u32),
    /// Minimum node count.
    MinNodes(u32),
    /// Maximum node count.
    MaxNodes(u32),
    /// Database storage in GiB.
    StorageGb(u32),
    /// Retention in days.
    RetentionDays(u32),
    /// Kubernetes version.
    KubeVersion(String),
    /// A VPC CIDR.
    VpcCidr(Cidr),
    /// A public subnet CIDR.
    PublicSubnet(Cidr),
    /// A private subnet CIDR.
    PrivateSubnet(Cidr),
    /// Prefix length of public subnets.
    PublicPrefix(u8),
    /// Prefix length of private subnets.
    PrivatePrefix(u8),
    /// Availability zone count.
    Azs(u8),
    /// One NAT gateway per AZ (true) or a shared one (false).
    NatPerAz(bool),
    /// A DNS name (record and zone).
    Hostname(String),
}

impl What {
    /// The asset kinds this fact can describe; empty for network facts.
    pub fn kinds(&self) -> &'static [Kind] {
        use Kind::*;
        match self {
            What::Dr(_) => &Kind::ALL,
            What::TrafficDial0 => &[GlobalAccelerator],
            What::MultiAz | What::StorageGb(_) => &[Rds],
            What::Engine(_) | What::EngineVersion(_) => &[Rds, Aurora],
            What::Size(s) if s.starts_with("db.") => &[Rds, Aurora],
            What::Size(_) => &[Eks, Vm, Bastion],
            What::Nodes(_) => &[Eks, Vm, Aurora],
            What::DrNodes(_) => &[Eks, Vm],
            What::MinNodes(_) | What::MaxNodes(_) | What::KubeVersion(_) => &[Eks],
            What::RetentionDays(_) => &[Rds, Aurora, S3, Cloudwatch, Cloudtrail],
            What::Hostname(_) => &[Route53],
            What::VpcCidr(_)
            | What::PublicSubnet(_)
            | What::PrivateSubnet(_)
            | What::PublicPrefix(_)
            | What::PrivatePrefix(_)
            | What::Azs(_)
            | What::NatPerAz(_) => &[],
        }
    }

    /// Whether the fact is about the network rather than an asset.
    pub fn is_network(&self) -> bool {
        self.kinds().is_empty()
    }
}

/// One fact and where it was stated.
#[derive(Debug, Clone)]
pub struct Fact {
    /// What was stated.
    pub what: What,
    /// Line number.
    pub line: usize,
    /// Innermost section of the line.
    pub section: Option<usize>,
    /// The line's words, for comments.
    pub quote: String,
    /// Whether the line or its section speaks of the DR side (failover, secondary…).
    pub dr_context: bool,
}

/// An AWS region named in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionFact {
    /// Region code.
    pub code: &'static str,
    /// Line number.
    pub line: usize,
    /// As written (a code or a city).
    pub written: String,
    /// Some(true) for a DR region, Some(false) for a primary one, None when the line does not say.
    pub dr: Option<bool>,
}

const DR_CONTEXT: &[&str] = &[
    " failover ",
    " fail over ",
    " dr ",
    " disaster recovery ",
    " secondary ",
    " standby ",
    " another region ",
    " different region ",
    " second region ",
    " dr region ",
    " target region ",
    " recovery region ",
];
const NO_DR: &[&str] = &[
    " primary only ",
    " no dr ",
    " not replicated ",
    " no disaster recovery ",
    " single region ",
    " not deployed in dr ",
    " not in dr ",
    " without dr ",
    " no failover ",
];
const PILOT_LIGHT: &[&str] = &[
    " pilot light ",
    " warm standby ",
    " scaled down ",
    " reduced capacity ",
    " minimal capacity ",
];
const BACKUP: &[&str] = &[
    " backup ",
    " snapshot ",
    " point in time recovery ",
    " point in time restore ",
];
const ACTIVE: &[&str] = &[
    " failover ",
    " fail over ",
    " different region ",
    " another region ",
    " second region ",
    " secondary region ",
    " each region ",
    " both region ",
    " per region ",
    " every region ",
    " all region ",
    " 2 region ",
    " multi region ",
    " multiple region ",
    " cross region ",
    " active active ",
    " active passive ",
    " active failover ",
    " dr region ",
    " both cluster ",
    " same setup ",
    " standby region ",
    " hot standby ",
];
const REPLICATION: &[&str] = &[" read replica ", " replicate ", " replicated ", " replication "];
const COUNT_UNITS: &[&str] = &["node", "instance", "server", "vm", "vms", "worker", "machine"];
const PER_AZ: &[&str] = &[
    " per az ",
    " each az ",
    " every az ",
    " per availability zone ",
    " each availability zone ",
    " 1 per az ",
];
const SHARED_NAT: &[&str] = &[" single nat ", " 1 nat ", " shared nat ", " 1 shared nat "];
const TLDS: &[&str] = &[
    "com", "net", "org", "io", "dev", "app", "cloud", "co", "fr", "de", "uk", "eu", "ai", "tech", "info", "biz", "us",
    "ca",
];

fn any(w: &str, phrases: &[&str]) -> bool {
    phrases.iter().any(|p| w.contains(p))
}

fn number(s: &str) -> Option<u32> {
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

fn version(token: &str) -> Option<String> {
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
fn counts(t: &[String]) -> Vec<(What, usize)> {
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

fn azs(t: &[String], w: &str) -> Option<u8> {
    if any(w, &[" single az ", " single availability zone "]) {
        return Some(1);
    }
    t.windows(3).find_map(|win| {
        let n = number(&win[0])?;
        let az = win[1] == "az" || win[1] == "azs" || (win[1] == "availability" && win[2] == "zone");
        (az && n <= 6).then_some(n as u8)
    })
}

fn storage(t: &[String]) -> Option<u32> {
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

fn retention(t: &[String], w: &str) -> Option<u32> {
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

fn engine_facts(t: &[String]) -> Vec<What> {
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
fn kube_version(t: &[String]) -> Option<String> {
    t.iter().enumerate().find_map(|(i, w)| {
        if !matches!(w.as_str(), "kubernete" | "eks" | "k8s" | "version") {
            return None;
        }
        let next = t.get(i + 1).filter(|n| *n != "version").or_else(|| t.get(i + 2))?;
        version(next).filter(|v| v.starts_with("1.") && v.len() == 4)
    })
}

fn hostnames(text: &str) -> Vec<String> {
    fold(text)
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '-'))
        .map(|w| w.trim_matches(['.', '-']))
        .filter(|w| {
            let labels: Vec<&str> = w.split('.').collect();
            labels.len() >= 2
                && labels.iter().all(|l| !l.is_empty())
                && labels.last().is_some_and(|tld| TLDS.contains(tld))
                && !labels.iter().all(|l| l.chars().all(|c| c.is_ascii_digit()))
                && instance_type(w).is_none()
        })
        .map(str::to_string)
        .collect()
}

fn dr_intents(w: &str) -> Vec<DrStrategy> {
    if any(w, NO_DR) {
        return vec![DrStrategy::None];
    }
    let mut out = Vec::new();
    let regional = any(w, &[" region ", " dr ", " disaster ", " failover "]);
    if any(w, REPLICATION) || (w.contains(" replica ") && regional) {
        out.push(DrStrategy::Replica);
    }
    if any(w, PILOT_LIGHT) {
        out.push(DrStrategy::PilotLight);
    }
    if any(w, BACKUP) {
        out.push(DrStrategy::Backup);
    }
    if any(w, ACTIVE) {
        out.push(DrStrategy::Active);
    }
    out
}

fn network_facts(t: &[String], w: &str, context: &str) -> Vec<What> {
    let mut out = Vec::new();
    let tier = |w: &str| match (w.contains(" public "), w.contains(" private ")) {
        (true, false) => Some(true),
        (false, true) => Some(false),
        _ => None,
    };
    let subnet_line = any(w, &[" subnet ", " public ", " private "]);
    let mut segment_tier: Vec<Option<bool>> = Vec::with_capacity(t.len());
    for segment in t.split(|x| x == "and") {
        let seg = format!(" {} ", segment.join(" "));
        segment_tier.extend(std::iter::repeat_n(tier(&seg), segment.len()));
        segment_tier.push(None);
    }
    for (i, token) in t.iter().enumerate() {
        let tier_here = segment_tier[i].or_else(|| tier(w));
        if let Ok(cidr) = token.parse::<Cidr>() {
            match (subnet_line, tier_here.or_else(|| tier(context))) {
                (true, Some(true)) => out.push(What::PublicSubnet(cidr)),
                (true, Some(false)) => out.push(What::PrivateSubnet(cidr)),
                (true, None) => {}
                (false, _) if (16..=24).contains(&cidr.prefix) => out.push(What::VpcCidr(cidr)),
                (false, _) => {}
            }
        } else if let Some(p) = token.strip_prefix('/').and_then(|p| p.parse::<u8>().ok()) {
            if (16..=28).contains(&p) && (w.contains(" subnet ") || context.contains(" subnet ")) {
                match tier_here {
                    Some(true) => out.push(What::PublicPrefix(p)),
                    Some(false) => out.push(What::PrivatePrefix(p)),
                    None => {}
                }
            }
        }
    }
    if let Some(n) = azs(t, w) {
        out.push(What::Azs(n));
    }
    let nat = w.contains(" nat ") || w.contains(" ngw ") || context.contains(" nat ");
    if nat && any(w, PER_AZ) {
        out.push(What::NatPerAz(true));
    } else if any(w, SHARED_NAT) {
        out.push(What::NatPerAz(false));
    }
    out
}

/// Which side each token of a sentence speaks of: after "DR", "failover",
/// "secondary"… the DR region, after "primary" or "main" the primary one.
fn sides(t: &[String]) -> Vec<Option<bool>> {
    let mut side = None;
    t.iter()
        .map(|w| {
            match w.as_str() {
                "dr" | "failover" | "secondary" | "standby" | "recovery" => side = Some(true),
                "primary" | "main" => side = Some(false),
                _ => {}
            }
            side
        })
        .collect()
}

fn sentence_facts(text: &str, t: &[String], w: &str, dr_context: bool) -> Vec<What> {
    let mut whats = Vec::new();
    whats.extend(dr_intents(w).into_iter().map(What::Dr));
    if w.contains(" traffic dial ") && (t.iter().any(|x| x == "0") || w.contains(" zero ")) {
        whats.push(What::TrafficDial0);
    }
    if w.contains(" multi az ") {
        whats.push(What::MultiAz);
    }
    whats.extend(engine_facts(t));
    whats.extend(t.iter().filter_map(|x| instance_type(x)).map(What::Size));
    let side = sides(t);
    for (what, i) in counts(t) {
        match (what, side[i].unwrap_or(dr_context)) {
            (What::Nodes(n), true) => whats.push(What::DrNodes(n)),
            // A DR region's bounds are not the primary's.
            (What::MinNodes(_) | What::MaxNodes(_), true) => {}
            (what, _) => whats.push(what),
        }
    }
    whats.extend(storage(t).map(What::StorageGb));
    whats.extend(retention(t, w).map(What::RetentionDays));
    whats.extend(kube_version(t).map(What::KubeVersion));
    if any(
        w,
        &[
            " dns ",
            " domain ",
            " route 53 ",
            " route53 ",
            " record ",
            " hostname ",
            " url ",
        ],
    ) {
        whats.extend(hostnames(text).into_iter().map(What::Hostname));
    }
    whats
}

/// Every fact of `outline`, in line order; asset facts sentence by sentence.
pub fn facts(outline: &Outline) -> Vec<Fact> {
    let mut out = Vec::new();
    for line in &outline.lines {
        if outline.excluded(line) || line.kind == LineKind::Blank {
            continue;
        }
        let context: String = outline
            .chain(line.section)
            .iter()
            .map(|&s| padded(&outline.sections[s].title))
            .collect();
        let section_dr = any(&context, DR_CONTEXT);
        let t = tokens(&line.text);
        let w = format!(" {} ", t.join(" "));
        let mut push = |what, quote: &str, dr_context| {
            out.push(Fact {
                what,
                line: line.number,
                section: line.section,
                quote: quote.to_string(),
                dr_context,
            })
        };
        let line_dr = section_dr || any(&w, DR_CONTEXT);
        for what in network_facts(&t, &w, &context) {
            push(what, &line.text, line_dr);
        }
        if line.kind == LineKind::Code {
            continue;
        }
        for sentence in sentences(&line.text) {
            let t = tokens(&sentence);
            let w = format!(" {} ", t.join(" "));
            let dr_context = section_dr || any(&w, DR_CONTEXT);
            for what in sentence_facts(&sentence, &t, &w, dr_context) {
                push(what, &sentence, dr_context);
            }
        }
    }
    out
}

/// AWS regions named in `outline`, by code ("eu-west-3") or by city when
/// the line speaks of a region ("Paris region"), in document order.
pub fn regions(outline: &Outline) -> Vec<RegionFact> {
    let vocab = vocabulary();
    let mut out = Vec::new();
    for line in &outline.lines {
        if outline.excluded(line) || line.kind == LineKind::Blank {
            continue;
        }
        let folded = fold(&line.text);
        let words: Vec<&str> = folded.split_whitespace().filter(|w| !w.contains("://")).collect();
        let w = padded(&line.text);
        let says_dr = any(
            &w,
            &[
                " dr ",
                " disaster ",
                " failover ",
                " secondary ",
                " standby ",
                " recovery ",
                " target region ",
            ],
        );
        let says_primary = any(&w, &[" primary ", " main ", " source region ", " principal "]);
        let dr = match (says_dr, says_primary) {
            (true, false) => Some(true),
            (false, true) => Some(false),
            _ => None,
        };
        let mut found: Vec<(usize, &'static str, String)> = Vec::new();
        let mut offset = 0;
        for word in words
            .iter()
            .flat_map(|w| w.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-')))
        {
            offset += 1;
            if let Some((code, _)) = catalog::REGIONS.iter().find(|(r, _)| *r == word) {
                found.push((offset, code, word.to_string()));
            }
        }
        if found.is_empty() && (w.contains(" region ") || w.contains(" aws ")) {
            for (pos, code) in vocab.region_names(&w) {
                let written = w[pos..].split_whitespace().next().unwrap_or(code).to_string();
                found.push((pos, code, written));
            }
        }
        for (_, code, written) in found {
            out.push(RegionFact {
                code,
                line: line.number,
                written,
                dr,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn whats(doc: &str) -> Vec<What> {
        facts(&Outline::parse(doc)).into_iter().map(|f| f.what).collect()
    }

    #[test]
    fn dr_intents_from_prose() {
        assert_eq!(
            whats("* Cross-Region Read Replica: a replica in a different AWS region"),
            [What::Dr(DrStrategy::Replica), What::Dr(DrStrategy::Active)]
        );
        assert_eq!(
            whats("* Automated backups and snapshots"),
            [What::Dr(DrStrategy::Backup)]
        );
        assert_eq!(
            whats("* The app runs as a pilot light"),
            [What::Dr(DrStrategy::PilotLight)]
        );
        assert_eq!(whats("* Primary only, not replicated"), [What::Dr(DrStrategy::None)]);
        assert!(whats("* Describes how many replicas of the microservice should run").is_empty());
        assert_eq!(
            whats("* Set the traffic-dial-percentage parameter to ‘0’ for the secondary region"),
            [What::Dr(DrStrategy::Active), What::TrafficDial0]
        );
    }

    #[test]
    fn quantities_and_sizes() {
        assert_eq!(
            whats("* 3 m6i.large worker nodes"),
            [What::Size("m6i.large".into()), What::Nodes(3)]
        );
        assert_eq!(
            whats("* Node group: min 2, max 6, desired 3"),
            [What::MinNodes(2), What::MaxNodes(6), What::Nodes(3)]
        );
        assert_eq!(whats("* between 2 and 5 nodes"), [What::MinNodes(2), What::MaxNodes(5)]);
        assert_eq!(whats("* entre 2 et 4 noeuds"), [What::MinNodes(2), What::MaxNodes(4)]);
        assert_eq!(
            whats("* db.r6g.large, 200 GB"),
            [What::Size("db.r6g.large".into()), What::StorageGb(200)]
        );
        assert_eq!(
            whats("* Backups retained 14 days"),
            [What::Dr(DrStrategy::Backup), What::RetentionDays(14)]
        );
        assert_eq!(whats("* EKS version 1.31"), [What::KubeVersion("1.31".into())]);
        assert_eq!(whats("* Version 1.30"), [What::KubeVersion("1.30".into())]);
        assert_eq!(
            whats("* PostgreSQL 16.4 and MySQL"),
            [
                What::Engine(Engine::Postgres),
                What::EngineVersion("16.4".into()),
                What::Engine(Engine::Mysql)
            ]
        );
        assert!(instance_type("e.g").is_none() && instance_type("rds.tf").is_none());
    }

    #[test]
    fn dr_capacity_is_not_the_primary_count() {
        assert_eq!(
            whats("* Primary: 3 nodes; DR: 1 node"),
            [What::Nodes(3), What::DrNodes(1)]
        );
        assert_eq!(
            whats("## Disaster recovery\n\nThe cluster runs one node. Backups too."),
            [What::DrNodes(1), What::Dr(DrStrategy::Backup)]
        );
    }

    #[test]
    fn network_plan() {
        let cidr = |s: &str| s.parse::<Cidr>().unwrap();
        assert_eq!(
            whats("* the IP range for this VPC is `10.0.0.0/16`."),
            [What::VpcCidr(cidr("10.0.0.0/16"))]
        );
        assert_eq!(
            whats("```\nPrivate Subnet-A 10.0.64.0/18\nPublic Subnet - B 10.0.8.0/21\n```"),
            [
                What::PrivateSubnet(cidr("10.0.64.0/18")),
                What::PublicSubnet(cidr("10.0.8.0/21"))
            ]
        );
        assert_eq!(whats("* /21 public subnets"), [What::PublicPrefix(21)]);
        assert_eq!(
            whats("* /24 public subnets and /20 private subnets"),
            [What::PublicPrefix(24), What::PrivatePrefix(20)]
        );
        assert_eq!(
            whats("* Sous-réseaux publics /22 et sous-réseaux privés /19"),
            [What::PublicPrefix(22), What::PrivatePrefix(19)]
        );
        assert_eq!(whats("* 3 availability zones for high availability"), [What::Azs(3)]);
        assert_eq!(whats("* trois zones de disponibilité"), [What::Azs(3)]);
        assert_eq!(
            whats("#### NAT Gateways (NGW)\n\n* Per AZ egress"),
            [What::NatPerAz(true)]
        );
        assert_eq!(whats("* A single NAT gateway"), [What::NatPerAz(false)]);
    }

    #[test]
    fn hosts_and_regions() {
        assert_eq!(
            whats("* DNS record shop.acme.io"),
            [What::Hostname("shop.acme.io".into())]
        );
        let o = Outline::parse(
            "Primary in eu-west-1.\n\nDR region: Frankfurt.\n\nSee https://us-east-1.console.aws.amazon.com\n",
        );
        let r = regions(&o);
        assert_eq!(r.len(), 2);
        assert_eq!((r[0].code, r[0].dr), ("eu-west-1", Some(false)));
        assert_eq!((r[1].code, r[1].dr), ("eu-central-1", Some(true)));
    }

    #[test]
    fn excluded_sections_state_nothing() {
        assert!(whats("## References\n\n* 3 nodes in us-east-1, read replica\n").is_empty());
    }
}
