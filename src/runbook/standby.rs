//! PostgreSQL clusters run by postgres-operator with a DR standby: the
//! failover promotes the standby, the failback moves the data written in DR
//! back to the primary cluster, then rebuilds the standby from the primary's
//! archive.
//!
//! Behaviour relied on (postgres-operator user guide, "Setting up a standby
//! cluster"): removing the `standby` section from a cluster's manifest
//! promotes its standby leader (operator 1.11 and later); adding it back to a
//! running cluster does not turn it into a standby again, so the promoted DR
//! cluster is deleted with its volumes and created anew as a standby, which
//! restores from the primary's base backups and WAL in the replicated bucket.

use super::*;

/// Namespace of the cluster when the plan sets none (the module's default).
const DEFAULT_NAMESPACE: &str = "postgres";

/// postgres_operator assets with a standby in the DR region.
pub(super) fn standbys<'a>(c: &Ctx<'a>) -> Vec<&'a Asset> {
    c.of(Kind::PostgresOperator).filter(|a| a.in_dr()).collect()
}

/// Where the cluster of `a` runs in the `role` root: its EKS cluster's name,
/// the kubectl context acmegen names for it, the namespace and the
/// `postgresql` resource's name.
struct Placement {
    eks: String,
    context: String,
    namespace: String,
    name: String,
    region: String,
}

impl Placement {
    fn of(c: &Ctx<'_>, a: &Asset, role: Role) -> Option<Self> {
        let cluster = c
            .inv
            .assets
            .iter()
            .find(|x| Some(x.name.as_str()) == a.target.as_deref())?;
        let m = c.call(a, role, "postgres_operator")?;
        let root = c.root(role);
        let region = c.region(role).to_string();
        Some(Placement {
            eks: c.ident(cluster, role),
            context: format!("{}-{region}", c.name),
            namespace: arg_str(m, "namespace", root).unwrap_or_else(|| DEFAULT_NAMESPACE.into()),
            name: arg_str(m, "name", root)?,
            region,
        })
    }

    /// `aws eks update-kubeconfig` for this cluster under its own context.
    fn kubeconfig(&self) -> String {
        format!(
            "aws eks update-kubeconfig --name {} --region {} --alias {}",
            self.eks, self.region, self.context
        )
    }

    fn kubectl(&self, args: &str) -> String {
        format!("kubectl --context {} -n {} {args}", self.context, self.namespace)
    }

    /// Waits until Patroni reports a `Leader` (a promoted standby's role
    /// changes from `Standby Leader`), printing its view between tries.
    /// Bounded (15 minutes), and a failed read is retried: the operator
    /// recreates the pod while it promotes it.
    fn until_leader(&self) -> String {
        self.until_members("*'| Leader '*", 90, "no Leader after 15 minutes")
    }

    /// Waits until Patroni reports a `Standby Leader` that replays: state
    /// `running`, `streaming` or (Patroni 3, from the archive alone) `in
    /// archive recovery`; not while it still bootstraps from the primary's
    /// first base backup, which Spilo takes once the primary runs and S3
    /// replication then copies into the DR bucket. Bounded (30 minutes).
    fn until_standby(&self) -> String {
        self.until_members(
            "*'| Standby Leader | running '*|*'| Standby Leader | streaming '*|*'| Standby Leader | in archive recovery '*",
            180,
            &format!("{}: no standby leader replaying after 30 minutes", self.name),
        )
    }

    /// Reads Patroni's view every 10 seconds, printing it, until it matches
    /// the `case` patterns `ready`; after `tries` reads without a match the
    /// line fails with `failure`. A failed read is retried.
    fn until_members(&self, ready: &str, tries: u32, failure: &str) -> String {
        format!(
            "for _ in $(seq {tries}); do MEMBERS=$({} 2>&1) || true; printf '%s\\n' \"$MEMBERS\"; case \"$MEMBERS\" in {ready}) break ;; esac; sleep 10; done; case \"$MEMBERS\" in {ready}) ;; *) echo '{failure}' >&2; false ;; esac",
            self.members()
        )
    }

    /// `VAR=<the master pod>` (Spilo labels it spilo-role=master).
    fn master(&self, var: &str) -> String {
        format!(
            "{var}=$({})",
            self.kubectl(&format!(
                "get pods -l cluster-name={},spilo-role=master -o name",
                self.name
            ))
        )
    }

    /// Patroni's view of the cluster, from its first pod (any member
    /// answers): a `Leader`, or a `Standby Leader` while it is a standby.
    fn members(&self) -> String {
        self.kubectl(&format!("exec {}-0 -c postgres -- patronictl list", self.name))
    }
}

/// The module variable that keeps `a` a standby in the DR root.
fn standby_var(c: &Ctx<'_>, a: &Asset) -> Option<String> {
    let m = c.call(a, Role::Dr, "postgres_operator")?;
    match m.argument("standby")? {
        Expr::Ref(Ref { root: Root::Var(v), .. }) => Some(v.clone()),
        _ => None,
    }
}

