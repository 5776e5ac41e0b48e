//! The network ACLs never block what the security groups allow: every
//! security-group rule the generated Terraform creates is walked through
//! the ACLs of the tiers it crosses, request and answer.
//!
//! What it models:
//! - every `aws_vpc_security_group_{ingress,egress}_rule` of the module
//!   templates (a guard fails when a template adds one the catalogue below
//!   does not know), turned into flows from the module calls of the plan:
//!   source zone → destination zone, protocol, port range;
//! - zones: the internet (a documentation address, or an address inside the
//!   rule's range outside both VPCs), each public and private subnet (its
//!   tenth address), the peer VPC's first private subnet (checked against
//!   the peer root's ACLs);
//! - a referenced security group sits in the tier of its members (load
//!   balancers: public; cluster security group: private; instances: the
//!   tier their `subnet_ids` name; the database-clients group: its members);
//! - the path: ACLs are checked where traffic leaves and enters a subnet
//!   (two subnets of one tier are different subnets: the walk uses two AZs);
//!   private hosts reach the internet through a NAT gateway in a public
//!   subnet (private out, public in, public out), whose answers come back
//!   from the internet address (public in, public out, private in);
//! - answers: every port of 1024-65535 the other side may have picked.
//!
//! What it does not model:
//! - egress rules to a range inside a VPC (e.g. "anything inside the VPC"):
//!   such a flow exists only where the destination's ingress admits it, and
//!   those ingress rules are walked;
//! - an egress rule to 0.0.0.0/0 is walked to the internet only (inside the
//!   VPC, as above);
//! - the rules EKS creates itself on the cluster security group: the
//!   member-to-member rule is walked (private ↔ private, every protocol);
//!   its "all egress" is deliberately narrowed to HTTP(S) towards the
//!   internet by the ACLs, and the walk checks that HTTPS gets out;
//! - traffic ACLs never filter (Amazon DNS at VPC base + 2, instance
//!   metadata, Time Sync), ICMP, IPv6, and unroutable paths (the internet
//!   into a private subnet).

use acmegen::cidr::Cidr;
use acmegen::inventory::parse;
use acmegen::plan::nacl::{self, NetworkAcls, Protocol, Tier, EPHEMERAL_FROM, EPHEMERAL_TO};
use acmegen::plan::{plan, Expr, ModuleCall, Plan, RootPlan};
use acmegen::validate::validate;
use std::collections::BTreeSet;
use std::path::Path;

/// Security-group rules the walk knows: (module, resource name).
const MODELLED: &[(&str, &str)] = &[
    ("alb", "http"),
    ("alb", "https"),
    ("alb", "targets"),
    ("eks", "node_port"),
    // The database client rules of rds and aurora live in their child
    // db_common, which takes the callers' port and client lists as given:
    // the walk models them on the rds and aurora calls.
    ("db_common", "client_groups"),
    ("db_common", "client_ranges"),
    ("rds_backup_replication", "restore_clients"),
    ("vm", "app_from_sources"),
    ("vm", "node_exporter"),
    ("vm", "ssh"),
    ("vm", "https"),
    ("vm", "vpc"),
];

const INTERNET: u32 = (203 << 24) | (113 << 8) | 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Zone {
    Internet(u32),
    Subnet(Tier, usize),
    Peer,
}

#[derive(Debug)]
struct Flow {
    what: String,
    from: Zone,
    to: Zone,
    protocol: Protocol,
    ports: (u16, u16),
}

/// One root's network as the walk needs it.
struct Net {
    cidr: Cidr,
    public: Vec<Cidr>,
    private: Vec<Cidr>,
    acls: Option<NetworkAcls>,
}

fn cidrs(e: Option<&Expr>) -> Vec<Cidr> {
    match e {
        Some(Expr::List(items)) => items
            .iter()
            .filter_map(|i| match i {
                Expr::Str(s) => Some(s.parse().expect("a CIDR")),
                _ => None,
            })
            .collect(),
        Some(Expr::Str(s)) => vec![s.parse().expect("a CIDR")],
        _ => Vec::new(),
    }
}

