//! `cloudwatch`: per region a log group, an encrypted alarm topic with its
//! subscribers, and the alarms every other kind declares for its assets.

use super::{MissingData, Quantity, SizeClass, Spec};
use crate::inventory::{Asset, DrStrategy};
use crate::plan::{names, Expr, ModuleCall, Origin, Planner, VarRole};
use crate::fnv::FnvMap as HashMap;
use crate::validate::{Check, ValidAsset, LOG_RETENTION_DAYS};

/// The cloudwatch kind.
pub const SPEC: Spec = Spec {
    name: "cloudwatch",
    summary: "log group, encrypted alarm topic with e-mail subscribers, alarms of the region's assets (replica lag…)",
    dr: &[DrStrategy::Active, DrStrategy::None],
    dr_hints: &[],
    targets: &[],
    fields: &["retention_days"],
    size: SizeClass::None,
    bounds: super::QTY_ONLY,
    draft: super::Draft::PLAIN,
    category: super::Category::Other,
    aws_names: &[],
    needs_vpc: false,
    two_azs: false,
    needs_kms: true,
    singleton: false,
    modules: &["cloudwatch"],
    import_keywords: &[" cloudwatch"],
    default_qty: 1,
    quantity: Quantity::None,
    db_clients: super::DbClients::No,
    node_port: super::NodePort::Nothing,
    service_linked_roles: &[],
    quota: super::QuotaUse::None,
    alarms: &[],
};

/// The log group's retention (default 365 days).
#[derive(Debug, Clone)]
pub struct Options {
    /// Days logs are kept.
    pub retention_days: u32,
}

/// A retention CloudWatch Logs accepts.
pub fn check(c: &mut Check<'_>, a: &Asset) -> Options {
    check_log_retention(c, a);
    Options {
        retention_days: a.retention_days.unwrap_or(365),
    }
}

/// `retention_days` is one of CloudWatch Logs' retention periods.
pub(crate) fn check_log_retention(c: &mut Check<'_>, a: &Asset) {
    if let Some(d) = a.retention_days {
        if !LOG_RETENTION_DAYS.contains(&d) {
            c.error(
                "retention_days",
                format!("{d} is not a CloudWatch Logs retention period"),
                "use one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827 … 3653",
            );
        }
    }
}

/// The alarms of the assets in this root, as the kinds declare them (only
/// the replication-health ones with `replication_only`). An alarm on an
/// asset whose module waits for the other root's facts (a replica) exists
/// with it: a replica that is not there yet does not alarm, one that was
/// deleted or promoted later does (missing data is breaching).
fn alarms(p: &Planner<'_>, replication_only: bool) -> Expr {
    let mut always: Vec<(String, Expr)> = Vec::new();
    let mut gated: Vec<(Expr, String, Expr)> = Vec::new();
    let modules: HashMap<&str, &ModuleCall> = p.root.modules.iter().map(|m| (m.label.as_str(), m)).collect();
    for a in p.assets() {
        for spec in a.kind.spec().alarms {
            let role_fits = spec.role.is_none_or(|r| r == p.role);
            if !role_fits || spec.strategy.is_some_and(|s| s != a.dr) {
                continue;
            }
            if replication_only && spec.missing_data != MissingData::Breaching {
                continue;
            }
            let dimension = match spec.dimension_output {
                Some(out) => Expr::module(a.ident(), out),
                None => Expr::s(p.name(a)),
            };
            let mut body = vec![
                ("description".into(), Expr::s(spec.description.replace("{name}", &a.name))),
                ("namespace".into(), Expr::s(spec.namespace)),
                ("metric_name".into(), Expr::s(spec.metric)),
                ("dimensions".into(), Expr::Map(vec![(spec.dimension.into(), dimension)])),
                ("statistic".into(), Expr::s(spec.statistic)),
                ("comparison_operator".into(), Expr::s(spec.operator)),
                ("threshold".into(), Expr::Num(spec.threshold)),
            ];
            if spec.missing_data != MissingData::NotBreaching {
                body.push(("treat_missing_data".into(), Expr::s(spec.missing_data.as_str())));
            }
            if spec.missing_data == MissingData::Breaching {
                // A replication-health alarm guards the RPO: every minute's
                // datapoint, not 5-minute periods (helper-69).
                body.push(("period".into(), Expr::Num(60)));
                body.push((
                    "evaluation_periods".into(),
                    Expr::Num(i64::from(crate::objectives::LAG_ALARM_MINUTES)),
                ));
            }
            let key = format!("{}-{}", a.name.replace('_', "-"), spec.suffix);
            match module_gate(&modules, &a.ident()) {
                Some(condition) => gated.push((condition, key, Expr::Map(body))),
                None => always.push((key, Expr::Map(body))),
            }
        }
    }
    always.sort_by(|a, b| a.0.cmp(&b.0));
    gated.sort_by(|a, b| a.1.cmp(&b.1));
    if gated.is_empty() {
        return Expr::Map(always);
    }
    let mut parts = if always.is_empty() {
        vec![]
    } else {
        vec![Expr::Map(always)]
    };
    parts.extend(
        gated
            .into_iter()
            .map(|(condition, key, body)| Expr::cond(condition, Expr::Map(vec![(key, body)]), Expr::Map(vec![]))),
    );
    if parts.len() == 1 {
        return parts.remove(0);
    }
    Expr::Call {
        function: "merge",
        args: parts,
        multiline: true,
    }
}

