//! `rds`: an RDS instance (PostgreSQL or MySQL). DR: a cross-region read
//! replica, or the automated backups replicated for a restore; the master
//! secret is replicated under the DR key either way.

use super::{AlarmSpec, DbClients, MissingData, Quantity, SizeClass, Spec};
use crate::inventory::{Asset, DrStrategy, Engine, Kind};
use crate::plan::{names, Expr, Planner, Role, VarRole};
use crate::validate::{Check, ValidAsset};

/// The rds kind.
pub const SPEC: Spec = Spec {
    name: "rds",
    summary: "RDS instance; DR: cross-region read replica, or automated-backup replication",
    dr: &[DrStrategy::Replica, DrStrategy::Backup, DrStrategy::None],
    dr_hints: &[
        (
            DrStrategy::Active,
            "a database cannot take writes in two regions; `replica` keeps a promotable copy in DR",
        ),
        (DrStrategy::PilotLight, "the data tier of a pilot light is a `replica`"),
    ],
    targets: &[],
    fields: &[
        "size",
        "engine",
        "engine_version",
        "dr_engine_version",
        "storage_gb",
        "multi_az",
        "db_name",
        "dns_name",
        "retention_days",
    ],
    size: SizeClass::Db,
    bounds: &[("qty", crate::limits::QTY), ("storage_gb", crate::limits::DB_STORAGE_GB), ("retention_days", crate::limits::DB_BACKUP_RETENTION_DAYS)],
    draft: super::Draft {
        size: Some("db.t3.medium"),
        dr: (DrStrategy::Replica, "a promotable cross-region replica"),
        fields: super::DraftFields::Database,
        ..super::Draft::PLAIN
    },
    category: super::Category::Database,
    aws_names: &[
        super::iam_role(super::NameBase::Own, "-monitoring"),
        super::AwsName {
            // A failback keeps an old primary aside as `<identifier>-stale-<YYYYMMDD>`
            // (RUNBOOK "Failback").
            what: "DB instance identifier (kept aside at failback)",
            base: super::NameBase::Own,
            suffix: "-stale-00000000",
            max: 63,
        },
    ],
    needs_vpc: true,
    two_azs: true,
    needs_kms: true,
    singleton: false,
    modules: &["rds", "rds_backup_replication", "private_zone"],
    import_keywords: &[" rds ", " database", " db ", " postgres", " mysql", " sql "],
    default_qty: 1,
    quantity: Quantity::None,
    db_clients: super::DbClients::No,
    node_port: super::NodePort::Nothing,
    service_linked_roles: &["rds.amazonaws.com"],
    quota: super::QuotaUse::DbInstances(db_instances),
    alarms: &[
        AlarmSpec {
            // Both regions: the DR copy is the production database after a
            // failover, and a replica short of storage stops replicating.
            role: None,
            strategy: None,
            suffix: "cpu",
            description: "Database {name} CPU above 80%",
            namespace: "AWS/RDS",
            metric: "CPUUtilization",
            dimension: "DBInstanceIdentifier",
            dimension_output: None,
            statistic: "Average",
            operator: "GreaterThanThreshold",
            threshold: 80,
            missing_data: MissingData::NotBreaching,
        },
        AlarmSpec {
            // Both regions: the DR copy is the production database after a
            // failover, and a replica short of storage stops replicating.
            role: None,
            strategy: None,
            suffix: "free-storage",
            description: "Database {name} has less than 2 GiB free",
            namespace: "AWS/RDS",
            metric: "FreeStorageSpace",
            dimension: "DBInstanceIdentifier",
            dimension_output: None,
            statistic: "Minimum",
            operator: "LessThanThreshold",
            threshold: 2_147_483_648,
            missing_data: MissingData::NotBreaching,
        },
        AlarmSpec {
            role: Some(Role::Dr),
            strategy: Some(DrStrategy::Replica),
            suffix: "replica-lag",
            description: "Replica {name} lags the primary by more than 5 minutes",
            namespace: "AWS/RDS",
            metric: "ReplicaLag",
            dimension: "DBInstanceIdentifier",
            dimension_output: None,
            statistic: "Maximum",
            operator: "GreaterThanThreshold",
            threshold: crate::objectives::REPLICA_LAG_ALARM_SECONDS as i64,
            missing_data: MissingData::Breaching,
        },
    ],
};

/// Its DB instances in one region: one (the standby of Multi-AZ is not
/// counted), none in DR until a backup is restored.
fn db_instances(a: &Asset, dr: bool) -> u32 {
    u32::from(!(dr && a.dr == DrStrategy::Backup))
}

/// Settings the `rds` and `aurora` modules fix for every database
/// (`templates/modules/{rds,aurora}/main.tf`, checked by a test). The
/// runbook gives the databases it creates by CLI (failback restores and
/// replicas, an Aurora cluster rebuilt as a secondary) the same, so that
/// Terraform adopts them by `import` without a change to apply later.
pub mod fixed {
    /// Storage type.
    pub const STORAGE_TYPE: &str = "gp3";
    /// CA of the server certificate.
    pub const CA_CERTIFICATE: &str = "rds-ca-rsa2048-g1";
    /// Daily backup window (UTC).
    pub const BACKUP_WINDOW: &str = "03:00-04:00";
    /// Weekly maintenance window (UTC).
    pub const MAINTENANCE_WINDOW: &str = "sun:04:30-sun:05:30";
    /// Enhanced monitoring interval (s).
    pub const MONITORING_INTERVAL: u32 = 30;
    /// Performance Insights retention (days).
    pub const INSIGHTS_RETENTION_DAYS: u32 = 7;
    /// Storage autoscaling ceiling: this many times the allocated storage.
    pub const STORAGE_CEILING_FACTOR: i64 = 4;
    /// TTL (s) of the writer's record in the private zone (`dns_ttl`): how
    /// long a client may keep resolving to an old target.
    pub const DNS_TTL: u32 = 30;

    /// Name of the enhanced-monitoring role of database `identifier`.
    pub fn monitoring_role(identifier: &str) -> String {
        format!("{identifier}-monitoring")
    }
}

/// A database's common fields, defaulted (RDS and Aurora).
#[derive(Debug, Clone)]
pub struct Database {
    /// Instance class.
    pub size: String,
    /// Engine.
    pub engine: Engine,
    /// Major engine version (Aurora MySQL: the full version).
    pub engine_version: String,
    /// Initial database name.
    pub db_name: Option<String>,
    /// Days of automated backups (default 7).
    pub retention_days: u32,
    /// Label of the writer's name in the private zone (default: the
    /// asset's name, `_` as `-`).
    pub dns_name: String,
}

/// An RDS instance's fields, defaulted.
#[derive(Debug, Clone)]
pub struct Options {
    /// Fields it shares with Aurora.
    pub db: Database,
    /// Allocated storage in GiB (default 20).
    pub storage_gb: u32,
    /// Multi-AZ standby (default true).
    pub multi_az: bool,
}

/// Days of automated backups when the inventory gives none (RDS and Aurora).
pub const DEFAULT_RETENTION_DAYS: u32 = 7;
/// Allocated storage (GiB) when the inventory gives none.
pub const DEFAULT_STORAGE_GB: u32 = 20;

