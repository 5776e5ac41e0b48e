//! AG001: a KMS key that encrypts EBS volumes launched by EC2 Auto Scaling
//! (the launch template of an EKS node group or Auto Scaling group, or the
//! region's default EBS key) must let the `AWSServiceRoleForAutoScaling`
//! service-linked role use it.
//!
//! AWS fact: the Auto Scaling service-linked role has no KMS permissions of
//! its own and cannot be edited; a customer managed key needs, at minimum, a
//! key-policy statement allowing the role kms:Encrypt, kms:Decrypt,
//! kms:ReEncrypt*, kms:GenerateDataKey* and kms:DescribeKey, and one allowing
//! kms:CreateGrant with `kms:GrantIsForAWSResource = true`; without them
//! instances fail to launch (`Client.InvalidKMSKey.InvalidState`).
//! Source: Amazon EC2 Auto Scaling User Guide, "Required AWS KMS key policy
//! for use with encrypted volumes" (key-policy-requirements-EBS-encryption).

use super::policy::{statements, Statement};
use super::tree::{guard_on, text, Call, Dir, Item, Tree};
use super::{Rule, Sink};

pub(super) const RULE: Rule = Rule {
    id: "AG001",
    summary: "a KMS key encrypting Auto Scaling-launched EBS volumes grants the AWSServiceRoleForAutoScaling role",
    check,
};

const ROLE: &str = "AWSServiceRoleForAutoScaling";
const USE: [&str; 5] = [
    "kms:Encrypt",
    "kms:Decrypt",
    "kms:ReEncrypt*",
    "kms:GenerateDataKey*",
    "kms:DescribeKey",
];
const FIX: &str = "give the AWSServiceRoleForAutoScaling service-linked role the two key-policy statements AWS documents: kms:Encrypt, kms:Decrypt, kms:ReEncrypt*, kms:GenerateDataKey*, kms:DescribeKey, and kms:CreateGrant with condition Bool kms:GrantIsForAWSResource = true";

/// What the key policy of `module`'s key lacks for the role, given `call`'s
/// values (None when it has both statements).
fn missing(module: &Dir<'_>, call: Option<&Call<'_>>) -> Option<String> {
    let key = module.resources("aws_kms_key").next()?;
    let Some(doc) = key.attr("policy").and_then(|p| module.referenced(&text(p))) else {
        return Some("the key has no key policy document naming the role".into());
    };
    let stmts = statements(doc);
    let names_role = |s: &Statement<'_>| {
        s.principals()
            .iter()
            .any(|(t, ids)| t == "AWS" && ids.iter().any(|i| module.resolve_text(i).contains(ROLE)))
    };
    let uses = |s: &Statement<'_>| USE.iter().all(|a| s.grants(a));
    let grants = |s: &Statement<'_>| {
        s.grants("kms:CreateGrant")
            && s.conditions()
                .iter()
                .any(|c| c.variable == "kms:GrantIsForAWSResource" && c.values.iter().any(|v| v == "true"))
    };
    let mut gaps = Vec::new();
    for (what, ok) in [
        (
            "the use statement (kms:Encrypt, kms:Decrypt, kms:ReEncrypt*, kms:GenerateDataKey*, kms:DescribeKey)",
            &uses as &dyn Fn(&Statement<'_>) -> bool,
        ),
        ("the kms:CreateGrant statement with kms:GrantIsForAWSResource", &grants),
    ] {
        let candidates: Vec<&Statement<'_>> = stmts.iter().filter(|s| names_role(s) && ok(s)).collect();
        if candidates.iter().any(|s| guard_on(s.guard, module, call)) {
            continue;
        }
        match candidates.first().and_then(|s| s.guard) {
            Some(g) => gaps.push(format!("{what}, which is switched off here ({})", text(g))),
            None => gaps.push(what.to_string()),
        }
    }
    (!gaps.is_empty()).then(|| format!("its key policy lacks, for {ROLE}, {}", gaps.join(" and ")))
}

fn report_call(sink: &mut Sink<'_>, call: &Call<'_>, why: &str, gap: &str) {
    sink.report(
        call.item.file,
        call.line(),
        &call.item.header(),
        &format!("this key {why}, but {gap}"),
        FIX,
    );
}

fn report_key(sink: &mut Sink<'_>, dir: &Dir<'_>, key: &Item<'_>, why: &str, gap: &str) {
    sink.at(dir, key, &format!("this key {why}, but {gap}"), FIX);
}

/// The key expression of each launch template used by a node group or an
/// Auto Scaling group of `dir`, with the user's block.
fn launched_keys<'a>(dir: &Dir<'a>) -> Vec<(Item<'a>, &'a hcl::Expression)> {
    let mut out = Vec::new();
    for user in dir
        .resources("aws_eks_node_group")
        .chain(dir.resources("aws_autoscaling_group"))
    {
        for lt in user.body().blocks().filter(|b| b.identifier() == "launch_template") {
            let Some(template) = super::tree::attr(lt.body(), "id").and_then(|id| dir.referenced(&text(id))) else {
                continue;
            };
            for mapping in template
                .body()
                .blocks()
                .filter(|b| b.identifier() == "block_device_mappings")
            {
                for ebs in mapping.body().blocks().filter(|b| b.identifier() == "ebs") {
                    if let Some(k) = super::tree::attr(ebs.body(), "kms_key_id") {
                        out.push((user, k));
                    }
                }
            }
        }
    }
    out
}

