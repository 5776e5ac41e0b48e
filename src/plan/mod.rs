//! Stage 3: turn a validated inventory into two root-module plans (primary
//! and DR): which local modules are called with which arguments, which
//! variables the roots expose, and what they output. The plan is typed —
//! arguments are [`Expr`] trees, variables carry a [`VarRole`], module calls
//! their [`Origin`] — and [`crate::emit`] alone turns it into HCL text.
//!
//! The planning of each asset lives with its kind ([`crate::kinds`]); this
//! module holds the plan types, the [`Planner`] context they share, the
//! fact store and the bootstrap's part.

pub mod expr;
pub mod modules;
pub mod nacl;
pub mod names;
pub mod network;
mod planner;

pub use expr::Expr;
pub use names::{fact_store_path, region_code, zone_label};
pub use planner::{present, Planner};

use crate::inventory::{DrStrategy, Kind};
use crate::validate::Validated;
use serde::Serialize;
use std::borrow::Cow;

/// Which root a plan is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Serves production traffic.
    Primary,
    /// Disaster-recovery region.
    Dr,
}

impl Role {
    /// `primary` or `dr`: the directory name of the root.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Primary => "primary",
            Role::Dr => "dr",
        }
    }
}

/// Both roots of one inventory.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Inventory name (output directory).
    pub name: String,
    /// Primary root.
    pub primary: RootPlan,
    /// DR root.
    pub dr: RootPlan,
    /// What the bootstrap root creates besides the state buckets.
    pub bootstrap: Bootstrap,
}

impl Plan {
    /// Both roots, primary first.
    pub fn roots(&self) -> [&RootPlan; 2] {
        [&self.primary, &self.dr]
    }
}

/// The bootstrap root: applied once, before the others.
#[derive(Debug, Clone, Serialize)]
pub struct Bootstrap {
    /// Create (or adopt) the EC2 Auto Scaling service-linked role that the
    /// key policies name (the inventory runs EKS managed node groups).
    pub autoscaling_slr: bool,
    /// Public hosted zones to create (route53 assets without `zone_id`).
    pub zones: Vec<Zone>,
    /// DNS validation records of the roots' certificates: one owner for the
    /// record both regions' certificates validate and renew with.
    pub validations: Vec<DnsValidation>,
}

/// A DNS validation record the bootstrap root owns.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct DnsValidation {
    /// Terraform label (`www_shop_example_org`).
    pub label: String,
    /// The certificates' domain name.
    pub domain: String,
    /// The zone holding it: `module.zone_<label>.zone_id` or a given ID, as HCL.
    pub zone_id: String,
}

/// A hosted zone the bootstrap root creates.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct Zone {
    /// Terraform label (`shop_example_org`).
    pub label: String,
    /// Domain name.
    pub name: String,
}

/// One root module: providers, backend, variables, module calls and outputs.
#[derive(Debug, Clone)]
pub struct RootPlan {
    /// primary or dr.
    pub role: Role,
    /// Region this root deploys into.
    pub region: String,
    /// The other region of the inventory.
    pub peer_region: String,
    /// Inventory name.
    pub inventory: String,
    /// Inventory description, if any.
    pub description: Option<String>,
    /// Prefix of the S3 bucket holding this root's state, in this root's
    /// region: `<prefix>-<account ID>-<region>`.
    pub state_bucket_prefix: String,
    /// Key of the state object.
    pub state_key: String,
    /// Common tags merged into provider default_tags, in order.
    pub tags: Vec<(String, String)>,
    /// Whether the root needs `data.aws_caller_identity.current`.
    pub caller_identity: bool,
    /// Whether the root configures an `aws.dr` provider (the primary's way
    /// into the DR-region fact store).
    pub dr_provider: bool,
    /// Facts of the other root this root reads (`<publisher>/<fact>`), sorted.
    pub facts_read: Vec<String>,
    /// Facts this root publishes (names under its own publisher), sorted.
    pub facts_published: Vec<String>,
    /// Helm providers, one per EKS cluster that runs charts.
    pub helm_clusters: Vec<String>,
    /// Values many module calls share, written once as root locals (see
    /// [`SharedLocal`]), in the order planning first used them.
    pub locals: Vec<SharedLocal>,
    /// Root input variables, sorted by name.
    pub variables: Vec<Variable>,
    /// Module calls, one per asset (plus implicit infrastructure).
    pub modules: Vec<ModuleCall>,
    /// Root outputs, sorted by name.
    pub outputs: Vec<Output>,
    /// The most vCPUs of On-Demand Standard instances this root can run
    /// (after a failover, in DR), and where they come from: the root's
    /// preflight compares them with the account's applied quota.
    pub vcpus: Option<(u32, Vec<String>)>,
}

