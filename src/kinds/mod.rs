//! The asset kinds, one module each: everything acmegen knows about a kind
//! is declared in its module (rust-analyzer's one-module-per-diagnostic
//! layout is the model):
//!
//! - `SPEC`: the DR strategies it allows, the kinds it may target, the fields
//!   it reads, its size class, whether it needs a VPC or the region's key,
//!   whether an inventory may hold several, the local modules its calls use,
//!   the words of a design doc that name it, what its `qty` counts and the
//!   alarms it gets;
//! - `Options` and `check`: its fields, validated, with defaults resolved
//!   once (the validated model's per-kind part);
//! - `plan`: its module calls in the primary and the DR root;
//! - `objective`: its recovery objectives under each DR strategy (the
//!   runbook's and `acmegen failover`'s figures; shared phrases and
//!   settings live in [`crate::objectives`]);
//! - its DR-mapping tests.
//!
//! [`kinds!`](crate::kinds) below lists the modules once; `Kind`,
//! `Kind::ALL`, the options enum and the dispatches are derived from that
//! list, so a kind cannot be forgotten anywhere the compiler looks.

use crate::inventory::DrStrategy;
use crate::plan::Role;

pub(crate) mod workloads;

/// What an asset's `qty` counts (the role of its quantity variables).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantity {
    /// Nothing: the kind is a single thing per region.
    None,
    /// EC2 instances.
    Instances,
    /// Kubernetes nodes of a managed node group.
    Nodes,
    /// Elastic IP addresses.
    Addresses,
    /// Database instances of a cluster.
    DbInstances,
    /// Pods of a Kubernetes workload (replicas).
    Pods,
}

/// The size a kind takes in `size:`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SizeClass {
    /// No size.
    None,
    /// An EC2 instance type; `required` when the kind cannot default one.
    Ec2 {
        /// Whether the inventory must give it.
        required: bool,
    },
    /// An RDS instance class, always required.
    Db,
}

/// The defaults of a drafted asset (`acmegen import` of a table or of prose).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Draft {
    /// `size:` when the document names none (None: the kind takes no size).
    pub size: Option<&'static str>,
    /// The DR strategy when the document states none, and why, as the
    /// draft's note says it.
    pub dr: (DrStrategy, &'static str),
    /// The kind's own fields a draft writes.
    pub fields: DraftFields,
    /// Whether the prose import counts it from the document's instances or
    /// nodes, else one per availability zone (servers, nodes, database
    /// instances; not a bastion, whose count stays 1).
    pub counted: bool,
    /// What a document's count of 2 is, for a kind whose `qty` counts
    /// nothing and that is not one per region (None: one in each region,
    /// the DR copy being the second).
    pub two: Option<&'static str>,
}

impl Draft {
    /// The draft of a kind with nothing of its own to draft: no size, no
    /// fields, not counted, in both regions alike.
    pub const PLAIN: Draft = Draft {
        size: None,
        dr: (DrStrategy::Active, "the same in both regions"),
        fields: DraftFields::Defaults,
        counted: false,
        two: None,
    };
}

/// The `bounds` of a kind whose only number is `qty`, with no limit of its own.
pub const QTY_ONLY: &[(&str, crate::limits::Bound)] = &[("qty", crate::limits::QTY)];

/// The kind's own fields an import drafts (besides kind, name, purpose,
/// size, qty, target and dr).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DraftFields {
    /// None: the kind's defaults stand, or validation asks for what is missing.
    Defaults,
    /// `version`: the document's Kubernetes version if EKS supports it, else the current one.
    Kubernetes,
    /// `engine` and `engine_version` from the document's words (and
    /// `multi_az` where the kind has it).
    Database,
    /// `zone` and `record` of the DNS name.
    Dns,
    /// A stand-in `image` when a load balancer fronts the servers, and
    /// (the table import) `key_pair` when the draft has one.
    Servers,
}

/// What an asset serves on the NodePort of the load balancers in front of
/// the EKS cluster it targets (see [`workloads::ingress`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodePort {
    /// Nothing (it does not run on a cluster, or takes no traffic from them).
    Nothing,
    /// A router: it takes the NodePort and routes to the cluster's apps by Ingress.
    Router,
    /// An application, exposed on the NodePort when it is the cluster's only one.
    App,
}

