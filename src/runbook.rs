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

use crate::inventory::{Asset, DrStrategy, Inventory, Kind};
use crate::kinds::rds::fixed;
use crate::plan::expr::{Part, Ref, Root};
use crate::plan::{fact_store_path, names, Expr, ModuleCall, Plan, Role, RootPlan, VarRole};
use serde::Serialize;

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
        .filter(|v| matches!(v.role, VarRole::Capacity | VarRole::TrafficDial))
        .filter_map(|v| {
            let from = v.default.as_ref()?.render();
            let to = plan.primary.variable(&v.name)?.default.as_ref()?.render();
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
}

impl Step {
    fn new(title: impl Into<String>, commands: Vec<String>, verify: Vec<String>) -> Self {
        Step {
            title: title.into(),
            commands,
            verify,
        }
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
        }
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

    fn tf(&self, role: &str, args: &str) -> String {
        format!("terraform -chdir={}/{role} {args}", self.dir)
    }

    /// The call of module `source` that asset `a` plans in the `role` root.
    fn call(&self, a: &Asset, role: Role, source: &str) -> Option<&'a ModuleCall> {
        self.root(role)
            .modules
            .iter()
            .find(|m| m.origin.asset() == a.name && m.source == source)
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

/// Sets `ACCOUNT_ID`, which state bucket and bucket names carry.
const ACCOUNT: &str = "ACCOUNT_ID=$(aws sts get-caller-identity --query Account --output text)";

/// Name suffix of an EKS cluster's managed node group (`modules/eks`).
const NODE_GROUP_SUFFIX: &str = "-default";

/// The resource of `modules/alb` that registers instance targets.
const ALB_INSTANCE_ATTACHMENT: &str = "aws_lb_target_group_attachment.this";

/// The Global Accelerator API is served only from us-west-2.
const GA_API_REGION: &str = "us-west-2";

// ------------------------------------------------------------ plan values

/// The literal value of `e` in `root`: a literal, or a root variable's default.
fn literal<'e>(e: &'e Expr, root: &'e RootPlan) -> Option<&'e Expr> {
    match e {
        Expr::Ref(Ref {
            root: Root::Var(name),
            steps,
        }) if steps.is_empty() => literal(root.variable(name)?.default.as_ref()?, root),
        Expr::Str(_) | Expr::Num(_) | Expr::Bool(_) | Expr::List(_) => Some(e),
        _ => None,
    }
}

fn arg_str(m: &ModuleCall, name: &str, root: &RootPlan) -> Option<String> {
    match literal(m.argument(name)?, root)? {
        Expr::Str(s) => Some(s.clone()),
        _ => None,
    }
}

fn arg_num(m: &ModuleCall, name: &str, root: &RootPlan) -> Option<i64> {
    match literal(m.argument(name)?, root)? {
        Expr::Num(n) => Some(*n),
        _ => None,
    }
}

fn arg_bool(m: &ModuleCall, name: &str, root: &RootPlan) -> Option<bool> {
    match literal(m.argument(name)?, root)? {
        Expr::Bool(b) => Some(*b),
        _ => None,
    }
}

fn arg_strs(m: &ModuleCall, name: &str, root: &RootPlan) -> Vec<String> {
    match m.argument(name).and_then(|e| literal(e, root)) {
        Some(Expr::List(items)) => items
            .iter()
            .filter_map(|i| match i {
                Expr::Str(s) => Some(s.clone()),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// Whether `e` is exactly `var.<name>`.
fn is_var(e: &Expr, name: &str) -> bool {
    matches!(e, Expr::Ref(Ref { root: Root::Var(v), steps }) if v == name && steps.is_empty())
}

/// A bucket name (a template over `local.account_id`) as a shell word with
/// `$ACCOUNT_ID`, for the inventory named `name`.
fn shell_name(e: &Expr, inventory: &str, name: &str) -> Option<String> {
    let text = match e {
        Expr::Str(s) => s.clone(),
        Expr::Template(parts) => parts
            .iter()
            .map(|p| match p {
                Part::Text(t) => t.clone(),
                Part::Interp(_) => "$ACCOUNT_ID".to_string(),
            })
            .collect(),
        _ => return None,
    };
    Some(match text.strip_prefix(inventory) {
        Some(rest) => format!("{name}{rest}"),
        None => text,
    })
}

// ------------------------------------------------------------ shell helpers

/// Re-run `wait` (an `aws … wait …` command) until it succeeds, printing
/// `status` between tries: AWS CLI waiters give up after a fixed number of
/// polls (`db-instance-available`, `db-snapshot-available`,
/// `db-instance-deleted`, `db-cluster-available`: 60 polls 30 s apart;
/// `eks wait nodegroup-active`: 80 polls 30 s apart), and a large restore
/// or snapshot copy takes longer.
fn waited(wait: String, status: String, limit: &str) -> String {
    format!(
        "{}   # the waiter stops after {limit}: this re-runs it; stop (Ctrl-C) if the status printed is a failure",
        retried(wait, status)
    )
}

/// The loop of [`waited`] without its comment, to embed in a longer command.
fn retried(wait: String, status: String) -> String {
    format!("until {wait}; do {status}; sleep 30; done")
}

fn wait_instance(id: &str, region: &str) -> String {
    waited(
        format!("aws rds wait db-instance-available --db-instance-identifier {id} --region {region}"),
        format!("aws rds describe-db-instances --db-instance-identifier {id} --region {region} --query 'DBInstances[0].DBInstanceStatus' --output text"),
        "30 min",
    )
}

fn wait_instance_deleted(id: &str, region: &str) -> String {
    waited(
        format!("aws rds wait db-instance-deleted --db-instance-identifier {id} --region {region}"),
        format!("aws rds describe-db-instances --db-instance-identifier {id} --region {region} --query 'DBInstances[0].DBInstanceStatus' --output text"),
        "30 min",
    )
}

fn wait_snapshot(id: &str, region: &str) -> String {
    waited(
        format!("aws rds wait db-snapshot-available --db-snapshot-identifier {id} --region {region}"),
        format!("aws rds describe-db-snapshots --db-snapshot-identifier {id} --region {region} --query 'DBSnapshots[0].[Status,PercentProgress]' --output text"),
        "30 min",
    )
}

fn wait_cluster(id: &str, region: &str) -> String {
    waited(
        format!("aws rds wait db-cluster-available --db-cluster-identifier {id} --region {region}"),
        format!("aws rds describe-db-clusters --db-cluster-identifier {id} --region {region} --query 'DBClusters[0].Status' --output text"),
        "30 min",
    )
}

fn wait_cluster_instances(cluster: &str, region: &str) -> String {
    waited(
        format!("aws rds wait db-instance-available --filters Name=db-cluster-id,Values={cluster} --region {region}"),
        format!("aws rds describe-db-instances --filters Name=db-cluster-id,Values={cluster} --region {region} --query 'DBInstances[].DBInstanceStatus' --output text"),
        "30 min",
    )
}

/// Wait until `writer` (a cluster ARN) is the writer of global database `global`.
fn wait_global_writer(global: &str, writer: &str, region: &str) -> String {
    format!(
        "until [ \"$(aws rds describe-global-clusters --global-cluster-identifier {global} --region {region} --query 'GlobalClusters[0].GlobalClusterMembers[?IsWriter].DBClusterArn | [0]' --output text)\" = \"{writer}\" ]; do aws rds describe-global-clusters --global-cluster-identifier {global} --region {region} --query 'GlobalClusters[0].[Status,FailoverState.Status]' --output text; sleep 30; done"
    )
}

/// Lift deletion protection of instance `id`, wait until the modification
/// is done: RDS refuses DeleteDBInstance on a protected instance
/// ("Cannot delete protected DB Instance"), and Terraform's replace deletes.
fn unprotect_instance(id: &str, region: &str) -> Vec<String> {
    vec![
        format!("aws rds modify-db-instance --db-instance-identifier {id} --no-deletion-protection --apply-immediately --region {region}"),
        wait_instance(id, region),
    ]
}

fn no_protection_check(id: &str, region: &str, what: &str) -> String {
    format!("`aws rds describe-db-instances --db-instance-identifier {id} --region {region} --query 'DBInstances[0].DeletionProtection'` printed false before the {what}.")
}

/// What a failover does in the DR region: the data steps (promotions,
/// restores, credentials), the capacity and traffic levers (direct API calls
/// in the DR region and to Global Accelerator), taking the primary out of
/// rotation, the variable changes that make Terraform agree afterwards, and
/// the recovery objectives (`acmegen failover`, text or JSON). The runbook's
/// failover section is built from the same steps, in the same order.
#[derive(Debug, Serialize)]
pub struct Failover {
    /// Inventory name.
    pub inventory: String,
    /// DR region.
    pub dr_region: String,
    /// Data steps, in order, first.
    pub data_steps: Vec<Step>,
    /// Capacity and traffic levers, after the data steps: calls to the DR
    /// region's APIs (and Global Accelerator's), no IAM or Route 53 control
    /// plane.
    pub capacity_steps: Vec<Step>,
    /// Taking the primary out of rotation, so that its return cannot pull
    /// traffic back before the data (repeated at the start of the failback).
    pub rotation_steps: Vec<Step>,
    /// The same values for Terraform (`failover.auto.tfvars`), applied in the
    /// DR root once IAM and Route 53 answer.
    pub variable_changes: Vec<VarChange>,
    /// Recovery objectives per asset.
    pub objectives: Vec<Objective>,
}

fn print_steps(out: &mut String, heading: &str, steps: &[Step], first: usize) {
    if steps.is_empty() {
        return;
    }
    out.push_str(&format!("\n{heading}\n"));
    for (i, s) in steps.iter().enumerate() {
        out.push_str(&format!("{}. {}\n", first + i, s.title));
        for c in &s.commands {
            out.push_str(&format!("     {c}\n"));
        }
    }
}

/// `acmegen failover` as text: the data steps, the levers, the rotation
/// step, then the variable changes of the reconciling apply and the
/// objectives; numbered as in RUNBOOK.md's failover section.
pub fn failover_text(plan: &Plan, f: &Failover) -> String {
    let mut out = format!(
        "Failover of {} to {} (DR root generated/{}/dr)\n",
        f.inventory, f.dr_region, plan.name
    );
    if f.data_steps.is_empty() {
        out.push_str("\nData: nothing to promote or restore (no database or replicated bucket with a DR copy).\n");
    }
    // Step 1 of the runbook declares the incident.
    let mut n = 2;
    print_steps(
        &mut out,
        "Data steps, in order (RUNBOOK.md has the checks after each):",
        &f.data_steps,
        n,
    );
    n += f.data_steps.len();
    print_steps(
        &mut out,
        "Capacity and traffic, through the AWS APIs of the DR region (no IAM or Route 53 control plane):",
        &f.capacity_steps,
        n,
    );
    n += f.capacity_steps.len();
    print_steps(&mut out, "Keep the primary out of rotation:", &f.rotation_steps, n);
    if f.variable_changes.is_empty() {
        out.push_str("\nCapacity: the DR root already runs primary capacity; the failover changes no variable.\n");
    } else {
        out.push_str(
            "\nThe same values for Terraform (--apply-vars writes them; apply once IAM and Route 53 answer):\n",
        );
        let width = f.variable_changes.iter().map(|c| c.name.len()).max().unwrap_or(0);
        for c in &f.variable_changes {
            out.push_str(&format!("  {:<width$}  {} -> {}\n", c.name, c.from, c.to));
        }
    }
    out.push_str("\nRecovery objectives:\n");
    for o in &f.objectives {
        out.push_str(&format!(
            "  {} ({}, {}): RTO {}; RPO {}; needs {}\n",
            o.asset, o.kind, o.strategy, o.rto, o.rpo, o.needs
        ));
    }
    out
}

/// The failover of a validated inventory (read from `path`) and its plan.
pub fn failover_plan(inv: &Inventory, plan: &Plan, path: &std::path::Path) -> Failover {
    failover_with(&Ctx::new(inv, plan, inventory_file(path)), inv, plan)
}

fn failover_with(c: &Ctx<'_>, inv: &Inventory, plan: &Plan) -> Failover {
    let mut assets: Vec<&Asset> = inv.assets.iter().collect();
    assets.sort_by(|a, b| a.name.cmp(&b.name));
    let changes = failover_changes(plan);
    Failover {
        inventory: inv.name.clone(),
        dr_region: inv.regions.dr.clone(),
        data_steps: data_steps(c),
        capacity_steps: capacity_steps(c, &changes),
        rotation_steps: rotation_step(c, false).into_iter().collect(),
        variable_changes: changes,
        objectives: assets.iter().map(|a| crate::objectives::objective(inv, a)).collect(),
    }
}

/// Databases whose master secret is replicated to DR (they have a DR copy).
fn replicated_secrets<'a>(c: &Ctx<'a>) -> impl Iterator<Item = &'a Asset> + 'a {
    c.inv
        .assets
        .iter()
        .filter(|a| matches!(a.kind, Kind::Rds | Kind::Aurora) && a.in_dr())
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

/// The data steps of a failover: promotions, restores, credentials, buckets.
fn data_steps(c: &Ctx<'_>) -> Vec<Step> {
    let mut steps = Vec::new();
    for a in c.of(Kind::Rds) {
        let id = c.ident(a, Role::Dr);
        match a.dr {
            DrStrategy::Replica => steps.push(Step::new(
                format!("Promote the read replica of `{}` to a standalone primary", a.name),
                vec![
                    format!("aws rds promote-read-replica --db-instance-identifier {id} --backup-retention-period {} --preferred-backup-window {} --region {}", a.retention_days.unwrap_or(7), fixed::BACKUP_WINDOW, c.dr),
                    wait_instance(&id, c.dr),
                ],
                vec![
                    format!("`aws rds describe-db-instances --db-instance-identifier {id} --region {} --query 'DBInstances[0].ReadReplicaSourceDBInstanceIdentifier'` prints null.", c.dr),
                    format!("The application's connection string points at the DR endpoint (output `{}_endpoint` of the DR root); the DR root's next apply keeps the promoted instance (it ignores `replicate_source_db`).", a.ident()),
                ],
            )),
            DrStrategy::Backup => {
                // The plan gives the DR backup replication a restore subnet group and
                // security group when DR has a VPC.
                let network = c.call(a, Role::Dr, "rds_backup_replication").is_some_and(|m| m.argument("restore_subnet_group_name").is_some());
                let mut commands = Vec::new();
                let placement = if network {
                    commands.push(format!(
                        "SG={}",
                        dr_output(c, &format!("{}_restore_security_group_id", a.ident()))
                    ));
                    format!("--db-subnet-group-name {id} --vpc-security-group-ids \"$SG\"")
                } else {
                    "--db-subnet-group-name <a DB subnet group in the DR region> --vpc-security-group-ids <its clients' security group>".to_string()
                };
                // What the restore cannot inherit from the backups, set as the
                // primary module sets it (the DR root does not manage this copy).
                let settings = c
                    .call(a, Role::Primary, "rds")
                    .map(|m| DbSettings::of(m, &c.plan.primary))
                    .map_or(String::new(), |s| s.restore_flags());
                commands.push(format!(
                    "aws rds restore-db-instance-to-point-in-time --source-db-instance-automated-backups-arn {} --target-db-instance-identifier {id} --use-latest-restorable-time {placement}{settings} --deletion-protection --region {}",
                    dr_output(c, &format!("{}_backup_replication_arn", a.ident())),
                    c.dr
                ));
                commands.push(wait_instance(&id, c.dr));
                steps.push(Step::new(
                    format!("Restore `{}` from the backups replicated to {}", a.name, c.dr),
                    commands,
                    vec![
                        format!("`{id}` is available in the DR subnets, reachable from the DR application's security groups only; data is as recent as the replicated backups' latest restorable time."),
                        "It runs the engine's default parameter group (the DR root keeps none for a copy that exists only after a restore): clients connect with TLS themselves.".into(),
                    ],
                ));
            }
            _ => {}
        }
    }
    for a in c.of(Kind::Aurora).filter(|a| a.in_dr()) {
        let global = names::global_cluster(&c.name, &a.name);
        let target = format!("arn:aws:rds:{}:$ACCOUNT_ID:cluster:{}", c.dr, c.ident(a, Role::Dr));
        steps.push(Step::new(
            format!("Fail the Aurora global database `{global}` over to {}", c.dr),
            vec![
                ACCOUNT.into(),
                format!(
                    "aws rds failover-global-cluster --global-cluster-identifier {global} --target-db-cluster-identifier {target} --allow-data-loss --region {}",
                    c.dr
                ),
                wait_global_writer(&global, &target, c.dr),
            ],
            vec![format!(
                "`aws rds describe-global-clusters --global-cluster-identifier {global} --region {}` shows the {} cluster as writer.",
                c.dr, c.dr
            )],
        ));
    }
    for a in replicated_secrets(c) {
        let prefix = names::master_secret_prefix(&c.ident(a, Role::Primary));
        steps.push(Step::new(
            format!("Make the DR copy of `{}`'s master secret standalone (its primary is gone)", a.name),
            vec![
                format!("SECRET=$(aws secretsmanager list-secrets --region {} --filters Key=name,Values={prefix} --query 'SecretList[0].ARN' --output text)", c.dr),
                format!("aws secretsmanager stop-replication-to-replica --secret-id \"$SECRET\" --region {}", c.dr),
            ],
            vec![format!(
                "`aws secretsmanager describe-secret --secret-id \"$SECRET\" --region {}` shows no PrimaryRegion; it holds the credentials the DR database has (they replicate with the data).",
                c.dr
            )],
        ));
    }
    for a in replicated_buckets(c) {
        steps.push(Step::new(
            format!("Serve `{}` from its DR bucket", a.name),
            vec![
                ACCOUNT.into(),
                format!("aws s3 ls s3://{}/ --region {}", names::bucket_in_shell(&c.name, &a.name, "$ACCOUNT_ID", c.dr), c.dr),
            ],
            vec![format!(
                "Applications read and write `{}` (output `{}_bucket` of the DR root); objects written after the last replication are lost (RPO); what is written here during the outage is copied back on failback.",
                names::bucket_in_shell(&c.name, &a.name, "<account>", c.dr), a.ident()
            )],
        ));
    }
    steps
}

/// The DR module call a root variable feeds, if any.
fn fed_by<'a>(root: &'a RootPlan, var: &str) -> Option<&'a ModuleCall> {
    root.modules.iter().find(|m| m.args.iter().any(|(_, e)| is_var(e, var)))
}

/// The variable's failover value (changed) or its DR default.
fn dr_value(c: &Ctx<'_>, changes: &[VarChange], m: &ModuleCall, arg: &str) -> String {
    let Some(Expr::Ref(Ref {
        root: Root::Var(var), ..
    })) = m.argument(arg)
    else {
        return m.argument(arg).map_or(String::new(), |e| e.render());
    };
    changes
        .iter()
        .find(|ch| &ch.name == var)
        .map(|ch| ch.to.clone())
        .or_else(|| c.plan.dr.variable(var)?.default.as_ref().map(|d| d.render()))
        .unwrap_or_default()
}

/// The endpoint group of accelerator `a` in `region`, as `$<var>`: found by
/// its listener (a fact the primary published) through the Global
/// Accelerator API, which answers in us-west-2 whatever region is lost.
fn endpoint_group(c: &Ctx<'_>, a: &Asset, var: &str, region: &str) -> Vec<String> {
    vec![
        c.fact("LISTENER", "primary", &format!("{}_listener_arn", a.ident())),
        format!(
            "{var}=$(aws globalaccelerator list-endpoint-groups --listener-arn \"$LISTENER\" --region {GA_API_REGION} --query \"EndpointGroups[?EndpointGroupRegion=='{region}'].EndpointGroupArn\" --output text)"
        ),
    ]
}

fn set_dial(var: &str, dial: &str) -> String {
    format!("aws globalaccelerator update-endpoint-group --endpoint-group-arn \"${var}\" --traffic-dial-percentage {dial} --region {GA_API_REGION}")
}

/// The failover's capacity and traffic levers: the failover values written
/// for Terraform, then each change made through the AWS API that owns it,
/// so that no step needs a refresh of IAM or Route 53 (global services whose
/// control planes are in us-east-1, possibly the lost region).
fn capacity_steps(c: &Ctx<'_>, changes: &[VarChange]) -> Vec<Step> {
    if changes.is_empty() {
        return Vec::new();
    }
    let list = changes
        .iter()
        .map(|ch| format!("{}={}", ch.name, ch.to))
        .collect::<Vec<_>>()
        .join(", ");
    let mut steps = vec![Step::new(
        "Write the failover values for Terraform (the next steps set the same values through the AWS APIs)",
        vec![format!("acmegen failover {} --apply-vars", c.file)],
        vec![format!("`{}/dr/failover.auto.tfvars` sets {list}.", c.dir)],
    )];
    let mut fed: Vec<&ModuleCall> = Vec::new();
    for ch in changes {
        if let Some(m) = fed_by(&c.plan.dr, &ch.name) {
            if !fed.iter().any(|f| f.label == m.label) {
                fed.push(m);
            }
        }
    }
    let asset = |m: &ModuleCall| c.inv.assets.iter().find(|a| a.name == m.origin.asset());
    // EKS managed node groups: UpdateNodegroupConfig changes the scaling of
    // the group's Auto Scaling group through the EKS API of the DR region.
    for m in fed.iter().filter(|m| m.source == "eks") {
        let (Some(cluster), Some(a)) = (arg_str(m, "name", &c.plan.dr), asset(m)) else {
            continue;
        };
        let group = format!("{cluster}{NODE_GROUP_SUFFIX}");
        let scaling = format!(
            "minSize={},maxSize={},desiredSize={}",
            dr_value(c, changes, m, "node_min_size"),
            dr_value(c, changes, m, "node_max_size"),
            dr_value(c, changes, m, "node_desired_size")
        );
        steps.push(Step::new(
            format!("Scale cluster `{}` to primary capacity through the EKS API of {}", a.name, c.dr),
            vec![
                format!("aws eks update-nodegroup-config --cluster-name {cluster} --nodegroup-name {group} --scaling-config {scaling} --region {}", c.dr),
                waited(
                    format!("aws eks wait nodegroup-active --cluster-name {cluster} --nodegroup-name {group} --region {}", c.dr),
                    format!("aws eks describe-nodegroup --cluster-name {cluster} --nodegroup-name {group} --region {} --query 'nodegroup.status' --output text", c.dr),
                    "40 min",
                ),
            ],
            vec![format!(
                "`aws eks describe-nodegroup --cluster-name {cluster} --nodegroup-name {group} --region {} --query nodegroup.scalingConfig` shows {scaling}; the new nodes are Ready and healthy behind the load balancer.",
                c.dr
            )],
        ));
    }
    // Instances (VMs, bastions, Elastic IPs, Aurora instances) are Terraform
    // resources counted by a variable: a targeted apply without refresh
    // creates the missing ones from the recorded state, calling only the EC2,
    // ELB and RDS APIs of the DR region; it reads no IAM or Route 53 object.
    let counted: Vec<&&ModuleCall> = fed
        .iter()
        .filter(|m| !matches!(m.source.as_str(), "eks" | "ga_endpoint_group"))
        .collect();
    if !counted.is_empty() {
        let mut targets: Vec<String> = counted.iter().map(|m| format!("module.{}", m.label)).collect();
        for m in &counted {
            let uses_instances = format!("module.{}.instance_ids", m.label);
            for consumer in c
                .plan
                .dr
                .modules
                .iter()
                .filter(|x| x.args.iter().any(|(_, e)| e.render().contains(&uses_instances)))
            {
                let target = if consumer.source == "alb" {
                    format!("module.{}.{ALB_INSTANCE_ATTACHMENT}", consumer.label)
                } else {
                    format!("module.{}", consumer.label)
                };
                if !targets.contains(&target) {
                    targets.push(target);
                }
            }
        }
        let names: Vec<String> = counted
            .iter()
            .filter_map(|m| asset(m))
            .map(|a| format!("`{}`", a.name))
            .collect();
        let args = targets
            .iter()
            .map(|t| format!("-target={t}"))
            .collect::<Vec<_>>()
            .join(" ");
        steps.push(Step::new(
            format!("Start the instances of {} with a targeted apply that refreshes nothing", names.join(", ")),
            vec![c.tf("dr", &format!("apply -refresh=false {args}"))],
            vec!["The plan only creates instances (and their load balancer registrations and addresses) and destroys nothing; they pass their health checks.".into()],
        ));
    }
    // Accelerators: the DR endpoint group's dial, through the Global
    // Accelerator API (UpdateEndpointGroup changes only the fields given).
    for m in fed.iter().filter(|m| m.source == "ga_endpoint_group") {
        let Some(a) = asset(m) else { continue };
        let dial = dr_value(c, changes, m, "traffic_dial_percentage");
        let mut commands = vec![
            "# The Global Accelerator API is served only from us-west-2, whatever the endpoints' regions:".to_string(),
        ];
        commands.extend(endpoint_group(c, a, "DR_GROUP", c.dr));
        commands.push(set_dial("DR_GROUP", &dial));
        steps.push(Step::new(
            format!("Send Global Accelerator `{}` traffic to {} (dial {dial})", a.name, c.dr),
            commands,
            vec![format!(
                "`aws globalaccelerator describe-endpoint-group --endpoint-group-arn \"$DR_GROUP\" --region {GA_API_REGION} --query EndpointGroup.TrafficDialPercentage` prints {dial}; clients keep the accelerator's static IPs."
            )],
        ));
    }
    steps
}

/// Route 53 failover pairs (a record on a load balancer with a DR strategy).
fn failover_records<'a>(c: &Ctx<'a>) -> Vec<&'a Asset> {
    c.of(Kind::Route53)
        .filter(|a| a.dr != DrStrategy::None)
        .filter(|a| {
            let target = a.target.as_deref();
            c.inv
                .assets
                .iter()
                .any(|t| Some(t.name.as_str()) == target && t.kind == Kind::Alb)
        })
        .collect()
}

fn accelerators<'a>(c: &Ctx<'a>) -> Vec<&'a Asset> {
    c.of(Kind::GlobalAccelerator).filter(|a| a.in_dr()).collect()
}