impl RootPlan {
    /// `e`, or the value of the shared local it names (`local.<name>`, see
    /// [`SharedLocal`]): what a module call's argument holds.
    pub fn resolve<'e>(&'e self, e: &'e Expr) -> &'e Expr {
        if let Expr::Ref(expr::Ref {
            root: expr::Root::Local(name),
            steps,
        }) = e
        {
            if let (true, Some(l)) = (steps.is_empty(), self.locals.iter().find(|l| l.name == name)) {
                return &l.value;
            }
        }
        e
    }

    /// The state bucket of this root for `account` (an ID, or a shell
    /// variable such as `$ACCOUNT_ID`).
    pub fn state_bucket(&self, account: &str) -> String {
        format!("{}-{account}-{}", self.state_bucket_prefix, self.region)
    }

    /// The variable named `name`.
    pub fn variable(&self, name: &str) -> Option<&Variable> {
        // Planning sorts the variables by name (binary search).
        let i = self.variables.binary_search_by(|v| v.name.as_str().cmp(name)).ok()?;
        Some(&self.variables[i])
    }

    /// The providers this root requires: aws always, the others those its
    /// modules require (the module table's extra providers).
    pub fn providers(&self) -> Vec<&'static str> {
        let mut names = vec!["aws"];
        for m in &self.modules {
            if let Some(spec) = modules::MODULES.iter().find(|s| s.name == m.source) {
                for p in spec.extra_providers {
                    if !names.contains(p) {
                        names.push(p);
                    }
                }
            }
        }
        names.sort_by_key(|p| ["aws", "helm", "random"].iter().position(|x| x == p));
        names
    }
}

/// Where a module call comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A Table 1.1 row.
    Asset {
        /// Asset name.
        name: String,
        /// Its kind.
        kind: Kind,
        /// Its DR strategy.
        strategy: DrStrategy,
    },
    /// Infrastructure acmegen adds: the region's key or network when the
    /// inventory lists none, the registry replication, the fact store.
    Implicit {
        /// What it is.
        what: &'static str,
        /// The kind it stands in for, if any.
        kind: Option<Kind>,
    },
}

impl Origin {
    /// The asset's name, or "" for implicit infrastructure.
    pub fn asset(&self) -> &str {
        match self {
            Origin::Asset { name, .. } => name,
            Origin::Implicit { .. } => "",
        }
    }
}

/// The name of a module argument: a literal of the planning code, owned
/// only when made from data (a root holds a few hundred thousand).
pub type ArgName = Cow<'static, str>;

/// A value that every module call of some kind in a root takes (e.g. the
/// servers every Prometheus scrapes), written once as `local.<name>` and
/// named by each call: listed in every call, such a list grows with the
/// product of two asset counts (monitoring stacks × servers). Not for calls
/// with `count`: checkov 3.3 stops evaluating a counted module whose
/// argument names a local built from module outputs.
#[derive(Debug, Clone)]
pub struct SharedLocal {
    /// The local's name.
    pub name: &'static str,
    /// The comment above it.
    pub comment: &'static str,
    /// Its value.
    pub value: Expr,
}

/// A `module "label" { … }` block.
#[derive(Debug, Clone)]
pub struct ModuleCall {
    /// Block label, unique within the root.
    pub label: String,
    /// Directory under generated/modules/.
    pub source: String,
    /// What the call renders.
    pub origin: Origin,
    /// Comment above the block (Table 1.1 purpose and DR role).
    pub comment: String,
    /// `count` when the call is conditional.
    pub count: Option<Expr>,
    /// `providers` mapping: the module's provider name → the root's configuration.
    pub providers: Vec<(&'static str, Expr)>,
    /// Arguments.
    pub args: Vec<(ArgName, Expr)>,
    /// Other module labels this call waits for.
    pub depends_on: Vec<String>,
}

impl ModuleCall {
    /// Add argument `name = value`.
    pub fn arg(&mut self, name: impl Into<ArgName>, value: Expr) -> &mut Self {
        self.args.push((name.into(), value));
        self
    }

    /// The argument named `name`.
    pub fn argument(&self, name: &str) -> Option<&Expr> {
        self.args.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }

    /// Reference to an output of this call (through `[0]` when it has a count).
    pub fn out(&self, output: impl Into<Cow<'static, str>>) -> Expr {
        output_of(&self.label, self.count.is_some(), output)
    }

