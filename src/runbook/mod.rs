//! The DR plan as an output: ordered failover, failback and drill steps
//! derived from the assets and their strategies (rendered to
//! `generated/<name>/RUNBOOK.md`), and the variable changes that turn the DR
//! root from standby into primary capacity (`acmegen failover`).
//!
//! Every step is meant to run as written against real AWS with the primary
//! region gone: each shell block sets the variables it uses, waiters are
//! re-run past their built-in limits, and the failover levers are direct
//! calls to the DR region's APIs (and Global Accelerator's, in us-west-2),
//! never a full apply that would need the IAM and Route 53 control planes in
//! us-east-1. The behaviour each step relies on is AWS's documented one; the
//! comments next to the code name it.

use crate::fnv::{FnvMap as HashMap, FnvSet as HashSet};
use crate::inventory::{Asset, DrStrategy, Inventory, Kind};
use crate::kinds::rds::fixed;
use crate::kinds::Category;
use crate::plan::expr::{Part, Ref, Root};
use crate::plan::{fact_store_path, names, Expr, ModuleCall, Plan, Role, RootPlan, VarRole};
use serde::Serialize;

mod bootstrap;
mod databases;
mod drill;
mod failback;
mod failover;
mod migration;
mod nodes;
mod shell;
mod standby;
mod values;

use bootstrap::*;
use databases::*;
use drill::*;
use failback::*;
use failover::*;
use shell::*;
use standby::*;
use values::*;

pub use failover::{autoscaled_clusters, failover_plan, failover_text, AutoscaledCluster, DbName, Failover};

/// A rollout Terraform does not wait for (see [`unawaited_rollouts`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rollout {
    /// Points kubectl at the release's cluster (context named after it).
    pub kubeconfig: String,
    /// Waits for the release's deployment.
    pub status: String,
    /// Succeeds when the release's image is in this region's registry.
    pub image_present: String,
}

/// The rollouts Terraform does not wait for among `modules` of `root`: the
/// Helm releases of an image of the inventory's own registry (k8s_app
/// `wait_for_rollout = false`, the registry being empty at the first
/// apply).
pub fn unawaited_rollouts<'m>(
    inv: &Inventory,
    root: &RootPlan,
    modules: impl IntoIterator<Item = &'m ModuleCall>,
) -> Vec<Rollout> {
    let mut out = Vec::new();
    for m in modules.into_iter().filter(|m| m.argument("wait_for_rollout").is_some()) {
        let (Some(name), Some(namespace), Some(tag)) = (
            arg_str(m, "name", root),
            arg_str(m, "namespace", root),
            arg_str(m, "image_tag", root),
        ) else {
            continue;
        };
        let Some(app) = inv.assets.iter().find(|a| a.name == m.origin.asset()) else {
            continue;
        };
        let (Some(cluster), Some(image)) = (app.target.as_deref(), app.image.as_deref()) else {
            continue;
        };
        let eks = names::resource(&inv.name, cluster, &root.region);
        let repository = names::repository(&inv.name, crate::kinds::app::split_image(image).0);
        let region = &root.region;
        out.push(Rollout {
            kubeconfig: format!("aws eks update-kubeconfig --name {eks} --region {region} --alias {eks}"),
            status: format!("kubectl --context {eks} -n {namespace} rollout status deployment/{name} --timeout=10m"),
            image_present: describe_image(&repository, &tag, region),
        });
    }
    out
}

/// Shell lines that wait until every PostgreSQL standby of `plan`'s DR
/// root replays the primary's archive (empty without standbys).
pub fn standbys_following(inv: &Inventory, plan: &Plan) -> Vec<String> {
    standby::following(&Ctx::new(inv, plan, String::new()))
}

