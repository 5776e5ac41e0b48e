//! The DR plan as an output: ordered failover, failback and drill steps
//! derived from the assets and their strategies (rendered to
//! `generated/<name>/RUNBOOK.md`), and the variable changes that turn the DR
//! root from standby into primary capacity (`acmegen failover`).

use crate::inventory::{Asset, DrStrategy, Inventory, Kind};
use crate::plan::{region_code, Plan, Role, VarRole};
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
        "# Written by `acmegen failover`: DR capacity of {} raised to primary capacity.\n# Review, then: terraform -chdir=generated/{}/dr apply\n# Failback: delete this file and apply again.\n\n",
        plan.name, plan.name
    );
    for c in failover_changes(plan) {
        out.push_str(&format!("{} = {}\n", c.name, c.to));
    }
    crate::format::format_hcl(&out)
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

struct Ctx<'a> {
    inv: &'a Inventory,
    file: String,
    dr: &'a str,
    primary: &'a str,
    dir: String,
}

impl Ctx<'_> {
    fn ident(&self, a: &Asset, role: Role) -> String {
        let region = if role == Role::Primary { self.primary } else { self.dr };
        format!("{}-{}-{}", self.inv.name, a.name, region_code(region))
    }

    fn of(&self, kind: Kind) -> impl Iterator<Item = &Asset> + '_ {
        self.inv.assets.iter().filter(move |a| a.kind == kind)
    }

    fn tf(&self, role: &str, args: &str) -> String {
        format!("terraform -chdir={}/{role} {args}", self.dir)
    }
}

/// What a failover does in the DR root: the data steps (promotions,
/// restores, credentials), the variable changes of the scale-up apply, and
/// the recovery objectives (`acmegen failover`, text or JSON).
#[derive(Debug, Serialize)]
pub struct Failover {
    /// Inventory name.
    pub inventory: String,
    /// DR region.
    pub dr_region: String,
    /// Data steps, in order, before the scale-up apply.
    pub data_steps: Vec<Step>,
    /// Variable changes of the scale-up apply (`failover.auto.tfvars`).
    pub variable_changes: Vec<VarChange>,
    /// Recovery objectives per asset.
    pub objectives: Vec<Objective>,
}

/// `acmegen failover` as text: the data steps to run first, then the
/// variable changes of the scale-up apply, then the objectives.
pub fn failover_text(plan: &Plan, f: &Failover) -> String {
    let mut out = format!(
        "Failover of {} to {} (DR root generated/{}/dr)\n",
        f.inventory, f.dr_region, plan.name
    );
    if f.data_steps.is_empty() {
        out.push_str("\nData: nothing to promote or restore (no database or replicated bucket with a DR copy).\n");
    } else {
        out.push_str("\nData steps, in order (RUNBOOK.md has the checks after each):\n");
        for (i, s) in f.data_steps.iter().enumerate() {
            out.push_str(&format!("{}. {}\n", i + 1, s.title));
            for c in &s.commands {
                out.push_str(&format!("     {c}\n"));
            }
        }
    }
    if f.variable_changes.is_empty() {
        out.push_str(
            "\nCapacity: the DR root already runs primary capacity; the scale-up apply changes no variable.\n",
        );
    } else {
        out.push_str("\nVariable changes of the scale-up apply (--apply-vars writes them):\n");
        let width = f.variable_changes.iter().map(|c| c.name.len()).max().unwrap_or(0);
        for c in &f.variable_changes {
            out.push_str(&format!("  {:<width$}  {} -> {}\n", c.name, c.from, c.to));
        }
    }
    out.push_str("\nRecovery objectives:\n");
    for o in &f.objectives {
        out.push_str(&format!(
            "  {} ({}, {}): RTO {}; RPO {}\n",
            o.asset, o.kind, o.strategy, o.rto, o.rpo
        ));
    }
    out
}

/// The failover of a validated inventory and its plan.
pub fn failover_plan(inv: &Inventory, plan: &Plan) -> Failover {
    let c = Ctx {
        inv,
        file: String::new(),
        dr: &inv.regions.dr,
        primary: &inv.regions.primary,
        dir: format!("generated/{}", inv.name),
    };
    let mut assets: Vec<&Asset> = inv.assets.iter().collect();
    assets.sort_by(|a, b| a.name.cmp(&b.name));
    Failover {
        inventory: inv.name.clone(),
        dr_region: inv.regions.dr.clone(),
        data_steps: data_steps(&c, plan),
        variable_changes: failover_changes(plan),
        objectives: assets.iter().map(|a| crate::objectives::objective(inv, a)).collect(),
    }
}