/// Engine, a creatable major version, the same version in DR, backups of
/// 1 to 35 days (RDS and Aurora).
pub(crate) fn check_database(c: &mut Check<'_>, a: &Asset) -> Database {
    if a.engine.is_none() {
        c.error_here(
            format!("database `{}` has no engine", a.name),
            "add `engine: postgres` or `engine: mysql`",
        );
    }
    match &a.engine_version {
        None => c.error_here(
            format!("database `{}` has no engine_version", a.name),
            "add the major version, e.g. `engine_version: \"17\"`; DR runs the same version",
        ),
        Some(v) => {
            if let Some(engine) = a.engine {
                let global = a.kind == Kind::Aurora && a.dr == DrStrategy::Replica;
                if let Some((message, help)) = crate::versions::engine_problem(a.kind, engine, v, global) {
                    c.error("engine_version", message, help);
                }
            }
            if let Some(dv) = &a.dr_engine_version {
                if dv != v && a.in_dr() {
                    c.error(
                        "dr_engine_version",
                        format!("DR engine version {dv} differs from primary engine version {v}"),
                        "the DR plan requires the same engine and family version in both regions: make them equal",
                    );
                }
            }
        }
    }
    // `retention_days` is bounded by the kinds' specs (`limits::check_asset`).
    check_identifiers(c, a);
    if let (Some(db), Some(engine)) = (&a.db_name, a.engine) {
        let max = db_name_max(engine);
        if !is_database_name(db, max, false) {
            c.error(
                "db_name",
                format!("`{db}` is not a database name {} accepts", engine_label(engine)),
                format!(
                    "use 1 to {max} letters, digits and `_`, starting with a letter (e.g. `{}`)",
                    database_name_like(db)
                ),
            );
        }
    }
    let dns_name = dns_label(a);
    if a.dns_name.is_some() && !crate::validate::is_dns_label(&dns_name, 63) {
        c.error(
            "dns_name",
            format!("`{dns_name}` is not a DNS label"),
            "use 1-63 lowercase letters, digits and dashes, starting with a letter; the writer is then `<dns_name>.<inventory>.internal`",
        );
    }
    let inventory = c.inventory();
    // The first database of this label, when it comes before the first
    // asset of this name (both found by index, not by scanning).
    let first = c.named(&a.name).map_or(0, |(i, _)| i);
    let earlier = c
        .first_database_labelled(&dns_name)
        .filter(|&i| i < first)
        .map(|i| &inventory.assets[i]);
    if let Some(other) = earlier {
        c.error(
            if a.dns_name.is_some() { "dns_name" } else { "name" },
            format!(
                "databases `{}` and `{}` both take the name {dns_name}.{}",
                other.name,
                a.name,
                private_zone_name(&inventory.name)
            ),
            "give one of them another `dns_name`",
        );
    }
    Database {
        size: a.size.clone().unwrap_or_default(),
        engine: a.engine.unwrap_or(Engine::Postgres),
        engine_version: a.engine_version.clone().unwrap_or_default(),
        db_name: a.db_name.clone(),
        retention_days: a.retention_days.unwrap_or(DEFAULT_RETENTION_DAYS),
        dns_name,
    }
}

/// The longest database name of `engine`: 63 bytes for PostgreSQL
/// (NAMEDATALEN - 1), 64 characters for MySQL (RDS API Reference,
/// CreateDBInstance and CreateDBCluster, `DBName`/`DatabaseName`).
pub(crate) fn db_name_max(engine: Engine) -> usize {
    match engine {
        Engine::Postgres => 63,
        Engine::Mysql => 64,
    }
}

fn engine_label(engine: Engine) -> &'static str {
    match engine {
        Engine::Postgres => "PostgreSQL",
        Engine::Mysql => "MySQL",
    }
}

/// Whether `name` is a database name the engines accept unquoted: a
/// letter, then letters, digits or `_`, at most `max` characters
/// (`lowercase`: letters in lower case only, as the postgres-operator
/// requires).
pub(crate) fn is_database_name(name: &str, max: usize, lowercase: bool) -> bool {
    let letter = |ch: char| if lowercase { ch.is_ascii_lowercase() } else { ch.is_ascii_alphabetic() };
    name.len() <= max
        && name.starts_with(letter)
        && name.chars().all(|ch| letter(ch) || ch.is_ascii_digit() || ch == '_')
}

/// A database name like `name` (for the help of a refused one): `-` and
/// other characters as `_`, a leading `db_` when it does not start with a letter.
pub(crate) fn database_name_like(name: &str) -> String {
    let mut out: String = name
        .chars()
        .map(|ch| if ch.is_ascii_alphanumeric() { ch.to_ascii_lowercase() } else { '_' })
        .collect();
    if !out.starts_with(|ch: char| ch.is_ascii_alphabetic()) {
        out.insert_str(0, "db_");
    }
    out.truncate(63);
    out
}

/// Why `id` is not an RDS identifier (of a DB instance, a DB cluster or a
/// global cluster), if it is not: 1 to 63 letters, digits or hyphens, the
/// first a letter, no two hyphens in a row, no hyphen at the end (RDS API
/// Reference, CreateDBInstance `DBInstanceIdentifier`, CreateDBCluster
/// `DBClusterIdentifier`, CreateGlobalCluster `GlobalClusterIdentifier`).
pub(crate) fn identifier_problem(id: &str) -> Option<&'static str> {
    if !id.starts_with(|ch: char| ch.is_ascii_alphabetic()) {
        Some("it does not start with a letter")
    } else if id.contains('_') {
        Some("it contains `_`")
    } else if !id.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '-') {
        Some("it contains a character other than letters, digits and hyphens")
    } else if id.contains("--") {
        Some("it contains two hyphens in a row")
    } else if id.ends_with('-') {
        Some("it ends with a hyphen")
    } else if id.len() > 63 {
        Some(IDENTIFIER_TOO_LONG)
    } else {
        None
    }
}

/// [`identifier_problem`] of an identifier whose only fault is its length.
const IDENTIFIER_TOO_LONG: &str = "it is longer than 63 characters";

/// An asset name like `name` whose identifiers RDS accepts: `_` as `-`,
/// no two hyphens in a row, none at the end.
fn identifier_like(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for ch in name.chars().map(|ch| if ch == '_' { '-' } else { ch }) {
        if !(ch == '-' && out.ends_with('-')) {
            out.push(ch);
        }
    }
    out.trim_end_matches('-').to_string()
}

