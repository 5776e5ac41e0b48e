//! `aurora`: an Aurora cluster. DR: the secondary cluster of an Aurora
//! global database (the primary creates the global database and publishes it).

use super::rds::{
    check_database, client_groups, family, name_writer, output_writer_name, password_version, peer_ranges,
    performance_insights, secret_replica_key, Database,
};
use super::{AlarmSpec, MissingData, Quantity, SizeClass, Spec};
use crate::inventory::{Asset, DrStrategy, Engine};
use crate::plan::{names, Expr, Planner, Role, VarRole};
use crate::validate::{Check, ValidAsset};

/// The instances of a DB cluster.
const AURORA_INSTANCES: crate::limits::Bound = crate::limits::Bound {
    min: 1,
    max: 16,
    why: "an Aurora DB cluster has at most 16 instances (1 writer + 15 Aurora Replicas)",
};

/// The aurora kind.
pub const SPEC: Spec = Spec {
    name: "aurora",
    summary: "Aurora cluster; DR: secondary cluster of an Aurora global database",
    dr: &[DrStrategy::Replica, DrStrategy::None],
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
        "db_name",
        "dns_name",
        "retention_days",
    ],
    size: SizeClass::Db,
    bounds: &[("qty", AURORA_INSTANCES), ("retention_days", crate::limits::DB_BACKUP_RETENTION_DAYS)],
    draft: super::Draft {
        size: Some("db.r6g.large"),
        dr: (DrStrategy::Replica, "a promotable cross-region replica"),
        fields: super::DraftFields::Database,
        counted: true,
        two: None,
    },
    category: super::Category::Database,
    aws_names: &[
        super::iam_role(super::NameBase::Own, "-monitoring"),
        super::AwsName {
            // Instances are `<cluster>-1` to `<cluster>-16` (the `qty` bound).
            what: "DB instance identifier",
            base: super::NameBase::Own,
            suffix: "-16",
            max: 63,
        },
    ],
    needs_vpc: true,
    two_azs: true,
    needs_kms: true,
    singleton: false,
    modules: &["aurora", "private_zone"],
    import_keywords: &[" aurora "],
    default_qty: 1,
    quantity: Quantity::DbInstances,
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
            description: "Cluster {name} CPU above 80%",
            namespace: "AWS/RDS",
            metric: "CPUUtilization",
            dimension: "DBClusterIdentifier",
            dimension_output: None,
            statistic: "Average",
            operator: "GreaterThanThreshold",
            threshold: 80,
            missing_data: MissingData::NotBreaching,
        },
        AlarmSpec {
            role: Some(Role::Dr),
            strategy: None,
            suffix: "global-lag",
            description: "Global database {name} replicates more than 60 s behind",
            namespace: "AWS/RDS",
            metric: "AuroraGlobalDBReplicationLag",
            dimension: "DBClusterIdentifier",
            dimension_output: None,
            statistic: "Maximum",
            operator: "GreaterThanThreshold",
            threshold: crate::objectives::GLOBAL_LAG_ALARM_MS as i64,
            missing_data: MissingData::Breaching,
        },
    ],
};

/// Its DB instances in one region.
fn db_instances(a: &Asset, dr: bool) -> u32 {
    if dr {
        a.dr_count()
    } else {
        a.qty()
    }
}

/// A cluster's fields, defaulted.
#[derive(Debug, Clone)]
pub struct Options {
    /// Fields it shares with RDS.
    pub db: Database,
}

/// The common database checks, and a class Aurora runs on (a
/// memory-optimized one for a global database).
pub fn check(c: &mut Check<'_>, a: &Asset) -> Options {
    let global = a.dr == DrStrategy::Replica;
    // A size outside the catalogue has its own error (validate's size check).
    let size = a.size.as_deref().filter(|s| crate::catalog::is_db_class(s));
    if let Some((size, why)) = size.and_then(|s| Some((s, crate::catalog::aurora_class_problem(s, global)?))) {
        c.error(
            "size",
            format!("aurora `{}`: `{size}` is not a class Aurora runs on: {why}", a.name),
            match (global, crate::catalog::aurora_class_problem(size, false).is_none()) {
                (true, true) => "use a memory-optimized class such as `db.r6g.large` (a burstable class runs only outside a global database: `dr: none`)",
                (true, false) => "use a memory-optimized class such as `db.r6g.large`",
                (false, _) => "use a memory-optimized class such as `db.r6g.large`, or `db.t4g.medium` for development and tests",
            },
        );
    }
    if global {
        check_global_regions(c, a);
    }
    Options {
        db: check_database(c, a),
    }
}

