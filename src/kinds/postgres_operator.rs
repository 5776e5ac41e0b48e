//! `postgres_operator`: PostgreSQL on an EKS cluster, run by Zalando's
//! postgres-operator (seed 004): one master and `qty - 1` streaming
//! replicas on gp3 volumes encrypted with the region's key, WAL and base
//! backups (WAL-G, SSE-KMS) in the inventory's `backup_bucket` through an
//! IRSA role scoped to the cluster's prefix. DR `replica`: the bucket is
//! replicated, and the DR cluster is a standby that restores from and
//! follows the primary's archive in the DR copy of the bucket; failover
//! promotes it (`<name>_standby = false`).

use super::{Quantity, SizeClass, Spec};
use crate::inventory::{Asset, DrStrategy, Kind};
use crate::plan::{Expr, Planner, VarRole};
use crate::validate::{Check, ValidAsset};

/// PostgreSQL major version when the inventory names none.
pub const DEFAULT_VERSION: &str = "17";
/// Suffix of the owner role of the database the operator creates.
const OWNER_SUFFIX: &str = "_owner";
/// Data volume per instance (GiB) when the inventory names none.
pub const DEFAULT_STORAGE_GB: u32 = 20;

/// The postgres_operator kind.
pub const SPEC: Spec = Spec {
    name: "postgres_operator",
    summary: "PostgreSQL on an EKS cluster by Zalando's postgres-operator: `qty` instances (master + replicas), WAL-G backups to `backup_bucket`; DR replica: a standby cluster following the replicated archive",
    dr: &[DrStrategy::Replica, DrStrategy::None],
    dr_hints: &[
        (
            DrStrategy::Active,
            "two independent masters would diverge; use `replica` (a standby in DR following the primary's WAL archive)",
        ),
        (
            DrStrategy::PilotLight,
            "the DR copy of a database is a standby; use `replica`",
        ),
        (
            DrStrategy::Backup,
            "use `replica`: the standby restores from the replicated backups and keeps following them",
        ),
    ],
    targets: &[Kind::Eks],
    fields: &["target", "backup_bucket", "engine_version", "storage_gb", "db_name", "chart_version"],
    size: SizeClass::None,
    bounds: &[("qty", crate::limits::QTY), ("storage_gb", crate::limits::DB_STORAGE_GB)],
    draft: super::Draft {
        dr: (DrStrategy::Replica, "a standby cluster in DR following the replicated WAL archive"),
        ..super::Draft::PLAIN
    },
    category: super::Category::Other,
    aws_names: &[super::iam_role(super::NameBase::OnCluster, "-postgres")],
    needs_vpc: false,
    two_azs: false,
    needs_kms: true,
    singleton: false,
    modules: &["postgres_operator"],
    import_keywords: &[" postgres operator", " zalando"],
    default_qty: 2,
    quantity: Quantity::DbInstances,
    db_clients: super::DbClients::No,
    node_port: super::NodePort::Nothing,
    service_linked_roles: &[],
    quota: super::QuotaUse::None,
    alarms: &[],
};

/// The database cluster's fields, defaulted.
#[derive(Debug, Clone)]
pub struct Options {
    /// The s3 asset of its backups.
    pub backup_bucket: String,
    /// PostgreSQL major version.
    pub version: String,
    /// Data volume per instance in GiB.
    pub storage_gb: u32,
    /// Database (and owner role `<db_name>_owner`) the operator creates.
    pub db_name: Option<String>,
    /// Operator chart version (the module's catalogue default when unset).
    pub chart_version: Option<String>,
}

/// The PostgreSQL major versions the module runs (its `postgres_version`
/// validation, checked by a test).
pub const VERSIONS: &[&str] = &["14", "15", "16", "17", "18"];

/// The name of the `postgresql` cluster of asset `name`.
fn cluster_name(name: &str) -> String {
    name.replace('_', "-")
}

/// The prefix of `backup_bucket` under which the cluster of asset `name`
/// archives, one region per sub-prefix (the module's `scope`).
pub fn archive_prefix(name: &str) -> String {
    format!("spilo/{}/", cluster_name(name))
}

