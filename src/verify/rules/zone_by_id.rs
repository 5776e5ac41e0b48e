//! AG006: hosted zones are named by ID (or created), never looked up by name.
//!
//! AWS fact: `data "aws_route53_zone"` with `name` fails the plan when no
//! zone of that name exists in the account (e.g. a placeholder such as
//! `example.com`, or a zone not yet delegated), and a name can match a zone
//! of another account's delegation or several private/public zones; zone IDs
//! are unique. A first DR apply must not depend on such a lookup.
//! Source: Terraform AWS provider docs, data source `aws_route53_zone`
//! ("The arguments of this data source act as filters ... will fail if no
//! zone matches"); Route 53 API `ListHostedZonesByName`.

use super::tree::Tree;
use super::{Rule, Sink};

pub(super) const RULE: Rule = Rule {
    id: "AG006",
    summary: "no hosted zone is looked up by name (zones come by ID or are created)",
    check,
};

fn check(tree: &Tree<'_>, sink: &mut Sink<'_>) {
    for dir in tree.dirs() {
        for zone in dir.data("aws_route53_zone") {
            if zone.attr("zone_id").is_none() {
                sink.at(
                    &dir,
                    &zone,
                    "looks the hosted zone up by name: the plan fails when no such zone exists (a placeholder, or one not created yet)",
                    "name the zone by ID (inventory `zone_id`) or let the bootstrap root create it and read its ID from the fact store",
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::run;
    use super::RULE;

    #[test]
    fn fires_on_a_lookup_by_name_only() {
        let by_name = "data \"aws_route53_zone\" \"z\" {\n  name = \"example.com\"\n}\n";
        let msgs = run(&RULE, &[("a/main.tf", by_name)]);
        assert_eq!(msgs.len(), 1);
        assert!(
            msgs[0].starts_with(
                "a/main.tf: AG006 line 1, data \"aws_route53_zone\" \"z\": looks the hosted zone up by name"
            ),
            "{msgs:?}"
        );
        let by_id = "data \"aws_route53_zone\" \"z\" {\n  zone_id = var.zone_id\n}\n";
        assert!(run(&RULE, &[("a/main.tf", by_id)]).is_empty());
    }
}