/// Build the runbook of a validated inventory (read from `path`) and its plan.
pub fn runbook(inv: &Inventory, plan: &Plan, path: &std::path::Path) -> Runbook {
    let mut assets: Vec<&Asset> = inv.assets.iter().collect();
    assets.sort_by(|a, b| a.name.cmp(&b.name));
    let file = format!(
        "inventory/{}",
        path.file_name().map_or("".into(), |f| f.to_string_lossy())
    );
    let c = Ctx {
        inv,
        file,
        dr: &inv.regions.dr,
        primary: &inv.regions.primary,
        dir: format!("generated/{}", inv.name),
    };
    let objectives: Vec<Objective> = assets.iter().map(|a| crate::objectives::objective(inv, a)).collect();
    let covered = || assets.iter().filter(|a| a.in_dr());
    let worst = |data_only: bool| {
        covered()
            .filter(|a| !data_only || matches!(a.kind, Kind::Rds | Kind::Aurora | Kind::S3))
            .max_by_key(|a| rank(a.dr))
            .map(|a| a.dr.rto_rpo())
    };
    let changes = failover_changes(plan);
    Runbook {
        name: inv.name.clone(),
        inventory: c.file.clone(),
        source: inv.source.clone(),
        primary: inv.regions.primary.clone(),
        dr: inv.regions.dr.clone(),
        dr_state_bucket: plan.dr.state_bucket("<account>"),
        objectives,
        overall_rto: worst(false).map_or("n/a".into(), |w| w.0.to_string()),
        overall_rpo: worst(true).map_or("no data tier in DR".into(), |w| w.1.to_string()),
        not_covered: assets
            .iter()
            .filter(|a| !a.in_dr())
            .map(|a| format!("{} ({})", a.name, a.kind))
            .collect(),
        prechecks: prechecks(&c, plan),
        bootstrap: bootstrap(&c, plan),
        failover: failover(&c, plan, &changes),
        failback: failback(&c, plan, !changes.is_empty()),
        drill: drill(&c),
        changes,
    }
}

