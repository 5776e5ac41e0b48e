//! What the CI roles may do, derived from what each root manages: the AWS
//! services behind its resource and data source types, the service-linked
//! roles its services create, the AWS managed policies its modules attach.
//! A template that starts using a new resource type changes the policies
//! with it (and a test fails until the type is mapped to its service).

use crate::inventory::Inventory;
use crate::plan::{region_code, Plan, RootPlan};
use serde::Serialize;
use std::collections::BTreeSet;

/// IAM service prefix of each resource or data source type, by longest type
/// prefix; "" for types whose API calls need no permission.
const SERVICES: &[(&str, &str)] = &[
    ("aws_acm_", "acm"),
    ("aws_autoscaling_", "autoscaling"),
    ("aws_availability_zones", "ec2"),
    ("aws_backup_", "backup"),
    ("aws_caller_identity", ""),
    ("aws_cloudtrail", "cloudtrail"),
    ("aws_cloudwatch_log_", "logs"),
    ("aws_cloudwatch_metric_alarm", "cloudwatch"),
    ("aws_db_", "rds"),
    ("aws_default_security_group", "ec2"),
    ("aws_ebs_", "ec2"),
    ("aws_ecr_", "ecr"),
    ("aws_eip", "ec2"),
    ("aws_eks_", "eks"),
    ("aws_flow_log", "ec2"),
    ("aws_globalaccelerator_", "globalaccelerator"),
    ("aws_iam_", "iam"),
    ("aws_iam_policy_document", ""),
    ("aws_instance", "ec2"),
    ("aws_internet_gateway", "ec2"),
    ("aws_key_pair", "ec2"),
    ("aws_kms_", "kms"),
    ("aws_launch_template", "ec2"),
    ("aws_lb", "elasticloadbalancing"),
    ("aws_nat_gateway", "ec2"),
    ("aws_network_acl", "ec2"),
    ("aws_partition", ""),
    ("aws_prometheus_", "aps"),
    ("aws_rds_", "rds"),
    ("aws_region", ""),
    ("aws_route", "ec2"),
    ("aws_route53_", "route53"),
    ("aws_s3_", "s3"),
    ("aws_secretsmanager_", "secretsmanager"),
    ("aws_security_group", "ec2"),
    ("aws_sns_", "sns"),
    ("aws_servicequotas_", "servicequotas"),
    ("aws_ssm_", "ssm"),
    ("aws_subnet", "ec2"),
    ("aws_vpc", "ec2"),
    ("aws_wafv2_", "wafv2"),
];

/// Services whose API is global (IAM, Route 53) or served from one fixed
/// region (Global Accelerator: us-west-2): no region condition applies.
const GLOBAL: &[&str] = &["globalaccelerator", "iam", "route53"];

/// Services scoped by resource name rather than by service: the apply role
/// reaches only this inventory's buckets, secrets and facts, and IAM names.
const SCOPED: &[&str] = &["iam", "s3", "secretsmanager", "ssm"];

/// The IAM service of resource or data source type `ty` (`Some("")` when its
/// calls need no permission, None when the type is not mapped).
pub fn service_of(ty: &str) -> Option<&'static str> {
    if !ty.starts_with("aws_") {
        return Some(""); // helm, random: no AWS API
    }
    SERVICES
        .iter()
        .filter(|(prefix, _)| ty.starts_with(prefix))
        .max_by_key(|(prefix, _)| prefix.len())
        .map(|(_, s)| *s)
}

/// Resource and data source types a root manages or reads: its own files'
/// and those of every module it calls (and of the modules those call).
pub fn root_types(root: &RootPlan, root_files: &[&str]) -> BTreeSet<String> {
    let mut types = BTreeSet::new();
    let mut scan = |text: &str| {
        // Indented too: a `check` block's data source (the vCPU quota
        // preflight) is read at every plan like any other (helper-62).
        for line in text.lines().map(str::trim_start) {
            for kind in ["resource \"", "data \"", "ephemeral \""] {
                if let Some(rest) = line.strip_prefix(kind) {
                    if let Some(ty) = rest.split('"').next() {
                        types.insert(ty.to_string());
                    }
                }
            }
        }
    };
    for text in root_files {
        scan(text);
    }
    for m in &root.modules {
        for text in crate::emit::module_mains(&m.source) {
            scan(text);
        }
    }
    // The root's vCPU preflight (a `check` block's data source, read at
    // every plan). From the plan, not only from the root's files: `render`
    // stages the bootstrap before it emits the roots.
    if root.vcpus.is_some() {
        types.insert("aws_servicequotas_service_quota".to_string());
    }
    types
}

/// Services whose API calls need a second service's permission: AWS Backup
/// creates a vault's storage through `backup-storage:MountCapsule` (AWS
/// Backup Developer Guide, "Access control": permissions for
/// CreateBackupVault).
const COMPANIONS: &[(&str, &str)] = &[("backup", "backup-storage")];

