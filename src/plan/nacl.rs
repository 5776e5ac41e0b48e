//! Network ACLs of the subnet tiers (`network_acls: true` on the vpc asset).
//!
//! A network ACL is stateless: whatever it admits one way, the answer needs
//! a rule the other way (the ephemeral range 1024-65535 the client, the NAT
//! gateway or the load balancer picked its source port from). Security
//! groups stay the fine-grained layer; the ACLs are the coarse one and are
//! derived from what the root's module calls expose, so they never block a
//! flow the security groups allow (`tests/nacl_flows.rs` walks every
//! security-group rule through them):
//!
//! - public tier, inbound: the load balancers' listener ports and SSH from
//!   the ranges public instances name, everything from the VPC (private
//!   hosts leave through the NAT gateways; targets answer the load
//!   balancers), answers on 1024-65535 from anywhere, ICMP "fragmentation
//!   needed" (path MTU discovery);
//! - public tier, outbound: everything into the VPC, HTTP(S) out (what the
//!   NAT gateways forward), answers on 1024-65535, ICMP "fragmentation needed";
//! - private tier, inbound: everything from the private subnets (nodes,
//!   pods, the EKS control plane's interfaces: 443 and 10250 both ways,
//!   databases), the load balancers' target ports (NodePorts, instance
//!   ports, their health checks) from the VPC, SSH from the ranges private
//!   instances name, database ports from the peer VPC where a database
//!   admits it, answers on 1024-65535 from anywhere (the internet through
//!   the NAT gateway keeps its own address), ICMP "fragmentation needed";
//! - private tier, outbound: everything into the VPC, HTTP(S) out through
//!   the NAT gateways, the ports of the peer region's hosts that admit this
//!   VPC (databases, bastions), answers to the peer VPC and to SSH ranges
//!   outside the VPC, ICMP "fragmentation needed".
//!
//! Each direction of an ACL holds at most [`RULES_PER_ACL`] rules, and the
//! rules that grow with the inventory are numbered in blocks of 10:
//! validation refuses ACLs that would not fit ([`NetworkAcls::refused`]).
//!
//! Not filtered by any network ACL (AWS documents these exceptions): the
//! Amazon DNS server (VPC base + 2), instance metadata, the Amazon Time
//! Sync Service and DHCP — DNS and NTP need no rule.

use crate::cidr::Cidr;
use crate::plan::network::Layout;
use crate::plan::Expr;
use std::collections::BTreeSet;

/// First port of the ephemeral range answers come back to (NAT gateways,
/// load balancers and most clients pick source ports in 1024-65535).
pub const EPHEMERAL_FROM: u16 = 1024;
/// Last port of the ephemeral range.
pub const EPHEMERAL_TO: u16 = 65535;

/// Rules a network ACL may hold in each direction: "Rules per network ACL",
/// 20 by default, a one-way quota (20 inbound and 20 outbound), adjustable
/// up to 40 (Amazon VPC User Guide, "Amazon VPC quotas", Network ACLs).
/// Above it `terraform apply` fails creating the rules past the quota.
pub const RULES_PER_ACL: usize = 20;

/// The protocol a rule matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// Every protocol (`-1`), every port.
    All,
    /// TCP, on a port range.
    Tcp,
    /// UDP, on a port range.
    Udp,
    /// ICMP, on a type and code.
    Icmp,
}

impl Protocol {
    /// The provider's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::All => "-1",
            Protocol::Tcp => "tcp",
            Protocol::Udp => "udp",
            Protocol::Icmp => "icmp",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "-1" => Protocol::All,
            "tcp" => Protocol::Tcp,
            "udp" => Protocol::Udp,
            "icmp" => Protocol::Icmp,
            _ => return None,
        })
    }
}

/// One numbered rule of a network ACL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AclRule {
    /// Rule number: rules are evaluated in ascending order, the first match wins.
    pub number: u16,
    /// Allow (true) or deny.
    pub allow: bool,
    /// Protocol.
    pub protocol: Protocol,
    /// The remote range: the source of an inbound rule, the destination of an outbound one.
    pub cidr: Cidr,
    /// First and last port (TCP and UDP; 0-0 otherwise).
    pub ports: (u16, u16),
    /// ICMP type and code (ICMP only).
    pub icmp: Option<(i16, i16)>,
}