/// The identifiers database `a` takes (`<inventory>-<asset>-<region code>`
/// in each region it runs in, and an Aurora global database's
/// `<inventory>-<asset>`) are identifiers RDS accepts, and its
/// enhanced-monitoring role name fits IAM's 64 characters (the tighter
/// limit: an identifier that fits it leaves room for Aurora's instance
/// suffix `-<n>` within 63).
fn check_identifiers(c: &mut Check<'_>, a: &Asset) {
    let inv = c.inventory();
    if !crate::validate::is_asset_name(&a.name) || !crate::validate::is_inventory_name(&inv.name) {
        return; // refused by name already
    }
    let mut ids = vec![names::resource(&inv.name, &a.name, &inv.regions.primary)];
    if a.in_dr() {
        ids.push(names::resource(&inv.name, &a.name, &inv.regions.dr));
    }
    if a.kind == Kind::Aurora && a.dr == DrStrategy::Replica {
        ids.push(names::global_cluster(&inv.name, &a.name));
    }
    let what = if a.kind == Kind::Aurora { "cluster" } else { "DB instance" };
    for id in &ids {
        // Too long: the spec's `aws_names` say by how much (the monitoring role, longer still).
        if let Some(why) = identifier_problem(id).filter(|why| *why != IDENTIFIER_TOO_LONG) {
            let like = identifier_like(&a.name);
            let rename = if like != a.name && !like.is_empty() {
                format!("rename the asset, e.g. `{like}`")
            } else {
                "rename the asset (or the inventory)".to_string()
            };
            c.error(
                "name",
                format!("{} `{}` would get the {what} identifier `{id}`, which RDS refuses: {why}", a.kind, a.name),
                format!(
                    "RDS identifiers (`<inventory>-<asset>-<region code>`) take letters, digits and single hyphens, starting with a letter and not ending with a hyphen: {rename}; `dns_name` sets the name clients connect to"
                ),
            );
            return;
        }
    }
    // Their length is bounded by the spec's `aws_names` (the monitoring
    // role `<identifier>-monitoring` is the tightest: IAM's 64).
}

/// The label of database `a`'s name in the private zone.
pub(crate) fn dns_label(a: &Asset) -> String {
    a.dns_name.clone().unwrap_or_else(|| a.name.replace('_', "-"))
}

/// Label of the module call of each root's private hosted zone.
pub const PRIVATE_ZONE: &str = "private_zone";

/// The private zone of `inventory`: `<inventory>.internal` (`.internal` is
/// the top-level domain ICANN reserves for private use: it never resolves
/// on the internet).
pub fn private_zone_name(inventory: &str) -> String {
    format!("{inventory}.internal")
}

/// Whether database `a` has a writer in this root that its stable name
/// points at: every database in the primary root, the read replica or
/// secondary cluster in DR (a `backup` database has no instance in DR until
/// the failover restores one; the runbook names it then).
pub(crate) fn named_here(p: &Planner<'_>, a: &ValidAsset) -> bool {
    a.kind.spec().category == super::Category::Database && (p.primary() || a.dr == DrStrategy::Replica)
}

/// The root's private hosted zone, associated with this region's VPC,
/// where a database of this root has a stable name (or the failover may
/// restore one into it).
pub fn plan_private_zone(p: &mut Planner<'_>) {
    let restores = !p.primary() && p.of_kind(Kind::Rds).any(|a| a.dr == DrStrategy::Backup);
    if !p.has_vpc() || !(p.assets().any(|a| named_here(p, a)) || restores) {
        return;
    }
    let zone = private_zone_name(p.inventory());
    let mut m = p.implicit_call(
        PRIVATE_ZONE,
        "private_zone",
        crate::plan::Origin::Implicit {
            what: "private DNS zone",
            kind: None,
        },
        format!(
            "Private zone {zone} of this region's VPC: stable names of the database writers (applications never change their connection string)"
        ),
    );
    m.arg("name", Expr::s(&zone))
        .arg(
            "comment",
            Expr::s(format!(
                "Stable names of the {} databases in {}",
                p.inventory(),
                p.region()
            )),
        )
        .arg("vpc_id", p.vpc("vpc_id"));
    let tags = p.tags(None);
    p.push(m, Some(tags));
    p.output(
        "private_zone_id".into(),
        format!("ID of the private hosted zone {zone} of this region's VPC."),
        Expr::module(PRIVATE_ZONE, "zone_id"),
    );
}

/// The writer's stable name of database `a` (`<label>.<zone>`): the record
/// arguments of its module call and the root output naming it.
pub(crate) fn name_writer(p: &mut Planner<'_>, a: &ValidAsset, db: &Database, m: &mut crate::plan::ModuleCall) {
    if !named_here(p, a) || !p.has_vpc() {
        return;
    }
    m.arg("dns_zone_id", Expr::module(PRIVATE_ZONE, "zone_id"))
        .arg("dns_name", Expr::s(writer_name(p.inventory(), db)));
}

/// `<label>.<inventory>.internal`.
pub fn writer_name(inventory: &str, db: &Database) -> String {
    format!("{}.{}", db.dns_name, private_zone_name(inventory))
}

/// Root output `<id>_dns_name`: the name applications connect to.
pub(crate) fn output_writer_name(p: &mut Planner<'_>, a: &ValidAsset, m: &crate::plan::Called) {
    if !named_here(p, a) || !p.has_vpc() {
        return;
    }
    let what = if a.kind == Kind::Aurora { "cluster" } else { "database" };
    let region = p.region();
    p.output(
        format!("{}_dns_name", a.ident()),
        format!(
            "Stable name of the writer of {what} {} in this region's private zone (CNAME, TTL {} s, to its endpoint in {region}): the host applications connect to, unchanged by a failover.",
            a.name,
            fixed::DNS_TTL
        ),
        m.out_or_null("dns_name"),
    );
}

/// The common database checks; one instance (the standby is not counted).
pub fn check(c: &mut Check<'_>, a: &Asset) -> Options {
    let db = check_database(c, a);
    if a.dr == DrStrategy::Backup {
        check_backup_replication_regions(c, a);
    }
    if a.qty() != 1 {
        c.error(
            "qty",
            "an RDS instance asset has qty 1; the Multi-AZ standby is not counted",
            "use multi_az for the standby, or `kind: aurora` with qty instances",
        );
    }
    Options {
        db,
        storage_gb: a.storage_gb.unwrap_or(DEFAULT_STORAGE_GB),
        multi_az: a.multi_az.unwrap_or(true),
    }
}

/// `dr: backup` replicates the instance's automated backups from the
/// primary region to DR (`aws_db_instance_automated_backups_replication`
/// in the DR root), which RDS does only between some pairs of regions:
/// for another pair StartDBInstanceAutomatedBackupsReplication fails at apply.
fn check_backup_replication_regions(c: &mut Check<'_>, a: &Asset) {
    let regions = &c.inventory().regions;
    let (primary, dr) = (regions.primary.as_str(), regions.dr.as_str());
    let destinations = crate::catalog::automated_backup_destinations(primary);
    if destinations.contains(&dr) {
        return;
    }
    let help = if destinations.is_empty() {
        format!("RDS replicates automated backups out of {primary} to no region: use `dr: replica` (a cross-region read replica)")
    } else {
        format!(
            "from {primary} RDS replicates them to {} (RDS User Guide, \"Replicating automated backups to another AWS Region\"): pick one of those as the DR region, or use `dr: replica` (a cross-region read replica)",
            destinations.join(", ")
        )
    };
    // AWS adds pairs over time: say how to check today's list.
    let help = format!("{help}; `aws rds describe-source-regions --region {dr}` lists the regions {dr} takes backups from today (if it lists {primary}, acmegen's table is behind: please report it)");
    c.error(
        "dr",
        format!(
            "rds `{}`: `dr: backup` replicates its automated backups from {primary} to {dr}, a pair of regions RDS does not replicate between",
            a.name
        ),
        help,
    );
}

