//! The context every kind plans in: one root (primary or DR) of a validated
//! inventory. Everything a kind needs from the others is known before any
//! kind plans (the region's key and network, who targets whom), so planning
//! does not depend on the order of the assets.

use super::expr::{Expr, Part, Step};
use super::names;
use super::network::Layout;
use super::{ModuleCall, Origin, Output, Role, RootPlan, Validation, VarRole, Variable};
use crate::fnv::FnvMap as HashMap;
use crate::inventory::{DrStrategy, Kind};
use crate::validate::{ValidAsset, Validated};
use std::collections::BTreeMap;

/// A fact one root publishes for the other (see the `facts` module): its
/// name under the publisher, its value, and the condition under which it
/// exists (None: always).
struct Published {
    name: String,
    value: Expr,
    condition: Option<Expr>,
}

/// Planning one root.
pub struct Planner<'a> {
    /// The validated inventory.
    pub v: &'a Validated,
    /// Which root.
    pub role: Role,
    /// This root's network.
    pub layout: &'a Layout,
    /// The other root's network.
    pub peer_layout: &'a Layout,
    /// Assets present in this root, by the name of the asset they target.
    targeting: BTreeMap<&'a str, Vec<&'a ValidAsset>>,
    /// The inventory's assets by name (present here or not).
    by_name: HashMap<&'a str, &'a ValidAsset>,
    /// The inventory's assets (present here or not) by the name of the
    /// asset they target, in inventory order; made on first use.
    all_targeting: std::cell::OnceCell<HashMap<&'a str, Vec<&'a ValidAsset>>>,
    /// The kinds of the assets present in this root, each once.
    kinds_here: Vec<Kind>,
    /// The kinds of the assets deployed in the DR root, each once.
    kinds_in_dr: Vec<Kind>,
    /// This root's region code, made once.
    region_code: String,
    /// Assets present in this root by kind, in inventory order.
    by_kind: HashMap<Kind, Vec<&'a ValidAsset>>,
    /// Whether each asset (by name) is present in this root.
    here: HashMap<&'a str, bool>,
    /// Label of the module whose key encrypts this root's assets.
    kms_label: String,
    /// Label of this root's network module.
    vpc_label: String,
    /// Position of each declared variable in `root.variables`.
    var_index: HashMap<String, usize>,
    published: Vec<Published>,
    reads_facts: bool,
    /// The root being built.
    pub root: RootPlan,
}

/// Whether assets of `kind` install Helm charts (one of its modules needs
/// the helm provider).
pub fn installs_charts(kind: Kind) -> bool {
    kind.spec().modules.iter().any(|m| {
        super::modules::MODULES
            .iter()
            .any(|spec| spec.name == *m && spec.extra_providers.contains(&"helm"))
    })
}

/// Whether `a` is deployed in the root of `role` (backups count: they land in DR).
pub fn present(a: &ValidAsset, role: Role) -> bool {
    role == Role::Primary || a.in_dr()
}

