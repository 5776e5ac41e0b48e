//! The typed inventory: one YAML file mirrors a design doc's Table 1.1.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A whole inventory file: metadata, the two regions, the network plan and the assets.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Inventory {
    /// Short, DNS-safe name; the output goes to `generated/<name>/`.
    pub name: String,
    /// One-line summary, copied into generated READMEs and tags.
    #[serde(default)]
    pub description: Option<String>,
    /// The design document this inventory encodes.
    #[serde(default)]
    pub source: Option<String>,
    /// Team that owns the infrastructure (becomes the `Owner` tag).
    pub owner: String,
    /// A label of the AWS account the inventory deploys into. Inventories
    /// with the same label are checked together for what AWS keeps once per
    /// account and region (see `acmegen::accounts`); without one, the
    /// inventory is taken to be alone in its account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// Extra tags applied to every resource through provider `default_tags`.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    /// Primary and DR region.
    pub regions: Regions,
    /// VPC CIDRs, AZ count and subnet sizes per region.
    #[serde(default)]
    pub network: Network,
    /// Terraform state location.
    #[serde(default)]
    pub state: StateConfig,
    /// Ranges of the administrators and CI runners that apply this
    /// inventory: the only sources allowed to reach the public endpoint of
    /// EKS clusters whose charts Terraform installs. When the inventory gives
    /// none, the roots that need them ask for them (variable `admin_cidrs`).
    #[serde(default)]
    pub admin_cidrs: Option<Vec<String>>,
    /// Where alarms go: e-mail addresses subscribed to every region's alarm
    /// topic. When the inventory gives none, the roots ask for them (variable
    /// `alert_emails`).
    #[serde(default)]
    pub alert_emails: Option<Vec<String>>,
    /// IAM principals (role or user ARNs) given cluster-admin access to every
    /// EKS cluster through EKS access entries, besides the identity that
    /// creates the cluster: on-call and CI roles that run a failover apply.
    #[serde(default)]
    pub cluster_admin_arns: Option<Vec<String>>,
    /// Service quotas the account has raised above AWS's defaults, per
    /// region: `{us-east-2: {elastic_ips: 10}}` (see `acmegen::quotas`).
    #[serde(default)]
    pub quotas: BTreeMap<String, BTreeMap<String, u32>>,
    /// Turn on EBS encryption by default with the region's key, an
    /// account-and-region-wide setting (default false: acmegen sets keys on
    /// its own volumes and leaves the account setting alone).
    #[serde(default)]
    pub ebs_default_encryption: bool,
    /// GitHub Actions for the inventory's repository: workflows (`acmegen
    /// ci`) and the CI roles of the bootstrap root (see [`super::ci::Ci`]).
    #[serde(default)]
    pub ci: Option<super::ci::Ci>,
    /// The Table 1.1 rows.
    pub assets: Vec<Asset>,
}

/// The two AWS regions of an inventory.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Regions {
    /// Region serving production traffic.
    pub primary: String,
    /// Disaster-recovery region.
    pub dr: String,
}

/// Network settings for both regions.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Network {
    /// Primary-region VPC.
    #[serde(default)]
    pub primary: Option<RegionNetwork>,
    /// DR-region VPC.
    #[serde(default)]
    pub dr: Option<RegionNetwork>,
}

/// One region's VPC: CIDR, AZ count, subnet prefix lengths.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RegionNetwork {
    /// VPC CIDR block, e.g. `10.0.0.0/16`.
    pub cidr: String,
    /// Number of availability zones to spread subnets over.
    #[serde(default)]
    pub azs: Option<u8>,
    /// Prefix length of each public subnet (default: VPC prefix + 8).
    #[serde(default)]
    pub public_prefix: Option<u8>,
    /// Prefix length of each private subnet (default: VPC prefix + 4).
    #[serde(default)]
    pub private_prefix: Option<u8>,
    /// One NAT gateway per AZ (true) or a single shared one (false).
    #[serde(default)]
    pub nat_per_az: Option<bool>,
}

/// Where each root keeps its state: one bucket per region.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct StateConfig {
    /// Bucket name prefix; the bucket is `<prefix>-<region>` (default `<name>-tfstate`).
    #[serde(default)]
    pub bucket_prefix: Option<String>,
}