/// Parameter group family and the logs exported to CloudWatch.
pub(crate) fn family(db: &Database, aurora: bool) -> (String, Vec<&'static str>) {
    let major = match db.engine {
        Engine::Postgres => db.engine_version.split('.').next().unwrap_or_default().to_string(),
        Engine::Mysql => db.engine_version.split('.').take(2).collect::<Vec<_>>().join("."),
    };
    let family = format!("{}{major}", db.engine.rds_name(aurora));
    let logs = match db.engine {
        Engine::Postgres => vec!["postgresql"],
        Engine::Mysql if aurora => vec!["audit", "error", "slowquery"],
        Engine::Mysql => vec!["error", "slowquery"],
    };
    (family, logs)
}

/// Performance Insights is not offered on the smallest RDS classes, nor
/// (as Database Insights) on burstable Aurora classes.
pub(crate) fn performance_insights(size: &str, aurora: bool) -> bool {
    let small = size.ends_with(".micro") || size.ends_with(".small");
    !(size.starts_with("db.t") && (aurora || small))
}

/// Whether instances of `kind` join the root's shared database-clients
/// security group instead of being admitted one by one.
pub(crate) fn joins_clients_group(kind: Kind) -> bool {
    kind.spec().db_clients == DbClients::SharedGroup
}

/// Whether this root creates the shared database-clients security group:
/// it runs a database and instances that use it. One group however many
/// instance assets: a database security group admits at most 60 inbound
/// rules by default (Amazon VPC quotas, "Inbound or outbound rules per
/// security group"), and the inventory does not say which servers use which
/// database.
pub(crate) fn has_clients_group(p: &Planner<'_>) -> bool {
    p.kinds().any(|k| k.spec().category == super::Category::Database) && p.kinds().any(joins_clients_group)
}

/// The security groups a database admits in this root: the shared group of
/// the application servers and bastions, and each cluster's nodes. Written
/// into each database's call, not as a shared local (see
/// [`crate::plan::SharedLocal`]): checkov 3.3 stops evaluating a module
/// called with `count` (the DR replicas) whose argument names a local built
/// from module outputs, and the list stays short in any inventory that
/// deploys (one rule per source: past about 58 clusters in a region, a
/// database's group exceeds the 60 inbound rules EC2 allows by default).
pub(crate) fn client_groups(p: &Planner<'_>) -> Expr {
    let mut groups = Vec::new();
    if has_clients_group(p) {
        groups.push(p.vpc("database_clients_security_group_id"));
    }
    groups.extend(
        p.of_kinds(|k| k.spec().db_clients.own_group().is_some())
            .into_iter()
            .filter_map(|a| Some(Expr::module(a.ident(), a.kind.spec().db_clients.own_group()?))),
    );
    Expr::List(groups)
}

/// Peer-region ranges a database admits: only where the VPCs peer and the
/// other region runs clients of `db` but keeps no copy of it.
pub(crate) fn peer_ranges(p: &Planner<'_>, db: &ValidAsset) -> Expr {
    if p.has_peering() && p.primary() && admits_dr_clients(p, db) {
        Expr::strs([p.peer_layout.cidr.to_string()])
    } else {
        Expr::List(vec![])
    }
}

/// Whether the primary copy of `db` admits the DR VPC's range (given
/// peering): the DR region runs clients of it but keeps no copy of it. The
/// DR root reads this too, for its network ACL rules towards the primary.
pub(crate) fn admits_dr_clients(p: &Planner<'_>, db: &ValidAsset) -> bool {
    p.kinds_in_dr().any(is_peer_client) && !keeps_copy_in_dr(db.in_dr(), db.dr)
}

/// Whether instances of `kind` in the DR region are clients of a primary
/// database through the peering (the servers, bastions and clusters).
pub(crate) fn is_peer_client(kind: Kind) -> bool {
    matches!(kind, Kind::Vm | Kind::Bastion | Kind::Eks)
}

/// Whether a database (`in_dr`, strategy `dr`) keeps a copy in the DR
/// region that the DR clients use instead: a replica, not backups.
pub(crate) fn keeps_copy_in_dr(in_dr: bool, dr: DrStrategy) -> bool {
    in_dr && dr != DrStrategy::Backup
}

/// The DR key the master secret of `db` is replicated under (primary root,
/// databases with a copy in DR), published by the DR root.
pub(crate) fn secret_replica_key(p: &mut Planner<'_>, db: &ValidAsset) -> Option<Expr> {
    (p.primary() && db.in_dr()).then(|| p.fact_or_null("kms_key_arn"))
}

/// `var.<id>_password_version` of a database that owns its master password
/// (primary root): bumping it writes one new password to the database and
/// its secret in a single apply. The DR copies (read replica, Aurora
/// secondary, replicated backups) have no password of their own.
pub(crate) fn password_version(p: &mut Planner<'_>, a: &ValidAsset) -> Option<Expr> {
    p.primary().then(|| {
        p.var(
            &format!("{}_password_version", a.ident()),
            &format!(
                "Version of the master password of {}: bump it to write a new password to the database and its secret in one apply.",
                a.name
            ),
            "number",
            Expr::Num(1),
            VarRole::Setting,
        )
    })
}

/// The instance (primary), its read replica or its replicated backups (DR).
pub fn plan(p: &mut Planner<'_>, a: &ValidAsset, o: &Options) {
    let id = a.ident();
    if !p.primary() {
        // The primary replicates the master secret under the DR key.
        let key = p.kms();
        p.publish_once("kms_key_arn", key);
    }
    let source_fact = format!("{id}_arn");
    if !p.primary() && a.dr == DrStrategy::Backup {
        plan_backups(p, a, o, &source_fact);
        return;
    }
    let (family, logs) = family(&o.db, false);
    let class = p.var(
        &format!("{id}_instance_class"),
        &format!("DB instance class of {}.", a.name),
        "string",
        Expr::s(&o.db.size),
        VarRole::Setting,
    );
    let replica = !p.primary();
    let mut m = p.call(&id, "rds", a);
    if replica {
        m.count = Some(p.once_published(&source_fact));
    }
    m.arg("identifier", Expr::s(p.name(a)))
        .arg("engine", Expr::s(o.db.engine.rds_name(false)))
        .arg("engine_version", Expr::s(&o.db.engine_version))
        .arg("instance_class", class);
    if replica {
        let source = p.fact(&source_fact);
        m.arg("replicate_source_db", source);
    }
    // A replica inherits its storage; the size still sets its autoscaling ceiling.
    m.arg("allocated_storage", Expr::Num(i64::from(o.storage_gb)));
    if !replica {
        m.arg("db_name", Expr::opt_str(o.db.db_name.as_deref()));
    }
    if let Some(version) = password_version(p, a) {
        m.arg("password_version", version);
    }
    m.arg("port", Expr::Num(i64::from(o.db.engine.port())))
        .arg("parameter_group_family", Expr::s(family))
        .arg("log_exports", Expr::strs(logs))
        .arg("multi_az", Expr::Bool(o.multi_az))
        .arg("vpc_id", p.vpc("vpc_id"))
        .arg("subnet_ids", p.vpc("private_subnet_ids"))
        .arg("allowed_security_group_ids", client_groups(p))
        .arg("allowed_cidr_blocks", peer_ranges(p, a))
        .arg("kms_key_arn", p.kms())
        .arg("backup_retention_days", Expr::Num(i64::from(o.db.retention_days)))
        .arg(
            "performance_insights",
            Expr::Bool(performance_insights(&o.db.size, false)),
        );
    if let Some(key) = secret_replica_key(p, a) {
        m.arg("secret_replica_kms_key_arn", key);
    }
    name_writer(p, a, &o.db, &mut m);
    let tags = p.tags(Some(a));
    let m = p.push(m, Some(tags));
    output_writer_name(p, a, &m);
    p.output(
        format!("{id}_endpoint"),
        format!("Endpoint of database {}.", a.name),
        m.out_or_null("endpoint"),
    );
    p.output(
        format!("{id}_arn"),
        format!("ARN of database {}.", a.name),
        m.out_or_null("arn"),
    );
    if !replica {
        p.output(
            format!("{id}_security_group_id"),
            format!("Security group of database {} (a failback restore joins it).", a.name),
            m.out("security_group_id"),
        );
        p.output(
            format!("{id}_master_secret_arn"),
            format!("Secret with the master credentials of {}.", a.name),
            m.out("master_secret_arn"),
        );
        p.output(
            format!("{id}_parameter_group_name"),
            format!("Parameter group of database {} (a failback restore joins it).", a.name),
            m.out("parameter_group_name"),
        );
    }
    if p.primary() && matches!(a.dr, DrStrategy::Replica | DrStrategy::Backup) {
        p.publish(&source_fact, m.out("arn"), None);
    }
    if p.primary() && a.dr == DrStrategy::Backup {
        publish_resource_id(p, a, &m);
    }
}