/// What a kind is to the runbook and validation beyond its own planning:
/// the kinds they treat alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Category {
    /// A database with a master secret, a stable name in the private zone
    /// and a writer the failover promotes or restores.
    Database,
    /// An object store: data, whose copy in DR bounds the recovery point.
    Objects,
    /// Steers clients between the regions' load balancers (DNS failover or
    /// an accelerator's traffic dials).
    Steering,
    /// None of these.
    Other,
}

impl Category {
    /// Whether it holds the data whose copy in DR bounds the recovery point.
    pub fn holds_data(self) -> bool {
        matches!(self, Category::Database | Category::Objects)
    }
}

/// What an AWS name built from an asset starts with (see [`AwsName`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameBase {
    /// The asset's resource name, `<inventory>-<asset>-<region code>`.
    Own,
    /// The resource name of the cluster it targets.
    Cluster,
    /// The resource name of the cluster it targets, `-` and the asset's
    /// name (with `-` for `_`).
    OnCluster,
}

/// The longest AWS name of a limited length a kind's modules build from
/// an asset: validation refuses names that would not fit, instead of the
/// apply failing on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AwsName {
    /// What AWS names so (e.g. "IAM role").
    pub what: &'static str,
    /// What the name starts with.
    pub base: NameBase,
    /// The longest suffix the modules append to it.
    pub suffix: &'static str,
    /// The most characters AWS accepts.
    pub max: usize,
}

/// An IAM role named `<base><suffix>`: IAM role names stop at 64 characters.
pub const fn iam_role(base: NameBase, suffix: &'static str) -> AwsName {
    AwsName {
        what: "IAM role",
        base,
        suffix,
        max: 64,
    }
}

/// An AWS name too long for AWS: which, the whole name, and its length.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameOverflow {
    /// The kind's declaration of the name.
    pub name: AwsName,
    /// The name in full.
    pub full: String,
}

impl NameOverflow {
    /// By how many characters it is too long.
    pub fn excess(&self) -> usize {
        self.full.len() - self.name.max
    }
}

/// The one of `kind`'s [`AwsName`]s that asset `asset` of inventory
/// `inventory` would make longest over its limit in `region` (shortening
/// by its excess fits them all); `cluster` is the cluster it targets (names
/// on a cluster are not checked without one).
pub fn aws_name_overflow(
    kind: Kind,
    inventory: &str,
    asset: &str,
    cluster: Option<&str>,
    region: &str,
) -> Option<NameOverflow> {
    use crate::plan::names::resource;
    kind.spec()
        .aws_names
        .iter()
        .filter_map(|n| {
            let base = match n.base {
                NameBase::Own => resource(inventory, asset, region),
                NameBase::Cluster => resource(inventory, cluster?, region),
                NameBase::OnCluster => {
                    format!("{}-{}", resource(inventory, cluster?, region), asset.replace('_', "-"))
                }
            };
            (base.len() + n.suffix.len() > n.max).then(|| NameOverflow {
                name: *n,
                full: base + n.suffix,
            })
        })
        .max_by_key(NameOverflow::excess)
}

/// How the databases of a region admit a kind's instances.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DbClients {
    /// They do not: it does not connect to databases.
    No,
    /// Its instances join the region's shared database-clients security
    /// group, which every database admits (one rule however many assets).
    SharedGroup,
    /// Each database admits the security group its module outputs under
    /// this name.
    OwnGroup(&'static str),
}

impl DbClients {
    /// The output naming its own group, when databases admit that group.
    pub fn own_group(self) -> Option<&'static str> {
        match self {
            DbClients::OwnGroup(output) => Some(output),
            DbClients::No | DbClients::SharedGroup => None,
        }
    }
}

/// How an alarm treats periods without data (CloudWatch `TreatMissingData`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MissingData {
    /// Within the threshold: load and capacity alarms, where no data means
    /// no traffic.
    NotBreaching,
    /// Breaching: replication-health alarms. A replica that stopped
    /// replicating, or was deleted or promoted, emits no lag data, and that
    /// must alarm (CloudWatch UG, "Configuring how CloudWatch alarms treat
    /// missing data").
    Breaching,
}

impl MissingData {
    /// The value of `treat_missing_data`.
    pub fn as_str(self) -> &'static str {
        match self {
            MissingData::NotBreaching => "notBreaching",
            MissingData::Breaching => "breaching",
        }
    }
}

