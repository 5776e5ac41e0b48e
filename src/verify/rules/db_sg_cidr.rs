//! AG015: a database's security group admits its clients' security groups
//! (and the peer region's range where DR needs it), never its whole VPC.
//!
//! AWS fact: a security-group rule that references another security group
//! admits only the network interfaces in that group; a rule for the VPC CIDR
//! admits every interface in the VPC (load balancers, NAT, any future
//! workload). AWS recommends granting database access by security group.
//! Source: Amazon VPC User Guide, "Security group rules" (referencing
//! security groups); Amazon RDS User Guide, "Controlling access with
//! security groups" (Overview.RDSSecurityGroups).

use super::tree::{attr, text, texts, Dir, Item, Tree};
use super::{Rule, Sink};
use std::path::PathBuf;

pub(super) const RULE: Rule = Rule {
    id: "AG015",
    summary: "a database security group admits client security groups, not the whole VPC CIDR",
    check,
};

const FIX: &str = "admit the clients' security groups (referenced_security_group_id), plus the peer region's CIDR only where DR clients use this database";

/// Whether `t` reads as the VPC's own range.
fn is_vpc_range(t: &str) -> bool {
    t.contains("vpc_cidr") || (t.contains("aws_vpc.") && t.contains("cidr_block"))
}

/// Security groups of the databases of `dir`: the directory declaring each
/// and its address there. A group may come from a child module as one of its
/// outputs (rds and aurora get theirs from db_common as
/// `module.common.security_group_id`): it is then the child's resource.
fn database_groups(dir: &Dir<'_>) -> Vec<(PathBuf, String)> {
    dir.resources("aws_db_instance")
        .chain(dir.resources("aws_rds_cluster"))
        .flat_map(|db| db.attr("vpc_security_group_ids").map(texts).unwrap_or_default())
        .filter_map(|t| group_of(dir, &t, 0))
        .collect()
}

/// The security group `t` (`aws_security_group.x.id`, or a module output
/// that is one, a few calls deep) names, with the directory declaring it.
fn group_of(dir: &Dir<'_>, t: &str, depth: usize) -> Option<(PathBuf, String)> {
    let Some(rest) = t.strip_prefix("module.") else {
        return t.strip_suffix(".id").map(|g| (dir.path.to_path_buf(), g.to_string()));
    };
    let (label, output) = rest.split_once('.')?;
    let child = dir.call(label)?.module()?;
    let value = child
        .blocks()
        .find(|i| i.block.identifier() == "output" && i.label(0) == output)?
        .attr("value")?;
    (depth < 4).then(|| group_of(&child, &text(value), depth + 1))?
}

fn has_database(dir: &Dir<'_>) -> bool {
    !database_groups(dir).is_empty()
}