/// An Aurora global database (`dr: replica`) needs both regions to run
/// one: where they do not, CreateGlobalCluster or the secondary's
/// CreateDBCluster fails at apply.
fn check_global_regions(c: &mut Check<'_>, a: &Asset) {
    let regions = &c.inventory().regions;
    let missing: Vec<String> = [("primary", &regions.primary), ("DR", &regions.dr)]
        .into_iter()
        .filter(|(_, region)| !crate::catalog::has_aurora_global_database(region))
        .map(|(role, region)| format!("{region} (the {role} region)"))
        .collect();
    if missing.is_empty() {
        return;
    }
    c.error(
        "dr",
        format!(
            "aurora `{}`: `dr: replica` makes an Aurora global database, which AWS does not offer in {}",
            a.name,
            missing.join(" or ")
        ),
        "pick regions with Aurora global databases (Aurora User Guide, \"Supported Regions and DB engines for Aurora global databases\"), or keep the cluster in the primary region only (`dr: none`)",
    );
}

/// The cluster: standalone, the global database's primary, or its
/// secondary in DR (joining once the primary published the global database).
pub fn plan(p: &mut Planner<'_>, a: &ValidAsset, o: &Options) {
    let id = a.ident();
    if !p.primary() {
        let key = p.kms();
        p.publish_once("kms_key_arn", key);
    }
    let (family, logs) = family(&o.db, true);
    let class = p.var(
        &format!("{id}_instance_class"),
        &format!("DB instance class of {}.", a.name),
        "string",
        Expr::s(&o.db.size),
        VarRole::Setting,
    );
    let here = i64::from(p.count_here(a));
    let n = p.var(
        &format!("{id}_instance_count"),
        &format!("Instances of cluster {} in this region.", a.name),
        "number",
        Expr::Num(here),
        VarRole::Capacity,
    );
    let role = match (p.role, a.dr) {
        (Role::Dr, _) => "secondary",
        (Role::Primary, DrStrategy::Replica) => "global-primary",
        (Role::Primary, _) => "standalone",
    };
    let global_fact = format!("{id}_global_cluster_id");
    let version_fact = format!("{id}_engine_version");
    let mut m = p.call(&id, "aurora", a);
    let (global, version) = if p.primary() {
        (
            Expr::s(names::global_cluster(p.inventory(), &a.name)),
            Expr::s(&o.db.engine_version),
        )
    } else {
        m.count = Some(p.once_published(&global_fact));
        // A secondary joins with exactly the version the primary runs (Aurora
        // refuses a global database member on another version); a major
        // version alone would resolve to this region's default minor. Until
        // a primary publishes its running version, the major version stands.
        let running = Expr::call(
            "coalesce",
            vec![p.fact_or_null(&version_fact), Expr::s(&o.db.engine_version)],
        );
        (p.fact(&global_fact), running)
    };
    m.arg("cluster_identifier", Expr::s(p.name(a)))
        .arg("role", Expr::s(role))
        .arg("global_cluster_identifier", global)
        .arg("engine", Expr::s(o.db.engine.rds_name(true)))
        .arg("engine_version", version)
        .arg("instance_class", class)
        .arg("instance_count", n);
    if o.db.engine == Engine::Mysql {
        // Aurora MySQL versions are pinned in full: no automatic minors.
        m.arg("auto_minor_version_upgrade", Expr::Bool(false));
    }
    if p.primary() {
        m.arg("db_name", Expr::opt_str(o.db.db_name.as_deref()));
    }
    if let Some(version) = password_version(p, a) {
        m.arg("password_version", version);
    }
    m.arg("port", Expr::Num(i64::from(o.db.engine.port())))
        .arg("parameter_group_family", Expr::s(family))
        .arg("log_exports", Expr::strs(logs))
        .arg("vpc_id", p.vpc("vpc_id"))
        .arg("subnet_ids", p.vpc("private_subnet_ids"))
        .arg("allowed_security_group_ids", client_groups(p))
        .arg("allowed_cidr_blocks", peer_ranges(p, a))
        .arg("kms_key_arn", p.kms())
        .arg("backup_retention_days", Expr::Num(i64::from(o.db.retention_days)))
        .arg(
            "performance_insights",
            Expr::Bool(performance_insights(&o.db.size, true)),
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
        format!("Writer endpoint of cluster {}.", a.name),
        m.out_or_null("endpoint"),
    );
    p.output(
        format!("{id}_reader_endpoint"),
        format!("Reader endpoint of cluster {}.", a.name),
        m.out_or_null("reader_endpoint"),
    );
    p.output(
        format!("{id}_cluster_arn"),
        format!("ARN of cluster {}.", a.name),
        m.out_or_null("cluster_arn"),
    );
    if p.primary() {
        p.output(
            format!("{id}_security_group_id"),
            format!("Security group of cluster {} (a failback rebuild joins it).", a.name),
            m.out("security_group_id"),
        );
        p.output(
            format!("{id}_parameter_group_name"),
            format!("Cluster parameter group of {} (a failback rebuild joins it).", a.name),
            m.out("parameter_group_name"),
        );
        p.output(
            format!("{id}_master_secret_arn"),
            format!("Secret with the master credentials of {}.", a.name),
            m.out("master_secret_arn"),
        );
    }
    if role == "global-primary" {
        p.publish(&global_fact, m.out("global_cluster_identifier"), None);
        p.publish(&version_fact, m.out("engine_version_actual"), None);
    }
}

