//! The network plan a document states: VPC CIDRs, AZ count, subnet sizes
//! (given as prefixes or as a listing of subnet CIDRs), NAT per AZ; the DR
//! region mirrors the primary where the document says nothing of it.

use super::super::facts::{Fact, What};
use super::Asset;
use crate::cidr::Cidr;
use crate::inventory::RegionNetwork;
use std::fmt::Write as _;

/// The network plan the document states.
#[derive(Debug, Default)]
pub(super) struct Network {
    primary_cidr: Option<(Cidr, usize)>,
    dr_cidr: Option<(Cidr, usize)>,
    azs: Option<(u8, usize)>,
    dr_azs: Option<(u8, usize)>,
    public_prefix: Option<(u8, usize)>,
    private_prefix: Option<(u8, usize)>,
    subnet_azs: Option<(u8, usize)>,
    nat: Option<(bool, usize)>,
    dr_nat: Option<(bool, usize)>,
}

impl Network {
    pub(super) fn from_facts(facts: &[Fact]) -> Network {
        let mut n = Network::default();
        let mut public: Vec<(Cidr, usize)> = Vec::new();
        let mut private: Vec<(Cidr, usize)> = Vec::new();
        let mut cidrs: Vec<(Cidr, usize, bool)> = Vec::new();
        for f in facts {
            let set = |slot: &mut Option<(u8, usize)>, v: u8| {
                slot.get_or_insert((v, f.line));
            };
            match &f.what {
                What::VpcCidr(c) => cidrs.push((*c, f.line, f.dr_context)),
                What::PublicSubnet(c) if !f.dr_context => public.push((*c, f.line)),
                What::PrivateSubnet(c) if !f.dr_context => private.push((*c, f.line)),
                What::PublicPrefix(p) if !f.dr_context => set(&mut n.public_prefix, *p),
                What::PrivatePrefix(p) if !f.dr_context => set(&mut n.private_prefix, *p),
                What::Azs(z) if f.dr_context => set(&mut n.dr_azs, *z),
                What::Azs(z) => set(&mut n.azs, *z),
                What::NatPerAz(b) if f.dr_context => {
                    n.dr_nat.get_or_insert((*b, f.line));
                }
                What::NatPerAz(b) => {
                    n.nat.get_or_insert((*b, f.line));
                }
                _ => {}
            }
        }
        n.primary_cidr = cidrs.iter().find(|c| !c.2).map(|c| (c.0, c.1));
        n.dr_cidr = cidrs
            .iter()
            .find(|c| c.2 && n.primary_cidr.is_none_or(|p| !p.0.overlaps(c.0)))
            .or_else(|| {
                cidrs
                    .iter()
                    .find(|c| n.primary_cidr.is_some_and(|p| !p.0.overlaps(c.0)))
            })
            .map(|c| (c.0, c.1));
        if n.public_prefix.is_none() {
            n.public_prefix = public.first().map(|(c, l)| (c.prefix, *l));
        }
        if n.private_prefix.is_none() {
            n.private_prefix = private.first().map(|(c, l)| (c.prefix, *l));
        }
        let count = |v: &[(Cidr, usize)]| {
            let mut c: Vec<Cidr> = v.iter().map(|x| x.0).collect();
            c.sort();
            c.dedup();
            c.len()
        };
        let (p, q) = (count(&public), count(&private));
        if p == q && (1..=6).contains(&p) {
            n.subnet_azs = Some((p as u8, public[0].1.min(private[0].1)));
        }
        n
    }

    fn stated(&self) -> bool {
        self.primary_cidr.is_some()
            || self.dr_cidr.is_some()
            || self.azs.is_some()
            || self.dr_azs.is_some()
            || self.public_prefix.is_some()
            || self.private_prefix.is_some()
            || self.subnet_azs.is_some()
            || self.nat.is_some()
            || self.dr_nat.is_some()
    }

    pub(super) fn primary_azs(&self) -> Option<u8> {
        self.azs.or(self.subnet_azs).map(|a| a.0)
    }