pub use crate::kinds::Kind;

/// What the DR region gets for an asset (the DR column of Table 1.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DrStrategy {
    /// Same capacity in DR, serving or ready to serve.
    Active,
    /// Deployed in DR at reduced capacity, scaled up on failover.
    PilotLight,
    /// Cross-region replica (RDS read replica, Aurora global, S3/ECR replication, KMS replica key).
    Replica,
    /// Backups copied to DR only.
    Backup,
    /// Primary only.
    None,
}

impl DrStrategy {
    /// The kebab-case name used in YAML.
    pub fn as_str(self) -> &'static str {
        match self {
            DrStrategy::Active => "active",
            DrStrategy::PilotLight => "pilot-light",
            DrStrategy::Replica => "replica",
            DrStrategy::Backup => "backup",
            DrStrategy::None => "none",
        }
    }

    /// Recovery objectives class, as documented in the runbook.
    pub fn rto_rpo(self) -> (&'static str, &'static str) {
        match self {
            DrStrategy::Active => ("minutes", "seconds (stateless) or near zero"),
            DrStrategy::PilotLight => ("tens of minutes (scale-up)", "as the data tier"),
            DrStrategy::Replica => ("minutes (promotion)", "seconds to minutes (replication lag)"),
            DrStrategy::Backup => ("hours (restore)", "hours (last copied backup)"),
            DrStrategy::None => ("not recoverable in DR", "not recoverable in DR"),
        }
    }
}

impl std::fmt::Display for DrStrategy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a cluster's container logs go (`container_logs` of cluster_addons).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ContainerLogs {
    /// Fluent Bit into a KMS-encrypted CloudWatch Logs group of the region.
    Cloudwatch,
    /// Not shipped (the default).
    None,
}

/// Where a VM's instances live.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SubnetTier {
    /// Public subnets (needed for Elastic IPs).
    Public,
    /// Private subnets behind NAT.
    Private,
}

/// A database engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Engine {
    /// PostgreSQL.
    Postgres,
    /// MySQL.
    Mysql,
}

impl Engine {
    /// Engine name for `aws_db_instance` or, with `aurora`, for `aws_rds_cluster`.
    pub fn rds_name(self, aurora: bool) -> &'static str {
        match (self, aurora) {
            (Engine::Postgres, false) => "postgres",
            (Engine::Mysql, false) => "mysql",
            (Engine::Postgres, true) => "aurora-postgresql",
            (Engine::Mysql, true) => "aurora-mysql",
        }
    }

    /// Default listener port.
    pub fn port(self) -> u16 {
        match self {
            Engine::Postgres => 5432,
            Engine::Mysql => 3306,
        }
    }
}