    /// Output reference safe for root outputs (null when count is 0).
    pub fn out_or_null(&self, output: impl Into<Cow<'static, str>>) -> Expr {
        output_or_null(&self.label, self.count.is_some(), output)
    }
}

/// A module call already added to its root: what reading its outputs needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Called {
    /// Block label.
    pub label: String,
    /// Whether the call has a `count`.
    pub counted: bool,
}

impl Called {
    /// Reference to an output of the call (through `[0]` when it has a count).
    pub fn out(&self, output: impl Into<Cow<'static, str>>) -> Expr {
        output_of(&self.label, self.counted, output)
    }

    /// Output reference safe for root outputs (null when count is 0).
    pub fn out_or_null(&self, output: impl Into<Cow<'static, str>>) -> Expr {
        output_or_null(&self.label, self.counted, output)
    }
}

fn output_of(label: &str, counted: bool, output: impl Into<Cow<'static, str>>) -> Expr {
    if counted {
        Expr::module_first(label, output)
    } else {
        Expr::module(label, output)
    }
}

fn output_or_null(label: &str, counted: bool, output: impl Into<Cow<'static, str>>) -> Expr {
    if counted {
        Expr::call(
            "one",
            vec![Expr::Splat {
                module: label.to_string(),
                output: output.into().into_owned(),
            }],
        )
    } else {
        Expr::module(label, output)
    }
}

/// What a root variable is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VarRole {
    /// How much runs here (instances, nodes, addresses): failover raises it in DR.
    Capacity,
    /// The traffic this region takes: an accelerator's dial, or whether the
    /// PRIMARY DNS failover record may answer. Failover and failback move it.
    TrafficDial,
    /// A DR copy that failover promotes (true: standby; failover sets false).
    Promotion,
    /// A value the user sets once (instance types, certificates, tags).
    Setting,
    /// A value only the user knows, without a default (admin ranges, alert
    /// addresses, public keys): the tfvars example and the tests show one.
    OperatorInput,
}

/// How a variable's value is validated (rendered by emit).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Validation {
    /// A list of CIDRs, never /0; `non_empty` when something needs one.
    Cidrs {
        /// At least one range is required.
        non_empty: bool,
    },
}

/// A root `variable` block.
#[derive(Debug, Clone)]
pub struct Variable {
    /// Variable name.
    pub name: String,
    /// Description (required by the tflint documented_variables rule).
    pub description: String,
    /// Type constraint, e.g. `list(string)`.
    pub ty: &'static str,
    /// Default; None makes the variable required.
    pub default: Option<Expr>,
    /// For a required variable: an example value, written to the root's
    /// `terraform.tfvars.example` and to its generated test files.
    pub example: Option<Expr>,
    /// How the value is validated.
    pub validation: Option<Validation>,
    /// What the variable is for.
    pub role: VarRole,
}

/// A root `output` block.
#[derive(Debug, Clone)]
pub struct Output {
    /// Output name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Value.
    pub value: Expr,
    /// Hide the value in CLI output.
    pub sensitive: bool,
    /// A condition every plan of the root must meet, and the error
    /// Terraform stops the plan with when it does not.
    pub precondition: Option<(Expr, String)>,
}

/// Plan both roots of a validated inventory.
pub fn plan(v: &Validated) -> Plan {
    let mut zones: Vec<Zone> = v
        .assets
        .iter()
        .filter_map(|a| {
            let crate::kinds::Options::Route53(r) = &a.options else {
                return None;
            };
            r.zone_id.is_none().then(|| Zone {
                label: zone_label(&r.zone),
                name: r.zone.trim_end_matches('.').to_string(),
            })
        })
        .collect();
    zones.sort();
    zones.dedup();
    Plan {
        name: v.inventory.name.clone(),
        primary: Planner::new(v, Role::Primary).run(),
        dr: Planner::new(v, Role::Dr).run(),
        bootstrap: Bootstrap {
            // Key policies name the role where EKS nodes or the default EBS key need it.
            autoscaling_slr: v.inventory.ebs_default_encryption || v.assets.iter().any(|a| a.kind.uses_autoscaling()),
            zones,
            validations: crate::kinds::alb::validated_names(v)
                .into_iter()
                .filter_map(|(domain, record)| {
                    let crate::kinds::Options::Route53(r) = &record.options else {
                        return None;
                    };
                    let zone_id = match &r.zone_id {
                        Some(given) => expr::quote(given),
                        None => format!("module.zone_{}.zone_id", zone_label(&r.zone)),
                    };
                    Some(DnsValidation {
                        label: zone_label(&domain),
                        domain,
                        zone_id,
                    })
                })
                .collect(),
        },
    }
}
