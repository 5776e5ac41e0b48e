//! `cloudtrail`: a trail per region (multi-region in the primary, regional
//! in DR so auditing goes on when the primary is lost) into an encrypted
//! bucket that admits only that trail.

use super::cloudwatch::check_log_retention;
use super::{Quantity, SizeClass, Spec};
use crate::inventory::{Asset, DrStrategy};
use crate::plan::{names, Expr, Planner};
use crate::validate::{Check, ValidAsset};

/// The cloudtrail kind.
pub const SPEC: Spec = Spec {
    name: "cloudtrail",
    summary: "CloudTrail trail (multi-region in the primary, regional in DR) into a log bucket",
    dr: &[DrStrategy::Active, DrStrategy::None],
    dr_hints: &[],
    targets: &[],
    fields: &["retention_days"],
    size: SizeClass::None,
    bounds: super::QTY_ONLY,
    draft: super::Draft::PLAIN,
    category: super::Category::Other,
    aws_names: &[super::iam_role(super::NameBase::Own, "-cloudtrail")],
    needs_vpc: false,
    two_azs: false,
    needs_kms: true,
    singleton: true,
    modules: &["cloudtrail", "s3"],
    import_keywords: &[" cloudtrail"],
    default_qty: 1,
    quantity: Quantity::None,
    db_clients: super::DbClients::No,
    node_port: super::NodePort::Nothing,
    service_linked_roles: &[],
    quota: super::QuotaUse::None,
    alarms: &[],
};

/// The trail's retention (default 365 days).
#[derive(Debug, Clone)]
pub struct Options {
    /// Days logs and log files are kept.
    pub retention_days: u32,
}

/// A retention CloudWatch Logs accepts; a bucket name that fits.
pub fn check(c: &mut Check<'_>, a: &Asset) -> Options {
    c.bucket_name_fits(a);
    check_log_retention(c, a);
    Options {
        retention_days: a.retention_days.unwrap_or(365),
    }
}

/// The log bucket, then the trail.
pub fn plan(p: &mut Planner<'_>, a: &ValidAsset, o: &Options) {
    let id = a.ident();
    let bucket_label = format!("{id}_bucket");
    let region = p.region();
    let bucket = p.bucket(a, region);
    let trail = p.name(a);
    let trail_arn = {
        p.account_id();
        names::trail_arn(region, &trail)
    };
    let mut b = p.call(&bucket_label, "s3", a);
    b.comment = format!("{} (cloudtrail): log bucket of the trail", a.name);
    b.arg("bucket", bucket)
        .arg("kms_key_arn", p.kms())
        .arg("noncurrent_version_days", Expr::Num(i64::from(o.retention_days)))
        .arg("cloudtrail_trail_arns", Expr::List(vec![trail_arn]));
    let tags = p.tags(Some(a));
    p.push(b, Some(tags));
    let mut m = p.call(&id, "cloudtrail", a);
    m.depends_on.push(bucket_label.clone());
    m.arg("name", Expr::s(&trail))
        .arg("s3_bucket_name", Expr::module(&bucket_label, "bucket_id"))
        .arg("kms_key_arn", p.kms())
        .arg("multi_region", Expr::Bool(p.primary()))
        .arg("retention_days", Expr::Num(i64::from(o.retention_days)));
    let tags = p.tags(Some(a));
    p.push(m, Some(tags));
    p.output(
        format!("{id}_trail_arn"),
        format!("ARN of trail {}.", a.name),
        Expr::module(&id, "arn"),
    );
}

/// Recovery objectives: a trail per region: nothing to fail over.
pub fn objective(_: &crate::objectives::Context<'_>, a: &Asset) -> crate::objectives::Estimate {
    match a.dr {
        DrStrategy::None => crate::objectives::Estimate::not_in_dr(),
        _ => crate::objectives::Estimate::own_copy(),
    }
}

#[cfg(test)]
mod tests {
    use crate::kinds::testing::{arg, errors, module, planned};

    /// The trail's log bucket gets every S3 naming rule the s3 kind does.
    #[test]
    fn a_log_bucket_name_s3_refuses_is_refused() {
        let e = errors("  - {kind: cloudtrail, name: audit_trail, dr: active}\n");
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(e[0].contains("cloudtrail asset name `audit_trail` contains `_`"), "{e:?}");
        assert!(
            e[0].contains("(its bucket is `t-audit_trail-<account ID>-<region>`): rename the asset, e.g. `audit-trail`"),
            "{e:?}"
        );
        let text = "name: xn--shop\nowner: me\nregions: {primary: us-east-2, dr: us-west-1}\nassets:\n  - {kind: cloudtrail, name: audit, dr: active}\n  - {kind: s3, name: data, dr: active}\n";
        let loaded = crate::inventory::parse(text, std::path::Path::new("t.yaml")).unwrap();
        let e = crate::validate::validate(&loaded).unwrap_err().to_string();
        assert!(e.contains("bucket name `xn--shop-audit-<account ID>-<region>` starts with `xn--`, which S3 reserves"), "{e}");
        assert!(e.contains("bucket name `xn--shop-data-<account ID>-<region>` starts with `xn--`"), "{e}");
    }

    #[test]
    fn cloudtrail_is_multi_region_in_primary_and_regional_in_dr() {
        let p = planned("  - {kind: cloudtrail, name: audit, dr: active}\n");
        assert_eq!(arg(module(&p.primary, "audit").unwrap(), "multi_region"), "true");
        assert_eq!(arg(module(&p.dr, "audit").unwrap(), "multi_region"), "false");
        assert_eq!(
            arg(module(&p.primary, "audit_bucket").unwrap(), "cloudtrail_trail_arns"),
            "[\"arn:aws:cloudtrail:us-east-2:${local.account_id}:trail/t-audit-use2\"]"
        );
    }
}
