//! AG011: an RDS instance or Aurora cluster that exports logs to CloudWatch
//! depends on log groups it does not create itself: one per exported log,
//! named as RDS names them, KMS-encrypted, with a retention.
//!
//! AWS fact: RDS writes exported logs to `/aws/rds/instance/<id>/<log>`
//! (instances) or `/aws/rds/cluster/<id>/<log>` (Aurora and Multi-AZ
//! clusters) and creates a missing group itself, with no KMS key and
//! "Never expire"; a group created first (with `kms_key_id` and a retention)
//! is used as is, and creating it after RDS did fails with
//! ResourceAlreadyExistsException.
//! Source: Amazon RDS User Guide, "Publishing database logs to Amazon
//! CloudWatch Logs" (USER_LogAccess.Procedural.UploadtoCloudWatch);
//! terraform-aws-modules/rds `aws_cloudwatch_log_group.this` + `depends_on`.

use super::tree::{is_empty, text, texts, Dir, Item, Tree};
use super::{Rule, Sink};

pub(super) const RULE: Rule = Rule {
    id: "AG011",
    summary: "RDS/Aurora log exports go to KMS-encrypted log groups with retention, created first",
    check,
};

/// What is wrong with the log groups of `db` (None when they are right).
fn problem(dir: &Dir<'_>, db: &Item<'_>, kind: &str, id_key: &str) -> Option<String> {
    let exports = db.attr("enabled_cloudwatch_logs_exports")?;
    if is_empty(exports) {
        return None;
    }
    let depends = db.attr("depends_on").map(texts).unwrap_or_default();
    let groups: Vec<Item<'_>> = depends
        .iter()
        .filter_map(|d| dir.referenced(d))
        .filter(|i| i.label(0) == "aws_cloudwatch_log_group")
        .collect();
    if groups.is_empty() {
        return Some("no aws_cloudwatch_log_group of the exported logs is in its depends_on: RDS creates them itself, unencrypted and kept forever".into());
    }
    let prefix = format!("/aws/rds/{kind}/");
    let id = db.attr(id_key).map(text).unwrap_or_default();
    let id = if id.starts_with("var.") || id.starts_with("local.") {
        format!("${{{id}}}")
    } else {
        id
    };
    let exported = text(exports);
    let literal_logs = texts(exports);
    for g in &groups {
        let name = g.attr("name").map(text).unwrap_or_default();
        if !name.starts_with(&prefix) || !name.contains(&id) {
            return Some(format!(
                "{} is named \"{name}\", not {prefix}{id}/<log> where RDS writes",
                g.address()
            ));
        }
        if g.attr("kms_key_id").is_none() {
            return Some(format!("{} has no kms_key_id", g.address()));
        }
        if g.attr("retention_in_days").is_none_or(|r| text(r) == "0") {
            return Some(format!("{} keeps logs forever (no retention_in_days)", g.address()));
        }
        let for_each = g.attr("for_each").map(text).unwrap_or_default();
        let covers = for_each.contains(&exported)
            || literal_logs
                .iter()
                .all(|l| name.contains(l.as_str()) || for_each.contains(l.as_str()));
        if !covers {
            return Some(format!(
                "{} does not create one group per exported log ({exported})",
                g.address()
            ));
        }
    }
    None
}

fn check(tree: &Tree<'_>, sink: &mut Sink<'_>) {
    for dir in tree.dirs() {
        for (ty, kind, id) in [
            ("aws_db_instance", "instance", "identifier"),
            ("aws_rds_cluster", "cluster", "cluster_identifier"),
        ] {
            for db in dir.resources(ty) {
                if let Some(p) = problem(&dir, &db, kind, id) {
                    sink.at(
                        &dir,
                        &db,
                        &format!("exports logs to CloudWatch, but {p}"),
                        &format!("create aws_cloudwatch_log_group \"/aws/rds/{kind}/<{id}>/<log>\" for each exported log with kms_key_id and retention_in_days, and list it in the database's depends_on"),
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

    const RDS: &str = r#"
resource "aws_cloudwatch_log_group" "exports" {
  for_each          = toset(var.log_exports)
  name              = "/aws/rds/instance/${var.identifier}/${each.value}"
  retention_in_days = 365
  kms_key_id        = var.kms_key_arn
}

resource "aws_db_instance" "this" {
  identifier                      = var.identifier
  enabled_cloudwatch_logs_exports = var.log_exports
  depends_on                      = [aws_cloudwatch_log_group.exports]
}
"#;

    #[test]
    fn passes_with_groups_created_first() {
        assert!(run(&RULE, &[("m/main.tf", RDS)]).is_empty());
    }

    #[test]
    fn fires_without_depends_on_or_without_a_key() {
        let late = RDS.replace(
            "  depends_on                      = [aws_cloudwatch_log_group.exports]\n",
            "",
        );
        let msgs = run(&RULE, &[("m/main.tf", &late)]);
        assert_eq!(msgs.len(), 1, "{msgs:?}");
        assert!(msgs[0].contains("AG011 line 9, resource \"aws_db_instance\" \"this\": exports logs to CloudWatch, but no aws_cloudwatch_log_group"), "{msgs:?}");
        let plain = RDS.replace("  kms_key_id        = var.kms_key_arn\n", "");
        assert!(run(&RULE, &[("m/main.tf", &plain)])[0].contains("has no kms_key_id"));
        let wrong = RDS.replace("/aws/rds/instance/", "/rds/");
        assert!(run(&RULE, &[("m/main.tf", &wrong)])[0].contains("where RDS writes"));
    }
}
