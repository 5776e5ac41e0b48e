//! `bastion`: an administration host reached through Session Manager (SSH
//! only from listed ranges).

use super::vm::{check_key_pair, plan_instances, Instances};
use super::{Quantity, SizeClass, Spec};
use crate::cidr::Cidr;
use crate::inventory::{Asset, DrStrategy};
use crate::plan::Planner;
use crate::validate::{Check, ValidAsset};

/// At most 10 hosts per asset.
const BASTION_QTY: crate::limits::Bound = crate::limits::Bound {
    min: 1,
    max: 10,
    why: "a bastion asset renders at most 10 hosts",
};

/// The bastion kind.
pub const SPEC: Spec = Spec {
    name: "bastion",
    summary: "SSM-managed bastion host (Session Manager only unless ssh_cidrs)",
    dr: &[DrStrategy::Active, DrStrategy::PilotLight, DrStrategy::None],
    dr_hints: &[],
    targets: &[],
    fields: &["size", "ssh_cidrs", "key_pair", "volume_gb"],
    size: SizeClass::Ec2 { required: false },
    bounds: &[("qty", BASTION_QTY), ("volume_gb", crate::limits::EBS_VOLUME_GB)],
    draft: super::Draft {
        size: Some("t3.micro"),
        dr: (DrStrategy::PilotLight, "a minimal copy in DR, scaled up on failover"),
        ..super::Draft::PLAIN
    },
    category: super::Category::Other,
    aws_names: &[super::iam_role(super::NameBase::Own, "-instance")],
    needs_vpc: true,
    two_azs: false,
    needs_kms: true,
    singleton: false,
    modules: &["vm"],
    import_keywords: &[" bastion"],
    default_qty: 1,
    quantity: Quantity::Instances,
    db_clients: super::DbClients::SharedGroup,
    node_port: super::NodePort::Nothing,
    service_linked_roles: &[],
    quota: super::QuotaUse::Instances(instances),
    alarms: &[],
};

/// EC2 instance type when the inventory gives none.
pub const DEFAULT_SIZE: &str = "t3.micro";

/// The one EC2 instance it runs in a region.
fn instances(a: &Asset, _dr: bool, _at_most: bool) -> Vec<super::Instances<'_>> {
    vec![super::Instances {
        n: 1,
        what: "instance",
        size: a.size.as_deref().unwrap_or(DEFAULT_SIZE),
        group: None,
    }]
}

/// A bastion's fields, defaulted.
#[derive(Debug, Clone)]
pub struct Options {
    /// EC2 instance type (default t3.micro).
    pub size: String,
    /// Ranges allowed to SSH (empty: Session Manager only).
    pub ssh_cidrs: Vec<String>,
    /// Key pair asset for SSH.
    pub key_pair: Option<String>,
    /// Root volume size in GiB.
    pub volume_gb: Option<u32>,
}

/// The SSH ranges a region's network ACLs admit: a block of 10 rule
/// numbers (`plan::nacl`), whose outbound twin also answers the peer VPC.
pub(crate) const MAX_SSH_RANGES_WITH_ACLS: usize = 9;