fn net(root: &RootPlan) -> Option<Net> {
    let vpc = root.modules.iter().find(|m| m.source == "vpc")?;
    Some(Net {
        cidr: cidrs(vpc.argument("cidr"))[0],
        public: cidrs(vpc.argument("public_subnets")),
        private: cidrs(vpc.argument("private_subnets")),
        acls: vpc
            .argument("network_acls")
            .map(|e| NetworkAcls::from_expr(e).expect("network_acls reads back")),
    })
}

fn contains(c: Cidr, addr: u32) -> bool {
    (addr as u64) >= c.addr as u64 && (addr as u64) < c.end()
}

impl Net {
    fn address(&self, tier: Tier, i: usize) -> u32 {
        let subnets = match tier {
            Tier::Public => &self.public,
            Tier::Private => &self.private,
        };
        subnets[i % subnets.len()].addr + 10
    }

    /// The subnets of `tier` a flow is walked from or to: two AZs where the
    /// tier has two (so intra-tier traffic crosses a subnet boundary).
    fn zones(&self, tier: Tier) -> Vec<Zone> {
        let n = match tier {
            Tier::Public => self.public.len(),
            Tier::Private => self.private.len(),
        };
        (0..n.min(2)).map(|i| Zone::Subnet(tier, i)).collect()
    }
}

/// The zones inside `range`: VPC subnets, the peer, and the internet where
/// the range reaches beyond both VPCs.
fn zones_in(range: Cidr, own: &Net, peer: Option<&Net>) -> Vec<Zone> {
    let mut zones = Vec::new();
    for tier in [Tier::Public, Tier::Private] {
        zones.extend(
            own.zones(tier)
                .into_iter()
                .filter(|z| matches!(z, Zone::Subnet(t, i) if contains(range, own.address(*t, *i)))),
        );
    }
    if let Some(p) = peer {
        if contains(range, p.address(Tier::Private, 0)) {
            zones.push(Zone::Peer);
        }
    }
    let inside = |a: u32| contains(own.cidr, a) || peer.is_some_and(|p| contains(p.cidr, a));
    let outside = if range.prefix == 0 {
        Some(INTERNET)
    } else {
        [range.addr, (range.end() - 1) as u32].into_iter().find(|a| !inside(*a))
    };
    zones.extend(outside.map(Zone::Internet));
    zones
}

fn tier_of_subnets(m: &ModuleCall) -> Tier {
    let public = m
        .argument("subnet_ids")
        .is_some_and(|s| s.render().contains("public_subnet_ids"));
    if public {
        Tier::Public
    } else {
        Tier::Private
    }
}

/// The tiers the members of the referenced security group `group` sit in.
fn member_tiers(root: &RootPlan, group: &Expr) -> Vec<Tier> {
    let text = group.render();
    if text.ends_with(".cluster_security_group_id") {
        return vec![Tier::Private];
    }
    if text.ends_with(".database_clients_security_group_id") {
        return root
            .modules
            .iter()
            .filter(|m| {
                m.argument("additional_security_group_ids")
                    .is_some_and(|g| g.render().contains(&text))
            })
            .map(tier_of_subnets)
            .collect();
    }
    let label = text
        .strip_prefix("module.")
        .and_then(|t| t.strip_suffix(".security_group_id"))
        .unwrap_or_else(|| panic!("unmodelled security group reference {text}"));
    let m = root
        .modules
        .iter()
        .find(|m| m.label == label)
        .expect("referenced module");
    match m.source.as_str() {
        "alb" => vec![Tier::Public],
        "vm" => vec![tier_of_subnets(m)],
        other => panic!("unmodelled security group of a {other} module"),
    }
}

fn num(e: Option<&Expr>) -> Option<u16> {
    match e {
        Some(Expr::Num(n)) => u16::try_from(*n).ok(),
        _ => None,
    }
}

fn list(e: Option<&Expr>) -> &[Expr] {
    match e {
        Some(Expr::List(items)) => items,
        _ => &[],
    }
}

