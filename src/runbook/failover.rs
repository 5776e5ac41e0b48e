//! The failover: data steps, the capacity and traffic levers (calls to the
//! DR region's APIs and to Global Accelerator's), taking the primary out of
//! rotation, and `acmegen failover`'s view of the same steps.

use super::*;

/// Name suffix of an EKS cluster's managed node group (`modules/eks`).
pub(super) const NODE_GROUP_SUFFIX: &str = "-default";

/// A DR apply of the failover (`terraform apply` arguments `args`, with the
/// failover values `changes` in effect) that keeps every DR node group as
/// it is: the shell lines that read each group's AMI release and desired
/// size, then the apply with `-var` pins.
/// - The release: one AWS published since the last DR apply would otherwise
///   roll every node in the middle of the failover (the eks module follows
///   the recommended release, and a targeted apply of a workload takes its
///   cluster along through `depends_on`; data sources are read even without
///   refresh).
/// - The desired size: the cluster autoscaler raises it under the load the
///   DR region now carries; an apply setting it back to the variable's
///   value would drain and terminate those nodes (EKS API reference,
///   NodegroupScalingConfig: with the autoscaler, do not change
///   `desiredSize` directly). The pin is the live size, and never less than
///   the value in effect (the group's minimum after the failover is no
///   more than that). A size that cannot be read stays empty, which the
///   apply refuses (as it refuses an empty release): fail closed, never
///   a guessed size that could scale the group in.
pub(super) fn dr_apply_pinned(c: &Ctx<'_>, changes: &[VarChange], args: &str) -> Vec<String> {
    let root = &c.plan.dr;
    let mut lines = Vec::new();
    let mut pins = String::new();
    for m in root.modules.iter().filter(|m| m.source == "eks") {
        let var = format!("{}_node_release_versions", m.label);
        let (Some(cluster), Some(_)) = (arg_str(m, "name", root), root.variable(&var)) else {
            continue;
        };
        let mut entries = Vec::new();
        for g in node_groups_of(m) {
            let describe = |query: &str| {
                format!(
                    "$(aws eks describe-nodegroup --cluster-name {cluster} --nodegroup-name {cluster}-{} --region {} --query {query} --output text)",
                    g.name, c.dr
                )
            };
            let release = group_shell_var(&m.label, &g.name, "release");
            lines.push(format!("{release}={}", describe("nodegroup.releaseVersion")));
            entries.push(format!("\\\"{}\\\"=\\\"${release}\\\"", g.name));
            if let Some(desired) = g.desired {
                let size = group_shell_var(&m.label, &g.name, "desired");
                let floor = value_in_effect(c, changes, desired);
                // An empty read (the call failed) stays empty: the apply
                // then refuses the value instead of guessing a size.
                lines.push(format!(
                    "{size}={}; if [ -n \"${size}\" ] && [ \"${size}\" -lt {floor} ]; then {size}={floor}; fi",
                    describe("nodegroup.scalingConfig.desiredSize")
                ));
                pins.push_str(&format!(" -var=\"{desired}=${size}\""));
            }
        }
        pins.push_str(&format!(" -var=\"{var}={{{}}}\"", entries.join(",")));
    }
    let args = if args.is_empty() {
        "apply".to_string()
    } else {
        format!("apply {args}")
    };
    lines.push(c.tf("dr", &format!("{args}{pins}")));
    lines
}

/// A managed node group of an eks module call and the DR root's variables
/// that size it.
struct NodeGroupVars<'m> {
    /// The group's name in the cluster (`default`, or a `node_groups` key).
    name: String,
    /// Variables of its minimum, desired and maximum size.
    min: Option<&'m str>,
    desired: Option<&'m str>,
    max: Option<&'m str>,
}

/// The node groups of eks module call `m`: the default one, then its
/// `node_groups`, in the order the call lists them.
fn node_groups_of(m: &ModuleCall) -> Vec<NodeGroupVars<'_>> {
    let arg = |name: &str| m.argument(name).and_then(var_name);
    let mut groups = vec![NodeGroupVars {
        name: "default".into(),
        min: arg("node_min_size"),
        desired: arg("node_desired_size"),
        max: arg("node_max_size"),
    }];
    if let Some(Expr::Map(extra)) = m.argument("node_groups") {
        for (name, fields) in extra {
            let field = |key: &str| match fields {
                Expr::Map(f) => f.iter().find(|(k, _)| k == key).and_then(|(_, e)| var_name(e)),
                _ => None,
            };
            groups.push(NodeGroupVars {
                name: name.clone(),
                min: field("min_size"),
                desired: field("desired_size"),
                max: field("max_size"),
            });
        }
    }
    groups
}

/// A cluster whose node groups' desired sizes its cluster autoscaler sets:
/// its eks call takes their live sizes (`node_live_desired_sizes`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AutoscaledCluster {
    /// The cluster's name in EKS.
    pub cluster: String,
    /// The root variable that takes the live sizes.
    pub var: String,
    /// Its node groups (`default`, then the further ones); each is called
    /// `<cluster>-<group>` in EKS.
    pub groups: Vec<String>,
}

/// The autoscaled clusters of `root`, in the order it calls them.
pub fn autoscaled_clusters(root: &RootPlan) -> Vec<AutoscaledCluster> {
    root.modules
        .iter()
        .filter(|m| m.source == "eks")
        .filter_map(|m| {
            Some(AutoscaledCluster {
                cluster: arg_str(m, "name", root)?,
                var: var_name(m.argument("node_live_desired_sizes")?)?.to_string(),
                groups: node_groups_of(m).into_iter().map(|g| g.name).collect(),
            })
        })
        .collect()
}