/// One CloudWatch alarm acmegen sets on every asset of a kind.
#[derive(Debug, Clone, Copy)]
pub struct AlarmSpec {
    /// Root it belongs to (load balancers: both).
    pub role: Option<Role>,
    /// Only for assets with this DR strategy (DR-side alarms on replicas).
    pub strategy: Option<DrStrategy>,
    /// Suffix of the alarm name.
    pub suffix: &'static str,
    /// `{name}` is replaced by the asset name.
    pub description: &'static str,
    /// Metric namespace.
    pub namespace: &'static str,
    /// Metric name.
    pub metric: &'static str,
    /// Dimension naming the asset.
    pub dimension: &'static str,
    /// The module output that gives the dimension's value (load balancers:
    /// `arn_suffix`); None: the asset's resource name.
    pub dimension_output: Option<&'static str>,
    /// Statistic.
    pub statistic: &'static str,
    /// Comparison operator.
    pub operator: &'static str,
    /// Threshold.
    pub threshold: i64,
    /// Missing data: `Breaching` marks a replication-health alarm, which
    /// acmegen sets even where the inventory lists no cloudwatch asset.
    pub missing_data: MissingData,
}

/// EC2 instances of one type that an asset runs in one region.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Instances<'a> {
    /// How many.
    pub n: u32,
    /// What they are (`"instances"`, `"nodes at most"`).
    pub what: &'static str,
    /// Their instance type.
    pub size: &'a str,
    /// The EKS node group they form, when not the cluster's default group.
    pub group: Option<&'a str>,
}

/// The EC2 instances an asset runs in one region (arguments: the asset,
/// whether the region is the DR one, whether to count what it may scale
/// to), one entry per instance type and group; none whose type is unknown.
pub type InstanceCount = for<'a> fn(&'a crate::inventory::Asset, bool, bool) -> Vec<Instances<'a>>;

/// What an asset of a kind counts against the regional quotas of
/// `src/quotas.rs` besides those of its own kind (load balancers, clusters,
/// addresses). The functions take the asset, whether the region is the DR
/// one, and whether to count what it may scale to (`at_most`).
#[derive(Debug, Clone, Copy)]
pub enum QuotaUse {
    /// Nothing those quotas count.
    None,
    /// EC2 On-Demand instances.
    Instances(InstanceCount),
    /// RDS DB instances in one region.
    DbInstances(fn(&crate::inventory::Asset, bool) -> u32),
}

/// The service principal of EC2 Auto Scaling's service-linked role.
pub const AUTOSCALING: &str = "autoscaling.amazonaws.com";

/// Everything declared about a kind.
#[derive(Debug)]
pub struct Spec {
    /// Name in YAML (`kind: vm`).
    pub name: &'static str,
    /// One line for docs and `acmegen explain`.
    pub summary: &'static str,
    /// DR strategies that make sense, and a hint when another is asked for.
    pub dr: &'static [DrStrategy],
    /// Why other strategies do not apply (shown with the error), by strategy.
    pub dr_hints: &'static [(DrStrategy, &'static str)],
    /// Kinds an asset may name in `target`, the one a draft prefers first.
    pub targets: &'static [Kind],
    /// Kind-specific inventory fields it reads (besides kind, name, purpose,
    /// qty, dr, dr_qty, tags, which every kind has).
    pub fields: &'static [&'static str],
    /// What `size:` is.
    pub size: SizeClass,
    /// The ranges of its numeric fields, each with the limit that sets it
    /// (`qty` bounds `dr_qty` too; see [`crate::limits::bound`]). A field
    /// it reads that is not listed is checked by its own validation.
    pub bounds: &'static [(&'static str, crate::limits::Bound)],
    /// What a draft of it (`acmegen import`) says where the document is silent.
    pub draft: Draft,
    /// What the runbook and validation treat it as.
    pub category: Category,
    /// The AWS names of a limited length its modules build from an asset.
    pub aws_names: &'static [AwsName],
    /// Lives inside a VPC.
    pub needs_vpc: bool,
    /// AWS refuses it with subnets in one availability zone: an application
    /// load balancer, an EKS control plane, a DB subnet group each need two.
    pub two_azs: bool,
    /// Encrypts with the region's key.
    pub needs_kms: bool,
    /// At most one per inventory.
    pub singleton: bool,
    /// Local modules its calls use.
    pub modules: &'static [&'static str],
    /// What names it in a Table 1.1 row (`acmegen import`): lower-case
    /// phrases matched against the row's words, each padded with spaces
    /// (` db ` is a word, ` database` a word start). Empty: the table import
    /// never drafts it (it needs fields a table has no column for).
    pub import_keywords: &'static [&'static str],
    /// `qty` when the inventory gives none.
    pub default_qty: u32,
    /// What `qty` counts.
    pub quantity: Quantity,
    /// How databases in its region admit it.
    pub db_clients: DbClients,
    /// What it serves on the NodePort of the load balancers in front of
    /// the cluster it targets.
    pub node_port: NodePort,
    /// Alarms on its assets (rendered by the cloudwatch kind).
    pub alarms: &'static [AlarmSpec],
    /// Service principals whose service-linked role AWS creates on first
    /// use by the caller, who therefore needs `iam:CreateServiceLinkedRole`
    /// for them (the CI roles).
    pub service_linked_roles: &'static [&'static str],
    /// What its assets count against the regional quotas.
    pub quota: QuotaUse,
}