/// One shell line that deletes every recovery point of backup vault
/// `vault` (a name or a shell word such as `"$vault"`) in `region` and
/// waits until none is left, or fails after 15 minutes. A deletion is
/// asynchronous, and one refused (a point still being created or copied
/// in) is tried again at the next look, as is a point that arrived since.
pub fn empty_backup_vault(vault: &str, region: &str) -> String {
    format!(
        "for _ in $(seq 90); do LEFT=$(aws backup list-recovery-points-by-backup-vault --backup-vault-name {vault} --region {region} --query 'RecoveryPoints[].[RecoveryPointArn, Status]' --output text); [ -z \"$LEFT\" ] && break; printf '%s\\n' \"$LEFT\" | while read -r POINT STATUS; do [ \"$STATUS\" = DELETING ] || aws backup delete-recovery-point --backup-vault-name {vault} --recovery-point-arn \"$POINT\" --region {region} || true; done; sleep 10; done; [ -z \"$LEFT\" ]"
    )
}

/// What a drill's databases leave outside Terraform, as commands (see the
/// drill's teardown).
pub struct DatabaseLeftovers {
    /// Before the DR root's destroy: the copies a failover restored.
    pub before_dr: Vec<String>,
    /// Before the primary root's destroy: the old primaries a failback kept aside.
    pub before_primary: Vec<String>,
    /// After both destroys: the manual snapshots, in both regions.
    pub after: Vec<String>,
}

/// What the databases of inventory `inv` (the drill's copy) leave outside
/// Terraform, as the commands to run before its roots' destroy and after
/// it (see the drill's teardown): the drill workflow's destroy jobs.
pub fn database_leftovers(inv: &Inventory, plan: &Plan) -> DatabaseLeftovers {
    drill::database_leftovers(&Ctx::new(inv, plan, String::new()))
}

/// Commands that give every Aurora global database of inventory `inv` (the
/// drill's copy) its primary-region writer back where the DR cluster writes
/// (a run that stopped between failover and failback): a writer with a
/// secondary cannot be removed from its global database, so the DR root's
/// destroy would stop at it, and the primary root's, which waits for it,
/// would never run (helper-74). Empty without Aurora.
pub fn aurora_writers_back(inv: &Inventory, plan: &Plan) -> Vec<String> {
    databases::writers_back(&Ctx::new(inv, plan, String::new()))
}

/// The runbook's replication-lag measurement of the drill (see the DR drill
/// section), for inventory `inv` itself: the drill workflow runs it on its
/// copy just before the outage. `None` where no bucket is replicated.
pub fn replication_lag(inv: &Inventory, plan: &Plan) -> Option<Step> {
    drill::replication_lag(&Ctx::new(inv, plan, String::new()))
}

/// The command that finds image `repository:tag` in `region`'s registry
/// (it fails when the image or the repository is not there).
fn describe_image(repository: &str, tag: &str, region: &str) -> String {
    format!("aws ecr describe-images --repository-name {repository} --image-ids imageTag={tag} --region {region}")
}

/// The command that acknowledges the declared failover in the directories
/// of the `roles` roots (`incident.auto.tfvars`, see
/// [`crate::plan::names::INCIDENT_TFVARS`]) with its time, the marker's
/// value, from the shell variable `DECLARED`: their plans then pass the
/// roots' `failover_marker` guard. One command for both roots (the drill's
/// workflow splits a step by the root its commands name).
fn acknowledge_failover(c: &Ctx<'_>, roles: &[&str]) -> String {
    let paths: Vec<String> = roles.iter().map(|role| incident_file(&c.dir, role)).collect();
    let (last, rest) = paths.split_last().expect("at least one root");
    let tee: String = rest.iter().map(|p| format!(" | tee {p}")).collect();
    format!("printf 'failover_acknowledged = \"%s\"\\n' \"$DECLARED\"{tee} > {last}")
}

/// The command that prints the time the failover of inventory `name` was
/// declared: its marker's value, in `dr_region`.
pub fn failover_declaration(name: &str, dr_region: &str) -> String {
    format!(
        "aws ssm get-parameter --name {} --region {dr_region} --query Parameter.Value --output text",
        crate::plan::names::failover_marker(name)
    )
}