/// The flows the security-group rules of `root` allow.
fn flows(root: &RootPlan, own: &Net, peer: Option<&Net>) -> Vec<Flow> {
    let mut out = Vec::new();
    let mut add = |what: String, from: Vec<Zone>, to: Vec<Zone>, protocol: Protocol, ports: (u16, u16)| {
        for f in &from {
            for t in &to {
                if f != t {
                    out.push(Flow {
                        what: what.clone(),
                        from: *f,
                        to: *t,
                        protocol,
                        ports,
                    });
                }
            }
        }
    };
    let anywhere = zones_in(nacl::ANYWHERE, own, peer);
    for m in &root.modules {
        let what = |rule: &str| format!("module.{} ({}) {rule}", m.label, m.source);
        match m.source.as_str() {
            "alb" => {
                let public = own.zones(Tier::Public);
                add(what("http"), anywhere.clone(), public.clone(), Protocol::Tcp, (80, 80));
                if m.argument("https") == Some(&Expr::Bool(true)) {
                    add(
                        what("https"),
                        anywhere.clone(),
                        public.clone(),
                        Protocol::Tcp,
                        (443, 443),
                    );
                }
                let port = num(m.argument("target_port")).expect("target_port");
                let inside = zones_in(own.cidr, own, peer);
                add(what("targets"), public, inside, Protocol::Tcp, (port, port));
            }
            "eks" => {
                for source in list(m.argument("node_port_sources").map(|e| root.resolve(e))) {
                    let Expr::Map(fields) = source else {
                        panic!("node_port_sources entry")
                    };
                    let get = |k: &str| fields.iter().find(|(n, _)| n == k).map(|(_, v)| v);
                    let port = num(get("port")).expect("port");
                    let from = member_tiers(root, get("security_group_id").unwrap())
                        .into_iter()
                        .flat_map(|t| own.zones(t))
                        .collect();
                    add(
                        what("node_port"),
                        from,
                        own.zones(Tier::Private),
                        Protocol::Tcp,
                        (port, port),
                    );
                }
                // Created by EKS, not by the Terraform: members of the
                // cluster security group reach each other on everything.
                let private = own.zones(Tier::Private);
                add(
                    what("cluster SG (EKS) member to member"),
                    private.clone(),
                    private.clone(),
                    Protocol::Tcp,
                    (0, 65535),
                );
                add(
                    what("cluster SG (EKS) member to member"),
                    private.clone(),
                    private,
                    Protocol::Udp,
                    (0, 65535),
                );
                // Its "all egress", as far as the ACLs keep it: HTTPS out.
                add(
                    what("cluster SG (EKS) egress, HTTPS"),
                    own.zones(Tier::Private),
                    vec![Zone::Internet(INTERNET)],
                    Protocol::Tcp,
                    (443, 443),
                );
            }
            "rds" | "aurora" | "rds_backup_replication" => {
                if m.source == "rds_backup_replication" && list(m.argument("subnet_ids")).is_empty() {
                    continue;
                }
                let port = num(m.argument("port")).expect("port");
                let db = own.zones(Tier::Private);
                let rule = if m.source == "rds_backup_replication" {
                    "restore_clients"
                } else {
                    "client_groups"
                };
                for group in list(m.argument("allowed_security_group_ids").map(|e| root.resolve(e))) {
                    let from = member_tiers(root, group)
                        .into_iter()
                        .flat_map(|t| own.zones(t))
                        .collect();
                    add(what(rule), from, db.clone(), Protocol::Tcp, (port, port));
                }
                for range in cidrs(m.argument("allowed_cidr_blocks")) {
                    add(
                        what("client_ranges"),
                        zones_in(range, own, peer),
                        db.clone(),
                        Protocol::Tcp,
                        (port, port),
                    );
                }
            }
            "vm" => {
                let here = own.zones(tier_of_subnets(m));
                if let Some(port) = num(m.argument("app_port")) {
                    for group in list(m.argument("ingress_security_group_ids").map(|e| root.resolve(e))) {
                        let from = member_tiers(root, group)
                            .into_iter()
                            .flat_map(|t| own.zones(t))
                            .collect();
                        add(
                            what("app_from_sources"),
                            from,
                            here.clone(),
                            Protocol::Tcp,
                            (port, port),
                        );
                    }
                }
                // The module's rule exists only where node_exporter runs (an
                // exporter image next to an application image).
                if m.argument("node_exporter_image").is_some() && m.argument("app_image").is_some() {
                    let port = num(m.argument("node_exporter_port")).unwrap_or(9100);
                    for group in list(m.argument("metrics_security_group_ids").map(|e| root.resolve(e))) {
                        let from = member_tiers(root, group)
                            .into_iter()
                            .flat_map(|t| own.zones(t))
                            .collect();
                        add(what("node_exporter"), from, here.clone(), Protocol::Tcp, (port, port));
                    }
                }
                for range in cidrs(m.argument("ssh_cidrs")) {
                    add(
                        what("ssh"),
                        zones_in(range, own, peer),
                        here.clone(),
                        Protocol::Tcp,
                        (22, 22),
                    );
                }
                add(
                    what("https"),
                    here,
                    vec![Zone::Internet(INTERNET)],
                    Protocol::Tcp,
                    (443, 443),
                );
            }
            _ => {}
        }
    }
    out
}