/// The source instance's resource ID (DbiResourceId), published next to its
/// ARN for the DR root's backup replication. Replicated automated backups
/// belong to the instance with that ID (RDS API DescribeDBInstanceAutomated
/// Backups: `DbiResourceId`, "the resource ID of the DB instance that is the
/// source of the automated backup"); a failback that restores a new instance
/// under the same identifier keeps the ARN and changes the ID, and the DR
/// replication is replaced to follow it (aws-review.md finding 2).
fn publish_resource_id(p: &mut Planner<'_>, a: &ValidAsset, m: &crate::plan::Called) {
    let id = a.ident();
    p.output(
        format!("{id}_resource_id"),
        format!(
            "Resource ID (DbiResourceId) of database {}: the DR region replicates the backups of this instance.",
            a.name
        ),
        m.out("resource_id"),
    );
    p.publish(&format!("{id}_resource_id"), m.out("resource_id"), None);
}

/// DR of a `backup` database: its automated backups replicated here, and
/// where a restore lands (subnet group, security group).
fn plan_backups(p: &mut Planner<'_>, a: &ValidAsset, o: &Options, source_fact: &str) {
    let id = a.ident();
    let count = p.once_published(source_fact);
    let source = p.fact(source_fact);
    let mut m = p.call(&id, "rds_backup_replication", a);
    m.count = Some(count);
    let resource_id = p.fact_or_null(&format!("{id}_resource_id"));
    m.arg("source_db_instance_arn", source)
        .arg("source_db_resource_id", resource_id)
        .arg("kms_key_arn", p.kms())
        .arg("retention_days", Expr::Num(i64::from(o.db.retention_days)));
    let network = p.has_vpc();
    let tags = if network {
        m.arg("restore_subnet_group_name", Expr::s(p.name(a)))
            .arg("subnet_ids", p.vpc("private_subnet_ids"))
            .arg("vpc_id", p.vpc("vpc_id"))
            .arg("port", Expr::Num(i64::from(o.db.engine.port())))
            .arg("allowed_security_group_ids", client_groups(p));
        // The restore exports its logs, as the primary does, into log groups
        // made here with the region's key (helper-67).
        let (family, logs) = family(&o.db, false);
        m.arg("restore_identifier", Expr::s(p.name(a)))
            .arg("log_exports", Expr::strs(logs));
        // ... and joins a parameter group made here with the engine's
        // baseline (TLS required), as the primary's (helper-67).
        m.arg("engine", Expr::s(o.db.engine.rds_name(false)))
            .arg("parameter_group_family", Expr::s(family));
        Some(p.tags(Some(a)))
    } else {
        None
    };
    let m = p.push(m, tags);
    p.output(
        format!("{id}_backup_replication_arn"),
        format!("Replicated automated backups of {} in this region.", a.name),
        m.out_or_null("id"),
    );
    if network {
        p.output(
            format!("{id}_restore_security_group_id"),
            format!("Security group a restore of {} in this region uses.", a.name),
            m.out_or_null("restore_security_group_id"),
        );
        p.output(
            format!("{id}_restore_parameter_group_name"),
            format!("Parameter group a restore of {} in this region joins (the engine's baseline).", a.name),
            m.out_or_null("restore_parameter_group_name"),
        );
    }
}

/// Recovery objectives: promote the replica, or restore the replicated
/// backups.
pub fn objective(_: &crate::objectives::Context<'_>, a: &Asset) -> crate::objectives::Estimate {
    match a.dr {
        DrStrategy::None => crate::objectives::Estimate::not_in_dr(),
        DrStrategy::Replica => crate::objectives::Estimate::new(
            "≈ 10 min: promote the read replica; clients keep its stable name in the DR VPC (the promotion keeps its address)",
            format!("≤ {} min (typically seconds)", crate::objectives::REPLICA_LAG_ALARM_SECONDS / 60),
            format!(
                "asynchronous cross-region replica; the ReplicaLag alarm fires once it stays above {}s for {} minutes",
                crate::objectives::REPLICA_LAG_ALARM_SECONDS,
                crate::objectives::LAG_ALARM_MINUTES
            ),
            crate::objectives::RDS_API,
        ),
        DrStrategy::Backup => crate::objectives::Estimate::new(
            format!(
                "≈ 1 h+: point-in-time restore of {} GiB from the replicated backups",
                a.storage_gb.unwrap_or(DEFAULT_STORAGE_GB)
            ),
            "the replicated backups' latest restorable time (transaction logs are copied every few minutes)",
            format!(
                "automated backups replicated to DR, kept {} days",
                a.retention_days.unwrap_or(DEFAULT_RETENTION_DAYS)
            ),
            format!(
                "{}; naming the restored instance in the DR private zone needs the Route 53 API (us-east-1)",
                crate::objectives::RDS_API
            ),
        ),
        // Not allowed by SPEC.dr: validation rejects them.
        DrStrategy::Active | DrStrategy::PilotLight => crate::objectives::Estimate::own_copy(),
    }
}

#[cfg(test)]
mod tests {
    use super::{DEFAULT_RETENTION_DAYS, DEFAULT_STORAGE_GB};
    use crate::kinds::testing::{arg, errors_text, module, objective, planned};

    const RDS: &str = "  - {kind: rds, name: db, size: db.m6i.large, engine: postgres, engine_version: \"16\", dr: DR}\n";