/// The rules of one tier's network ACL.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TierAcl {
    /// Rules for traffic entering the tier's subnets.
    pub inbound: Vec<AclRule>,
    /// Rules for traffic leaving them.
    pub outbound: Vec<AclRule>,
}

/// The network ACLs of a VPC: one per subnet tier.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NetworkAcls {
    /// The public subnets (load balancers, NAT gateways, public instances).
    pub public: TierAcl,
    /// The private subnets (nodes, the EKS control plane's interfaces,
    /// databases, private instances).
    pub private: TierAcl,
}

/// Which subnets a host sits in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Tier {
    /// Public subnets.
    Public,
    /// Private subnets.
    Private,
}

/// What a root exposes, read from its module calls: the inputs of [`derive`].
#[derive(Debug, Clone, Default)]
pub struct Exposure {
    /// Listener ports of the load balancers (from anywhere).
    pub listeners: BTreeSet<u16>,
    /// Ports the load balancers reach their targets (and health checks) on.
    pub target_ports: BTreeSet<u16>,
    /// SSH sources of instances, by the tier the instances sit in.
    pub ssh: BTreeSet<(Tier, Cidr)>,
    /// Database ports this region's databases admit from the peer VPC.
    pub db_from_peer: BTreeSet<u16>,
    /// Ports of the peer region's hosts that admit this VPC (databases,
    /// SSH to bastions whose ranges cover it).
    pub to_peer: BTreeSet<u16>,
}

/// Everywhere (`0.0.0.0/0`).
pub const ANYWHERE: Cidr = Cidr { addr: 0, prefix: 0 };

fn rule(number: u16, protocol: Protocol, cidr: Cidr, ports: (u16, u16)) -> AclRule {
    AclRule {
        number,
        allow: true,
        protocol,
        cidr,
        ports,
        icmp: None,
    }
}

fn all(number: u16, cidr: Cidr) -> AclRule {
    rule(number, Protocol::All, cidr, (0, 0))
}

fn tcp(number: u16, cidr: Cidr, port: u16) -> AclRule {
    rule(number, Protocol::Tcp, cidr, (port, port))
}

fn answers(number: u16, cidr: Cidr) -> AclRule {
    rule(number, Protocol::Tcp, cidr, (EPHEMERAL_FROM, EPHEMERAL_TO))
}

/// ICMP type 3 code 4 ("fragmentation needed"): path MTU discovery.
fn mtu(number: u16) -> AclRule {
    AclRule {
        icmp: Some((3, 4)),
        ..rule(number, Protocol::Icmp, ANYWHERE, (0, 0))
    }
}

/// The `i`-th rule number of the block starting at `base`, 10 apart: the
/// blocks of [`derive`] start 100 apart, so a block holds 10 rules before
/// it runs into the next; [`NetworkAcls::refused`] reports one that does.
fn numbered(base: u16, i: usize) -> u16 {
    base.saturating_add(u16::try_from(10 * i).unwrap_or(u16::MAX))
}

