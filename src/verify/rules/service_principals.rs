//! AG012: a statement that lets an AWS service principal in (trust, key,
//! bucket or topic policy) limits it to this account's resources with
//! `aws:SourceAccount` / `aws:SourceArn` (or, for CloudWatch Logs in a key
//! policy, the `kms:EncryptionContext:aws:logs:arn` context), except where
//! AWS documents no such condition for the principal ([`EXEMPT`]).
//!
//! AWS fact: a service principal acts for every customer of the service; a
//! policy that trusts it without a source condition lets the service be used
//! against your resource on another account's behalf ("confused deputy").
//! Source: IAM User Guide, "The confused deputy problem" (cross-service
//! confused deputy prevention; aws:SourceArn, aws:SourceAccount); per-service
//! forms in /work/notes/aws-facts.md section 4 (CloudTrail UG, RDS UG
//! enhanced monitoring, VPC flow logs, SNS DG, CloudWatch Logs UG).

use super::policy::{documents, statements, Use};
use super::tree::Tree;
use super::{Rule, Sink};

pub(super) const RULE: Rule = Rule {
    id: "AG012",
    summary: "service principals in trust, key and resource policies carry a source-account/ARN condition",
    check,
};

/// Principals AWS documents without a source condition, where they may appear
/// without one, and why.
pub(super) const EXEMPT: &[(&str, Use, &str)] = &[
    (
        "eks.amazonaws.com",
        Use::Trust,
        "the EKS User Guide gives the cluster role's trust policy without conditions (terraform-aws-modules/eks declined adding them, #3210)",
    ),
    (
        "ec2.amazonaws.com",
        Use::Trust,
        "EC2 sends no aws:SourceArn/aws:SourceAccount when an instance profile's role is assumed; a condition would lock the instances out",
    ),
    (
        "s3.amazonaws.com",
        Use::Trust,
        "the S3 User Guide gives the replication role's trust without conditions; an unsupported one makes replication fail silently",
    ),
    (
        "cloudtrail.amazonaws.com",
        Use::Trust,
        "the CloudTrail User Guide (\"Role policy document for CloudTrail to use CloudWatch Logs\"): the role it assumes to deliver to CloudWatch Logs does not support aws:SourceArn or aws:SourceAccount, so a condition makes CreateTrail fail; its bucket and key policies keep theirs",
    ),
    (
        "backup.amazonaws.com",
        Use::Trust,
        "the AWS Backup Developer Guide gives the service role's trust without conditions",
    ),
];

const SOURCE_KEYS: [&str; 3] = ["aws:SourceAccount", "aws:SourceArn", "aws:SourceOrgID"];

fn check(tree: &Tree<'_>, sink: &mut Sink<'_>) {
    for dir in tree.dirs() {
        for (doc, use_) in documents(&dir) {
            if use_ == Use::Identity {
                continue;
            }
            for s in statements(doc) {
                if s.effect() != "Allow" || SOURCE_KEYS.iter().any(|k| s.has_condition(k)) {
                    continue;
                }
                for service in s.services() {
                    let service = dir.resolve_text(&service);
                    if service.starts_with("logs.") && s.has_condition("kms:EncryptionContext:aws:logs:arn") {
                        continue;
                    }
                    if EXEMPT.iter().any(|(p, u, _)| *p == service && *u == use_) {
                        continue;
                    }
                    sink.report(
                        doc.file,
                        s.line(&dir),
                        &format!("{} {}", doc.header(), s.name()),
                        &format!("lets the service principal {service} in without an aws:SourceAccount or aws:SourceArn condition (confused deputy)"),
                        "add StringEquals aws:SourceAccount = the account ID and ArnLike aws:SourceArn = the resources of this account that the service acts for (for CloudWatch Logs in a key policy: the kms:EncryptionContext:aws:logs:arn condition)",
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::run;
    use super::RULE;

    const TOPIC: &str = r#"
data "aws_iam_policy_document" "alarms" {
  statement {
    sid     = "Publish"
    actions = ["sns:Publish"]
    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = ["111111111111"]
    }
  }
}

resource "aws_sns_topic_policy" "alarms" {
  policy = data.aws_iam_policy_document.alarms.json
}
"#;

    #[test]
    fn fires_on_a_service_principal_without_a_source_condition() {
        assert!(run(&RULE, &[("m/main.tf", TOPIC)]).is_empty());
        let open = TOPIC.replace("aws:SourceAccount", "aws:PrincipalTag/x");
        let msgs = run(&RULE, &[("m/main.tf", &open)]);
        assert_eq!(msgs.len(), 1, "{msgs:?}");
        assert!(msgs[0].contains("AG012 line 4, data \"aws_iam_policy_document\" \"alarms\" statement \"Publish\": lets the service principal cloudwatch.amazonaws.com in"), "{msgs:?}");
    }

    #[test]
    fn exempts_documented_trusts_only() {
        let trust = "data \"aws_iam_policy_document\" \"t\" {\n  statement {\n    actions = [\"sts:AssumeRole\"]\n    principals {\n      type        = \"Service\"\n      identifiers = [\"ec2.amazonaws.com\"]\n    }\n  }\n}\n\nresource \"aws_iam_role\" \"r\" {\n  assume_role_policy = data.aws_iam_policy_document.t.json\n}\n";
        assert!(run(&RULE, &[("m/main.tf", trust)]).is_empty());
        let monitoring = trust.replace("ec2.amazonaws.com", "monitoring.rds.amazonaws.com");
        assert_eq!(run(&RULE, &[("m/main.tf", &monitoring)]).len(), 1);
        // CloudTrail's role for CloudWatch Logs takes no source condition;
        // a key or bucket policy that lets CloudTrail in still needs one.
        let trail = trust.replace("ec2.amazonaws.com", "cloudtrail.amazonaws.com");
        assert!(run(&RULE, &[("m/main.tf", &trail)]).is_empty());
        let bucket = TOPIC
            .replace("cloudwatch.amazonaws.com", "cloudtrail.amazonaws.com")
            .replace("aws:SourceAccount", "aws:PrincipalTag/x");
        assert_eq!(run(&RULE, &[("m/main.tf", &bucket)]).len(), 1);
    }
}