/// One ACL check on the way: the ACL of `tier` in the own or the peer
/// root, in one direction, against the remote address.
#[derive(Debug, Clone, Copy)]
struct Hop {
    peer_root: bool,
    tier: Tier,
    egress: bool,
    remote: u32,
}

fn address(z: Zone, own: &Net, peer: Option<&Net>) -> u32 {
    match z {
        Zone::Internet(a) => a,
        Zone::Subnet(t, i) => own.address(t, i),
        Zone::Peer => peer.expect("peer").address(Tier::Private, 0),
    }
}

/// The ACL checks of a packet from `from` to `to` (None: unroutable).
fn path(from: Zone, to: Zone, own: &Net, peer: Option<&Net>) -> Option<Vec<Hop>> {
    let (a, b) = (address(from, own, peer), address(to, own, peer));
    let hop = |peer_root, tier, egress, remote| Hop {
        peer_root,
        tier,
        egress,
        remote,
    };
    Some(match (from, to) {
        (Zone::Subnet(t, _), Zone::Subnet(u, _)) => vec![hop(false, t, true, b), hop(false, u, false, a)],
        (Zone::Subnet(Tier::Public, _), Zone::Internet(_)) => vec![hop(false, Tier::Public, true, b)],
        // Through the NAT gateway of a public subnet.
        (Zone::Subnet(Tier::Private, _), Zone::Internet(_)) => vec![
            hop(false, Tier::Private, true, b),
            hop(false, Tier::Public, false, a),
            hop(false, Tier::Public, true, b),
        ],
        (Zone::Internet(_), Zone::Subnet(Tier::Public, _)) => vec![hop(false, Tier::Public, false, a)],
        (Zone::Internet(_), _) | (_, Zone::Internet(_)) => return None,
        (Zone::Peer, Zone::Subnet(t, _)) => vec![hop(true, Tier::Private, true, b), hop(false, t, false, a)],
        (Zone::Subnet(t, _), Zone::Peer) => vec![hop(false, t, true, b), hop(true, Tier::Private, false, a)],
        (Zone::Peer, Zone::Peer) => return None,
    })
}

/// The ACL checks of the answer to a packet from `from` to `to`.
fn answer_path(from: Zone, to: Zone, own: &Net, peer: Option<&Net>) -> Option<Vec<Hop>> {
    if let (Zone::Subnet(Tier::Private, _), Zone::Internet(i)) = (from, to) {
        // Back through the NAT gateway, still from the internet address.
        let host = address(from, own, peer);
        return Some(vec![
            Hop {
                peer_root: false,
                tier: Tier::Public,
                egress: false,
                remote: i,
            },
            Hop {
                peer_root: false,
                tier: Tier::Public,
                egress: true,
                remote: host,
            },
            Hop {
                peer_root: false,
                tier: Tier::Private,
                egress: false,
                remote: i,
            },
        ]);
    }
    path(to, from, own, peer)
}