/// The condition under which module `label` of this root exists, when its
/// count depends on the other root's facts (`condition ? 1 : 0`).
fn module_gate(modules: &HashMap<&str, &ModuleCall>, label: &str) -> Option<Expr> {
    match modules.get(label)?.count.as_ref()? {
        Expr::Cond(condition, _, _) => Some((**condition).clone()),
        _ => None,
    }
}

/// `var.alert_emails`: the inventory's addresses, or a variable only the
/// user can give.
fn alert_emails(p: &mut Planner<'_>) -> Expr {
    let description = "E-mail addresses subscribed to the alarm topic of this region (on-call).";
    match &p.v.inventory.alert_emails {
        Some(given) => p.var(
            "alert_emails",
            description,
            "list(string)",
            Expr::strs(given.clone()),
            VarRole::Setting,
        ),
        None => p.required_var("alert_emails", description, "list(string)", Expr::strs(["oncall@example.org"])),
    }
}

/// The log group, topic and subscribers of this region (its alarms are
/// added by [`plan_alarms`] once every asset is planned).
pub fn plan(p: &mut Planner<'_>, a: &ValidAsset, o: &Options) {
    let id = a.ident();
    let emails = alert_emails(p);
    let mut m = p.call(&id, "cloudwatch", a);
    m.arg("name", Expr::s(p.name(a)))
        .arg("retention_days", Expr::Num(i64::from(o.retention_days)))
        .arg("kms_key_arn", p.kms())
        .arg("alert_emails", emails);
    let tags = p.tags(Some(a));
    p.push(m, Some(tags));
    p.output(
        format!("{id}_alarm_topic_arn"),
        format!("SNS topic of the {} alarms.", a.name),
        Expr::module(&id, "alarm_topic_arn"),
    );
}

/// Label of the alarm topic acmegen adds where the inventory lists none.
/// The label of the alarm module a root gets without a cloudwatch asset.
pub(crate) const IMPLICIT_LABEL: &str = "replication_alarms";

/// After every asset is planned: the alarms of each cloudwatch module of
/// this root; and, where a database replicates into this root but the
/// inventory lists no cloudwatch asset here, an alarm topic of its own with
/// the replication-health alarms (RDS `ReplicaLag`, Aurora
/// `AuroraGlobalDBReplicationLag`): the stated RPO is monitored either way.
pub fn plan_alarms(p: &mut Planner<'_>) {
    let labels: Vec<String> = p
        .root
        .modules
        .iter()
        .filter(|m| m.source == "cloudwatch")
        .map(|m| m.label.clone())
        .collect();
    for label in &labels {
        let alarms = alarms(p, false);
        if let Some(m) = p.root.modules.iter_mut().find(|m| &m.label == label) {
            let at = m.args.iter().position(|(k, _)| k == "tags").unwrap_or(m.args.len());
            m.args.insert(at, ("alarms".into(), alarms));
        }
    }
    if !labels.is_empty() {
        return;
    }
    let alarms = alarms(p, true);
    if alarms == Expr::Map(vec![]) {
        return;
    }
    let emails = alert_emails(p);
    let mut m = p.implicit_call(
        IMPLICIT_LABEL,
        "cloudwatch",
        Origin::Implicit {
            what: "replication alarms",
            kind: Some(crate::inventory::Kind::Cloudwatch),
        },
        "Replication-health alarms of the databases replicated into this region, and their encrypted topic (the inventory lists no cloudwatch asset here)".into(),
    );
    m.arg(
        "name",
        Expr::s(format!("{}-alarms-{}", p.inventory(), names::region_code(p.region()))),
    )
    .arg("log_group", Expr::Bool(false))
    .arg("kms_key_arn", p.kms())
    .arg("alert_emails", emails)
    .arg("alarms", alarms);
    let tags = p.tags(None);
    p.push(m, Some(tags));
    p.output(
        format!("{IMPLICIT_LABEL}_topic_arn"),
        "SNS topic of the replication-health alarms.".into(),
        Expr::module(IMPLICIT_LABEL, "alarm_topic_arn"),
    );
}