/// Recovery objectives: a managed failover of the global database.
pub fn objective(_: &crate::objectives::Context<'_>, a: &Asset) -> crate::objectives::Estimate {
    match a.dr {
        DrStrategy::None => crate::objectives::Estimate::not_in_dr(),
        DrStrategy::Replica => crate::objectives::Estimate::new(
            "≈ 2 min: managed failover of the global database",
            format!("≤ {} s (typically under 1 s)", crate::objectives::GLOBAL_LAG_ALARM_MS / 1000),
            format!(
                "Aurora global database storage replication; the lag alarm fires once it stays above {} s for {} minutes",
                crate::objectives::GLOBAL_LAG_ALARM_MS / 1000,
                crate::objectives::LAG_ALARM_MINUTES
            ),
            crate::objectives::RDS_API,
        ),
        // Not allowed by SPEC.dr: validation rejects them.
        DrStrategy::Active | DrStrategy::PilotLight | DrStrategy::Backup => crate::objectives::Estimate::own_copy(),
    }
}

#[cfg(test)]
mod tests {
    use crate::kinds::testing::{arg, errors, errors_text, module, planned};

    /// Classes Aurora has not (db.m*, small burstable ones) or a global
    /// database refuses (burstable) rendered and failed at apply.
    #[test]
    fn classes_aurora_does_not_run_on_are_refused() {
        let aurora = |size: &str, dr: &str| {
            errors(&format!(
                "  - {{kind: aurora, name: db, size: {size}, qty: 2, engine: postgres, engine_version: \"16\", dr: {dr}}}\n"
            ))
        };
        let e = aurora("db.m6i.large", "replica");
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(
            e[0].contains("aurora `db`: `db.m6i.large` is not a class Aurora runs on: Aurora has no db.m* (general purpose) classes"),
            "{e:?}"
        );
        let e = aurora("db.t3.micro", "none");
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(e[0].contains("Aurora's burstable classes are the medium and large sizes only"), "{e:?}");
        assert!(e[0].contains("or `db.t4g.medium` for development and tests"), "{e:?}");
        let e = aurora("db.t4g.medium", "replica");
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(e[0].contains("an Aurora global database needs memory-optimized (db.r*) classes"), "{e:?}");
        assert!(e[0].contains("runs only outside a global database: `dr: none`"), "{e:?}");
        assert!(aurora("db.t4g.medium", "none").is_empty());
        assert!(aurora("db.r7g.large", "replica").is_empty());
        // An unknown class gets the catalogue's error alone.
        let e = aurora("db.z9.large", "replica");
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(e[0].contains("is not an RDS instance class in the catalogue"), "{e:?}");
    }

    /// `engine_version` of Aurora MySQL is refused, located and explained,
    /// when AWS creates no cluster on it (deprecated or never released).
    #[test]
    fn aurora_mysql_versions_aws_does_not_create_are_refused() {
        let aurora = |v: &str| {
            errors(&format!(
                "  - {{kind: aurora, name: db, size: db.r6g.large, qty: 2, engine: mysql, engine_version: \"8.0.mysql_aurora.{v}\", dr: replica}}\n"
            ))
        };
        let e = aurora("3.01.0");
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(e[0].contains("t.yaml:6"), "{e:?}");
        assert!(e[0].contains("Aurora MySQL 3.01 is deprecated"), "{e:?}");
        assert!(e[0].contains("= help: use a supported minor version"), "{e:?}");
        let e = aurora("3.99.0");
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(e[0].contains("Aurora MySQL 3.99 does not exist"), "{e:?}");
        assert!(aurora("3.10.3").is_empty());
    }

