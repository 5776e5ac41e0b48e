//! AG021: key-policy statements for AWS services match the statement each
//! service documents.
//!
//! AWS facts:
//! - CloudTrail: kms:GenerateDataKey* conditioned on the
//!   `kms:EncryptionContext:aws:cloudtrail:arn` context, kms:DescribeKey
//!   (which carries no encryption context, so under such a condition it never
//!   matches and CreateTrail fails), and kms:Decrypt when the log bucket uses
//!   an S3 Bucket Key. Source: CloudTrail User Guide, "Configure AWS KMS key
//!   policies for CloudTrail" (create-kms-key-policy-for-cloudtrail).
//! - CloudWatch Logs: the regional principal `logs.<region>.amazonaws.com`,
//!   kms:Encrypt*/Decrypt*/ReEncrypt*/GenerateDataKey*/Describe*, conditioned
//!   on `kms:EncryptionContext:aws:logs:arn`. Source: CloudWatch Logs User
//!   Guide, "Encrypt log data in CloudWatch Logs using AWS KMS" (step 2).
//! - CloudWatch alarms to an encrypted SNS topic: `cloudwatch.amazonaws.com`
//!   needs kms:Decrypt and kms:GenerateDataKey*. Source: Amazon SNS
//!   Developer Guide, "Enable compatibility between event sources from AWS
//!   services and encrypted topics" (sns-key-management).

use super::policy::{documents, statements, Statement, Use};
use super::tree::{Dir, Item, Tree};
use super::{Rule, Sink};

pub(super) const RULE: Rule = Rule {
    id: "AG021",
    summary:
        "key-policy statements for CloudTrail, CloudWatch Logs and CloudWatch alarms match AWS's documented statements",
    check,
};

fn has_context_condition(s: &Statement<'_>) -> bool {
    s.conditions()
        .iter()
        .any(|c| c.variable.starts_with("kms:EncryptionContext:"))
}

fn report(sink: &mut Sink<'_>, dir: &Dir<'_>, doc: &Item<'_>, s: Option<&Statement<'_>>, problem: &str, fix: &str) {
    let (line, block) = match s {
        Some(s) => (s.line(dir), format!("{} {}", doc.header(), s.name())),
        None => (dir.line(doc), doc.header()),
    };
    sink.report(doc.file, line, &block, problem, fix);
}

