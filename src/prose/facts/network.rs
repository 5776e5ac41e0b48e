//! The network plan in a line: VPC CIDRs, subnet CIDRs and sizes by tier
//! (read clause by clause: "/24 public subnets and /20 private subnets"),
//! availability zones, NAT per AZ; and DNS host names.

use super::super::text::fold;
use super::quantities::{instance_type, number};
use super::{any, What};
use crate::cidr::Cidr;

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

pub(super) fn azs(t: &[String], w: &str) -> Option<u8> {
    if any(w, &[" single az ", " single availability zone "]) {
        return Some(1);
    }
    t.windows(3).find_map(|win| {
        let n = number(&win[0])?;
        let az = win[1] == "az" || win[1] == "azs" || (win[1] == "availability" && win[2] == "zone");
        (az && n <= 6).then_some(n as u8)
    })
}

pub(super) fn hostnames(text: &str) -> Vec<String> {
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

pub(super) fn network_facts(t: &[String], w: &str, context: &str) -> Vec<What> {
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
