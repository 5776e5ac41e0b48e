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
//! network facts. Submodules: [`quantities`] (counts, sizes, versions),
//! [`network`] (CIDRs, subnets, AZs, NAT, host names), [`regions`].

mod network;
mod quantities;
mod regions;

pub use quantities::instance_type;
pub use regions::{regions, RegionFact};

use super::outline::{LineKind, Outline};
use super::text::{padded, sentences, tokens};
use crate::cidr::Cidr;
use crate::inventory::{DrStrategy, Engine, Kind};
use network::{hostnames, network_facts};
use quantities::{counts, engine_facts, kube_version, retention, storage};

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
            What::Dr(_) => Kind::ALL,
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

/// Whether the padded token string `w` contains any of the padded phrases.
fn any(w: &str, phrases: &[&str]) -> bool {
    phrases.iter().any(|p| w.contains(p))
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
