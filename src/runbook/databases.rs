//! Databases moving between regions by CLI: the copies carry what the
//! primary module sets, so Terraform adopts them by `import` unchanged.

use super::*;

/// What the `rds` or `aurora` module sets on a primary database, read from
/// its call in the primary root, so that a copy the runbook creates by CLI
/// carries the same settings and `terraform import` adopts it without a
/// change: Multi-AZ and parameter-group changes made by a later apply would
/// wait for the maintenance window (ModifyDBInstance without
/// ApplyImmediately), leaving both the database degraded and the plan
/// non-empty.
pub(super) struct DbSettings {
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
    pub(super) fn of(m: &ModuleCall, root: &RootPlan) -> Self {
        DbSettings {
            identifier: arg_str(m, "identifier", root)
                .or_else(|| arg_str(m, "cluster_identifier", root))
                .unwrap_or_default(),
            engine: arg_str(m, "engine", root).unwrap_or_default(),
            class: arg_str(m, "instance_class", root).unwrap_or_default(),
            port: arg_num(m, "port", root).unwrap_or_default(),
            multi_az: arg_bool(m, "multi_az", root).unwrap_or(true),
            logs: arg_strs(m, "log_exports", root),
            retention: arg_num(m, "backup_retention_days", root)
                .unwrap_or(crate::kinds::rds::DEFAULT_RETENTION_DAYS.into()),
            insights: arg_bool(m, "performance_insights", root).unwrap_or(true),
            storage_gb: arg_num(m, "allocated_storage", root).unwrap_or(crate::kinds::rds::DEFAULT_STORAGE_GB.into()),
            auto_minor: arg_bool(m, "auto_minor_version_upgrade", root).unwrap_or(true),
            instances: arg_num(m, "instance_count", root).unwrap_or(1),
        }
    }

    fn logs_flag(&self) -> String {
        logs_flag(&self.logs)
    }