impl<'a> Planner<'a> {
    /// A planner for the `role` root of `v`.
    pub fn new(v: &'a Validated, role: Role) -> Self {
        let inv = &v.inventory;
        let (region, peer_region, layout, peer_layout) = match role {
            Role::Primary => (&inv.regions.primary, &inv.regions.dr, &v.network.primary, &v.network.dr),
            Role::Dr => (&inv.regions.dr, &inv.regions.primary, &v.network.dr, &v.network.primary),
        };
        let mut tags = vec![
            ("Project".to_string(), inv.name.clone()),
            ("Owner".to_string(), inv.owner.clone()),
            ("ManagedBy".to_string(), "acmegen".to_string()),
            ("DrRole".to_string(), role.as_str().to_string()),
        ];
        for (k, val) in &inv.tags {
            tags.retain(|(key, _)| key != k);
            tags.push((k.clone(), val.clone()));
        }
        let root = RootPlan {
            role,
            region: region.clone(),
            peer_region: peer_region.clone(),
            inventory: inv.name.clone(),
            description: inv.description.clone(),
            state_bucket_prefix: names::state_bucket_prefix(&inv.name, inv.state.bucket_prefix.as_deref()),
            state_key: format!("{}/{}/terraform.tfstate", inv.name, role.as_str()),
            tags,
            caller_identity: false,
            dr_provider: false,
            facts_read: Vec::new(),
            facts_published: Vec::new(),
            helm_clusters: Vec::new(),
            locals: Vec::new(),
            variables: Vec::new(),
            modules: Vec::new(),
            outputs: Vec::new(),
            vcpus: {
                let usage = crate::quotas::usage_in(inv, crate::quotas::vcpu_quota().key, role == Role::Dr);
                let mut parts = usage.parts;
                // Independent of the order of the inventory's rows.
                let key = |p: &String| p.split_once(" for ").map(|(_, rest)| rest.to_string());
                parts.sort_by_cached_key(key);
                (usage.total > 0).then_some((usage.total, parts))
            },
        };
        let mut targeting: BTreeMap<&str, Vec<&ValidAsset>> = BTreeMap::new();
        for a in v.assets.iter().filter(|a| present(a, role)) {
            if let Some(t) = &a.target {
                targeting.entry(t.as_str()).or_default().push(a);
            }
        }
        let mut kinds_here: Vec<Kind> = Vec::new();
        let mut by_kind: HashMap<Kind, Vec<&ValidAsset>> = HashMap::default();
        for a in v.assets.iter().filter(|a| present(a, role)) {
            if !kinds_here.contains(&a.kind) {
                kinds_here.push(a.kind);
            }
            by_kind.entry(a.kind).or_default().push(a);
        }
        let mut kinds_in_dr: Vec<Kind> = Vec::new();
        for a in v.assets.iter().filter(|a| a.in_dr()) {
            if !kinds_in_dr.contains(&a.kind) {
                kinds_in_dr.push(a.kind);
            }
        }
        let here = v.assets.iter().map(|a| (a.name.as_str(), present(a, role))).collect();
        let by_name = v.assets.iter().map(|a| (a.name.as_str(), a)).collect();
        let kms_label = v
            .assets
            .iter()
            .find(|a| a.kind == Kind::Kms && present(a, role))
            .map_or("kms".to_string(), |k| k.ident());
        let vpc_label = v
            .assets
            .iter()
            .find(|a| a.kind == Kind::Vpc)
            .map_or("vpc".to_string(), |n| n.ident());
        Planner {
            v,
            role,
            layout,
            peer_layout,
            targeting,
            by_name,
            all_targeting: std::cell::OnceCell::new(),
            kinds_here,
            kinds_in_dr,
            region_code: names::region_code(region),
            by_kind,
            here,
            kms_label,
            vpc_label,
            var_index: HashMap::default(),
            published: Vec::new(),
            reads_facts: false,
            root,
        }
    }

    /// Plan the root: the region's key and network, every asset present
    /// here, the registry replication and the fact store.
    pub fn run(mut self) -> RootPlan {
        crate::kinds::kms::plan_keys(&mut self);
        crate::kinds::vpc::plan_network(&mut self);
        crate::kinds::rds::plan_private_zone(&mut self);
        let (v, role) = (self.v, self.role);
        for a in v.assets.iter().filter(|a| present(a, role)) {
            a.options.plan(&mut self, a);
        }
        crate::kinds::vpc::plan_network_acls(&mut self);
        crate::kinds::cloudwatch::plan_alarms(&mut self);
        crate::kinds::ecr::plan_replication(&mut self);
        self.plan_facts();
        self.plan_failover_guard();
        self.plan_identities();
        self.var(
            "tags",
            "Extra tags merged into every resource's default tags.",
            "map(string)",
            Expr::Map(vec![]),
            VarRole::Setting,
        );
        sort_by_name(&mut self.root.variables, |v| &v.name);
        sort_by_name(&mut self.root.outputs, |o| &o.name);
        self.root
    }