fn check(tree: &Tree<'_>, sink: &mut Sink<'_>) {
    for dir in tree.dirs() {
        for (doc, use_) in documents(&dir) {
            if use_ != Use::Key {
                continue;
            }
            let stmts: Vec<Statement<'_>> = statements(doc).into_iter().filter(|s| s.effect() == "Allow").collect();
            let for_service = |svc: &dyn Fn(&str) -> bool| -> Vec<Statement<'_>> {
                stmts
                    .iter()
                    .copied()
                    .filter(|s| s.services().iter().any(|p| svc(&dir.resolve_text(p))))
                    .collect()
            };
            // Any service: DescribeKey never carries an encryption context.
            for s in &stmts {
                let logs = s.services().iter().all(|p| p.starts_with("logs."));
                if !logs && !s.services().is_empty() && s.grants("kms:DescribeKey") && has_context_condition(s) {
                    report(sink, &dir, &doc, Some(s), "grants kms:DescribeKey under an encryption-context condition, which DescribeKey requests never carry, so the service cannot describe the key", "move kms:DescribeKey into its own statement conditioned only on aws:SourceArn/aws:SourceAccount, as the service's guide documents");
                }
            }
            // CloudTrail.
            let trail = for_service(&|p| p == "cloudtrail.amazonaws.com");
            if !trail.is_empty() {
                let encrypt = trail.iter().any(|s| {
                    s.grants("kms:GenerateDataKey*") && s.has_condition("kms:EncryptionContext:aws:cloudtrail:arn")
                });
                let describe = trail
                    .iter()
                    .any(|s| s.grants("kms:DescribeKey") && !has_context_condition(s));
                let decrypt = trail.iter().any(|s| s.grants("kms:Decrypt"));
                for (ok, what) in [
                    (
                        encrypt,
                        "kms:GenerateDataKey* conditioned on kms:EncryptionContext:aws:cloudtrail:arn",
                    ),
                    (describe, "kms:DescribeKey without an encryption-context condition"),
                    (decrypt, "kms:Decrypt (needed with an S3 Bucket Key on the log bucket)"),
                ] {
                    if !ok {
                        report(sink, &dir, &doc, None, &format!("lets CloudTrail use the key without {what}"), "give cloudtrail.amazonaws.com the CloudTrail User Guide's statements: GenerateDataKey* with the cloudtrail:arn context, DescribeKey, Decrypt, each with aws:SourceArn = the trail ARN");
                    }
                }
            }
            // CloudWatch Logs.
            for s in for_service(&|p| p.starts_with("logs.")) {
                let regional = s.services().iter().all(|p| p != "logs.amazonaws.com");
                let context = s
                    .conditions()
                    .iter()
                    .any(|c| c.variable == "kms:EncryptionContext:aws:logs:arn" && c.test.starts_with("Arn"));
                if !regional || !context {
                    report(sink, &dir, &doc, Some(&s), "lets CloudWatch Logs use the key without the regional principal logs.<region>.amazonaws.com and an ArnLike/ArnEquals kms:EncryptionContext:aws:logs:arn condition", "use the CloudWatch Logs User Guide's statement: Service logs.<region>.amazonaws.com, kms:Encrypt*/Decrypt*/ReEncrypt*/GenerateDataKey*/Describe*, ArnLike kms:EncryptionContext:aws:logs:arn = arn:aws:logs:<region>:<account>:*");
                }
            }
            // CloudWatch alarms publishing to encrypted topics.
            let alarms = for_service(&|p| p == "cloudwatch.amazonaws.com");
            if !alarms.is_empty()
                && !alarms
                    .iter()
                    .any(|s| s.grants("kms:Decrypt") && s.grants("kms:GenerateDataKey*"))
            {
                report(sink, &dir, &doc, alarms.first(), "lets CloudWatch publish to encrypted topics without both kms:Decrypt and kms:GenerateDataKey*", "grant cloudwatch.amazonaws.com kms:Decrypt and kms:GenerateDataKey* (SNS Developer Guide), with aws:SourceAccount and aws:SourceArn");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::run;
    use super::RULE;

    const KEY: &str = r#"
data "aws_iam_policy_document" "key" {
  statement {
    sid     = "Encrypt"
    actions = ["kms:GenerateDataKey*"]
    principals {
      type        = "Service"
      identifiers = ["cloudtrail.amazonaws.com"]
    }
    condition {
      test     = "StringLike"
      variable = "kms:EncryptionContext:aws:cloudtrail:arn"
      values   = ["arn:aws:cloudtrail:*:111111111111:trail/*"]
    }
  }

  statement {
    sid     = "Describe"
    actions = ["kms:DescribeKey", "kms:Decrypt"]
    principals {
      type        = "Service"
      identifiers = ["cloudtrail.amazonaws.com"]
    }
  }
}

resource "aws_kms_key" "this" {
  policy = data.aws_iam_policy_document.key.json
}
"#;

    #[test]
    fn passes_the_documented_cloudtrail_statements() {
        assert!(run(&RULE, &[("m/main.tf", KEY)]).is_empty());
    }

    #[test]
    fn fires_on_describe_key_under_the_context_condition() {
        let old = KEY
            .replace(
                "actions = [\"kms:GenerateDataKey*\"]",
                "actions = [\"kms:GenerateDataKey*\", \"kms:DescribeKey\"]",
            )
            .replace(
                "actions = [\"kms:DescribeKey\", \"kms:Decrypt\"]",
                "actions = [\"kms:Decrypt\"]",
            );
        let msgs = run(&RULE, &[("m/main.tf", &old)]);
        assert!(msgs.iter().any(|m| m.contains("AG021 line 4, data \"aws_iam_policy_document\" \"key\" statement \"Encrypt\": grants kms:DescribeKey under an encryption-context condition")), "{msgs:?}");
        assert!(
            msgs.iter()
                .any(|m| m.contains("without kms:DescribeKey without an encryption-context condition")),
            "{msgs:?}"
        );
    }
}