/// The command that acknowledges the declared failover of inventory `name`
/// in both roots' directories with its time, read back from the marker
/// ([`failover_declaration`]): the failback may run on another machine than
/// the failover. Nothing is written when the time cannot be read (the step
/// fails where the shell stops on errors, as in the drill).
fn acknowledge_declared_failover(c: &Ctx<'_>) -> String {
    format!(
        "if DECLARED=$({}) && case \"$DECLARED\" in {}) true ;; *) false ;; esac; then {}; else echo \"error: cannot read {}, or it holds no time the failover wrote: run this step again once it answers with the failover's time\" >&2; false; fi",
        failover_declaration(&c.name, c.dr),
        crate::plan::names::DECLARED_TIME_GLOB,
        acknowledge_failover(c, &["primary", "dr"]),
        crate::plan::names::failover_marker(&c.name),
    )
}

/// The `role` root's acknowledgement of a declared failover under the
/// inventory's directory `dir` (see [`crate::plan::names::INCIDENT_TFVARS`]).
fn incident_file(dir: &str, role: &str) -> String {
    format!("{dir}/{role}/{}", crate::plan::names::INCIDENT_TFVARS)
}

/// The command that removes both roots' acknowledgements of a declared
/// failover (see [`acknowledge_failover`]) under `dir`.
fn remove_acknowledgements(dir: &str) -> String {
    format!("rm -f {} {}", incident_file(dir, "primary"), incident_file(dir, "dr"))
}

/// The command that ends a declared failover of inventory `name`: deletes
/// its marker ([`crate::plan::names::failover_marker`]) in `dr_region`.
/// Deleted already (a step re-run) counts as done; any other error fails it.
pub fn delete_failover_marker(name: &str, dr_region: &str) -> String {
    format!(
        "GONE=$(aws ssm delete-parameter --name {} --region {dr_region} 2>&1) || case \"$GONE\" in *ParameterNotFound*) ;; *) echo \"$GONE\" >&2; false ;; esac",
        crate::plan::names::failover_marker(name)
    )
}

/// One DR root variable that failover changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VarChange {
    /// Variable of the DR root.
    pub name: String,
    /// Its standby default.
    pub from: String,
    /// The primary's value, which the DR root takes on failover.
    pub to: String,
}

/// Capacity and traffic variables whose DR default differs from the primary's.
pub fn failover_changes(plan: &Plan) -> Vec<VarChange> {
    plan.dr
        .variables
        .iter()
        .filter(|v| matches!(v.role, VarRole::Capacity | VarRole::TrafficDial | VarRole::Promotion))
        .filter_map(|v| {
            let from = v.default.as_ref()?.render();
            let to = match v.role {
                VarRole::Promotion => "false".to_string(),
                _ => plan.primary.variable(&v.name)?.default.as_ref()?.render(),
            };
            (from != to).then(|| VarChange {
                name: v.name.clone(),
                from,
                to,
            })
        })
        .collect()
}

/// `failover.auto.tfvars` for the DR root: the changes as HCL.
pub fn failover_tfvars(plan: &Plan) -> String {
    let mut out = format!(
        "# Written by `acmegen failover`: DR capacity of {} raised to primary capacity.\n# The failover levers (RUNBOOK.md) set the same values through the AWS APIs;\n# this file makes Terraform agree: terraform -chdir=generated/{}/dr apply\n# Failback: delete this file and apply again.\n\n",
        plan.name, plan.name
    );
    for c in failover_changes(plan) {
        out.push_str(&format!("{} = {}\n", c.name, c.to));
    }
    crate::format::format_hcl(&out)
}

/// Primary root variables that keep the primary out of rotation during a
/// failback, with their holding values: every traffic variable of the
/// primary root (an accelerator's dial at 0, a DNS record's rotation off).
pub fn failback_holds(plan: &Plan) -> Vec<(String, String)> {
    plan.primary
        .variables
        .iter()
        .filter(|v| v.role == VarRole::TrafficDial)
        .map(|v| {
            let hold = if v.ty == "bool" { "false" } else { "0" };
            (v.name.clone(), hold.to_string())
        })
        .collect()
}

pub use crate::objectives::Objective;