    /// A class its family lacks is refused like an EC2 size: the family's
    /// nearest size as the suggestion, and the catalogue per family.
    #[test]
    fn a_class_size_its_family_lacks_is_refused_with_the_nearest_one() {
        for engine in ["postgres\", engine_version: \"16", "mysql\", engine_version: \"8.4"] {
            let with = |class: &str| {
                crate::kinds::testing::errors(
                    &RDS.replace("db.m6i.large", class)
                        .replace("postgres\", engine_version: \"16", engine)
                        .replace("DR", "replica"),
                )
            };
            for (class, nearest) in [
                ("db.t3.4xlarge", "db.t3.2xlarge"),
                ("db.t3.8xlarge", "db.t3.2xlarge"),
                ("db.t4g.nano", "db.t4g.micro"),
                ("db.m5.32xlarge", "db.m5.24xlarge"),
                ("db.r6g.24xlarge", "db.r6g.16xlarge"),
                ("db.m7g.medium", "db.m7g.large"),
            ] {
                let e = with(class);
                assert_eq!(e.len(), 1, "{e:?}");
                assert!(e[0].contains(&format!("`{class}` is not an RDS instance class in the catalogue")), "{e:?}");
                assert!(e[0].contains(&format!("use a current class such as `{nearest}`;")), "{e:?}");
                assert!(
                    e[0].contains("families t3, t4g in sizes micro, small, medium, large, xlarge, 2xlarge;"),
                    "{e:?}"
                );
            }
            for class in ["db.t3.2xlarge", "db.t4g.micro", "db.m5.24xlarge", "db.r6g.16xlarge", "db.m6i.32xlarge"] {
                assert_eq!(with(class), Vec::<String>::new(), "{class} ({engine})");
            }
        }
    }

    #[test]
    fn rds_replica_becomes_a_cross_region_read_replica_gated_on_the_primary() {
        let p = planned(&RDS.replace("DR", "replica"));
        let primary = module(&p.primary, "db").unwrap();
        assert!(primary.count.is_none());
        assert!(primary.argument("replicate_source_db").is_none());
        let replica = module(&p.dr, "db").unwrap();
        assert_eq!(replica.source, "rds");
        assert_eq!(
            replica.count.as_ref().unwrap().render(),
            "contains(module.facts.names, \"primary/db_arn\") ? 1 : 0",
            "the replica waits for the primary's published ARN"
        );
        assert_eq!(arg(replica, "replicate_source_db"), "module.facts.values[\"primary/db_arn\"]");
        assert_eq!(p.primary.facts_published, vec!["db_arn".to_string()]);
        assert!(p.dr.variables.iter().all(|v| v.name != "primary_deployed"));
    }

    #[test]
    fn databases_admit_one_clients_group_however_many_servers() {
        let mut inv = String::from("  - {kind: rds, name: db, size: db.m6i.large, engine: postgres, engine_version: \"17\", dr: replica}\n  - {kind: eks, name: k8s, size: m6i.large, qty: 2, version: \"1.35\", dr: active}\n");
        for i in 0..70 {
            inv.push_str(&format!("  - {{kind: vm, name: app-{i}, size: t3.micro, dr: active}}\n"));
        }
        // 70 servers: over the 32 On-Demand vCPUs a new account may run.
        let text = format!(
            "name: t\nowner: me\nregions: {{primary: us-east-2, dr: us-west-1}}\nquotas: {{us-east-2: {{on_demand_standard_vcpus: 200}}, us-west-1: {{on_demand_standard_vcpus: 200}}}}\nassets:\n{inv}"
        );
        let p = crate::kinds::testing::planned_text(&text);
        for root in [&p.primary, &p.dr] {
            let db = module(root, "db").unwrap();
            assert_eq!(
                arg(db, "allowed_security_group_ids"),
                "[module.vpc.database_clients_security_group_id, module.k8s.cluster_security_group_id]"
            );
            assert_eq!(arg(module(root, "vpc").unwrap(), "database_clients_group"), "true");
            assert_eq!(
                arg(module(root, "app_69").unwrap(), "additional_security_group_ids"),
                "[module.vpc.database_clients_security_group_id]"
            );
        }
        let p = planned("  - {kind: vm, name: app, size: t3.micro, dr: active}\n");
        assert!(module(&p.primary, "app").unwrap().argument("additional_security_group_ids").is_none());
    }

    /// `dr: backup` between regions RDS replicates no automated backups
    /// between (London to Sydney) rendered and failed at `terraform apply`
    /// (StartDBInstanceAutomatedBackupsReplication).
    #[test]
    fn backups_are_replicated_only_between_regions_rds_supports() {
        let inventory = |primary: &str, dr: &str, strategy: &str| {
            format!(
                "name: t\nowner: me\nregions: {{primary: {primary}, dr: {dr}}}\nassets:\n  - {{kind: rds, name: db, size: db.m6i.large, engine: postgres, engine_version: \"16\", dr: {strategy}}}\n"
            )
        };
        let e = errors_text(&inventory("eu-west-2", "ap-southeast-2", "backup"));
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(e[0].contains("t.yaml:5"), "{e:?}");
        assert!(
            e[0].contains("rds `db`: `dr: backup` replicates its automated backups from eu-west-2 to ap-southeast-2, a pair of regions RDS does not replicate between"),
            "{e:?}"
        );
        assert!(
            e[0].contains("= help: from eu-west-2 RDS replicates them to af-south-1, eu-central-1, eu-west-1, eu-west-3, eu-north-1, us-east-1"),
            "{e:?}"
        );
        // A source region the table does not list replicates to none.
        let e = errors_text(&inventory("me-south-1", "eu-central-1", "backup"));
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(e[0].contains("RDS replicates automated backups out of me-south-1 to no region: use `dr: replica`"), "{e:?}");
        // Only backup replication depends on the pair; the direction matters.
        assert!(errors_text(&inventory("eu-west-2", "ap-southeast-2", "replica")).is_empty());
        assert!(errors_text(&inventory("eu-west-2", "eu-west-1", "backup")).is_empty());
        assert!(!errors_text(&inventory("eu-south-1", "eu-west-1", "backup")).is_empty());
        assert!(errors_text(&inventory("eu-west-1", "eu-south-1", "backup")).len() == 1);
    }

    #[test]
    fn rds_backup_replicates_automated_backups_and_prepares_a_restore() {
        let p = planned("  - {kind: rds, name: db, size: db.m6i.large, engine: mysql, engine_version: \"8.4\", dr: backup}\n");
        assert_eq!(arg(module(&p.primary, "db").unwrap(), "parameter_group_family"), "\"mysql8.4\"");
        let dr = module(&p.dr, "db").unwrap();
        assert_eq!(dr.source, "rds_backup_replication");
        // A restore needs somewhere to land: the DR VPC's subnets and a security group.
        assert!(module(&p.dr, "vpc").is_some(), "a restore in DR needs the DR network");
        assert_eq!(arg(dr, "restore_subnet_group_name"), "\"t-db-usw1\"");
        assert_eq!(arg(dr, "vpc_id"), "module.vpc.vpc_id");
        // Its log groups exist before it, with the region's key (helper-67).
        assert_eq!(arg(dr, "restore_identifier"), "\"t-db-usw1\"");
        assert_eq!(arg(dr, "log_exports"), "[\"error\", \"slowquery\"]");
        // ... and its parameter group, with the engine's baseline (helper-67).
        assert_eq!(arg(dr, "engine"), "\"mysql\"");
        assert_eq!(arg(dr, "parameter_group_family"), "\"mysql8.4\"");
        // The replication follows the source instance's resource ID, not only its name.
        assert_eq!(
            p.primary.facts_published,
            vec!["db_arn".to_string(), "db_resource_id".to_string()]
        );
        assert_eq!(
            arg(dr, "source_db_resource_id"),
            "lookup(module.facts.values, \"primary/db_resource_id\", null)"
        );
    }