/// Sorted services (IAM prefixes) behind `types`.
pub fn services(types: &BTreeSet<String>) -> BTreeSet<&'static str> {
    let mut out: BTreeSet<&'static str> = types
        .iter()
        .filter_map(|t| service_of(t))
        .filter(|s| !s.is_empty())
        .collect();
    for (service, companion) in COMPANIONS {
        if out.contains(service) {
            out.insert(companion);
        }
    }
    out
}

/// AWS managed policies the modules attach (`AmazonEKSClusterPolicy`,
/// `service-role/AmazonRDSEnhancedMonitoringRole`, …), read from the module
/// templates: the only managed policies the apply role may attach.
pub fn managed_policies() -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for m in crate::plan::modules::MODULES {
        let text = crate::emit::module_template(m.name);
        // "Amazon…" names appear bare or in policy ARNs; "AWS…" names only
        // in policy ARNs (bare "AWS…" strings are WAF rule groups and such).
        let starts = text
            .match_indices("Amazon")
            .chain(text.match_indices("AWS").filter(|(i, _)| {
                let before = &text[..*i];
                before.ends_with(":iam::aws:policy/") || before.ends_with(":iam::aws:policy/service-role/")
            }));
        for (i, _) in starts {
            let name: String = text[i..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            let quoted_end = text[i + name.len()..].starts_with('"');
            let before = &text[..i];
            if !quoted_end || !(before.ends_with('"') || before.ends_with('/')) {
                continue; // prose ("Amazon Linux"), not a policy name
            }
            // The quoted text before the name: "" or "service-role/" (names
            // the module prefixes) or an IAM policy ARN. EKS access policies
            // (`…:eks::aws:cluster-access-policy/…`) are no IAM policies.
            let prefix = &before[before.rfind('"').map_or(0, |q| q + 1)..];
            let iam_path = |p: &str| p.is_empty() || p.ends_with(":iam::aws:policy/");
            if !iam_path(prefix) && !prefix.strip_suffix("service-role/").is_some_and(iam_path) {
                continue;
            }
            if before.ends_with("service-role/") {
                out.insert(format!("service-role/{name}"));
            } else {
                out.insert(name);
            }
        }
    }
    out
}

/// Service principals whose service-linked role AWS creates on first use
/// by the caller (who therefore needs `iam:CreateServiceLinkedRole`): those
/// its kinds' specs name.
pub fn service_linked(inv: &Inventory) -> BTreeSet<&'static str> {
    let mut out = BTreeSet::new();
    for a in &inv.assets {
        out.extend(a.kind.spec().service_linked_roles);
    }
    // Every root has a VPC with NAT gateways and flow logs; no SLR there.
    out
}

/// What one root's CI roles may do.
#[derive(Debug, Clone, Serialize)]
pub struct RootAccess {
    /// `primary` or `dr`.
    pub role: &'static str,
    /// The root's region.
    pub region: String,
    /// Region code (`use2`), in role names.
    pub code: String,
    /// State object key.
    pub state_key: String,
    /// Read actions (`ec2:Describe*`, …) of regional services.
    pub read_regional: Vec<String>,
    /// Read actions of global services.
    pub read_global: Vec<String>,
    /// `service:*` of regional services scoped by region only.
    pub apply_regional: Vec<String>,
    /// `service:*` of global services other than IAM.
    pub apply_global: Vec<String>,
    /// Whether the root manages S3 buckets, secrets, SSM parameters.
    pub s3: bool,
    /// Secrets Manager secrets.
    pub secrets: bool,
    /// SSM parameters (the fact store) or public SSM parameters (AMI IDs).
    pub ssm: bool,
}

/// The read actions of `service` that Terraform's refresh calls.
fn read_actions(service: &str) -> Vec<String> {
    let verbs: &[&str] = match service {
        "autoscaling" | "elasticloadbalancing" => &["Describe*"],
        "eks" | "rds" | "globalaccelerator" => &["Describe*", "List*"],
        "iam" | "route53" | "s3" | "sns" | "servicequotas" => &["Get*", "List*"],
        "cloudtrail" => &["Describe*", "Get*", "List*", "LookupEvents"],
        _ => &["Describe*", "Get*", "List*"],
    };
    verbs.iter().map(|v| format!("{service}:{v}")).collect()
}

/// Services a root only reads (the vCPU preflight reads its quota): their
/// apply role gets the reads alone, not `service:*` (helper-63).
const READ_ONLY: &[&str] = &["servicequotas"];

/// What the apply role may do with regional `service`.
fn apply_actions(service: &str) -> Vec<String> {
    if READ_ONLY.contains(&service) {
        read_actions(service)
    } else {
        vec![format!("{service}:*")]
    }
}