/// A runbook step: what to do, the exact commands, and what to check after.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    /// What the step achieves.
    pub title: String,
    /// Commands to run, in order.
    pub commands: Vec<String>,
    /// What must be true afterwards.
    pub verify: Vec<String>,
    /// A shell condition under which the step applies, for a step its title
    /// makes conditional ("Only if …"): people read the title, the drill's
    /// workflow runs the commands only where the condition holds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub only_if: Option<String>,
}

impl Step {
    fn new(title: impl Into<String>, commands: Vec<String>, verify: Vec<String>) -> Self {
        Step {
            title: title.into(),
            commands,
            verify,
            only_if: None,
        }
    }

    /// This step, applying only where the shell condition `condition` holds.
    fn only_if(mut self, condition: String) -> Self {
        self.only_if = Some(condition);
        self
    }
}

/// Everything RUNBOOK.md shows.
#[derive(Debug, Serialize)]
pub struct Runbook {
    /// Inventory name.
    pub name: String,
    /// Inventory file, as `inventory/<file name>`.
    pub inventory: String,
    /// Design document it encodes.
    pub source: Option<String>,
    /// Primary region.
    pub primary: String,
    /// DR region.
    pub dr: String,
    /// State bucket of the DR root.
    pub dr_state_bucket: String,
    /// Per-asset objectives.
    pub objectives: Vec<Objective>,
    /// Worst recovery time over the assets that DR covers.
    pub overall_rto: String,
    /// Worst recovery point over the data assets that DR covers.
    pub overall_rpo: String,
    /// Assets with no DR copy at all.
    pub not_covered: Vec<String>,
    /// Whether the failover moves traffic through Global Accelerator, whose
    /// API the DR steps then call in its own region besides the DR region's.
    pub global_accelerator: bool,
    /// Pre-steps acmegen enforces.
    pub prechecks: Vec<String>,
    /// First deployment, in order.
    pub bootstrap: Vec<Step>,
    /// Failover, in order.
    pub failover: Vec<Step>,
    /// Failback, in order.
    pub failback: Vec<Step>,
    /// A drill that exercises the failover without losing the primary.
    pub drill: Vec<Step>,
    /// Variable changes of the failover apply.
    pub changes: Vec<VarChange>,
    /// The databases' stable names in the DR VPC after the failover.
    pub db_names: Vec<DbName>,
    /// "Roll the nodes": updating the clusters' worker nodes (empty without clusters).
    pub node_roll: Vec<Step>,
    /// "Migration": the weighted DNS shift from an existing endpoint (empty
    /// without a route53 `migration:` block).
    pub migration: Vec<Step>,
}

fn rank(strategy: DrStrategy) -> u8 {
    match strategy {
        DrStrategy::Active => 0,
        DrStrategy::Replica => 1,
        DrStrategy::PilotLight => 2,
        DrStrategy::Backup => 3,
        DrStrategy::None => 4,
    }
}

/// What every step is generated from: the inventory, its plan, and where
/// its roots are.
struct Ctx<'a> {
    inv: &'a Inventory,
    plan: &'a Plan,
    /// Inventory name in resource names (a drill's copy has its own).
    name: String,
    file: String,
    dr: &'a str,
    primary: &'a str,
    dir: String,
    /// The inventory's assets by name.
    assets: HashMap<&'a str, &'a Asset>,
    /// The first call of each (root is DR, asset, module source).
    calls: HashMap<(bool, &'a str, &'a str), &'a ModuleCall>,
}

/// The first module call of each (root is DR, asset, module source) of `plan`.
fn calls_of(plan: &Plan) -> HashMap<(bool, &str, &str), &ModuleCall> {
    let mut calls = HashMap::default();
    for (dr, root) in [(false, &plan.primary), (true, &plan.dr)] {
        for m in &root.modules {
            calls.entry((dr, m.origin.asset(), m.source.as_str())).or_insert(m);
        }
    }
    calls
}

impl<'a> Ctx<'a> {
    fn new(inv: &'a Inventory, plan: &'a Plan, file: String) -> Self {
        Ctx {
            inv,
            plan,
            name: inv.name.clone(),
            file,
            dr: &inv.regions.dr,
            primary: &inv.regions.primary,
            dir: format!("generated/{}", inv.name),
            assets: inv.assets.iter().map(|a| (a.name.as_str(), a)).collect(),
            calls: calls_of(plan),
        }
    }