/// Declares the kinds: `Variant => module`. Generates the `Kind` enum, its
/// list, its spec lookup, the per-kind options enum and the dispatch of
/// validation and planning.
macro_rules! kinds {
    ($($(#[$doc:meta])* $variant:ident => $module:ident),* $(,)?) => {
        $(pub mod $module;)*

        /// The kind of an asset: which module renders it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Deserialize, serde::Serialize)]
        #[serde(rename_all = "snake_case")]
        pub enum Kind {
            $($(#[$doc])* $variant),*
        }

        impl Kind {
            /// Every kind, in declaration order.
            pub const ALL: &'static [Kind] = &[$(Kind::$variant),*];

            /// Everything declared about this kind.
            pub fn spec(self) -> &'static Spec {
                match self {
                    $(Kind::$variant => &$module::SPEC),*
                }
            }

            /// Validate the kind-specific fields of `asset` (errors go to `c`).
            pub fn check(self, c: &mut crate::validate::Check<'_>, asset: &crate::inventory::Asset) -> Options {
                match self {
                    $(Kind::$variant => Options::$variant($module::check(c, asset))),*
                }
            }

            /// The recovery objectives of `asset` (of this kind) under its
            /// DR strategy, from the settings acmegen generates.
            pub fn objective(
                self,
                ctx: &crate::objectives::Context<'_>,
                asset: &crate::inventory::Asset,
            ) -> crate::objectives::Estimate {
                match self {
                    $(Kind::$variant => $module::objective(ctx, asset)),*
                }
            }
        }

        /// The validated, defaulted fields of an asset, per kind.
        #[derive(Debug, Clone)]
        pub enum Options {
            $($(#[$doc])* $variant($module::Options)),*
        }

        impl Options {
            /// Plan the asset's module calls in the root `p` is planning.
            pub fn plan(&self, p: &mut crate::plan::Planner<'_>, asset: &crate::validate::ValidAsset) {
                match self {
                    $(Options::$variant(o) => $module::plan(p, asset, o)),*
                }
            }
        }
    };
}

kinds! {
    /// VPC with public/private subnets per AZ, IGW, NAT, flow logs.
    Vpc => vpc,
    /// Peering between the primary and the DR VPC.
    VpcPeering => vpc_peering,
    /// Customer-managed KMS key.
    Kms => kms,
    /// EC2 key pair.
    KeyPair => key_pair,
    /// EC2 application servers spread over AZs.
    Vm => vm,
    /// SSM-managed bastion host.
    Bastion => bastion,
    /// Elastic IPs attached to VMs.
    Eip => eip,
    /// Application load balancer.
    Alb => alb,
    /// EKS cluster with managed node groups.
    Eks => eks,
    /// Prometheus and Grafana on an EKS cluster.
    K8sMonitoring => k8s_monitoring,
    /// RDS instance (Postgres or MySQL).
    Rds => rds,
    /// Aurora cluster (Postgres or MySQL).
    Aurora => aurora,
    /// S3 bucket.
    S3 => s3,
    /// ECR repository.
    Ecr => ecr,
    /// Route 53 failover record with health checks.
    Route53 => route53,
    /// Global Accelerator in front of the load balancers.
    GlobalAccelerator => global_accelerator,
    /// Controllers of an EKS cluster: load balancer controller, cert-manager, autoscaler, metrics-server.
    ClusterAddons => cluster_addons,
    /// Traefik as a cluster's HTTP router.
    Traefik => traefik,
    /// An application on an EKS cluster.
    App => app,
    /// PostgreSQL run by Zalando's postgres-operator on an EKS cluster.
    PostgresOperator => postgres_operator,
    /// CloudWatch log group, alarm topic and alarms.
    Cloudwatch => cloudwatch,
    /// Multi-region CloudTrail trail.
    Cloudtrail => cloudtrail,
    /// AWS Backup plan and vault per region, copying to the DR vault.
    BackupPlan => backup_plan,
}

impl Kind {
    /// The snake_case name used in YAML.
    pub fn as_str(self) -> &'static str {
        self.spec().name
    }

    /// Whether assets of this kind live inside a VPC.
    pub fn needs_vpc(self) -> bool {
        self.spec().needs_vpc
    }

    /// Whether assets of this kind encrypt data with the region's KMS key.
    pub fn needs_kms(self) -> bool {
        self.spec().needs_kms
    }

    /// The DR strategies that make sense for this kind.
    pub fn allowed_dr(self) -> &'static [DrStrategy] {
        self.spec().dr
    }

    /// The kinds an asset of this kind may name in `target`.
    pub fn target_kinds(self) -> &'static [Kind] {
        self.spec().targets
    }

    /// Whether its assets launch instances through EC2 Auto Scaling (its
    /// spec names Auto Scaling's service-linked role): key policies of
    /// the keys those instances encrypt with must name that role.
    pub fn uses_autoscaling(self) -> bool {
        self.spec().service_linked_roles.contains(&AUTOSCALING)
    }

    /// The kind named `name` in YAML.
    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.iter().copied().find(|k| k.as_str() == name)
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Helpers of the kinds' planning tests.
#[cfg(test)]
pub(crate) mod testing {
    use crate::plan::{plan, ModuleCall, Plan, RootPlan};
    use std::path::Path;

    /// A web tier: two VMs behind a load balancer, both active in DR.
    pub(crate) const WEB: &str = "  - {kind: vm, name: app, size: t3.micro, qty: 2, image: nginx, dr: active}\n  - {kind: alb, name: lb, target: app, dr: active}\n";

    /// A test inventory (us-east-2 → us-west-1) holding `assets`.
    pub(crate) fn inventory(assets: &str) -> String {
        // The line numbers the tests expect count the EBS setting's line.
        format!("name: t\nowner: me\nebs_default_encryption: false\nregions: {{primary: us-east-2, dr: us-west-1}}\nassets:\n{assets}")
    }

    /// The plan of an inventory `t` (us-east-2 → us-west-1) holding `assets`
    /// (YAML list items); panics with the diagnostics when it is invalid.
    pub(crate) fn planned(assets: &str) -> Plan {
        planned_text(&inventory(assets))
    }

    /// The plan of the whole inventory `text` (for tests that need more
    /// than assets, e.g. quotas); panics with the diagnostics when invalid.
    pub(crate) fn planned_text(text: &str) -> Plan {
        let loaded = crate::inventory::parse(text, Path::new("t.yaml")).expect("parses");
        let valid = crate::validate::validate(&loaded).unwrap_or_else(|d| panic!("{d}"));
        plan(&valid)
    }

    /// The recovery objectives of asset `name` in the valid inventory
    /// holding `assets`; panics when it is invalid.
    pub(crate) fn objective(assets: &str, name: &str) -> crate::objectives::Objective {
        let loaded = crate::inventory::parse(&inventory(assets), Path::new("t.yaml")).expect("parses");
        crate::validate::validate(&loaded).unwrap_or_else(|d| panic!("{d}"));
        let inv = &loaded.inventory;
        let a = inv
            .assets
            .iter()
            .find(|a| a.name == name)
            .unwrap_or_else(|| panic!("no asset {name}"));
        crate::objectives::objectives(inv, &[a]).remove(0)
    }

    /// The validation errors of an inventory holding `assets`.
    pub(crate) fn errors(assets: &str) -> Vec<String> {
        errors_text(&inventory(assets))
    }

    /// The validation errors of the whole inventory `text` (for tests that
    /// need other regions than `errors`' us-east-2 → us-west-1).
    pub(crate) fn errors_text(text: &str) -> Vec<String> {
        let loaded = crate::inventory::parse(text, Path::new("t.yaml")).expect("parses");
        match crate::validate::validate(&loaded) {
            Ok(_) => Vec::new(),
            Err(d) => d.0.iter().map(|e| e.to_string()).collect(),
        }
    }

    /// The validation warnings of a valid inventory holding `assets`,
    /// rendered as the CLI prints them; panics when it is invalid.
    pub(crate) fn warnings(assets: &str) -> Vec<String> {
        let loaded = crate::inventory::parse(&inventory(assets), Path::new("t.yaml")).expect("parses");
        let valid = crate::validate::validate(&loaded).unwrap_or_else(|d| panic!("{d}"));
        valid.warnings.iter().map(|w| w.as_warning()).collect()
    }

    /// The module call labelled `label`.
    pub(crate) fn module<'a>(root: &'a RootPlan, label: &str) -> Option<&'a ModuleCall> {
        root.modules.iter().find(|m| m.label == label)
    }

    /// Argument `name` of `m`, rendered as HCL.
    pub(crate) fn arg(m: &ModuleCall, name: &str) -> String {
        m.argument(name)
            .unwrap_or_else(|| panic!("{} has no argument {name}", m.label))
            .render()
    }

    /// Argument `name` of `m` in `root`, the shared local it names resolved
    /// (see [`RootPlan::resolve`]), rendered.
    pub(crate) fn resolved_arg(root: &RootPlan, m: &ModuleCall, name: &str) -> String {
        root.resolve(
            m.argument(name)
                .unwrap_or_else(|| panic!("{} has no argument {name}", m.label)),
        )
        .render()
    }

    /// The default of variable `var`, rendered (None: required).
    pub(crate) fn default_of(root: &RootPlan, var: &str) -> Option<String> {
        root.variable(var)
            .unwrap_or_else(|| panic!("no variable {var}"))
            .default
            .as_ref()
            .map(|d| d.render())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_names_are_the_yaml_names() {
        for k in Kind::ALL {
            let yaml = serde_yaml::to_string(k).unwrap();
            assert_eq!(yaml.trim(), k.spec().name, "{k:?}");
            assert_eq!(Kind::from_name(k.spec().name), Some(*k));
        }
    }

    #[test]
    fn every_spec_bounds_its_quantity_and_the_numbers_it_reads() {
        for k in Kind::ALL {
            let s = k.spec();
            assert!(s.bounds.iter().any(|(f, _)| *f == "qty"), "{k}: no range for qty");
            for (f, b) in s.bounds {
                assert!(
                    *f == "qty" || s.fields.contains(f),
                    "{k}: a range for {f}, which it does not read"
                );
                assert!(b.min <= b.max && !b.why.is_empty(), "{k}: {f}");
            }
            // The numbers no kind's own validation checks.
            for f in ["port", "volume_gb", "storage_gb", "min"] {
                if s.fields.contains(&f) {
                    assert!(crate::limits::bound(*k, f).is_some(), "{k} reads {f} without a range");
                }
            }
        }
    }

    #[test]
    fn every_draft_default_is_one_the_kind_accepts() {
        for k in Kind::ALL {
            let s = k.spec();
            assert!(s.dr.contains(&s.draft.dr.0), "{k}: drafted with a strategy it rejects");
            assert!(
                !s.draft.counted || s.quantity != Quantity::None,
                "{k}: counted, but qty counts nothing"
            );
            assert!(
                s.node_port == NodePort::Nothing || s.targets.contains(&Kind::Eks),
                "{k}: serves a cluster's NodePort but runs on none"
            );
            match (s.size, s.draft.size) {
                (SizeClass::None, None) => {}
                (SizeClass::Ec2 { .. }, Some(t)) => assert!(crate::catalog::is_ec2_type(t), "{k}: {t}"),
                (SizeClass::Db, Some(c)) => assert!(crate::catalog::is_db_class(c), "{k}: {c}"),
                (size, draft) => panic!("{k}: size {size:?} drafted as {draft:?}"),
            }
        }
    }

    /// The categories agree with what the specs say otherwise: a database
    /// sizes in DB classes and takes the database draft, a kind that
    /// steers traffic fronts load balancers, and a kind that needs subnets
    /// in two AZs lives in the VPC.
    #[test]
    fn every_category_agrees_with_the_spec() {
        for k in Kind::ALL {
            let s = k.spec();
            let database = s.category == Category::Database;
            assert_eq!(database, s.size == SizeClass::Db, "{k}: database and DB size class");
            assert_eq!(database, s.draft.fields == DraftFields::Database, "{k}: database draft");
            if s.category == Category::Steering {
                assert!(
                    s.targets.contains(&Kind::Alb),
                    "{k}: steers traffic but fronts no load balancer"
                );
            }
            if s.two_azs {
                assert!(s.needs_vpc, "{k}: subnets in two AZs but not in the VPC");
            }
        }
    }

    /// Every IAM role a kind's modules name `"${var.name}-<suffix>"` (or
    /// `"${var.cluster_name}-${var.name}-<suffix>"`) from the asset is
    /// covered by an `aws_names` entry whose suffix is at least as long, so
    /// that validation refuses the names the apply would.
    #[test]
    fn every_iam_role_named_after_an_asset_is_bounded() {
        // The vpc module is named `<inventory>-<region code>` (no asset
        // name); s3 cuts its role name to 64 itself.
        let not_asset_named = [Kind::Vpc, Kind::S3];
        for k in Kind::ALL.iter().filter(|k| !not_asset_named.contains(k)) {
            let s = k.spec();
            for main in s.modules.iter().flat_map(|m| crate::emit::module_mains(m)) {
                let mut in_role = false;
                for line in main.lines() {
                    if line.starts_with("resource \"aws_iam_role\" ") {
                        in_role = true;
                    } else if line.starts_with('}') {
                        in_role = false;
                    }
                    let Some(value) = line.trim_start().strip_prefix("name ").filter(|_| in_role) else {
                        continue;
                    };
                    let value = value.trim_start_matches([' ', '=']).trim_matches('"');
                    let (base, suffix) = if let Some(x) = value.strip_prefix("${var.cluster_name}-${var.name}") {
                        (NameBase::OnCluster, x)
                    } else if let Some(x) = value.strip_prefix("${var.name}") {
                        (NameBase::Own, x)
                    } else {
                        continue;
                    };
                    if suffix.contains('$') {
                        continue; // a suffix of the module's own keys, not bounded here
                    }
                    assert!(
                        s.aws_names
                            .iter()
                            .any(|n| n.base == base && n.max <= 64 && n.suffix.len() >= suffix.len()),
                        "{k}: IAM role `{value}` is not bounded by its aws_names"
                    );
                }
            }
        }
    }

    #[test]
    fn every_spec_is_consistent() {
        for k in Kind::ALL {
            let s = k.spec();
            assert!(!s.dr.is_empty(), "{k}: no DR strategy");
            assert!(
                s.dr.contains(&DrStrategy::None) || *k == Kind::VpcPeering,
                "{k}: no way to keep it out of DR"
            );
            for (d, _) in s.dr_hints {
                assert!(!s.dr.contains(d), "{k}: a hint for an allowed strategy");
            }
            for m in s.modules {
                assert!(
                    crate::plan::modules::MODULES.iter().any(|x| x.name == *m),
                    "{k}: module {m} is not rendered"
                );
            }
            for f in s.fields {
                assert!(crate::inventory::Asset::FIELDS.contains(f), "{k}: unknown field {f}");
            }
            match s.quota {
                QuotaUse::Instances(_) => assert!(
                    matches!(s.size, SizeClass::Ec2 { .. }),
                    "{k}: instances without an instance type"
                ),
                QuotaUse::DbInstances(_) => assert_eq!(s.size, SizeClass::Db, "{k}: DB instances without a DB class"),
                QuotaUse::None => assert_eq!(s.size, SizeClass::None, "{k}: sized but counted by no quota"),
            }
            for principal in s.service_linked_roles {
                assert!(
                    principal.ends_with(".amazonaws.com"),
                    "{k}: {principal} is not a service principal"
                );
            }
            assert_eq!(
                s.targets.is_empty(),
                !s.fields.contains(&"target"),
                "{k}: target field vs targets"
            );
        }
    }
}