/// SSH ranges are CIDRs, never the whole internet.
pub fn check(c: &mut Check<'_>, a: &Asset) -> Options {
    check_key_pair(c, a);
    for cidr in a.ssh_cidrs.iter().flatten() {
        if cidr.ends_with("/0") {
            c.error(
                "ssh_cidrs",
                format!("SSH open to the internet ({cidr})"),
                "list your office/VPN ranges, or leave ssh_cidrs out to use SSM Session Manager only",
            );
        } else if let Err(e) = cidr.parse::<Cidr>() {
            c.error("ssh_cidrs", format!("bad CIDR: {e}"), "write ranges as a.b.c.d/nn");
        }
    }
    // With network ACLs, SSH ranges take a block of 10 rule numbers
    // (`plan::nacl`) of a tier's 20 inbound rules.
    let assets = &c.inventory().assets;
    let acls = || {
        assets
            .iter()
            .any(|v| v.kind == crate::inventory::Kind::Vpc && v.network_acls == Some(true))
    };
    let ranges: std::collections::BTreeSet<&String> = if a.ssh_cidrs.as_ref().is_some_and(|r| !r.is_empty()) && acls() {
        assets
            .iter()
            .filter(|b| b.kind == crate::inventory::Kind::Bastion)
            .flat_map(|b| b.ssh_cidrs.iter().flatten())
            .collect()
    } else {
        Default::default()
    };
    if ranges.len() > MAX_SSH_RANGES_WITH_ACLS {
        c.error(
            "ssh_cidrs",
            format!(
                "{} SSH ranges over the inventory's bastions; with network ACLs at most {MAX_SSH_RANGES_WITH_ACLS}",
                ranges.len()
            ),
            "summarise the ranges (e.g. one /22 for four /24s), or use SSM Session Manager for the rest: a network ACL takes 20 inbound rules by default and acmegen numbers the SSH ones in a block of 10 that also answers the peer VPC",
        );
    }
    Options {
        size: a.size.clone().unwrap_or_else(|| DEFAULT_SIZE.into()),
        ssh_cidrs: a.ssh_cidrs.clone().unwrap_or_default(),
        key_pair: a.key_pair.clone(),
        volume_gb: a.volume_gb,
    }
}

/// The bastion host: public subnets only when SSH is allowed from ranges.
pub fn plan(p: &mut Planner<'_>, a: &ValidAsset, o: &Options) {
    plan_instances(
        p,
        a,
        Instances {
            what: "bastion hosts",
            size: &o.size,
            app: None,
            ssh_cidrs: &o.ssh_cidrs,
            public: !o.ssh_cidrs.is_empty(),
            key_pair: o.key_pair.as_deref(),
            volume_gb: o.volume_gb,
        },
    );
}

/// Recovery objectives: pilot light boots the DR bastion by a targeted
/// apply; an active one is there already.
pub fn objective(ctx: &crate::objectives::Context<'_>, a: &Asset) -> crate::objectives::Estimate {
    match a.dr {
        DrStrategy::None => crate::objectives::Estimate::not_in_dr(),
        DrStrategy::PilotLight => crate::objectives::pilot_light(ctx, a, crate::objectives::INSTANCES_SCALE_UP),
        _ => crate::objectives::Estimate::own_copy(),
    }
}

#[cfg(test)]
mod tests {
    use crate::kinds::testing::{arg, errors, module, planned};

    #[test]
    fn session_manager_only_keeps_the_bastion_private() {
        let p = planned("  - {kind: bastion, name: admin, dr: pilot-light}\n");
        assert_eq!(arg(module(&p.primary, "admin").unwrap(), "subnet_ids"), "module.vpc.private_subnet_ids");
        let e = errors("  - {kind: bastion, name: admin, ssh_cidrs: [0.0.0.0/0], dr: none}\n");
        assert!(e.iter().any(|e| e.contains("SSH open to the internet")), "{e:?}");
    }

    #[test]
    fn ssh_ranges_fit_the_network_acls_block() {
        let ranges = |n: usize| (0..n).map(|i| format!("198.51.{i}.0/24")).collect::<Vec<_>>().join(", ");
        let inv = |n: usize| {
            format!("  - {{kind: vpc, name: net, network_acls: true, dr: active}}\n  - {{kind: bastion, name: admin, ssh_cidrs: [{}], dr: none}}\n", ranges(n))
        };
        let e = crate::kinds::testing::errors(&inv(11));
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(e[0].contains("11 SSH ranges over the inventory's bastions; with network ACLs at most 9"), "{e:?}");
        assert!(crate::kinds::testing::errors(&inv(9)).is_empty());
        // Without network ACLs the security group's 60 rules are the limit.
        let e = crate::kinds::testing::errors(&inv(11).replace("network_acls: true", "network_acls: false"));
        assert!(e.is_empty(), "{e:?}");
    }
}
