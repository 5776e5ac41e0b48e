//! Per-kind planning: how each Table 1.1 row becomes module calls in the
//! primary and the DR root, according to its DR strategy.

use super::network::{layout, Layout};
use super::{region_code, Arg, Expr, ModuleCall, Output, Role, RootPlan, Variable};
use crate::inventory::{Asset, DrStrategy, Engine, Inventory, Kind, SubnetTier};
use std::collections::{BTreeMap, BTreeSet};

/// NodePort a load balancer in front of an EKS cluster targets when the
/// inventory names none (the ingress of the cluster listens there).
pub const DEFAULT_NODE_PORT: u16 = 30080;

/// Default chart version of kube-prometheus-stack when the inventory names none.
pub const DEFAULT_MONITORING_CHART: &str = "77.0.0";

/// Plan one root of `inv` (assets already sorted by name).
pub fn plan_root(inv: &Inventory, role: Role) -> RootPlan {
    let (region, peer_region) = match role {
        Role::Primary => (&inv.regions.primary, &inv.regions.dr),
        Role::Dr => (&inv.regions.dr, &inv.regions.primary),
    };
    let prefix = inv
        .state
        .bucket_prefix
        .clone()
        .unwrap_or_else(|| format!("{}-tfstate", inv.name));
    let mut tags = vec![
        ("Project".to_string(), inv.name.clone()),
        ("Owner".to_string(), inv.owner.clone()),
        ("ManagedBy".to_string(), "acmegen".to_string()),
        ("DrRole".to_string(), role.as_str().to_string()),
    ];
    for (k, v) in &inv.tags {
        tags.retain(|(key, _)| key != k);
        tags.push((k.clone(), v.clone()));
    }
    let root = RootPlan {
        role,
        region: region.clone(),
        peer_region: peer_region.clone(),
        inventory: inv.name.clone(),
        description: inv.description.clone(),
        state_bucket_prefix: prefix,
        state_key: format!("{}/{}/terraform.tfstate", inv.name, role.as_str()),
        tags: tags
            .into_iter()
            .map(|(k, v)| (super::expr::key(&k), super::expr::quote(&v)))
            .collect(),
        caller_identity: false,
        dr_provider: false,
        facts_read: Vec::new(),
        facts_published: Vec::new(),
        helm_clusters: Vec::new(),
        random: false,
        variables: Vec::new(),
        modules: Vec::new(),
        outputs: Vec::new(),
    };
    let mut targeting: BTreeMap<&str, Vec<&Asset>> = BTreeMap::new();
    for a in inv.assets.iter().filter(|a| present(a, role)) {
        if let Some(t) = &a.target {
            targeting.entry(t.as_str()).or_default().push(a);
        }
    }
    let mut p = RootPlanner {
        inv,
        by_name: inv.assets.iter().map(|a| (a.name.as_str(), a)).collect(),
        targeting,
        var_names: BTreeSet::new(),
        has_peering: inv
            .assets
            .iter()
            .any(|a| a.kind == Kind::VpcPeering && present(a, role)),
        published: Vec::new(),
        reads_facts: false,
        role,
        code: region_code(region),
        layout: layout(inv, role == Role::Dr),
        peer_layout: layout(inv, role == Role::Primary),
        kms_label: String::new(),
        vpc_label: String::new(),
        root,
    };
    p.run();
    p.root.variables.sort_by(|a, b| a.name.cmp(&b.name));
    p.root.outputs.sort_by(|a, b| a.name.cmp(&b.name));
    p.root
}

struct RootPlanner<'a> {
    inv: &'a Inventory,
    /// Every asset by name.
    by_name: BTreeMap<&'a str, &'a Asset>,
    /// Assets present in this root, by the name of the asset they target.
    targeting: BTreeMap<&'a str, Vec<&'a Asset>>,
    /// Names of the root variables declared so far.
    var_names: BTreeSet<String>,
    /// Whether this root peers its VPC with the other region.
    has_peering: bool,
    /// Facts this root publishes to the fact store for the other root.
    published: Vec<Published>,
    /// Whether anything in this root depends on facts of the other root.
    reads_facts: bool,
    role: Role,
    code: String,
    layout: Layout,
    peer_layout: Layout,
    kms_label: String,
    vpc_label: String,
    root: RootPlan,
}

/// A fact one root publishes for the other (see the `facts` module): its
/// name under the publisher, its value, and the condition under which it
/// exists (None: always).
struct Published {
    name: String,
    value: Expr,
    condition: Option<String>,
}

/// One CloudWatch alarm acmegen sets on every asset it applies to.
struct AlarmSpec {
    kind: Kind,
    /// Root it belongs to.
    role: Role,
    /// Only for assets with this DR strategy (DR-side alarms on replicas).
    strategy: Option<DrStrategy>,
    suffix: &'static str,
    /// `{name}` is replaced by the asset name.
    description: &'static str,
    namespace: &'static str,
    metric: &'static str,
    dimension: &'static str,
    statistic: &'static str,
    operator: &'static str,
    threshold: i64,
}

impl AlarmSpec {
    fn applies(&self, a: &Asset, role: Role) -> bool {
        a.kind == self.kind && (self.kind == Kind::Alb || role == self.role) && self.strategy.is_none_or(|s| s == a.dr)
    }
}

/// Alarms per kind: load balancer errors, database load and storage, and
/// replication lag on the DR side.
const ALARMS: &[AlarmSpec] = &[
    AlarmSpec {
        kind: Kind::Alb,
        role: Role::Primary,
        strategy: None,
        suffix: "5xx",
        description: "Load balancer {name} returns 5xx errors",
        namespace: "AWS/ApplicationELB",
        metric: "HTTPCode_ELB_5XX_Count",
        dimension: "LoadBalancer",
        statistic: "Sum",
        operator: "GreaterThanThreshold",
        threshold: 10,
    },
    AlarmSpec {
        kind: Kind::Rds,
        role: Role::Primary,
        strategy: None,
        suffix: "cpu",
        description: "Database {name} CPU above 80%",
        namespace: "AWS/RDS",
        metric: "CPUUtilization",
        dimension: "DBInstanceIdentifier",
        statistic: "Average",
        operator: "GreaterThanThreshold",
        threshold: 80,
    },
    AlarmSpec {
        kind: Kind::Rds,
        role: Role::Primary,
        strategy: None,
        suffix: "free-storage",
        description: "Database {name} has less than 2 GiB free",
        namespace: "AWS/RDS",
        metric: "FreeStorageSpace",
        dimension: "DBInstanceIdentifier",
        statistic: "Minimum",
        operator: "LessThanThreshold",
        threshold: 2_147_483_648,
    },
    AlarmSpec {
        kind: Kind::Rds,
        role: Role::Dr,
        strategy: Some(DrStrategy::Replica),
        suffix: "replica-lag",
        description: "Replica {name} lags the primary by more than 5 minutes",
        namespace: "AWS/RDS",
        metric: "ReplicaLag",
        dimension: "DBInstanceIdentifier",
        statistic: "Maximum",
        operator: "GreaterThanThreshold",
        threshold: crate::objectives::REPLICA_LAG_ALARM_SECONDS as i64,
    },
    AlarmSpec {
        kind: Kind::Aurora,
        role: Role::Primary,
        strategy: None,
        suffix: "cpu",
        description: "Cluster {name} CPU above 80%",
        namespace: "AWS/RDS",
        metric: "CPUUtilization",
        dimension: "DBClusterIdentifier",
        statistic: "Average",
        operator: "GreaterThanThreshold",
        threshold: 80,
    },
    AlarmSpec {
        kind: Kind::Aurora,
        role: Role::Dr,
        strategy: None,
        suffix: "global-lag",
        description: "Global database {name} replicates more than 60 s behind",
        namespace: "AWS/RDS",
        metric: "AuroraGlobalDBReplicationLag",
        dimension: "DBClusterIdentifier",
        statistic: "Maximum",
        operator: "GreaterThanThreshold",
        threshold: crate::objectives::GLOBAL_LAG_ALARM_MS as i64,
    },
];

