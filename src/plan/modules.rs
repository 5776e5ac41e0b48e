//! The local modules acmegen writes to `generated/modules/`, and which
//! providers each one requires.

/// One local module.
#[derive(Debug, Clone, Copy)]
pub struct ModuleSpec {
    /// Directory name under generated/modules/ and templates/modules/.
    pub name: &'static str,
    /// Providers besides aws that it declares in required_providers.
    pub extra_providers: &'static [&'static str],
}

/// Every module, in directory order.
pub const MODULES: &[ModuleSpec] = &[
    ModuleSpec {
        name: "acm_certificate",
        extra_providers: &[],
    },
    ModuleSpec {
        name: "acm_dns_validation",
        extra_providers: &[],
    },
    ModuleSpec {
        name: "alb",
        extra_providers: &[],
    },
    ModuleSpec {
        name: "aurora",
        extra_providers: &["random"],
    },
    ModuleSpec {
        name: "backup_plan",
        extra_providers: &[],
    },
    ModuleSpec {
        name: "cloudtrail",
        extra_providers: &[],
    },
    ModuleSpec {
        name: "cloudwatch",
        extra_providers: &[],
    },
    ModuleSpec {
        name: "db_common",
        extra_providers: &[],
    },
    ModuleSpec {
        name: "db_parameters",
        extra_providers: &[],
    },
    ModuleSpec {
        name: "ecr",
        extra_providers: &[],
    },
    ModuleSpec {
        name: "ecr_replication",
        extra_providers: &[],
    },
    ModuleSpec {
        name: "eip",
        extra_providers: &[],
    },
    ModuleSpec {
        name: "eks",
        extra_providers: &[],
    },
    ModuleSpec {
        name: "eks_addons",
        extra_providers: &["helm"],
    },
    ModuleSpec {
        name: "facts",
        extra_providers: &[],
    },
    ModuleSpec {
        name: "ga_endpoint_group",
        extra_providers: &[],
    },
    ModuleSpec {
        name: "global_accelerator",
        extra_providers: &[],
    },
    ModuleSpec {
        name: "k8s_app",
        extra_providers: &["helm"],
    },
    ModuleSpec {
        name: "k8s_monitoring",
        extra_providers: &["helm", "random"],
    },
    ModuleSpec {
        name: "key_pair",
        extra_providers: &[],
    },
    ModuleSpec {
        name: "kms",
        extra_providers: &[],
    },
    ModuleSpec {
        name: "postgres_operator",
        extra_providers: &["helm"],
    },
    ModuleSpec {
        name: "private_zone",
        extra_providers: &[],
    },
    ModuleSpec {
        name: "rds",
        extra_providers: &["random"],
    },
    ModuleSpec {
        name: "rds_backup_replication",
        extra_providers: &[],
    },
    ModuleSpec {
        name: "route53_record",
        extra_providers: &[],
    },
    ModuleSpec {
        name: "route53_zone",
        extra_providers: &[],
    },
    ModuleSpec {
        name: "s3",
        extra_providers: &[],
    },
    ModuleSpec {
        name: "service_linked_role",
        extra_providers: &[],
    },
    ModuleSpec {
        name: "traefik",
        extra_providers: &["helm"],
    },
    ModuleSpec {
        name: "vm",
        extra_providers: &[],
    },
    ModuleSpec {
        name: "vpc",
        extra_providers: &[],
    },
    ModuleSpec {
        name: "vpc_peering_accepter",
        extra_providers: &[],
    },
    ModuleSpec {
        name: "vpc_peering_requester",
        extra_providers: &[],
    },
];

/// Provider source, root constraint (pinned major) and module constraint (minimum).
pub fn provider_source(name: &str) -> (&'static str, &'static str, &'static str) {
    match name {
        "helm" => ("hashicorp/helm", "~> 3.0", ">= 3.0"),
        "random" => ("hashicorp/random", "~> 3.7", ">= 3.7"),
        _ => ("hashicorp/aws", "~> 6.0", ">= 6.0"),
    }
}
