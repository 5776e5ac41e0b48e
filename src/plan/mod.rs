//! Stage 3: turn a validated inventory into two root-module plans (primary
//! and DR): which local modules are called with which arguments, which
//! variables the roots expose, and what they output. Emission only renders
//! this model; every decision about resources is made here.

mod assets;
pub mod expr;
pub mod modules;
pub mod network;

pub use assets::{fact_store_path, zone_label};
pub use expr::Expr;

use crate::inventory::{Asset, DrStrategy, Inventory, Kind};
use serde::Serialize;

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
#[derive(Debug, Clone, Serialize)]
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

/// The bootstrap root: applied once, before the others.
#[derive(Debug, Clone, Serialize)]
pub struct Bootstrap {
    /// Create (or adopt) the EC2 Auto Scaling service-linked role that the
    /// key policies name (the inventory runs EKS managed node groups).
    pub autoscaling_slr: bool,
    /// Public hosted zones to create (route53 assets without `zone_id`).
    pub zones: Vec<Zone>,
}

/// A hosted zone the bootstrap root creates.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct Zone {
    /// Terraform label (`shop_example_org`).
    pub label: String,
    /// Domain name.
    pub name: String,
}

impl RootPlan {
    /// The state bucket of this root for `account` (an ID, or a shell
    /// variable such as `$ACCOUNT_ID`).
    pub fn state_bucket(&self, account: &str) -> String {
        format!("{}-{account}-{}", self.state_bucket_prefix, self.region)
    }
}

impl Plan {
    /// Both roots, primary first.
    pub fn roots(&self) -> [&RootPlan; 2] {
        [&self.primary, &self.dr]
    }
}

/// One root module: providers, backend, variables, module calls and outputs.
#[derive(Debug, Clone, Serialize)]
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
    /// Common tags (key, rendered value) merged into provider default_tags.
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
    /// Whether any module needs the random provider.
    pub random: bool,
    /// Root input variables.
    pub variables: Vec<Variable>,
    /// Module calls, one per asset (plus implicit VPC/KMS).
    pub modules: Vec<ModuleCall>,
    /// Root outputs.
    pub outputs: Vec<Output>,
}

/// A `module "label" { … }` block.
#[derive(Debug, Clone, Serialize)]
pub struct ModuleCall {
    /// Block label, unique within the root.
    pub label: String,
    /// Directory under generated/modules/.
    pub source: String,
    /// Asset this call renders ("" for implicit infrastructure).
    pub asset: String,
    /// Kind of that asset.
    pub kind: Kind,
    /// DR strategy of that asset.
    pub strategy: DrStrategy,
    /// Comment above the block (Table 1.1 purpose and DR role).
    pub comment: String,
    /// `count` expression when the call is conditional.
    pub count: Option<String>,
    /// `providers` mapping, rendered.
    pub providers: Option<String>,
    /// Arguments, rendered.
    pub args: Vec<Arg>,
    /// Other module labels this call waits for.
    pub depends_on: Vec<String>,
}

/// One `name = value` argument of a module call. Serialized as the pair
/// `[name, value]` (templates read `a.0` and `a.1`): a map per argument
/// would make the template context several times larger than the output.
#[derive(Debug, Clone)]
pub struct Arg {
    /// Argument name (a variable of the module).
    pub name: String,
    /// Rendered expression.
    pub value: String,
}

impl Serialize for Arg {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        (&self.name, &self.value).serialize(serializer)
    }
}

/// A root `variable` block.
#[derive(Debug, Clone, Serialize)]
pub struct Variable {
    /// Variable name.
    pub name: String,
    /// Description (required by the tflint documented_variables rule).
    pub description: String,
    /// Type constraint.
    #[serde(rename = "type")]
    pub ty: String,
    /// Rendered default; None makes the variable required.
    pub default: Option<String>,
    /// For a required variable: an example value, written to the root's
    /// `terraform.tfvars.example` and to its generated test file.
    pub example: Option<String>,
    /// A `validation` block: condition and error message.
    pub validation: Option<(String, String)>,
}

/// A root `output` block.
#[derive(Debug, Clone, Serialize)]
pub struct Output {
    /// Output name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Rendered value.
    pub value: String,
    /// Hide the value in CLI output.
    pub sensitive: bool,
}

impl ModuleCall {
    fn new(label: &str, source: &str, asset: Option<&Asset>, comment: String) -> Self {
        ModuleCall {
            label: label.to_string(),
            source: source.to_string(),
            asset: asset.map(|a| a.name.clone()).unwrap_or_default(),
            kind: asset.map_or(Kind::Vpc, |a| a.kind),
            strategy: asset.map_or(DrStrategy::Active, |a| a.dr),
            comment,
            count: None,
            providers: None,
            args: Vec::new(),
            depends_on: Vec::new(),
        }
    }

    fn arg(&mut self, name: &str, value: Expr) -> &mut Self {
        self.args.push(Arg {
            name: name.to_string(),
            value: value.render(),
        });
        self
    }

    /// Reference to an output of this call (through `[0]` when it has a count).
    fn out(&self, output: &str) -> String {
        match self.count {
            Some(_) => format!("module.{}[0].{output}", self.label),
            None => format!("module.{}.{output}", self.label),
        }
    }

    /// Output reference safe for root outputs (null when count is 0).
    fn out_or_null(&self, output: &str) -> String {
        match self.count {
            Some(_) => format!("one(module.{}[*].{output})", self.label),
            None => format!("module.{}.{output}", self.label),
        }
    }
}

/// Short region code used in resource names.
///
/// ```
/// assert_eq!(acmegen::plan::region_code("us-east-2"), "use2");
/// assert_eq!(acmegen::plan::region_code("ap-southeast-1"), "apse1");
/// ```
pub fn region_code(region: &str) -> String {
    let mut parts = region.split('-');
    let geo = parts.next().unwrap_or_default();
    let dir = parts.next().unwrap_or_default();
    let num = parts.next().unwrap_or_default();
    let dir_code: String = ["north", "south", "east", "west", "central"]
        .iter()
        .fold(dir.to_string(), |acc, w| acc.replace(w, &w[..1]));
    format!("{geo}{dir_code}{num}")
}

/// Plan both roots of a validated inventory.
pub fn plan(inv: &Inventory) -> Plan {
    let mut sorted = inv.clone();
    // Order of Table 1.1 rows does not change the output.
    sorted.assets.sort_by(|a, b| a.name.cmp(&b.name));
    let mut zones: Vec<Zone> = sorted
        .assets
        .iter()
        .filter(|a| a.kind == Kind::Route53 && a.zone_id.is_none())
        .filter_map(|a| a.zone.as_deref())
        .map(|z| Zone {
            label: zone_label(z),
            name: z.trim_end_matches('.').to_string(),
        })
        .collect();
    zones.sort();
    zones.dedup();
    Plan {
        name: inv.name.clone(),
        primary: assets::plan_root(&sorted, Role::Primary),
        dr: assets::plan_root(&sorted, Role::Dr),
        bootstrap: Bootstrap {
            // Key policies name the role where EKS nodes or the default EBS key need it.
            autoscaling_slr: inv.ebs_default_encryption || sorted.assets.iter().any(|a| a.kind == Kind::Eks),
            zones,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_codes() {
        assert_eq!(region_code("us-east-2"), "use2");
        assert_eq!(region_code("us-west-1"), "usw1");
        assert_eq!(region_code("ap-southeast-2"), "apse2");
        assert_eq!(region_code("eu-central-1"), "euc1");
    }
}