/// Whether the module takes `name` as the cluster's (its `name`
/// validation, `^[a-z][a-z0-9-]{0,38}[a-z0-9]$`, checked by a test).
fn is_cluster_name(name: &str) -> bool {
    (2..=40).contains(&name.len())
        && name.starts_with(|ch: char| ch.is_ascii_lowercase())
        && name.ends_with(|ch: char| ch.is_ascii_lowercase() || ch.is_ascii_digit())
        && name.chars().all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-')
}

/// The bucket is an s3 asset of the inventory, replicated to DR when the
/// cluster has a standby there; the version and the cluster's name are ones
/// the module takes.
pub fn check(c: &mut Check<'_>, a: &Asset) -> Options {
    let bucket = a.backup_bucket.clone().unwrap_or_default();
    match (a.backup_bucket.as_deref(), a.backup_bucket.as_deref().and_then(|b| c.named(b))) {
        (None, _) => c.error_here(
            format!("postgres_operator `{}` has no backup_bucket", a.name),
            "add `backup_bucket: <s3 asset>`: WAL and base backups go there (and, replicated, feed the DR standby)",
        ),
        (Some(b), Some((_, s3))) if s3.kind == Kind::S3 => {
            if a.in_dr() && !matches!(s3.dr, DrStrategy::Replica | DrStrategy::Backup) {
                c.error(
                    "backup_bucket",
                    format!("the DR standby of `{}` follows the archive in `{b}`, which is not replicated to DR", a.name),
                    format!("set `dr: replica` on `{b}`"),
                );
            }
        }
        (Some(b), _) => c.error(
            "backup_bucket",
            format!("`{b}` is not an s3 asset of the inventory"),
            "name the s3 asset that holds the database's backups",
        ),
    }
    let version = a.engine_version.clone().unwrap_or_else(|| DEFAULT_VERSION.into());
    if !version.chars().all(|ch| ch.is_ascii_digit()) {
        c.error(
            "engine_version",
            format!("`{version}` is not a PostgreSQL major version"),
            "give the major version only, e.g. \"17\" (the operator's image picks the minor)",
        );
    } else if !VERSIONS.contains(&version.as_str()) {
        c.error(
            "engine_version",
            format!("PostgreSQL {version} is not a version the postgres_operator module runs"),
            format!("use one of {}", VERSIONS.join(", ")),
        );
    }
    let cluster = cluster_name(&a.name);
    // An invalid asset name is refused as such (once).
    if crate::validate::is_asset_name(&a.name) && !is_cluster_name(&cluster) {
        c.error(
            "name",
            format!("postgres_operator `{}` would name its cluster `{cluster}`, which the module refuses", a.name),
            "use 2 to 40 lowercase letters, digits, `-` and `_`, starting with a letter and ending with a letter or digit (`_` becomes `-`: the cluster name is a Kubernetes name)",
        );
    }
    if let Some(db) = &a.db_name {
        // The owner role `<db_name>_owner` is a PostgreSQL name too.
        let max = super::rds::db_name_max(crate::inventory::Engine::Postgres) - OWNER_SUFFIX.len();
        if !super::rds::is_database_name(db, max, true) {
            c.error(
                "db_name",
                format!("`{db}` is not a database name the operator accepts"),
                format!(
                    "use 1 to {max} lowercase letters, digits and `_`, starting with a letter (e.g. `{}`): its owner role `<db_name>{OWNER_SUFFIX}` must fit PostgreSQL's 63",
                    super::rds::database_name_like(db)
                ),
            );
        }
    }
    Options {
        backup_bucket: bucket,
        version,
        storage_gb: a.storage_gb.unwrap_or(DEFAULT_STORAGE_GB),
        db_name: a.db_name.clone(),
        chart_version: a.chart_version.clone(),
    }
}