    /// The same context for the drill's copy of the inventory (`<name>-drill`).
    fn drill(&self) -> Self {
        let name = format!("{}-drill", self.inv.name);
        Ctx {
            inv: self.inv,
            plan: self.plan,
            dir: format!("generated/{name}"),
            name,
            file: format!("inventory/{}-drill.yaml", self.inv.name),
            dr: self.dr,
            primary: self.primary,
            assets: self.assets.clone(),
            calls: self.calls.clone(),
        }
    }

    /// The asset a module call was planned for, if any.
    fn asset_of(&self, m: &ModuleCall) -> Option<&'a Asset> {
        self.assets.get(m.origin.asset()).copied()
    }

    fn region(&self, role: Role) -> &'a str {
        if role == Role::Primary {
            self.primary
        } else {
            self.dr
        }
    }

    fn ident(&self, a: &Asset, role: Role) -> String {
        names::resource(&self.name, &a.name, self.region(role))
    }

    fn root(&self, role: Role) -> &'a RootPlan {
        if role == Role::Primary {
            &self.plan.primary
        } else {
            &self.plan.dr
        }
    }

    fn of(&self, kind: Kind) -> impl Iterator<Item = &'a Asset> + 'a {
        self.inv.assets.iter().filter(move |a| a.kind == kind)
    }

    /// The databases: every asset of each database kind, kind by kind.
    fn databases(&self) -> impl Iterator<Item = &'a Asset> + 'a {
        let assets = &self.inv.assets;
        Kind::ALL
            .iter()
            .filter(|k| k.spec().category == Category::Database)
            .flat_map(move |&k| assets.iter().filter(move |a| a.kind == k))
    }

    fn tf(&self, role: &str, args: &str) -> String {
        format!("terraform -chdir={}/{role} {args}", self.dir)
    }

    /// The call of module `source` that asset `a` plans in the `role` root.
    fn call(&self, a: &Asset, role: Role, source: &str) -> Option<&'a ModuleCall> {
        self.calls.get(&(role == Role::Dr, a.name.as_str(), source)).copied()
    }

    /// A shell assignment of `var` to the fact `publisher/fact`, read from the
    /// fact store in the DR region (SSM Parameter Store there answers with the
    /// primary region gone).
    fn fact(&self, var: &str, publisher: &str, fact: &str) -> String {
        format!(
            "{var}=$(aws ssm get-parameter --name {}/{publisher}/{fact} --region {} --query Parameter.Value --output text)",
            fact_store_path(&self.name),
            self.dr
        )
    }

    /// The ARN of database instance `id` in `region`.
    fn db_arn(region: &str, id: &str) -> String {
        format!("arn:aws:rds:{region}:$ACCOUNT_ID:db:{id}")
    }

    /// The KMS alias of the primary region's key (the default RDS key if the
    /// plan has none).
    fn kms_alias(&self) -> String {
        self.plan
            .primary
            .modules
            .iter()
            .find(|m| m.source == "kms")
            .and_then(|m| m.argument("alias"))
            .and_then(|a| literal(a, &self.plan.primary))
            .and_then(|e| match e {
                Expr::Str(s) => Some(s.replace(&self.inv.name, &self.name)),
                _ => None,
            })
            .unwrap_or_else(|| "alias/aws/rds".into())
    }
}

/// Title of the first deployment's step that pushes the images of the
/// inventory's own repositories (`acmegen deploy` repeats its commands).
pub const PUSH_IMAGES_TITLE: &str = "Push the application images to the inventory's registries";

impl Ctx<'_> {
    /// Sets `ACCOUNT_ID`, which state bucket and bucket names carry. STS is
    /// asked in the DR region: without `--region` the CLI asks the default
    /// region's endpoint, the lost primary's on an on-call machine set up
    /// for it, and an empty `ACCOUNT_ID` would carry on into every name.
    fn account(&self) -> String {
        format!(
            "ACCOUNT_ID=$(aws sts get-caller-identity --region {} --query Account --output text)",
            self.dr
        )
    }
}