    #[test]
    fn the_primary_exposes_the_password_version_and_what_a_failback_restore_joins() {
        let p = planned(&RDS.replace("DR", "replica"));
        let primary = module(&p.primary, "db").unwrap();
        assert_eq!(arg(primary, "password_version"), "var.db_password_version");
        let var = p.primary.variable("db_password_version").unwrap();
        assert_eq!(var.role, crate::plan::VarRole::Setting);
        assert_eq!(var.default.as_ref().unwrap().render(), "1");
        // A read replica has no password of its own.
        assert!(module(&p.dr, "db").unwrap().argument("password_version").is_none());
        assert!(p.dr.variable("db_password_version").is_none());
        for out in ["db_security_group_id", "db_parameter_group_name", "db_master_secret_arn"] {
            assert!(p.primary.outputs.iter().any(|o| o.name == out), "{out}");
        }
    }

    /// The settings the runbook passes to CLI-created databases are the
    /// ones the modules set.
    #[test]
    fn fixed_settings_match_the_module_templates() {
        use super::fixed::*;
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/modules");
        let rds = std::fs::read_to_string(root.join("rds/main.tf")).unwrap();
        for line in [
            format!("storage_type          = \"{STORAGE_TYPE}\""),
            format!("ca_cert_identifier        = \"{CA_CERTIFICATE}\""),
            format!("backup_window           = \"{BACKUP_WINDOW}\""),
            format!("maintenance_window      = \"{MAINTENANCE_WINDOW}\""),
            format!("monitoring_interval                   = {MONITORING_INTERVAL}"),
            format!("performance_insights_retention_period = var.performance_insights ? {INSIGHTS_RETENTION_DAYS} : null"),
            format!("max_allocated_storage = var.allocated_storage * {STORAGE_CEILING_FACTOR}"),
            "name                       = var.identifier".to_string(),
        ] {
            assert!(rds.contains(&line), "rds module lacks `{line}`");
        }
        // The monitoring role is db_common's, named after the caller's identifier.
        let common = std::fs::read_to_string(root.join("db_common/main.tf")).unwrap();
        assert!(common.contains("name               = \"${var.name}-monitoring\""), "{common}");
        let aurora = std::fs::read_to_string(root.join("aurora/main.tf")).unwrap();
        for line in [
            format!("preferred_backup_window             = \"{BACKUP_WINDOW}\""),
            format!("preferred_maintenance_window        = \"{MAINTENANCE_WINDOW}\""),
            format!("monitoring_interval                   = {MONITORING_INTERVAL}"),
            format!("performance_insights_retention_period = var.performance_insights ? {INSIGHTS_RETENTION_DAYS} : null"),
            "name                       = var.cluster_identifier".to_string(),
        ] {
            assert!(aurora.contains(&line), "aurora module lacks `{line}`");
        }
        assert_eq!(monitoring_role("t-db-use2"), "t-db-use2-monitoring");
        for m in ["rds", "aurora"] {
            let vars = std::fs::read_to_string(root.join(m).join("variables.tf")).unwrap();
            let ttl = &vars[vars.find("variable \"dns_ttl\"").unwrap()..];
            let block = &ttl[..ttl.find("\n}").unwrap()];
            assert!(block.contains(&format!("default     = {DNS_TTL}")), "{m}: {block}");
            // ... and hands it to db_common, which has no default of its own.
            let main = std::fs::read_to_string(root.join(m).join("main.tf")).unwrap();
            assert!(main.contains("dns_ttl                    = var.dns_ttl"), "{m}");
        }
    }

    #[test]
    fn a_replica_gets_the_source_storage_size_for_its_autoscaling_ceiling() {
        let p = planned("  - {kind: rds, name: db, size: db.m6i.large, engine: postgres, engine_version: \"16\", storage_gb: 100, dr: replica}\n");
        assert_eq!(arg(module(&p.dr, "db").unwrap(), "allocated_storage"), "100");
        assert!(module(&p.dr, "db").unwrap().argument("db_name").is_none());
    }

    #[test]
    fn each_region_names_its_own_writer_in_a_private_zone_of_its_own_vpc() {
        let p = planned(&format!("{}{}", RDS.replace("DR", "replica"), "  - {kind: vm, name: app, size: t3.micro, dr: active}\n"));
        for root in [&p.primary, &p.dr] {
            let zone = module(root, "private_zone").unwrap();
            assert_eq!(arg(zone, "name"), "\"t.internal\"");
            // Associated with this region's VPC only: the DR region never
            // resolves a zone the primary root owns.
            assert_eq!(arg(zone, "vpc_id"), "module.vpc.vpc_id");
            let db = module(root, "db").unwrap();
            assert_eq!(arg(db, "dns_zone_id"), "module.private_zone.zone_id");
            assert_eq!(arg(db, "dns_name"), "\"db.t.internal\"");
            let out = root.outputs.iter().find(|o| o.name == "db_dns_name").unwrap();
            assert!(out.description.contains("unchanged by a failover"), "{}", out.description);
            assert!(root.outputs.iter().any(|o| o.name == "private_zone_id"));
        }
        // The DR record belongs to the replica's module call: it exists
        // exactly when the replica does, and a promotion keeps its address.
        assert_eq!(
            p.dr.outputs.iter().find(|o| o.name == "db_dns_name").unwrap().value.render(),
            "one(module.db[*].dns_name)"
        );
        assert_eq!(
            p.primary.outputs.iter().find(|o| o.name == "db_dns_name").unwrap().value.render(),
            "module.db.dns_name"
        );
    }

    #[test]
    fn a_backup_database_has_a_zone_in_dr_for_the_restore_but_no_record_yet() {
        let p = planned("  - {kind: rds, name: orders-db, size: db.m6i.large, engine: postgres, engine_version: \"16\", dns_name: orders, dr: backup}\n");
        assert_eq!(arg(module(&p.primary, "orders_db").unwrap(), "dns_name"), "\"orders.t.internal\"");
        assert!(module(&p.dr, "private_zone").is_some(), "the failover restores into a named zone");
        assert!(module(&p.dr, "orders_db").unwrap().argument("dns_name").is_none());
        assert!(p.dr.outputs.iter().all(|o| o.name != "orders_db_dns_name"));
        // Without a DR copy the DR root has no database and no zone.
        let p = planned(&RDS.replace("DR", "none"));
        assert!(module(&p.dr, "private_zone").is_none());
        assert!(module(&p.primary, "private_zone").is_some());
    }

