//! `backup_plan`: AWS Backup. Each region gets a vault encrypted with the
//! region's key and the role AWS Backup works as; the primary runs a
//! scheduled plan over the inventory's data (databases, buckets, servers)
//! and, with `dr: backup`, copies every recovery point into the DR vault.
//!
//! The DR root owns its vault and publishes its ARN as a fact; the primary's
//! copy action reads it (absent on the first deploy: the plan then backs up
//! without copying until the DR root is applied). Nothing in DR depends on
//! the primary, so its vault, copies and restore role outlive the primary
//! region.

use super::{Quantity, SizeClass, Spec};
use crate::inventory::{Asset, DrStrategy, Kind};
use crate::plan::{names, Expr, Planner, VarRole};
use crate::validate::{Check, ValidAsset};
use std::collections::BTreeMap;

/// The backup_plan kind.
pub const SPEC: Spec = Spec {
    name: "backup_plan",
    summary: "AWS Backup plan and KMS-encrypted vault per region; DR backup: every recovery point copied to the DR vault",
    dr: &[DrStrategy::Backup, DrStrategy::None],
    dr_hints: &[
        (
            DrStrategy::Active,
            "a backup plan runs where the data is; `backup` copies its recovery points into the DR vault",
        ),
        (
            DrStrategy::Replica,
            "recovery points are copied, not replicated: use `backup`",
        ),
        (
            DrStrategy::PilotLight,
            "a backup plan has no capacity to scale: use `backup` for copies in DR",
        ),
    ],
    targets: &[],
    fields: &[
        "schedule",
        "retention_days",
        "copy_retention_days",
        "backup_assets",
        "backup_tags",
        "vault_lock",
    ],
    size: SizeClass::None,
    bounds: &[
        ("qty", crate::limits::QTY),
        ("retention_days", RETENTION_DAYS),
        ("copy_retention_days", RETENTION_DAYS),
    ],
    draft: super::Draft {
        dr: (DrStrategy::Backup, "every recovery point copied to the DR vault"),
        ..super::Draft::PLAIN
    },
    category: super::Category::Other,
    aws_names: &[super::iam_role(super::NameBase::Own, "-backup")],
    needs_vpc: false,
    two_azs: false,
    needs_kms: true,
    singleton: false,
    modules: &["backup_plan"],
    import_keywords: &[" aws backup", " backup plan", " backup vault"],
    default_qty: 1,
    quantity: Quantity::None,
    db_clients: super::DbClients::No,
    node_port: super::NodePort::Nothing,
    service_linked_roles: &[],
    quota: super::QuotaUse::None,
    alarms: &[],
};

/// Daily at 05:00 UTC.
pub const DEFAULT_SCHEDULE: &str = "cron(0 5 ? * * *)";
/// Days recovery points are kept when the inventory gives none.
pub const DEFAULT_RETENTION_DAYS: u32 = 35;
/// Days AWS Backup keeps a recovery point (and its copy in DR).
const RETENTION_DAYS: crate::limits::Bound = crate::limits::Bound {
    min: 1,
    max: 36_500,
    why: "AWS Backup deletes recovery points after whole days from 1; acmegen caps retention at 100 years",
};
/// Vault, plan and selection names are at most 50 characters.
const MAX_NAME: usize = 50;
/// The kinds a plan can back up, and the output of their module giving ARNs.
const BACKED_UP: &[(Kind, &str)] = &[
    (Kind::Rds, "arn"),
    (Kind::Aurora, "cluster_arn"),
    (Kind::S3, "bucket_arn"),
    (Kind::Vm, "instance_arns"),
];

/// Whether AWS Backup backs up assets of `kind` here (a plan without
/// `backup_assets` selects every asset of these kinds).
pub fn backs_up(kind: Kind) -> bool {
    BACKED_UP.iter().any(|(b, _)| *b == kind)
}

/// The names of the assets backup plan `a` selects, among `assets`: its
/// `backup_assets` as given, or every asset AWS Backup backs up here.
pub fn selection<'a>(a: &'a Asset, assets: &'a [Asset]) -> Vec<&'a str> {
    match &a.backup_assets {
        Some(given) => given.iter().map(String::as_str).collect(),
        None => assets.iter().filter(|b| backs_up(b.kind)).map(|b| b.name.as_str()).collect(),
    }
}