/// Whether the first rule matching (protocol, remote, port) allows it.
fn admits(acls: &NetworkAcls, hop: Hop, protocol: Protocol, port: u16) -> bool {
    let mut rules: Vec<_> = acls.tier(hop.tier).rules(hop.egress).iter().collect();
    rules.sort_by_key(|r| r.number);
    rules
        .into_iter()
        .find(|r| {
            contains(r.cidr, hop.remote)
                && (r.protocol == Protocol::All || (r.protocol == protocol && (r.ports.0..=r.ports.1).contains(&port)))
        })
        .is_some_and(|r| r.allow)
}

/// The first port of `ports` that a hop of `hops` drops, if any.
fn blocked(hops: &[Hop], own: &Net, peer: Option<&Net>, protocol: Protocol, ports: (u16, u16)) -> Option<(Hop, u16)> {
    for hop in hops {
        let net = if hop.peer_root { peer.expect("peer") } else { own };
        let Some(acls) = &net.acls else { continue };
        // First-match results only change at rule boundaries: checking
        // those ports (and the range's ends) checks every port.
        let rules = acls.tier(hop.tier).rules(hop.egress);
        let mut candidates: BTreeSet<u16> = [ports.0, ports.1].into();
        for r in rules {
            for p in [
                r.ports.0.checked_sub(1),
                Some(r.ports.0),
                Some(r.ports.1),
                r.ports.1.checked_add(1),
            ] {
                candidates.extend(p.filter(|p| (ports.0..=ports.1).contains(p)));
            }
        }
        if let Some(port) = candidates.into_iter().find(|p| !admits(acls, *hop, protocol, *p)) {
            return Some((*hop, port));
        }
    }
    None
}

/// Every flow of `root` the ACLs drop, request or answer, as messages.
fn violations(root: &RootPlan, other: &RootPlan) -> (usize, Vec<String>) {
    let Some(own) = net(root) else { return (0, Vec::new()) };
    assert!(own.acls.is_some(), "{}: no network ACLs planned", root.region);
    let peered = root.modules.iter().any(|m| m.source.starts_with("vpc_peering"));
    let peer = net(other).filter(|_| peered);
    let mut found = Vec::new();
    let walked = flows(root, &own, peer.as_ref());
    for f in &walked {
        let Some(request) = path(f.from, f.to, &own, peer.as_ref()) else {
            continue;
        };
        if let Some((hop, port)) = blocked(&request, &own, peer.as_ref(), f.protocol, f.ports) {
            found.push(format!(
                "{}: {:?} -> {:?} port {port}: request dropped at {hop:?}",
                f.what, f.from, f.to
            ));
        }
        let answer = answer_path(f.from, f.to, &own, peer.as_ref()).expect("answers route back");
        if let Some((hop, port)) = blocked(&answer, &own, peer.as_ref(), f.protocol, (EPHEMERAL_FROM, EPHEMERAL_TO)) {
            found.push(format!(
                "{}: {:?} -> {:?} answer to port {port} dropped at {hop:?}",
                f.what, f.from, f.to
            ));
        }
    }
    (walked.len(), found)
}

fn assert_clean(p: &Plan) -> usize {
    let mut total = 0;
    for (root, other) in [(&p.primary, &p.dr), (&p.dr, &p.primary)] {
        let (n, v) = violations(root, other);
        assert!(
            v.is_empty(),
            "{}: the network ACLs drop flows the security groups allow:\n{}",
            root.region,
            v.join("\n")
        );
        total += n;
    }
    total
}

fn planned(text: &str) -> Plan {
    let loaded = parse(text, Path::new("t.yaml")).expect("parses");
    let valid = validate(&loaded).unwrap_or_else(|d| panic!("{d}"));
    plan(&valid)
}

fn multiregion() -> Plan {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("inventory/acme-multiregion.yaml");
    planned(&std::fs::read_to_string(path).unwrap())
}