/// Databases whose master secret is replicated to DR (they have a DR copy).
fn replicated_secrets<'a>(c: &Ctx<'a>) -> impl Iterator<Item = &'a Asset> + 'a {
    secrets_replicated(c.inv)
}

/// The databases of `inv` whose master secret is replicated to DR: the
/// runbook finds their copies by name (`list-secrets`), which the CI's
/// apply roles are granted for them.
pub fn secrets_replicated(inv: &Inventory) -> impl Iterator<Item = &Asset> + '_ {
    inv.assets
        .iter()
        .filter(|a| a.kind.spec().category == Category::Database && a.in_dr())
}

/// Backup plans that copy into the DR region's vault (and, once a failover
/// makes it serve, back up there).
fn dr_backup_plans<'a>(c: &Ctx<'a>) -> impl Iterator<Item = &'a Asset> + 'a {
    c.of(Kind::BackupPlan).filter(|a| a.dr == DrStrategy::Backup)
}

/// Buckets replicated into the DR region.
fn replicated_buckets<'a>(c: &Ctx<'a>) -> impl Iterator<Item = &'a Asset> + 'a {
    c.of(Kind::S3)
        .filter(|a| matches!(a.dr, DrStrategy::Replica | DrStrategy::Backup))
}

/// RDS instances with a DR copy (a replica, or replicated backups).
fn rds_in_dr<'a>(c: &Ctx<'a>) -> Vec<&'a Asset> {
    c.of(Kind::Rds)
        .filter(|a| matches!(a.dr, DrStrategy::Replica | DrStrategy::Backup))
        .collect()
}

/// The DR root's output `name`, read in a shell command.
fn dr_output(c: &Ctx<'_>, name: &str) -> String {
    format!("$({})", c.tf("dr", &format!("output -raw {name}")))
}

/// Build the runbook of a validated inventory (read from `path`) and its plan.
pub fn runbook(inv: &Inventory, plan: &Plan, path: &std::path::Path) -> Runbook {
    let mut assets: Vec<&Asset> = inv.assets.iter().collect();
    assets.sort_by(|a, b| a.name.cmp(&b.name));
    let c = Ctx::new(inv, plan, inventory_file(path));
    let f = failover_with(&c, inv, plan);
    let covered = || assets.iter().filter(|a| a.in_dr());
    let worst = |data_only: bool| {
        covered()
            .filter(|a| !data_only || a.kind.spec().category.holds_data())
            .max_by_key(|a| rank(a.dr))
            .map(|a| a.dr.rto_rpo())
    };
    Runbook {
        name: inv.name.clone(),
        inventory: c.file.clone(),
        source: inv.source.clone(),
        primary: inv.regions.primary.clone(),
        dr: inv.regions.dr.clone(),
        dr_state_bucket: plan.dr.state_bucket("<account>"),
        objectives: f.objectives.clone(),
        overall_rto: worst(false).map_or("n/a".into(), |w| w.0.to_string()),
        overall_rpo: worst(true).map_or("no data tier in DR".into(), |w| w.1.to_string()),
        not_covered: assets
            .iter()
            .filter(|a| !a.in_dr())
            .map(|a| format!("{} ({})", a.name, a.kind))
            .collect(),
        global_accelerator: c.of(Kind::GlobalAccelerator).any(|a| a.in_dr()),
        prechecks: prechecks(&c),
        bootstrap: bootstrap(&c),
        failover: failover(&c, &f),
        failback: failback(&c, !f.variable_changes.is_empty()),
        drill: drill(&c),
        changes: f.variable_changes,
        db_names: f.db_names,
        node_roll: nodes::node_roll(&c),
        migration: migration::migration(&c),
    }
}

/// Whether `root` has CloudWatch alarms (the cloudwatch module's topic and alarms).
fn has_alarms(root: &crate::plan::RootPlan) -> bool {
    root.modules.iter().any(|m| m.source == "cloudwatch")
}

