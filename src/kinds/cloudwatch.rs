//! `cloudwatch`: per region a log group, an encrypted alarm topic with its
//! subscribers, and the alarms every other kind declares for its assets.

use super::{Quantity, SizeClass, Spec};
use crate::inventory::{Asset, DrStrategy};
use crate::plan::{Expr, Planner, VarRole};
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
    needs_vpc: false,
    needs_kms: true,
    singleton: false,
    modules: &["cloudwatch"],
    import_keywords: &[" cloudwatch"],
    default_qty: 1,
    quantity: Quantity::None,
    db_client_group: None,
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

/// The alarms of the assets in this root, as the kinds declare them.
fn alarms(p: &Planner<'_>) -> Expr {
    let mut alarms: Vec<(String, Expr)> = Vec::new();
    for a in p.assets() {
        for spec in a.kind.spec().alarms {
            let role_fits = spec.role.is_none_or(|r| r == p.role);
            if !role_fits || spec.strategy.is_some_and(|s| s != a.dr) {
                continue;
            }
            let dimension = match spec.dimension_output {
                Some(out) => Expr::module(a.ident(), out),
                None => Expr::s(p.name(a)),
            };
            let body = Expr::Map(vec![
                ("description".into(), Expr::s(spec.description.replace("{name}", &a.name))),
                ("namespace".into(), Expr::s(spec.namespace)),
                ("metric_name".into(), Expr::s(spec.metric)),
                ("dimensions".into(), Expr::Map(vec![(spec.dimension.into(), dimension)])),
                ("statistic".into(), Expr::s(spec.statistic)),
                ("comparison_operator".into(), Expr::s(spec.operator)),
                ("threshold".into(), Expr::Num(spec.threshold)),
            ]);
            alarms.push((format!("{}-{}", a.name.replace('_', "-"), spec.suffix), body));
        }
    }
    alarms.sort_by(|a, b| a.0.cmp(&b.0));
    Expr::Map(alarms)
}

/// The log group, topic, subscribers and alarms of this region.
pub fn plan(p: &mut Planner<'_>, a: &ValidAsset, o: &Options) {
    let id = a.ident();
    let alarms = alarms(p);
    let description = "E-mail addresses subscribed to the alarm topic of this region (on-call).";
    let emails = match &p.v.inventory.alert_emails {
        Some(given) => p.var(
            "alert_emails",
            description,
            "list(string)",
            Expr::strs(given.clone()),
            VarRole::Setting,
        ),
        None => p.required_var("alert_emails", description, "list(string)", Expr::strs(["oncall@example.org"])),
    };
    let mut m = p.call(&id, "cloudwatch", a);
    m.arg("name", Expr::s(p.name(a)))
        .arg("retention_days", Expr::Num(i64::from(o.retention_days)))
        .arg("kms_key_arn", p.kms())
        .arg("alert_emails", emails)
        .arg("alarms", alarms);
    let tags = p.tags(Some(a));
    p.push(m, Some(tags));
    p.output(
        format!("{id}_alarm_topic_arn"),
        format!("SNS topic of the {} alarms.", a.name),
        Expr::module(&id, "alarm_topic_arn"),
    );
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
    }
}