/// A backup plan's fields, defaulted.
#[derive(Debug, Clone)]
pub struct Options {
    /// Cron expression (UTC) of the backup rule.
    pub schedule: String,
    /// Days recovery points are kept in the primary vault.
    pub retention_days: u32,
    /// Days the copies are kept in the DR vault (default retention_days).
    pub copy_retention_days: u32,
    /// The assets backed up, sorted by name (default: every rds, aurora, s3
    /// and vm asset of the inventory).
    pub assets: Vec<String>,
    /// Tags whose resources are backed up as well.
    pub tags: BTreeMap<String, String>,
    /// Lock the vaults in governance mode.
    pub vault_lock: bool,
}

/// Whether `s` is an AWS Backup cron expression: `cron(` six fields `)`,
/// with a fixed minute (AWS Backup runs a rule at most once an hour), and
/// `?` in exactly one of day-of-month and day-of-week (the EventBridge cron
/// syntax AWS Backup takes: "you can't specify the Day-of-month and
/// Day-of-week fields in the same cron expression").
pub fn is_backup_cron(s: &str) -> bool {
    let Some(inner) = s.strip_prefix("cron(").and_then(|r| r.strip_suffix(')')) else {
        return false;
    };
    let fields: Vec<&str> = inner.split_whitespace().collect();
    fields.len() == 6
        && fields[0].chars().all(|c| c.is_ascii_digit())
        && fields
            .iter()
            .all(|f| f.chars().all(|c| c.is_ascii_alphanumeric() || ",-*?/#".contains(c)))
        && ((fields[2] == "?") != (fields[4] == "?"))
}

/// The schedule and the days copies are kept in DR, defaulted (what the
/// runbook's objectives quote, before validation has run).
pub fn copy_settings(a: &Asset) -> (String, u32) {
    let retention = a.retention_days.unwrap_or(DEFAULT_RETENTION_DAYS);
    (
        a.schedule.clone().unwrap_or_else(|| DEFAULT_SCHEDULE.into()),
        a.copy_retention_days.unwrap_or(retention),
    )
}

/// Schedule, retentions, the names it backs up, name lengths.
pub fn check(c: &mut Check<'_>, a: &Asset) -> Options {
    let (schedule, copy_retention_days) = copy_settings(a);
    if !is_backup_cron(&schedule) {
        c.error(
            "schedule",
            format!("`{schedule}` is not an AWS Backup schedule"),
            format!("write a cron expression in UTC with six fields, a fixed minute and `?` in one of day-of-month and day-of-week, e.g. `{DEFAULT_SCHEDULE}` (daily at 05:00)"),
        );
    }
    // retention_days and copy_retention_days: ranged by the spec (`limits::check_asset`).
    if a.copy_retention_days.is_some() && a.dr == DrStrategy::None {
        c.error(
            "copy_retention_days",
            format!("`{}` copies nothing to DR (`dr: none`), so copy_retention_days has no effect", a.name),
            "remove copy_retention_days, or set `dr: backup` to copy the recovery points into the DR vault",
        );
    }
    if a.qty() != 1 {
        c.error(
            "qty",
            "a backup plan asset has qty 1 (one vault per region)",
            "remove qty; list another backup_plan asset for a second schedule",
        );
    }
    let inv = c.inventory();
    for region in [&inv.regions.primary, &inv.regions.dr] {
        let name = names::resource(&inv.name, &a.name, region);
        if name.len() > MAX_NAME {
            c.error(
                "name",
                format!("backup vault name `{name}` would exceed {MAX_NAME} characters"),
                "shorten the asset or inventory name (AWS Backup vault and plan names are at most 50 characters)",
            );
            break;
        }
    }
    for name in a.backup_assets.iter().flatten() {
        match c.named(name) {
            Some((_, b)) if backs_up(b.kind) => {}
            Some((_, b)) => c.error(
                "backup_assets",
                format!("`{name}` is a {} asset, which AWS Backup does not back up here", b.kind),
                "name rds, aurora, s3 or vm assets",
            ),
            None => c.error(
                "backup_assets",
                format!("`{name}` is not an asset of the inventory"),
                "name rds, aurora, s3 or vm assets of this inventory",
            ),
        }
    }
    let mut assets: Vec<String> = selection(a, &inv.assets).into_iter().map(String::from).collect();
    assets.sort();
    if let Some(twice) = assets.windows(2).find(|w| w[0] == w[1]) {
        c.error(
            "backup_assets",
            format!("`{}` is listed twice", twice[0]),
            "list every asset once",
        );
    }
    assets.dedup();
    let tags = a.backup_tags.clone().unwrap_or_default();
    for (k, v) in &tags {
        if k.is_empty() || k.len() > 128 || v.len() > 256 || k.starts_with("aws:") {
            c.error(
                "backup_tags",
                format!("`{k}: {v}` is not a tag AWS Backup can select by"),
                "use keys of 1 to 128 characters (not starting with aws:) and values of at most 256",
            );
        }
    }
    if assets.is_empty() && tags.is_empty() {
        c.error_here(
            format!("backup plan `{}` has nothing to back up", a.name),
            "list rds, aurora, s3 or vm assets in `backup_assets`, or tags in `backup_tags` (e.g. {Backup: daily})",
        );
    }
    Options {
        schedule,
        retention_days: a.retention_days.unwrap_or(DEFAULT_RETENTION_DAYS),
        copy_retention_days,
        assets,
        tags,
        vault_lock: a.vault_lock.unwrap_or(false),
    }
}