    pub(super) fn render(&self, yaml: &mut String, assets: &[Asset], warnings: &mut Vec<String>) {
        if !self.stated() {
            return;
        }
        let mut guess = |yaml: &mut String, indent: &str, note: String| {
            let _ = writeln!(yaml, "{indent}# guess: {note}");
            warnings.push(format!("network: {note}"));
        };
        let two_az_kinds: Vec<&str> = assets
            .iter()
            .filter(|a| a.kind.spec().two_azs)
            .map(|a| a.kind.as_str())
            .collect();
        let _ = writeln!(yaml, "network:\n  primary:");
        let cidr = match self.primary_cidr {
            Some((c, line)) => {
                let _ = writeln!(yaml, "    cidr: {c} # line {line}");
                c
            }
            None => {
                let c: Cidr = "10.0.0.0/16".parse().expect("valid CIDR");
                guess(yaml, "    ", "no VPC CIDR in the document; 10.0.0.0/16".into());
                let _ = writeln!(yaml, "    cidr: {c}");
                c
            }
        };
        let mut azs = None;
        match (self.azs, self.subnet_azs) {
            (Some((z, line)), _) => azs = Some((z, Some(line))),
            (None, Some((z, line))) => {
                guess(
                    yaml,
                    "    ",
                    format!("{z} public and {z} private subnets listed (line {line}): {z} availability zones"),
                );
                azs = Some((z, None));
            }
            _ => {}
        }
        if let Some((1, _)) = azs {
            if !two_az_kinds.is_empty() {
                guess(
                    yaml,
                    "    ",
                    format!(
                        "the document says a single AZ; {} need subnets in two: 2 AZs",
                        two_az_kinds.join(", ")
                    ),
                );
                azs = Some((2, None));
            }
        }
        if let Some((z, line)) = azs {
            let _ = writeln!(
                yaml,
                "    azs: {z}{}",
                line.map(|l| format!(" # line {l}")).unwrap_or_default()
            );
        }
        let mut public = self.public_prefix;
        let mut private = self.private_prefix;
        let fits = |public: Option<(u8, usize)>, private: Option<(u8, usize)>| {
            let net = RegionNetwork {
                cidr: cidr.to_string(),
                azs: azs.map(|a| a.0),
                public_prefix: public.map(|p| p.0),
                private_prefix: private.map(|p| p.0),
                nat_per_az: None,
            };
            crate::plan::network::subnets(cidr, &net, 3).is_some()
        };
        if !fits(public, private) {
            guess(
                yaml,
                "    ",
                "the stated subnet sizes do not fit the VPC; acmegen's defaults".to_string(),
            );
            public = None;
            private = None;
        }
        for (key, v) in [("public_prefix", public), ("private_prefix", private)] {
            if let Some((p, line)) = v {
                let _ = writeln!(yaml, "    {key}: {p} # line {line}");
            }
        }
        if let Some((b, line)) = self.nat {
            let _ = writeln!(yaml, "    nat_per_az: {b} # line {line}");
        }
        let _ = writeln!(yaml, "  dr:");
        match self.dr_cidr {
            Some((c, line)) => {
                let _ = writeln!(yaml, "    cidr: {c} # line {line}");
            }
            None => {
                let after = (cidr.addr >> 16) & 0xff;
                let next = (1u32..250)
                    .map(|i| (after + i) % 250)
                    .map(|i| Cidr {
                        addr: (10 << 24) | (i << 16),
                        prefix: 16,
                    })
                    .find(|c| !c.overlaps(cidr))
                    .unwrap_or(Cidr {
                        addr: (10 << 24) | (1 << 16),
                        prefix: 16,
                    });
                guess(
                    yaml,
                    "    ",
                    format!("no DR VPC CIDR in the document; {next}, the next /16 that does not overlap the primary"),
                );
                let _ = writeln!(yaml, "    cidr: {next}");
            }
        }
        match (self.dr_azs, azs) {
            (Some((1, line)), _) if !two_az_kinds.is_empty() => {
                guess(
                    yaml,
                    "    ",
                    format!(
                        "the document says a single AZ for DR (line {line}); {} need subnets in two: 2 AZs",
                        two_az_kinds.join(", ")
                    ),
                );
                let _ = writeln!(yaml, "    azs: 2");
            }
            (Some((z, line)), _) => {
                let _ = writeln!(yaml, "    azs: {z} # line {line}");
            }
            (None, Some((z, _))) => {
                guess(yaml, "    ", format!("azs {z} as in the primary region"));
                let _ = writeln!(yaml, "    azs: {z}");
            }
            (None, None) => {}
        }
        if public.is_some() || private.is_some() {
            guess(yaml, "    ", "the primary region's subnet sizes".to_string());
        }
        for (key, v) in [("public_prefix", public), ("private_prefix", private)] {
            if let Some((p, _)) = v {
                let _ = writeln!(yaml, "    {key}: {p}");
            }
        }
        match (self.dr_nat, self.nat) {
            (Some((b, line)), _) => {
                let _ = writeln!(yaml, "    nat_per_az: {b} # line {line}");
            }
            (None, Some((b, _))) => {
                guess(yaml, "    ", format!("nat_per_az {b} as in the primary region"));
                let _ = writeln!(yaml, "    nat_per_az: {b}");
            }
            (None, None) => {}
        }
    }
}