/// One Table 1.1 row. Common columns first, then kind-specific options
/// (validation rejects options that do not belong to the asset's kind).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Asset {
    /// Which module renders this asset.
    pub kind: Kind,
    /// Unique snake/kebab-case name.
    pub name: String,
    /// Table 1.1 "Purpose" column.
    #[serde(default)]
    pub purpose: Option<String>,
    /// Instance or DB class, e.g. `t3.micro`, `db.t3.medium`.
    #[serde(default)]
    pub size: Option<String>,
    /// How many in the primary region (instances, nodes, IPs, DB instances).
    #[serde(default)]
    pub qty: Option<u32>,
    /// DR strategy (Table 1.1 "DR" column).
    pub dr: DrStrategy,
    /// Capacity in DR for `pilot-light` (default 1) — the failover scales it to `qty`.
    #[serde(default)]
    pub dr_qty: Option<u32>,
    /// The asset this one fronts, attaches to or runs on.
    #[serde(default)]
    pub target: Option<String>,

    /// vm/alb: application port.
    #[serde(default)]
    pub port: Option<u16>,
    /// vm: container image the instances run at boot: a full reference, or
    /// `<ecr asset>:<tag>` for a repository of this inventory (pulled from
    /// the region's own registry, the replica in DR).
    #[serde(default)]
    pub image: Option<String>,
    /// vm: port the container listens on, when it differs from `port`.
    #[serde(default)]
    pub container_port: Option<u16>,
    /// vm: subnet tier (default private; public when an eip targets it).
    #[serde(default)]
    pub subnet: Option<SubnetTier>,
    /// vm/bastion: key pair asset name for SSH.
    #[serde(default)]
    pub key_pair: Option<String>,
    /// vm/bastion/eks: root volume size in GiB.
    #[serde(default)]
    pub volume_gb: Option<u32>,
    /// bastion: CIDRs allowed to SSH (default none: SSM Session Manager only).
    #[serde(default)]
    pub ssh_cidrs: Option<Vec<String>>,

    /// alb: ACM certificate ARN (per region: `{primary: arn, dr: arn}`) enabling HTTPS.
    #[serde(default)]
    pub certificate_arn: Option<BTreeMap<String, String>>,
    /// alb/route53/global_accelerator: health check path.
    #[serde(default)]
    pub health_check_path: Option<String>,

    /// eks: Kubernetes version, e.g. `"1.33"`.
    #[serde(default)]
    pub version: Option<String>,
    /// eks: node group minimum size (default qty).
    #[serde(default)]
    pub min: Option<u32>,
    /// eks: node group maximum size (default 2 × qty).
    #[serde(default)]
    pub max: Option<u32>,

    /// eks: further managed node groups besides the default one (which
    /// `size`, `qty`, `min` and `max` describe), each with its own capacity,
    /// Kubernetes labels and taints.
    #[serde(default)]
    pub node_groups: Option<Vec<NodeGroup>>,

    /// vpc: a network ACL per subnet tier, derived from what the root
    /// exposes (default false: the subnets keep the VPC's default ACL).
    #[serde(default)]
    pub network_acls: Option<bool>,

    /// k8s_monitoring: kube-prometheus-stack chart version.
    #[serde(default)]
    pub chart_version: Option<String>,
    /// k8s_monitoring: the node group of the target cluster the stack runs on
    /// (it tolerates the group's taints and requires its labels).
    #[serde(default)]
    pub node_group: Option<String>,
    /// k8s_monitoring: both regions' Prometheus in every Grafana, through an
    /// Amazon Managed Service for Prometheus workspace per region.
    #[serde(default)]
    pub cross_region: Option<bool>,
    /// k8s_monitoring: a CloudWatch data source in Grafana (read-only IRSA role).
    #[serde(default)]
    pub cloudwatch_data_source: Option<bool>,
    /// k8s_monitoring: scrape node_exporter on the region's vm instances
    /// (default true).
    #[serde(default)]
    pub monitor_vms: Option<bool>,

    /// rds/aurora: engine.
    #[serde(default)]
    pub engine: Option<Engine>,
    /// rds/aurora: engine version, e.g. `"16.4"`; the DR copy must use the same.
    #[serde(default)]
    pub engine_version: Option<String>,
    /// rds/aurora: engine version of the DR copy when it must be stated (defaults to engine_version).
    #[serde(default)]
    pub dr_engine_version: Option<String>,
    /// rds: allocated storage in GiB.
    #[serde(default)]
    pub storage_gb: Option<u32>,
    /// rds: Multi-AZ standby (default true).
    #[serde(default)]
    pub multi_az: Option<bool>,
    /// rds/aurora: initial database name.
    #[serde(default)]
    pub db_name: Option<String>,
    /// rds/aurora: label of the writer's stable name in the inventory's
    /// private zone, `<dns_name>.<inventory>.internal` (default: the asset's name).
    #[serde(default)]
    pub dns_name: Option<String>,
    /// rds/aurora/cloudwatch/cloudtrail/s3/cluster_addons: retention in days
    /// (backups or logs; cluster_addons: the container logs).
    #[serde(default)]
    pub retention_days: Option<u32>,

    /// ecr: application image tag deployed from this repository.
    #[serde(default)]
    pub image_tag: Option<String>,
    /// ecr: image tag the DR region deploys, when stated (must equal image_tag).
    #[serde(default)]
    pub dr_image_tag: Option<String>,

    /// route53: hosted zone name; the bootstrap root creates it unless `zone_id` names an existing one.
    #[serde(default)]
    pub zone: Option<String>,
    /// route53: ID of an existing public hosted zone for `zone` (not managed by acmegen).
    #[serde(default)]
    pub zone_id: Option<String>,
    /// route53: record name inside the zone, e.g. `app`.
    #[serde(default)]
    pub record: Option<String>,
    /// route53: a DNS shift from an existing endpoint to this stack through
    /// weighted records (`weight` percent to the new stack).
    #[serde(default)]
    pub migration: Option<Migration>,

    /// postgres_operator: the s3 asset holding its WAL and base backups.
    #[serde(default)]
    pub backup_bucket: Option<String>,
    /// cluster_addons: the add-ons to install (default: the load balancer
    /// controller, cert-manager, cluster-autoscaler and metrics-server).
    #[serde(default)]
    pub addons: Option<Vec<String>>,
    /// cluster_addons: ship container logs (`cloudwatch`: Fluent Bit into a
    /// CloudWatch Logs group of the region, retention `retention_days`).
    #[serde(default)]
    pub container_logs: Option<ContainerLogs>,
    /// app: URL path prefix Traefik routes to it (default `/`).
    #[serde(default)]
    pub path: Option<String>,

    /// backup_plan: cron expression of the backups, in UTC (default daily at 05:00).
    #[serde(default)]
    pub schedule: Option<String>,
    /// backup_plan: days the copies in the DR vault are kept (default retention_days).
    #[serde(default)]
    pub copy_retention_days: Option<u32>,
    /// backup_plan: the assets it backs up (default: every rds, aurora, s3 and vm asset).
    #[serde(default)]
    pub backup_assets: Option<Vec<String>>,
    /// backup_plan: tags (key: value) whose resources it backs up as well.
    #[serde(default)]
    pub backup_tags: Option<BTreeMap<String, String>>,
    /// backup_plan: lock the vaults in governance mode (default false).
    #[serde(default)]
    pub vault_lock: Option<bool>,

    /// Extra tags for this asset's resources.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
}