/// Take the primary out of rotation, idempotently: each PRIMARY record's
/// calculated rotation check to health threshold 2 (Route 53 then always
/// considers it unhealthy: UpdateHealthCheck, HealthThreshold), each
/// accelerator's primary endpoint group to dial 0. The IDs come from the
/// fact store in the DR region. `failback`: worded as the failback's check.
fn rotation_step(c: &Ctx<'_>, failback: bool) -> Option<Step> {
    let records = failover_records(c);
    let accelerators = accelerators(c);
    if records.is_empty() && accelerators.is_empty() {
        return None;
    }
    let mut commands = Vec::new();
    let mut verify = Vec::new();
    for a in &records {
        commands.push(c.fact("HC", "primary", &format!("{}_rotation_health_check_id", a.ident())));
        commands.push("aws route53 update-health-check --health-check-id \"$HC\" --health-threshold 2".into());
        verify.push(format!(
            "`aws route53 get-health-check --health-check-id \"$HC\" --query HealthCheck.HealthCheckConfig.HealthThreshold` prints 2: the PRIMARY record of `{}` no longer answers, whatever its endpoint reports.",
            a.name
        ));
    }
    for a in &accelerators {
        commands.push("# The Global Accelerator API is served only from us-west-2:".into());
        commands.extend(endpoint_group(c, a, "PRIMARY_GROUP", c.primary));
        commands.push(set_dial("PRIMARY_GROUP", "0"));
        verify.push(format!(
            "`aws globalaccelerator describe-endpoint-group --endpoint-group-arn \"$PRIMARY_GROUP\" --region {GA_API_REGION} --query EndpointGroup.TrafficDialPercentage` prints 0: `{}` sends nothing to {} when it returns.",
            a.name, c.primary
        ));
    }
    let title = if failback {
        format!("Keep {} out of rotation until its data is back", c.primary)
    } else {
        format!(
            "Take {} out of rotation, so that its return cannot pull traffic back before the data",
            c.primary
        )
    };
    if !records.is_empty() {
        if failback {
            verify.push("Route 53's API answers again now; if the failover could not run this step, it runs now, before anything in the primary region.".into());
        } else {
            verify.push("Route 53 health checks and DNS answers (its data plane) keep working without its control plane in us-east-1, so DNS has already failed over on its own; this API call needs that control plane: if it fails, repeat it until it succeeds, and in any case before the failback.".into());
        }
    }
    Some(Step::new(title, commands, verify))
}