fn check(tree: &Tree<'_>, sink: &mut Sink<'_>) {
    // Groups by the directory declaring them: a child module's rules admit
    // clients to the database of its caller.
    let all: Vec<(PathBuf, String)> = tree.dirs().flat_map(|d| database_groups(&d)).collect();
    for dir in tree.dirs() {
        let groups: Vec<&String> = all.iter().filter(|(p, _)| p == dir.path).map(|(_, g)| g).collect();
        let rules: Vec<Item<'_>> = dir
            .resources("aws_vpc_security_group_ingress_rule")
            .chain(dir.resources("aws_security_group_rule"))
            .collect();
        for rule in rules {
            let sg = rule.attr("security_group_id").map(text).unwrap_or_default();
            if !groups.iter().any(|g| sg.starts_with(&format!("{g}."))) {
                continue;
            }
            let ranges = ["cidr_ipv4", "cidr_blocks"]
                .iter()
                .filter_map(|k| rule.attr(k))
                .map(|e| dir.resolved(e))
                .find(|t| is_vpc_range(t));
            if let Some(range) = ranges {
                sink.at(&dir, &rule, &format!("admits the database's whole VPC ({range})"), FIX);
            }
        }
        // Root: ranges handed to database modules.
        let vpc_ranges: Vec<String> = dir
            .calls()
            .filter_map(|c| attr(c.item.body(), "cidr").map(text))
            .collect();
        for call in dir.calls() {
            if !call.module().is_some_and(|m| has_database(&m)) {
                continue;
            }
            for a in call.item.body().attributes().filter(|a| a.key().contains("cidr")) {
                for v in texts(a.expr()) {
                    let own_vpc =
                        vpc_ranges.contains(&v) || (v.starts_with("module.") && v.ends_with(".vpc_cidr_block"));
                    if own_vpc {
                        sink.report(
                            call.item.file,
                            call.line(),
                            &call.item.header(),
                            &format!("`{}` admits the database's own VPC range ({v})", a.key()),
                            FIX,
                        );
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

    const DB: &str = r#"
resource "aws_security_group" "db" {}

resource "aws_vpc_security_group_ingress_rule" "clients" {
  security_group_id            = aws_security_group.db.id
  referenced_security_group_id = var.client_sg
}

resource "aws_db_instance" "this" {
  vpc_security_group_ids = [aws_security_group.db.id]
}
"#;

    #[test]
    fn fires_on_a_vpc_wide_rule() {
        assert!(run(&RULE, &[("m/main.tf", DB)]).is_empty());
        let wide = DB.replace(
            "referenced_security_group_id = var.client_sg",
            "cidr_ipv4                    = var.vpc_cidr",
        );
        let msgs = run(&RULE, &[("m/main.tf", &wide)]);
        assert_eq!(msgs.len(), 1, "{msgs:?}");
        assert!(msgs[0].contains("AG015 line 4, resource \"aws_vpc_security_group_ingress_rule\" \"clients\": admits the database's whole VPC (var.vpc_cidr)"), "{msgs:?}");
    }

    /// A database module whose security group (and its rules) a child
    /// module creates, as rds and aurora get theirs from db_common.
    const CALLER: &str = "module \"common\" {\n  source = \"../db_common\"\n}\n\nresource \"aws_db_instance\" \"this\" {\n  vpc_security_group_ids = [module.common.security_group_id]\n}\n";

    fn child(rule: &str) -> String {
        format!("resource \"aws_security_group\" \"this\" {{}}\n\nresource \"aws_vpc_security_group_ingress_rule\" \"clients\" {{\n  security_group_id = aws_security_group.this.id\n  {rule}\n}}\n\noutput \"security_group_id\" {{\n  value = aws_security_group.this.id\n}}\n")
    }

    #[test]
    fn follows_a_group_a_child_module_creates() {
        let ok = child("referenced_security_group_id = var.client_sg");
        assert!(run(
            &RULE,
            &[("modules/rds/main.tf", CALLER), ("modules/db_common/main.tf", &ok)]
        )
        .is_empty());
        let wide = child("cidr_ipv4         = var.vpc_cidr");
        let msgs = run(
            &RULE,
            &[("modules/rds/main.tf", CALLER), ("modules/db_common/main.tf", &wide)],
        );
        assert_eq!(msgs.len(), 1, "{msgs:?}");
        assert!(
            msgs[0].starts_with("modules/db_common/main.tf: AG015 line 3, resource \"aws_vpc_security_group_ingress_rule\" \"clients\": admits the database's whole VPC (var.vpc_cidr)"),
            "{msgs:?}"
        );
        // A root handing its own VPC range to such a module is found too.
        let root = "module \"net\" {\n  source = \"../modules/vpc\"\n  cidr   = \"10.0.0.0/16\"\n}\n\nmodule \"db\" {\n  source              = \"../modules/rds\"\n  allowed_cidr_blocks = [module.net.vpc_cidr_block]\n}\n";
        let msgs = run(
            &RULE,
            &[
                ("modules/rds/main.tf", CALLER),
                ("modules/db_common/main.tf", &ok),
                ("modules/vpc/main.tf", "resource \"aws_vpc\" \"v\" {}\n"),
                ("a/main.tf", root),
            ],
        );
        assert_eq!(msgs.len(), 1, "{msgs:?}");
        assert!(
            msgs[0].contains("`allowed_cidr_blocks` admits the database's own VPC range"),
            "{msgs:?}"
        );
    }

    #[test]
    fn fires_on_the_own_vpc_range_handed_to_a_database_module() {
        let root = "module \"net\" {\n  source = \"../modules/vpc\"\n  cidr   = \"10.0.0.0/16\"\n}\n\nmodule \"db\" {\n  source              = \"../modules/rds\"\n  allowed_cidr_blocks = [module.net.vpc_cidr_block]\n}\n";
        let msgs = run(
            &RULE,
            &[
                ("modules/rds/main.tf", DB),
                ("modules/vpc/main.tf", "resource \"aws_vpc\" \"v\" {}\n"),
                ("a/main.tf", root),
            ],
        );
        assert_eq!(msgs.len(), 1, "{msgs:?}");
        assert!(
            msgs[0].contains("module \"db\": `allowed_cidr_blocks` admits the database's own VPC range"),
            "{msgs:?}"
        );
        let peer = root.replace("[module.net.vpc_cidr_block]", "[\"10.1.0.0/16\"]");
        assert!(run(
            &RULE,
            &[
                ("modules/rds/main.tf", DB),
                ("modules/vpc/main.tf", "resource \"aws_vpc\" \"v\" {}\n"),
                ("a/main.tf", &peer)
            ]
        )
        .is_empty());
    }
}