/// Failover: promote the standby through its Helm release, a targeted apply
/// that refreshes nothing (the EKS and Kubernetes APIs of the DR region).
pub(super) fn promote(c: &Ctx<'_>, changes: &[VarChange], a: &Asset) -> Option<Step> {
    let p = Placement::of(c, a, Role::Dr)?;
    let var = standby_var(c, a)?;
    Some(Step::new(
        format!("Promote the PostgreSQL standby `{}` in {} ({var} = false)", a.name, c.dr),
        {
            let mut commands = super::failover::dr_apply_pinned(c, changes, &format!("-refresh=false -target=module.{}", a.ident()));
            commands.push(p.kubeconfig());
            commands.push(p.until_leader());
            commands
        },
        vec![
            format!("The apply changes only `{}`'s Helm release (its standby section removed, from failover.auto.tfvars); the operator then promotes the standby leader, which archives WAL under the {} prefix of the DR bucket.", a.name, c.dr),
            "The loop ends once `patronictl list` shows a Leader (no longer a Standby Leader): the database accepts writes.".into(),
            format!("Data is what the standby replayed from the replicated archive: WAL not yet archived or replicated when {} was lost is gone (RPO); clients use the DR master service (output `{}_master_service`).", c.primary, a.ident()),
        ]
        .into_iter()
        .chain(changes.iter().any(|ch| ch.name == format!("{}_replicas", a.ident())).then(|| {
            format!("The standby ran its leader alone; the same apply starts its replicas (`{}_replicas`), which join once the operator has aligned the users' passwords with its secrets after the promotion: `patronictl list` shows them streaming within minutes.", a.ident())
        }))
        .collect(),
    ))
}

/// Failback, with writes stopped in DR: the databases of `a` move from the
/// promoted DR cluster to the primary cluster (dump and restore through both
/// clusters' Kubernetes APIs).
pub(super) fn move_back(c: &Ctx<'_>, a: &Asset) -> Option<Step> {
    let dr = Placement::of(c, a, Role::Dr)?;
    let primary = Placement::of(c, a, Role::Primary)?;
    let databases = c
        .call(a, Role::Primary, "postgres_operator")
        .and_then(|m| match m.argument("databases") {
            Some(Expr::Map(entries)) => Some(entries.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>()),
            _ => None,
        })
        .filter(|d| !d.is_empty())
        .unwrap_or_else(|| vec!["postgres".into()]);
    let mut commands = vec![
        dr.kubeconfig(),
        primary.kubeconfig(),
        dr.master("DR_MASTER"),
        primary.master("PRIMARY_MASTER"),
    ];
    for db in &databases {
        commands.push(format!(
            "{} | {}",
            dr.kubectl(&format!(
                "exec \"$DR_MASTER\" -c postgres -- pg_dump -U postgres -Fc {db}"
            )),
            primary.kubectl(&format!(
                "exec -i \"$PRIMARY_MASTER\" -c postgres -- pg_restore -U postgres --clean --if-exists -d {db}"
            ))
        ));
    }
    Some(Step::new(
        format!("Move `{}`'s data written in {} back to the primary cluster ({})", a.name, c.dr, c.primary),
        commands,
        vec![
            format!("The DR cluster was promoted and took the writes; the primary cluster ({}) holds the data of before the outage, and no replication runs back: this dump and restore carries the databases ({}) over while nothing writes.", c.primary, databases.join(", ")),
            "A table the application wrote during the outage has the same row count in both clusters (`psql -U postgres -d <db> -tAc 'select count(*) from <table>'` on each master).".into(),
            format!("The primary cluster archives the restored data under its own prefix; the DR standby is rebuilt from that archive once traffic is back in {}.", c.primary),
        ],
    ))
}

/// Failback, after traffic returned: commands that turn the promoted DR
/// cluster of `a` back into a standby, and the `-replace` target of the DR
/// apply that recreates it.
pub(super) fn rebuild_standby(c: &Ctx<'_>, a: &Asset) -> Option<(Vec<String>, String)> {
    let p = Placement::of(c, a, Role::Dr)?;
    Some((
        vec![
            p.kubeconfig(),
            // The StorageClass retains volumes (a deleted claim keeps its
            // EBS volume): these go, as the drill's teardown does
            // (helper-76), switched while their claims still exist (the
            // operator deletes the claims with the cluster, helper-77).
            format!(
                "for PV in $({}); do {}; done   # their volumes are deleted with them (the StorageClass keeps a released volume, billed)",
                p.kubectl(&format!(
                    "get pvc -l cluster-name={} -o jsonpath='{{.items[*].spec.volumeName}}'",
                    p.name
                )),
                p.kubectl(&format!("patch pv \"$PV\" {RECLAIM_DELETE}"))
            ),
            p.kubectl(&format!("delete postgresql {} --wait", p.name))
                + "   # the promoted cluster: its data diverged from the primary's",
            p.kubectl(&format!("delete pvc -l cluster-name={} --wait", p.name))
                + "   # its volumes too, or the new standby would start on them",
        ],
        format!("-replace=module.{}.helm_release.cluster", a.ident()),
    ))
}

/// What the rebuilt standby of `a` shows.
pub(super) fn standby_verify(c: &Ctx<'_>, a: &Asset) -> Option<String> {
    let p = Placement::of(c, a, Role::Dr)?;
    Some(format!(
        "`{}` is a standby again: `{}` shows a Standby Leader; it restored from {}'s base backups and WAL replicated into the DR bucket, and follows them.",
        a.name,
        p.members(),
        c.primary
    ))
}

/// Shell lines that wait until each PostgreSQL standby of the DR root
/// replays the primary's archive (see `Placement::until_standby`): a
/// failover before that promotes a standby that has no data yet.
pub(super) fn following(c: &Ctx<'_>) -> Vec<String> {
    let mut lines = Vec::new();
    for a in standbys(c) {
        if let Some(p) = Placement::of(c, a, Role::Dr) {
            lines.push(p.kubeconfig());
            lines.push(p.until_standby());
        }
    }
    lines
}