fn failover(c: &Ctx<'_>, f: &Failover) -> Vec<Step> {
    let mut steps = vec![Step::new(
        "Declare the incident and freeze changes to the primary region",
        vec![],
        vec![format!(
            "Nobody applies the primary root until failback; work happens in `{}/dr`, whose state, providers and facts all live in {}.",
            c.dir, c.dr
        )],
    )];
    steps.extend(f.data_steps.iter().cloned());
    steps.extend(f.capacity_steps.iter().cloned());
    steps.extend(f.rotation_steps.iter().cloned());
    if !f.variable_changes.is_empty() {
        steps.push(Step::new(
            "Make Terraform agree with the failover values (once IAM and Route 53 answer)",
            vec![c.tf("dr", "apply")],
            vec![
                "The plan changes nothing the steps above already set through the AWS APIs and destroys nothing.".into(),
                "This apply refreshes IAM roles and Route 53 records, whose control planes are in us-east-1: while they do not answer, leave it; the failover itself is done.".into(),
            ],
        ));
    }
    steps.extend(by_hand(c, Role::Dr));
    for a in failover_records(c) {
        let fqdn = format!(
            "{}.{}",
            a.record.as_deref().unwrap_or(""),
            a.zone.as_deref().unwrap_or("")
        );
        steps.push(Step::new(
            format!("Confirm DNS failover of {fqdn}"),
            vec![format!("dig +short {fqdn}")],
            vec![format!(
                "Route 53 answers with the SECONDARY record (the {} load balancer) about {}s after the PRIMARY health check fails; nothing to apply.",
                c.dr,
                crate::objectives::dns_failover_seconds()
            )],
        ));
    }
    steps.push(Step::new(
        "Verify the service end to end",
        vec![],
        vec![
            "Smoke-test the application through its public name.".into(),
            "CloudWatch alarms of the DR root are OK; the alarm topic's subscribers (alert_emails) receive them."
                .into(),
        ],
    ));
    steps
}