/// The network ACLs of the VPC `layout` describes, given what the root
/// exposes and the peer VPC's range (None without peering).
pub fn derive(layout: &Layout, peer: Option<Cidr>, e: &Exposure) -> NetworkAcls {
    let vpc = layout.cidr;
    let ssh = |tier: Tier| e.ssh.iter().filter(move |(t, _)| *t == tier).map(|(_, c)| *c);
    let web_out = |acl: &mut Vec<AclRule>| {
        acl.push(tcp(110, ANYWHERE, 80));
        acl.push(tcp(120, ANYWHERE, 443));
    };

    let mut public = TierAcl::default();
    for (i, port) in e.listeners.iter().enumerate() {
        public.inbound.push(tcp(numbered(100, i), ANYWHERE, *port));
    }
    for (i, cidr) in ssh(Tier::Public).enumerate() {
        public.inbound.push(tcp(numbered(200, i), cidr, 22));
    }
    public.inbound.push(all(300, vpc));
    public.inbound.push(answers(400, ANYWHERE));
    public.inbound.push(mtu(410));
    public.outbound.push(all(100, vpc));
    web_out(&mut public.outbound);
    public.outbound.push(answers(130, ANYWHERE));
    public.outbound.push(mtu(140));

    let mut private = TierAcl::default();
    for (i, subnet) in layout.private.iter().enumerate() {
        private.inbound.push(all(numbered(100, i), *subnet));
    }
    for (i, port) in e.target_ports.iter().enumerate() {
        private.inbound.push(tcp(numbered(200, i), vpc, *port));
    }
    let private_ssh: Vec<Cidr> = ssh(Tier::Private).collect();
    for (i, cidr) in private_ssh.iter().enumerate() {
        private.inbound.push(tcp(numbered(300, i), *cidr, 22));
    }
    let mut answered: BTreeSet<Cidr> = private_ssh.iter().copied().filter(|c| !within(*c, vpc)).collect();
    if let Some(peer) = peer {
        for (i, port) in e.db_from_peer.iter().enumerate() {
            private.inbound.push(tcp(numbered(400, i), peer, *port));
        }
        if !e.db_from_peer.is_empty() {
            answered.insert(peer);
        }
    }
    private.inbound.push(answers(500, ANYWHERE));
    private.inbound.push(mtu(510));
    private.outbound.push(all(100, vpc));
    web_out(&mut private.outbound);
    if let Some(peer) = peer {
        for (i, port) in e.to_peer.iter().enumerate() {
            private.outbound.push(tcp(numbered(200, i), peer, *port));
        }
    }
    for (i, cidr) in answered.iter().enumerate() {
        private.outbound.push(answers(numbered(300, i), *cidr));
    }
    private.outbound.push(mtu(400));
    NetworkAcls { public, private }
}

/// Whether `inner` lies wholly inside `outer`.
pub fn within(inner: Cidr, outer: Cidr) -> bool {
    inner.prefix >= outer.prefix && (inner.addr as u64) >= outer.addr as u64 && inner.end() <= outer.end()
}

impl AclRule {
    fn to_expr(&self) -> Expr {
        let mut m = vec![
            ("rule_number".to_string(), Expr::Num(i64::from(self.number))),
            (
                "rule_action".to_string(),
                Expr::s(if self.allow { "allow" } else { "deny" }),
            ),
            ("protocol".to_string(), Expr::s(self.protocol.as_str())),
            ("cidr_block".to_string(), Expr::s(self.cidr.to_string())),
            ("from_port".to_string(), Expr::Num(i64::from(self.ports.0))),
            ("to_port".to_string(), Expr::Num(i64::from(self.ports.1))),
        ];
        if let Some((t, c)) = self.icmp {
            m.push(("icmp_type".to_string(), Expr::Num(i64::from(t))));
            m.push(("icmp_code".to_string(), Expr::Num(i64::from(c))));
        }
        Expr::Map(m)
    }

    fn from_expr(e: &Expr) -> Option<Self> {
        let Expr::Map(m) = e else { return None };
        let get = |k: &str| m.iter().find(|(n, _)| n == k).map(|(_, v)| v);
        let num = |k: &str| match get(k) {
            Some(Expr::Num(n)) => Some(*n),
            _ => None,
        };
        let text = |k: &str| match get(k) {
            Some(Expr::Str(s)) => Some(s.as_str()),
            _ => None,
        };
        Some(AclRule {
            number: u16::try_from(num("rule_number")?).ok()?,
            allow: text("rule_action")? == "allow",
            protocol: Protocol::parse(text("protocol")?)?,
            cidr: text("cidr_block")?.parse().ok()?,
            ports: (
                u16::try_from(num("from_port")?).ok()?,
                u16::try_from(num("to_port")?).ok()?,
            ),
            icmp: match (num("icmp_type"), num("icmp_code")) {
                (Some(t), Some(c)) => Some((i16::try_from(t).ok()?, i16::try_from(c).ok()?)),
                _ => None,
            },
        })
    }
}

