//! Default service quotas a new AWS account has, and what an inventory
//! plans against them in each region. An inventory that would exceed a
//! default gets an error naming the quota, how to raise it, and how to tell
//! acmegen the account's raised value (`quotas:` in the inventory).

use crate::inventory::{Inventory, Kind};
use crate::kinds::QuotaUse;
use crate::plan::network::layout;
use std::collections::BTreeMap;

/// One regional quota acmegen checks.
#[derive(Debug, Clone, Copy)]
pub struct Quota {
    /// Key under `quotas: {<region>: {…}}` in the inventory.
    pub key: &'static str,
    /// What is counted.
    pub what: &'static str,
    /// Default value of a new account.
    pub default: u32,
    /// Service Quotas service code.
    pub service: &'static str,
    /// Service Quotas quota code.
    pub code: &'static str,
}

/// The quotas checked, with their defaults (AWS General Reference,
/// service quotas pages) and Service Quotas codes.
pub const QUOTAS: &[Quota] = &[
    Quota {
        key: "elastic_ips",
        what: "Elastic IP addresses",
        default: 5,
        service: "ec2",
        code: "L-0263D0A3",
    },
    Quota {
        key: "vpcs",
        what: "VPCs (the default VPC included)",
        default: 5,
        service: "vpc",
        code: "L-F678F1CE",
    },
    Quota {
        key: "application_load_balancers",
        what: "Application Load Balancers",
        default: 50,
        service: "elasticloadbalancing",
        code: "L-53DA6B97",
    },
    Quota {
        key: "eks_clusters",
        what: "EKS clusters",
        default: 100,
        service: "eks",
        code: "L-1194D53C",
    },
    // The default is what AWS gives an account that has not asked for more;
    // new accounts can start below it (then state the real value, or let the
    // generated roots' `check "on_demand_vcpu_quota"` read the applied value
    // from Service Quotas at plan time).
    Quota {
        key: "on_demand_standard_vcpus",
        what: "vCPUs of running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances",
        default: 32,
        service: "ec2",
        code: "L-1216C47A",
    },
    Quota {
        key: "db_instances",
        what: "RDS DB instances",
        default: 40,
        service: "rds",
        code: "L-7B6409FD",
    },
    // Per security group, not per region: the most any database's group of
    // the region needs. Amazon VPC quotas, "Inbound or outbound rules per
    // security group": 60 by default; raising it lowers the security groups
    // an interface may have (rules × groups per interface ≤ 1,000).
    Quota {
        key: "security_group_inbound_rules",
        what: "inbound rules in a database's security group (one per client security group or range)",
        default: 60,
        service: "vpc",
        code: "L-0EA8095F",
    },
];

/// What an inventory uses of one quota in one region, and where from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Usage {
    /// The region.
    pub region: String,
    /// Total planned.
    pub total: u32,
    /// Contributions, e.g. "3 NAT gateways", "3 for app-ips".
    pub parts: Vec<String>,
}

/// Planned usage of quota `key` in both regions of `inv` (validated network),
/// at the most the roots can scale to (EKS node groups at their maximum).
pub fn usage(inv: &Inventory, key: &str) -> Vec<Usage> {
    usage_at(inv, key, true, [false, true])
}

/// [`usage`] in one region: the DR region's when `dr`.
pub fn usage_in(inv: &Inventory, key: &str, dr: bool) -> Usage {
    usage_at(inv, key, true, [dr]).remove(0)
}

/// Usage of quota `key` that an apply launches for certain: EKS node groups
/// at their desired size (the first deployment, or the failover scale-up in
/// DR). Above the quota the apply itself fails, so validation rejects it;
/// scaling towards the maximum is checked against the account's applied
/// quota at plan time (the roots' `check "on_demand_vcpu_quota"`).
pub fn launch_usage(inv: &Inventory, key: &str) -> Vec<Usage> {
    usage_at(inv, key, false, [false, true])
}