/// What the `rds` or `aurora` module sets on a primary database, read from
/// its call in the primary root, so that a copy the runbook creates by CLI
/// carries the same settings and `terraform import` adopts it without a
/// change: Multi-AZ and parameter-group changes made by a later apply would
/// wait for the maintenance window (ModifyDBInstance without
/// ApplyImmediately), leaving both the database degraded and the plan
/// non-empty.
struct DbSettings {
    identifier: String,
    engine: String,
    class: String,
    port: i64,
    multi_az: bool,
    logs: Vec<String>,
    retention: i64,
    insights: bool,
    storage_gb: i64,
    auto_minor: bool,
    instances: i64,
}

impl DbSettings {
    fn of(m: &ModuleCall, root: &RootPlan) -> Self {
        DbSettings {
            identifier: arg_str(m, "identifier", root)
                .or_else(|| arg_str(m, "cluster_identifier", root))
                .unwrap_or_default(),
            engine: arg_str(m, "engine", root).unwrap_or_default(),
            class: arg_str(m, "instance_class", root).unwrap_or_default(),
            port: arg_num(m, "port", root).unwrap_or_default(),
            multi_az: arg_bool(m, "multi_az", root).unwrap_or(true),
            logs: arg_strs(m, "log_exports", root),
            retention: arg_num(m, "backup_retention_days", root).unwrap_or(7),
            insights: arg_bool(m, "performance_insights", root).unwrap_or(true),
            storage_gb: arg_num(m, "allocated_storage", root).unwrap_or(20),
            auto_minor: arg_bool(m, "auto_minor_version_upgrade", root).unwrap_or(true),
            instances: arg_num(m, "instance_count", root).unwrap_or(1),
        }
    }

    fn logs_flag(&self) -> String {
        if self.logs.is_empty() {
            String::new()
        } else {
            format!(" --enable-cloudwatch-logs-exports {}", self.logs.join(" "))
        }
    }

    fn minor_flag(&self) -> &'static str {
        if self.auto_minor {
            " --auto-minor-version-upgrade"
        } else {
            " --no-auto-minor-version-upgrade"
        }
    }

    /// Flags every instance create takes (restore, replica): class, port,
    /// availability, storage, TLS certificate, IAM auth, tags, protection.
    fn instance_flags(&self) -> String {
        format!(
            " --db-instance-class {} --port {} {} --storage-type {} --no-publicly-accessible --ca-certificate-identifier {} --enable-iam-database-authentication --copy-tags-to-snapshot{}",
            self.class,
            self.port,
            if self.multi_az { "--multi-az" } else { "--no-multi-az" },
            fixed::STORAGE_TYPE,
            fixed::CA_CERTIFICATE,
            self.minor_flag()
        )
    }

    /// Flags of a restore (RestoreDBInstanceFromDBSnapshot and
    /// RestoreDBInstanceToPointInTime take backups settings but not
    /// monitoring or Performance Insights, which a later ModifyDBInstance
    /// applies at once whatever ApplyImmediately says).
    fn restore_flags(&self) -> String {
        format!(
            "{} --backup-retention-period {} --preferred-backup-window {}",
            self.instance_flags(),
            self.retention,
            fixed::BACKUP_WINDOW
        )
    }

    /// Monitoring and Performance Insights, as the module sets them.
    fn monitoring_flags(&self, kms: &str) -> String {
        let insights = if self.insights {
            format!(
                " --enable-performance-insights --performance-insights-kms-key-id {kms} --performance-insights-retention-period {}",
                fixed::INSIGHTS_RETENTION_DAYS
            )
        } else {
            " --no-enable-performance-insights".into()
        };
        format!(
            " --monitoring-interval {} --monitoring-role-arn arn:aws:iam::$ACCOUNT_ID:role/{}{insights}",
            fixed::MONITORING_INTERVAL,
            fixed::monitoring_role(&self.identifier)
        )
    }
}

/// What the first targeted failback apply builds for database `a` before
/// any copy lands: its subnet group and security group, its parameter
/// group, the log groups its exports write to (created first, or RDS
/// creates them unencrypted and kept forever) and its monitoring role.
fn db_prerequisites(a: &Asset) -> Vec<String> {
    let id = a.ident();
    let parameters = if a.kind == Kind::Aurora {
        "aws_rds_cluster_parameter_group.this"
    } else {
        "aws_db_parameter_group.this"
    };
    [
        "aws_db_subnet_group.this",
        "aws_security_group.this",
        parameters,
        "aws_cloudwatch_log_group.exports",
        "aws_iam_role_policy_attachment.monitoring",
    ]
    .iter()
    .map(|r| format!("-target=module.{id}.{r}"))
    .collect()
}