/// Recovery objectives: log groups, alarm topic and alarms per region: nothing to fail over.
pub fn objective(_: &crate::objectives::Context<'_>, a: &Asset) -> crate::objectives::Estimate {
    match a.dr {
        DrStrategy::None => crate::objectives::Estimate::not_in_dr(),
        _ => crate::objectives::Estimate::own_copy(),
    }
}

#[cfg(test)]
mod tests {
    use crate::kinds::testing::{arg, module, planned};

    #[test]
    fn cloudwatch_alarms_follow_the_assets_of_each_region() {
        let p = planned("  - {kind: rds, name: db, size: db.m6i.large, engine: postgres, engine_version: \"16\", dr: replica}\n  - {kind: cloudwatch, name: cw, dr: active}\n");
        let primary = arg(module(&p.primary, "cw").unwrap(), "alarms");
        assert!(primary.contains("db-cpu") && primary.contains("db-free-storage") && !primary.contains("replica-lag"));
        let dr = arg(module(&p.dr, "cw").unwrap(), "alarms");
        assert!(dr.contains("db-replica-lag") && dr.contains("\"t-db-usw1\""), "{dr}");
        // The DR copy becomes the production database on failover (helper-69,
        // helper-70): it is watched in DR too.
        assert!(dr.contains("db-cpu") && dr.contains("db-free-storage"), "{dr}");
        // A replica that stops replicating emits no ReplicaLag: that alarms.
        assert!(dr.contains("treat_missing_data = \"breaching\""), "{dr}");
        assert!(!primary.contains("treat_missing_data"), "{primary}");
        // The lag alarm reads every minute (it guards the RPO); the others
        // keep the module's 5-minute periods (helper-69).
        let lag = &dr[dr.find("db-replica-lag").unwrap()..];
        assert!(lag.contains("treat_missing_data = \"breaching\"\nperiod = 60\nevaluation_periods = 2"), "{lag}");
        assert!(!primary.contains("evaluation_periods"), "{primary}");
        // It exists with the replica, which waits for the primary's facts.
        assert!(dr.contains("contains(module.facts.names, \"primary/db_arn\") ?"), "{dr}");
        assert!(module(&p.dr, "replication_alarms").is_none(), "the inventory's topic carries them");
    }

    #[test]
    fn replicated_databases_get_lag_alarms_without_a_cloudwatch_asset() {
        let p = planned("  - {kind: rds, name: db, size: db.m6i.large, engine: postgres, engine_version: \"16\", dr: replica}\n  - {kind: aurora, name: orders, size: db.r6g.large, qty: 2, engine: postgres, engine_version: \"16\", dr: replica}\n");
        let m = module(&p.dr, "replication_alarms").expect("an alarm topic in DR");
        assert_eq!(m.source, "cloudwatch");
        assert_eq!(arg(m, "log_group"), "false");
        let alarms = arg(m, "alarms");
        assert!(alarms.contains("\"ReplicaLag\"") && alarms.contains("\"AuroraGlobalDBReplicationLag\""), "{alarms}");
        assert!(alarms.contains("\"t-orders-usw1\""), "the secondary cluster: {alarms}");
        assert_eq!(alarms.matches("treat_missing_data = \"breaching\"").count(), 2, "{alarms}");
        assert!(!alarms.contains("CPUUtilization"), "only replication health: {alarms}");
        assert!(p.dr.variables.iter().any(|v| v.name == "alert_emails"));
        // Nothing replicates into the primary: no topic there.
        assert!(module(&p.primary, "replication_alarms").is_none());
    }

    #[test]
    fn a_backup_copy_alone_gets_no_replication_alarm() {
        let p = planned("  - {kind: rds, name: db, size: db.m6i.large, engine: postgres, engine_version: \"16\", dr: backup}\n");
        assert!(module(&p.dr, "replication_alarms").is_none());
    }
}