/// The shell variable holding `what` of node group `group` of the cluster
/// called `label`: `__` between cluster and group, as neither name doubles
/// a `_` or `-`, so two clusters' groups never share a variable.
fn group_shell_var(label: &str, group: &str, what: &str) -> String {
    format!("{label}__{group}_{what}")
        .chars()
        .map(|ch| {
            if ch.is_ascii_alphanumeric() {
                ch.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect()
}

/// The resource of `modules/alb` that registers instance targets.
pub(super) const ALB_INSTANCE_ATTACHMENT: &str = "aws_lb_target_group_attachment.this";

/// The Global Accelerator API is served only from us-west-2.
pub(super) const GA_API_REGION: &str = "us-west-2";

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
    /// The databases' stable names in the DR VPC and what they reach after
    /// the failover.
    pub db_names: Vec<DbName>,
    /// Recovery objectives per asset.
    pub objectives: Vec<Objective>,
}

/// A database's stable name in the DR region's private zone after a failover.
#[derive(Debug, Clone, Serialize)]
pub struct DbName {
    /// The name applications connect to (`<dns_name>.<inventory>.internal`).
    pub name: String,
    /// The database asset.
    pub asset: String,
    /// What the name reaches once the data steps are done, and why.
    pub reaches: String,
    /// TTL (s) of the record.
    pub ttl: u32,
    /// Whether a data step moves the record (a Route 53 API call: its
    /// control plane is in us-east-1).
    pub moved: bool,
}

/// The stable names of the databases with a copy in DR.
fn db_names(c: &Ctx<'_>) -> Vec<DbName> {
    let mut names = Vec::new();
    for a in c.databases().filter(|a| a.in_dr()) {
        let Some(name) = writer_name(c, a) else { continue };
        let id = c.ident(a, Role::Dr);
        let moved = a.kind == Kind::Rds && a.dr == DrStrategy::Backup;
        let reaches = match (a.kind, a.dr) {
            (Kind::Aurora, _) => format!("the writer of cluster {id} (its cluster endpoint; no record moves)"),
            (_, DrStrategy::Replica) => {
                format!("the promoted instance {id} (a promotion keeps its address; no record moves)")
            }
            _ if c.plan.dr.modules.iter().any(|m| m.source == "private_zone") => {
                format!("the restored instance {id} (the data step above points the record at it)")
            }
            _ => continue,
        };
        names.push(DbName {
            name,
            asset: a.name.clone(),
            reaches,
            ttl: fixed::DNS_TTL,
            moved,
        });
    }
    names
}

pub(super) fn print_steps(out: &mut String, heading: &str, steps: &[Step], first: usize) {
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
    if !f.db_names.is_empty() {
        out.push_str("\nDatabase names in the DR VPC (applications keep their connection string):\n");
        for d in &f.db_names {
            out.push_str(&format!("  {} -> {}\n", d.name, d.reaches));
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

pub(super) fn failover_with(c: &Ctx<'_>, inv: &Inventory, plan: &Plan) -> Failover {
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
        db_names: db_names(c),
        objectives: crate::objectives::objectives(inv, &assets),
    }
}

/// The data steps of a failover: promotions, restores, credentials, buckets.
pub(super) fn data_steps(c: &Ctx<'_>) -> Vec<Step> {
    let mut steps = Vec::new();
    for a in c.of(Kind::Rds) {
        let id = c.ident(a, Role::Dr);
        match a.dr {
            DrStrategy::Replica => steps.push(Step::new(
                format!("Promote the read replica of `{}` to a standalone primary", a.name),
                vec![
                    format!("aws rds promote-read-replica --db-instance-identifier {id} --backup-retention-period {} --preferred-backup-window {} --region {}", a.retention_days.unwrap_or(crate::kinds::rds::DEFAULT_RETENTION_DAYS), fixed::BACKUP_WINDOW, c.dr),
                    wait_instance(&id, c.dr),
                ],
                vec![
                    format!("`aws rds describe-db-instances --db-instance-identifier {id} --region {} --query 'DBInstances[0].ReadReplicaSourceDBInstanceIdentifier'` prints null.", c.dr),
                    match writer_name(c, a) {
                        Some(name) => format!("Applications keep their connection string: `{name}` in the DR VPC is a CNAME (TTL {} s) to this instance's address, which the promotion keeps (output `{}_dns_name` of the DR root); the DR root's next apply keeps the promoted instance (it ignores `replicate_source_db`).", fixed::DNS_TTL, a.ident()),
                        None => format!("The application's connection string points at the DR endpoint (output `{}_endpoint` of the DR root); the DR root's next apply keeps the promoted instance (it ignores `replicate_source_db`).", a.ident()),
                    },
                ],
            )),
            DrStrategy::Backup => {
                // The plan gives the DR backup replication a restore subnet group and
                // security group when DR has a VPC.
                let (group, placement, settings, logs) = restore_placement(c, a);
                let mut commands: Vec<String> = group;
                commands.push(format!(
                    "aws rds restore-db-instance-to-point-in-time --source-db-instance-automated-backups-arn {} --target-db-instance-identifier {id} --use-latest-restorable-time {placement}{settings}{} --deletion-protection --region {}",
                    dr_output(c, &format!("{}_backup_replication_arn", a.ident())),
                    logs_flag(&logs),
                    c.dr
                ));
                commands.push(wait_instance(&id, c.dr));
                let mut verify = vec![
                    format!("`{id}` is available in the DR subnets, reachable from the DR application's security groups only; data is as recent as the replicated backups' latest restorable time."),
                    if restore_has_parameters(c, a) {
                        format!("It joins the parameter group the DR root made before the disaster with the engine's baseline, as the primary's: it requires TLS (`{}`) and logs as the primary does (`aws rds describe-db-instances --db-instance-identifier {id} --region {} --query 'DBInstances[0].DBParameterGroups'` shows it in-sync). Where `terraform output` found no `{}_restore_parameter_group_name` (a DR root last applied before acmegen made the group), the restore ran the engine's default group: once the DR root is applied, move it with `aws rds modify-db-instance --db-instance-identifier {id} --db-parameter-group-name <the new group> --apply-immediately` and reboot it.", tls_parameter(a), c.dr, a.ident())
                    } else {
                        "It runs the engine's default parameter group (the DR root made none without a DR network): clients connect with TLS themselves.".to_string()
                    },
                ];
                if !logs.is_empty() {
                    verify.push(format!(
                        "It exports its logs into `/aws/rds/instance/{id}/…`, log groups the DR root made before the disaster with the region's key and a retention, as the primary's."
                    ));
                    // A DR root last applied before it made them: RDS makes
                    // them itself, and the next apply finds them (helper-73).
                    let imports: Vec<String> = logs
                        .iter()
                        .map(|t| {
                            c.tf(
                                "dr",
                                &format!("import 'module.{}[0].aws_cloudwatch_log_group.restore[\"{t}\"]' /aws/rds/instance/{id}/{t}", a.ident()),
                            )
                        })
                        .collect();
                    verify.push(format!(
                        "Where the DR root was last applied before it made these log groups, RDS makes them itself and the next DR apply stops at `aws_cloudwatch_log_group.restore` (the group already exists): adopt them with `{}`, and that apply then sets their key and retention.",
                        imports.join("`, `")
                    ));
                }
                steps.push(Step::new(
                    format!("Restore `{}` from the backups replicated to {}", a.name, c.dr),
                    commands,
                    verify,
                ));
                if let Some(step) = name_restored(c, a) {
                    steps.push(step);
                }
            }
            _ => {}
        }
    }
    for a in c.of(Kind::Aurora).filter(|a| a.in_dr()) {
        let global = names::global_cluster(&c.name, &a.name);
        let target = format!("arn:aws:rds:{}:$ACCOUNT_ID:cluster:{}", c.dr, c.ident(a, Role::Dr));
        // A managed failover needs both clusters on the same engine version,
        // patch level included (Aurora User Guide, "Upgrading an Amazon
        // Aurora global database"); where the regions' maintenance left them
        // apart, AWS refuses it and the documented way left is to detach the
        // secondary, which makes it a standalone writer (RemoveFromGlobalCluster).
        // Any other refusal stops the step.
        let failover = format!(
            "aws rds failover-global-cluster --global-cluster-identifier {global} --target-db-cluster-identifier {target} --allow-data-loss --region {}",
            c.dr
        );
        let detach = format!(
            "aws rds remove-from-global-cluster --global-cluster-identifier {global} --db-cluster-identifier {target} --region {}",
            c.dr
        );
        let dr_cluster = c.ident(a, Role::Dr);
        steps.push(Step::new(
            format!("Fail the Aurora global database `{global}` over to {}", c.dr),
            vec![
                c.account(),
                // Run again (a step or job re-run after a later failure),
                // the step finds the DR cluster writing or detached
                // already and goes on to its wait (helper-74): a second
                // failover to the writer is refused.
                format!(
                    "FAILOVER=; ROLE=$(aws rds describe-global-clusters --global-cluster-identifier {global} --region {} --query \"GlobalClusters[0].GlobalClusterMembers[?ends_with(DBClusterArn, ':cluster:{dr_cluster}')].IsWriter | [0]\" --output text || true); case \"$ROLE\" in True) FAILOVER=managed; echo '{dr_cluster} writes already (failed over before)' ;; None) if aws rds describe-db-clusters --db-cluster-identifier {dr_cluster} --region {} > /dev/null; then FAILOVER=detached; echo '{dr_cluster} has left {global} already (detached before)'; fi ;; *) if OUT=$({failover} 2>&1); then FAILOVER=managed; else echo \"$OUT\" >&2; case \"$(printf '%s' \"$OUT\" | tr '[:upper:]' '[:lower:]')\" in *\"engine version\"*) {detach} && FAILOVER=detached ;; esac; fi ;; esac",
                    c.dr,
                    c.dr
                ),
                format!(
                    "case \"$FAILOVER\" in managed) {} ;; detached) {} ;; *) echo 'error: the failover did not start (the error above); nothing changed' >&2; false ;; esac",
                    wait_global_writer(&global, &target, c.dr),
                    wait_detached(&global, &target, &dr_cluster, c.dr)
                ),
            ],
            {
                let mut verify = vec![format!(
                    "`aws rds describe-global-clusters --global-cluster-identifier {global} --region {}` shows the {} cluster as writer; or, where AWS refused the managed failover because the two clusters ran different engine versions (the error is printed), `{dr_cluster}` is no longer a member and is a standalone writer: the failback's step for a detached cluster makes the global database whole again.",
                    c.dr, c.dr
                )];
                // AWS documents detaching as the recovery when the primary
                // is degraded or isolated ("Removing a cluster from an
                // Amazon Aurora global database"): the operator's choice
                // where the managed failover is refused otherwise (helper-76).
                verify.push(format!(
                    "Where the step stopped on another refusal (printed) and {} stays unreachable, detaching is the way AWS documents for an isolated primary; it loses what had not replicated yet, as the managed failover does: run `{detach} && FAILOVER=detached`, then the step's last line (the wait) again. The failback's step for a detached cluster follows.",
                    c.primary
                ));
                if let Some(name) = writer_name(c, a) {
                    verify.push(format!(
                        "Applications keep their connection string: `{name}` in the DR VPC is a CNAME (TTL {} s) to the cluster endpoint of the {} cluster, which now reaches its writer (output `{}_dns_name` of the DR root).",
                        fixed::DNS_TTL,
                        c.dr,
                        a.ident()
                    ));
                }
                verify
            },
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
                c.account(),
                format!("aws s3 ls s3://{}/ --region {}", names::bucket_in_shell(&c.name, &a.name, "$ACCOUNT_ID", c.dr), c.dr),
            ],
            vec![format!(
                "Applications read and write `{}` (output `{}_bucket` of the DR root); objects written after the last replication are lost (RPO); what is written here during the outage is copied back on failback.",
                names::bucket_in_shell(&c.name, &a.name, "<account>", c.dr), a.ident()
            )],
        ));
    }
    for a in dr_backup_plans(c) {
        let id = a.ident();
        steps.push(Step::new(
            format!(
                "Find the recovery points `{}` copied to {} (restore from them only what the replicas above cannot give back)",
                a.name, c.dr
            ),
            vec![
                format!("VAULT={}", dr_output(c, &format!("{id}_vault_name"))),
                format!("ROLE={}", dr_output(c, &format!("{id}_backup_role_arn"))),
                format!("aws backup list-recovery-points-by-backup-vault --backup-vault-name \"$VAULT\" --region {} --query 'reverse(sort_by(RecoveryPoints, &CreationDate))[].[ResourceArn, RecoveryPointArn, CreationDate]' --output table", c.dr),
                c.account(),
                "# To restore what the replicas cannot give back, run the lines of the asset (the newest recovery point; for an older one, take its ARN from the table):".to_string(),
            ]
            .into_iter()
            .chain(backed_up(c, a).into_iter().flat_map(|b| vault_restore(c, b)))
            .collect(),
            vec![
                format!(
                    "The table lists a recovery point per backed-up resource no older than the plan's schedule; a restore job shows COMPLETED in `aws backup list-restore-jobs --region {}`; restored data is as recent as the recovery point.",
                    c.dr
                ),
                "A database restored from the vault is a new instance (`<identifier>-rp`) beside the DR copy: point the applications at it, and delete the one you no longer need; a bucket's restore adds the objects the DR bucket lacks and replaces none.".into(),
            ],
        ));
    }
    steps
}

/// Where a restored copy of RDS database `a` goes in the DR region and the
/// settings it cannot inherit from its backups: the commands reading its
/// security group and parameter group (when the DR root gives the copy a
/// subnet group, a security group and a parameter group), the placement
/// flags, the settings as the primary module sets
/// them (the DR root does not manage a restored copy), and the log types it
/// exports (where the DR root made their log groups for its DR name).
fn restore_placement(c: &Ctx<'_>, a: &Asset) -> (Vec<String>, String, String, Vec<String>) {
    let id = c.ident(a, Role::Dr);
    // What the DR module made for a restore, by the arguments it was given.
    let replication = c.call(a, Role::Dr, "rds_backup_replication");
    let made = |argument: &str| replication.is_some_and(|m| m.argument(argument).is_some());
    let network = made("restore_subnet_group_name");
    let parameters = made("parameter_group_family");
    let (mut group, mut placement) = if network {
        (
            vec![format!(
                "SG={}",
                dr_output(c, &format!("{}_restore_security_group_id", a.ident()))
            )],
            format!("--db-subnet-group-name {id} --vpc-security-group-ids \"$SG\""),
        )
    } else {
        (
            Vec::new(),
            "--db-subnet-group-name <a DB subnet group in the DR region> --vpc-security-group-ids <its clients' security group>".to_string(),
        )
    };
    if parameters {
        group.push(format!(
            "PG={}",
            dr_output(c, &format!("{}_restore_parameter_group_name", a.ident()))
        ));
        // Empty where the DR root was last applied before it made the
        // group (the output is missing): the restore still runs, on the
        // default group, and the step's check says how to switch (helper-75).
        placement.push_str(" ${PG:+--db-parameter-group-name \"$PG\"}");
    }
    // The DR module made the restore's log groups (encrypted, with a
    // retention) where it made its network (helper-67).
    let logs_ready = made("restore_identifier");
    let settings = c
        .call(a, Role::Primary, "rds")
        .map(|m| DbSettings::of(m, &c.plan.primary));
    let logs = match &settings {
        Some(s) if logs_ready => s.log_types().to_vec(),
        _ => Vec::new(),
    };
    let settings = settings.map_or(String::new(), |s| s.restore_flags());
    (group, placement, settings, logs)
}

/// Whether the DR root made a parameter group with the engine's baseline
/// for a restore of RDS database `a` (beside the restore's network, helper-67).
fn restore_has_parameters(c: &Ctx<'_>, a: &Asset) -> bool {
    c.call(a, Role::Dr, "rds_backup_replication")
        .is_some_and(|m| m.argument("parameter_group_family").is_some())
}

/// The parameter that requires TLS on RDS database `a`'s engine, as the
/// baseline sets it (templates/modules/db_parameters).
fn tls_parameter(a: &Asset) -> &'static str {
    match a.engine {
        Some(crate::inventory::Engine::Mysql) => "require_secure_transport = 1",
        _ => "rds.force_ssl = 1",
    }
}

/// The assets backup plan `a` selects, in its order.
fn backed_up<'a>(c: &Ctx<'a>, a: &'a Asset) -> Vec<&'a Asset> {
    crate::kinds::backup_plan::selection(a, &c.inv.assets)
        .into_iter()
        .filter_map(|n| c.assets.get(n).copied())
        .collect()
}

/// The commented commands restoring asset `b`'s newest recovery point in
/// the DR vault (`$VAULT`, role `$ROLE`) into the DR region, for the backup
/// plan's step (helper-64: the recovery point's own restore metadata names
/// the primary's zone, parameter group, bucket and key, which a restore in
/// the DR region cannot use).
fn vault_restore(c: &Ctx<'_>, b: &Asset) -> Vec<String> {
    // The newest completed recovery point of the resource `arn` (a copy
    // keeps its source's ARN) into `var`, or the line fails (helper-67).
    // JSON output: the CLI applies the query to all pages at once (text
    // output applies it to each page, helper-68).
    let newest = |var: &str, arn: &str| {
        format!(
            "# {var}=$(aws backup list-recovery-points-by-backup-vault --backup-vault-name \"$VAULT\" --by-resource-arn {arn} --region {} --query \"reverse(sort_by(RecoveryPoints[?Status=='COMPLETED'], &CreationDate))[0].RecoveryPointArn\" --output json | jq -r '. // empty'); case \"${var}\" in arn:*) ;; *) echo \"error: no completed recovery point of {} in $VAULT\" >&2; false ;; esac",
            c.dr,
            b.name
        )
    };
    match b.kind {
        Kind::Rds => {
            let copy = format!("{}-rp", c.ident(b, Role::Dr));
            // No log exports: the DR module made the log groups of the
            // database's DR name only, not of this copy's.
            let (group, placement, settings, _) = restore_placement(c, b);
            let mut lines = vec![format!(
                "# `{}` (RDS): its newest snapshot in the vault as a new instance, `{copy}` (RDS restores it with the DR region's defaults where the flags below set nothing):",
                b.name
            )];
            lines.extend(group.iter().map(|g| format!("# {g}")));
            lines.push(newest(
                "SNAPSHOT",
                &format!("arn:aws:rds:{}:$ACCOUNT_ID:db:{}", c.primary, c.ident(b, Role::Primary)),
            ));
            // An RDS recovery point is a DB snapshot (`…:snapshot:awsbackup:…`).
            lines.push(format!(
                "# aws rds restore-db-instance-from-db-snapshot --db-snapshot-identifier \"${{SNAPSHOT#*:snapshot:}}\" --db-instance-identifier {copy} {placement}{settings} --deletion-protection --region {}",
                c.dr
            ));
            lines
        }
        Kind::S3 => {
            let bucket = names::bucket_in_shell(&c.name, &b.name, "$ACCOUNT_ID", c.dr);
            let file = format!("{}-restore.json", b.ident());
            vec![
                format!("# `{}` (S3): its newest recovery point into the DR bucket, encrypted with the bucket's key (AWS Backup never replaces an object the bucket holds):", b.name),
                newest(
                    "POINT",
                    &format!("arn:aws:s3:::{}", names::bucket_in_shell(&c.name, &b.name, "$ACCOUNT_ID", c.primary)),
                ),
                format!(
                    "# KEY=$(aws s3api get-bucket-encryption --bucket {bucket} --region {} --query 'ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault.KMSMasterKeyID' --output text); case \"$KEY\" in arn:*) ;; *) echo \"error: {bucket} names no KMS key: $KEY\" >&2; false ;; esac",
                    c.dr
                ),
                format!(
                    "# aws backup get-recovery-point-restore-metadata --backup-vault-name \"$VAULT\" --recovery-point-arn \"$POINT\" --region {} --query RestoreMetadata --output json | jq \".DestinationBucketName = \\\"{bucket}\\\" | .NewBucket = \\\"false\\\" | .Encrypted = \\\"true\\\" | .EncryptionType = \\\"SSE-KMS\\\" | .KMSKey = \\\"$KEY\\\"\" > {file}",
                    c.dr
                ),
                format!(
                    "# aws backup start-restore-job --recovery-point-arn \"$POINT\" --iam-role-arn \"$ROLE\" --metadata file://{file} --region {}",
                    c.dr
                ),
            ]
        }
        kind => vec![format!(
            "# `{}` ({kind}): restore its recovery point in the AWS Backup console (the vault, the recovery point, Restore), into the DR VPC's private subnets and the security groups the DR root gives the asset: the recovery point's own settings name the primary region's.",
            b.name
        )],
    }
}

/// The stable name of database `a`'s writer (`<dns_name>.<inventory>.internal`,
/// the `dns_name` of its primary module call), if it has one.
pub(super) fn writer_name(c: &Ctx<'_>, a: &Asset) -> Option<String> {
    let source = if a.kind == Kind::Aurora { "aurora" } else { "rds" };
    c.call(a, Role::Primary, source)
        .and_then(|m| arg_str(m, "dns_name", &c.plan.primary))
}

/// The Route 53 change of the CNAME `name` to the address of instance
/// `id` (looked up first) in the DR root's private zone: `action` UPSERT
/// or DELETE (a deletion names the record exactly as it is).
pub(super) fn restored_record_change(c: &Ctx<'_>, id: &str, name: &str, action: &str) -> Vec<String> {
    vec![
        format!("ZONE={}", dr_output(c, "private_zone_id")),
        format!(
            "ADDRESS=$(aws rds describe-db-instances --db-instance-identifier {id} --region {} --query 'DBInstances[0].Endpoint.Address' --output text)",
            c.dr
        ),
        format!(
            r#"aws route53 change-resource-record-sets --hosted-zone-id "$ZONE" --change-batch '{{"Changes":[{{"Action":"{action}","ResourceRecordSet":{{"Name":"{name}","Type":"CNAME","TTL":{},"ResourceRecords":[{{"Value":"'"$ADDRESS"'"}}]}}}}]}}'"#,
            fixed::DNS_TTL
        ),
    ]
}

/// Backup strategy: the restored instance takes the database's stable name
/// in the DR root's private zone (the DR root has no instance to name
/// before the restore, so Terraform keeps no record there).
fn name_restored(c: &Ctx<'_>, a: &Asset) -> Option<Step> {
    let name = writer_name(c, a)?;
    c.plan.dr.modules.iter().find(|m| m.source == "private_zone")?;
    let id = c.ident(a, Role::Dr);
    Some(Step::new(
        format!("Point `{name}` at the restored `{}` in the {} private zone", a.name, c.dr),
        restored_record_change(c, &id, &name, "UPSERT"),
        vec![
            format!("From a host in the {} VPC, `dig +short {name}` answers with `{id}`'s address: applications keep their connection string.", c.dr),
            "Route 53's control plane (us-east-1) takes this change: if it fails, repeat it until it succeeds; until then applications reach the restored database by its address ($ADDRESS). Terraform does not manage this record (nor the restored instance): the failback deletes it.".into(),
        ],
    ))
}

/// The module call each root variable feeds directly (the first, in plan
/// order), by variable name.
pub(super) fn fed_by(root: &RootPlan) -> HashMap<&str, &ModuleCall> {
    let mut feeds = HashMap::default();
    for m in &root.modules {
        for v in m.args.iter().filter_map(|(_, e)| var_name(e)) {
            feeds.entry(v).or_insert(m);
        }
    }
    feeds
}

/// The variable's failover value (changed) or its DR default.
pub(super) fn dr_value(c: &Ctx<'_>, changes: &[VarChange], m: &ModuleCall, arg: &str) -> String {
    let Some(Expr::Ref(Ref {
        root: Root::Var(var), ..
    })) = m.argument(arg)
    else {
        return m.argument(arg).map_or(String::new(), |e| e.render());
    };
    value_in_effect(c, changes, var)
}

/// The value of the DR root's variable `var` once the failover values
/// `changes` are in effect: the changed value, else its default.
fn value_in_effect(c: &Ctx<'_>, changes: &[VarChange], var: &str) -> String {
    // `failover_changes` lists the changes in the DR root's variable order: by name.
    changes
        .binary_search_by(|ch| ch.name.as_str().cmp(var))
        .ok()
        .map(|i| changes[i].to.clone())
        .or_else(|| c.plan.dr.variable(var)?.default.as_ref().map(|d| d.render()))
        .unwrap_or_default()
}

/// The endpoint group of accelerator `a` in `region`, as `$<var>`: found by
/// its listener (a fact the primary published) through the Global
/// Accelerator API, which answers in us-west-2 whatever region is lost.
pub(super) fn endpoint_group(c: &Ctx<'_>, a: &Asset, var: &str, region: &str) -> Vec<String> {
    vec![
        c.fact("LISTENER", "primary", &names::listener_fact(&a.ident())),
        format!(
            "{var}=$(aws globalaccelerator list-endpoint-groups --listener-arn \"$LISTENER\" --region {GA_API_REGION} --query \"EndpointGroups[?EndpointGroupRegion=='{region}'].EndpointGroupArn\" --output text)"
        ),
    ]
}

pub(super) fn set_dial(var: &str, dial: &str) -> String {
    format!("aws globalaccelerator update-endpoint-group --endpoint-group-arn \"${var}\" --traffic-dial-percentage {dial} --region {GA_API_REGION}")
}

/// The failover's capacity and traffic levers: the failover values written
/// for Terraform, then each change made through the AWS API that owns it,
/// so that no step needs a refresh of IAM or Route 53 (global services whose
/// control planes are in us-east-1, possibly the lost region).
pub(super) fn capacity_steps(c: &Ctx<'_>, changes: &[VarChange]) -> Vec<Step> {
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
    let feeds = fed_by(&c.plan.dr);
    let mut seen = HashSet::default();
    let fed: Vec<&ModuleCall> = changes
        .iter()
        .filter_map(|ch| feeds.get(ch.name.as_str()).copied())
        .filter(|m| seen.insert(m.label.as_str()))
        .collect();
    let asset = |m: &ModuleCall| c.asset_of(m);
    // EKS managed node groups: UpdateNodegroupConfig changes the scaling of
    // the group's Auto Scaling group through the EKS API of the DR region,
    // for every group whose size the failover changes (a further group
    // would otherwise wait for Terraform, and so for IAM's control plane).
    let changed: HashSet<&str> = changes.iter().map(|ch| ch.name.as_str()).collect();
    for m in fed.iter().filter(|m| m.source == "eks") {
        let (Some(cluster), Some(a)) = (arg_str(m, "name", &c.plan.dr), asset(m)) else {
            continue;
        };
        for g in node_groups_of(m) {
            let sizes = [g.min, g.max, g.desired];
            if !sizes.iter().flatten().any(|v| changed.contains(v)) {
                continue;
            }
            let [Some(min), Some(max), Some(desired)] = sizes.map(|v| v.map(|v| value_in_effect(c, changes, v))) else {
                continue;
            };
            let group = format!("{cluster}-{}", g.name);
            // Never below the size the group runs now: the DR region's
            // autoscaler may have raised it already (EKS's
            // NodegroupScalingConfig: desiredSize is the autoscaler's). An
            // unreadable size stays empty and the update refuses it.
            let size = group_shell_var(&m.label, &g.name, "desired");
            // Read once the group is ACTIVE (an update in flight would
            // refuse the change), and never above the maximum.
            let read = format!(
                "{size}=$(aws eks describe-nodegroup --cluster-name {cluster} --nodegroup-name {group} --region {} --query nodegroup.scalingConfig.desiredSize --output text); if [ -n \"${size}\" ] && [ \"${size}\" -lt {desired} ]; then {size}={desired}; fi; if [ -n \"${size}\" ] && [ \"${size}\" -gt {max} ]; then {size}={max}; fi; echo \"desiredSize: ${size}\"",
                c.dr
            );
            let active = waited(
                format!("aws eks wait nodegroup-active --cluster-name {cluster} --nodegroup-name {group} --region {}", c.dr),
                format!("aws eks describe-nodegroup --cluster-name {cluster} --nodegroup-name {group} --region {} --query 'nodegroup.status' --output text", c.dr),
                "40 min",
            );
            let scaling = format!("minSize={min},maxSize={max},desiredSize=${size}");
            let expected = format!(
                "minSize={min},maxSize={max} and a desiredSize of at least the one printed ({desired} or the larger size the group ran, at most {max}; the autoscaler may have raised it since)"
            );
            let whose = if g.name == "default" {
                format!("cluster `{}`", a.name)
            } else {
                format!("node group `{}` of cluster `{}`", g.name, a.name)
            };
            steps.push(Step::new(
                format!("Scale {whose} to primary capacity through the EKS API of {}", c.dr),
                vec![
                    active,
                    read,
                    format!("aws eks update-nodegroup-config --cluster-name {cluster} --nodegroup-name {group} --scaling-config {scaling} --region {}", c.dr),
                    waited(
                        format!("aws eks wait nodegroup-active --cluster-name {cluster} --nodegroup-name {group} --region {}", c.dr),
                        format!("aws eks describe-nodegroup --cluster-name {cluster} --nodegroup-name {group} --region {} --query 'nodegroup.status' --output text", c.dr),
                        "40 min",
                    ),
                    // ACTIVE is the group's state, not its nodes': pods
                    // scheduled before the new nodes join all land on the
                    // pilot node's zone, and a zone spread never moves them
                    // (helper-61).
                    format!("aws eks update-kubeconfig --name {cluster} --region {} --alias {cluster}", c.dr),
                    format!(
                        "READY=0; for i in $(seq 1 60); do READY=$(kubectl --context {cluster} get nodes -l eks.amazonaws.com/nodegroup={group} --no-headers | grep -c ' Ready ' || true); [ \"$READY\" -ge \"${size}\" ] && break; sleep 15; done; echo \"Ready nodes of {group}: $READY (try $i)\"; [ \"$READY\" -ge \"${size}\" ]   # the new nodes joined (15 min at most) before anything is scheduled on them"
                    ),
                ],
                vec![format!(
                    "`aws eks describe-nodegroup --cluster-name {cluster} --nodegroup-name {group} --region {} --query nodegroup.scalingConfig` shows {expected}; the new nodes are Ready{}.",
                    c.dr,
                    if g.name == "default" { " and healthy behind the load balancer" } else { "" }
                )],
            ));
        }
    }
    // PostgreSQL standbys: promoted through their Helm release once the
    // nodes are there, before the workloads that write to them scale up.
    let mut promoted = Vec::new();
    for a in standbys(c) {
        let promotes = c.call(a, Role::Dr, "postgres_operator").is_some_and(|m| {
            m.args
                .iter()
                .any(|(_, e)| var_name(e).is_some_and(|v| changed.contains(v)))
        });
        if let Some(step) = promotes.then(|| promote(c, changes, a)).flatten() {
            steps.push(step);
            promoted.push(a.ident());
        }
    }
    // Workloads on a cluster (Helm releases): a targeted apply without
    // refresh talks to the EKS and Kubernetes APIs of the DR region only.
    let in_cluster: Vec<&&ModuleCall> = fed
        .iter()
        .filter(|m| m.providers.iter().any(|(p, _)| *p == "helm") && !promoted.contains(&m.label))
        .collect();
    if !in_cluster.is_empty() {
        let names: Vec<String> = in_cluster
            .iter()
            .filter_map(|m| asset(m))
            .map(|a| format!("`{}`", a.name))
            .collect();
        let args = in_cluster
            .iter()
            .map(|m| format!("-target=module.{}", m.label))
            .collect::<Vec<_>>()
            .join(" ");
        let mut commands = dr_apply_pinned(c, changes, &format!("-refresh=false {args}"));
        // Releases installed without waiting for their pods (an image of
        // the inventory's own registry): wait for the rollout here.
        for r in unawaited_rollouts(c.inv, &c.plan.dr, in_cluster.iter().map(|m| **m)) {
            commands.push(r.kubeconfig);
            commands.push(r.status);
        }
        steps.push(Step::new(
            format!(
                "Scale {} to primary capacity through the Kubernetes API of {} (a targeted apply of their Helm releases that refreshes nothing)",
                names.join(", "),
                c.dr
            ),
            commands,
            vec!["The plan changes the replica counts of these releases and destroys nothing; as it refreshes nothing, it may also restate the scaling of the node groups the steps above set (to the same sizes); `kubectl get deployments -A` shows them available on the new nodes.".into()],
        ));
    }
    // Instances (VMs, bastions, Elastic IPs, Aurora instances) are Terraform
    // resources counted by a variable: a targeted apply without refresh
    // creates the missing ones from the recorded state, calling only the EC2,
    // ELB and RDS APIs of the DR region; it reads no IAM or Route 53 object.
    let counted: Vec<&&ModuleCall> = fed
        .iter()
        .filter(|m| !matches!(m.source.as_str(), "eks" | "ga_endpoint_group"))
        .filter(|m| !m.providers.iter().any(|(p, _)| *p == "helm"))
        .collect();
    if !counted.is_empty() {
        let mut targets: Vec<String> = counted.iter().map(|m| format!("module.{}", m.label)).collect();
        let mut targeted: HashSet<String> = targets.iter().cloned().collect();
        let consumers = instance_consumers(&c.plan.dr);
        for m in &counted {
            for consumer in consumers.get(m.label.as_str()).into_iter().flatten() {
                let target = if consumer.source == "alb" {
                    format!("module.{}.{ALB_INSTANCE_ATTACHMENT}", consumer.label)
                } else {
                    format!("module.{}", consumer.label)
                };
                if targeted.insert(target.clone()) {
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
    // Backup plans start in DR (`<name>_standby` false): a targeted apply
    // without refresh calls only the AWS Backup API of the DR region; the
    // full apply that refreshes IAM may wait for the primary region's
    // return (helper-72).
    for a in dr_backup_plans(c) {
        let id = c.ident(a, Role::Dr);
        if !changes.iter().any(|ch| ch.name == names::standby_variable(&a.ident())) {
            continue;
        }
        steps.push(Step::new(
            format!("Start the backup plan `{}` in {} (a targeted apply that refreshes nothing)", a.name, c.dr),
            vec![c.tf("dr", &format!("apply -refresh=false -target=module.{}", a.ident()))],
            vec![
                format!("The plan creates the backup plan and its selection in module `{}` and destroys nothing; `aws backup list-backup-plans --region {}` lists `{id}`. Backups go on in {} while it serves, over the DR copies of what the plan backs up; the copies already in the vault keep their retention.", a.ident(), c.dr, c.dr),
            ],
        ));
    }
    steps
}

/// The calls of `root` that read `module.<label>.instance_ids`, by label, in
/// the root's order, from one walk of each call's arguments (the instances
/// a failover starts must take their consumers, an ALB's attachments, along
/// in the targeted apply).
fn instance_consumers(root: &RootPlan) -> HashMap<&str, Vec<&ModuleCall>> {
    let mut consumers: HashMap<&str, Vec<&ModuleCall>> = HashMap::default();
    for x in &root.modules {
        for label in x.args.iter().flat_map(|(_, e)| e.reads_output("instance_ids")) {
            let list = consumers.entry(label).or_default();
            if !list.last().is_some_and(|last| std::ptr::eq(*last, x)) {
                list.push(x);
            }
        }
    }
    consumers
}

/// Route 53 failover pairs (a record on a load balancer with a DR strategy).
pub(super) fn failover_records<'a>(c: &Ctx<'a>) -> Vec<&'a Asset> {
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

pub(super) fn accelerators<'a>(c: &Ctx<'a>) -> Vec<&'a Asset> {
    c.of(Kind::GlobalAccelerator).filter(|a| a.in_dr()).collect()
}

/// Take the primary out of rotation, idempotently: each PRIMARY record's
/// calculated rotation check to health threshold 2 (Route 53 then always
/// considers it unhealthy: UpdateHealthCheck, HealthThreshold), each
/// accelerator's primary endpoint group to dial 0. The IDs come from the
/// fact store in the DR region. `failback`: worded as the failback's check.
pub(super) fn rotation_step(c: &Ctx<'_>, failback: bool) -> Option<Step> {
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
        // A dial of 0 holds only while the other region is healthy: failing
        // over, Global Accelerator ignores the dial and sends traffic to any
        // healthy endpoint (Global Accelerator guide, "How failover works
        // for unhealthy endpoints"; helper-59). The primary's endpoints
        // leave its group; the primary root's next full apply adds them back.
        commands.push(format!(
            "ENDPOINTS=$(aws globalaccelerator describe-endpoint-group --endpoint-group-arn \"$PRIMARY_GROUP\" --region {GA_API_REGION} --query 'EndpointGroup.EndpointDescriptions[].EndpointId' --output text); for ENDPOINT in $ENDPOINTS; do [ \"$ENDPOINT\" = None ] || aws globalaccelerator remove-endpoints --endpoint-group-arn \"$PRIMARY_GROUP\" --endpoint-identifiers EndpointId=\"$ENDPOINT\" --region {GA_API_REGION}; done"
        ));
        verify.push(format!(
            "`aws globalaccelerator describe-endpoint-group --endpoint-group-arn \"$PRIMARY_GROUP\" --region {GA_API_REGION} --query '[EndpointGroup.TrafficDialPercentage, length(EndpointGroup.EndpointDescriptions)]' --output text` prints 0 and 0: `{}` sends nothing to {} when it returns. A dial of 0 alone would not hold: while the {} endpoints are unhealthy, Global Accelerator ignores the dial and fails over to any healthy endpoint, so the {} load balancers leave the group; the primary root's next full apply puts them back.",
            a.name, c.primary, c.dr, c.primary
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

pub(super) fn failover(c: &Ctx<'_>, f: &Failover) -> Vec<Step> {
    // The on-call machine may never have run the DR root: its backend is
    // set up here, against the DR region only.
    let mut declare = Step::new(
        "Declare the incident, freeze changes to the primary region and set up the DR root on this machine",
        vec![
            c.account(),
            // -reconfigure: a working directory set up against another
            // bucket would otherwise stop and offer to migrate state.
            c.tf(
                "dr",
                &format!(
                    "init -reconfigure -backend-config=\"bucket={}\"",
                    c.plan.dr.state_bucket("$ACCOUNT_ID")
                ),
            ),
        ],
        vec![format!(
            "`echo $ACCOUNT_ID` prints the account ID and the init succeeds; `{0}/dr/terraform.tfvars` holds the values only you know, as the first deployment wrote them (copy it from where the team keeps it: an apply without it asks for them, and what you type replaces them). Nobody applies the primary root until failback; work happens in `{0}/dr`, whose state, providers and facts all live in {1}.",
            c.dir, c.dr
        )],
    );
    // The DR apply refreshes the Helm releases through each cluster's API
    // (helper-59): the operator's role needs an access entry there (the
    // cluster's creator has one; others are listed in cluster_admin_arns),
    // and the API admits only admin_cidrs.
    if !c.plan.dr.helm_clusters.is_empty() && !f.variable_changes.is_empty() {
        let clusters: Vec<String> = c
            .of(Kind::Eks)
            .filter(|a| c.plan.dr.helm_clusters.contains(&a.ident()))
            .map(|a| c.ident(a, Role::Dr))
            .collect();
        declare.verify.push(format!(
            "The role you work with has an access entry on {} (`aws eks list-access-entries --cluster-name <cluster> --region {}` lists it: the cluster's creator, or a role in the DR root's `cluster_admin_arns`), and your address is inside `admin_cidrs`: the DR apply reads the Helm releases through the cluster's API, and fails without either.",
            clusters.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", "),
            c.dr
        ));
    }
    // Declared first (it needs nothing but credentials): until the
    // failback's last step, every plan of either root fails without the
    // incident file (the roots' `failover_marker` guard), and the CI's
    // applies, which know only the standby values, stand aside.
    let marker = crate::plan::names::failover_marker(&c.name);
    declare.commands.splice(
        0..0,
        [
            "DECLARED=$(date -u +%Y-%m-%dT%H:%M:%SZ)".to_string(),
            format!(
                "aws ssm put-parameter --name {marker} --type String --value \"$DECLARED\" --overwrite --region {}",
                c.dr
            ),
            super::acknowledge_failover(c, &["dr"]),
        ],
    );
    declare.verify.push(format!(
        "`aws ssm get-parameter --name {marker} --region {dr}` shows the time of the declaration, and `{dr_file}` holds it as `failover_acknowledged`. Until the failback's last step deletes the parameter, every plan and apply of either root fails unless its directory's `{file}` holds that time (a destroy, or a `-target` apply that leaves out the fact store, is not checked): an apply by hand or by `acmegen deploy` with the standby values would undo this failover. A false alarm, stopped before the next step: `aws ssm delete-parameter --name {marker} --region {dr}`, then `rm {dr_file}`.",
        dr = c.dr,
        dr_file = super::incident_file(&c.dir, "dr"),
        file = crate::plan::names::INCIDENT_TFVARS,
    ));
    if c.inv.ci.is_some() {
        declare.verify.push(format!(
            "While the parameter exists the CI's apply workflow applies neither root (its applies know only the standby values) and the drift workflow checks nothing. `gh run list --workflow acmegen-{name}-apply.yml --status in_progress` lists no run: one that passed its check before this step may still apply the standby values (let it finish, then see what it changed in {dr} before pulling any lever).",
            dr = c.dr,
            name = c.name,
        ));
    }
    let mut steps = vec![declare];
    steps.extend(f.data_steps.iter().cloned());
    steps.extend(f.capacity_steps.iter().cloned());
    steps.extend(f.rotation_steps.iter().cloned());
    if !f.variable_changes.is_empty() {
        let mut verify = vec![
            "The plan changes nothing the steps above already set through the AWS APIs and destroys nothing.".to_string(),
            "This apply refreshes IAM roles and Route 53 records, whose control planes are in us-east-1: while they do not answer, leave it; the failover itself is done.".to_string(),
        ];
        // Backup plans start in DR with this apply (`<name>_standby` false):
        // the primary's plan no longer runs, and the copies in the DR vault
        // expire with their retention (helper-64).
        for a in dr_backup_plans(c) {
            verify.push(format!(
                "The backup plan `{}` the steps above started in {} stays; the failback's apply without the failover values removes it again (its recovery points stay in the vault).",
                a.name, c.dr
            ));
        }
        steps.push(Step::new(
            "Make Terraform agree with the failover values (once IAM and Route 53 answer)",
            dr_apply_pinned(c, &f.variable_changes, ""),
            verify,
        ));
    }
    steps.extend(by_hand(c, Role::Dr));
    for a in failover_records(c) {
        let fqdn = super::migration::failover_name(a);
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
    // A promoted database publishes no replication lag, and its lag alarm
    // treats missing data as breaching (a replica that stops replicating
    // goes silent): it stays in ALARM until the failback.
    let lagging: Vec<String> = c
        .databases()
        .filter_map(|a| match (a.kind, a.dr) {
            (Kind::Aurora, _) if a.in_dr() => Some(format!("`{}-global-lag`", a.name)),
            (Kind::Rds, DrStrategy::Replica) => Some(format!("`{}-replica-lag`", a.name)),
            _ => None,
        })
        .collect();
    let alarms = if !has_alarms(&c.plan.dr) {
        "The DR root has no CloudWatch alarms (the inventory sets up none): watch the service's own health through its public name.".to_string()
    } else if lagging.is_empty() {
        "CloudWatch alarms of the DR root are OK; the alarm topic's subscribers (alert_emails) receive them."
            .to_string()
    } else {
        format!(
            "CloudWatch alarms of the DR root are OK, except the replication-lag alarms of the promoted databases ({}): a writer publishes no lag, so they stay in ALARM until the failback makes them replicas again. The alarm topic's subscribers (alert_emails) receive them.",
            lagging.join(", ")
        )
    };
    let mut verify = vec!["Smoke-test the application through its public name.".into(), alarms];
    verify.extend(container_log_groups(c));
    steps.push(Step::new("Verify the service end to end", vec![], verify));
    steps
}

/// Where the DR clusters' logs are: container logs (cluster_addons with
/// `container_logs`) and the control plane's, in log groups of the DR region
/// that exist (and fill) before any failover.
fn container_log_groups(c: &Ctx<'_>) -> Vec<String> {
    let mut lines = Vec::new();
    for m in c.plan.dr.modules.iter().filter(|m| m.source == "eks_addons") {
        if m.argument("enable_container_logs").is_none() {
            continue;
        }
        let cluster = c
            .inv
            .assets
            .iter()
            .find(|a| a.name == m.origin.asset())
            .and_then(|a| a.target.as_deref())
            .and_then(|t| {
                c.plan
                    .dr
                    .modules
                    .iter()
                    .find(|e| e.source == "eks" && e.label == t.replace('-', "_"))
            })
            .and_then(|e| arg_str(e, "name", &c.plan.dr));
        if let Some(cluster) = cluster {
            lines.push(format!(
                "Logs of the DR cluster are in CloudWatch Logs of {dr} since it came up, before the failover: containers in `/aws/eks/{cluster}/containers` (Fluent Bit), the control plane (audit included) in `/aws/eks/{cluster}/cluster`; read them there (`aws logs tail /aws/eks/{cluster}/containers --since 15m --region {dr}`).",
                dr = c.dr
            ));
        }
    }
    lines
}