/// The primary root's outputs a CLI-created copy of `a` joins.
fn placement(c: &Ctx<'_>, a: &Asset) -> Vec<String> {
    let id = a.ident();
    vec![
        format!(
            "SG=$({})",
            c.tf("primary", &format!("output -raw {id}_security_group_id"))
        ),
        format!(
            "PG=$({})",
            c.tf("primary", &format!("output -raw {id}_parameter_group_name"))
        ),
    ]
}

/// Keep an old primary that survived the outage aside under another name
/// (its data stops at the failover; it is kept, not deleted).
fn aside(c: &Ctx<'_>, p: &str) -> String {
    let stale = format!("{p}-stale-$(date +%Y%m%d)");
    let region = c.primary;
    format!(
        "aws rds describe-db-instances --db-instance-identifier {p} --region {region} >/dev/null 2>&1 && aws rds modify-db-instance --db-instance-identifier {p} --new-db-instance-identifier {stale} --apply-immediately --region {region} && {}   # an old primary that survived the outage is kept aside under another name (renamed at once), not deleted",
        retried(
            format!("aws rds wait db-instance-available --db-instance-identifier {stale} --region {region}"),
            format!("aws rds describe-db-instances --db-instance-identifier {stale} --region {region} --query 'DBInstances[0].DBInstanceStatus' --output text")
        )
    )
}

/// The failback, in the order that keeps traffic behind the data:
///
/// 1. the primary region is back and its state readable;
/// 2. the primary is held out of rotation (every primary apply until the
///    last traffic step reads `failback.auto.tfvars`);
/// 3. its foundation is rebuilt, the databases not yet;
/// 4. copies of the databases start towards the primary while DR serves;
/// 5. writes stop in DR; the data moves (promotion, restore, switchover);
/// 6. the standalone DR secrets are deleted before any full primary apply;
/// 7. the databases are imported and one primary apply adopts everything,
///    rotates the imported databases' passwords with their secrets and
///    re-replicates the secrets;
/// 8. objects written to DR buckets are copied back;
/// 9. only then traffic returns to the primary, last;
/// 10. DR goes back to standby, its database copies are rebuilt or removed,
///     and both plans are empty.
fn failback(c: &Ctx<'_>, scaled: bool) -> Vec<Step> {
    let dbs = rds_in_dr(c);
    let clusters: Vec<&Asset> = c.of(Kind::Aurora).filter(|a| a.in_dr()).collect();
    let holds = failback_holds(c.plan);
    let hold_file = format!("{}/primary/failback.auto.tfvars", c.dir);
    let mut steps = vec![Step::new(
        format!("Check the primary region ({}) is back and its state bucket readable", c.primary),
        vec![ACCOUNT.into(), init(c, &c.plan.primary)],
        vec!["`terraform init` reads the primary state; if the bucket was lost, rebuild the primary as a first deployment instead.".into()],
    )];
    if let Some(mut hold) = rotation_step(c, true) {
        let lines = holds
            .iter()
            .map(|(name, value)| format!("'{name} = {value}'"))
            .collect::<Vec<_>>()
            .join(" ");
        hold.commands.push(format!("printf '%s\\n' {lines} > {hold_file}"));
        hold.verify.push(format!(
            "`{hold_file}` holds {}: every primary apply of this failback keeps the primary out of rotation (a plain apply would restore its default traffic); the last traffic step deletes it.",
            holds.iter().map(|(n, v)| format!("`{n} = {v}`")).collect::<Vec<_>>().join(", ")
        ));
        steps.push(hold);
    }
    if dbs.is_empty() && clusters.is_empty() {
        steps.push(Step::new(
            format!("Rebuild the primary region ({})", c.primary),
            vec![c.tf("primary", "apply")],
            vec![if holds.is_empty() {
                "The primary root applies cleanly and republishes its facts.".to_string()
            } else {
                "The primary root applies cleanly and republishes its facts; traffic stays in DR (failback.auto.tfvars).".to_string()
            }],
        ));
    } else {
        let mut targets = vec!["apply".to_string()];
        for a in dbs.iter().chain(&clusters) {
            targets.extend(db_prerequisites(a));
        }
        steps.push(Step::new(
            format!(
                "Rebuild the primary network, keys and what the databases join ({}), not the databases or their secrets yet",
                c.primary
            ),
            vec![c.tf("primary", &targets.join(" "))],
            vec![
                "Terraform's dependency graph brings the VPC and KMS key along; no database, cluster or secret is created or changed."
                    .into(),
            ],
        ));
    }
    // While DR still serves: start the copies that need time.
    for a in dbs.iter().filter(|a| a.dr == DrStrategy::Replica) {
        steps.push(start_replica_back(c, a));
    }
    for a in &clusters {
        steps.extend(rejoin_cluster(c, a));
    }
    let data_in_dr = !dbs.is_empty() || !clusters.is_empty() || replicated_buckets(c).next().is_some();
    if data_in_dr {
        steps.push(Step::new(
            format!("Stop the application's writes in {} (maintenance window)", c.dr),
            vec![],
            vec![format!(
                "Nothing writes to the {} databases or buckets any more (maintenance page, or the writers scaled to 0); the next steps move the data, then traffic.",
                c.dr
            )],
        ));
    }
    for a in &dbs {
        steps.push(move_rds_back(c, a));
    }
    for a in &clusters {
        steps.push(switch_cluster_back(c, a));
    }
    let secrets: Vec<&Asset> = replicated_secrets(c).collect();
    if !secrets.is_empty() {
        let mut commands = Vec::new();
        for a in &secrets {
            let prefix = names::master_secret_prefix(&c.ident(a, Role::Primary));
            commands.push(format!("SECRET=$(aws secretsmanager list-secrets --region {} --filters Key=name,Values={prefix} --query 'SecretList[0].ARN' --output text)", c.dr));
            commands.push(format!("aws secretsmanager delete-secret --secret-id \"$SECRET\" --force-delete-without-recovery --region {}   # the standalone DR copy of `{}`", c.dr, a.name));
        }
        steps.push(Step::new(
            "Delete the standalone DR copies of the master secrets, before any full primary apply",
            commands,
            vec![format!(
                "`aws secretsmanager list-secrets --region {} --filters Key=name,Values=<prefix>` lists none of them: the next primary apply adds each replica to a region where no secret of its name exists (the modules also set force_overwrite_replica_secret, so a leftover would be overwritten, not fail).",
                c.dr
            )],
        ));
    }
    if !dbs.is_empty() || !clusters.is_empty() {
        let mut commands = Vec::new();
        for a in &dbs {
            let id = a.ident();
            let p = c.ident(a, Role::Primary);
            commands.push(c.tf("primary", &format!("state rm module.{id}.aws_db_instance.this")));
            commands.push(c.tf("primary", &format!("import module.{id}.aws_db_instance.this {p}")));
        }
        commands.push(c.tf("primary", "apply"));
        let mut verify = vec![
            "The plan destroys no database, cluster, bucket or network: for each imported database it updates the password version in place and replaces the master secret's version, writing one new password to both together (import cannot read the write-only version, so the first apply sets it); it adds the DR replica of each secret and republishes the primary's facts; traffic stays in DR (failback.auto.tfvars).".to_string(),
            format!("`{}` exits 0.", c.tf("primary", "plan -detailed-exitcode")),
        ];
        for a in &secrets {
            let id = a.ident();
            verify.push(format!(
                "`aws secretsmanager describe-secret --secret-id \"$({})\" --region {} --query \"ReplicationStatus[?Region=='{}'].Status\" --output text` prints InSync (`{}`); if not, add the replica by hand: `aws secretsmanager replicate-secret-to-regions --secret-id <that ARN> --add-replica-regions Region={},KmsKeyId=<fact dr/kms_key_arn> --force-overwrite-replica-secret --region {}`.",
                c.tf("primary", &format!("output -raw {id}_master_secret_arn")),
                c.primary,
                c.dr,
                a.name,
                c.dr,
                c.primary
            ));
        }
        verify.push("Bumping `<db>_password_version` in the primary root's terraform.tfvars, then applying, writes a new password to the database and its secret in one apply, whenever you want to rotate.".into());
        steps.push(Step::new(
            format!(
                "Adopt the databases in the primary root and re-replicate their secrets ({})",
                c.primary
            ),
            commands,
            verify,
        ));
    }
    for a in replicated_buckets(c) {
        let from = names::bucket_in_shell(&c.name, &a.name, "$ACCOUNT_ID", c.dr);
        let to = names::bucket_in_shell(&c.name, &a.name, "$ACCOUNT_ID", c.primary);
        let sync = format!(
            "aws s3 sync s3://{from}/ s3://{to}/ --source-region {} --region {} --size-only",
            c.dr, c.primary
        );
        steps.push(Step::new(
            format!("Copy what was written to `{}` in {} back to the primary bucket", a.name, c.dr),
            vec![ACCOUNT.into(), sync.clone(), format!("{sync} --dryrun   # must print nothing")],
            vec![
                "Replication runs one way (primary to DR): objects written in DR during the outage exist only there until this copy. `sync` copies what the primary bucket lacks or holds at another size, and deletes nothing; `--size-only` keeps it from copying back every replica, whose timestamps are newer than the originals.".into(),
                "The dry run prints nothing: every object of the DR bucket is in the primary bucket; the copies replicate to DR again like any new object.".into(),
            ],
        ));
    }
    match restore_rotation(c, &hold_file) {
        Some(step) => steps.push(step),
        None => steps.extend(by_hand(c, Role::Primary)),
    }
    if scaled {
        steps.push(Step::new(
            "Return the DR region to standby",
            vec![format!("rm {}/dr/failover.auto.tfvars", c.dir), c.tf("dr", "apply")],
            vec![
                "DR capacity and traffic dials are back at their standby defaults; the plan destroyed nothing.".into(),
            ],
        ));
    }
    for a in &dbs {
        steps.push(rebuild_dr_copy(c, a));
    }
    steps.push(Step::new(
        "Confirm both roots match their configuration",
        vec![
            c.tf("primary", "plan -detailed-exitcode"),
            c.tf("dr", "plan -detailed-exitcode"),
        ],
        vec!["Both plans exit 0 (no changes).".into()],
    ));
    steps
}