    #[test]
    fn dns_names_are_labels_and_unique() {
        use crate::kinds::testing::errors;
        let e = errors(&RDS.replace("DR", "replica").replace("dr: replica", "dns_name: Db.Main, dr: replica"));
        assert!(e.iter().any(|e| e.contains("`Db.Main` is not a DNS label")), "{e:?}");
        let e = errors(&format!(
            "{}  - {{kind: aurora, name: other, size: db.r6g.large, engine: postgres, engine_version: \"16\", dns_name: db, dr: replica}}\n",
            RDS.replace("DR", "replica")
        ));
        assert!(e.iter().any(|e| e.contains("databases `db` and `other` both take the name db.t.internal")), "{e:?}");
        // A name with `_` would be an identifier RDS refuses (below); a
        // `dns_name` of its own is still checked and used.
        let p = planned(&RDS.replace("DR", "replica").replace("dr: replica", "dns_name: main-db, dr: replica"));
        assert_eq!(arg(module(&p.primary, "db").unwrap(), "dns_name"), "\"main-db.t.internal\"");
    }

    /// `<inventory>-<asset>-<region code>` must be an identifier RDS takes:
    /// `_`, a trailing `-` and `--` rendered before and failed at apply.
    #[test]
    fn identifiers_rds_refuses_are_refused() {
        use crate::kinds::testing::errors;
        let (name, why, like) = ("my_db", "contains `_`", "my-db");
        let e = errors(&RDS.replace("DR", "replica").replace("name: db", &format!("name: {name}")));
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(
            e[0].contains(&format!("rds `{name}` would get the DB instance identifier `t-{name}-use2`, which RDS refuses: it {why}")),
            "{e:?}"
        );
        assert!(e[0].contains(&format!("rename the asset, e.g. `{like}`")), "{e:?}");
        // A trailing or doubled hyphen: the asset name is refused, once.
        for name in ["db-", "a--b"] {
            let e = errors(&RDS.replace("DR", "replica").replace("name: db", &format!("name: {name}")));
            assert_eq!(e.len(), 1, "{e:?}");
            assert!(e[0].contains(&format!("asset name `{name}` is not a valid identifier")), "{e:?}");
        }
        // Aurora: the cluster identifier, then the global database's.
        let aurora = "  - {kind: aurora, name: orders_db, size: db.r6g.large, qty: 2, engine: postgres, engine_version: \"16\", dr: replica}\n";
        let e = errors(aurora);
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(e[0].contains("aurora `orders_db` would get the cluster identifier `t-orders_db-use2`"), "{e:?}");
        assert!(planned(&aurora.replace("orders_db", "orders-db")).primary.modules.iter().any(|m| m.label == "orders_db"));
        // Length: the identifier kept aside at failback,
        // `<identifier>-stale-<YYYYMMDD>`, fits 63 characters (so the
        // identifier 48), in the region of the longer code.
        let long = "d".repeat(40);
        let errors_of = |inventory: &str, primary: &str| {
            let text = format!(
                "name: {inventory}\nowner: me\nregions: {{primary: {primary}, dr: us-west-1}}\nassets:\n{}",
                RDS.replace("DR", "replica").replace("name: db", &format!("name: {long}"))
            );
            let loaded = crate::inventory::parse(&text, std::path::Path::new("t.yaml")).unwrap();
            crate::validate::validate(&loaded).err().map(|d| d.to_string())
        };
        let e = errors_of("shop", "ap-southeast-2").expect("refused");
        assert!(
            e.contains(&format!("DB instance identifier (kept aside at failback) `shop-{long}-apse2-stale-00000000` would be 66 characters in ap-southeast-2; AWS accepts 63")),
            "{e}"
        );
        assert!(e.contains("shorten the asset name or the inventory name by 3 characters"), "{e}");
        // 2 + 1 + 40 + 1 + 4 = 48 characters fit exactly; one more does not.
        assert_eq!(errors_of("ab", "us-east-2"), None);
        let e = errors_of("abc", "us-east-2").expect("refused");
        assert!(e.contains("by 1 character") && !e.contains("by 1 characters"), "{e}");
    }

    #[test]
    fn database_names_the_engines_refuse_are_refused() {
        use crate::kinds::testing::errors;
        let e = errors(&RDS.replace("dr: DR", "db_name: my-app, dr: none"));
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(e[0].contains("`my-app` is not a database name PostgreSQL accepts"), "{e:?}");
        assert!(e[0].contains("use 1 to 63 letters, digits and `_`, starting with a letter (e.g. `my_app`)"), "{e:?}");
        let mysql = "  - {kind: rds, name: db, size: db.m6i.large, engine: mysql, engine_version: \"8.4\", db_name: \"1app\", dr: none}\n";
        let e = errors(mysql);
        assert!(e.iter().any(|e| e.contains("`1app` is not a database name MySQL accepts") && e.contains("(e.g. `db_1app`)")), "{e:?}");
        // 64 characters: one too many for PostgreSQL, enough for MySQL.
        let long = format!("a{}", "b".repeat(63));
        assert_eq!(errors(&mysql.replace("\"1app\"", &long)), Vec::<String>::new());
        let e = errors(&RDS.replace("dr: DR", &format!("db_name: {long}, dr: none")));
        assert!(e.iter().any(|e| e.contains("use 1 to 63 letters")), "{e:?}");
        // Aurora shares the check.
        let e = errors("  - {kind: aurora, name: db, size: db.r6g.large, engine: postgres, engine_version: \"16\", db_name: shop-db, dr: none}\n");
        assert!(e.iter().any(|e| e.contains("`shop-db` is not a database name PostgreSQL accepts")), "{e:?}");
        assert!(errors(&RDS.replace("dr: DR", "db_name: Shop_2, dr: none")).is_empty());
    }

    /// A restore quotes the storage and retention the plan renders (the
    /// defaults when the inventory gives none); a replica its lag alarm.
    #[test]
    fn objective_quotes_the_rendered_storage_retention_and_lag_alarm() {
        let o = objective(&RDS.replace("DR", "backup"), "db");
        assert_eq!(
            o.rto,
            format!("≈ 1 h+: point-in-time restore of {DEFAULT_STORAGE_GB} GiB from the replicated backups")
        );
        assert_eq!(o.basis, format!("automated backups replicated to DR, kept {DEFAULT_RETENTION_DAYS} days"));
        let p = planned(&RDS.replace("DR", "backup"));
        let db = module(&p.primary, "db").unwrap();
        assert_eq!(arg(db, "allocated_storage"), DEFAULT_STORAGE_GB.to_string());
        assert_eq!(arg(db, "backup_retention_days"), DEFAULT_RETENTION_DAYS.to_string());
        let given = RDS.replace("dr: DR", "storage_gb: 100, retention_days: 14, dr: backup");
        let o = objective(&given, "db");
        assert!(o.rto.contains("restore of 100 GiB") && o.basis.contains("kept 14 days"), "{o:?}");
        let o = objective(&RDS.replace("DR", "replica"), "db");
        assert_eq!(o.basis, "asynchronous cross-region replica; the ReplicaLag alarm fires once it stays above 300s for 2 minutes");
        assert_eq!(o.needs, crate::objectives::RDS_API);
    }
}