impl TierAcl {
    fn to_expr(&self) -> Expr {
        let list = |rules: &[AclRule]| Expr::List(rules.iter().map(AclRule::to_expr).collect());
        Expr::Map(vec![
            ("inbound".into(), list(&self.inbound)),
            ("outbound".into(), list(&self.outbound)),
        ])
    }

    fn from_expr(e: &Expr) -> Option<Self> {
        let Expr::Map(m) = e else { return None };
        let list = |k: &str| -> Option<Vec<AclRule>> {
            match m.iter().find(|(n, _)| n == k).map(|(_, v)| v)? {
                Expr::List(items) => items.iter().map(AclRule::from_expr).collect(),
                _ => None,
            }
        };
        Some(TierAcl {
            inbound: list("inbound")?,
            outbound: list("outbound")?,
        })
    }

    /// The rules of one direction (`egress`: outbound).
    pub fn rules(&self, egress: bool) -> &[AclRule] {
        if egress {
            &self.outbound
        } else {
            &self.inbound
        }
    }
}

impl NetworkAcls {
    /// The vpc module's `network_acls` argument.
    pub fn to_expr(&self) -> Expr {
        Expr::Map(vec![
            ("public".into(), self.public.to_expr()),
            ("private".into(), self.private.to_expr()),
        ])
    }

    /// Read back a `network_acls` argument (None when it is not one).
    pub fn from_expr(e: &Expr) -> Option<Self> {
        let Expr::Map(m) = e else { return None };
        let tier = |k: &str| TierAcl::from_expr(m.iter().find(|(n, _)| n == k).map(|(_, v)| v)?);
        Some(NetworkAcls {
            public: tier("public")?,
            private: tier("private")?,
        })
    }

    /// The ACL of `tier`.
    pub fn tier(&self, tier: Tier) -> &TierAcl {
        match tier {
            Tier::Public => &self.public,
            Tier::Private => &self.private,
        }
    }

    /// Each tier and direction AWS would refuse: more rules than
    /// [`RULES_PER_ACL`], or a rule number used twice (a block of [`derive`]
    /// that ran into the next: Terraform stops at "Duplicate object key",
    /// the vpc module keying rules by number).
    pub fn refused(&self) -> Vec<Refused> {
        let mut refused = Vec::new();
        for tier in [Tier::Public, Tier::Private] {
            for egress in [false, true] {
                let rules = self.tier(tier).rules(egress);
                let mut seen = BTreeSet::new();
                let reused = rules.iter().map(|r| r.number).find(|n| !seen.insert(*n));
                if rules.len() > RULES_PER_ACL || reused.is_some() {
                    refused.push(Refused {
                        tier,
                        egress,
                        rules: rules.len(),
                        reused,
                    });
                }
            }
        }
        refused
    }
}

/// A tier's rules in one direction that AWS would refuse ([`NetworkAcls::refused`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refused {
    /// The tier.
    pub tier: Tier,
    /// Outbound (true) or inbound.
    pub egress: bool,
    /// How many rules it holds.
    pub rules: usize,
    /// A rule number two of them take, if any.
    pub reused: Option<u16>,
}