    /// Whether this is the primary root.
    pub fn primary(&self) -> bool {
        self.role == Role::Primary
    }

    /// This root's region.
    pub fn region(&self) -> &'a str {
        match self.role {
            Role::Primary => &self.v.inventory.regions.primary,
            Role::Dr => &self.v.inventory.regions.dr,
        }
    }

    /// The other root's region.
    pub fn peer_region(&self) -> &'a str {
        match self.role {
            Role::Primary => &self.v.inventory.regions.dr,
            Role::Dr => &self.v.inventory.regions.primary,
        }
    }

    /// The inventory's name.
    pub fn inventory(&self) -> &'a str {
        &self.v.inventory.name
    }

    /// Assets deployed in this root, by name.
    pub fn assets(&self) -> impl Iterator<Item = &'a ValidAsset> + '_ {
        let role = self.role;
        self.v.assets.iter().filter(move |a| present(a, role))
    }

    /// Assets of `kind` deployed in this root, in inventory order.
    pub fn of_kind(&self, kind: Kind) -> impl Iterator<Item = &'a ValidAsset> + '_ {
        self.by_kind.get(&kind).into_iter().flatten().copied()
    }

    /// Assets of the kinds `pick` selects deployed in this root, in
    /// inventory order (by the kind index when one kind is picked).
    pub fn of_kinds(&self, pick: impl Fn(Kind) -> bool) -> Vec<&'a ValidAsset> {
        let kinds: Vec<Kind> = self.kinds().filter(|k| pick(*k)).collect();
        match kinds.as_slice() {
            [] => Vec::new(),
            [k] => self.of_kind(*k).collect(),
            _ => self.assets().filter(|a| kinds.contains(&a.kind)).collect(),
        }
    }

    /// Whether the asset named `name` is deployed in this root.
    pub fn is_here(&self, name: &str) -> bool {
        self.here.get(name).copied().unwrap_or(false)
    }

    /// The asset named `name` (present here or not).
    pub fn asset(&self, name: &str) -> Option<&'a ValidAsset> {
        self.by_name.get(name).copied()
    }

    /// Whether an asset of `kind` is present in this root.
    pub fn has_kind(&self, kind: Kind) -> bool {
        self.kinds_here.contains(&kind)
    }

    /// The kinds of the assets present in this root, each once.
    pub fn kinds(&self) -> impl Iterator<Item = Kind> + '_ {
        self.kinds_here.iter().copied()
    }

    /// This root's region code (see [`names::region_code`]).
    fn region_code(&self) -> &str {
        &self.region_code
    }

    /// The kinds deployed in the DR root (from either root).
    pub fn kinds_in_dr(&self) -> impl Iterator<Item = Kind> + '_ {
        self.kinds_in_dr.iter().copied()
    }

    /// The inventory's assets (present in this root or not) that target
    /// `name`, in inventory order.
    pub fn targeting_anywhere(&self, name: &str) -> &[&'a ValidAsset] {
        let v: &'a Validated = self.v;
        self.all_targeting
            .get_or_init(|| {
                let mut map: HashMap<&'a str, Vec<&'a ValidAsset>> = HashMap::default();
                for a in &v.assets {
                    if let Some(t) = &a.target {
                        map.entry(t.as_str()).or_default().push(a);
                    }
                }
                map
            })
            .get(name)
            .map_or(&[], Vec::as_slice)
    }

    /// Assets of `kind` in this root whose target is `name`.
    pub fn targeting(&self, name: &str, kind: Kind) -> impl Iterator<Item = &'a ValidAsset> + '_ {
        self.targeting
            .get(name)
            .into_iter()
            .flatten()
            .copied()
            .filter(move |a| a.kind == kind)
    }

    /// `<inventory>-<asset>-<region code>`.
    pub fn name(&self, a: &ValidAsset) -> String {
        names::resource_coded(self.inventory(), &a.name, self.region_code())
    }

    /// Count of `a` in this root: the primary quantity, or what the DR strategy gives.
    pub fn count_here(&self, a: &ValidAsset) -> u32 {
        if self.primary() {
            a.qty
        } else {
            a.dr_count
        }
    }

    /// Declare variable `name` with a default; returns `var.<name>`.
    /// `local.<name>`, a value module calls of this root share (see
    /// [`crate::plan::SharedLocal`]): `value` is made on the first use only.
    pub fn shared_local(
        &mut self,
        name: &'static str,
        comment: &'static str,
        value: impl FnOnce(&Self) -> Expr,
    ) -> Expr {
        if !self.root.locals.iter().any(|l| l.name == name) {
            let value = value(self);
            self.root.locals.push(crate::plan::SharedLocal { name, comment, value });
        }
        Expr::local(name)
    }

    pub fn var(&mut self, name: &str, description: &str, ty: &'static str, default: Expr, role: VarRole) -> Expr {
        self.declare(name, description, ty, Some(default), None, role)
    }

    /// A variable only the user can give (no default): `example` goes to the
    /// root's terraform.tfvars.example and test files.
    pub fn required_var(&mut self, name: &str, description: &str, ty: &'static str, example: Expr) -> Expr {
        self.declare(name, description, ty, None, Some(example), VarRole::OperatorInput)
    }

    fn declare(
        &mut self,
        name: &str,
        description: &str,
        ty: &'static str,
        default: Option<Expr>,
        example: Option<Expr>,
        role: VarRole,
    ) -> Expr {
        if !self.var_index.contains_key(name) {
            self.var_index.insert(name.to_string(), self.root.variables.len());
            self.root.variables.push(Variable {
                name: name.to_string(),
                description: description.to_string(),
                ty,
                default,
                example,
                validation: None,
                role,
            });
        }
        Expr::var(name)
    }

    /// Set the validation of variable `name`.
    pub fn validate_var(&mut self, name: &str, validation: Validation) {
        if let Some(&i) = self.var_index.get(name) {
            self.root.variables[i].validation = Some(validation);
        }
    }

    /// Add a root output.
    pub fn output(&mut self, name: String, description: String, value: Expr) {
        self.root.outputs.push(Output {
            name,
            description,
            value,
            sensitive: false,
            precondition: None,
        });
    }

    /// Tags of `a`'s resources: the root's, its Asset tag and its own.
    pub fn tags(&self, a: Option<&ValidAsset>) -> Expr {
        let Some(a) = a else { return Expr::local("tags") };
        let mut entries = vec![("Asset".to_string(), Expr::s(&a.name))];
        entries.extend(a.tags.iter().map(|(k, v)| (k.clone(), Expr::s(v))));
        Expr::call("merge", vec![Expr::local("tags"), Expr::InlineMap(entries)])
    }

    fn comment(&self, a: &ValidAsset) -> String {
        use std::fmt::Write;
        let purpose = a.purpose.as_deref().unwrap_or("(no purpose given)");
        let mut comment = String::with_capacity(a.name.len() + purpose.len() + 64);
        let _ = write!(comment, "{} ({}): ", a.name, a.kind);
        // The purpose on one line.
        for (i, line) in purpose.split('\n').enumerate() {
            if i > 0 {
                comment.push(' ');
            }
            comment.push_str(line);
        }
        comment.push_str(" — ");
        let _ = match (self.role, a.dr) {
            (Role::Primary, DrStrategy::None) => write!(comment, "primary only"),
            (Role::Dr, DrStrategy::PilotLight) => write!(
                comment,
                "DR: pilot-light ({} of {} in DR until failover)",
                a.dr_count, a.qty
            ),
            (_, d) => write!(comment, "DR: {d}"),
        };
        comment
    }

    /// A call of module `source` labelled `label` for asset `a`.
    pub fn call(&self, label: &str, source: &str, a: &ValidAsset) -> ModuleCall {
        ModuleCall {
            label: label.to_string(),
            source: source.to_string(),
            origin: Origin::Asset {
                name: a.name.clone(),
                kind: a.kind,
                strategy: a.dr,
            },
            comment: self.comment(a),
            count: None,
            providers: Vec::new(),
            args: Vec::new(),
            depends_on: Vec::new(),
        }
    }

    /// A call of module `source` for infrastructure acmegen adds.
    pub fn implicit_call(&self, label: &str, source: &str, origin: Origin, comment: String) -> ModuleCall {
        ModuleCall {
            label: label.to_string(),
            source: source.to_string(),
            origin,
            comment,
            count: None,
            providers: Vec::new(),
            args: Vec::new(),
            depends_on: Vec::new(),
        }
    }

    /// Add `m` (with `tags` as its last argument) to the root; the returned
    /// handle reads its outputs.
    pub fn push(&mut self, mut m: ModuleCall, tags: Option<Expr>) -> crate::plan::Called {
        if let Some(t) = tags {
            m.args.push(("tags".into(), t));
        }
        // Held until the plan is emitted: at its size, not grown by doubling.
        m.args.shrink_to_fit();
        let called = crate::plan::Called {
            label: m.label.clone(),
            counted: m.count.is_some(),
        };
        self.root.modules.push(m);
        called
    }

    /// The key that encrypts this root's assets (`module.<kms>.key_arn`).
    pub fn kms(&self) -> Expr {
        Expr::module(&self.kms_label, "key_arn")
    }

    /// Label of the module of this root's key.
    pub fn kms_label(&self) -> &str {
        &self.kms_label
    }

    /// Output `out` of this root's network module.
    pub fn vpc(&self, out: impl Into<std::borrow::Cow<'static, str>>) -> Expr {
        Expr::module(&self.vpc_label, out)
    }

    /// Label of this root's network module.
    pub fn vpc_label(&self) -> &str {
        &self.vpc_label
    }

    /// Whether this root has a network.
    pub fn has_vpc(&self) -> bool {
        self.kinds().any(|k| k.needs_vpc() || k == Kind::Vpc)
    }

    /// Whether this root peers its VPC with the other region.
    pub fn has_peering(&self) -> bool {
        self.of_kind(Kind::VpcPeering).next().is_some()
    }

    /// Whether EC2 Auto Scaling launches instances with this root's key (EKS
    /// managed node groups, or any Auto Scaling group of the account once the
    /// key is the region's default EBS key): the key policy must name its
    /// service-linked role.
    pub fn uses_autoscaling(&self) -> bool {
        self.v.inventory.ebs_default_encryption || self.kinds().any(|k| k.uses_autoscaling())
    }

    /// The `providers` entry of a call that installs charts on `cluster` (an
    /// eks asset): its Helm provider, declared in this root once.
    pub fn helm_on(&mut self, cluster: &ValidAsset) -> (&'static str, Expr) {
        let label = cluster.ident();
        if !self.root.helm_clusters.contains(&label) {
            self.root.helm_clusters.push(label.clone());
        }
        (
            "helm",
            Expr::Provider {
                name: "helm",
                alias: label,
            },
        )
    }

    /// Whether an asset of this root installs Helm charts (its kind's modules
    /// need the helm provider): Terraform then reaches a cluster's API.
    pub fn installs_charts(&self) -> bool {
        // By the kinds present, not by scanning every asset: asked once per
        // cluster, the scan made planning grow with clusters × assets.
        self.kinds().any(installs_charts)
    }

    /// `local.account_id` (and the data source behind it).
    pub fn account_id(&mut self) -> Expr {
        self.root.caller_identity = true;
        Expr::local("account_id")
    }

    /// A bucket name of `a` in `region`, unique through the account ID.
    pub fn bucket(&mut self, a: &ValidAsset, region: &str) -> Expr {
        self.root.caller_identity = true;
        names::bucket(self.inventory(), &a.name, region)
    }

    /// `"<text>${local.account_id}<rest>"`.
    pub fn with_account(&mut self, before: &str, after: &str) -> Expr {
        let account = self.account_id();
        Expr::template(vec![
            Part::Text(before.into()),
            Part::Interp(account),
            Part::Text(after.into()),
        ])
    }

    // ---------------------------------------------------------------- fact store

    /// The publisher segment of the other root's facts.
    fn peer_publisher(&self) -> &'static str {
        match self.role {
            Role::Primary => "dr",
            Role::Dr => "primary",
        }
    }

    fn note_read(&mut self, publisher: &str, fact: &str) {
        self.reads_facts = true;
        let read = format!("{publisher}/{fact}");
        if !self.root.facts_read.contains(&read) {
            self.root.facts_read.push(read);
        }
    }

    /// Whether the other root has published `fact` (known at plan time, so
    /// counts may depend on it). The store lives in the DR region: the DR
    /// root sees every fact the primary published even with the primary gone.
    pub fn fact_present(&mut self, fact: &str) -> Expr {
        let publisher = self.peer_publisher();
        self.note_read(publisher, fact);
        Expr::call(
            "contains",
            vec![Expr::module("facts", "names"), Expr::s(format!("{publisher}/{fact}"))],
        )
    }

    /// `count` of a call that exists once the other root published `fact`.
    pub fn once_published(&mut self, fact: &str) -> Expr {
        Expr::cond(self.fact_present(fact), Expr::Num(1), Expr::Num(0))
    }

    /// The value of the other root's `fact` (only where it is present).
    pub fn fact(&mut self, fact: &str) -> Expr {
        let publisher = self.peer_publisher();
        self.fact_of(publisher, fact)
    }

    /// The value of `publisher`'s `fact` (the bootstrap root's facts are
    /// always there: it is applied before the others).
    pub fn fact_of(&mut self, publisher: &str, fact: &str) -> Expr {
        self.note_read(publisher, fact);
        Expr::module("facts", "values").then(Step::Key(format!("{publisher}/{fact}")))
    }

    /// The value of the other root's `fact`, or null while it is absent.
    pub fn fact_or_null(&mut self, fact: &str) -> Expr {
        let publisher = self.peer_publisher();
        self.note_read(publisher, fact);
        Expr::call(
            "lookup",
            vec![
                Expr::module("facts", "values"),
                Expr::s(format!("{publisher}/{fact}")),
                Expr::Null,
            ],
        )
    }

    /// Publish `value` as `fact` of this root (when `condition` holds).
    pub fn publish(&mut self, fact: &str, value: Expr, condition: Option<Expr>) {
        self.published.push(Published {
            name: fact.to_string(),
            value,
            condition,
        });
    }

    /// Publish an unconditional fact unless it is already published.
    pub fn publish_once(&mut self, fact: &str, value: Expr) {
        if !self.published.iter().any(|f| f.name == fact) {
            self.publish(fact, value, None);
        }
    }

    /// The `facts` module call: this root's published facts, and the store
    /// the other root's facts are read from (the primary reaches the DR
    /// region through its `aws.dr` provider).
    fn plan_facts(&mut self) {
        self.published.sort_by(|a, b| a.name.cmp(&b.name));
        let always: Vec<(String, Expr)> = self
            .published
            .iter()
            .filter(|f| f.condition.is_none())
            .map(|f| (f.name.clone(), f.value.clone()))
            .collect();
        let mut parts = vec![Expr::Map(always)];
        for f in &self.published {
            if let Some(condition) = &f.condition {
                parts.push(Expr::cond(
                    condition.clone(),
                    Expr::Map(vec![(f.name.clone(), f.value.clone())]),
                    Expr::Map(vec![]),
                ));
            }
        }
        let publish = if parts.len() == 1 {
            parts.remove(0)
        } else {
            Expr::Call {
                function: "merge",
                args: parts,
                multiline: true,
            }
        };
        let mut m = self.implicit_call(
            "facts",
            "facts",
            Origin::Implicit {
                what: "fact store",
                kind: None,
            },
            format!(
                "Fact store in the DR region ({}): what the other root needs from this one, and what it published",
                self.v.inventory.regions.dr
            ),
        );
        if self.primary() {
            self.root.dr_provider = true;
            m.providers.push((
                "aws",
                Expr::Provider {
                    name: "aws",
                    alias: "dr".into(),
                },
            ));
        }
        m.arg("store_path", Expr::s(names::fact_store_path(self.inventory())))
            .arg("publisher", Expr::s(self.role.as_str()))
            .arg("publish", publish)
            .arg("tags", self.tags(None));
        // First in main.tf: what this root exchanges with the other one.
        self.root.modules.insert(0, m);
        self.root.facts_read.sort();
        self.root.facts_published = self.published.iter().map(|f| f.name.clone()).collect();
    }

    /// The guard against undoing a declared failover: while the marker
    /// ([`names::failover_marker`]) is in the fact store, every plan of this
    /// root fails unless `var.failover_acknowledged` holds the marker's value
    /// (the time of that declaration), as the runbook's failover and
    /// failback write it. The CI's apply workflow checks the marker itself;
    /// this stops an apply by hand or by `acmegen deploy`, which would put
    /// the standby values back (DR capacity to pilot light, traffic dials to
    /// the primary, promoted databases back to replicas). Bound to the
    /// declaration, an acknowledgement left on a machine by an earlier
    /// failover does not pass the next one. The output's value is the
    /// constant parameter name, so that it changes no plan. Terraform does
    /// not evaluate it in a destroy, nor in a `-target` apply that leaves
    /// out the fact store.
    fn plan_failover_guard(&mut self) {
        let dr = &self.v.inventory.regions.dr;
        let marker = names::failover_marker(self.inventory());
        let file = names::INCIDENT_TFVARS;
        let writer = if self.primary() {
            "the runbook's failback writes"
        } else {
            "the runbook's failover and failback write"
        };
        let acknowledged = self.var(
            "failover_acknowledged",
            &format!(
                "The time of the declared failover this apply belongs to: the value of {marker} in {dr}, which {writer} to {file}. While a failover is declared, a plan without it fails. The drill's failover and failback jobs and the pull-request plans set it too."
            ),
            "string",
            Expr::Null,
            VarRole::Setting,
        );
        let declared = Expr::call(
            "contains",
            vec![Expr::module("facts", "names"), Expr::s(names::FAILOVER_MARKER_FACT)],
        );
        let declared_at = Expr::call(
            "lookup",
            vec![
                Expr::module("facts", "values"),
                Expr::s(names::FAILOVER_MARKER_FACT),
                Expr::Null,
            ],
        );
        let message = format!(
            "A failover of {inventory} is declared (SSM parameter {marker} in {dr}): an apply without the failover's values would undo it. Follow RUNBOOK.md's failover or failback steps: {writer} the parameter's value to this root's {file} (failover_acknowledged = \"<value>\"; a value from an earlier failover does not count). Once the failback is done, its last step deletes the parameter and the files; a false alarm: aws ssm delete-parameter --name {marker} --region {dr}, then delete {file}.",
            inventory = self.inventory(),
        );
        self.root.outputs.push(Output {
            name: "failover_marker".into(),
            description: format!("The SSM parameter (in {dr}) that declares a failover of this inventory: while it exists, every plan of this root needs failover_acknowledged set to its value."),
            value: Expr::s(&marker),
            sensitive: false,
            precondition: Some((Expr::cond(declared, Expr::eq(acknowledged, declared_at), Expr::Bool(true)), message)),
        });
    }

    /// The `identities` output: for every module a failover or failback must
    /// keep (keys, network, load balancers, DNS records and health checks,
    /// accelerator endpoint groups, peering and its routes, clusters,
    /// buckets, databases, their replicas and replicated backups, master
    /// secret replicas), what identifies it: IDs plus the attributes AWS
    /// cannot change in place. The generated outage test compares them
    /// across runs; operators can compare them before and after a change.
    fn plan_identities(&mut self) {
        let mut entries: Vec<(String, Expr)> = Vec::new();
        for m in &self.root.modules {
            let fields: &[(&str, &str)] = match m.source.as_str() {
                "alb" | "ga_endpoint_group" | "route53_record" | "vpc_peering_accepter" | "rds_backup_replication" => {
                    entries.push((m.label.clone(), m.out_or_null("identity")));
                    continue;
                }
                "kms" => &[("key_arn", "key_arn")],
                "private_zone" => &[("zone_id", "zone_id")],
                "vpc" => &[("vpc_id", "vpc_id")],
                "vpc_peering_requester" => &[("peering_connection_id", "peering_connection_id")],
                "global_accelerator" => &[("listener_arn", "listener_arn")],
                "eks" => &[
                    ("cluster_name", "cluster_name"),
                    ("oidc_provider_arn", "oidc_provider_arn"),
                ],
                "s3" => &[("bucket", "bucket_id"), ("arn", "bucket_arn")],
                "ecr" => &[("repository_arn", "repository_arn")],
                "rds" => &[
                    ("arn", "arn"),
                    ("identifier", "identifier"),
                    ("master_secret_arn", "master_secret_arn"),
                    ("master_secret_replicas", "master_secret_replicas"),
                    ("dns_record", "dns_record"),
                ],
                "aurora" => &[
                    ("cluster_arn", "cluster_arn"),
                    ("cluster_identifier", "cluster_identifier"),
                    ("global_cluster_identifier", "global_cluster_identifier"),
                    ("master_secret_arn", "master_secret_arn"),
                    ("master_secret_replicas", "master_secret_replicas"),
                    ("dns_record", "dns_record"),
                ],
                _ => continue,
            };
            let map = fields
                .iter()
                .map(|(k, out)| (k.to_string(), m.out_or_null(*out)))
                .collect();
            entries.push((m.label.clone(), Expr::Map(map)));
        }
        if entries.is_empty() {
            return;
        }
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        self.output(
            "identities".into(),
            "What identifies each resource a failover or failback must keep (IDs and the attributes AWS cannot change in place), by module: compare before and after an apply; tests/outage.tftest.hcl does.".into(),
            Expr::Map(entries),
        );
    }

    /// `var.admin_cidrs`: the ranges allowed to the public endpoint of the
    /// clusters of this root. Required (no default) where Terraform installs
    /// charts on a cluster of this root and the inventory gives no ranges
    /// (documentation range 203.0.113.0/24 is only the example value).
    pub fn admin_cidrs(&mut self) -> Expr {
        let charts = self.installs_charts();
        let description = "Ranges of the administrators and CI runners applying this root: the only sources of the EKS public API endpoint (empty keeps it private; charts are then applied from inside the VPC).";
        let var = match (&self.v.inventory.admin_cidrs, charts) {
            (Some(given), _) => self.var(
                "admin_cidrs",
                description,
                "list(string)",
                Expr::strs(given.clone()),
                VarRole::Setting,
            ),
            (None, true) => self.required_var(
                "admin_cidrs",
                description,
                "list(string)",
                Expr::strs(["203.0.113.0/24"]),
            ),
            (None, false) => self.var(
                "admin_cidrs",
                description,
                "list(string)",
                Expr::List(vec![]),
                VarRole::Setting,
            ),
        };
        self.validate_var("admin_cidrs", Validation::Cidrs { non_empty: charts });
        var
    }
}

/// Sort `items` stably by name, moving each item once: a root holds tens of
/// thousands of variables of a few hundred bytes each, and sorting their
/// indices moves four bytes per step instead of a whole variable.
fn sort_by_name<T>(items: &mut Vec<T>, name: impl Fn(&T) -> &str) {
    let mut order: Vec<u32> = (0..items.len() as u32).collect();
    order.sort_by(|&a, &b| name(&items[a as usize]).cmp(name(&items[b as usize])));
    let mut slots: Vec<Option<T>> = std::mem::take(items).into_iter().map(Some).collect();
    *items = order
        .iter()
        .map(|&i| slots[i as usize].take().expect("each index is taken once"))
        .collect();
}