fn prechecks(c: &Ctx<'_>, plan: &Plan) -> Vec<String> {
    let mut out = Vec::new();
    for a in c.of(Kind::Rds).chain(c.of(Kind::Aurora)).filter(|a| a.in_dr()) {
        out.push(format!(
            "Database `{}` runs {} {} in both regions (validated: a different DR version is an error).",
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
    let primary_cidr = plan
        .primary
        .modules
        .iter()
        .find(|m| m.source == "vpc")
        .and_then(|m| m.argument("cidr"))
        .map(|e| e.render());
    let dr_cidr = plan
        .dr
        .modules
        .iter()
        .find(|m| m.source == "vpc")
        .and_then(|m| m.argument("cidr"))
        .map(|e| e.render());
    if let (Some(p), Some(d)) = (primary_cidr, dr_cidr) {
        let (p, d) = (p.trim_matches('"'), d.trim_matches('"'));
        out.push(format!(
            "VPC ranges do not overlap: `{p}` (primary), `{d}` (DR) (validated)."
        ));
    }
    out.push("Every asset with a DR strategy has its dependencies in DR too (validated).".into());
    out.push(format!(
        "The DR root keeps its state in `{}` ({}) and reads nothing from the primary region: what it needs from the primary is in the fact store (`{}` in {}).",
        plan.dr.state_bucket("<account>"),
        c.dr,
        crate::plan::fact_store_path(&c.inv.name),
        c.dr
    ));
    out
}

/// Sets `ACCOUNT_ID`, which state bucket and bucket names carry.
const ACCOUNT: &str = "ACCOUNT_ID=$(aws sts get-caller-identity --query Account --output text)";

fn init(c: &Ctx<'_>, root: &crate::plan::RootPlan) -> String {
    c.tf(
        root.role.as_str(),
        &format!("init -backend-config=\"bucket={}\"", root.state_bucket("$ACCOUNT_ID")),
    )
}

fn bootstrap(c: &Ctx<'_>, plan: &Plan) -> Vec<Step> {
    let mut created = vec!["the state buckets of both roots".to_string()];
    if plan.bootstrap.autoscaling_slr {
        created.push("the EC2 Auto Scaling service-linked role".into());
    }
    if !plan.bootstrap.zones.is_empty() {
        created.push("the public hosted zones".into());
    }
    if !plan.bootstrap.validations.is_empty() {
        created.push("the certificates' DNS validation records".into());
    }
    let mut verify = vec![format!(
        "`{}` and `{}` exist, versioned and KMS-encrypted; keep `{}/bootstrap/terraform.tfstate` safe (applied again without it, the root adopts what its fact store records instead of creating second copies).",
        plan.primary.state_bucket("$ACCOUNT_ID"),
        plan.dr.state_bucket("$ACCOUNT_ID"),
        c.dir
    )];
    if plan.bootstrap.autoscaling_slr {
        verify.push(format!(
            "`aws iam get-role --role-name AWSServiceRoleForAutoScaling` succeeds (created, or adopted where the account had it). It is deletion-protected: to tear this root down and leave the role to the account, first `{}`.",
            c.tf("bootstrap", "state rm module.service_linked_roles")
        ));
    }
    let mut steps = vec![Step::new(
        format!("Create {} (once per inventory and account)", created.join(", ")),
        vec![ACCOUNT.into(), c.tf("bootstrap", "init"), c.tf("bootstrap", "apply")],
        verify,
    )];
    for z in &plan.bootstrap.zones {
        steps.push(Step::new(
            format!("Delegate `{}` to its new hosted zone (at the domain's registrar)", z.name),
            vec![c.tf("bootstrap", &format!("output {}_name_servers", z.label))],
            vec![format!(
                "`dig +short NS {}` lists those name servers; certificates of the roots validate through this zone, so apply them only after delegation.",
                z.name
            )],
        ));
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
        vec![init(c, &plan.dr), c.tf("dr", "apply")],
        vec!["DR network, keys, buckets and registries exist and the DR root has published its facts (SSM parameters under `".to_string() + &crate::plan::fact_store_path(&c.inv.name) + "/dr/`), so the primary can replicate and peer into them. Copies of primary databases wait for the primary's facts."],
    ));
    steps.push(Step::new(
        format!("Apply the primary root ({})", c.primary),
        vec![init(c, &plan.primary), c.tf("primary", "apply")],
        vec![format!("Every primary output is set; replication rules point at the DR buckets and registry; the primary's facts are published under `{}/primary/` in {}.", crate::plan::fact_store_path(&c.inv.name), c.dr)],
    ));
    steps.push(Step::new(
        "Apply the DR root again: replicas and cross-region links join what the primary published",
        vec![c.tf("dr", "apply")],
        vec!["Replication runs: read replicas and secondary clusters are `available` in the DR region, buckets show replicated objects; no value was copied by hand.".into()],
    ));
    steps
}

/// The DR root's output `name`, read in a shell command.
fn dr_output(c: &Ctx<'_>, name: &str) -> String {
    format!("$({})", c.tf("dr", &format!("output -raw {name}")))
}

/// Databases whose master secret is replicated to DR (they have a DR copy).
fn replicated_secrets<'a>(c: &'a Ctx<'_>) -> impl Iterator<Item = &'a Asset> + 'a {
    c.inv
        .assets
        .iter()
        .filter(|a| matches!(a.kind, Kind::Rds | Kind::Aurora) && a.in_dr())
}

/// The data steps of a failover: promotions, restores, credentials, buckets.
fn data_steps(c: &Ctx<'_>, plan: &Plan) -> Vec<Step> {
    let mut steps = Vec::new();
    for a in c.of(Kind::Rds) {
        let id = c.ident(a, Role::Dr);
        match a.dr {
            DrStrategy::Replica => steps.push(Step::new(
                format!("Promote the read replica of `{}` to a standalone primary", a.name),
                vec![
                    format!("aws rds promote-read-replica --db-instance-identifier {id} --backup-retention-period {} --region {}", a.retention_days.unwrap_or(7), c.dr),
                    format!("aws rds wait db-instance-available --db-instance-identifier {id} --region {}", c.dr),
                ],
                vec![
                    format!("`aws rds describe-db-instances --db-instance-identifier {id} --region {} --query 'DBInstances[0].ReadReplicaSourceDBInstanceIdentifier'` prints null.", c.dr),
                    format!("The application's connection string points at the DR endpoint (output `{}_endpoint` of the DR root); the DR root's next apply keeps the promoted instance (it ignores `replicate_source_db`).", a.ident()),
                ],
            )),
            DrStrategy::Backup => {
                // The plan gives the DR backup replication a restore subnet group and
                // security group when DR has a VPC.
                let network = plan.dr.modules.iter().any(|m| {
                    m.origin.asset() == a.name && m.argument("restore_subnet_group_name").is_some()
                });
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
                commands.push(format!(
                    "aws rds restore-db-instance-to-point-in-time --source-db-instance-automated-backups-arn {} --target-db-instance-identifier {id} --use-latest-restorable-time {placement} --multi-az --deletion-protection --region {}",
                    dr_output(c, &format!("{}_backup_replication_arn", a.ident())),
                    c.dr
                ));
                commands.push(format!("aws rds wait db-instance-available --db-instance-identifier {id} --region {}", c.dr));
                steps.push(Step::new(
                    format!("Restore `{}` from the backups replicated to {}", a.name, c.dr),
                    commands,
                    vec![format!(
                        "`{id}` is available in the DR subnets, reachable from the DR application's security groups only; data is as recent as the replicated backups' latest restorable time."
                    )],
                ));
            }
            _ => {}
        }
    }
    for a in c.of(Kind::Aurora).filter(|a| a.in_dr()) {
        steps.push(Step::new(
            format!("Fail the Aurora global database `{}-{}` over to {}", c.inv.name, a.name, c.dr),
            vec![
                ACCOUNT.into(),
                format!(
                    "aws rds failover-global-cluster --global-cluster-identifier {}-{} --target-db-cluster-identifier arn:aws:rds:{}:$ACCOUNT_ID:cluster:{} --allow-data-loss --region {}",
                    c.inv.name, a.name, c.dr, c.ident(a, Role::Dr), c.dr
                ),
            ],
            vec![format!(
                "`aws rds describe-global-clusters --global-cluster-identifier {}-{} --region {}` shows the {} cluster as writer.",
                c.inv.name, a.name, c.dr, c.dr
            )],
        ));
    }
    for a in replicated_secrets(c) {
        let prefix = format!("{}-master-", c.ident(a, Role::Primary));
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
    for a in c
        .of(Kind::S3)
        .filter(|a| matches!(a.dr, DrStrategy::Replica | DrStrategy::Backup))
    {
        steps.push(Step::new(
            format!("Serve `{}` from its DR bucket", a.name),
            vec![
                ACCOUNT.into(),
                format!("aws s3 ls s3://{}-{}-$ACCOUNT_ID-{}/ --region {}", c.inv.name, a.name, c.dr, c.dr),
            ],
            vec![format!(
                "Applications read and write `{}-{}-<account>-{}` (output `{}_bucket` of the DR root); objects written after the last replication are lost (RPO).",
                c.inv.name, a.name, c.dr, a.ident()
            )],
        ));
    }
    steps
}

fn failover(c: &Ctx<'_>, plan: &Plan, changes: &[VarChange]) -> Vec<Step> {
    let mut steps = vec![Step::new(
        "Declare the incident and freeze changes to the primary region",
        vec![],
        vec![format!(
            "Nobody applies the primary root until failback; work happens in `{}/dr`, whose state, providers and facts all live in {}.",
            c.dir, c.dr
        )],
    )];
    steps.extend(data_steps(c, plan));
    if !changes.is_empty() {
        let list = changes
            .iter()
            .map(|ch| format!("{}={}", ch.name, ch.to))
            .collect::<Vec<_>>()
            .join(", ");
        steps.push(Step::new(
            "Scale the DR region up to primary capacity",
            vec![format!("acmegen failover {} --apply-vars", c.file), c.tf("dr", "apply")],
            vec![format!("The plan changes only capacity and traffic variables ({list}) and destroys nothing; node groups and instances are healthy.")],
        ));
    }
    for a in c.of(Kind::Route53).filter(|a| a.dr != DrStrategy::None) {
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
    for a in c.of(Kind::GlobalAccelerator).filter(|a| a.dr != DrStrategy::None) {
        let dial = format!("{}_traffic_dial", a.ident());
        let mut commands = if changes.iter().any(|ch| ch.name == dial) {
            vec![]
        } else {
            vec![c.tf("dr", &format!("apply -var {dial}=100"))]
        };
        commands.push(
            "# The Global Accelerator API is served only from us-west-2, whatever the endpoints' regions:".into(),
        );
        commands.push(format!(
            "aws globalaccelerator describe-endpoint-group --endpoint-group-arn {} --region us-west-2 --query 'EndpointGroup.TrafficDialPercentage'",
            dr_output(c, &format!("{}_endpoint_group_arn", a.ident()))
        ));
        steps.push(Step::new(
            format!(
                "Send Global Accelerator `{}` traffic to {} (dial 100 via `{dial}`)",
                a.name, c.dr
            ),
            commands,
            vec![format!(
                "The DR endpoint group's traffic dial is 100; clients keep the accelerator's static IPs."
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

fn failback(c: &Ctx<'_>, plan: &Plan, scaled: bool) -> Vec<Step> {
    let dbs: Vec<&Asset> = c
        .of(Kind::Rds)
        .filter(|a| matches!(a.dr, DrStrategy::Replica | DrStrategy::Backup))
        .collect();
    let kms_alias = plan
        .primary
        .modules
        .iter()
        .find(|m| m.source == "kms")
        .and_then(|m| m.argument("alias"))
        .map_or("alias/aws/rds".to_string(), |a| {
            a.render().trim_matches('"').to_string()
        });
    let mut steps = vec![Step::new(
        format!("Check the primary region ({}) is back and its state bucket readable", c.primary),
        vec![ACCOUNT.into(), init(c, &plan.primary)],
        vec!["`terraform init` reads the primary state; if the bucket was lost, rebuild the primary as a first deployment instead.".into()],
    )];
    if dbs.is_empty() {
        steps.push(Step::new(
            format!("Rebuild the primary region ({})", c.primary),
            vec![c.tf("primary", "apply")],
            vec!["The primary root applies cleanly and republishes its facts.".into()],
        ));
    } else {
        let mut targets = vec!["apply".to_string()];
        for a in &dbs {
            targets.push(format!(
                "-target=module.{0}.aws_db_subnet_group.this -target=module.{0}.aws_security_group.this",
                a.ident()
            ));
        }
        steps.push(Step::new(
            format!(
                "Rebuild the primary network, keys and database subnet groups ({}), not the databases yet",
                c.primary
            ),
            vec![c.tf("primary", &targets.join(" "))],
            vec![
                "Terraform's dependency graph brings the VPC and KMS key along; no database instance is created."
                    .into(),
            ],
        ));
    }
    for a in dbs {
        let (p, d) = (c.ident(a, Role::Primary), c.ident(a, Role::Dr));
        let id = a.ident();
        let aside = format!(
            "aws rds describe-db-instances --db-instance-identifier {p} --region {0} >/dev/null 2>&1 && aws rds modify-db-instance --db-instance-identifier {p} --new-db-instance-identifier {p}-stale-$(date +%Y%m%d) --apply-immediately --region {0} && aws rds wait db-instance-available --db-instance-identifier {p}-stale-$(date +%Y%m%d) --region {0}   # an old primary that survived the outage is kept aside, not deleted",
            c.primary
        );
        let sg = format!(
            "SG=$({})",
            c.tf("primary", &format!("output -raw {id}_security_group_id"))
        );
        let mut commands = vec![ACCOUNT.into(), aside, sg];
        if a.dr == DrStrategy::Replica {
            commands.push(format!("aws rds create-db-instance-read-replica --db-instance-identifier {p} --source-db-instance-identifier arn:aws:rds:{}:$ACCOUNT_ID:db:{d} --db-subnet-group-name {p} --vpc-security-group-ids \"$SG\" --kms-key-id {kms_alias} --region {}", c.dr, c.primary));
            commands.push(format!(
                "aws rds wait db-instance-available --db-instance-identifier {p} --region {}",
                c.primary
            ));
            commands.push(format!("aws rds promote-read-replica --db-instance-identifier {p} --backup-retention-period {} --region {}   # in a maintenance window, writes stopped", a.retention_days.unwrap_or(7), c.primary));
        } else {
            let snap = format!("{d}-failback");
            commands.push(format!("aws rds create-db-snapshot --db-instance-identifier {d} --db-snapshot-identifier {snap} --region {}   # writes stopped", c.dr));
            commands.push(format!(
                "aws rds wait db-snapshot-available --db-snapshot-identifier {snap} --region {}",
                c.dr
            ));
            commands.push(format!("aws rds copy-db-snapshot --source-db-snapshot-identifier arn:aws:rds:{}:$ACCOUNT_ID:snapshot:{snap} --target-db-snapshot-identifier {snap} --kms-key-id {kms_alias} --source-region {} --region {}", c.dr, c.dr, c.primary));
            commands.push(format!(
                "aws rds wait db-snapshot-available --db-snapshot-identifier {snap} --region {}",
                c.primary
            ));
            commands.push(format!("aws rds restore-db-instance-from-db-snapshot --db-instance-identifier {p} --db-snapshot-identifier {snap} --db-subnet-group-name {p} --vpc-security-group-ids \"$SG\" --region {}", c.primary));
        }
        commands.push(format!(
            "aws rds wait db-instance-available --db-instance-identifier {p} --region {}",
            c.primary
        ));
        commands.push(c.tf("primary", &format!("state rm module.{id}.aws_db_instance.this")));
        commands.push(c.tf("primary", &format!("import module.{id}.aws_db_instance.this {p}")));
        commands.push(c.tf("primary", "apply"));
        steps.push(Step::new(
            format!("Bring `{}` back to {} with the data written in {}", a.name, c.primary, c.dr),
            commands,
            vec![format!("`{p}` is writable in {}, the primary plan is empty, and the primary republished `{id}_arn` to the fact store.", c.primary)],
        ));
        if a.dr == DrStrategy::Replica {
            steps.push(Step::new(
                format!("Make the DR copy of `{}` a read replica again (it is replaced: deletion protection is lifted on purpose)", a.name),
                vec![
                    format!("aws rds create-db-snapshot --db-instance-identifier {d} --db-snapshot-identifier {d}-before-failback --region {}   # keep what the DR copy held", c.dr),
                    format!("aws rds wait db-snapshot-available --db-snapshot-identifier {d}-before-failback --region {}", c.dr),
                    format!("aws rds modify-db-instance --db-instance-identifier {d} --no-deletion-protection --apply-immediately --region {}", c.dr),
                    c.tf("dr", &format!("apply -replace='module.{id}[0].aws_db_instance.this'")),
                ],
                vec![format!("`{d}` replicates from `{p}` again, with deletion protection on (the module sets it).")],
            ));
        } else {
            steps.push(Step::new(
                format!("Remove the restored DR copy of `{}` (the primary holds its data again)", a.name),
                vec![format!("aws rds delete-db-instance --db-instance-identifier {d} --final-db-snapshot-identifier {d}-final --region {}", c.dr)],
                vec!["Only the replicated automated backups remain in DR, as before the outage.".into()],
            ));
        }
    }
    for a in c.of(Kind::Aurora).filter(|a| a.in_dr()) {
        steps.push(Step::new(
            format!("Switch the Aurora global database `{}-{}` back to {}", c.inv.name, a.name, c.primary),
            vec![
                ACCOUNT.into(),
                format!(
                    "aws rds switchover-global-cluster --global-cluster-identifier {}-{} --target-db-cluster-identifier arn:aws:rds:{}:$ACCOUNT_ID:cluster:{} --region {}",
                    c.inv.name, a.name, c.primary, c.ident(a, Role::Primary), c.primary
                ),
            ],
            vec!["A planned switchover loses no data; the primary-region cluster is writer again.".into()],
        ));
    }
    for a in replicated_secrets(c) {
        let prefix = format!("{}-master-", c.ident(a, Role::Primary));
        steps.push(Step::new(
            format!("Replicate `{}`'s master secret to {} again", a.name, c.dr),
            vec![
                format!("SECRET=$(aws secretsmanager list-secrets --region {} --filters Key=name,Values={prefix} --query 'SecretList[0].ARN' --output text)", c.dr),
                format!("aws secretsmanager delete-secret --secret-id \"$SECRET\" --force-delete-without-recovery --region {}   # the standalone DR copy; the primary secret holds the same credentials", c.dr),
                c.tf("primary", "apply"),
            ],
            vec!["The primary secret lists its DR replica again (`aws secretsmanager describe-secret`). If the password was rotated during the outage, bump the database's `password_version` in the primary root instead, which writes one new password to the database and the secret.".into()],
        ));
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

fn drill(c: &Ctx<'_>) -> Vec<Step> {
    let mut steps = vec![Step::new(
        "Rehearse in a copy of the inventory (another `name`, non-production account)",
        vec![
            format!(
                "cp {} inventory/{1}-drill.yaml   # then set name: {1}-drill",
                c.file, c.inv.name
            ),
            format!("acmegen render inventory/{}-drill.yaml", c.inv.name),
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
    let drill_dir = format!("{}-drill", c.dir);
    steps.push(Step::new(
        "Fail back and destroy the drill",
        vec![
            format!("terraform -chdir={drill_dir}/dr destroy"),
            format!("terraform -chdir={drill_dir}/primary destroy"),
        ],
        vec!["Nothing of the drill is left; deletion protection had to be lifted explicitly.".into()],
    ));
    steps
}
