//! AG005: an RDS or Aurora `engine_version` must not pin a minor version
//! while automatic minor version upgrades are on.
//!
//! AWS fact: RDS applies minor upgrades itself when `auto_minor_version_upgrade`
//! is true (the provider's default), after which every plan tries to
//! "downgrade" to the pinned minor; and old minors stop being creatable (each
//! minor has its own end of standard support). The provider documents giving
//! a version prefix such as `16` when auto minor upgrades are on, the running
//! version being `engine_version_actual`.
//! Source: Terraform AWS provider docs, `aws_db_instance.engine_version` and
//! `aws_rds_cluster.engine_version`; Amazon RDS User Guide, "Upgrading a DB
//! instance engine version" (automatic minor version upgrades).

use super::tree::{first_var, text, Dir, Item, Tree};
use super::{Rule, Sink};
use hcl::Expression;

pub(super) const RULE: Rule = Rule {
    id: "AG005",
    summary: "RDS/Aurora engine_version is a major version while auto minor version upgrades are on",
    check,
};

const TYPES: [&str; 3] = ["aws_db_instance", "aws_rds_cluster", "aws_rds_global_cluster"];
const FIX: &str = "give the major version only (e.g. \"16\" for PostgreSQL, \"8.4\" for MySQL; the running version is engine_version_actual), or turn auto_minor_version_upgrade off and own minor upgrades";

/// Whether `version` of `engine` (None: unknown) names a minor version.
fn pins_minor(engine: Option<&str>, version: &str) -> bool {
    let parts = version.split('.').count();
    match engine {
        Some(e) if e.contains("postgres") => parts >= 2,
        _ => parts >= 3,
    }
}

/// Whether automatic minor upgrades are on for `db` (given the call's values).
fn auto_upgrades(dir: &Dir<'_>, db: &Item<'_>, value: &dyn Fn(&Expression) -> Option<bool>) -> bool {
    let flag = |e: Option<&Expression>| e.and_then(value).unwrap_or(true);
    if db.label(0) == "aws_db_instance" {
        return flag(db.attr("auto_minor_version_upgrade"));
    }
    let instances: Vec<Item<'_>> = dir.resources("aws_rds_cluster_instance").collect();
    if instances.is_empty() {
        return flag(db.attr("auto_minor_version_upgrade"));
    }
    instances.iter().any(|i| flag(i.attr("auto_minor_version_upgrade")))
}

fn literal_bool(e: &Expression) -> Option<bool> {
    match e {
        Expression::Bool(b) => Some(*b),
        _ => None,
    }
}

fn check(tree: &Tree<'_>, sink: &mut Sink<'_>) {
    for dir in tree.dirs() {
        // Literal versions in resources.
        for db in dir
            .blocks()
            .filter(|i| i.block.identifier() == "resource" && TYPES.contains(&i.label(0)))
        {
            let Some(Expression::String(version)) = db.attr("engine_version") else {
                continue;
            };
            let engine = match db.attr("engine") {
                Some(Expression::String(e)) => Some(e.as_str()),
                _ => None,
            };
            if pins_minor(engine, version) && auto_upgrades(&dir, &db, &literal_bool) {
                sink.at(
                    &dir,
                    &db,
                    &format!(
                        "engine_version \"{version}\" pins a minor version while auto minor version upgrades are on"
                    ),
                    FIX,
                );
            }
        }
        // Versions given to database modules.
        for call in dir.calls() {
            let Some(module) = call.module() else { continue };
            for db in module
                .blocks()
                .filter(|i| i.block.identifier() == "resource" && TYPES.contains(&i.label(0)))
            {
                let var_of = |key: &str| {
                    db.attr(key)
                        .map(text)
                        .and_then(|t| t.strip_prefix("var.").map(str::to_string))
                };
                let Some(version_var) = var_of("engine_version") else {
                    continue;
                };
                let Some(Expression::String(version)) = call.value(&version_var) else {
                    continue;
                };
                let engine = match db.attr("engine") {
                    Some(Expression::String(e)) => Some(e.clone()),
                    Some(e) => first_var(&text(e)).and_then(|v| match call.value(&v) {
                        Some(Expression::String(e)) => Some(e.clone()),
                        _ => None,
                    }),
                    None => None,
                };
                let value = |e: &Expression| match e {
                    Expression::Bool(b) => Some(*b),
                    other => text(other).strip_prefix("var.").and_then(|v| call.flag(v)),
                };
                if pins_minor(engine.as_deref(), version) && auto_upgrades(&module, &db, &value) {
                    sink.report(
                        call.item.file,
                        call.line(),
                        &call.item.header(),
                        &format!(
                            "`{version_var} = \"{version}\"` pins a minor version while {} in {} upgrades minors automatically",
                            db.header(),
                            module.path.display()
                        ),
                        FIX,
                    );
                    break;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::run;
    use super::{pins_minor, RULE};

    #[test]
    fn knows_majors_per_engine() {
        assert!(pins_minor(Some("postgres"), "16.4"));
        assert!(!pins_minor(Some("postgres"), "16"));
        assert!(!pins_minor(Some("mysql"), "8.4"));
        assert!(pins_minor(Some("mysql"), "8.0.35"));
        assert!(pins_minor(Some("aurora-mysql"), "8.0.mysql_aurora.3.10.0"));
    }

    const MODULE: &str = r#"
variable "engine_version" {
  type = string
}

variable "auto" {
  type    = bool
  default = true
}

resource "aws_db_instance" "this" {
  engine                     = "postgres"
  engine_version             = var.engine_version
  auto_minor_version_upgrade = var.auto
}
"#;

    #[test]
    fn fires_on_a_pinned_minor_with_auto_upgrades() {
        let root = "module \"db\" {\n  source         = \"../modules/rds\"\n  engine_version = \"16.4\"\n}\n";
        let msgs = run(&RULE, &[("modules/rds/main.tf", MODULE), ("a/main.tf", root)]);
        assert_eq!(msgs.len(), 1, "{msgs:?}");
        assert!(
            msgs[0].contains("AG005 line 1, module \"db\": `engine_version = \"16.4\"` pins a minor"),
            "{msgs:?}"
        );
        let off = root.replace("\"16.4\"\n", "\"16.4\"\n  auto           = false\n");
        assert!(run(&RULE, &[("modules/rds/main.tf", MODULE), ("a/main.tf", &off)]).is_empty());
        let major = root.replace("16.4", "16");
        assert!(run(&RULE, &[("modules/rds/main.tf", MODULE), ("a/main.tf", &major)]).is_empty());
    }

    #[test]
    fn fires_on_a_literal_in_a_resource() {
        let r = "resource \"aws_rds_cluster\" \"c\" {\n  engine         = \"aurora-postgresql\"\n  engine_version = \"16.4\"\n}\n";
        assert_eq!(run(&RULE, &[("m/main.tf", r)]).len(), 1);
    }
}