/// What `acmegen migrate` prints after it moved the weight of route53 asset
/// `asset` from `old` to `new` in the inventory at `path`: the commands
/// that apply it, the checks and the rollback (None: no such migration).
pub fn migration_next_steps(
    inv: &Inventory,
    plan: &Plan,
    path: &std::path::Path,
    asset: &str,
    old: u32,
    new: u32,
) -> Option<String> {
    let c = Ctx::new(inv, plan, path.display().to_string());
    let a = migration::migrating(&c).into_iter().find(|a| a.name == asset)?;
    Some(migration::next_steps(&c, a, old, new))
}

/// `inventory/<file name>` of the inventory read from `path`.
fn inventory_file(path: &std::path::Path) -> String {
    format!(
        "inventory/{}",
        path.file_name().map_or("".into(), |f| f.to_string_lossy())
    )
}

fn prechecks(c: &Ctx<'_>) -> Vec<String> {
    let mut out = Vec::new();
    for a in c.databases().filter(|a| a.in_dr()) {
        let pinned = if a.kind == Kind::Aurora {
            "; the secondary joins with the primary's running version, published to the fact store"
        } else {
            ""
        };
        out.push(format!(
            "Database `{}` runs {} {} in both regions (validated: a different DR version is an error){pinned}.",
            a.name,
            a.engine.map_or("", |e| e.rds_name(a.kind == Kind::Aurora)),
            a.engine_version.as_deref().unwrap_or("")
        ));
    }
    for a in c.of(Kind::Ecr).filter(|a| a.in_dr()) {
        let tag = a
            .image_tag
            .as_deref()
            .map_or(String::new(), |t| format!(" (`{t}`, validated)"));
        let how = if a.dr == DrStrategy::Replica {
            "replicate to"
        } else {
            "are pushed to"
        };
        out.push(format!(
            "Images of `{}` {how} {}: both regions deploy the same tag{tag}; tags are immutable.",
            a.name, c.dr
        ));
    }
    for a in c.of(Kind::Vm).filter(|a| a.in_dr()) {
        out.push(format!(
            "`{}` runs the same instance type and Amazon Linux 2023 AMI family in both regions.",
            a.name
        ));
    }
    let cidr = |root: &RootPlan| {
        root.modules
            .iter()
            .find(|m| m.source == "vpc")
            .and_then(|m| m.argument("cidr"))
            .map(|e| e.render())
    };
    if let (Some(p), Some(d)) = (cidr(&c.plan.primary), cidr(&c.plan.dr)) {
        let (p, d) = (p.trim_matches('"'), d.trim_matches('"'));
        out.push(format!(
            "VPC ranges do not overlap: `{p}` (primary), `{d}` (DR) (validated)."
        ));
    }
    out.push("Every asset with a DR strategy has its dependencies in DR too (validated).".into());
    for (root, role, when) in [
        (&c.plan.primary, "primary", ""),
        (&c.plan.dr, "DR", " after a failover"),
    ] {
        if let Some((vcpus, _)) = &root.vcpus {
            out.push(format!(
                "The account's applied quota of running On-Demand Standard vCPUs in {region} is at least {vcpus}, the most the {role} root runs{when} (`aws service-quotas get-service-quota --service-code ec2 --quota-code L-1216C47A --region {region} --query Quota.Value`): validation compared the default or the `quotas:` value, and a new account's applied quota can be lower; the root's plan then warns, and launches fail with VcpuLimitExceeded.",
                region = root.region,
            ));
        }
    }
    out.push(format!(
        "The DR root keeps its state in `{}` ({}) and reads nothing from the primary region: what it needs from the primary is in the fact store (`{}` in {}).",
        c.plan.dr.state_bucket("<account>"),
        c.dr,
        fact_store_path(&c.inv.name),
        c.dr
    ));
    out
}

fn init(c: &Ctx<'_>, root: &RootPlan) -> String {
    c.tf(
        root.role.as_str(),
        &format!("init -backend-config=\"bucket={}\"", root.state_bucket("$ACCOUNT_ID")),
    )
}
