//! AG004: the role of the EBS CSI driver add-on must be allowed to use the
//! customer managed key its volumes are encrypted with.
//!
//! AWS fact: the managed policies AmazonEBSCSIDriverPolicy (and V2) contain no
//! KMS permissions; with a customer managed key (in the StorageClass, or as
//! the region's EBS default) the driver's role needs kms:CreateGrant,
//! kms:ListGrants, kms:RevokeGrant with `kms:GrantIsForAWSResource = true`,
//! and kms:Encrypt, kms:Decrypt, kms:ReEncrypt*, kms:GenerateDataKey*,
//! kms:DescribeKey on the key; otherwise volumes are never created and PVCs
//! stay Pending.
//! Source: Amazon EKS User Guide, "Create an Amazon EBS CSI driver IAM role"
//! (storage/ebs-csi, custom KMS key statements); kubernetes-sigs/aws-ebs-csi-driver
//! docs/install.md.

use super::policy::statements;
use super::tree::{entry, for_each_keys, text, Dir, Item, Tree};
use super::{Rule, Sink};

pub(super) const RULE: Rule = Rule {
    id: "AG004",
    summary: "the EBS CSI driver's role has the KMS grant and use statements for the volumes' key",
    check,
};

const ADDON: &str = "aws-ebs-csi-driver";

/// Address of the role (`aws_iam_role.x` or `aws_iam_role.x["k"]`) the CSI add-on uses.
fn csi_role(dir: &Dir<'_>, addon: &Item<'_>) -> Option<String> {
    let name = addon.attr("addon_name").map(text)?;
    let role = addon.attr("service_account_role_arn").map(text).or_else(|| {
        addon
            .body()
            .blocks()
            .find(|b| b.identifier() == "pod_identity_association")
            .and_then(|b| super::tree::attr(b.body(), "role_arn"))
            .map(text)
    })?;
    let role = if name == "each.key" {
        if !for_each_keys(dir, addon)?.iter().any(|k| k == ADDON) {
            return None;
        }
        if role == "each.value" {
            let map = dir.local(text(addon.attr("for_each")?).strip_prefix("local.")?)?;
            text(entry(map, ADDON)?)
        } else {
            role
        }
    } else if name == ADDON {
        role
    } else {
        return None;
    };
    role.strip_suffix(".arn").map(str::to_string)
}

/// Whether the policies of `role` grant the documented KMS statements.
fn role_uses_keys(dir: &Dir<'_>, role: &str) -> (bool, bool) {
    let mut docs = Vec::new();
    for p in dir.resources("aws_iam_role_policy") {
        if p.attr("role").is_some_and(|r| text(r).starts_with(&format!("{role}."))) {
            if let Some(doc) = p.attr("policy").and_then(|e| dir.referenced(&text(e))) {
                docs.push(doc);
            }
        }
    }
    for a in dir.resources("aws_iam_role_policy_attachment") {
        if a.attr("role").is_some_and(|r| text(r).starts_with(&format!("{role}."))) {
            let policy = a.attr("policy_arn").and_then(|e| dir.referenced(&text(e)));
            if let Some(doc) = policy
                .and_then(|p| p.attr("policy"))
                .and_then(|e| dir.referenced(&text(e)))
            {
                docs.push(doc);
            }
        }
    }
    let stmts: Vec<_> = docs
        .into_iter()
        .flat_map(statements)
        .filter(|s| s.effect() == "Allow")
        .collect();
    let grants = stmts.iter().any(|s| {
        s.grants("kms:CreateGrant") && s.conditions().iter().any(|c| c.variable == "kms:GrantIsForAWSResource")
    });
    let uses = stmts.iter().any(|s| {
        s.grants("kms:Decrypt") && (s.grants("kms:GenerateDataKey*") || s.grants("kms:GenerateDataKeyWithoutPlaintext"))
    });
    (grants, uses)
}

fn check(tree: &Tree<'_>, sink: &mut Sink<'_>) {
    for dir in tree.dirs() {
        for addon in dir.resources("aws_eks_addon") {
            let Some(role) = csi_role(&dir, &addon) else { continue };
            let (grants, uses) = role_uses_keys(&dir, &role);
            let mut gaps = Vec::new();
            if !grants {
                gaps.push("kms:CreateGrant/ListGrants/RevokeGrant with kms:GrantIsForAWSResource");
            }
            if !uses {
                gaps.push("kms:Encrypt, kms:Decrypt, kms:ReEncrypt*, kms:GenerateDataKey*, kms:DescribeKey");
            }
            if !gaps.is_empty() {
                sink.at(
                    &dir,
                    &addon,
                    &format!(
                        "the EBS CSI driver's role {role} lacks {} on the volumes' KMS key, so encrypted volumes are never created and PVCs stay Pending",
                        gaps.join(" and ")
                    ),
                    "attach to the driver's role the two KMS statements of the EKS user guide (grants with kms:GrantIsForAWSResource = true, and key use) on the region's key ARN",
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::run;
    use super::RULE;

    const MODULE: &str = r#"
locals {
  after = {
    coredns            = null
    aws-ebs-csi-driver = aws_iam_role.irsa["ebs_csi"].arn
  }
}

resource "aws_iam_role" "irsa" {
  for_each = toset(["ebs_csi"])
}

data "aws_iam_policy_document" "csi_kms" {
  statement {
    actions   = ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"]
    resources = [var.kms_key_arn]
    condition {
      test     = "Bool"
      variable = "kms:GrantIsForAWSResource"
      values   = ["true"]
    }
  }

  statement {
    actions   = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"]
    resources = [var.kms_key_arn]
  }
}

resource "aws_iam_role_policy" "csi_kms" {
  role   = aws_iam_role.irsa["ebs_csi"].id
  policy = data.aws_iam_policy_document.csi_kms.json
}

resource "aws_eks_addon" "this" {
  for_each                 = local.after
  addon_name               = each.key
  service_account_role_arn = each.value
}
"#;

    #[test]
    fn passes_with_the_documented_statements() {
        assert!(run(&RULE, &[("m/main.tf", MODULE)]).is_empty());
    }

    #[test]
    fn fires_without_the_grant_statement() {
        let broken = MODULE.replace("\"kms:CreateGrant\", ", "");
        let msgs = run(&RULE, &[("m/main.tf", &broken)]);
        assert_eq!(msgs.len(), 1, "{msgs:?}");
        assert!(
            msgs[0].contains("AG004 line 35, resource \"aws_eks_addon\" \"this\""),
            "{msgs:?}"
        );
        assert!(
            msgs[0].contains("aws_iam_role.irsa[\"ebs_csi\"] lacks kms:CreateGrant"),
            "{msgs:?}"
        );
    }
}