fn usage_at<const N: usize>(inv: &Inventory, key: &str, at_most: bool, regions: [bool; N]) -> Vec<Usage> {
    let mut out = Vec::new();
    for dr in regions {
        let region = if dr { &inv.regions.dr } else { &inv.regions.primary };
        let here = |a: &&crate::inventory::Asset| !dr || a.in_dr();
        let count_here = |a: &crate::inventory::Asset| if dr { a.dr_count() } else { a.qty() };
        let needs_vpc = inv.assets.iter().filter(here).any(|a| {
            a.kind == Kind::Vpc || (a.kind.needs_vpc() && !(dr && a.dr == crate::inventory::DrStrategy::Backup))
        });
        let mut parts: Vec<(u32, String)> = Vec::new();
        match key {
            "elastic_ips" => {
                if let Some(l) = layout(inv, dr).filter(|_| needs_vpc) {
                    let nat = if l.nat_per_az { l.public.len() as u32 } else { 1 };
                    parts.push((nat, format!("{nat} for NAT gateways")));
                }
                for a in inv.assets.iter().filter(here).filter(|a| a.kind == Kind::Eip) {
                    // A failover raises a pilot light's addresses to the
                    // primary's count: the allocation must fit then too.
                    let n = if dr && at_most {
                        a.qty().max(count_here(a))
                    } else {
                        count_here(a)
                    };
                    let when = if n > count_here(a) { " at failover" } else { "" };
                    parts.push((n, format!("{n} for {}{when}", a.name)));
                }
            }
            "vpcs" if needs_vpc => {
                parts.push((1, "1 of the inventory".into()));
                parts.push((1, "the account's default VPC".into()));
            }
            "application_load_balancers" => {
                let n = inv.assets.iter().filter(here).filter(|a| a.kind == Kind::Alb).count() as u32;
                parts.push((n, format!("{n} load balancers")));
            }
            "eks_clusters" => {
                let n = inv.assets.iter().filter(here).filter(|a| a.kind == Kind::Eks).count() as u32;
                parts.push((n, format!("{n} clusters")));
            }
            "db_instances" => {
                for a in inv.assets.iter().filter(here) {
                    let n = match a.kind.spec().quota {
                        QuotaUse::DbInstances(count) => count(a, dr),
                        QuotaUse::None | QuotaUse::Instances(_) => 0,
                    };
                    if n > 0 {
                        parts.push((n, format!("{n} for {}", a.name)));
                    }
                }
            }
            "on_demand_standard_vcpus" => {
                for a in inv.assets.iter().filter(here) {
                    parts.extend(vcpu_usage(a, dr, at_most));
                }
            }
            "security_group_inbound_rules" => parts.extend(database_rules(inv, dr)),
            _ => {}
        }
        let parts: Vec<(u32, String)> = parts.into_iter().filter(|(n, _)| *n > 0).collect();
        out.push(Usage {
            region: region.clone(),
            total: parts.iter().map(|(n, _)| n).sum(),
            parts: parts.into_iter().map(|(_, p)| p).collect(),
        });
    }
    out
}

/// The inbound rules of the security group of a database in one region,
/// the one that needs the most, by the planner's own rules (see
/// `kinds::rds::client_groups` and `peer_ranges`): one for the shared group of the servers and bastions,
/// one per cluster (its nodes' own group), and in the primary one for the
/// DR VPC's range where a database without a copy in DR admits the DR
/// region's clients through the peering. In DR, every database with a copy
/// or a restore there admits the DR region's clients.
fn database_rules(inv: &Inventory, dr: bool) -> Vec<(u32, String)> {
    use crate::kinds::rds::{is_peer_client, joins_clients_group, keeps_copy_in_dr};
    use crate::kinds::Category;
    let here = |a: &&crate::inventory::Asset| !dr || a.in_dr();
    let databases: Vec<&crate::inventory::Asset> = inv
        .assets
        .iter()
        .filter(here)
        .filter(|a| a.kind.spec().category == Category::Database)
        .collect();
    if databases.is_empty() {
        return Vec::new();
    }
    let mut parts = Vec::new();
    if inv.assets.iter().filter(here).any(|a| joins_clients_group(a.kind)) {
        parts.push((1, "1 for the servers' database-clients group".to_string()));
    }
    let clusters: Vec<&str> = inv
        .assets
        .iter()
        .filter(here)
        .filter(|a| a.kind.spec().db_clients.own_group().is_some())
        .map(|a| a.name.as_str())
        .collect();
    if !clusters.is_empty() {
        let n = clusters.len() as u32;
        let names = if clusters.len() > 3 {
            format!("{} … {}", clusters[..2].join(", "), clusters[clusters.len() - 1])
        } else {
            clusters.join(", ")
        };
        parts.push((n, format!("{n} for the nodes of {names}")));
    }
    let peered = inv.assets.iter().any(|a| a.kind == Kind::VpcPeering);
    let dr_clients = inv.assets.iter().any(|a| a.in_dr() && is_peer_client(a.kind));
    let without_copy = databases.iter().any(|db| !keeps_copy_in_dr(db.in_dr(), db.dr));
    if !dr && peered && dr_clients && without_copy {
        parts.push((1, "1 for the DR VPC's range".to_string()));
    }
    parts
}