/// The ARNs of the assets `o` backs up that run in this root, from their
/// modules; in the DR root, its databases by name, as a failover leaves them
/// (a promoted replica keeps its identifier, a restore takes the DR module's
/// name, and neither is a resource of the DR root whose count is known at
/// plan time).
fn resource_arns(p: &mut Planner<'_>, o: &Options) -> Expr {
    let region = p.region().to_string();
    let mut single = Vec::new();
    let mut lists = Vec::new();
    for name in &o.assets {
        let Some(b) = p.asset(name) else { continue };
        if !crate::plan::present(b, p.role) {
            continue;
        }
        let Some((kind, output)) = BACKED_UP.iter().find(|(k, _)| *k == b.kind) else {
            continue;
        };
        let arns = match kind {
            Kind::Rds if !p.primary() => {
                let db = p.name(b);
                p.with_account(&format!("arn:aws:rds:{region}:"), &format!(":db:{db}"))
            }
            Kind::Aurora if !p.primary() => {
                let cluster = p.name(b);
                p.with_account(&format!("arn:aws:rds:{region}:"), &format!(":cluster:{cluster}"))
            }
            _ => Expr::module(b.ident(), *output),
        };
        if *kind == Kind::Vm {
            lists.push(arns);
        } else {
            single.push(arns);
        }
    }
    if lists.is_empty() {
        return Expr::List(single);
    }
    let mut parts = vec![Expr::List(single)];
    parts.extend(lists);
    Expr::call("concat", parts)
}

