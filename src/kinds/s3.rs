//! `s3`: a private, versioned, KMS-encrypted bucket per region; `replica`
//! and `backup` replicate the primary's objects into the DR bucket (backup
//! as GLACIER_IR) once the DR root has published its bucket and key.

use super::{Quantity, SizeClass, Spec};
use crate::inventory::{Asset, DrStrategy};
use crate::plan::{Expr, Planner};
use crate::validate::{Check, ValidAsset};

/// Days a lifecycle rule keeps objects.
const RETENTION_DAYS: crate::limits::Bound = crate::limits::Bound {
    min: 1,
    max: 36500,
    why: "S3 lifecycle rules count whole days from 1; acmegen caps retention at 100 years",
};

/// The s3 kind.
pub const SPEC: Spec = Spec {
    name: "s3",
    summary: "S3 bucket; DR: a bucket, replica/backup replicate into it (backup as GLACIER_IR)",
    dr: &[DrStrategy::Active, DrStrategy::Replica, DrStrategy::Backup, DrStrategy::None],
    dr_hints: &[],
    targets: &[],
    fields: &["retention_days"],
    size: SizeClass::None,
    bounds: &[("qty", crate::limits::QTY), ("retention_days", RETENTION_DAYS)],
    draft: super::Draft {
        dr: (DrStrategy::Replica, "replicated into the DR region"),
        ..super::Draft::PLAIN
    },
    category: super::Category::Objects,
    aws_names: &[],
    needs_vpc: false,
    two_azs: false,
    needs_kms: true,
    singleton: false,
    modules: &["s3"],
    import_keywords: &[" s3 ", " bucket"],
    default_qty: 1,
    quantity: Quantity::None,
    db_clients: super::DbClients::No,
    node_port: super::NodePort::Nothing,
    service_linked_roles: &[],
    quota: super::QuotaUse::None,
    alarms: &[],
};

/// A bucket's fields.
#[derive(Debug, Clone)]
pub struct Options {
    /// Days a noncurrent object version is kept (module default when unset).
    pub retention_days: Option<u32>,
}

/// A bucket name S3 accepts ([`Check::bucket_name_fits`]).
pub fn check(c: &mut Check<'_>, a: &Asset) -> Options {
    c.bucket_name_fits(a);
    Options {
        retention_days: a.retention_days,
    }
}

/// The bucket, and in the primary its replication into the DR bucket.
pub fn plan(p: &mut Planner<'_>, a: &ValidAsset, o: &Options) {
    let id = a.ident();
    let region = p.region();
    let bucket = p.bucket(a, region);
    let mut m = p.call(&id, "s3", a);
    m.arg("bucket", bucket).arg("kms_key_arn", p.kms());
    if let Some(d) = o.retention_days {
        m.arg("noncurrent_version_days", Expr::Num(i64::from(d)));
    }
    let replicated = matches!(a.dr, DrStrategy::Replica | DrStrategy::Backup);
    if p.primary() && replicated {
        // Replicate once the DR root has published its bucket and key (key
        // ARNs: IAM cannot authorise key use through an alias).
        let bucket = p.fact_or_null(&format!("{id}_bucket_arn"));
        let key = p.fact_or_null("kms_key_arn");
        m.arg("replication_destination_bucket_arn", bucket)
            .arg("replication_destination_kms_key_arn", key)
            .arg(
                "replication_storage_class",
                Expr::s(if a.dr == DrStrategy::Backup {
                    "GLACIER_IR"
                } else {
                    "STANDARD"
                }),
            );
    }
    let tags = p.tags(Some(a));
    let m = p.push(m, Some(tags));
    if !p.primary() && replicated {
        p.publish(&format!("{id}_bucket_arn"), m.out("bucket_arn"), None);
        let key = p.kms();
        p.publish_once("kms_key_arn", key);
    }
    p.output(
        format!("{id}_bucket"),
        format!("Name of bucket {}.", a.name),
        Expr::module(&id, "bucket_id"),
    );
}

/// Recovery objectives: the DR bucket serves reads; what it holds depends
/// on replication.
pub fn objective(_: &crate::objectives::Context<'_>, a: &Asset) -> crate::objectives::Estimate {
    match a.dr {
        DrStrategy::None => crate::objectives::Estimate::not_in_dr(),
        DrStrategy::Replica | DrStrategy::Backup => crate::objectives::Estimate::new(
            "0: the DR bucket serves reads now; switch clients to it",
            format!(
                "most objects within {} min (replication without S3 RTC has no SLA)",
                crate::objectives::S3_REPLICATION_MINUTES
            ),
            format!(
                "cross-region replication{}; objects written in DR are copied back on failback",
                if a.dr == DrStrategy::Backup { " into GLACIER_IR" } else { "" }
            ),
            "nothing: the DR bucket is independent of the primary region",
        ),
        DrStrategy::Active | DrStrategy::PilotLight => crate::objectives::Estimate::new(
            "0: the DR bucket exists",
            "nothing replicated: objects of the primary bucket are not in DR",
            "an independent bucket per region",
            crate::objectives::NOTHING,
        ),
    }
}

#[cfg(test)]
mod tests {
    use crate::kinds::testing::{arg, errors, module, planned};

    #[test]
    fn a_bucket_name_with_an_underscore_is_refused() {
        let e = errors("  - {kind: s3, name: my_data, dr: replica}\n");
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(e[0].contains("S3 asset name `my_data` contains `_`"), "{e:?}");
        assert!(e[0].contains("bucket names allow only lowercase letters, digits and dashes"), "{e:?}");
    }

    #[test]
    fn s3_replica_and_backup_replicate_into_the_dr_bucket() {
        let p = planned("  - {kind: s3, name: data, dr: replica}\n  - {kind: s3, name: arch, dr: backup}\n");
        let data = module(&p.primary, "data").unwrap();
        assert_eq!(
            arg(data, "replication_destination_bucket_arn"),
            "lookup(module.facts.values, \"dr/data_bucket_arn\", null)"
        );
        assert_eq!(arg(data, "replication_storage_class"), "\"STANDARD\"");
        // A key ARN published by the DR root, never an alias ARN.
        assert_eq!(
            arg(data, "replication_destination_kms_key_arn"),
            "lookup(module.facts.values, \"dr/kms_key_arn\", null)"
        );
        assert_eq!(arg(module(&p.primary, "arch").unwrap(), "replication_storage_class"), "\"GLACIER_IR\"");
        assert_eq!(
            p.dr.facts_published,
            vec!["arch_bucket_arn".to_string(), "data_bucket_arn".to_string(), "kms_key_arn".to_string()]
        );
        assert_eq!(arg(module(&p.dr, "data").unwrap(), "bucket"), "\"t-data-${local.account_id}-us-west-1\"");
        assert!(module(&p.dr, "data").unwrap().argument("replication_destination_bucket_arn").is_none());
    }
}