/// The most vCPUs asset `a` can run in one region: the EC2 instances its
/// kind's spec counts (`QuotaUse::Instances`: vm, bastion, and EKS nodes up
/// to the node group's maximum). In DR a failover raises pilot lights to
/// the primary's capacity, so DR counts the primary's quantities too (the
/// scale-up must fit the quota as well).
fn vcpu_usage(a: &crate::inventory::Asset, dr: bool, at_most: bool) -> Vec<(u32, String)> {
    let instances = match a.kind.spec().quota {
        QuotaUse::Instances(count) => count(a, dr, at_most),
        QuotaUse::None | QuotaUse::DbInstances(_) => return Vec::new(),
    };
    instances
        .into_iter()
        .filter_map(|i| {
            let n = i.n * crate::catalog::vcpus(i.size)?;
            let whose = match i.group {
                Some(g) => format!("{}'s node group {g}", a.name),
                None => a.name.clone(),
            };
            (n > 0).then(|| (n, format!("{n} for {whose} ({} {} × {})", i.n, i.what, i.size)))
        })
        .collect()
}

/// The vCPU quota.
pub fn vcpu_quota() -> &'static Quota {
    QUOTAS
        .iter()
        .find(|q| q.key == "on_demand_standard_vcpus")
        .expect("the vCPU quota is listed")
}

/// The limit of `quota` in `region`: the inventory's stated value for the
/// account, else the default.
pub fn limit(stated: &BTreeMap<String, BTreeMap<String, u32>>, region: &str, quota: &Quota) -> u32 {
    stated
        .get(region)
        .and_then(|q| q.get(quota.key))
        .copied()
        .unwrap_or(quota.default)
}