/// route53: the migration of a public name from an existing endpoint to
/// the new stack, in weighted steps.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Migration {
    /// DNS name of the existing (legacy) endpoint, e.g. a load balancer's
    /// `legacy-123.us-east-1.elb.amazonaws.com`.
    pub from: String,
    /// Hosted zone ID of `from` when it is an AWS alias target (a load
    /// balancer's canonical hosted zone): both weighted records are then
    /// alias A records; without it both are CNAMEs (TTL 60).
    #[serde(default)]
    pub from_zone_id: Option<String>,
    /// Share of the answers (percent, 0 to 100) that go to the new stack;
    /// the existing endpoint gets the rest.
    pub weight: u32,
}

/// eks: one further managed node group of a cluster.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct NodeGroup {
    /// Name of the group inside the cluster (`monitoring`, `batch`…).
    pub name: String,
    /// Instance type (default: the cluster's `size`).
    #[serde(default)]
    pub size: Option<String>,
    /// Desired nodes in the primary region (default 1).
    #[serde(default)]
    pub qty: Option<u32>,
    /// Minimum nodes (default qty).
    #[serde(default)]
    pub min: Option<u32>,
    /// Maximum nodes (default 2 × qty).
    #[serde(default)]
    pub max: Option<u32>,
    /// Desired nodes in a pilot-light DR region (default 1).
    #[serde(default)]
    pub dr_qty: Option<u32>,
    /// Kubernetes labels of the group's nodes.
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    /// Kubernetes taints of the group's nodes.
    #[serde(default)]
    pub taints: Vec<Taint>,
    /// Whether the group's instances register with the load balancers in
    /// front of the cluster (default false; the default group always does).
    #[serde(default)]
    pub ingress: bool,
}

/// A Kubernetes taint of a node group.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Taint {
    /// Taint key, e.g. `dedicated`.
    pub key: String,
    /// Taint value, e.g. `monitoring` (none: pods tolerate it with `Exists`).
    #[serde(default)]
    pub value: Option<String>,
    /// What the taint does to pods that do not tolerate it.
    pub effect: TaintEffect,
}

