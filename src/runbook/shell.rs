//! Shell building blocks: AWS CLI waiters re-run past their limits, and
//! lifting an instance's deletion protection.

/// Re-run `wait` (an `aws … wait …` command) until it succeeds, printing
/// `status` between tries: AWS CLI waiters give up after a fixed number of
/// polls (`db-instance-available`, `db-snapshot-available`,
/// `db-instance-deleted`, `db-cluster-available`: 60 polls 30 s apart;
/// `eks wait nodegroup-active`: 80 polls 30 s apart), and a large restore
/// or snapshot copy takes longer.
pub(super) fn waited(wait: String, status: String, limit: &str) -> String {
    format!(
        "{}   # the waiter stops after {limit}: this re-runs it; stop (Ctrl-C) if the status printed is a failure",
        retried(wait, status)
    )
}

/// The loop of [`waited`] without its comment, to embed in a longer command.
pub(super) fn retried(wait: String, status: String) -> String {
    format!("until {wait}; do {status}; sleep 30; done")
}

/// The command that prints the status of RDS instance `id` (a name, or a
/// quoted shell variable) in `region`.
pub(super) fn instance_status(id: &str, region: &str) -> String {
    format!("aws rds describe-db-instances --db-instance-identifier {id} --region {region} --query 'DBInstances[0].DBInstanceStatus' --output text")
}

pub(super) fn wait_instance(id: &str, region: &str) -> String {
    waited(
        format!("aws rds wait db-instance-available --db-instance-identifier {id} --region {region}"),
        instance_status(id, region),
        "30 min",
    )
}

pub(super) fn wait_instance_deleted(id: &str, region: &str) -> String {
    waited(
        format!("aws rds wait db-instance-deleted --db-instance-identifier {id} --region {region}"),
        instance_status(id, region),
        "30 min",
    )
}

pub(super) fn wait_snapshot(id: &str, region: &str) -> String {
    waited(
        format!("aws rds wait db-snapshot-available --db-snapshot-identifier {id} --region {region}"),
        format!("aws rds describe-db-snapshots --db-snapshot-identifier {id} --region {region} --query 'DBSnapshots[0].[Status,PercentProgress]' --output text"),
        "30 min",
    )
}

pub(super) fn wait_cluster(id: &str, region: &str) -> String {
    waited(
        format!("aws rds wait db-cluster-available --db-cluster-identifier {id} --region {region}"),
        format!("aws rds describe-db-clusters --db-cluster-identifier {id} --region {region} --query 'DBClusters[0].Status' --output text"),
        "30 min",
    )
}

pub(super) fn wait_cluster_instances(cluster: &str, region: &str) -> String {
    waited(
        format!("aws rds wait db-instance-available --filters Name=db-cluster-id,Values={cluster} --region {region}"),
        format!("aws rds describe-db-instances --filters Name=db-cluster-id,Values={cluster} --region {region} --query 'DBInstances[].DBInstanceStatus' --output text"),
        "30 min",
    )
}

/// The command that prints the ARN of the writer cluster of global database
/// `global`, asked in `region` (None where it has none).
pub(super) fn global_writer(global: &str, region: &str) -> String {
    format!("aws rds describe-global-clusters --global-cluster-identifier {global} --region {region} --query 'GlobalClusters[0].GlobalClusterMembers[?IsWriter].DBClusterArn | [0]' --output text")
}

/// Wait until `writer` (a cluster ARN) is the writer of global database `global`.
pub(super) fn wait_global_writer(global: &str, writer: &str, region: &str) -> String {
    format!(
        "until [ \"$({})\" = \"{writer}\" ]; do aws rds describe-global-clusters --global-cluster-identifier {global} --region {region} --query 'GlobalClusters[0].[Status,FailoverState.Status]' --output text; sleep 30; done",
        global_writer(global, region)
    )
}

/// Wait until cluster `cluster` (ARN `arn`) has left global database
/// `global` and is available: a secondary detached from its global database
/// (RemoveFromGlobalCluster) becomes a standalone cluster that takes writes.
pub(super) fn wait_detached(global: &str, arn: &str, cluster: &str, region: &str) -> String {
    format!(
        "until [ \"$(aws rds describe-global-clusters --global-cluster-identifier {global} --region {region} --query \"length(GlobalClusters[0].GlobalClusterMembers[?DBClusterArn=='{arn}'])\" --output text)\" = 0 ] && [ \"$(aws rds describe-db-clusters --db-cluster-identifier {cluster} --region {region} --query 'DBClusters[0].Status' --output text)\" = available ]; do sleep 30; done"
    )
}

/// Lift deletion protection of instance `id`, wait until the modification
/// is done: RDS refuses DeleteDBInstance on a protected instance
/// ("Cannot delete protected DB Instance"), and Terraform's replace deletes.
pub(super) fn unprotect_instance(id: &str, region: &str) -> Vec<String> {
    vec![
        format!("aws rds modify-db-instance --db-instance-identifier {id} --no-deletion-protection --apply-immediately --region {region}"),
        wait_instance(id, region),
    ]
}

pub(super) fn no_protection_check(id: &str, region: &str, what: &str) -> String {
    format!("`aws rds describe-db-instances --db-instance-identifier {id} --region {region} --query 'DBInstances[0].DeletionProtection'` printed false before the {what}.")
}

/// Wait while AWS still makes or copies a snapshot (`status` prints its
/// state: `creating`, `copying`, …), at most an hour: a snapshot can be
/// deleted once it is `available` or `failed` (helper-74, helper-75). Past
/// the hour, the delete that follows fails and says why.
pub(super) fn snapshot_settled(status: String) -> String {
    format!(
        "i=0; while case \"$({status})\" in available|failed|\"\") false ;; *) true ;; esac; do i=$((i + 1)); [ \"$i\" -lt 120 ] || break; sleep 30; done"
    )
}

/// The `kubectl patch` arguments that make a persistent volume go with its
/// claim (the postgres-cluster StorageClass retains released volumes).
pub(super) const RECLAIM_DELETE: &str = "-p '{\"spec\":{\"persistentVolumeReclaimPolicy\":\"Delete\"}}'";
