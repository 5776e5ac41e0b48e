//! AG019: the account-and-region-wide EBS settings (`aws_ebs_encryption_by_default`,
//! `aws_ebs_default_kms_key`) exist only where the inventory opted in: in a
//! module, behind a variable that defaults to off (a module call setting it
//! to `true`, e.g. `ebs_encryption_by_default = true`, is the opt-in); never
//! unconditionally, and never directly in a root.
//!
//! AWS fact: EBS encryption by default and the default EBS KMS key are
//! settings of the whole account in a region: they change every new volume
//! and snapshot copy made by anyone (other stacks, EKS, Karpenter, AMI
//! launches), and destroying the Terraform resource turns default encryption
//! off / resets the key for everyone.
//! Source: Amazon EBS User Guide, "Encryption by default"
//! (EnableEbsEncryptionByDefault, ModifyEbsDefaultKmsKeyId); Terraform AWS
//! provider docs, `aws_ebs_encryption_by_default` ("Removing this Terraform
//! resource disables default EBS encryption"), `aws_ebs_default_kms_key`.

use super::tree::{guard_variable, is_false, Tree};
use super::{Rule, Sink};

pub(super) const RULE: Rule = Rule {
    id: "AG019",
    summary: "account-wide EBS default encryption/key only behind an inventory opt-in that defaults to off",
    check,
};

const FIX: &str = "create it only behind a module variable that defaults to false (count = var.ebs_encryption_by_default ? 1 : 0), set true only by inventories that opt in (ebs_default_encryption: true)";

fn check(tree: &Tree<'_>, sink: &mut Sink<'_>) {
    for dir in tree.dirs() {
        for ty in ["aws_ebs_encryption_by_default", "aws_ebs_default_kms_key"] {
            for r in dir.resources(ty) {
                let problem = if dir.is_root() {
                    Some("a root takes over the account-and-region-wide EBS setting directly".to_string())
                } else {
                    match r.attr("count").and_then(guard_variable) {
                        None => Some("is created unconditionally: every caller takes over the account-and-region-wide EBS setting".into()),
                        Some((var, true)) => {
                            let default_off = dir.variable(&var).and_then(|v| v.attr("default")).is_some_and(is_false);
                            (!default_off).then(|| format!("its switch `{var}` does not default to false, so callers take over the account-wide setting without opting in"))
                        }
                        Some((var, false)) => Some(format!("is created when `{var}` is false: the opt-in is inverted")),
                    }
                };
                if let Some(p) = problem {
                    sink.at(&dir, &r, &p, FIX);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::run;
    use super::RULE;

    const KMS: &str = "variable \"ebs\" {\n  type    = bool\n  default = false\n}\n\nresource \"aws_ebs_encryption_by_default\" \"this\" {\n  count   = var.ebs ? 1 : 0\n  enabled = true\n}\n";

    #[test]
    fn fires_unless_behind_an_off_by_default_switch() {
        assert!(run(&RULE, &[("modules/kms/main.tf", KMS)]).is_empty());
        let always = KMS.replace("  count   = var.ebs ? 1 : 0\n", "");
        let msgs = run(&RULE, &[("modules/kms/main.tf", &always)]);
        assert_eq!(msgs.len(), 1, "{msgs:?}");
        assert!(
            msgs[0].contains(
                "AG019 line 6, resource \"aws_ebs_encryption_by_default\" \"this\": is created unconditionally"
            ),
            "{msgs:?}"
        );
        let on = KMS.replace("default = false", "default = true");
        assert!(run(&RULE, &[("modules/kms/main.tf", &on)])[0].contains("does not default to false"));
    }
}