/// The operator and the cluster: a master in the primary, a standby of it
/// in DR.
pub fn plan(p: &mut Planner<'_>, a: &ValidAsset, o: &Options) {
    let Some(cluster) = super::workloads::cluster(p, a) else {
        return;
    };
    let Some(bucket) = p.asset(&o.backup_bucket) else {
        return;
    };
    let id = a.ident();
    let c = cluster.ident();
    // A standby runs its leader alone (postgres-operator user guide,
    // "Providing credentials of source cluster"; helper-65): it replays the
    // primary's users and passwords, which the DR secrets the operator made
    // do not hold, so a standby replica could not log in to it and WAL would
    // pile up on the leader. The operator aligns them once the cluster is
    // promoted: the failover raises the replicas to the primary's with the
    // promotion (a capacity variable whose DR default differs).
    let (replicas_here, replicas_note) = if p.primary() {
        (p.count_here(a).saturating_sub(1), "")
    } else {
        (0, " 0 while it is a standby: a standby replica cannot log in to the standby leader, which holds the primary's passwords; the failover sets the primary's count with the promotion.")
    };
    let replicas = p.var(
        &format!("{id}_replicas"),
        &format!(
            "Streaming replicas of PostgreSQL cluster {} besides its master, in this region.{replicas_note}",
            a.name
        ),
        "number",
        Expr::Num(i64::from(replicas_here)),
        VarRole::Capacity,
    );
    let standby = if p.primary() {
        None
    } else {
        Some(p.var(
            &crate::plan::names::standby_variable(&id),
            &format!(
                "Run {} in this region as a standby of the primary's archive; failover sets false, which promotes it.",
                a.name
            ),
            "bool",
            Expr::Bool(true),
            VarRole::Promotion,
        ))
    };
    let mut m = p.call(&id, "postgres_operator", a);
    m.providers.push(p.helm_on(cluster));
    m.depends_on.push(c.clone());
    m.depends_on.extend(super::workloads::addons_of(p, cluster));
    m.arg("name", Expr::s(cluster_name(&a.name)));
    if let Some(v) = &o.chart_version {
        m.arg("chart_version", Expr::s(v));
    }
    m.arg("postgres_version", Expr::s(&o.version))
        .arg("replicas", replicas)
        .arg("volume_size_gb", Expr::Num(i64::from(o.storage_gb)));
    if let Some(db) = &o.db_name {
        let owner = format!("{db}{OWNER_SUFFIX}");
        m.arg("users", Expr::Map(vec![(owner.clone(), Expr::List(vec![]))]))
            .arg("databases", Expr::Map(vec![(db.clone(), Expr::s(owner))]));
    }
    m.arg("backup_bucket", Expr::module(bucket.ident(), "bucket_id"))
        .arg("kms_key_arn", p.kms());
    if let Some(standby) = standby {
        let primary_region = p.peer_region().to_string();
        m.arg("standby", standby)
            .arg("standby_source_region", Expr::s(primary_region));
    }
    m.arg("cluster_name", Expr::module(&c, "cluster_name"))
        .arg("oidc_provider_arn", Expr::module(&c, "oidc_provider_arn"))
        .arg("region", Expr::var("region"))
        .arg(
            "network_policy",
            Expr::Map(vec![
                ("vpc_cidr".into(), p.vpc("vpc_cidr_block")),
                ("service_cidr".into(), Expr::module(&c, "service_ipv4_cidr")),
            ]),
        );
    let tags = p.tags(Some(a));
    p.push(m, Some(tags));
    p.output(
        format!("{id}_master_service"),
        format!("In-cluster DNS name of the read-write service of PostgreSQL cluster {}.", a.name),
        Expr::module(&id, "master_service"),
    );
}

/// Recovery objectives: promote the standby cluster once the DR nodes run.
pub fn objective(_: &crate::objectives::Context<'_>, a: &Asset) -> crate::objectives::Estimate {
    match a.dr {
        DrStrategy::None => crate::objectives::Estimate::not_in_dr(),
        DrStrategy::Replica => crate::objectives::Estimate::new(
            "≈ 5 min after the nodes: promote the standby (standby = false, a targeted apply of its Helm release), then point clients at the DR master service",
            format!(
                "WAL not yet archived (a segment goes to the archive when full, or after archive_timeout: 60 s, the chart's setting) or not yet replicated to DR (most objects within {} min)",
                crate::objectives::S3_REPLICATION_MINUTES
            ),
            "a standby cluster restoring and following the primary's WAL-G archive in the replicated bucket",
            crate::objectives::KUBERNETES_API,
        ),
        // Not allowed by SPEC.dr: validation rejects them.
        DrStrategy::Active | DrStrategy::PilotLight | DrStrategy::Backup => crate::objectives::Estimate::own_copy(),
    }
}

