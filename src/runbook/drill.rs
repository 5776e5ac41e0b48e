//! The DR drill, and a teardown that makes the drill deletable first.

use super::*;

/// Empties a versioned bucket: every object version and delete marker, in
/// batches within DeleteObjects' limit of 1000 keys (500 versions and 500
/// markers at most); `terraform destroy` refuses a bucket that is not empty
/// (`force_destroy = false`).
pub(super) const EMPTY_BUCKET: &str = "empty_bucket() { while V=$(aws s3api list-object-versions --bucket \"$1\" --max-items 500 --query '{Objects: [Versions || `[]`, DeleteMarkers || `[]`][].{Key: Key, VersionId: VersionId}}' --output json) && [ \"$(printf '%s' \"$V\" | grep -c '\"Key\"')\" -gt 0 ]; do aws s3api delete-objects --bucket \"$1\" --delete \"$V\" >/dev/null; done; }";

pub(super) fn drill(c: &Ctx<'_>) -> Vec<Step> {
    let d = c.drill();
    let mut steps = vec![Step::new(
        "Rehearse in a copy of the inventory (another `name`, non-production account)",
        vec![
            format!("cp {} {}   # then set name: {}", c.file, d.file, d.name),
            format!("acmegen render {}", d.file),
        ],
        vec!["Both drill roots apply following the first-deployment steps.".into()],
    )];
    steps.extend(replication_lag(&d));
    steps.push(Step::new(
        "Simulate the loss of the primary region: deny it to the drill's role (an SCP or IAM deny on `aws:RequestedRegion`), or stop its load balancer targets",
        vec![],
        vec![match (
            d.of(Kind::Route53).any(|a| a.in_dr()),
            super::has_alarms(&d.plan.primary),
        ) {
            (true, true) => "The PRIMARY health checks turn unhealthy; alarms fire.",
            (true, false) => "The PRIMARY health checks turn unhealthy.",
            (false, true) => "The primary's alarms fire.",
            (false, false) => "The service stops answering through its public name (no health check or alarm watches it).",
        }
        .into()],
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

/// How long the drill waits for a bucket's canary to replicate: S3
/// replication without Replication Time Control has no SLA, and RTC's is
/// 99.99 % of objects within 15 minutes (the runbook's RPO for buckets).
const REPLICATION_WAIT_SECONDS: u32 = 900;

/// The drill's measurement of the buckets' data loss, just before the
/// outage: a canary object written to each replicated bucket in the primary
/// region, and the seconds until its replica is in the DR bucket. An outage
/// at that moment loses what was written within the lag. `None` where no
/// bucket is replicated.
pub(super) fn replication_lag(d: &Ctx<'_>) -> Option<Step> {
    let pairs: Vec<(String, String)> = replicated_buckets(d)
        .map(|a| {
            let bucket = |region| names::bucket_in_shell(&d.name, &a.name, "$ACCOUNT_ID", region);
            (bucket(d.primary), bucket(d.dr))
        })
        .collect();
    if pairs.is_empty() {
        return None;
    }
    let wait = REPLICATION_WAIT_SECONDS;
    let mut commands = vec![
        d.account(),
        format!(
            "replication_lag() {{ KEY=acmegen-drill/canary-$(date -u +%Y%m%dT%H%M%SZ); START=$(date +%s); printf 'written %s\\n' \"$KEY\" | aws s3 cp - \"s3://$1/$KEY\" --region {primary} > /dev/null; until FOUND=$(aws s3api head-object --bucket \"$2\" --key \"$KEY\" --region {dr} 2>&1); do case \"$FOUND\" in *'Not Found'*|*404*) ;; *) echo \"$FOUND\" >&2; return 1 ;; esac; if [ $(( $(date +%s) - START )) -ge {wait} ]; then echo \"error: $KEY written to $1 is not in $2 after {wait} s: check the bucket's replication rule and its role\" >&2; return 1; fi; sleep 5; done; echo \"$1 -> $2: replicated after $(( $(date +%s) - START )) s\"; }}",
            primary = d.primary,
            dr = d.dr,
        ),
    ];
    commands.extend(pairs.iter().map(|(from, to)| format!("replication_lag {from} {to}")));
    Some(Step::new(
        "Measure the buckets' replication lag just before the outage: a canary object written to each replicated bucket, timed until its replica is in DR",
        commands,
        vec![
            format!(
                "Each bucket prints the seconds its canary took to reach {}: what an outage at this moment loses of that bucket is what was written within them; it fits the buckets' RPO above (a canary not there after {} s stops the drill: the replication is broken).",
                d.dr,
                wait
            ),
        ],
    ))
}

/// The line that deletes, without a final snapshot or automated backups,
/// every RDS instance of `region` that JMESPath condition `filter` selects:
/// deletion protection lifted, then the delete, then a wait until it is
/// gone. `settle`: first wait for one still being made or modified, which
/// can be neither modified nor deleted yet. `note`: the line's comment.
fn delete_instances(region: &str, filter: &str, settle: bool, note: &str) -> String {
    let available = if settle {
        format!(
            "{}; ",
            retried(
                format!("aws rds wait db-instance-available --db-instance-identifier \"$ID\" --region {region}"),
                instance_status("\"$ID\"", region),
            )
        )
    } else {
        String::new()
    };
    format!(
        "IDS=$(aws rds describe-db-instances --region {region} --query \"DBInstances[?{filter}].DBInstanceIdentifier\" --output text); for ID in $IDS; do {available}aws rds modify-db-instance --db-instance-identifier \"$ID\" --no-deletion-protection --apply-immediately --region {region} > /dev/null; {available}aws rds delete-db-instance --db-instance-identifier \"$ID\" --skip-final-snapshot --delete-automated-backups --region {region} > /dev/null; {}; done   # {note}",
        retried(
            format!("aws rds wait db-instance-deleted --db-instance-identifier \"$ID\" --region {region}"),
            instance_status("\"$ID\"", region),
        )
    )
}

/// What the drill's databases leave outside Terraform (helper-62), as the
/// commands to run before the roots' destroy and after it:
/// - before: an old primary RDS instance the failback kept aside
///   (`<identifier>-stale-<date>`, deletion-protected) still uses the
///   primary root's subnet, security and parameter groups, so the primary
///   destroy cannot delete them: it goes first, without a final snapshot;
/// - after: every manual DB and cluster snapshot named after the drill's
///   copy, in both regions: the destroy's final snapshots
///   (`<id>-final-<hex>`), the failback's (`<id>-before-failback-<minute>`,
///   the kept lost writes, and `<id>-failback-<minute>`, the copy back).
///   Left, they bill. Each is waited for only while AWS still makes or
///   copies it, at most an hour: a failed snapshot is deleted as it is, not
///   waited for until the job times out (helper-74, helper-75).
/// - before the DR destroy: the copies a failover restored from the
///   replicated backups (`<dr id>`, and the vault's `<dr id>-rp`) where the
///   drill stopped before its failback removed them; they hold the DR
///   root's subnet, security and parameter groups (helper-75).
pub(super) fn database_leftovers(d: &Ctx<'_>) -> super::DatabaseLeftovers {
    let p = d.primary;
    let r = d.dr;
    // A drill that stopped between the failover's restore and the
    // failback's removal left the restored copy: it holds the DR root's
    // subnet group, security group and parameter group (helper-75).
    let before_dr: Vec<String> = d
        .of(Kind::Rds)
        .filter(|a| a.dr == DrStrategy::Backup)
        .map(|a| {
            let id = d.ident(a, Role::Dr);
            // One still being restored or modified can be neither modified
            // nor deleted yet (helper-77).
            delete_instances(
                r,
                &format!("DBInstanceIdentifier=='{id}' || starts_with(DBInstanceIdentifier, '{id}-rp')"),
                true,
                "the copies the failover restored (a drill that stopped before its failback left them)",
            )
        })
        .collect();
    let before_primary: Vec<String> = d
        .of(Kind::Rds)
        .filter(|a| a.in_dr())
        .map(|a| {
            let id = d.ident(a, Role::Primary);
            delete_instances(
                p,
                &format!("starts_with(DBInstanceIdentifier, '{id}-stale-')"),
                false,
                "the old primary the failback kept aside",
            )
        })
        .collect();
    if d.databases().next().is_none() {
        return super::DatabaseLeftovers {
            before_dr,
            before_primary,
            after: Vec::new(),
        };
    }
    let name = &d.name;
    let mut after = Vec::new();
    for r in [d.primary, d.dr] {
        after.push(format!(
            "SNAPSHOTS=$(aws rds describe-db-snapshots --snapshot-type manual --region {r} --query \"DBSnapshots[?starts_with(DBSnapshotIdentifier, '{name}-')].DBSnapshotIdentifier\" --output text); for S in $SNAPSHOTS; do {}; aws rds delete-db-snapshot --db-snapshot-identifier \"$S\" --region {r} > /dev/null; done",
            snapshot_settled(format!("aws rds describe-db-snapshots --db-snapshot-identifier \"$S\" --region {r} --query 'DBSnapshots[0].Status' --output text"))
        ));
        after.push(format!(
            "SNAPSHOTS=$(aws rds describe-db-cluster-snapshots --snapshot-type manual --region {r} --query \"DBClusterSnapshots[?starts_with(DBClusterSnapshotIdentifier, '{name}-')].DBClusterSnapshotIdentifier\" --output text); for S in $SNAPSHOTS; do {}; aws rds delete-db-cluster-snapshot --db-cluster-snapshot-identifier \"$S\" --region {r} > /dev/null; done",
            snapshot_settled(format!("aws rds describe-db-cluster-snapshots --db-cluster-snapshot-identifier \"$S\" --region {r} --query 'DBClusterSnapshots[0].Status' --output text"))
        ));
    }
    super::DatabaseLeftovers {
        before_dr,
        before_primary,
        after,
    }
}

/// The drill's teardown: what `terraform destroy` refuses as generated
/// (deletion-protected load balancers, databases, clusters and global
/// databases; non-empty versioned buckets and repositories) made deletable
/// by CLI, then both roots destroyed, DR first.
pub(super) fn teardown(d: &Ctx<'_>) -> Step {
    // A drill stopped between failover and failback left its failover
    // declared: nothing of the drill's copy outlives it, and a new drill
    // would stop at the roots' guard.
    let mut commands = vec![
        d.account(),
        super::delete_failover_marker(&d.name, d.dr),
        super::remove_acknowledgements(&d.dir),
    ];
    let leftovers = database_leftovers(d);
    commands.extend(leftovers.before_dr);
    commands.extend(leftovers.before_primary);
    let after_destroy = leftovers.after;
    let mut vaults = false;
    for role in [Role::Primary, Role::Dr] {
        let root = d.root(role);
        let region = d.region(role);
        for m in &root.modules {
            let Some(a) = d.asset_of(m) else {
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
                "backup_plan" => {
                    // helper-64: the vaults keep force_destroy = false (a
                    // destroy must never take recovery points with it), so
                    // the drill's are deleted first, and waited for.
                    if let Some(vault) = arg_str(m, "name", root) {
                        commands.push(format!(
                            "{}   # every recovery point of the vault, deleted",
                            super::empty_backup_vault(&rename(vault), region)
                        ));
                        vaults = true;
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
    // The charts' StatefulSets keep their volume claims when uninstalled,
    // and the PostgreSQL StorageClass retains its volumes: uninstall the
    // charts first (their operators would recreate what is deleted), then
    // have every volume deleted with its claim.
    let mut clusters = Vec::new();
    for role in [Role::Dr, Role::Primary] {
        let root = d.root(role);
        if root.helm_clusters.is_empty() {
            continue;
        }
        // Guarded: `destroy` without a target would destroy the whole root
        // before its volumes are freed and its buckets emptied.
        commands.push(format!(
            "CHARTS=$({} | grep -E '(^|\\.)helm_release\\.' | sed 's/^/-target=/'); if [ -n \"$CHARTS\" ]; then {} $CHARTS; fi   # the charts first",
            d.tf(role.as_str(), "state list"),
            d.tf(role.as_str(), "destroy"),
        ));
        let region = d.region(role);
        for a in d.inv.assets.iter().filter(|a| root.helm_clusters.contains(&a.ident())) {
            let eks = d.ident(a, role);
            commands.push(format!(
                "aws eks update-kubeconfig --name {eks} --region {region} --alias {eks}"
            ));
            commands.push(format!(
                "for PV in $(kubectl --context {eks} get pv -o name); do kubectl --context {eks} patch \"$PV\" {RECLAIM_DELETE}; done"
            ));
            commands.push(format!(
                "kubectl --context {eks} delete statefulsets --all --all-namespaces --cascade=foreground --timeout=15m"
            ));
            commands.push(format!(
                "kubectl --context {eks} delete pvc --all --all-namespaces --wait --timeout=15m"
            ));
            clusters.push(eks);
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
    let snapshots = !after_destroy.is_empty();
    commands.extend(after_destroy);
    let mut verify = vec![
        "Nothing of the drill's primary and DR roots is left: `terraform destroy` cannot delete a deletion-protected load balancer, database or global database, nor a bucket or repository that is not empty, hence the commands before it.".to_string(),
    ];
    if vaults {
        verify.push("The drill's backup vaults hold no recovery point before the destroys (`aws backup list-recovery-points-by-backup-vault`): a vault that holds one cannot be deleted, and a backup job the primary's plan started during the teardown adds one; delete it as above, then run the destroy again.".to_string());
    }
    if !buckets.is_empty() {
        verify.push("A DR destroy that stops at `BucketNotEmpty` met objects the primary wrote after the buckets were emptied (its S3 replication or database archive still runs while the DR root goes first): run the `empty_bucket` lines again, then the destroy.".to_string());
    }
    if !clusters.is_empty() {
        verify.push(format!(
            "Before the roots are destroyed, {} list no volume (`kubectl --context <cluster> get pv`): a volume left there is an EBS volume that outlives the drill, billed and encrypted with a key scheduled for deletion.",
            clusters.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(" and ")
        ));
    }
    if snapshots {
        verify.push(format!("`aws rds describe-db-snapshots --snapshot-type manual` and `describe-db-cluster-snapshots` list nothing named `{}-…` in either region: the final snapshots of the destroy and those of the failback bill.", d.name));
    }
    verify.push("The drill's bootstrap root (state buckets, hosted zones, the account's EC2 Auto Scaling service-linked role) stays for the next drill; the role is account-wide, and IAM refuses to delete it while any Auto Scaling group uses it.".to_string());
    Step::new(
        "Destroy the drill: lift what protects it from deletion, uninstall the charts and delete the clusters' volumes, empty its buckets, then destroy DR and primary",
        commands,
        verify,
    )
}