fn check(tree: &Tree<'_>, sink: &mut Sink<'_>) {
    for dir in tree.dirs() {
        // Keys of launch templates behind node groups / Auto Scaling groups.
        for (user, key) in launched_keys(&dir) {
            let why = format!(
                "encrypts the EBS volumes that EC2 Auto Scaling launches for {}",
                user.header()
            );
            let k = text(key);
            if let Some(own) = dir.referenced(&k).filter(|i| i.label(0) == "aws_kms_key") {
                if let Some(gap) = missing(&dir, None) {
                    report_key(sink, &dir, &own, &why, &gap);
                }
                continue;
            }
            let Some(var) = k.strip_prefix("var.") else { continue };
            for caller in tree.callers(dir.path) {
                let Some(value) = caller.arg(var) else { continue };
                let root = caller.caller();
                let Some(key_call) = root.call_read_by(value) else {
                    continue;
                };
                let Some(key_module) = key_call.module() else { continue };
                let why = format!("{why} in module \"{}\"", caller.label());
                if let Some(gap) = missing(&key_module, Some(&key_call)) {
                    report_call(sink, &key_call, &why, &gap);
                }
            }
        }
        // The region's default EBS key: every Auto Scaling launch may use it.
        for default in dir.resources("aws_ebs_default_kms_key") {
            let why = "is the region's default EBS key, used for the volumes EC2 Auto Scaling launches";
            let guard = default.attr("count");
            if guard.is_none() {
                if let Some(gap) = missing(&dir, None) {
                    report_key(sink, &dir, &default, why, &gap);
                }
                continue;
            }
            for caller in tree.callers(dir.path) {
                if guard_on(guard, &dir, Some(&caller)) {
                    if let Some(gap) = missing(&dir, Some(&caller)) {
                        report_call(sink, &caller, why, &gap);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::run;
    use super::RULE;

    const KMS: &str = r#"
data "aws_iam_policy_document" "key" {
  statement {
    actions   = ["kms:*"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::111111111111:root"]
    }
  }

  dynamic "statement" {
    for_each = var.asg ? [1] : []
    content {
      actions   = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"]
      resources = ["*"]
      principals {
        type        = "AWS"
        identifiers = [local.role]
      }
    }
  }

  dynamic "statement" {
    for_each = var.asg ? [1] : []
    content {
      actions   = ["kms:CreateGrant"]
      resources = ["*"]
      principals {
        type        = "AWS"
        identifiers = [local.role]
      }
      condition {
        test     = "Bool"
        variable = "kms:GrantIsForAWSResource"
        values   = ["true"]
      }
    }
  }
}

locals {
  role = "arn:aws:iam::111111111111:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"
}

variable "asg" {
  type    = bool
  default = false
}

resource "aws_kms_key" "this" {
  policy = data.aws_iam_policy_document.key.json
}
"#;

    const EKS: &str = r#"
variable "kms_key_arn" {
  type = string
}

resource "aws_launch_template" "node" {
  block_device_mappings {
    ebs {
      kms_key_id = var.kms_key_arn
    }
  }
}

resource "aws_eks_node_group" "this" {
  launch_template {
    id = aws_launch_template.node.id
  }
}
"#;

    fn root(asg: &str) -> String {
        format!(
            "provider \"aws\" {{}}\n\nmodule \"key\" {{\n  source = \"../modules/kms\"\n  asg    = {asg}\n}}\n\nmodule \"apps\" {{\n  source      = \"../modules/eks\"\n  kms_key_arn = module.key.key_arn\n}}\n"
        )
    }

    #[test]
    fn passes_when_the_call_switches_the_statements_on() {
        let r = root("true");
        let msgs = run(
            &RULE,
            &[
                ("modules/kms/main.tf", KMS),
                ("modules/eks/main.tf", EKS),
                ("a/main.tf", &r),
            ],
        );
        assert!(msgs.is_empty(), "{msgs:?}");
    }

    #[test]
    fn fires_when_the_statements_are_switched_off_or_absent() {
        let r = root("false");
        let msgs = run(
            &RULE,
            &[
                ("modules/kms/main.tf", KMS),
                ("modules/eks/main.tf", EKS),
                ("a/main.tf", &r),
            ],
        );
        assert_eq!(msgs.len(), 1, "{msgs:?}");
        assert!(
            msgs[0].starts_with("a/main.tf: AG001 line 3, module \"key\""),
            "{msgs:?}"
        );
        assert!(msgs[0].contains("switched off here (var.asg ? [1] : [])"), "{msgs:?}");
        let bare = KMS
            .replace("for_each = var.asg ? [1] : []", "for_each = []")
            .replace("AWSServiceRoleForAutoScaling", "Other");
        let r = root("true");
        let msgs = run(
            &RULE,
            &[
                ("modules/kms/main.tf", &bare),
                ("modules/eks/main.tf", EKS),
                ("a/main.tf", &r),
            ],
        );
        assert!(
            msgs[0].contains("lacks, for AWSServiceRoleForAutoScaling, the use statement"),
            "{msgs:?}"
        );
    }

    #[test]
    fn a_default_ebs_key_needs_the_statements() {
        let kms =
            format!("{KMS}\nresource \"aws_ebs_default_kms_key\" \"this\" {{\n  key_arn = aws_kms_key.this.arn\n}}\n");
        let msgs = run(&RULE, &[("modules/kms/main.tf", &kms)]);
        assert!(msgs[0].contains("default EBS key"), "{msgs:?}");
    }
}