/// The effect of a taint, spelled as in Kubernetes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
pub enum TaintEffect {
    /// New pods without a toleration are not scheduled there.
    NoSchedule,
    /// The scheduler avoids the nodes for pods without a toleration.
    PreferNoSchedule,
    /// Pods without a toleration are evicted.
    NoExecute,
}

impl TaintEffect {
    /// The Kubernetes spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            TaintEffect::NoSchedule => "NoSchedule",
            TaintEffect::PreferNoSchedule => "PreferNoSchedule",
            TaintEffect::NoExecute => "NoExecute",
        }
    }
}

impl Asset {
    /// The kind-specific fields (what a kind's spec may list in `fields`).
    pub const FIELDS: &'static [&'static str] = &[
        "size",
        "target",
        "port",
        "image",
        "container_port",
        "subnet",
        "key_pair",
        "volume_gb",
        "ssh_cidrs",
        "certificate_arn",
        "health_check_path",
        "version",
        "min",
        "max",
        "node_groups",
        "network_acls",
        "chart_version",
        "node_group",
        "cross_region",
        "cloudwatch_data_source",
        "monitor_vms",
        "engine",
        "engine_version",
        "dr_engine_version",
        "storage_gb",
        "multi_az",
        "db_name",
        "dns_name",
        "retention_days",
        "image_tag",
        "dr_image_tag",
        "zone",
        "zone_id",
        "record",
        "migration",
        "backup_bucket",
        "addons",
        "container_logs",
        "path",
        "schedule",
        "copy_retention_days",
        "backup_assets",
        "backup_tags",
        "vault_lock",
    ];

    /// The kind-specific fields this asset sets, in [`Asset::FIELDS`] order.
    pub fn set_fields(&self) -> Vec<&'static str> {
        let set = [
            self.size.is_some(),
            self.target.is_some(),
            self.port.is_some(),
            self.image.is_some(),
            self.container_port.is_some(),
            self.subnet.is_some(),
            self.key_pair.is_some(),
            self.volume_gb.is_some(),
            self.ssh_cidrs.is_some(),
            self.certificate_arn.is_some(),
            self.health_check_path.is_some(),
            self.version.is_some(),
            self.min.is_some(),
            self.max.is_some(),
            self.node_groups.is_some(),
            self.network_acls.is_some(),
            self.chart_version.is_some(),
            self.node_group.is_some(),
            self.cross_region.is_some(),
            self.cloudwatch_data_source.is_some(),
            self.monitor_vms.is_some(),
            self.engine.is_some(),
            self.engine_version.is_some(),
            self.dr_engine_version.is_some(),
            self.storage_gb.is_some(),
            self.multi_az.is_some(),
            self.db_name.is_some(),
            self.dns_name.is_some(),
            self.retention_days.is_some(),
            self.image_tag.is_some(),
            self.dr_image_tag.is_some(),
            self.zone.is_some(),
            self.zone_id.is_some(),
            self.record.is_some(),
            self.migration.is_some(),
            self.backup_bucket.is_some(),
            self.addons.is_some(),
            self.container_logs.is_some(),
            self.path.is_some(),
            self.schedule.is_some(),
            self.copy_retention_days.is_some(),
            self.backup_assets.is_some(),
            self.backup_tags.is_some(),
            self.vault_lock.is_some(),
        ];
        Self::FIELDS
            .iter()
            .zip(set)
            .filter(|(_, set)| *set)
            .map(|(f, _)| *f)
            .collect()
    }

    /// Primary-region quantity (default 1).
    pub fn qty(&self) -> u32 {
        self.qty.unwrap_or(1)
    }

    /// Quantity deployed in the DR region under this asset's strategy.
    pub fn dr_count(&self) -> u32 {
        match self.dr {
            DrStrategy::Active => self.qty(),
            DrStrategy::PilotLight => self.dr_qty.unwrap_or(1),
            DrStrategy::Replica | DrStrategy::Backup => self.qty(),
            DrStrategy::None => 0,
        }
    }

    /// Whether the DR region gets anything for this asset.
    pub fn in_dr(&self) -> bool {
        self.dr != DrStrategy::None
    }

    /// Terraform identifier for this asset (`-` becomes `_`).
    pub fn ident(&self) -> String {
        self.name.replace('-', "_")
    }
}