/// Replica strategy, while DR still serves: a cross-region read replica of
/// the promoted DR instance, created in the primary region with the primary
/// module's settings (`--source-region` lets the CLI sign the cross-region
/// request).
fn start_replica_back(c: &Ctx<'_>, a: &Asset) -> Step {
    let (p, d) = (c.ident(a, Role::Primary), c.ident(a, Role::Dr));
    let kms = c.kms_alias();
    let mut commands = vec![ACCOUNT.into(), aside(c, &p)];
    commands.extend(placement(c, a));
    if let Some(s) = c
        .call(a, Role::Primary, "rds")
        .map(|m| DbSettings::of(m, &c.plan.primary))
    {
        commands.push(format!(
            "aws rds create-db-instance-read-replica --db-instance-identifier {p} --source-db-instance-identifier {} --source-region {} --kms-key-id {kms} --db-subnet-group-name {p} --vpc-security-group-ids \"$SG\" --db-parameter-group-name \"$PG\"{} --max-allocated-storage {}{}{} --deletion-protection --region {}",
            Ctx::db_arn(c.dr, &d),
            c.dr,
            s.instance_flags(),
            s.storage_gb * fixed::STORAGE_CEILING_FACTOR,
            s.logs_flag(),
            s.monitoring_flags(&kms),
            c.primary
        ));
    }
    commands.push(wait_instance(&p, c.primary));
    Step::new(
        format!("Start copying `{}` back: a read replica of the {} database in {}", a.name, c.dr, c.primary),
        commands,
        vec![format!(
            "`{p}` replicates from `{d}` with the settings the primary root sets (Multi-AZ, parameter group, log exports, monitoring, deletion protection), so adopting it later changes nothing that would wait for a maintenance window."
        )],
    )
}

/// Moves the data of RDS database `a` into the primary region (writes stopped).
fn move_rds_back(c: &Ctx<'_>, a: &Asset) -> Step {
    let (p, d) = (c.ident(a, Role::Primary), c.ident(a, Role::Dr));
    let kms = c.kms_alias();
    let settings = c
        .call(a, Role::Primary, "rds")
        .map(|m| DbSettings::of(m, &c.plan.primary));
    let mut commands = vec![ACCOUNT.into()];
    let verify = if a.dr == DrStrategy::Replica {
        let retention = settings.as_ref().map_or(7, |s| s.retention);
        commands.push(format!(
            "aws rds promote-read-replica --db-instance-identifier {p} --backup-retention-period {retention} --preferred-backup-window {} --region {}",
            fixed::BACKUP_WINDOW,
            c.primary
        ));
        commands.push(wait_instance(&p, c.primary));
        vec![
            format!("Before promoting: the ReplicaLag metric of `{p}` (CloudWatch, AWS/RDS) is 0, so every write made in {} is in {}.", c.dr, c.primary),
            format!("`aws rds describe-db-instances --db-instance-identifier {p} --region {} --query 'DBInstances[0].ReadReplicaSourceDBInstanceIdentifier'` prints null: `{p}` is writable.", c.primary),
        ]
    } else {
        let snap = format!("{d}-failback");
        commands.push(aside(c, &p));
        commands.extend(placement(c, a));
        commands.push(format!(
            "aws rds create-db-snapshot --db-instance-identifier {d} --db-snapshot-identifier {snap} --region {}",
            c.dr
        ));
        commands.push(wait_snapshot(&snap, c.dr));
        commands.push(format!("aws rds copy-db-snapshot --source-db-snapshot-identifier arn:aws:rds:{}:$ACCOUNT_ID:snapshot:{snap} --target-db-snapshot-identifier {snap} --kms-key-id {kms} --source-region {} --region {}", c.dr, c.dr, c.primary));
        commands.push(wait_snapshot(&snap, c.primary));
        let flags = settings
            .as_ref()
            .map_or(String::new(), |s| format!("{}{}", s.restore_flags(), s.logs_flag()));
        commands.push(format!(
            "aws rds restore-db-instance-from-db-snapshot --db-instance-identifier {p} --db-snapshot-identifier {snap} --db-subnet-group-name {p} --vpc-security-group-ids \"$SG\" --db-parameter-group-name \"$PG\"{flags} --deletion-protection --region {}",
            c.primary
        ));
        commands.push(wait_instance(&p, c.primary));
        vec![format!(
            "`{p}` is available in {} with the data written in {} and the settings the primary root sets (Multi-AZ, parameter group, log exports, deletion protection); monitoring and Performance Insights, which a restore cannot set, the adopting apply turns on at once (RDS applies them whatever ApplyImmediately says).",
            c.primary, c.dr
        )]
    };
    Step::new(
        format!(
            "Bring `{}` back to {} with the data written in {}",
            a.name, c.primary, c.dr
        ),
        commands,
        verify,
    )
}

/// After traffic is back: the DR copy of `a` becomes a copy of the primary
/// again (a new read replica), or the restored instance goes (backup).
fn rebuild_dr_copy(c: &Ctx<'_>, a: &Asset) -> Step {
    let (p, d) = (c.ident(a, Role::Primary), c.ident(a, Role::Dr));
    if a.dr == DrStrategy::Replica {
        let mut commands = vec![
            format!("aws rds create-db-snapshot --db-instance-identifier {d} --db-snapshot-identifier {d}-before-failback --region {}   # keep what the DR copy held", c.dr),
            wait_snapshot(&format!("{d}-before-failback"), c.dr),
        ];
        commands.extend(unprotect_instance(&d, c.dr));
        commands.push(c.tf(
            "dr",
            &format!("apply -replace='module.{}[0].aws_db_instance.this'", a.ident()),
        ));
        Step::new(
            format!("Make the DR copy of `{}` a read replica again (it is replaced: deletion protection is lifted on purpose)", a.name),
            commands,
            vec![
                no_protection_check(&d, c.dr, "replace"),
                format!("`{d}` replicates from `{p}` again, with deletion protection on (the module sets it)."),
            ],
        )
    } else {
        let mut commands = unprotect_instance(&d, c.dr);
        commands.push(format!("aws rds delete-db-instance --db-instance-identifier {d} --final-db-snapshot-identifier {d}-final --region {}", c.dr));
        commands.push(wait_instance_deleted(&d, c.dr));
        Step::new(
            format!("Remove the restored DR copy of `{}` (the primary holds its data again)", a.name),
            commands,
            vec![
                no_protection_check(&d, c.dr, "delete"),
                format!("`{d}` is gone, its final snapshot `{d}-final` kept; only the replicated automated backups remain in DR, as before the outage."),
            ],
        )
    }
}

