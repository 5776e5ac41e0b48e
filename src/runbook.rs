//! The DR plan as an output: ordered failover, failback and drill steps
//! derived from the assets and their strategies (rendered to
//! `generated/<name>/RUNBOOK.md`), and the variable changes that turn the DR
//! root from standby into primary capacity (`acmegen failover`).

use crate::inventory::{Asset, DrStrategy, Inventory, Kind};
use crate::plan::{region_code, Plan, Role};
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
    let capacity = |n: &str| {
        [
            "_instance_count",
            "_count",
            "_node_min_size",
            "_node_desired_size",
            "_node_max_size",
            "_traffic_dial",
        ]
        .iter()
        .any(|s| n.ends_with(s))
    };
    let primary: std::collections::BTreeMap<&str, &Option<String>> = plan
        .primary
        .variables
        .iter()
        .map(|v| (v.name.as_str(), &v.default))
        .collect();
    plan.dr
        .variables
        .iter()
        .filter(|v| capacity(&v.name))
        .filter_map(|v| {
            let (from, to) = (v.default.clone()?, (*primary.get(v.name.as_str())?).clone()?);
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

/// Recovery objectives of one asset.
#[derive(Debug, Serialize)]
pub struct Objective {
    /// Asset name.
    pub asset: String,
    /// Asset kind.
    pub kind: String,
    /// DR strategy.
    pub strategy: String,
    /// Recovery time class.
    pub rto: String,
    /// Recovery point class.
    pub rpo: String,
}

/// A runbook step: what to do, the exact commands, and what to check after.
#[derive(Debug, Serialize)]
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
    let objectives: Vec<Objective> = assets
        .iter()
        .map(|a| {
            let (rto, rpo) = a.dr.rto_rpo();
            Objective {
                asset: a.name.clone(),
                kind: a.kind.as_str().into(),
                strategy: a.dr.as_str().into(),
                rto: rto.into(),
                rpo: rpo.into(),
            }
        })
        .collect();
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
        .and_then(|m| m.args.iter().find(|a| a.name == "cidr"));
    let dr_cidr = plan
        .dr
        .modules
        .iter()
        .find(|m| m.source == "vpc")
        .and_then(|m| m.args.iter().find(|a| a.name == "cidr"));
    if let (Some(p), Some(d)) = (primary_cidr, dr_cidr) {
        let (p, d) = (p.value.trim_matches('"'), d.value.trim_matches('"'));
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

fn failover(c: &Ctx<'_>, plan: &Plan, changes: &[VarChange]) -> Vec<Step> {
    let mut steps = vec![Step::new(
        "Declare the incident and freeze changes to the primary region",
        vec![],
        vec![format!(
            "Nobody applies the primary root until failback; work happens in `{}/dr`.",
            c.dir
        )],
    )];
    let account = "ACCOUNT_ID=$(aws sts get-caller-identity --query Account --output text)".to_string();
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
                    "The application's connection string points at the DR endpoint (output `".to_string() + &a.ident() + "_endpoint` of the DR root).",
                ],
            )),
            DrStrategy::Backup => {
                // The plan gives the DR backup replication a restore subnet group when DR has a VPC.
                let restore_group = plan.dr.modules.iter().any(|m| {
                    m.asset == a.name && m.args.iter().any(|arg| arg.name == "restore_subnet_group_name")
                });
                let subnet_group = if restore_group { id.clone() } else { "<a DB subnet group in the DR region>".to_string() };
                steps.push(Step::new(
                    format!("Restore `{}` from the backups replicated to {}", a.name, c.dr),
                    vec![format!(
                        "aws rds restore-db-instance-to-point-in-time --source-db-instance-automated-backups-arn $(aws rds describe-db-instance-automated-backups --region {} --query \"DBInstanceAutomatedBackups[?DBInstanceIdentifier=='{}'].DBInstanceAutomatedBackupsArn | [0]\" --output text) --target-db-instance-identifier {id} --use-latest-restorable-time --db-subnet-group-name {subnet_group} --region {}",
                        c.dr, c.ident(a, Role::Primary), c.dr
                    )],
                    vec![format!("`aws rds wait db-instance-available --db-instance-identifier {id} --region {}` returns; data is as recent as the last replicated backup.", c.dr)],
                ))
            }
            _ => {}
        }
    }
    for a in c.of(Kind::Aurora).filter(|a| a.in_dr()) {
        steps.push(Step::new(
            format!("Fail the Aurora global database `{}-{}` over to {}", c.inv.name, a.name, c.dr),
            vec![
                account.clone(),
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
    for a in c
        .of(Kind::S3)
        .filter(|a| matches!(a.dr, DrStrategy::Replica | DrStrategy::Backup))
    {
        steps.push(Step::new(
            format!("Serve `{}` from its DR bucket", a.name),
            vec![
                account.clone(),
                format!("aws s3 ls s3://{}-{}-$ACCOUNT_ID-{}/ --region {}", c.inv.name, a.name, c.dr, c.dr),
            ],
            vec![format!(
                "Applications read and write `{}-{}-<account>-{}` (output `{}_bucket` of the DR root); objects written after the last replication are lost (RPO).",
                c.inv.name, a.name, c.dr, a.ident()
            )],
        ));
    }
    if !changes.is_empty() {
        let list = changes
            .iter()
            .map(|ch| format!("{}={}", ch.name, ch.to))
            .collect::<Vec<_>>()
            .join(", ");
        steps.push(Step::new(
            "Scale the DR region up to primary capacity",
            vec![format!("acmegen failover {} --apply-vars", c.file), c.tf("dr", "apply")],
            vec![format!("The apply changes only capacity and traffic variables ({list}); node groups and instances are healthy.")],
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
            vec![format!("Route 53 answers with the SECONDARY record (the {} load balancer) once the PRIMARY health check fails; nothing to apply.", c.dr)],
        ));
    }
    for a in c.of(Kind::GlobalAccelerator).filter(|a| a.dr != DrStrategy::None) {
        let dial = format!("{}_traffic_dial", a.ident());
        let commands = if changes.iter().any(|ch| ch.name == dial) {
            vec![]
        } else {
            vec![c.tf("dr", &format!("apply -var {dial}=100"))]
        };
        steps.push(Step::new(
            format!("Send Global Accelerator `{}` traffic to {} (dial 100 via `{dial}`)", a.name, c.dr),
            commands,
            vec![format!(
                "`aws globalaccelerator list-endpoint-groups --listener-arn <listener> --region us-west-2` shows traffic dial 100 for {}; clients keep the accelerator's static IPs.",
                c.dr
            )],
        ));
    }
    steps.push(Step::new(
        "Verify the service end to end",
        vec![],
        vec![
            "Smoke-test the application through its public name.".into(),
            "CloudWatch alarms of the DR root are OK; the alarm topic is subscribed by on-call.".into(),
        ],
    ));
    steps
}

fn failback(c: &Ctx<'_>, plan: &Plan, scaled: bool) -> Vec<Step> {
    let dbs: Vec<&Asset> = c.of(Kind::Rds).filter(|a| a.dr == DrStrategy::Replica).collect();
    let kms_alias = plan
        .primary
        .modules
        .iter()
        .find(|m| {
            m.source == "kms"
                && m.args
                    .iter()
                    .any(|a| a.name == "ebs_encryption_by_default" && a.value == "true")
        })
        .and_then(|m| m.args.iter().find(|a| a.name == "alias"))
        .map_or("alias/aws/rds".to_string(), |a| a.value.trim_matches('"').to_string());
    let mut steps = Vec::new();
    if dbs.is_empty() {
        steps.push(Step::new(
            format!("Rebuild the primary region ({})", c.primary),
            vec![c.tf("primary", "apply")],
            vec!["The primary root applies cleanly.".into()],
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
        steps.push(Step::new(
            format!("Replicate `{}` back from {} and make the primary copy the writer again", a.name, c.dr),
            vec![
                "ACCOUNT_ID=$(aws sts get-caller-identity --query Account --output text)".into(),
                format!("aws rds create-db-instance-read-replica --db-instance-identifier {p} --source-db-instance-identifier arn:aws:rds:{}:$ACCOUNT_ID:db:{d} --db-subnet-group-name {p} --kms-key-id {kms_alias} --region {}", c.dr, c.primary),
                format!("aws rds wait db-instance-available --db-instance-identifier {p} --region {}", c.primary),
                format!("aws rds promote-read-replica --db-instance-identifier {p} --region {}   # in a maintenance window, writes stopped", c.primary),
                c.tf("primary", &format!("state rm module.{}.aws_db_instance.this", a.ident())),
                c.tf("primary", &format!("import module.{}.aws_db_instance.this {p}", a.ident())),
                c.tf("primary", "apply"),
                c.tf("dr", &format!("apply -replace='module.{}[0].aws_db_instance.this'   # the DR copy becomes a replica again", a.ident())),
            ],
            vec![format!("`{p}` is writable in {}, `{d}` replicates from it, and the primary plan is empty.", c.primary)],
        ));
    }
    for a in c.of(Kind::Aurora).filter(|a| a.in_dr()) {
        steps.push(Step::new(
            format!("Switch the Aurora global database `{}-{}` back to {}", c.inv.name, a.name, c.primary),
            vec![format!(
                "aws rds switchover-global-cluster --global-cluster-identifier {}-{} --target-db-cluster-identifier arn:aws:rds:{}:$ACCOUNT_ID:cluster:{} --region {}",
                c.inv.name, a.name, c.primary, c.ident(a, Role::Primary), c.primary
            )],
            vec!["A planned switchover loses no data; the primary-region cluster is writer again.".into()],
        ));
    }
    if scaled {
        steps.push(Step::new(
            "Return the DR region to standby",
            vec![format!("rm {}/dr/failover.auto.tfvars", c.dir), c.tf("dr", "apply")],
            vec!["DR capacity and traffic dials are back at their standby defaults.".into()],
        ));
    }
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