/// Primary: vault, role, plan and selection, copying into the DR vault once
/// the DR root has published it. DR: the copy destination (vault and the
/// role a restore uses), published for the primary; and, once a failover
/// has made the DR region the one that serves (`<name>_standby` false), a
/// plan of its own over the DR copies, so that backups go on while the
/// primary region is gone and the copies already in the vault expire
/// (helper-64).
pub fn plan(p: &mut Planner<'_>, a: &ValidAsset, o: &Options) {
    let id = a.ident();
    let vault_fact = format!("{id}_vault_arn");
    let copies = a.dr == DrStrategy::Backup;
    let mut m = p.call(&id, "backup_plan", a);
    m.arg("name", Expr::s(p.name(a))).arg("kms_key_arn", p.kms());
    if p.primary() {
        m.arg("retention_days", Expr::Num(i64::from(o.retention_days)))
            .arg("vault_lock", Expr::Bool(o.vault_lock))
            .arg("schedule", Expr::s(&o.schedule))
            .arg("resource_arns", resource_arns(p, o))
            .arg(
                "selection_tags",
                Expr::Map(o.tags.iter().map(|(k, v)| (k.clone(), Expr::s(v))).collect()),
            );
        if copies {
            let destination = p.fact_or_null(&vault_fact);
            m.arg("copy_destination_vault_arn", destination)
                .arg("copy_retention_days", Expr::Num(i64::from(o.copy_retention_days)));
        }
    } else {
        let standby = p.var(
            &crate::plan::names::standby_variable(&id),
            &format!(
                "Keep {}'s vault in this region a copy destination only; failover sets false, which starts the plan here (the primary's no longer runs).",
                a.name
            ),
            "bool",
            Expr::Bool(true),
            VarRole::Promotion,
        );
        let arns = resource_arns(p, o);
        m.arg("retention_days", Expr::Num(i64::from(o.copy_retention_days)))
            .arg("vault_lock", Expr::Bool(o.vault_lock))
            .arg(
                "create_plan",
                Expr::Cond(Box::new(standby), Box::new(Expr::Bool(false)), Box::new(Expr::Bool(true))),
            )
            .arg("schedule", Expr::s(&o.schedule))
            .arg("resource_arns", arns)
            .arg(
                "selection_tags",
                Expr::Map(o.tags.iter().map(|(k, v)| (k.clone(), Expr::s(v))).collect()),
            );
    }
    let tags = p.tags(Some(a));
    let m = p.push(m, Some(tags));
    if !p.primary() {
        p.publish(&vault_fact, m.out("vault_arn"), None);
    }
    p.output(
        format!("{id}_vault_name"),
        format!("Backup vault of {} in this region.", a.name),
        m.out("vault_name"),
    );
    p.output(
        format!("{id}_backup_role_arn"),
        format!("Role AWS Backup uses for {}'s backups and restores in this region.", a.name),
        m.out("role_arn"),
    );
}