    /// A global database in a region without Aurora global databases
    /// rendered and failed at `terraform apply` (CreateGlobalCluster).
    #[test]
    fn global_databases_are_refused_in_regions_without_them() {
        let aurora = "  - {kind: aurora, name: db, size: db.r6g.large, qty: 2, engine: postgres, engine_version: \"16\", dr: DR}\n";
        let inventory = |primary: &str, dr: &str, strategy: &str| {
            format!(
                "name: t\nowner: me\nregions: {{primary: {primary}, dr: {dr}}}\nassets:\n{}",
                aurora.replace("DR", strategy)
            )
        };
        let e = errors_text(&inventory("us-east-1", "ap-east-2", "replica"));
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(e[0].contains("t.yaml:5"), "{e:?}");
        assert!(
            e[0].contains("aurora `db`: `dr: replica` makes an Aurora global database, which AWS does not offer in ap-east-2 (the DR region)"),
            "{e:?}"
        );
        assert!(e[0].contains("= help: pick regions with Aurora global databases"), "{e:?}");
        let e = errors_text(&inventory("ap-southeast-7", "ap-east-2", "replica"));
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(e[0].contains("ap-southeast-7 (the primary region) or ap-east-2 (the DR region)"), "{e:?}");
        // A cluster of the primary region alone is no global database.
        assert!(errors_text(&inventory("ap-southeast-7", "ap-southeast-1", "none")).is_empty());
        assert!(errors_text(&inventory("ap-east-1", "ap-southeast-1", "replica")).is_empty());
    }

    #[test]
    fn backup_retention_outside_what_rds_keeps_is_one_error_naming_the_range() {
        for kind in ["aurora", "rds"] {
            let errs = errors(&format!("  - {{kind: {kind}, name: db, size: db.r6g.large, engine: postgres, engine_version: \"16\", retention_days: 36, dr: replica}}\n"));
            let about: Vec<&String> = errs.iter().filter(|e| e.contains("retention_days")).collect();
            assert_eq!(about.len(), 1, "{kind}: {errs:?}");
            assert!(about[0].contains("use 1 to 35: RDS keeps automated backups 1 to 35 days"), "{kind}: {errs:?}");
        }
    }

    #[test]
    fn aurora_replica_is_a_global_database() {
        let p = planned("  - {kind: aurora, name: db, size: db.r6g.large, qty: 2, engine: postgres, engine_version: \"16\", dr: replica}\n");
        assert_eq!(arg(module(&p.primary, "db").unwrap(), "role"), "\"global-primary\"");
        let dr = module(&p.dr, "db").unwrap();
        assert_eq!(arg(dr, "role"), "\"secondary\"");
        assert_eq!(arg(dr, "global_cluster_identifier"), "module.facts.values[\"primary/db_global_cluster_id\"]");
        assert_eq!(
            dr.count.as_ref().unwrap().render(),
            "contains(module.facts.names, \"primary/db_global_cluster_id\") ? 1 : 0"
        );
        assert_eq!(arg(module(&p.primary, "db").unwrap(), "global_cluster_identifier"), "\"t-db\"");
        assert_eq!(arg(dr, "parameter_group_family"), "\"aurora-postgresql16\"");
        // The secondary joins with the version the primary runs, published
        // through the fact store; the major version only until then.
        assert_eq!(
            arg(dr, "engine_version"),
            "coalesce(lookup(module.facts.values, \"primary/db_engine_version\", null), \"16\")"
        );
        assert!(p.primary.facts_published.contains(&"db_engine_version".to_string()));
        assert_eq!(
            arg(module(&p.primary, "db").unwrap(), "password_version"),
            "var.db_password_version"
        );
        assert!(module(&p.dr, "db").unwrap().argument("password_version").is_none());
    }

    #[test]
    fn both_clusters_name_their_writer_endpoint_in_their_region() {
        let p = planned("  - {kind: aurora, name: db, size: db.r6g.large, qty: 2, engine: postgres, engine_version: \"16\", dr: replica}\n");
        for root in [&p.primary, &p.dr] {
            let db = module(root, "db").unwrap();
            assert_eq!(arg(db, "dns_zone_id"), "module.private_zone.zone_id");
            assert_eq!(arg(db, "dns_name"), "\"db.t.internal\"");
        }
        // The module's record (db_common's) is a CNAME to the cluster
        // (writer) endpoint, which a secondary keeps when the global
        // database fails over to it.
        let modules = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/modules");
        let main = std::fs::read_to_string(modules.join("aurora/main.tf")).unwrap();
        assert!(main.contains("dns_target                 = aws_rds_cluster.this.endpoint"));
        let common = std::fs::read_to_string(modules.join("db_common/main.tf")).unwrap();
        assert!(common.contains("records = [var.dns_target]"));
    }
}