/// The KMS key that encrypts a region's assets: module label and alias of
/// the first kms asset present there, else of an implicit one.
fn default_kms(inv: &Inventory, role: Role) -> (String, String) {
    match inv.assets.iter().find(|a| a.kind == Kind::Kms && present(a, role)) {
        Some(k) => (k.ident(), format!("alias/{}-{}", inv.name, k.name)),
        None => ("kms".into(), format!("alias/{}-default", inv.name)),
    }
}

/// Terraform label of a hosted zone: `shop.example.org` → `shop_example_org`.
pub fn zone_label(zone: &str) -> String {
    zone.trim_end_matches('.').replace(['.', '-'], "_")
}

/// SSM path of an inventory's fact store (in its DR region).
pub fn fact_store_path(inventory: &str) -> String {
    format!("/acmegen/{inventory}")
}

/// Whether `a` is deployed in the root of `role` (backups count: they land in DR).
fn present(a: &Asset, role: Role) -> bool {
    role == Role::Primary || a.in_dr()
}

impl<'a> RootPlanner<'a> {
    fn primary(&self) -> bool {
        self.role == Role::Primary
    }

    /// `var.admin_cidrs`: the ranges allowed to the public endpoint of the
    /// clusters of this root. Required (no default) where Terraform installs
    /// charts on a cluster of this root and the inventory gives no ranges.
    /// (Documentation range 203.0.113.0/24 is only the example value.)
    fn admin_cidrs(&mut self) -> String {
        let charts = self.assets().any(|m| m.kind == Kind::K8sMonitoring);
        let description = "Ranges of the administrators and CI runners applying this root: the only sources of the EKS public API endpoint (empty keeps it private; charts are then applied from inside the VPC).";
        let name = "admin_cidrs".to_string();
        let var = match (&self.inv.admin_cidrs, charts) {
            (Some(given), _) => self.var(name, description, "list(string)", Some(Expr::strs(given.clone()))),
            (None, true) => self.required_var(name, description, "list(string)", Expr::strs(["203.0.113.0/24"])),
            (None, false) => self.var(name, description, "list(string)", Some(Expr::List(vec![]))),
        };
        if let Some(v) = self.root.variables.iter_mut().find(|v| v.name == "admin_cidrs") {
            let condition = if charts {
                "length(var.admin_cidrs) > 0 && alltrue([for c in var.admin_cidrs : can(cidrhost(c, 0)) && !endswith(c, \"/0\")])"
            } else {
                "alltrue([for c in var.admin_cidrs : can(cidrhost(c, 0)) && !endswith(c, \"/0\")])"
            };
            let message = if charts {
                "Give at least one range (a.b.c.d/nn, never /0): Terraform installs charts through the cluster's public endpoint from there."
            } else {
                "Give ranges as a.b.c.d/nn; /0 would open the cluster API to the internet."
            };
            v.validation = Some((condition.into(), message.into()));
        }
        var
    }

    /// Whether EC2 Auto Scaling launches instances with this root's key (EKS
    /// managed node groups, or any Auto Scaling group of the account once the
    /// key is the region's default EBS key): the key policy must name its
    /// service-linked role.
    fn uses_autoscaling(&self) -> bool {
        self.inv.ebs_default_encryption || self.assets().any(|a| a.kind == Kind::Eks)
    }