/// Recovery objectives: restore jobs from the recovery points copied to
/// the DR vault.
pub fn objective(_: &crate::objectives::Context<'_>, a: &Asset) -> crate::objectives::Estimate {
    match a.dr {
        DrStrategy::None => crate::objectives::Estimate::not_in_dr(),
        _ => {
            let (schedule, copy_days) = copy_settings(a);
            crate::objectives::Estimate::new(
                "≈ 1 h+: restore jobs from the recovery points in the DR vault, one per resource",
                format!("the last recovery point copied to DR: at most one schedule interval ({schedule}) plus the copy time"),
                format!("AWS Backup copies every recovery point into the DR vault, kept {copy_days} days"),
                "the AWS Backup API of the DR region",
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kinds::testing::{arg, errors, module, planned};
    use crate::kinds::Options as KindOptions;

    const DATA: &str = "  - {kind: rds, name: db, size: db.m6i.large, engine: postgres, engine_version: \"16\", dr: backup}\n  - {kind: s3, name: files, dr: none}\n  - {kind: vm, name: app, size: t3.micro, dr: none}\n  - {kind: ecr, name: images, dr: none}\n";

    /// Validate an inventory `inventory` (us-east-2 → ap-southeast-1) holding `assets`.
    fn validated(inventory: &str, assets: &str) -> Result<crate::validate::Validated, String> {
        let loaded = crate::inventory::parse(
            &format!("name: {inventory}\nowner: me\nregions: {{primary: us-east-2, dr: ap-southeast-1}}\nassets:\n{assets}"),
            std::path::Path::new("t.yaml"),
        )
        .expect("parses");
        crate::validate::validate(&loaded).map_err(|d| d.to_string())
    }

    fn options(assets: &str, name: &str) -> Options {
        let valid = validated("t", assets).unwrap_or_else(|d| panic!("{d}"));
        match &valid.asset(name).expect("asset").options {
            KindOptions::BackupPlan(o) => o.clone(),
            other => panic!("not a backup plan: {other:?}"),
        }
    }

    #[test]
    fn defaults_are_resolved_in_validation() {
        let o = options(&format!("{DATA}  - {{kind: backup_plan, name: nightly, dr: backup}}\n"), "nightly");
        assert_eq!(o.schedule, DEFAULT_SCHEDULE);
        assert_eq!(o.retention_days, 35);
        assert_eq!(o.copy_retention_days, 35, "copies are kept as long as the originals");
        assert_eq!(o.assets, ["app", "db", "files"], "every rds, aurora, s3 and vm asset, not the registry");
        assert!(o.tags.is_empty());
        assert!(!o.vault_lock);
        let o = options(
            &format!("{DATA}  - {{kind: backup_plan, name: nightly, dr: backup, retention_days: 7, copy_retention_days: 90, backup_assets: [files, db], backup_tags: {{Backup: daily}}, vault_lock: true, schedule: \"cron(30 2 ? * SUN *)\"}}\n"),
            "nightly",
        );
        assert_eq!((o.retention_days, o.copy_retention_days), (7, 90));
        assert_eq!(o.assets, ["db", "files"]);
        assert_eq!(o.tags.get("Backup").map(String::as_str), Some("daily"));
        assert!(o.vault_lock);
        assert_eq!(o.schedule, "cron(30 2 ? * SUN *)");
    }

    #[test]
    fn cron_expressions_are_checked() {
        assert!(is_backup_cron(DEFAULT_SCHEDULE));
        assert!(is_backup_cron("cron(0 */12 ? * MON-FRI *)"));
        assert!(!is_backup_cron("rate(1 day)"), "AWS Backup takes cron only");
        assert!(!is_backup_cron("cron(0 5 * * *)"), "five fields");
        assert!(!is_backup_cron("cron(*/5 * ? * * *)"), "more often than hourly");
        assert!(!is_backup_cron("cron(0 5 ? * * *"));
        assert!(!is_backup_cron("cron(0 5 * * * *)"), "both day fields set");
        assert!(!is_backup_cron("cron(0 5 ? * ? *)"), "neither day field set");
        assert!(is_backup_cron("cron(0 5 1 * ? *)"));
    }

    #[test]
    fn retention_of_copies_is_ranged_like_the_recovery_points() {
        let errs = errors(&format!("{DATA}  - {{kind: backup_plan, name: b, dr: backup, retention_days: 36500, copy_retention_days: 36501, backup_assets: [db]}}\n"));
        let about: Vec<&String> = errs.iter().filter(|e| e.contains("retention_days")).collect();
        assert_eq!(about.len(), 1, "{errs:?}");
        assert!(
            about[0].contains("`copy_retention_days: 36501` is out of range")
                && about[0].contains("use 1 to 36500: AWS Backup deletes recovery points"),
            "{errs:?}"
        );
    }

    #[test]
    fn bad_options_are_errors_naming_the_field() {
        let errs = errors(&format!("{DATA}  - {{kind: backup_plan, name: b, dr: none, schedule: daily, retention_days: 0, copy_retention_days: 9, backup_assets: [images, nope, db, db]}}\n"));
        let all = errs.join("\n");
        for expected in [
            "`daily` is not an AWS Backup schedule",
            "`retention_days: 0` is out of range",
            "copies nothing to DR",
            "`images` is a ecr asset",
            "`nope` is not an asset of the inventory",
            "`db` is listed twice",
        ] {
            assert!(all.contains(expected), "missing {expected:?} in\n{all}");
        }
        let errs = errors("  - {kind: ecr, name: images, dr: none}\n  - {kind: backup_plan, name: b, dr: backup}\n");
        assert!(errs.iter().any(|e| e.contains("has nothing to back up")), "{errs:?}");
        let errs = errors("  - {kind: s3, name: f, dr: none}\n  - {kind: backup_plan, name: b, dr: replica}\n");
        assert!(errs.iter().any(|e| e.contains("are copied, not replicated")), "{errs:?}");
        let assets = "  - {kind: s3, name: f, dr: none}\n  - {kind: backup_plan, name: nightly-backups, dr: backup}\n";
        let err = validated("acme-platform-production-europe", assets).expect_err("too long");
        assert!(err.contains("`acme-platform-production-europe-nightly-backups-use2` would exceed 50 characters"), "{err}");
        assert!(validated("acme-platform-production-eu", assets).is_ok(), "49 characters fit");
    }

    #[test]
    fn primary_plan_selects_by_arn_and_copies_to_the_published_dr_vault() {
        let p = planned(&format!("{DATA}  - {{kind: backup_plan, name: nightly, dr: backup, copy_retention_days: 90, backup_tags: {{Backup: daily}}}}\n"));
        let m = module(&p.primary, "nightly").expect("primary call");
        assert_eq!(m.source, "backup_plan");
        assert_eq!(arg(m, "name"), "\"t-nightly-use2\"");
        assert_eq!(arg(m, "kms_key_arn"), "module.kms.key_arn", "the region's key");
        assert_eq!(arg(m, "schedule"), "\"cron(0 5 ? * * *)\"");
        assert_eq!(
            arg(m, "resource_arns"),
            "concat([module.db.arn, module.files.bucket_arn], module.app.instance_arns)"
        );
        assert!(arg(m, "selection_tags").contains("Backup = \"daily\""));
        assert_eq!(
            arg(m, "copy_destination_vault_arn"),
            "lookup(module.facts.values, \"dr/nightly_vault_arn\", null)",
            "tolerates the DR vault's absence on the first deploy"
        );
        assert_eq!(arg(m, "copy_retention_days"), "90");
        assert!(arg(m, "tags").contains("Asset = \"nightly\""));
        assert!(p.primary.facts_read.contains(&"dr/nightly_vault_arn".to_string()));
    }

    #[test]
    fn dr_root_owns_its_vault_independently_of_the_primary() {
        let p = planned(&format!("{DATA}  - {{kind: backup_plan, name: nightly, dr: backup, copy_retention_days: 90, vault_lock: true}}\n"));
        let m = module(&p.dr, "nightly").expect("DR call");
        assert!(m.count.is_none(), "the DR vault exists whether or not the primary does");
        assert_eq!(arg(m, "name"), "\"t-nightly-usw1\"");
        assert_eq!(arg(m, "retention_days"), "90", "the DR vault keeps copies copy_retention_days");
        assert_eq!(arg(m, "vault_lock"), "true");
        assert!(m.argument("copy_destination_vault_arn").is_none(), "nothing to copy to while DR serves");
        // A plan of its own once a failover makes DR the region that serves
        // (helper-64): over the DR copies, here the database the failover
        // restores under the DR name; the bucket and the servers have none.
        assert_eq!(arg(m, "create_plan"), "var.nightly_standby ? false : true");
        let standby = p.dr.variable("nightly_standby").expect("the standby variable");
        assert_eq!(standby.role, crate::plan::VarRole::Promotion);
        assert_eq!(standby.default.as_ref().map(|d| d.render()), Some("true".into()));
        assert_eq!(
            arg(m, "resource_arns"),
            "[\"arn:aws:rds:us-west-1:${local.account_id}:db:t-db-usw1\"]"
        );
        assert!(
            p.dr.facts_read.iter().all(|f| !f.contains("nightly")),
            "nothing of the DR vault is read from the primary"
        );
        assert!(p.dr.facts_published.contains(&"nightly_vault_arn".to_string()));
        assert!(p.dr.outputs.iter().any(|o| o.name == "nightly_backup_role_arn"));
    }

    #[test]
    fn without_dr_nothing_lands_in_the_dr_region() {
        let p = planned("  - {kind: s3, name: files, dr: none}\n  - {kind: backup_plan, name: nightly, dr: none}\n");
        let m = module(&p.primary, "nightly").expect("primary call");
        assert!(m.argument("copy_destination_vault_arn").is_none());
        assert_eq!(arg(m, "resource_arns"), "[module.files.bucket_arn]");
        assert!(module(&p.dr, "nightly").is_none());
    }

    /// The objectives quote the schedule and the days copies stay in DR.
    #[test]
    fn objective_quotes_the_schedule_and_the_copy_retention() {
        let o = crate::kinds::testing::objective(
            &format!("{DATA}  - {{kind: backup_plan, name: nightly, dr: backup, retention_days: 7, copy_retention_days: 90, schedule: \"cron(30 2 ? * SUN *)\"}}\n"),
            "nightly",
        );
        assert!(o.rpo.contains("at most one schedule interval (cron(30 2 ? * SUN *))"), "{}", o.rpo);
        assert!(o.basis.ends_with("kept 90 days"), "{}", o.basis);
        assert_eq!(o.needs, "the AWS Backup API of the DR region");
    }
}