/// The access of `root`, which manages `types`.
pub fn root_access(root: &RootPlan, types: &BTreeSet<String>) -> RootAccess {
    let services = services(types);
    let (global, regional): (Vec<&str>, Vec<&str>) = services.iter().partition(|s| GLOBAL.contains(s));
    let mut read_regional: Vec<String> = regional.iter().flat_map(|s| read_actions(s)).collect();
    read_regional.sort();
    let mut read_global: Vec<String> = global.iter().flat_map(|s| read_actions(s)).collect();
    read_global.sort();
    RootAccess {
        role: root.role.as_str(),
        region: root.region.clone(),
        code: region_code(&root.region),
        state_key: root.state_key.clone(),
        read_regional,
        read_global,
        apply_regional: regional
            .iter()
            .filter(|s| !SCOPED.contains(s))
            .flat_map(|s| apply_actions(s))
            .collect(),
        apply_global: global
            .iter()
            .filter(|s| !SCOPED.contains(s))
            .map(|s| format!("{s}:*"))
            .collect(),
        s3: services.contains("s3"),
        secrets: services.contains("secretsmanager"),
        ssm: services.contains("ssm"),
    }
}

/// Name (without the `/ci/` path) of the CI role `kind` for the root in `region`.
pub fn role_name(inventory: &str, kind: &str, region: &str) -> String {
    format!("{inventory}-{kind}-{}", region_code(region))
}

/// Both roots' access, primary first.
pub fn access(plan: &Plan, primary_files: &[&str], dr_files: &[&str]) -> [RootAccess; 2] {
    [
        root_access(&plan.primary, &root_types(&plan.primary, primary_files)),
        root_access(&plan.dr, &root_types(&plan.dr, dr_files)),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_the_templates_use_has_a_service() {
        let mut seen = 0;
        for (path, text) in crate::emit::templates() {
            for line in text.lines() {
                for kind in ["resource \"", "data \"", "ephemeral \""] {
                    if let Some(ty) = line.strip_prefix(kind).and_then(|r| r.split('"').next()) {
                        assert!(
                            service_of(ty).is_some(),
                            "{path}: {ty} maps to no IAM service: add it to ci::iam::SERVICES"
                        );
                        seen += 1;
                    }
                }
            }
        }
        assert!(
            seen > 50,
            "only {seen} blocks found: the scan looked in the wrong place"
        );
    }

    #[test]
    fn a_backup_vault_brings_the_storage_permission_it_needs() {
        let types: BTreeSet<String> = ["aws_backup_vault".to_string()].into();
        assert_eq!(services(&types), ["backup", "backup-storage"].into());
    }

    /// The CI role may create the service-linked roles its kinds' specs
    /// name, and no others (s3 and kms have none).
    #[test]
    fn service_linked_roles_are_those_of_the_kinds_in_use() {
        let text = "name: t\nowner: me\nregions: {primary: us-east-2, dr: us-west-1}\nassets:\n  - {kind: eks, name: k8s, dr: none}\n  - {kind: aurora, name: db, dr: none}\n  - {kind: s3, name: files, dr: none}\n  - {kind: kms, name: key, dr: none}\n";
        let loaded = crate::inventory::parse(text, std::path::Path::new("t.yaml")).unwrap();
        assert_eq!(
            service_linked(&loaded.inventory),
            [
                "autoscaling.amazonaws.com",
                "eks-nodegroup.amazonaws.com",
                "eks.amazonaws.com",
                "rds.amazonaws.com"
            ]
            .into()
        );
    }

    #[test]
    fn longest_prefix_wins() {
        assert_eq!(service_of("aws_route53_record"), Some("route53"));
        assert_eq!(service_of("aws_route_table"), Some("ec2"));
        assert_eq!(service_of("aws_iam_policy_document"), Some(""));
        assert_eq!(service_of("aws_iam_role"), Some("iam"));
        assert_eq!(service_of("aws_lb_listener"), Some("elasticloadbalancing"));
        assert_eq!(service_of("aws_unheard_of"), None);
    }

    #[test]
    fn the_managed_policies_are_those_the_modules_attach() {
        let p = managed_policies();
        for want in [
            "AmazonEKSClusterPolicy",
            "AmazonEKSWorkerNodePolicy",
            "AmazonEC2ContainerRegistryPullOnly",
            "AmazonSSMManagedInstanceCore",
            "service-role/AmazonRDSEnhancedMonitoringRole",
            "service-role/AWSBackupServiceRolePolicyForBackup",
            "AWSBackupServiceRolePolicyForS3Restore",
        ] {
            assert!(p.contains(want), "{want} missing from {p:?}");
        }
        assert!(
            !p.iter().any(|x| x == "AWS" || x.starts_with("AWSManagedRules")),
            "{p:?}"
        );
        assert!(
            !p.iter().any(|x| x.contains("Admin") || x.contains("FullAccess")),
            "{p:?}"
        );
        // The eks module grants AmazonEKSClusterAdminPolicy through an access
        // entry: an EKS access policy, not an IAM policy the role attaches.
        assert!(
            crate::emit::module_template("eks").contains("cluster-access-policy/AmazonEKSClusterAdminPolicy"),
            "the eks module no longer uses an access policy: this check tests nothing"
        );
    }
}