#[cfg(test)]
mod tests {
    use crate::kinds::testing::{arg, default_of, errors, module, planned};

    const CLUSTER: &str = "  - {kind: eks, name: k8s, size: m6i.large, qty: 3, version: \"1.35\", dr: pilot-light}\n  - {kind: s3, name: pg-backups, dr: replica}\n";

    #[test]
    fn the_dr_cluster_is_a_standby_of_the_replicated_archive() {
        let p = planned(&format!(
            "{CLUSTER}  - {{kind: postgres_operator, name: pg, target: k8s, backup_bucket: pg-backups, qty: 3, db_name: shop, dr: replica}}\n"
        ));
        let primary = module(&p.primary, "pg").unwrap();
        assert!(primary.argument("standby").is_none());
        assert_eq!(arg(primary, "backup_bucket"), "module.pg_backups.bucket_id");
        assert_eq!(arg(primary, "databases"), "{\nshop = \"shop_owner\"\n}");
        let dr = module(&p.dr, "pg").unwrap();
        assert_eq!(arg(dr, "standby"), "var.pg_standby");
        assert_eq!(arg(dr, "standby_source_region"), "\"us-east-2\"");
        assert_eq!(arg(dr, "backup_bucket"), "module.pg_backups.bucket_id");
        assert_eq!(default_of(&p.primary, "pg_replicas").as_deref(), Some("2"));
        assert_eq!(default_of(&p.dr, "pg_standby").as_deref(), Some("true"));
    }

    /// helper-65: Spilo archives a WAL segment when it is full or after
    /// archive_timeout (Spilo's default 1800 s): a quiet database's last
    /// transactions waited up to half an hour before they could reach DR.
    /// The chart sets 60 s; its version moves with its templates (the Helm
    /// provider sees a local chart's change by its version).
    #[test]
    fn the_archive_takes_a_quiet_databases_writes_within_a_minute() {
        let template = include_str!("../../templates/charts/postgres-cluster/templates/postgresql.yaml");
        assert!(template.contains("    parameters:\n      archive_timeout: {{ .Values.archiveTimeout | quote }}"));
        let values: serde_yaml::Value =
            serde_yaml::from_str(include_str!("../../templates/charts/postgres-cluster/values.yaml")).unwrap();
        assert_eq!(values["archiveTimeout"].as_str(), Some("60s"));
        assert!(include_str!("../../templates/charts/postgres-cluster/Chart.yaml").contains("version: 0.2.0"));
    }

    /// helper-65: a standby replica cannot log in to the standby leader (it
    /// replays the primary's passwords, not the DR secrets'), and WAL piles
    /// up on the leader meanwhile: the standby runs its leader alone, and the
    /// failover raises the replicas to the primary's with the promotion.
    #[test]
    fn the_standby_runs_its_leader_alone_until_the_failover() {
        let p = planned(&format!(
            "{CLUSTER}  - {{kind: postgres_operator, name: pg, target: k8s, backup_bucket: pg-backups, qty: 3, db_name: shop, dr: replica}}\n"
        ));
        assert_eq!(default_of(&p.dr, "pg_replicas").as_deref(), Some("0"));
        let changes = crate::runbook::failover_changes(&p);
        let change = changes.iter().find(|c| c.name == "pg_replicas").expect("the failover raises the replicas");
        assert_eq!((change.from.as_str(), change.to.as_str()), ("0", "2"));
        assert!(changes.iter().any(|c| c.name == "pg_standby" && c.to == "false"));
    }

    #[test]
    fn the_operator_namespace_gets_its_network_policy_in_both_regions() {
        let p = planned(&format!(
            "{CLUSTER}  - {{kind: postgres_operator, name: pg, target: k8s, backup_bucket: pg-backups, qty: 3, db_name: shop, dr: replica}}\n"
        ));
        for root in p.roots() {
            let np = arg(module(root, "pg").unwrap(), "network_policy");
            assert!(np.contains("vpc_cidr = module.vpc.vpc_cidr_block"), "{np}");
            assert!(np.contains("service_cidr = module.k8s.service_ipv4_cidr"), "{np}");
        }
    }