    /// The log types the module exports.
    pub(super) fn log_types(&self) -> &[String] {
        &self.logs
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
    pub(super) fn restore_flags(&self) -> String {
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
pub(super) fn db_prerequisites(a: &Asset) -> Vec<String> {
    let id = a.ident();
    let parameters = if a.kind == Kind::Aurora {
        "aws_rds_cluster_parameter_group.this"
    } else {
        "aws_db_parameter_group.this"
    };
    // The subnet group, security group and monitoring role live in the
    // module's child `common` (templates/modules/db_common).
    [
        "module.common.aws_db_subnet_group.this",
        "module.common.aws_security_group.this",
        parameters,
        "aws_cloudwatch_log_group.exports",
        "module.common.aws_iam_role_policy_attachment.monitoring",
    ]
    .iter()
    .map(|r| format!("-target=module.{id}.{r}"))
    .collect()
}

/// The primary root's outputs a CLI-created copy of `a` joins.
pub(super) fn placement(c: &Ctx<'_>, a: &Asset) -> Vec<String> {
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

/// The flag that exports log types `logs` to CloudWatch Logs ("" for none).
pub(super) fn logs_flag(logs: &[String]) -> String {
    if logs.is_empty() {
        String::new()
    } else {
        format!(" --enable-cloudwatch-logs-exports {}", logs.join(" "))
    }
}

/// The tag the failback puts on its own copy of a database in the primary
/// region (a read replica of the DR instance, or its restore), valued with
/// the DR instance's resource ID: a step run again knows its own copy by it,
/// whatever the copy has become since (promoted, restored), and a later
/// failback's DR instance, a new one, has another ID (helper-75). The
/// primary root's provider ignores the key (`ignore_tags`), so the apply
/// that adopts the copy keeps it (helper-77).
pub(super) const OWN_COPY_TAG: &str = "acmegen-failback-of";

/// Keep an old primary that survived the outage aside under another name
/// (its data stops at the failover; it is kept, not deleted). The
/// failback's own copy under the name stays (the step run again): a read
/// replica, or an instance tagged [`OWN_COPY_TAG`] with the resource ID of
/// DR instance `d` (`$DR_ID`, set here; `$OWN` is the copy's tag).
pub(super) fn aside(c: &Ctx<'_>, p: &str, d: &str) -> String {
    // The date read once: a step that crosses midnight names one instance.
    let stale = "\"$STALE\"";
    let region = c.primary;
    let dr = c.dr;
    format!(
        "DR_ID=$(aws rds describe-db-instances --db-instance-identifier {d} --region {dr} --query 'DBInstances[0].DbiResourceId' --output text); OWN=$(aws rds describe-db-instances --db-instance-identifier {p} --region {region} --query \"DBInstances[0].TagList[?Key=='{OWN_COPY_TAG}'].Value | [0]\" --output text 2>/dev/null || true); STALE={p}-stale-$(date +%Y%m%d); SOURCE=$(aws rds describe-db-instances --db-instance-identifier {p} --region {region} --query 'DBInstances[0].ReadReplicaSourceDBInstanceIdentifier' --output text 2>/dev/null) && [ \"$SOURCE\" = None ] && [ \"$OWN\" != \"$DR_ID\" ] && aws rds modify-db-instance --db-instance-identifier {p} --new-db-instance-identifier {stale} --apply-immediately --region {region} && {}   # an old primary that survived the outage is kept aside under another name (renamed at once), not deleted; the failback's own copy stays",
        retried(
            format!("aws rds wait db-instance-available --db-instance-identifier {stale} --region {region}"),
            instance_status(stale, region)
        )
    )
}

/// Replica strategy, while DR still serves: a cross-region read replica of
/// the promoted DR instance, created in the primary region with the primary
/// module's settings (`--source-region` lets the CLI sign the cross-region
/// request).
pub(super) fn start_replica_back(c: &Ctx<'_>, a: &Asset) -> Step {
    let (p, d) = (c.ident(a, Role::Primary), c.ident(a, Role::Dr));
    let kms = c.kms_alias();
    let mut commands = vec![c.account(), aside(c, &p, &d)];
    commands.extend(placement(c, a));
    if let Some(s) = c
        .call(a, Role::Primary, "rds")
        .map(|m| DbSettings::of(m, &c.plan.primary))
    {
        commands.push(format!(
            "aws rds describe-db-instances --db-instance-identifier {p} --region {} >/dev/null 2>&1 || aws rds create-db-instance-read-replica --db-instance-identifier {p} --source-db-instance-identifier {} --source-region {} --kms-key-id {kms} --db-subnet-group-name {p} --vpc-security-group-ids \"$SG\" --db-parameter-group-name \"$PG\"{} --max-allocated-storage {}{}{} --tags Key={OWN_COPY_TAG},Value=\"$DR_ID\" --deletion-protection --region {}",
            c.primary,
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
pub(super) fn move_rds_back(c: &Ctx<'_>, a: &Asset) -> Step {
    let (p, d) = (c.ident(a, Role::Primary), c.ident(a, Role::Dr));
    let kms = c.kms_alias();
    let settings = c
        .call(a, Role::Primary, "rds")
        .map(|m| DbSettings::of(m, &c.plan.primary));
    let mut commands = vec![c.account()];
    let verify = if a.dr == DrStrategy::Replica {
        let retention = settings.as_ref().map_or(7, |s| s.retention);
        // RDS for PostgreSQL's ReplicaLag is the time since the replica last
        // replayed a transaction (RDS User Guide, "Monitoring and tuning the
        // replication process"): with writes stopped it grows, caught up or
        // not. What the replica has not received is the DR writer's
        // OldestReplicationSlotLag (bytes; each replica has its physical slot
        // there), 0 once everything written is in the primary region, which
        // promotion then replays. MySQL's ReplicaLag (seconds behind its
        // source) is 0 when caught up.
        let (metric, instance, region) = if settings.as_ref().is_none_or(|s| s.engine == "postgres") {
            ("OldestReplicationSlotLag", &d, c.dr)
        } else {
            ("ReplicaLag", &p, c.primary)
        };
        // Only minutes from the start of the wait count: the writes stopped
        // before it, and a 0 read earlier proves nothing (helper-71).
        commands.push(format!(
            "SINCE=$(date -u +%FT%TZ); until aws cloudwatch get-metric-statistics --namespace AWS/RDS --metric-name {metric} --dimensions Name=DBInstanceIdentifier,Value={instance} --statistics Maximum --period 60 --start-time \"$SINCE\" --end-time \"$(date -u +%FT%TZ)\" --region {region} --query 'sort_by(Datapoints, &Timestamp)[-1].Maximum' --output text | grep -qx '0\\(\\.0*\\)\\{{0,1\\}}'; do sleep 30; done   # a minute of {metric} since the writes stopped is 0: every write made in {} is in {}",
            c.dr,
            c.primary
        ));
        commands.push(format!(
            "aws rds promote-read-replica --db-instance-identifier {p} --backup-retention-period {retention} --preferred-backup-window {} --region {}",
            fixed::BACKUP_WINDOW,
            c.primary
        ));
        commands.push(wait_instance(&p, c.primary));
        vec![
            format!("The wait before the promotion ended: the newest minute of {metric} (CloudWatch, AWS/RDS) of `{instance}` is 0, so every write made in {} is in {} before `{p}` stops replicating.", c.dr, c.primary),
            format!("`aws rds describe-db-instances --db-instance-identifier {p} --region {} --query 'DBInstances[0].ReadReplicaSourceDBInstanceIdentifier'` prints null: `{p}` is writable.", c.primary),
        ]
    } else {
        // Named by the minute it is taken: a fixed name stops the next
        // failback (or drill) at the snapshot the last one left.
        let snap = "\"$SNAP\"";
        commands.push(aside(c, &p, &d));
        commands.extend(placement(c, a));
        // Run again, the step finds its own restore under the name (tagged,
        // see `aside`) and copies nothing a second time (helper-75).
        // A trailing comment (a waiter's) stays after the braces. An empty
        // DR_ID (its lookup failed) never matches: the copy runs, and fails
        // where the DR instance cannot be read.
        let unless_done = |command: String| match command.split_once("   # ") {
            Some((command, comment)) => {
                format!("[ \"$OWN\" = \"${{DR_ID:-unknown}}\" ] || {{ {command}; }}   # {comment}")
            }
            None => format!("[ \"$OWN\" = \"${{DR_ID:-unknown}}\" ] || {{ {command}; }}"),
        };
        commands.push(unless_done(format!(
            "SNAP={d}-failback-$(date -u +%Y%m%d%H%M); aws rds create-db-snapshot --db-instance-identifier {d} --db-snapshot-identifier {snap} --region {}",
            c.dr
        )));
        commands.push(unless_done(wait_snapshot(snap, c.dr)));
        commands.push(unless_done(format!("aws rds copy-db-snapshot --source-db-snapshot-identifier \"arn:aws:rds:{}:$ACCOUNT_ID:snapshot:$SNAP\" --target-db-snapshot-identifier {snap} --kms-key-id {kms} --source-region {} --region {}", c.dr, c.dr, c.primary)));
        commands.push(unless_done(wait_snapshot(snap, c.primary)));
        let flags = settings
            .as_ref()
            .map_or(String::new(), |s| format!("{}{}", s.restore_flags(), s.logs_flag()));
        commands.push(unless_done(format!(
            "aws rds restore-db-instance-from-db-snapshot --db-instance-identifier {p} --db-snapshot-identifier {snap} --db-subnet-group-name {p} --vpc-security-group-ids \"$SG\" --db-parameter-group-name \"$PG\"{flags} --tags Key={OWN_COPY_TAG},Value=\"$DR_ID\" --deletion-protection --region {}",
            c.primary
        )));
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
pub(super) fn rebuild_dr_copy(c: &Ctx<'_>, a: &Asset) -> Step {
    let (p, d) = (c.ident(a, Role::Primary), c.ident(a, Role::Dr));
    if a.dr == DrStrategy::Replica {
        let mut commands = vec![
            // Named by the minute it is taken: a fixed name stops the next
            // failback (or drill) at the snapshot the last one left.
            format!("KEPT={d}-before-failback-$(date -u +%Y%m%d%H%M); aws rds create-db-snapshot --db-instance-identifier {d} --db-snapshot-identifier \"$KEPT\" --region {}   # keep what the DR copy held", c.dr),
            wait_snapshot("\"$KEPT\"", c.dr),
        ];
        commands.extend(unprotect_instance(&d, c.dr));
        commands.push(c.tf(
            "dr",
            &format!("apply -replace='module.{}[0].aws_db_instance.this'", a.ident()),
        ));
        let mut verify = vec![
            no_protection_check(&d, c.dr, "replace"),
            format!("`{d}` replicates from `{p}` again, with deletion protection on (the module sets it)."),
        ];
        if let Some(name) = writer_name(c, a) {
            verify.push(format!(
                "`{name}` in the {} VPC names the new replica: it has the old one's identifier, hence its address.",
                c.dr
            ));
        }
        Step::new(
            format!("Make the DR copy of `{}` a read replica again (it is replaced: deletion protection is lifted on purpose)", a.name),
            commands,
            verify,
        )
    } else {
        let named = writer_name(c, a).filter(|_| c.plan.dr.modules.iter().any(|m| m.source == "private_zone"));
        let mut commands = Vec::new();
        if let Some(name) = &named {
            // The failover's record names the instance about to go.
            commands.extend(restored_record_change(c, &d, name, "DELETE"));
        }
        commands.extend(unprotect_instance(&d, c.dr));
        commands.push(format!("aws rds delete-db-instance --db-instance-identifier {d} --final-db-snapshot-identifier {d}-final-$(date -u +%Y%m%d%H%M) --region {}", c.dr));
        commands.push(wait_instance_deleted(&d, c.dr));
        Step::new(
            format!("Remove the restored DR copy of `{}` (the primary holds its data again)", a.name),
            commands,
            vec![
                no_protection_check(&d, c.dr, "delete"),
                format!("`{d}` is gone, its final snapshot `{d}-final-<UTC minute>` kept; only the replicated automated backups remain in DR, as before the outage."),
                match &named {
                    Some(name) => format!("The {} private zone holds no `{name}` record any more (the failover's, deleted first); applications in {} use the name in their own region's zone.", c.dr, c.primary),
                    None => "No record of the restored instance is left to remove.".into(),
                },
            ],
        )
    }
}

/// The longest DB cluster snapshot identifier RDS takes (1 to 63 letters,
/// digits and hyphens).
const MAX_CLUSTER_SNAPSHOT_ID: usize = 63;

/// The name of the copy the failback keeps of the old primary cluster
/// `cluster`'s snapshot of the writes a failover lost, without its time:
/// `<cluster>-lost-writes-<yyyymmddHHMM>` is 25 characters after the
/// cluster's identifier, cut to fit (never ending in a hyphen).
fn lost_writes_prefix(cluster: &str) -> String {
    format!(
        "{}-lost-writes",
        cluster[..cluster.len().min(MAX_CLUSTER_SNAPSHOT_ID - 25)].trim_end_matches('-')
    )
}

/// Aurora, while DR still serves: the old primary cluster rejoins the global
/// database as a secondary once its region recovers; if it was lost, it is
/// rebuilt as a secondary and adopted by the primary root.
pub(super) fn rejoin_cluster(c: &Ctx<'_>, a: &Asset) -> Vec<Step> {
    let global = names::global_cluster(&c.name, &a.name);
    let p = c.ident(a, Role::Primary);
    let d = c.ident(a, Role::Dr);
    let arn = format!("arn:aws:rds:{}:$ACCOUNT_ID:cluster:{p}", c.primary);
    let member = format!(
        "aws rds describe-global-clusters --global-cluster-identifier {global} --region {} --query \"GlobalClusters[0].GlobalClusterMembers[?DBClusterArn=='{arn}'].SynchronizationStatus | [0]\" --output text",
        c.dr
    );
    // Before it rebuilds the old primary's volume as a secondary, Aurora
    // snapshots it (Aurora User Guide, "Recovering an Amazon Aurora global
    // database from an unplanned outage"): the only copy of the transactions
    // the failover lost, a system snapshot that goes with the backup
    // retention unless copied.
    let kept = lost_writes_prefix(&p);
    let lost = format!(
        "LOST=$(aws rds describe-db-cluster-snapshots --db-cluster-identifier {p} --region {primary} --query \"sort_by(DBClusterSnapshots[?starts_with(DBClusterSnapshotIdentifier, 'rds:unplanned-global-failover-')], &SnapshotCreateTime)[-1].DBClusterSnapshotIdentifier\" --output text)",
        primary = c.primary
    );
    let copy = format!(
        "if [ -n \"$LOST\" ] && [ \"$LOST\" != None ]; then {}; aws rds copy-db-cluster-snapshot --source-db-cluster-snapshot-identifier \"$LOST\" --target-db-cluster-snapshot-identifier {kept}-$(date -u +%Y%m%d%H%M) --copy-tags --region {}; fi",
        retried(
            format!("aws rds wait db-cluster-snapshot-available --db-cluster-snapshot-identifier \"$LOST\" --region {}", c.primary),
            format!("aws rds describe-db-cluster-snapshots --db-cluster-snapshot-identifier \"$LOST\" --region {} --query 'DBClusterSnapshots[0].Status' --output text", c.primary),
        ),
        c.primary
    );
    let mut steps = vec![Step::new(
        format!("Check whether the old primary cluster `{p}` rejoined the global database `{global}`, and keep its snapshot of the writes the failover lost"),
        vec![c.account(), member.clone(), lost, copy],
        vec![
            format!("Aurora adds the old primary cluster back to the global database as a secondary once {} recovers: the command prints `connected` (or `pending-resync` while it catches up). If it prints None, the cluster was lost, or the failover detached the DR cluster (its step printed AWS's refusal of the managed failover): the next step checks the latter itself and changes nothing otherwise; the one after it is only for a cluster that is gone (`describe-db-clusters` answers DBClusterNotFoundFault).", c.primary),
            format!("Before it rebuilt the old primary's volume, Aurora took a snapshot of it (`rds:unplanned-global-failover-{p}-<time>`): the transactions written in {} after the last one that replicated are only there, and AWS deletes it with the cluster's backup retention. The copy (`{kept}-<time>`, a manual snapshot) keeps it: restore it into a cluster of its own to read and reconcile them, then delete it. No snapshot where the old primary's region lost the cluster, or where nothing was rebuilt.", c.primary),
        ],
    )];
    steps.push(reattach_detached(c, a));
    let kms = c.kms_alias();
    let Some(s) = c
        .call(a, Role::Primary, "aurora")
        .map(|m| DbSettings::of(m, &c.plan.primary))
    else {
        return steps;
    };
    let id = a.ident();
    let mut commands = vec![c.account()];
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
    // Lost means RDS says so: any other error (throttling, expired
    // credentials) stops the step instead of rebuilding a live cluster
    // (helper-63).
    let lost = format!(
        "GONE=$(aws rds describe-db-clusters --db-cluster-identifier {p} --region {} 2>&1 >/dev/null); case \"$GONE\" in *DBClusterNotFoundFault*) true ;; '') false ;; *) echo \"$GONE\" >&2; exit 1 ;; esac",
        c.primary
    );
    steps.push(Step::new(
        format!("Only if the old primary cluster was lost: rebuild `{p}` as a secondary of `{global}` and adopt it"),
        commands,
        vec![
            format!("A cluster that joins a global database as a secondary takes no master user, password or database name (they come with the replicated data), so it is created here, not by the primary root, which would create a writer; `{p}` and its {} instances exist with the primary root's settings and are in its state.", s.instances),
            format!("`{member}` prints `connected` before the switchover."),
        ],
    )
    .only_if(lost));
    steps
}

/// Aurora, where the failover had to detach the DR cluster from its global
/// database (AWS refuses a managed failover between clusters on different
/// engine versions): the global database still holds the old primary, a
/// writer with the writes the failover lost. Its data is kept in a manual
/// snapshot, it leaves the global database and is deleted (the next step
/// rebuilds it as a secondary, as for a lost cluster), and the global
/// database is created again, with its name, from the DR cluster, which
/// serves on throughout (Aurora User Guide, "Removing a cluster from an
/// Amazon Aurora global database": a detached cluster can start a new one).
fn reattach_detached(c: &Ctx<'_>, a: &Asset) -> Step {
    let global = names::global_cluster(&c.name, &a.name);
    let p = c.ident(a, Role::Primary);
    let d = c.ident(a, Role::Dr);
    let (primary, dr) = (c.primary, c.dr);
    let old_arn = format!("arn:aws:rds:{primary}:$ACCOUNT_ID:cluster:{p}");
    let dr_arn = format!("arn:aws:rds:{dr}:$ACCOUNT_ID:cluster:{d}");
    // By identifier, not ARN: the condition runs before the step sets $ACCOUNT_ID.
    let members = |cluster: &str| {
        format!(
            "aws rds describe-global-clusters --global-cluster-identifier {global} --region {dr} --query \"length(GlobalClusters[0].GlobalClusterMembers[?ends_with(DBClusterArn, ':cluster:{cluster}')])\" --output text"
        )
    };
    let exists =
        format!("aws rds describe-global-clusters --global-cluster-identifier {global} --region {dr} >/dev/null 2>&1");
    let kept = lost_writes_prefix(&p);
    let snapshot_wait = retried(
        format!("aws rds wait db-cluster-snapshot-available --db-cluster-snapshot-identifier \"$KEPT\" --region {primary}"),
        format!("aws rds describe-db-cluster-snapshots --db-cluster-snapshot-identifier \"$KEPT\" --region {primary} --query 'DBClusterSnapshots[0].Status' --output text"),
    );
    let instances_deleted = retried(
        format!("aws rds wait db-instance-deleted --filters Name=db-cluster-id,Values={p} --region {primary}"),
        format!("aws rds describe-db-instances --filters Name=db-cluster-id,Values={p} --region {primary} --query 'DBInstances[].DBInstanceStatus' --output text"),
    );
    let cluster_deleted = retried(
        format!("aws rds wait db-cluster-deleted --db-cluster-identifier {p} --region {primary}"),
        format!("aws rds describe-db-clusters --db-cluster-identifier {p} --region {primary} --query 'DBClusters[0].Status' --output text 2>&1 | tail -n 1"),
    );
    let cluster_available = retried(
        format!("aws rds wait db-cluster-available --db-cluster-identifier {p} --region {primary}"),
        format!("aws rds describe-db-clusters --db-cluster-identifier {p} --region {primary} --query 'DBClusters[0].Status' --output text"),
    );
    // RUNBOOK.md's block checks its own condition (helper-71): run where the
    // failover was managed, or again once done, it changes nothing. Each
    // destructive command runs only where the one before it succeeded, and
    // the old primary is deleted only once its snapshot is available.
    let commands = vec![
        c.account(),
        format!(
            "DETACHED=; M=$({} 2>&1); case \"$M\" in 0|*GlobalClusterNotFoundFault*) DETACHED=yes ;; [1-9]*) echo \"skipped: {d} is a member of {global} (the failover was managed, or this step is done)\" ;; *) echo \"$M\" >&2 ;; esac",
            members(&d)
        ),
        format!(
            "OLD=; if [ -n \"$DETACHED\" ]; then GONE=$(aws rds describe-db-clusters --db-cluster-identifier {p} --region {primary} 2>&1 >/dev/null); case \"$GONE\" in *DBClusterNotFoundFault*) ;; '') OLD=yes ;; *) echo \"$GONE\" >&2; DETACHED= ;; esac; fi"
        ),
        format!(
            "KEPT=; if [ -n \"$OLD\" ]; then KEPT={kept}-$(date -u +%Y%m%d%H%M); aws rds create-db-cluster-snapshot --db-cluster-identifier {p} --db-cluster-snapshot-identifier \"$KEPT\" --region {primary} && {snapshot_wait}; fi   # the writes the failover lost are only in the old primary"
        ),
        format!(
            "if [ -n \"$OLD\" ] && [ \"$(aws rds describe-db-cluster-snapshots --db-cluster-snapshot-identifier \"$KEPT\" --region {primary} --query 'DBClusterSnapshots[0].Status' --output text)\" != available ]; then echo \"error: the old primary's snapshot $KEPT is not available: nothing is removed or deleted\" >&2; OLD=; DETACHED=; fi"
        ),
        format!(
            "if [ -n \"$OLD\" ] && [ \"$({m})\" != 0 ]; then if ! {{ aws rds remove-from-global-cluster --global-cluster-identifier {global} --db-cluster-identifier {old_arn} --region {primary} && until [ \"$({m})\" = 0 ]; do sleep 30; done; }}; then OLD=; DETACHED=; fi; fi",
            m = members(&p)
        ),
        format!(
            "if [ -n \"$OLD\" ] && ! {{ {cluster_available} && aws rds modify-db-cluster --db-cluster-identifier {p} --no-deletion-protection --apply-immediately --region {primary} && for i in $(aws rds describe-db-clusters --db-cluster-identifier {p} --region {primary} --query 'DBClusters[0].DBClusterMembers[].DBInstanceIdentifier' --output text); do aws rds delete-db-instance --db-instance-identifier \"$i\" --region {primary}; done && {instances_deleted} && aws rds delete-db-cluster --db-cluster-identifier {p} --skip-final-snapshot --region {primary} && {cluster_deleted}; }}; then DETACHED=; fi"
        ),
        format!(
            "if [ -n \"$DETACHED\" ] && {exists} && ! {{ aws rds modify-global-cluster --global-cluster-identifier {global} --no-deletion-protection --region {dr} && aws rds delete-global-cluster --global-cluster-identifier {global} --region {dr} && while {exists}; do sleep 30; done; }}; then DETACHED=; fi"
        ),
        format!(
            "if [ -n \"$DETACHED\" ]; then aws rds create-global-cluster --global-cluster-identifier {global} --source-db-cluster-identifier {dr_arn} --deletion-protection --region {dr} && until [ \"$({})\" = 1 ] && [ \"$(aws rds describe-global-clusters --global-cluster-identifier {global} --region {dr} --query 'GlobalClusters[0].Status' --output text)\" = available ]; do sleep 30; done; fi",
            members(&d)
        ),
    ];
    Step::new(
        format!("Only if the failover detached `{d}` from `{global}`: keep the old primary's writes, retire it and make `{global}` a global database of `{d}` again"),
        commands,
        vec![
            format!("The failover's step printed AWS's refusal of the managed failover (different engine versions) and detached `{d}`; without this step the old primary `{p}` stays the global database's writer, and the switchover below would make its data, which misses everything written in {dr} since, the primary's again."),
            format!("`{kept}-<time>` (a manual snapshot in {primary}) holds the old primary's data, the writes the failover lost among them: restore it into a cluster of its own to read and reconcile them, then delete it."),
            format!("`{p}` is gone (the next step rebuilds it as a secondary and adopts it) and `aws rds describe-global-clusters --global-cluster-identifier {global} --region {dr}` lists `{d}` as its writer, with deletion protection on, as the primary root declares it."),
        ],
    )
    .only_if(format!(
        "M=$({} 2>&1); case \"$M\" in 0|*GlobalClusterNotFoundFault*) true ;; [1-9]*) false ;; *) echo \"$M\" >&2; false ;; esac",
        members(&d)
    ))
}

/// The global database of Aurora asset `a` and the ARN of its primary-region
/// cluster (`$ACCOUNT_ID` set by the step): what a switchover back targets.
fn global_and_primary_cluster(c: &Ctx<'_>, a: &Asset) -> (String, String) {
    (
        names::global_cluster(&c.name, &a.name),
        format!(
            "arn:aws:rds:{}:$ACCOUNT_ID:cluster:{}",
            c.primary,
            c.ident(a, Role::Primary)
        ),
    )
}

/// For the drill's teardown (see [`super::aurora_writers_back`]): where the
/// DR cluster is the writer of its global database, switch it back to the
/// primary-region cluster, as the failback does, and wait for it.
pub(super) fn writers_back(c: &Ctx<'_>) -> Vec<String> {
    let clusters: Vec<&Asset> = c.of(Kind::Aurora).filter(|a| a.dr == DrStrategy::Replica).collect();
    if clusters.is_empty() {
        return Vec::new();
    }
    let mut lines = vec![c.account()];
    for a in clusters {
        let (global, target) = global_and_primary_cluster(c, a);
        let d = c.ident(a, Role::Dr);
        lines.push(format!(
            "WRITER=$({} 2>/dev/null || true); case \"$WRITER\" in *:cluster:{d}) aws rds switchover-global-cluster --global-cluster-identifier {global} --target-db-cluster-identifier \"{target}\" --region {} && {} ;; esac",
            global_writer(&global, c.dr),
            c.primary,
            wait_global_writer(&global, &target, c.primary)
        ));
    }
    lines
}

/// Aurora, writes stopped: a switchover (no data loss) makes the
/// primary-region cluster the writer again.
pub(super) fn switch_cluster_back(c: &Ctx<'_>, a: &Asset) -> Step {
    let (global, target) = global_and_primary_cluster(c, a);
    Step::new(
        format!("Switch the Aurora global database `{global}` back to {}", c.primary),
        vec![
            c.account(),
            // Run again (a re-run after a later failure), the step finds the
            // primary-region cluster writing already and only waits
            // (helper-74): a switchover to the writer is refused.
            format!(
                "case \"$({})\" in \"{target}\") echo '{p} writes already (switched back before)' ;; *) aws rds switchover-global-cluster --global-cluster-identifier {global} --target-db-cluster-identifier {target} --region {} ;; esac",
                global_writer(&global, c.primary),
                c.primary,
                p = c.ident(a, Role::Primary)
            ),
            wait_global_writer(&global, &target, c.primary),
        ],
        {
            let mut verify = vec!["A switchover synchronizes the secondary before it changes roles, so it loses no data; the primary-region cluster is writer again, the DR cluster a secondary.".to_string()];
            if let Some(name) = writer_name(c, a) {
                verify.push(format!("`{name}` in the {} VPC reaches the writer again through the cluster endpoint it names (no record moves).", c.primary));
            }
            verify
        },
    )
}