/// Aurora, while DR still serves: the old primary cluster rejoins the global
/// database as a secondary once its region recovers; if it was lost, it is
/// rebuilt as a secondary and adopted by the primary root.
fn rejoin_cluster(c: &Ctx<'_>, a: &Asset) -> Vec<Step> {
    let global = names::global_cluster(&c.name, &a.name);
    let p = c.ident(a, Role::Primary);
    let d = c.ident(a, Role::Dr);
    let arn = format!("arn:aws:rds:{}:$ACCOUNT_ID:cluster:{p}", c.primary);
    let member = format!(
        "aws rds describe-global-clusters --global-cluster-identifier {global} --region {} --query \"GlobalClusters[0].GlobalClusterMembers[?DBClusterArn=='{arn}'].SynchronizationStatus | [0]\" --output text",
        c.dr
    );
    let mut steps = vec![Step::new(
        format!("Check whether the old primary cluster `{p}` rejoined the global database `{global}`"),
        vec![ACCOUNT.into(), member.clone()],
        vec![format!("Aurora adds the old primary cluster back to the global database as a secondary once {} recovers: the command prints `connected` (or `pending-resync` while it catches up). If it prints None, the cluster was lost: run the next step; otherwise skip it.", c.primary)],
    )];
    let kms = c.kms_alias();
    let Some(s) = c
        .call(a, Role::Primary, "aurora")
        .map(|m| DbSettings::of(m, &c.plan.primary))
    else {
        return steps;
    };
    let id = a.ident();
    let mut commands = vec![ACCOUNT.into()];
    commands.extend(placement(c, a));
    commands.push(format!(
        "VERSION=$(aws rds describe-db-clusters --db-cluster-identifier {d} --region {} --query 'DBClusters[0].EngineVersion' --output text)   # a secondary joins with exactly the writer's version",
        c.dr
    ));
    commands.push(c.tf(
        "primary",
        &format!("state rm module.{id}.aws_rds_cluster.this module.{id}.aws_rds_cluster_instance.this"),
    ));
    commands.push(format!(
        "aws rds create-db-cluster --db-cluster-identifier {p} --global-cluster-identifier {global} --engine {} --engine-version \"$VERSION\" --db-subnet-group-name {p} --vpc-security-group-ids \"$SG\" --db-cluster-parameter-group-name \"$PG\" --kms-key-id {kms} --storage-encrypted --port {} --enable-iam-database-authentication{} --backup-retention-period {} --preferred-backup-window {} --preferred-maintenance-window {} --copy-tags-to-snapshot --deletion-protection --region {}",
        s.engine,
        s.port,
        s.logs_flag(),
        s.retention,
        fixed::BACKUP_WINDOW,
        fixed::MAINTENANCE_WINDOW,
        c.primary
    ));
    commands.push(wait_cluster(&p, c.primary));
    commands.push(format!(
        "for i in $(seq 1 {}); do aws rds create-db-instance --db-instance-identifier {p}-$i --db-cluster-identifier {p} --engine {} --db-instance-class {} --db-subnet-group-name {p} --no-publicly-accessible{}{} --region {}; done",
        s.instances,
        s.engine,
        s.class,
        s.minor_flag(),
        s.monitoring_flags(&kms),
        c.primary
    ));
    commands.push(wait_cluster_instances(&p, c.primary));
    commands.push(c.tf("primary", &format!("import module.{id}.aws_rds_cluster.this {p}")));
    commands.push(format!(
        "for i in $(seq 1 {}); do {} \"module.{id}.aws_rds_cluster_instance.this[$((i - 1))]\" {p}-$i; done",
        s.instances,
        c.tf("primary", "import")
    ));
    steps.push(Step::new(
        format!("Only if the old primary cluster was lost: rebuild `{p}` as a secondary of `{global}` and adopt it"),
        commands,
        vec![
            format!("A cluster that joins a global database as a secondary takes no master user, password or database name (they come with the replicated data), so it is created here, not by the primary root, which would create a writer; `{p}` and its {} instances exist with the primary root's settings and are in its state.", s.instances),
            format!("`{member}` prints `connected` before the switchover."),
        ],
    ));
    steps
}

/// Aurora, writes stopped: a switchover (no data loss) makes the
/// primary-region cluster the writer again.
fn switch_cluster_back(c: &Ctx<'_>, a: &Asset) -> Step {
    let global = names::global_cluster(&c.name, &a.name);
    let target = format!(
        "arn:aws:rds:{}:$ACCOUNT_ID:cluster:{}",
        c.primary,
        c.ident(a, Role::Primary)
    );
    Step::new(
        format!("Switch the Aurora global database `{global}` back to {}", c.primary),
        vec![
            ACCOUNT.into(),
            format!(
                "aws rds switchover-global-cluster --global-cluster-identifier {global} --target-db-cluster-identifier {target} --region {}",
                c.primary
            ),
            wait_global_writer(&global, &target, c.primary),
        ],
        vec!["A switchover synchronizes the secondary before it changes roles, so it loses no data; the primary-region cluster is writer again, the DR cluster a secondary.".into()],
    )
}

/// Load balancers no DNS failover record or accelerator fronts: their
/// clients are pointed at `to`'s load balancer by hand.
fn by_hand(c: &Ctx<'_>, to: Role) -> Option<Step> {
    let fronted = |l: &Asset| {
        c.inv.assets.iter().any(|x| {
            matches!(x.kind, Kind::Route53 | Kind::GlobalAccelerator)
                && x.in_dr()
                && x.target.as_deref() == Some(l.name.as_str())
        })
    };
    let albs: Vec<&Asset> = c.of(Kind::Alb).filter(|l| l.in_dr() && !fronted(l)).collect();
    if albs.is_empty() {
        return None;
    }
    let region = c.region(to);
    let commands = albs
        .iter()
        .map(|l| c.tf(to.as_str(), &format!("output -raw {}_dns_name", l.ident())))
        .collect();
    Some(Step::new(
        format!(
            "Point the clients of {} at the {region} load balancer{} (nothing switches them on its own)",
            albs.iter().map(|l| format!("`{}`", l.name)).collect::<Vec<_>>().join(", "),
            if albs.len() > 1 { "s" } else { "" }
        ),
        commands,
        vec![format!(
            "Clients resolve to the {region} load balancer (their DNS or configuration names the printed address); no DNS failover record or accelerator fronts it."
        )],
    ))
}