/// What takes a rule of `tier`'s ACL in one direction (`egress`:
/// outbound) besides its fixed rules, as [`derive`] numbers them (each in
/// a block of 10 rule numbers).
pub fn rules_taken_by(tier: Tier, egress: bool) -> &'static str {
    match (tier, egress) {
        (Tier::Public, false) => "a rule per listener port of the load balancers and per SSH range of public instances",
        (Tier::Public, true) => "its fixed rules only",
        (Tier::Private, false) => "a rule per private subnet (one per AZ), per distinct port the load balancers reach their targets on, per SSH range of private instances and per database port the peer VPC reaches",
        (Tier::Private, true) => "a rule per port of the peer region's hosts that admit this VPC and per range answered outside it (the peer VPC, SSH ranges)",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout() -> Layout {
        Layout {
            cidr: "10.0.0.0/16".parse().unwrap(),
            public: vec!["10.0.0.0/24".parse().unwrap(), "10.0.1.0/24".parse().unwrap()],
            private: vec!["10.0.16.0/20".parse().unwrap(), "10.0.32.0/20".parse().unwrap()],
            nat_per_az: true,
        }
    }

    fn exposure() -> Exposure {
        Exposure {
            listeners: [80, 443].into(),
            target_ports: [30080].into(),
            ssh: [(Tier::Private, "192.0.2.0/24".parse().unwrap())].into(),
            db_from_peer: [5432].into(),
            to_peer: BTreeSet::new(),
        }
    }

    #[test]
    fn rules_round_trip_through_the_module_argument() {
        let acls = derive(&layout(), Some("10.1.0.0/16".parse().unwrap()), &exposure());
        assert_eq!(NetworkAcls::from_expr(&acls.to_expr()), Some(acls));
    }

    #[test]
    fn rule_numbers_are_unique_and_within_the_default_quota() {
        // The exposure of the tests, then with the SSH ranges per tier that
        // validation allows at most, and the peer answered too.
        let mut many = exposure();
        many.ssh.clear();
        for i in 0..crate::kinds::bastion::MAX_SSH_RANGES_WITH_ACLS as u8 {
            for tier in [Tier::Public, Tier::Private] {
                many.ssh.insert((tier, format!("198.51.{i}.0/24").parse().unwrap()));
            }
        }
        for exposure in [exposure(), many] {
            let acls = derive(&layout(), Some("10.1.0.0/16".parse().unwrap()), &exposure);
            numbers_are_unique_and_within_quota(&acls);
        }
    }

    fn numbers_are_unique_and_within_quota(acls: &NetworkAcls) {
        let defects = defects(acls);
        assert!(defects.is_empty(), "{defects:?}");
    }

    /// What AWS or Terraform would refuse in `acls`, found rule by rule
    /// (independently of [`NetworkAcls::refused`]): a number used twice,
    /// more rules in a direction than the default quota of 20, a number
    /// outside 1-32766.
    fn defects(acls: &NetworkAcls) -> Vec<String> {
        let mut found = Vec::new();
        for tier in [&acls.public, &acls.private] {
            for rules in [&tier.inbound, &tier.outbound] {
                let numbers: BTreeSet<u16> = rules.iter().map(|r| r.number).collect();
                if numbers.len() != rules.len() {
                    found.push(format!("duplicate rule numbers in {rules:?}"));
                }
                if rules.len() > 20 {
                    found.push(format!(
                        "{} rules, over the default quota of 20 per direction",
                        rules.len()
                    ));
                }
                if !rules.iter().all(|r| (1..=32766).contains(&r.number)) {
                    found.push(format!("a rule number outside 1-32766 in {rules:?}"));
                }
            }
        }
        found
    }

    /// Each input of [`derive`] at 0, 1, 2... entries, the others as in
    /// the fixture: `refused` reports an ACL exactly when it has a defect,
    /// and the most entries that fit (`bound`: the quota or the block of 10
    /// rule numbers, whichever comes first) pass while one more is refused.
    #[test]
    fn each_input_is_refused_exactly_where_its_acl_stops_fitting() {
        fn range(i: usize) -> Cidr {
            format!("198.51.{i}.0/24").parse().unwrap()
        }
        fn ports(n: usize) -> BTreeSet<u16> {
            (0..n).map(|i| 1000 + i as u16).collect()
        }
        fn ssh(e: &mut Exposure, tier: Tier, n: usize) {
            e.ssh.retain(|(t, _)| *t != tier);
            e.ssh.extend((0..n).map(|i| (tier, range(i))));
        }
        type Set = fn(&mut Layout, &mut Exposure, usize);
        let inputs: [(&str, usize, Set); 7] = [
            // 3 fixed public inbound rules: the quota comes first.
            ("listener ports", 17, |_, e, n| e.listeners = ports(n)),
            // The block runs into the VPC rule (300).
            ("public SSH ranges", 10, |_, e, n| ssh(e, Tier::Public, n)),
            ("private subnets", 10, |l, _, n| {
                l.private = (0..n).map(|i| format!("10.0.{i}.0/24").parse().unwrap()).collect();
            }),
            ("target ports", 10, |_, e, n| e.target_ports = ports(n)),
            // Answered outbound too, after the peer VPC: 9 fill that block.
            ("private SSH ranges", 9, |_, e, n| ssh(e, Tier::Private, n)),
            ("database ports from the peer", 10, |_, e, n| e.db_from_peer = ports(n)),
            ("ports of the peer's hosts", 10, |_, e, n| e.to_peer = ports(n)),
        ];
        let peer: Cidr = "10.1.0.0/16".parse().unwrap();
        for (what, bound, set) in inputs {
            for entries in 0..=bound + 1 {
                let (mut layout, mut e) = (layout(), exposure());
                set(&mut layout, &mut e, entries);
                let acls = derive(&layout, Some(peer), &e);
                let (refused, defects) = (acls.refused(), defects(&acls));
                assert_eq!(
                    refused.is_empty(),
                    defects.is_empty(),
                    "{what} × {entries}: {refused:?} {defects:?}"
                );
                assert_eq!(
                    refused.is_empty(),
                    entries <= bound,
                    "{what} × {entries}: the bound is {bound}; {refused:?}"
                );
            }
        }
    }

    #[test]
    fn refused_names_the_direction_its_count_and_a_reused_number() {
        let mut e = exposure();
        e.target_ports = (0..11).map(|i| 1000 + i).collect();
        let r = derive(&layout(), None, &e).refused();
        assert_eq!(
            r,
            [Refused {
                tier: Tier::Private,
                egress: false,
                rules: 16,
                reused: Some(300)
            }]
        );
        // 2 private subnets, 17 target ports, answers and path MTU.
        e.target_ports = (0..17).map(|i| 1000 + i).collect();
        e.ssh.clear();
        let r = derive(&layout(), None, &e).refused();
        assert_eq!((r.len(), r[0].rules, r[0].reused), (1, 21, None), "{r:?}");
    }

    /// What checkov's CKV_AWS_229-232 guard (FTP data/control, SSH, RDP
    /// from anywhere) holds except for the answers range, which must admit
    /// every ephemeral port: no rule but that one opens them to 0.0.0.0/0,
    /// and all-port rules only ever name ranges inside the VPC.
    #[test]
    fn nothing_but_answers_opens_admin_ports_to_the_internet() {
        let acls = derive(&layout(), Some("10.1.0.0/16".parse().unwrap()), &exposure());
        for tier in [&acls.public, &acls.private] {
            for r in &tier.inbound {
                if r.protocol == Protocol::All {
                    assert!(
                        within(r.cidr, layout().cidr),
                        "all-traffic rule from outside the VPC: {r:?}"
                    );
                }
                let answers = r.ports == (EPHEMERAL_FROM, EPHEMERAL_TO);
                if r.cidr == ANYWHERE && !answers && matches!(r.protocol, Protocol::Tcp | Protocol::Udp) {
                    for port in [20, 21, 22, 3389] {
                        assert!(
                            !(r.ports.0..=r.ports.1).contains(&port),
                            "{port} open to the internet: {r:?}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn peer_rules_only_with_peering() {
        let acls = derive(&layout(), None, &exposure());
        let peer: Cidr = "10.1.0.0/16".parse().unwrap();
        assert!(acls.private.inbound.iter().all(|r| r.cidr != peer));
        let peered = derive(&layout(), Some(peer), &exposure());
        assert!(peered
            .private
            .inbound
            .iter()
            .any(|r| r.cidr == peer && r.ports == (5432, 5432)));
        assert!(peered
            .private
            .outbound
            .iter()
            .any(|r| r.cidr == peer && r.ports == (EPHEMERAL_FROM, EPHEMERAL_TO)));
    }
}