/// Instances behind a load balancer, a bastion whose SSH ranges cover both
/// VPCs, a database only the primary keeps whose DR clients reach it over
/// the peering.
const SYNTHETIC: &str = "name: t\nowner: me\nregions: {primary: us-east-2, dr: us-west-1}\nassets:
  - {kind: vpc, name: net, network_acls: true, dr: active}
  - {kind: vpc_peering, name: peer, dr: active}
  - {kind: vm, name: app, size: t3.micro, qty: 2, image: nginx, port: 8080, dr: active}
  - {kind: alb, name: lb, target: app, dr: active}
  - {kind: bastion, name: jump, ssh_cidrs: [198.51.100.0/24, 10.0.0.0/8], dr: active}
  - {kind: rds, name: db, size: db.t3.micro, engine: postgres, engine_version: \"16\", dr: none}
";

#[test]
fn the_security_group_catalogue_covers_every_template_rule() {
    let modules = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/modules");
    let mut found = BTreeSet::new();
    for entry in std::fs::read_dir(&modules).unwrap() {
        let dir = entry.unwrap().path();
        let module = dir.file_name().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(dir.join("main.tf")).unwrap_or_default();
        assert!(
            !text.contains("\"aws_security_group_rule\""),
            "{module}: model aws_security_group_rule here"
        );
        for line in text.lines() {
            let line = line.trim();
            assert!(
                !(line.starts_with("ingress {") || line.starts_with("egress {")),
                "{module}: inline security-group rules are not modelled"
            );
            for kind in [
                "aws_vpc_security_group_ingress_rule",
                "aws_vpc_security_group_egress_rule",
            ] {
                if let Some(rest) = line.strip_prefix(&format!("resource \"{kind}\" \"")) {
                    found.insert((
                        module.clone(),
                        rest.trim_end_matches(" {").trim_end_matches('"').to_string(),
                    ));
                }
            }
        }
    }
    let modelled: BTreeSet<_> = MODELLED.iter().map(|(m, r)| (m.to_string(), r.to_string())).collect();
    let missing: Vec<_> = found.difference(&modelled).collect();
    assert!(
        missing.is_empty(),
        "security-group rules the NACL walk does not model: {missing:?}"
    );
    assert!(found.len() >= 10, "the scan found too few rules: {found:?}");
}

#[test]
fn acme_multiregion_acls_admit_every_security_group_flow() {
    let walked = assert_clean(&multiregion());
    assert!(walked > 20, "only {walked} flows walked");
}

#[test]
fn instances_ssh_and_peered_databases_pass_the_acls() {
    let p = planned(SYNTHETIC);
    let (flows_primary, _) = violations(&p.primary, &p.dr);
    assert_clean(&p);
    // The walk saw the peer's clients of the primary database.
    let own = net(&p.primary).unwrap();
    let peer = net(&p.dr).unwrap();
    let walked = flows(&p.primary, &own, Some(&peer));
    assert!(
        walked.iter().any(|f| f.from == Zone::Peer && f.ports == (5432, 5432)),
        "{walked:?}"
    );
    assert!(walked
        .iter()
        .any(|f| matches!(f.from, Zone::Internet(_)) && f.ports == (22, 22)));
    assert!(flows_primary > 20);
}

/// Seeded defects: the walk must catch each.
#[test]
fn the_walk_catches_a_missing_answers_rule_and_a_missing_peer_port() {
    let broken = |p: &Plan, dr: bool, cut: &dyn Fn(&mut NetworkAcls)| -> Vec<String> {
        let mut p = p.clone();
        let root = if dr { &mut p.dr } else { &mut p.primary };
        let vpc = root.modules.iter_mut().find(|m| m.source == "vpc").unwrap();
        let arg = vpc.args.iter_mut().find(|(n, _)| n == "network_acls").unwrap();
        let mut acls = NetworkAcls::from_expr(&arg.1).unwrap();
        cut(&mut acls);
        arg.1 = acls.to_expr();
        // Both roots' flows: a peer's ACL takes part in the other's walk.
        let mut v = violations(&p.primary, &p.dr).1;
        v.extend(violations(&p.dr, &p.primary).1);
        v
    };
    let answers = |r: &nacl::AclRule| r.ports == (EPHEMERAL_FROM, EPHEMERAL_TO) && r.cidr == nacl::ANYWHERE;
    let p = multiregion();
    let v = broken(&p, false, &|a| a.private.inbound.retain(|r| !answers(r)));
    assert!(v.iter().any(|m| m.contains("answer")), "{v:?}");
    let v = broken(&p, false, &|a| a.public.outbound.retain(|r| !answers(r)));
    assert!(v.iter().any(|m| m.contains("http") && m.contains("answer")), "{v:?}");
    let v = broken(&p, false, &|a| a.private.inbound.retain(|r| r.ports != (30080, 30080)));
    // 30080 lies in the answers range, which still admits it from anywhere:
    // dropping the target-port rule alone is not a defect the walk can see.
    assert!(v.is_empty(), "{v:?}");
    let v = broken(&p, false, &|a| {
        a.private.inbound.retain(|r| r.ports != (30080, 30080) && !answers(r));
    });
    assert!(
        v.iter().any(|m| m.contains("node_port") && m.contains("request")),
        "{v:?}"
    );

    let s = planned(SYNTHETIC);
    let (primary, dr): (Cidr, Cidr) = ("10.0.0.0/16".parse().unwrap(), "10.1.0.0/16".parse().unwrap());
    // The DR clients' way to the primary database (and bastion).
    let v = broken(&s, true, &|a| a.private.outbound.retain(|r| r.cidr != primary));
    assert!(
        v.iter().any(|m| m.contains("client_ranges") && m.contains("request")),
        "{v:?}"
    );
    assert!(v.iter().any(|m| m.contains("ssh") && m.contains("request")), "{v:?}");
    // The primary database's answers to them.
    let v = broken(&s, false, &|a| a.private.outbound.retain(|r| r.cidr != dr));
    assert!(
        v.iter().any(|m| m.contains("client_ranges") && m.contains("answer")),
        "{v:?}"
    );
    let v = broken(&s, false, &|a| a.public.inbound.retain(|r| r.ports != (22, 22)));
    assert!(v.iter().any(|m| m.contains("ssh")), "{v:?}");
}

#[test]
fn without_the_option_no_acls_are_planned() {
    let p = planned(&SYNTHETIC.replace("network_acls: true, ", ""));
    for root in p.roots() {
        let vpc = root.modules.iter().find(|m| m.source == "vpc").unwrap();
        assert!(vpc.argument("network_acls").is_none());
    }
}

/// Seed 000's shape with ACLs on: application servers a monitoring
/// cluster of the same region scrapes (node_exporter).
const MONITORED_VMS: &str =
    "name: t\nowner: me\nebs_default_encryption: true\nregions: {primary: us-east-2, dr: us-west-1}\nassets:
  - {kind: vpc, name: net, network_acls: true, dr: active}
  - {kind: vm, name: app, size: t3.micro, qty: 2, image: nginx, port: 8080, dr: active}
  - {kind: alb, name: lb, target: app, dr: active}
  - {kind: eks, name: monitoring, size: t3.small, qty: 2, version: \"1.35\", dr: active}
  - {kind: k8s_monitoring, name: prom, target: monitoring, dr: active}
";

#[test]
fn node_exporter_scrapes_from_the_cluster_pass_the_acls() {
    let p = planned(MONITORED_VMS);
    for root in [&p.primary, &p.dr] {
        let own = net(root).expect("a network");
        let scrapes: Vec<Flow> = flows(root, &own, None)
            .into_iter()
            .filter(|f| f.what.ends_with("node_exporter"))
            .collect();
        assert!(!scrapes.is_empty(), "{}: no node_exporter flow walked", root.region);
        assert!(scrapes.iter().all(|f| f.ports == (9100, 9100)), "{scrapes:?}");
    }
    assert_clean(&p);
}