    /// The chart's policies for the operator's namespace (a text check: no
    /// Helm here to render the template).
    #[test]
    fn the_operator_namespace_is_default_deny_with_the_operators_allows() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/templates");
        let chart =
            std::fs::read_to_string(format!("{dir}/charts/postgres-cluster/templates/networkpolicy-operator.yaml")).unwrap();
        let (deny, allow) = chart.split_once("\n---\n").expect("two policies");
        assert!(deny.contains("name: default-deny") && deny.contains("namespace: {{ .namespace }}"));
        assert!(deny.contains("podSelector: {}") && deny.contains("- Ingress") && deny.contains("- Egress"));
        assert!(!allow.contains("ingress:"), "nothing calls the operator");
        for needed in [
            "k8s-app: kube-dns",
            "port: 53",
            "{{- range .apiServerCIDRs }}",
            "port: 443",
            "kubernetes.io/metadata.name: {{ $.Release.Namespace | quote }}",
            "port: 5432",
            "port: 8008",
        ] {
            assert!(allow.contains(needed), "operator policy lacks `{needed}`");
        }
        let module = std::fs::read_to_string(format!("{dir}/modules/postgres_operator/main.tf")).unwrap();
        assert!(module.contains("namespace = var.network_policy == null ? \"\" : var.operator_namespace"));
        assert!(module.contains("cidrhost(var.network_policy.service_cidr, 1)"));
    }

    /// Versions and names the module's validations refuse at plan time.
    #[test]
    fn versions_and_names_the_module_refuses_are_refused() {
        let pg = |fields: &str| {
            errors(&format!(
                "{CLUSTER}  - {{kind: postgres_operator, {fields}, target: k8s, backup_bucket: pg-backups, dr: replica}}\n"
            ))
        };
        for v in ["13", "19"] {
            let e = pg(&format!("name: pg, engine_version: \"{v}\""));
            assert_eq!(e.len(), 1, "{e:?}");
            assert!(e[0].contains(&format!("PostgreSQL {v} is not a version the postgres_operator module runs")), "{e:?}");
            assert!(e[0].contains("use one of 14, 15, 16, 17, 18"), "{e:?}");
        }
        for v in super::VERSIONS {
            assert!(pg(&format!("name: pg, engine_version: \"{v}\"")).is_empty(), "{v}");
        }
        let e = pg("name: p");
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(e[0].contains("postgres_operator `p` would name its cluster"), "{e:?}");
        for name in ["pg_", "pg-"] {
            let e = pg(&format!("name: {name}"));
            assert_eq!(e.len(), 1, "{name}: {e:?}");
            assert!(e[0].contains(&format!("asset name `{name}` is not a valid identifier")), "{e:?}");
        }
        assert!(pg("name: pg_main").is_empty());
        // The owner role `<db_name>_owner` fits PostgreSQL's 63 characters.
        let e = pg(&format!("name: pg, db_name: {}", "d".repeat(58)));
        assert!(e.iter().any(|e| e.contains("use 1 to 57 lowercase letters")), "{e:?}");
        assert!(pg(&format!("name: pg, db_name: {}", "d".repeat(57))).is_empty());
        assert!(pg("name: pg, db_name: Shop").iter().any(|e| e.contains("(e.g. `shop`)")));
        // The rules above are the module's.
        let vars = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/templates/modules/postgres_operator/variables.tf"
        ))
        .unwrap();
        let quoted: Vec<String> = super::VERSIONS.iter().map(|v| format!("\"{v}\"")).collect();
        assert!(
            vars.contains(&format!("condition     = contains([{}], var.postgres_version)", quoted.join(", "))),
            "VERSIONS differ from the module's postgres_version validation"
        );
        assert!(vars.contains(r#"can(regex("^[a-z][a-z0-9-]{0,38}[a-z0-9]$", var.name))"#), "the module's name rule changed");
    }

    #[test]
    fn the_standby_needs_a_replicated_bucket() {
        let e = errors(&format!(
            "{}  - {{kind: postgres_operator, name: pg, target: k8s, backup_bucket: pg-backups, dr: replica}}\n",
            CLUSTER.replace("dr: replica", "dr: none")
        ));
        assert!(e.iter().any(|e| e.contains("not replicated to DR")), "{e:?}");
    }
}