    /// The publisher segment of the other root's facts.
    fn peer_publisher(&self) -> &'static str {
        match self.role {
            Role::Primary => "dr",
            Role::Dr => "primary",
        }
    }

    /// Whether the other root has published `fact` (known at plan time, so
    /// counts may depend on it). The store lives in the DR region: the DR
    /// root sees every fact the primary published even with the primary gone.
    fn fact_present(&mut self, fact: &str) -> String {
        let publisher = self.peer_publisher();
        self.note_read(publisher, fact);
        format!("contains(module.facts.names, \"{publisher}/{fact}\")")
    }

    /// The value of the other root's `fact` (only where it is present).
    fn fact(&mut self, fact: &str) -> Expr {
        let publisher = self.peer_publisher();
        self.fact_of(publisher, fact)
    }

    /// The value of `publisher`'s `fact` (the bootstrap root's facts are
    /// always there: it is applied before the others).
    fn fact_of(&mut self, publisher: &str, fact: &str) -> Expr {
        self.note_read(publisher, fact);
        Expr::r(format!("module.facts.values[\"{publisher}/{fact}\"]"))
    }

    fn note_read(&mut self, publisher: &str, fact: &str) {
        self.reads_facts = true;
        let read = format!("{publisher}/{fact}");
        if !self.root.facts_read.contains(&read) {
            self.root.facts_read.push(read);
        }
    }

    /// The value of the other root's `fact`, or null while it is absent.
    fn fact_or_null(&mut self, fact: &str) -> Expr {
        let _ = self.fact_present(fact);
        Expr::r(format!(
            "lookup(module.facts.values, \"{}/{fact}\", null)",
            self.peer_publisher()
        ))
    }

    /// Publish an unconditional fact unless it is already published.
    fn publish_once(&mut self, fact: &str, value: Expr) {
        if !self.published.iter().any(|f| f.name == fact) {
            self.publish(fact, value, None);
        }
    }

    /// Publish `value` as `fact` of this root (when `condition` holds).
    fn publish(&mut self, fact: &str, value: Expr, condition: Option<String>) {
        self.published.push(Published {
            name: fact.to_string(),
            value,
            condition,
        });
    }

    /// The `facts` module call: this root's published facts, and the store
    /// the other root's facts are read from (the primary reaches the DR
    /// region through its `aws.dr` provider).
    fn plan_facts(&mut self) {
        if self.published.is_empty() && !self.reads_facts {
            return;
        }
        self.published.sort_by(|a, b| a.name.cmp(&b.name));
        let always: Vec<(String, Expr)> = self
            .published
            .iter()
            .filter(|f| f.condition.is_none())
            .map(|f| (f.name.clone(), f.value.clone()))
            .collect();
        let mut parts = vec![Expr::Map(always).render()];
        for f in self.published.iter().filter(|f| f.condition.is_some()) {
            let entry = Expr::Map(vec![(f.name.clone(), f.value.clone())]).render();
            parts.push(format!("{} ? {entry} : {{}}", f.condition.as_deref().unwrap_or("true")));
        }
        let publish = if parts.len() == 1 {
            parts.remove(0)
        } else {
            format!("merge(\n{},\n)", parts.join(",\n"))
        };
        let mut m = self.call("facts", "facts", None);
        m.comment = format!(
            "Fact store in the DR region ({}): what the other root needs from this one, and what it published",
            self.inv.regions.dr
        );
        if self.primary() {
            self.root.dr_provider = true;
            m.providers = Some("{\naws = aws.dr\n}".into());
        }
        m.arg("store_path", Expr::s(fact_store_path(&self.inv.name)))
            .arg("publisher", Expr::s(self.role.as_str()))
            .arg("publish", Expr::r(publish));
        m.args.push(Arg {
            name: "tags".into(),
            value: self.tags(None).render(),
        });
        // First in main.tf: what this root exchanges with the other one.
        self.root.modules.insert(0, m);
        self.root.facts_read.sort();
        self.root.facts_published = self.published.iter().map(|f| f.name.clone()).collect();
    }

    fn assets(&self) -> impl Iterator<Item = &'a Asset> + '_ {
        let role = self.role;
        self.inv.assets.iter().filter(move |a| present(a, role))
    }

    fn asset(&self, name: &str) -> Option<&'a Asset> {
        self.by_name.get(name).copied()
    }

    /// Assets of `kind` in this root whose target is `name`.
    fn targeting(&self, name: &str, kind: Kind) -> impl Iterator<Item = &'a Asset> + '_ {
        self.targeting
            .get(name)
            .into_iter()
            .flatten()
            .copied()
            .filter(move |a| a.kind == kind)
    }

    fn name(&self, a: &Asset) -> String {
        format!("{}-{}-{}", self.inv.name, a.name, self.code)
    }

    fn var(&mut self, name: String, description: &str, ty: &str, default: Option<Expr>) -> String {
        self.declare(name, description, ty, default, None)
    }

    /// A variable only the user can give (no default): `example` goes to the
    /// root's terraform.tfvars.example and test file.
    fn required_var(&mut self, name: String, description: &str, ty: &str, example: Expr) -> String {
        self.declare(name, description, ty, None, Some(example))
    }

    fn declare(
        &mut self,
        name: String,
        description: &str,
        ty: &str,
        default: Option<Expr>,
        example: Option<Expr>,
    ) -> String {
        if self.var_names.insert(name.clone()) {
            self.root.variables.push(Variable {
                name: name.clone(),
                description: description.to_string(),
                ty: ty.to_string(),
                default: default.map(|d| d.render()),
                example: example.map(|e| e.render()),
                validation: None,
            });
        }
        format!("var.{name}")
    }

    fn output(&mut self, name: String, description: String, value: String) {
        let sensitive = false;
        self.root.outputs.push(Output {
            name,
            description,
            value,
            sensitive,
        });
    }

    fn tags(&self, a: Option<&Asset>) -> Expr {
        let Some(a) = a else { return Expr::r("local.tags") };
        let mut parts = vec![format!("Asset = {}", super::expr::quote(&a.name))];
        parts.extend(
            a.tags
                .iter()
                .map(|(k, v)| format!("{} = {}", super::expr::key(k), super::expr::quote(v))),
        );
        Expr::r(format!("merge(local.tags, {{ {} }})", parts.join(", ")))
    }

    fn comment(&self, a: &Asset) -> String {
        let purpose = a.purpose.as_deref().unwrap_or("(no purpose given)");
        let dr = match (self.role, a.dr) {
            (Role::Primary, DrStrategy::None) => "primary only".to_string(),
            (Role::Primary, d) => format!("DR: {d}"),
            (Role::Dr, DrStrategy::PilotLight) => {
                format!("DR: pilot-light ({} of {} in DR until failover)", a.dr_count(), a.qty())
            }
            (Role::Dr, d) => format!("DR: {d}"),
        };
        format!("{} ({}): {} — {}", a.name, a.kind, purpose.replace('\n', " "), dr)
    }

    fn call(&mut self, label: &str, source: &str, a: Option<&Asset>) -> ModuleCall {
        let comment = a.map(|a| self.comment(a)).unwrap_or_default();
        ModuleCall::new(label, source, a, comment)
    }

    fn push(&mut self, mut m: ModuleCall, tags: Option<Expr>) -> ModuleCall {
        if let Some(t) = tags {
            m.args.push(Arg {
                name: "tags".into(),
                value: t.render(),
            });
        }
        self.root.modules.push(m.clone());
        m
    }

    fn kms_ref(&self) -> Expr {
        Expr::r(format!("module.{}.key_arn", self.kms_label))
    }

    fn vpc_out(&self, out: &str) -> Expr {
        Expr::r(format!("module.{}.{out}", self.vpc_label))
    }

    fn run(&mut self) {
        let assets: Vec<&Asset> = self.assets().collect();
        let needs_vpc = assets.iter().any(|a| a.kind.needs_vpc()) || assets.iter().any(|a| a.kind == Kind::Vpc);
        let needs_kms = needs_vpc || assets.iter().any(|a| a.kind.needs_kms() || a.kind == Kind::Kms);

        if needs_kms {
            self.plan_kms(&assets);
        }
        if needs_vpc {
            self.plan_vpc(&assets);
        }
        for a in &assets {
            match a.kind {
                Kind::Vpc | Kind::Kms => {}
                Kind::VpcPeering => self.plan_peering(a),
                Kind::KeyPair => self.plan_key_pair(a),
                Kind::Vm | Kind::Bastion => self.plan_vm(a),
                Kind::Eip => self.plan_eip(a),
                Kind::Alb => self.plan_alb(a),
                Kind::Eks => self.plan_eks(a),
                Kind::K8sMonitoring => self.plan_monitoring(a),
                Kind::Rds => self.plan_rds(a),
                Kind::Aurora => self.plan_aurora(a),
                Kind::S3 => self.plan_s3(a),
                Kind::Ecr => self.plan_ecr(a),
                Kind::Route53 => self.plan_route53(a),
                Kind::GlobalAccelerator => self.plan_global_accelerator(a),
                Kind::Cloudwatch => self.plan_cloudwatch(a),
                Kind::Cloudtrail => self.plan_cloudtrail(a),
            }
        }
        if self.primary() {
            self.plan_ecr_replication();
        }
        self.plan_facts();
        self.var(
            "tags".into(),
            "Extra tags merged into every resource's default tags.",
            "map(string)",
            Some(Expr::Map(vec![])),
        );
    }

    // ---------------------------------------------------------------- kms, vpc

    fn plan_kms(&mut self, assets: &[&Asset]) {
        let (label, _) = default_kms(self.inv, self.role);
        self.kms_label = label.clone();
        let keys: Vec<&Asset> = assets.iter().copied().filter(|a| a.kind == Kind::Kms).collect();
        if keys.is_empty() {
            let mut m = self.call("kms", "kms", None);
            m.comment = "Default customer-managed key of this region (the inventory lists no kms asset)".into();
            m.arg("name", Expr::s(format!("{}-default-{}", self.inv.name, self.code)))
                .arg("alias", Expr::s(format!("alias/{}-default", self.inv.name)))
                .arg(
                    "description",
                    Expr::s(format!(
                        "Default encryption key of {} in {}",
                        self.inv.name, self.root.region
                    )),
                )
                .arg("ebs_encryption_by_default", Expr::Bool(self.inv.ebs_default_encryption))
                .arg("autoscaling_service_linked_role", Expr::Bool(self.uses_autoscaling()));
            self.push(m, Some(self.tags(None)));
        }
        for k in keys {
            let mut m = self.call(&k.ident(), "kms", Some(k));
            m.arg("name", Expr::s(self.name(k)))
                .arg("alias", Expr::s(format!("alias/{}-{}", self.inv.name, k.name)))
                .arg(
                    "description",
                    Expr::s(k.purpose.clone().unwrap_or_else(|| format!("{} key", k.name))),
                )
                .arg(
                    "ebs_encryption_by_default",
                    Expr::Bool(self.inv.ebs_default_encryption && k.ident() == label),
                )
                .arg(
                    "autoscaling_service_linked_role",
                    Expr::Bool(k.ident() == label && self.uses_autoscaling()),
                );
            self.push(m, Some(self.tags(Some(k))));
            self.output(
                format!("{}_key_arn", k.ident()),
                format!("ARN of KMS key {}.", k.name),
                format!("module.{}.key_arn", k.ident()),
            );
        }
    }

    fn plan_vpc(&mut self, assets: &[&Asset]) {
        let explicit = assets
            .iter()
            .copied()
            .find(|a| a.kind == Kind::Vpc)
            .or_else(|| self.inv.assets.iter().find(|a| a.kind == Kind::Vpc));
        let label = explicit.map_or("vpc".to_string(), |a| a.ident());
        self.vpc_label = label.clone();
        let mut m = self.call(&label, "vpc", explicit);
        if explicit.is_none() {
            m.comment = "Default network: the inventory lists no vpc asset".into();
        }
        let l = self.layout.clone();
        m.arg("name", Expr::s(format!("{}-{}", self.inv.name, self.code)))
            .arg("cidr", Expr::s(l.cidr.to_string()))
            .arg("public_subnets", Expr::strs(l.public.iter().map(|c| c.to_string())))
            .arg("private_subnets", Expr::strs(l.private.iter().map(|c| c.to_string())))
            .arg("nat_gateway_per_az", Expr::Bool(l.nat_per_az))
            .arg("kms_key_arn", self.kms_ref());
        let excluded = crate::catalog::eks_unsupported_az_ids(&self.root.region);
        if self.assets().any(|a| a.kind == Kind::Eks) && !excluded.is_empty() {
            m.arg("excluded_az_ids", Expr::strs(excluded));
        }
        self.push(m, Some(self.tags(explicit)));
        for (out, what) in [
            ("vpc_id", "ID of the VPC."),
            ("private_subnet_ids", "Private subnets, one per AZ."),
            ("public_subnet_ids", "Public subnets, one per AZ."),
        ] {
            self.output(out.into(), what.into(), format!("module.{label}.{out}"));
        }
    }

    fn plan_peering(&mut self, a: &Asset) {
        let route_tables = 1 + self.layout.private.len() as i64;
        let label = a.ident();
        let mut m;
        if self.primary() {
            // Requested once the DR root has published its VPC; the fact stays
            // in the store, so a later apply never drops the peering.
            let ready = self.fact_present("vpc_id");
            m = self.call(&label, "vpc_peering_requester", Some(a));
            m.count = Some(format!("{ready} ? 1 : 0"));
            m.arg("name", Expr::s(self.name(a)))
                .arg("vpc_id", self.vpc_out("vpc_id"))
                .arg("peer_vpc_id", self.fact("vpc_id"))
                .arg("peer_region", Expr::s(self.root.peer_region.clone()))
                .arg("peer_cidr", Expr::s(self.peer_layout.cidr.to_string()));
            let id = m.out_or_null("peering_connection_id");
            self.publish("vpc_peering_connection_id", Expr::r(&id), Some(ready));
            self.output(
                "vpc_peering_connection_id".into(),
                "Peering connection to the DR VPC (published to the fact store for the DR root).".into(),
                id,
            );
        } else {
            let ready = self.fact_present("vpc_peering_connection_id");
            m = self.call(&label, "vpc_peering_accepter", Some(a));
            m.count = Some(format!("{ready} ? 1 : 0"));
            m.arg("name", Expr::s(self.name(a)))
                .arg("peering_connection_id", self.fact("vpc_peering_connection_id"))
                .arg("peer_cidr", Expr::s(self.peer_layout.cidr.to_string()));
            let id = m.out_or_null("peering_connection_id");
            self.output(
                "vpc_peering_connection_id".into(),
                "Peering connection accepted from the primary VPC.".into(),
                id,
            );
            let vpc = self.vpc_out("vpc_id");
            self.publish("vpc_id", vpc, None);
        }
        m.arg("route_table_ids", self.vpc_out("route_table_ids"))
            .arg("route_table_count", Expr::Num(route_tables));
        self.push(m, Some(self.tags(Some(a))));
    }

    // ---------------------------------------------------------------- compute

    /// Count in this root: primary quantity, or what the DR strategy gives.
    fn count_here(&self, a: &Asset) -> u32 {
        if self.primary() {
            a.qty()
        } else {
            a.dr_count()
        }
    }

    fn plan_key_pair(&mut self, a: &Asset) {
        let id = a.ident();
        let key = self.required_var(
            format!("{id}_public_key"),
            &format!(
                "OpenSSH public key of key pair {} (public material only; keep the private key outside Terraform).",
                a.name
            ),
            "string",
            Expr::s("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleExampleExampleExampleExampleExample admin@example"),
        );
        let mut m = self.call(&id, "key_pair", Some(a));
        m.arg("key_name", Expr::s(format!("{}-{}", self.inv.name, a.name)))
            .arg("public_key", Expr::r(key));
        self.push(m, Some(self.tags(Some(a))));
    }

    fn arm(size: &str) -> bool {
        size.split('.').next().is_some_and(|f| f.ends_with('g'))
    }

    fn plan_vm(&mut self, a: &Asset) {
        let id = a.ident();
        let size = a.size.clone().unwrap_or_else(|| "t3.micro".into());
        let what = if a.kind == Kind::Bastion {
            "bastion hosts"
        } else {
            "instances"
        };
        let count = self.var(
            format!("{id}_instance_count"),
            &format!("Number of {what} of {} in this region.", a.name),
            "number",
            Some(Expr::Num(self.count_here(a) as i64)),
        );
        let itype = self.var(
            format!("{id}_instance_type"),
            &format!("EC2 instance type of {}.", a.name),
            "string",
            Some(Expr::s(&size)),
        );
        let has_eip = self.targeting(&a.name, Kind::Eip).next().is_some();
        let ssh: Vec<String> = a.ssh_cidrs.clone().unwrap_or_default();
        let public = has_eip || a.subnet == Some(SubnetTier::Public) || (a.kind == Kind::Bastion && !ssh.is_empty());
        let albs: Vec<String> = self
            .targeting(&a.name, Kind::Alb)
            .map(|l| format!("module.{}.security_group_id", l.ident()))
            .collect();
        let mut m = self.call(&id, "vm", Some(a));
        m.arg("name", Expr::s(self.name(a)))
            .arg("instance_count", Expr::r(count))
            .arg("instance_type", Expr::r(itype))
            .arg(
                "architecture",
                Expr::s(if Self::arm(&size) { "arm64" } else { "x86_64" }),
            )
            .arg("vpc_id", self.vpc_out("vpc_id"))
            .arg("vpc_cidr", self.vpc_out("vpc_cidr_block"))
            .arg(
                "subnet_ids",
                self.vpc_out(if public {
                    "public_subnet_ids"
                } else {
                    "private_subnet_ids"
                }),
            );
        if a.kind == Kind::Vm {
            m.arg("app_port", Expr::Num(a.port.unwrap_or(80) as i64));
            if let Some(image) = &a.image {
                let (image, from_ecr) = self.image_ref(image);
                m.arg("app_image", image)
                    .arg("app_image_from_ecr", Expr::Bool(from_ecr));
                if let Some(p) = a.container_port {
                    m.arg("container_port", Expr::Num(p as i64));
                }
            }
            m.arg(
                "ingress_security_group_ids",
                Expr::List(albs.into_iter().map(Expr::r).collect()),
            );
        }
        if !ssh.is_empty() {
            m.arg("ssh_cidrs", Expr::strs(ssh));
        }
        if let Some(kp) = a.key_pair.as_deref().and_then(|k| self.asset(k)) {
            m.arg("key_name", Expr::r(format!("module.{}.key_name", kp.ident())));
        }
        if let Some(gb) = a.volume_gb {
            m.arg("volume_size", Expr::Num(gb as i64));
        }
        m.arg("kms_key_arn", self.kms_ref());
        self.push(m, Some(self.tags(Some(a))));
        self.output(
            format!("{id}_instance_ids"),
            format!("Instances of {}.", a.name),
            format!("module.{id}.instance_ids"),
        );
        self.output(
            format!("{id}_private_ips"),
            format!("Private IPs of {}.", a.name),
            format!("module.{id}.private_ips"),
        );
    }

    /// The image reference of `image` in this region, and whether it is in
    /// ECR: `<ecr asset>:<tag>` names a repository of the inventory, pulled
    /// from this region's registry (in DR: the replica).
    fn image_ref(&self, image: &str) -> (Expr, bool) {
        if let Some((repo, tag)) = image.split_once(':') {
            if let Some(ecr) = self.asset(repo).filter(|r| r.kind == Kind::Ecr) {
                let quoted = super::expr::quote(&format!(":{tag}"));
                return (
                    Expr::r(format!("\"${{module.{}.repository_url}}{}", ecr.ident(), &quoted[1..])),
                    true,
                );
            }
        }
        (Expr::s(image), image.contains(".dkr.ecr."))
    }

    fn plan_eip(&mut self, a: &Asset) {
        let id = a.ident();
        let target = self
            .asset(a.target.as_deref().unwrap_or_default())
            .expect("validated target");
        let n = self.count_here(a).min(self.count_here(target));
        let count = self.var(
            format!("{id}_count"),
            &format!(
                "Number of Elastic IPs of {} (one per instance of {}).",
                a.name, target.name
            ),
            "number",
            Some(Expr::Num(n as i64)),
        );
        let mut m = self.call(&id, "eip", Some(a));
        m.arg("name", Expr::s(self.name(a)))
            .arg("eip_count", Expr::r(count))
            .arg(
                "instance_ids",
                Expr::r(format!("module.{}.instance_ids", target.ident())),
            );
        self.push(m, Some(self.tags(Some(a))));
        self.output(
            format!("{id}_public_ips"),
            format!("Elastic IPs of {}.", a.name),
            format!("module.{id}.public_ips"),
        );
    }

    fn alb_name(&self, a: &Asset) -> String {
        let suffix = format!("-{}", self.code);
        let mut base = format!("{}-{}", self.inv.name, a.name).replace('_', "-");
        base.truncate(29 - suffix.len());
        format!("{}{suffix}", base.trim_end_matches('-'))
    }

    fn certificate(&self, a: &Asset) -> Option<String> {
        a.certificate_arn
            .as_ref()
            .and_then(|c| c.get(self.role.as_str()).cloned())
    }

    fn plan_alb(&mut self, a: &Asset) {
        let id = a.ident();
        let target = self
            .asset(a.target.as_deref().unwrap_or_default())
            .expect("validated target");
        let cert = match (self.certificate(a), self.dns_name(a)) {
            (Some(arn), _) => Expr::r(self.var(
                format!("{id}_certificate_arn"),
                &format!("ACM certificate of {} in this region (given by the inventory).", a.name),
                "string",
                Some(Expr::s(arn)),
            )),
            (None, Some((fqdn, zone))) => {
                // HTTPS for the name users reach: a DNS-validated certificate per region.
                let zone_id = self.zone_id(&zone);
                let label = format!("{id}_certificate");
                let mut c = self.call(&label, "acm_certificate", Some(a));
                c.comment = format!("{} (alb): TLS certificate of {fqdn} in this region", a.name);
                c.arg("domain_name", Expr::s(&fqdn)).arg("zone_id", zone_id);
                self.push(c, Some(self.tags(Some(a))));
                Expr::r(format!("module.{label}.certificate_arn"))
            }
            (None, None) => Expr::Null,
        };
        let mut m = self.call(&id, "alb", Some(a));
        m.arg("name", Expr::s(self.alb_name(a)))
            .arg("vpc_id", self.vpc_out("vpc_id"))
            .arg("vpc_cidr", self.vpc_out("vpc_cidr_block"))
            .arg("subnet_ids", self.vpc_out("public_subnet_ids"));
        if target.kind == Kind::Eks {
            // Instance targets on a NodePort: the cluster's node group
            // registers its Auto Scaling group with this target group.
            m.arg("target_type", Expr::s("instance"))
                .arg("target_port", Expr::Num(a.port.unwrap_or(DEFAULT_NODE_PORT) as i64));
        } else {
            m.arg("target_type", Expr::s("instance"))
                .arg("target_port", Expr::Num(target.port.unwrap_or(80) as i64))
                .arg(
                    "target_instance_ids",
                    Expr::r(format!("module.{}.instance_ids", target.ident())),
                );
        }
        m.arg(
            "health_check_path",
            Expr::s(a.health_check_path.clone().unwrap_or_else(|| "/".into())),
        )
        .arg("https", Expr::Bool(cert != Expr::Null))
        .arg("certificate_arn", cert)
        .arg("kms_key_arn", self.kms_ref());
        self.push(m, Some(self.tags(Some(a))));
        self.output(
            format!("{id}_dns_name"),
            format!("DNS name of load balancer {}.", a.name),
            format!("module.{id}.dns_name"),
        );
        self.output(
            format!("{id}_arn"),
            format!("ARN of load balancer {}.", a.name),
            format!("module.{id}.arn"),
        );
    }

    fn plan_eks(&mut self, a: &Asset) {
        let id = a.ident();
        let size = a.size.clone().unwrap_or_default();
        let (min, max) = (a.min.unwrap_or(a.qty()), a.max.unwrap_or(a.qty() * 2));
        let (min_here, desired_here) = if self.primary() {
            (min, a.qty())
        } else {
            (a.dr_count().min(min), a.dr_count())
        };
        let itype = self.var(
            format!("{id}_instance_type"),
            &format!("Node instance type of cluster {}.", a.name),
            "string",
            Some(Expr::s(&size)),
        );
        let vmin = self.var(
            format!("{id}_node_min_size"),
            &format!("Minimum nodes of cluster {}.", a.name),
            "number",
            Some(Expr::Num(min_here as i64)),
        );
        let vdes = self.var(
            format!("{id}_node_desired_size"),
            &format!("Desired nodes of cluster {} in this region.", a.name),
            "number",
            Some(Expr::Num(desired_here as i64)),
        );
        let vmax = self.var(
            format!("{id}_node_max_size"),
            &format!("Maximum nodes of cluster {}.", a.name),
            "number",
            Some(Expr::Num(max.max(desired_here) as i64)),
        );
        let cidrs = self.admin_cidrs();
        let mut m = self.call(&id, "eks", Some(a));
        m.arg("name", Expr::s(self.name(a)))
            .arg("kubernetes_version", Expr::s(a.version.clone().unwrap_or_default()))
            .arg("subnet_ids", self.vpc_out("private_subnet_ids"))
            .arg("public_access_cidrs", Expr::r(cidrs))
            .arg("kms_key_arn", self.kms_ref())
            .arg("node_instance_types", Expr::List(vec![Expr::r(itype)]))
            .arg(
                "node_ami_type",
                Expr::s(if Self::arm(&size) {
                    "AL2023_ARM_64_STANDARD"
                } else {
                    "AL2023_x86_64_STANDARD"
                }),
            )
            .arg("node_min_size", Expr::r(vmin))
            .arg("node_desired_size", Expr::r(vdes))
            .arg("node_max_size", Expr::r(vmax));
        if let Some(gb) = a.volume_gb {
            m.arg("node_volume_size", Expr::Num(gb as i64));
        }
        let albs: Vec<&Asset> = self.targeting(&a.name, Kind::Alb).collect();
        if !albs.is_empty() {
            m.arg(
                "target_group_arns",
                Expr::List(
                    albs.iter()
                        .map(|l| Expr::r(format!("module.{}.target_group_arn", l.ident())))
                        .collect(),
                ),
            )
            .arg(
                "node_port_sources",
                Expr::List(
                    albs.iter()
                        .map(|l| {
                            Expr::Map(vec![
                                (
                                    "security_group_id".into(),
                                    Expr::r(format!("module.{}.security_group_id", l.ident())),
                                ),
                                ("port".into(), Expr::Num(l.port.unwrap_or(DEFAULT_NODE_PORT) as i64)),
                            ])
                        })
                        .collect(),
                ),
            );
        }
        self.push(m, Some(self.tags(Some(a))));
        for (out, what) in [
            ("cluster_name", "Name"),
            ("cluster_endpoint", "API endpoint"),
            ("oidc_provider_arn", "IRSA OIDC provider"),
        ] {
            self.output(
                format!("{id}_{out}"),
                format!("{what} of cluster {}.", a.name),
                format!("module.{id}.{out}"),
            );
        }
    }

    fn plan_monitoring(&mut self, a: &Asset) {
        let id = a.ident();
        let cluster = self
            .asset(a.target.as_deref().unwrap_or_default())
            .expect("validated target")
            .ident();
        if !self.root.helm_clusters.contains(&cluster) {
            self.root.helm_clusters.push(cluster.clone());
        }
        self.root.random = true;
        let mut m = self.call(&id, "k8s_monitoring", Some(a));
        m.providers = Some(format!("{{\nhelm = helm.{cluster}\n}}"));
        m.depends_on.push(cluster);
        m.arg("name", Expr::s(a.name.replace('_', "-"))).arg(
            "chart_version",
            Expr::s(
                a.chart_version
                    .clone()
                    .unwrap_or_else(|| DEFAULT_MONITORING_CHART.into()),
            ),
        );
        self.push(m, None);
    }

    // ---------------------------------------------------------------- data

    /// Parameter group family and the logs exported to CloudWatch.
    fn db_family(a: &Asset) -> (String, Vec<&'static str>) {
        let engine = a.engine.unwrap_or(Engine::Postgres);
        let version = a.engine_version.clone().unwrap_or_default();
        let aurora = a.kind == Kind::Aurora;
        let major = match engine {
            Engine::Postgres => version.split('.').next().unwrap_or_default().to_string(),
            Engine::Mysql => version.split('.').take(2).collect::<Vec<_>>().join("."),
        };
        let family = format!("{}{major}", engine.rds_name(aurora));
        let logs = match engine {
            Engine::Postgres => vec!["postgresql"],
            Engine::Mysql if aurora => vec!["audit", "error", "slowquery"],
            Engine::Mysql => vec!["error", "slowquery"],
        };
        (family, logs)
    }

    /// Performance Insights is not offered on the smallest RDS classes, nor
    /// (as Database Insights) on burstable Aurora classes.
    fn performance_insights(size: &str, aurora: bool) -> bool {
        let small = size.ends_with(".micro") || size.ends_with(".small");
        !(size.starts_with("db.t") && (aurora || small))
    }

    /// Security groups of the database clients in this root: application
    /// servers, bastions and cluster nodes.
    fn db_client_groups(&self) -> Expr {
        let groups = self
            .assets()
            .filter_map(|a| match a.kind {
                Kind::Vm | Kind::Bastion => Some(format!("module.{}.security_group_id", a.ident())),
                Kind::Eks => Some(format!("module.{}.cluster_security_group_id", a.ident())),
                _ => None,
            })
            .map(Expr::r)
            .collect();
        Expr::List(groups)
    }

    /// Peer-region ranges a database admits: only where the VPCs peer and the
    /// other region runs clients of `db` but keeps no copy of it.
    fn db_peer_ranges(&self, db: &Asset) -> Expr {
        let peer_has_clients = self
            .inv
            .assets
            .iter()
            .any(|a| matches!(a.kind, Kind::Vm | Kind::Bastion | Kind::Eks) && a.in_dr());
        let copy_in_peer = db.in_dr() && db.dr != DrStrategy::Backup;
        if self.has_peering && self.primary() && peer_has_clients && !copy_in_peer {
            Expr::strs([self.peer_layout.cidr.to_string()])
        } else {
            Expr::List(vec![])
        }
    }

    /// The DR key the master secret of `db` is replicated under (primary
    /// root, databases with a copy in DR), published by the DR root.
    fn secret_replica_key(&mut self, db: &Asset) -> Option<Expr> {
        (self.primary() && db.in_dr()).then(|| self.fact_or_null("kms_key_arn"))
    }

    /// In the DR root: the count of a copy of primary database `a`, which
    /// exists once the primary has published the database's ARN (the first
    /// DR apply runs before the primary, so there is nothing to copy yet).
    fn primary_db_count(&mut self, fact: &str) -> String {
        let ready = self.fact_present(fact);
        format!("{ready} ? 1 : 0")
    }

    fn plan_rds(&mut self, a: &Asset) {
        let id = a.ident();
        if !self.primary() {
            // The primary replicates the master secret under the DR key.
            let key = self.kms_ref();
            self.publish_once("kms_key_arn", key);
        }
        let source_fact = format!("{id}_arn");
        if !self.primary() && a.dr == DrStrategy::Backup {
            let count = self.primary_db_count(&source_fact);
            let source = self.fact(&source_fact);
            let mut m = self.call(&id, "rds_backup_replication", Some(a));
            m.count = Some(count);
            m.arg("source_db_instance_arn", source)
                .arg("kms_key_arn", self.kms_ref())
                .arg("retention_days", Expr::Num(a.retention_days.unwrap_or(7) as i64));
            let tags = if self.vpc_label.is_empty() {
                None
            } else {
                m.arg("restore_subnet_group_name", Expr::s(self.name(a)))
                    .arg("subnet_ids", self.vpc_out("private_subnet_ids"))
                    .arg("vpc_id", self.vpc_out("vpc_id"))
                    .arg("port", Expr::Num(a.engine.unwrap_or(Engine::Postgres).port() as i64))
                    .arg("allowed_security_group_ids", self.db_client_groups());
                Some(self.tags(Some(a)))
            };
            let m = self.push(m, tags);
            self.output(
                format!("{id}_backup_replication_arn"),
                format!("Replicated automated backups of {} in this region.", a.name),
                m.out_or_null("id"),
            );
            if !self.vpc_label.is_empty() {
                self.output(
                    format!("{id}_restore_security_group_id"),
                    format!("Security group a restore of {} in this region uses.", a.name),
                    m.out_or_null("restore_security_group_id"),
                );
            }
            return;
        }
        let engine = a.engine.unwrap_or(Engine::Postgres);
        let size = a.size.clone().unwrap_or_default();
        let (family, logs) = Self::db_family(a);
        let class = self.var(
            format!("{id}_instance_class"),
            &format!("DB instance class of {}.", a.name),
            "string",
            Some(Expr::s(&size)),
        );
        let replica = !self.primary();
        let mut m = self.call(&id, "rds", Some(a));
        if replica {
            m.count = Some(self.primary_db_count(&source_fact));
        }
        m.arg("identifier", Expr::s(self.name(a)))
            .arg("engine", Expr::s(engine.rds_name(false)))
            .arg("engine_version", Expr::s(a.engine_version.clone().unwrap_or_default()))
            .arg("instance_class", Expr::r(class));
        if replica {
            let source = self.fact(&source_fact);
            m.arg("replicate_source_db", source);
        }
        // A replica inherits its storage; the size still sets its autoscaling ceiling.
        m.arg("allocated_storage", Expr::Num(a.storage_gb.unwrap_or(20) as i64));
        if !replica {
            m.arg("db_name", Expr::opt_str(a.db_name.as_deref()));
        }
        m.arg("port", Expr::Num(engine.port() as i64))
            .arg("parameter_group_family", Expr::s(family))
            .arg("log_exports", Expr::strs(logs))
            .arg("multi_az", Expr::Bool(a.multi_az.unwrap_or(true)))
            .arg("vpc_id", self.vpc_out("vpc_id"))
            .arg("subnet_ids", self.vpc_out("private_subnet_ids"))
            .arg("allowed_security_group_ids", self.db_client_groups())
            .arg("allowed_cidr_blocks", self.db_peer_ranges(a))
            .arg("kms_key_arn", self.kms_ref())
            .arg("backup_retention_days", Expr::Num(a.retention_days.unwrap_or(7) as i64))
            .arg(
                "performance_insights",
                Expr::Bool(Self::performance_insights(&size, false)),
            );
        if let Some(key) = self.secret_replica_key(a) {
            m.arg("secret_replica_kms_key_arn", key);
        }
        let m = self.push(m, Some(self.tags(Some(a))));
        self.output(
            format!("{id}_endpoint"),
            format!("Endpoint of database {}.", a.name),
            m.out_or_null("endpoint"),
        );
        self.output(
            format!("{id}_arn"),
            format!("ARN of database {}.", a.name),
            m.out_or_null("arn"),
        );
        if !replica {
            self.output(
                format!("{id}_security_group_id"),
                format!("Security group of database {} (a failback restore joins it).", a.name),
                m.out("security_group_id"),
            );
            self.output(
                format!("{id}_master_secret_arn"),
                format!("Secret with the master credentials of {}.", a.name),
                m.out("master_secret_arn"),
            );
        }
        if self.primary() && matches!(a.dr, DrStrategy::Replica | DrStrategy::Backup) {
            self.publish(&source_fact, Expr::r(m.out("arn")), None);
        }
    }

    fn plan_aurora(&mut self, a: &Asset) {
        let id = a.ident();
        if !self.primary() {
            let key = self.kms_ref();
            self.publish_once("kms_key_arn", key);
        }
        let engine = a.engine.unwrap_or(Engine::Postgres);
        let size = a.size.clone().unwrap_or_default();
        let (family, logs) = Self::db_family(a);
        let class = self.var(
            format!("{id}_instance_class"),
            &format!("DB instance class of {}.", a.name),
            "string",
            Some(Expr::s(&size)),
        );
        let n = self.var(
            format!("{id}_instance_count"),
            &format!("Instances of cluster {} in this region.", a.name),
            "number",
            Some(Expr::Num(self.count_here(a) as i64)),
        );
        let role = match (self.role, a.dr) {
            (Role::Dr, _) => "secondary",
            (Role::Primary, DrStrategy::Replica) => "global-primary",
            _ => "standalone",
        };
        let global_fact = format!("{id}_global_cluster_id");
        let mut m = self.call(&id, "aurora", Some(a));
        let global = if self.primary() {
            Expr::s(format!("{}-{}", self.inv.name, a.name))
        } else {
            // The secondary joins the global database once the primary published it.
            m.count = Some(self.primary_db_count(&global_fact));
            self.fact(&global_fact)
        };
        m.arg("cluster_identifier", Expr::s(self.name(a)))
            .arg("role", Expr::s(role))
            .arg("global_cluster_identifier", global)
            .arg("engine", Expr::s(engine.rds_name(true)))
            .arg("engine_version", Expr::s(a.engine_version.clone().unwrap_or_default()))
            .arg("instance_class", Expr::r(class))
            .arg("instance_count", Expr::r(n));
        if engine == Engine::Mysql {
            // Aurora MySQL versions are pinned in full: no automatic minors.
            m.arg("auto_minor_version_upgrade", Expr::Bool(false));
        }
        if self.primary() {
            m.arg("db_name", Expr::opt_str(a.db_name.as_deref()));
        }
        m.arg("port", Expr::Num(engine.port() as i64))
            .arg("parameter_group_family", Expr::s(family))
            .arg("log_exports", Expr::strs(logs))
            .arg("vpc_id", self.vpc_out("vpc_id"))
            .arg("subnet_ids", self.vpc_out("private_subnet_ids"))
            .arg("allowed_security_group_ids", self.db_client_groups())
            .arg("allowed_cidr_blocks", self.db_peer_ranges(a))
            .arg("kms_key_arn", self.kms_ref())
            .arg("backup_retention_days", Expr::Num(a.retention_days.unwrap_or(7) as i64))
            .arg(
                "performance_insights",
                Expr::Bool(Self::performance_insights(&size, true)),
            );
        if let Some(key) = self.secret_replica_key(a) {
            m.arg("secret_replica_kms_key_arn", key);
        }
        let m = self.push(m, Some(self.tags(Some(a))));
        self.output(
            format!("{id}_endpoint"),
            format!("Writer endpoint of cluster {}.", a.name),
            m.out_or_null("endpoint"),
        );
        self.output(
            format!("{id}_reader_endpoint"),
            format!("Reader endpoint of cluster {}.", a.name),
            m.out_or_null("reader_endpoint"),
        );
        self.output(
            format!("{id}_cluster_arn"),
            format!("ARN of cluster {}.", a.name),
            m.out_or_null("cluster_arn"),
        );
        if role == "global-primary" {
            self.publish(&global_fact, Expr::r(m.out("global_cluster_identifier")), None);
        }
    }

    /// Bucket name: globally unique through the account ID (resolved at
    /// apply time), deterministic so both roots and the runbook can name it.
    fn bucket_name(&mut self, a: &Asset, region: &str) -> Expr {
        self.root.caller_identity = true;
        Expr::r(format!(
            "\"{}-{}-${{local.account_id}}-{region}\"",
            self.inv.name, a.name
        ))
    }

    fn plan_s3(&mut self, a: &Asset) {
        let id = a.ident();
        let region = self.root.region.clone();
        let bucket = self.bucket_name(a, &region);
        let mut m = self.call(&id, "s3", Some(a));
        m.arg("bucket", bucket).arg("kms_key_arn", self.kms_ref());
        if let Some(d) = a.retention_days {
            m.arg("noncurrent_version_days", Expr::Num(d as i64));
        }
        let replicated = matches!(a.dr, DrStrategy::Replica | DrStrategy::Backup);
        if self.primary() && replicated {
            // Replicate once the DR root has published its bucket and key
            // (key ARNs: IAM cannot authorise key use through an alias).
            m.arg(
                "replication_destination_bucket_arn",
                self.fact_or_null(&format!("{id}_bucket_arn")),
            )
            .arg("replication_destination_kms_key_arn", self.fact_or_null("kms_key_arn"))
            .arg(
                "replication_storage_class",
                Expr::s(if a.dr == DrStrategy::Backup {
                    "GLACIER_IR"
                } else {
                    "STANDARD"
                }),
            );
        }
        let m = self.push(m, Some(self.tags(Some(a))));
        if !self.primary() && replicated {
            self.publish(&format!("{id}_bucket_arn"), Expr::r(m.out("bucket_arn")), None);
            let key = self.kms_ref();
            self.publish_once("kms_key_arn", key);
        }
        self.output(
            format!("{id}_bucket"),
            format!("Name of bucket {}.", a.name),
            format!("module.{id}.bucket_id"),
        );
    }

    fn plan_ecr(&mut self, a: &Asset) {
        let id = a.ident();
        let mut m = self.call(&id, "ecr", Some(a));
        m.arg("repository_name", Expr::s(format!("{}/{}", self.inv.name, a.name)))
            .arg("kms_key_arn", self.kms_ref());
        self.push(m, Some(self.tags(Some(a))));
        self.output(
            format!("{id}_repository_url"),
            format!("URL of repository {}.", a.name),
            format!("module.{id}.repository_url"),
        );
    }

    fn plan_ecr_replication(&mut self) {
        let prefixes: Vec<String> = self
            .inv
            .assets
            .iter()
            .filter(|a| a.kind == Kind::Ecr && a.dr == DrStrategy::Replica)
            .map(|a| format!("{}/{}", self.inv.name, a.name))
            .collect();
        if prefixes.is_empty() {
            return;
        }
        let mut m = self.call("ecr_replication", "ecr_replication", None);
        m.comment = "Registry-wide replication of the replica repositories into the DR region".into();
        m.kind = Kind::Ecr;
        m.strategy = DrStrategy::Replica;
        m.arg("destination_region", Expr::s(self.inv.regions.dr.clone()))
            .arg("repository_prefixes", Expr::strs(prefixes));
        self.push(m, None);
    }

    // ---------------------------------------------------------------- traffic

    /// The name users reach load balancer `alb` by, and its zone: a route53
    /// record on the load balancer or on an accelerator in front of it (in
    /// either root: the DR load balancer serves the same name on failover).
    fn dns_name(&self, alb: &Asset) -> Option<(String, Asset)> {
        let fronts = |a: &Asset| {
            a.target.as_deref() == Some(alb.name.as_str())
                || a.target.as_deref().and_then(|t| self.asset(t)).is_some_and(|t| {
                    t.kind == Kind::GlobalAccelerator && t.target.as_deref() == Some(alb.name.as_str())
                })
        };
        self.inv
            .assets
            .iter()
            .find(|a| a.kind == Kind::Route53 && fronts(a))
            .map(|r| {
                let fqdn = format!(
                    "{}.{}",
                    r.record.as_deref().unwrap_or_default(),
                    r.zone.as_deref().unwrap_or_default().trim_end_matches('.')
                );
                (fqdn, r.clone())
            })
    }

    /// The hosted zone of route53 asset `r`: the existing zone by ID, or the
    /// one the bootstrap root created (from the fact store).
    fn zone_id(&mut self, r: &Asset) -> Expr {
        match &r.zone_id {
            Some(existing) => Expr::s(existing),
            None => {
                let zone = r.zone.clone().unwrap_or_default();
                self.fact_of("bootstrap", &format!("zone_id_{}", zone_label(&zone)))
            }
        }
    }

    fn health_protocol(&self, alb: &Asset) -> &'static str {
        if self.certificate(alb).is_some() || self.dns_name(alb).is_some() {
            "HTTPS"
        } else {
            "HTTP"
        }
    }

    fn plan_route53(&mut self, a: &Asset) {
        let id = a.ident();
        let target = self
            .asset(a.target.as_deref().unwrap_or_default())
            .expect("validated target");
        if target.kind == Kind::GlobalAccelerator && !self.primary() {
            return; // the accelerator is global; its alias lives in the primary root
        }
        let zone = a.zone.clone().unwrap_or_default();
        let zone_id = self.zone_id(a);
        let mut m = self.call(&id, "route53_record", Some(a));
        m.arg("zone_id", zone_id)
            .arg("zone_name", Expr::s(&zone))
            .arg("record_name", Expr::s(a.record.clone().unwrap_or_default()));
        let t = target.ident();
        if target.kind == Kind::GlobalAccelerator {
            m.arg("target_dns_name", Expr::r(format!("module.{t}.dns_name")))
                .arg("target_zone_id", Expr::r(format!("module.{t}.hosted_zone_id")));
        } else {
            let failover = a.dr != DrStrategy::None;
            m.arg("target_dns_name", Expr::r(format!("module.{t}.dns_name")))
                .arg("target_zone_id", Expr::r(format!("module.{t}.zone_id")));
            if failover {
                m.arg(
                    "failover_role",
                    Expr::s(if self.primary() { "PRIMARY" } else { "SECONDARY" }),
                );
            }
            m.arg("health_check_protocol", Expr::s(self.health_protocol(target)))
                .arg(
                    "health_check_path",
                    Expr::s(
                        a.health_check_path
                            .clone()
                            .or_else(|| target.health_check_path.clone())
                            .unwrap_or_else(|| "/".into()),
                    ),
                );
        }
        self.push(m, Some(self.tags(Some(a))));
        self.output(
            format!("{id}_fqdn"),
            format!("Name served by record {}.", a.name),
            format!("module.{id}.fqdn"),
        );
    }

    fn plan_global_accelerator(&mut self, a: &Asset) {
        let id = a.ident();
        let alb = self
            .asset(a.target.as_deref().unwrap_or_default())
            .expect("validated target");
        let path = a
            .health_check_path
            .clone()
            .or_else(|| alb.health_check_path.clone())
            .unwrap_or_else(|| "/".into());
        let protocol = self.health_protocol(alb);
        let listener = if self.primary() {
            let mut m = self.call(&id, "global_accelerator", Some(a));
            let ports = if protocol == "HTTPS" {
                vec![Expr::Num(80), Expr::Num(443)]
            } else {
                vec![Expr::Num(80)]
            };
            m.arg("name", Expr::s(format!("{}-{}", self.inv.name, a.name)))
                .arg("ports", Expr::List(ports));
            self.push(m, Some(self.tags(Some(a))));
            self.output(
                format!("{id}_listener_arn"),
                "Listener of the accelerator (published to the fact store for the DR root).".into(),
                format!("module.{id}.listener_arn"),
            );
            self.publish(
                &format!("{id}_listener_arn"),
                Expr::r(format!("module.{id}.listener_arn")),
                None,
            );
            self.output(
                format!("{id}_dns_name"),
                format!("DNS name of accelerator {}.", a.name),
                format!("module.{id}.dns_name"),
            );
            self.output(
                format!("{id}_ip_addresses"),
                format!("Static anycast IPs of accelerator {}.", a.name),
                format!("module.{id}.ip_addresses"),
            );
            Expr::r(format!("module.{id}.listener_arn"))
        } else {
            self.fact(&format!("{id}_listener_arn"))
        };
        let dial = self.var(
            format!("{id}_traffic_dial"),
            &format!(
                "Share of {} traffic sent to this region (100 primary, 0 DR; failover raises DR).",
                a.name
            ),
            "number",
            Some(Expr::Num(if self.primary() { 100 } else { 0 })),
        );
        let mut m = self.call(
            &format!("{id}_{}_endpoints", self.role.as_str()),
            "ga_endpoint_group",
            Some(a),
        );
        if !self.primary() {
            // The endpoint group joins the listener the primary published; the
            // fact outlives the primary region, so failover keeps the group.
            let ready = self.fact_present(&format!("{id}_listener_arn"));
            m.count = Some(format!("{ready} ? 1 : 0"));
        }
        let group = m.label.clone();
        let group_ref = if m.count.is_some() {
            format!("one(module.{group}[*].id)")
        } else {
            format!("module.{group}.id")
        };
        self.output(
            format!("{id}_endpoint_group_arn"),
            format!("Endpoint group of accelerator {} in this region.", a.name),
            group_ref,
        );
        m.arg("listener_arn", listener)
            .arg("region", Expr::s(self.root.region.clone()))
            .arg("endpoint_arn", Expr::r(format!("module.{}.arn", alb.ident())))
            .arg("traffic_dial_percentage", Expr::r(dial))
            .arg("health_check_protocol", Expr::s(protocol))
            .arg("health_check_path", Expr::s(path));
        self.push(m, None);
    }

    // ---------------------------------------------------------------- observability

    fn alarms(&self) -> Expr {
        let mut alarms: Vec<(String, Expr)> = Vec::new();
        for a in self.assets() {
            for spec in ALARMS.iter().filter(|x| x.applies(a, self.role)) {
                let dimension = match a.kind {
                    Kind::Alb => Expr::r(format!("module.{}.arn_suffix", a.ident())),
                    _ => Expr::s(self.name(a)),
                };
                let body = Expr::Map(vec![
                    (
                        "description".into(),
                        Expr::s(spec.description.replace("{name}", &a.name)),
                    ),
                    ("namespace".into(), Expr::s(spec.namespace)),
                    ("metric_name".into(), Expr::s(spec.metric)),
                    ("dimensions".into(), Expr::Map(vec![(spec.dimension.into(), dimension)])),
                    ("statistic".into(), Expr::s(spec.statistic)),
                    ("comparison_operator".into(), Expr::s(spec.operator)),
                    ("threshold".into(), Expr::Num(spec.threshold)),
                ]);
                alarms.push((format!("{}-{}", a.name.replace('_', "-"), spec.suffix), body));
            }
        }
        alarms.sort_by(|a, b| a.0.cmp(&b.0));
        Expr::Map(alarms)
    }

    fn plan_cloudwatch(&mut self, a: &Asset) {
        let id = a.ident();
        let alarms = self.alarms();
        let description = "E-mail addresses subscribed to the alarm topic of this region (on-call).";
        let emails = match &self.inv.alert_emails {
            Some(given) => self.var(
                "alert_emails".into(),
                description,
                "list(string)",
                Some(Expr::strs(given.clone())),
            ),
            None => self.required_var(
                "alert_emails".into(),
                description,
                "list(string)",
                Expr::strs(["oncall@example.org"]),
            ),
        };
        let mut m = self.call(&id, "cloudwatch", Some(a));
        m.arg("name", Expr::s(self.name(a)))
            .arg("retention_days", Expr::Num(a.retention_days.unwrap_or(365) as i64))
            .arg("kms_key_arn", self.kms_ref())
            .arg("alert_emails", Expr::r(emails))
            .arg("alarms", alarms);
        self.push(m, Some(self.tags(Some(a))));
        self.output(
            format!("{id}_alarm_topic_arn"),
            format!("SNS topic of the {} alarms.", a.name),
            format!("module.{id}.alarm_topic_arn"),
        );
    }

    fn plan_cloudtrail(&mut self, a: &Asset) {
        let id = a.ident();
        let bucket_label = format!("{id}_bucket");
        let region = self.root.region.clone();
        let bucket = self.bucket_name(a, &region);
        let trail = self.name(a);
        let mut b = self.call(&bucket_label, "s3", Some(a));
        b.comment = format!("{} (cloudtrail): log bucket of the trail", a.name);
        b.arg("bucket", bucket)
            .arg("kms_key_arn", self.kms_ref())
            .arg(
                "noncurrent_version_days",
                Expr::Num(a.retention_days.unwrap_or(365) as i64),
            )
            .arg(
                "cloudtrail_trail_arns",
                Expr::List(vec![Expr::r(format!(
                    "\"arn:aws:cloudtrail:{region}:${{local.account_id}}:trail/{trail}\""
                ))]),
            );
        self.push(b, Some(self.tags(Some(a))));
        let mut m = self.call(&id, "cloudtrail", Some(a));
        m.depends_on.push(bucket_label.clone());
        m.arg("name", Expr::s(self.name(a)))
            .arg("s3_bucket_name", Expr::r(format!("module.{bucket_label}.bucket_id")))
            .arg("kms_key_arn", self.kms_ref())
            .arg("multi_region", Expr::Bool(self.primary()))
            .arg("retention_days", Expr::Num(a.retention_days.unwrap_or(365) as i64));
        self.push(m, Some(self.tags(Some(a))));
        self.output(
            format!("{id}_trail_arn"),
            format!("ARN of trail {}.", a.name),
            format!("module.{id}.arn"),
        );
    }
}