/// The last traffic step: the primary back in rotation, DR out of it.
fn restore_rotation(c: &Ctx<'_>, hold_file: &str) -> Option<Step> {
    let records = failover_records(c);
    let accelerators = accelerators(c);
    if records.is_empty() && accelerators.is_empty() {
        return None;
    }
    let mut commands = Vec::new();
    for a in &accelerators {
        // DR first: an accelerator sends traffic to every group with a
        // non-zero dial; both at 100 would split the writers again.
        commands.push("# The Global Accelerator API is served only from us-west-2:".into());
        commands.extend(endpoint_group(c, a, "DR_GROUP", c.dr));
        commands.push(set_dial("DR_GROUP", "0"));
    }
    commands.push(format!("rm {hold_file}"));
    commands.push(c.tf("primary", "apply"));
    let mut verify =
        vec!["The apply changes only the traffic variables back to their defaults and destroys nothing.".to_string()];
    for a in &records {
        verify.push(format!(
            "`dig +short {}.{}` answers with the {} load balancer (the rotation check follows its endpoint check again).",
            a.record.as_deref().unwrap_or(""),
            a.zone.as_deref().unwrap_or(""),
            c.primary
        ));
    }
    for a in &accelerators {
        verify.push(format!(
            "The endpoint groups of `{}` have dial 100 in {} and 0 in {}.",
            a.name, c.primary, c.dr
        ));
    }
    verify.push("Smoke-test the application through its public name; writes land in the primary region.".into());
    Some(Step::new(
        format!(
            "Send traffic back to {}, last, now that its data is back and verified",
            c.primary
        ),
        commands,
        verify,
    ))
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
            .filter(|a| !data_only || matches!(a.kind, Kind::Rds | Kind::Aurora | Kind::S3))
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
        prechecks: prechecks(&c),
        bootstrap: bootstrap(&c),
        failover: failover(&c, &f),
        failback: failback(&c, !f.variable_changes.is_empty()),
        drill: drill(&c),
        changes: f.variable_changes,
    }
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
    for a in c.of(Kind::Rds).chain(c.of(Kind::Aurora)).filter(|a| a.in_dr()) {
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

/// Public suffixes of two labels under which a name of three labels is
/// itself a registered domain (`example.co.uk`): the common ones, enough to
/// word the delegation of a zone right.
const SECOND_LEVEL_SUFFIXES: [&str; 8] = ["co", "com", "net", "org", "gov", "edu", "ac", "ne"];

/// The parent zone `zone` is delegated from, or None when `zone` is a
/// registered domain (its name servers are set at the registrar).
fn parent_zone(zone: &str) -> Option<String> {
    let labels: Vec<&str> = zone.trim_end_matches('.').split('.').collect();
    let registered =
        labels.len() <= 2 || (labels.len() == 3 && labels[2].len() == 2 && SECOND_LEVEL_SUFFIXES.contains(&labels[1]));
    (!registered).then(|| labels[1..].join("."))
}

fn bootstrap(c: &Ctx<'_>) -> Vec<Step> {
    let plan = c.plan;
    let mut created = vec!["the state buckets of both roots".to_string()];
    if plan.bootstrap.autoscaling_slr {
        created.push("the EC2 Auto Scaling service-linked role".into());
    }
    if !plan.bootstrap.zones.is_empty() {
        created.push("the public hosted zones".into());
    }
    let mut steps = vec![Step::new(
        format!("Create {} (once per inventory and account)", created.join(", ")),
        vec![ACCOUNT.into(), c.tf("bootstrap", "init"), c.tf("bootstrap", "apply")],
        vec![format!(
            "`{}` and `{}` exist, versioned and KMS-encrypted; keep `{}/bootstrap/terraform.tfstate` safe.",
            plan.primary.state_bucket("$ACCOUNT_ID"),
            plan.dr.state_bucket("$ACCOUNT_ID"),
            c.dir
        )],
    )];
    for z in &plan.bootstrap.zones {
        let output = c.tf("bootstrap", &format!("output {}_name_servers", z.label));
        let dig = format!("`dig +short NS {}` lists those name servers; certificates of the roots validate through this zone, so apply them only after delegation.", z.name);
        steps.push(match parent_zone(&z.name) {
            Some(parent) => Step::new(
                format!("Delegate `{}` to its new hosted zone: NS records in the parent zone `{parent}`", z.name),
                vec![
                    output,
                    format!("aws route53 list-hosted-zones-by-name --dns-name {parent} --max-items 1 --query 'HostedZones[0].[Name,Id]' --output text   # if {parent} is hosted in Route 53"),
                ],
                vec![
                    format!("The parent zone `{parent}` has an NS record set `{}` listing exactly those name servers (a subdomain is delegated by its parent zone, wherever that zone is hosted; only a registered domain's name servers are set at the registrar).", z.name),
                    dig,
                ],
            ),
            None => Step::new(
                format!("Delegate `{}` to its new hosted zone: name servers at the domain's registrar", z.name),
                vec![output],
                vec![
                    format!("The registrar of `{}` lists exactly those name servers (a registered domain is delegated by its registrar).", z.name),
                    dig,
                ],
            ),
        });
    }
    for (root, name) in [(&plan.primary, "primary"), (&plan.dr, "dr")] {
        let required: Vec<&str> = root
            .variables
            .iter()
            .filter(|v| v.example.is_some())
            .map(|v| v.name.as_str())
            .collect();
        if !required.is_empty() {
            steps.push(Step::new(
                format!(
                    "Give the {name} root the values only you know ({})",
                    required.join(", ")
                ),
                vec![format!(
                    "cp {0}/{name}/terraform.tfvars.example {0}/{name}/terraform.tfvars   # then edit it",
                    c.dir
                )],
                vec![
                    "`terraform.tfvars` sets every variable without a default; acmegen keeps it across renders.".into(),
                ],
            ));
        }
    }
    steps.push(Step::new(
        format!("Apply the DR root first ({})", c.dr),
        vec![ACCOUNT.into(), init(c, &plan.dr), c.tf("dr", "apply")],
        vec!["DR network, keys, buckets and registries exist and the DR root has published its facts (SSM parameters under `".to_string() + &fact_store_path(&c.inv.name) + "/dr/`), so the primary can replicate and peer into them. Copies of primary databases wait for the primary's facts."],
    ));
    steps.push(Step::new(
        format!("Apply the primary root ({})", c.primary),
        vec![ACCOUNT.into(), init(c, &plan.primary), c.tf("primary", "apply")],
        vec![format!("Every primary output is set; replication rules point at the DR buckets and registry; the primary's facts are published under `{}/primary/` in {}.", fact_store_path(&c.inv.name), c.dr)],
    ));
    steps.push(Step::new(
        "Apply the DR root again: replicas and cross-region links join what the primary published",
        vec![c.tf("dr", "apply")],
        vec!["Replication runs: read replicas and secondary clusters are `available` in the DR region, buckets show replicated objects; no value was copied by hand.".into()],
    ));
    steps
}

/// Empties a versioned bucket: every object version and delete marker, in
/// batches within DeleteObjects' limit of 1000 keys (500 versions and 500
/// markers at most); `terraform destroy` refuses a bucket that is not empty
/// (`force_destroy = false`).
const EMPTY_BUCKET: &str = "empty_bucket() { while V=$(aws s3api list-object-versions --bucket \"$1\" --max-items 500 --query '{Objects: [Versions || `[]`, DeleteMarkers || `[]`][].{Key: Key, VersionId: VersionId}}' --output json) && [ \"$(printf '%s' \"$V\" | grep -c '\"Key\"')\" -gt 0 ]; do aws s3api delete-objects --bucket \"$1\" --delete \"$V\" >/dev/null; done; }";

fn drill(c: &Ctx<'_>) -> Vec<Step> {
    let d = c.drill();
    let mut steps = vec![Step::new(
        "Rehearse in a copy of the inventory (another `name`, non-production account)",
        vec![
            format!("cp {} {}   # then set name: {}", c.file, d.file, d.name),
            format!("acmegen render {}", d.file),
        ],
        vec!["Both drill roots apply following the first-deployment steps.".into()],
    )];
    steps.push(Step::new(
        "Simulate the loss of the primary region: deny it to the drill's role (an SCP or IAM deny on `aws:RequestedRegion`), or stop its load balancer targets",
        vec![],
        vec!["The PRIMARY health checks turn unhealthy; alarms fire.".into()],
    ));
    steps.push(Step::new(
        "Run the failover section against the drill, timing each step",
        vec![],
        vec![
            "Measured recovery time and data loss fit the objectives above; update them in the design doc if not."
                .into(),
        ],
    ));
    steps.push(Step::new(
        "Lift the simulated outage and run the failback section against the drill",
        vec![],
        vec!["Both drill plans exit 0, as the failback's last step checks.".into()],
    ));
    steps.push(teardown(&d));
    steps
}

/// The drill's teardown: what `terraform destroy` refuses as generated
/// (deletion-protected load balancers, databases, clusters and global
/// databases; non-empty versioned buckets and repositories) made deletable
/// by CLI, then both roots destroyed, DR first.
fn teardown(d: &Ctx<'_>) -> Step {
    let mut commands = vec![ACCOUNT.into()];
    for role in [Role::Primary, Role::Dr] {
        let root = d.root(role);
        let region = d.region(role);
        for m in &root.modules {
            let Some(a) = d.inv.assets.iter().find(|a| a.name == m.origin.asset()) else {
                continue;
            };
            let rename = |s: String| match s.strip_prefix(&d.inv.name) {
                Some(rest) => format!("{}{rest}", d.name),
                None => s,
            };
            match m.source.as_str() {
                "alb" => commands.push(format!(
                    "aws elbv2 modify-load-balancer-attributes --load-balancer-arn $({}) --attributes Key=deletion_protection.enabled,Value=false --region {region}",
                    d.tf(role.as_str(), &format!("output -raw {}_arn", a.ident()))
                )),
                "rds" => {
                    if let Some(id) = arg_str(m, "identifier", root) {
                        commands.push(format!("aws rds modify-db-instance --db-instance-identifier {} --no-deletion-protection --apply-immediately --region {region}", rename(id)));
                    }
                }
                "aurora" => {
                    if let Some(id) = arg_str(m, "cluster_identifier", root) {
                        commands.push(format!("aws rds modify-db-cluster --db-cluster-identifier {} --no-deletion-protection --apply-immediately --region {region}", rename(id)));
                    }
                    if arg_str(m, "role", root).as_deref() == Some("global-primary") {
                        commands.push(format!(
                            "aws rds modify-global-cluster --global-cluster-identifier {} --no-deletion-protection --region {region}",
                            names::global_cluster(&d.name, &a.name)
                        ));
                    }
                }
                "ecr" => {
                    if let Some(repo) = arg_str(m, "repository_name", root) {
                        commands.push(format!("aws ecr delete-repository --repository-name {} --force --region {region}   # with its images", rename(repo)));
                    }
                }
                _ => {}
            }
        }
    }
    let mut buckets = Vec::new();
    for role in [Role::Primary, Role::Dr] {
        for m in d.root(role).modules.iter().filter(|m| m.source == "s3") {
            if let Some(b) = m.argument("bucket").and_then(|e| shell_name(e, &d.inv.name, &d.name)) {
                buckets.push(b);
            }
        }
    }
    if !buckets.is_empty() {
        commands.push(EMPTY_BUCKET.into());
        for b in &buckets {
            commands.push(format!("empty_bucket {b}"));
        }
    }
    commands.push(format!("terraform -chdir={}/dr destroy", d.dir));
    commands.push(format!("terraform -chdir={}/primary destroy", d.dir));
    Step::new(
        "Destroy the drill: lift what protects it from deletion, empty its buckets, then destroy DR and primary",
        commands,
        vec![
            "Nothing of the drill's primary and DR roots is left: `terraform destroy` cannot delete a deletion-protected load balancer, database or global database, nor a bucket or repository that is not empty, hence the commands before it.".into(),
            format!("The drill's bootstrap root (state buckets, hosted zones, the account's EC2 Auto Scaling service-linked role) stays for the next drill; the role is account-wide, and IAM refuses to delete it while any Auto Scaling group uses it."),
        ],
    )
}