/// The command that asks AWS to raise `quota` to `value` in `region`.
pub fn raise_command(quota: &Quota, value: u32, region: &str) -> String {
    format!(
        "aws service-quotas request-service-quota-increase --service-code {} --quota-code {} --desired-value {value} --region {region}",
        quota.service, quota.code
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inventory(assets: &str) -> Inventory {
        let text = format!("name: t\nowner: me\nregions: {{primary: us-east-2, dr: us-west-1}}\nassets:\n{assets}");
        crate::inventory::parse(&text, std::path::Path::new("t.yaml"))
            .expect("parses")
            .inventory
    }

    /// What each kind's spec counts: instances of vm (DR: the primary's
    /// count a failover raises it to) and bastion (default type), EKS nodes
    /// at their maximum or desired size; nothing for the other kinds.
    #[test]
    fn vcpus_are_the_instances_the_kinds_specs_count() {
        let inv = inventory(
            "  - {kind: vm, name: app, size: m6i.large, qty: 3, dr_qty: 1, dr: pilot-light}\n  - {kind: bastion, name: jump, dr: active}\n  - {kind: eks, name: k8s, size: m6i.xlarge, qty: 2, max: 5, dr: active}\n  - {kind: s3, name: files, dr: replica}\n",
        );
        let [primary, dr] = &usage(&inv, "on_demand_standard_vcpus")[..] else {
            panic!("two regions")
        };
        assert_eq!(
            primary.parts,
            [
                "6 for app (3 instances × m6i.large)",
                "2 for jump (1 instance × t3.micro)",
                "20 for k8s (5 nodes at most × m6i.xlarge)"
            ]
        );
        assert_eq!(primary.total, 28);
        assert_eq!(dr.parts[0], "6 for app (3 instances × m6i.large)");
        let desired = &usage_at(&inv, "on_demand_standard_vcpus", false, [false])[0];
        assert_eq!(desired.parts[2], "8 for k8s (2 nodes × m6i.xlarge)");
    }

    /// Review finding (2026-11-27, stop 23): an EKS cluster's further node
    /// groups were not counted, so acme-multiregion's preflight asked for a
    /// quota of 12 vCPUs where its first apply launches 14 (3 × m6i.large
    /// plus 2 × m6i.xlarge) and it may run 24. Each group counts with its
    /// own instance type, at its desired or its maximum size.
    #[test]
    fn every_node_group_of_a_cluster_counts_with_its_own_instance_type() {
        let inv = inventory(
            "  - kind: eks\n    name: k8s\n    size: m6i.large\n    qty: 3\n    max: 6\n    dr: active\n    node_groups:\n      - {name: monitoring, size: m6i.xlarge, qty: 2, min: 2, max: 3}\n      - {name: batch, qty: 1}\n",
        );
        let [primary, _] = &usage(&inv, "on_demand_standard_vcpus")[..] else {
            panic!("two regions")
        };
        assert_eq!(
            primary.parts,
            [
                "12 for k8s (6 nodes at most × m6i.large)",
                "12 for k8s's node group monitoring (3 nodes at most × m6i.xlarge)",
                "4 for k8s's node group batch (2 nodes at most × m6i.large)"
            ]
        );
        assert_eq!(primary.total, 28);
        let launched = &launch_usage(&inv, "on_demand_standard_vcpus")[0];
        assert_eq!(launched.total, 3 * 2 + 2 * 4 + 2);
        assert_eq!(
            launched.parts[1],
            "8 for k8s's node group monitoring (2 nodes × m6i.xlarge)"
        );
    }

    /// RDS counts one instance, none in DR before a restore; Aurora its
    /// instances per region.
    #[test]
    fn db_instances_are_those_the_kinds_specs_count() {
        let inv = inventory(
            "  - {kind: rds, name: restored, size: db.m6i.large, dr: backup}\n  - {kind: rds, name: replicated, size: db.m6i.large, dr: replica}\n  - {kind: aurora, name: global, size: db.r6g.large, qty: 3, dr: replica}\n  - {kind: eks, name: k8s, size: m6i.large, dr: active}\n",
        );
        let [primary, dr] = &usage(&inv, "db_instances")[..] else {
            panic!("two regions")
        };
        assert_eq!(primary.parts, ["1 for restored", "1 for replicated", "3 for global"]);
        assert_eq!(dr.parts, ["1 for replicated", "3 for global"]);
    }

    /// A database's security group admits the shared group of the servers
    /// and bastions once, each cluster's nodes, and in the primary the DR
    /// VPC's range where the DR region runs clients of a database it keeps
    /// no copy of: 60 inbound rules by default, so 59 clusters with servers
    /// do not fit (the apply would stop at "The maximum number of rules per
    /// security group has been reached").
    #[test]
    fn database_security_group_rules_count_each_client_group_and_range() {
        let clusters = |n: usize| -> String {
            (0..n)
                .map(|i| format!("  - {{kind: eks, name: k{i}, size: m6i.large, dr: active}}\n"))
                .collect()
        };
        let inv = inventory(&format!(
            "  - {{kind: vpc_peering, name: link, dr: active}}\n  - {{kind: vm, name: app, size: t3.micro, dr: active}}\n  - {{kind: rds, name: db, size: db.m6i.large, dr: backup}}\n{}",
            clusters(3)
        ));
        let [primary, dr] = &usage(&inv, "security_group_inbound_rules")[..] else {
            panic!("two regions")
        };
        assert_eq!(
            primary.parts,
            [
                "1 for the servers' database-clients group",
                "3 for the nodes of k0, k1, k2",
                "1 for the DR VPC's range"
            ]
        );
        assert_eq!(primary.total, 5);
        assert_eq!(dr.total, 4, "{:?}", dr.parts);
        // No database: no rule counted, however many clusters.
        let inv = inventory(&clusters(70));
        assert!(usage(&inv, "security_group_inbound_rules").iter().all(|u| u.total == 0));
        let inv = inventory(&format!(
            "  - {{kind: vm, name: app, size: t3.micro, dr: active}}\n  - {{kind: aurora, name: db, size: db.r6g.large, dr: replica}}\n{}",
            clusters(60)
        ));
        let u = &launch_usage(&inv, "security_group_inbound_rules")[0];
        assert_eq!(u.total, 61);
        assert_eq!(u.parts[1], "60 for the nodes of k0, k1 … k59");
    }

    /// A pilot light's Elastic IPs count in DR at the primary's number: the
    /// failover allocates them.
    #[test]
    fn elastic_ips_in_dr_count_what_a_failover_allocates() {
        let inv = inventory(
            "  - {kind: vm, name: app, size: t3.micro, qty: 3, dr_qty: 1, dr: pilot-light}\n  - {kind: eip, name: ips, target: app, qty: 3, dr: pilot-light}\n",
        );
        let [primary, dr] = &usage(&inv, "elastic_ips")[..] else {
            panic!("two regions")
        };
        assert!(primary.parts.contains(&"3 for ips".to_string()), "{:?}", primary.parts);
        assert!(
            dr.parts.contains(&"3 for ips at failover".to_string()),
            "{:?}",
            dr.parts
        );
    }
}
