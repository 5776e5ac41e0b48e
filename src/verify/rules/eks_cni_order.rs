//! AG002: EKS nodes need the VPC CNI before they can become Ready. A managed
//! node group must depend on the `vpc-cni` add-on (created before compute),
//! unless the node role itself carries `AmazonEKS_CNI_Policy`.
//!
//! AWS fact: the aws-node (VPC CNI) pods need IAM permissions to assign pod
//! IPs; "if you don't use IRSA or EKS Pod Identity to give permissions to the
//! VPC CNI pods, then you must provide permissions for the VPC CNI on the
//! instance role". With the add-on (and its IRSA role) created after the node
//! group and no CNI policy on the node role, nodes never become Ready and the
//! node group creation times out. terraform-aws-modules/eks creates vpc-cni
//! with `before_compute = true` for this reason.
//! Source: Amazon EKS User Guide, create-node-role ("Amazon EKS node IAM
//! role") and the vpc-cni add-on pages; terraform-aws-modules/eks v21 `addons`.

use super::tree::{for_each_keys, text, texts, Dir, Item, Tree};
use super::{Rule, Sink};

pub(super) const RULE: Rule = Rule {
    id: "AG002",
    summary: "an EKS node group depends on the vpc-cni add-on, or its node role has the CNI policy",
    check,
};

/// Add-on names an `aws_eks_addon` block creates.
fn addon_names(dir: &Dir<'_>, addon: &Item<'_>) -> Vec<String> {
    match addon.attr("addon_name").map(text) {
        Some(n) if n == "each.key" => for_each_keys(dir, addon).unwrap_or_default(),
        Some(n) => vec![n],
        None => Vec::new(),
    }
}

/// Whether a policy attachment of role `role` (its address) attaches the CNI policy.
fn role_has_cni_policy(dir: &Dir<'_>, role: &str) -> bool {
    dir.resources("aws_iam_role_policy_attachment").any(|a| {
        let names_role = a.attr("role").is_some_and(|r| text(r).starts_with(&format!("{role}.")));
        let policies = format!(
            "{} {}",
            a.attr("policy_arn").map(text).unwrap_or_default(),
            a.attr("for_each").map(|e| dir.resolved(e)).unwrap_or_default()
        );
        names_role && policies.contains("AmazonEKS_CNI_Policy")
    })
}

fn check(tree: &Tree<'_>, sink: &mut Sink<'_>) {
    for dir in tree.dirs() {
        let cni: Vec<Item<'_>> = dir
            .resources("aws_eks_addon")
            .filter(|a| addon_names(&dir, a).iter().any(|n| n == "vpc-cni"))
            .collect();
        for group in dir.resources("aws_eks_node_group") {
            let depends: Vec<String> = group.attr("depends_on").map(texts).unwrap_or_default();
            if cni.iter().any(|a| depends.contains(&a.address())) {
                continue;
            }
            let role = group
                .attr("node_role_arn")
                .map(text)
                .and_then(|r| r.strip_suffix(".arn").map(str::to_string))
                .unwrap_or_default();
            if role_has_cni_policy(&dir, &role) {
                continue;
            }
            let order = match cni.first() {
                Some(a) => format!("the vpc-cni add-on ({}) is not in its depends_on", a.address()),
                None => "no vpc-cni add-on is created before it".into(),
            };
            sink.at(
                &dir,
                &group,
                &format!("{order} and the node role ({role}) has no AmazonEKS_CNI_Policy, so the nodes never become Ready"),
                "create the vpc-cni add-on with its IRSA or Pod Identity role before compute and list it in the node group's depends_on (terraform-aws-modules/eks `before_compute`), or attach AmazonEKS_CNI_Policy to the node role",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::run;
    use super::RULE;

    const BEFORE: &str = r#"
locals {
  early = {
    vpc-cni    = null
    kube-proxy = null
  }
}

resource "aws_iam_role" "node" {}

resource "aws_eks_addon" "before_compute" {
  for_each   = local.early
  addon_name = each.key
}

resource "aws_eks_node_group" "this" {
  node_role_arn = aws_iam_role.node.arn
  depends_on    = [aws_eks_addon.before_compute]
}
"#;

    #[test]
    fn passes_when_vpc_cni_comes_first() {
        assert!(run(&RULE, &[("m/main.tf", BEFORE)]).is_empty());
    }

    #[test]
    fn fires_when_vpc_cni_comes_after_and_the_node_role_lacks_the_policy() {
        let after = BEFORE.replace("depends_on    = [aws_eks_addon.before_compute]", "depends_on    = []");
        let msgs = run(&RULE, &[("m/main.tf", &after)]);
        assert_eq!(msgs.len(), 1, "{msgs:?}");
        assert!(
            msgs[0].contains("AG002 line 16, resource \"aws_eks_node_group\" \"this\""),
            "{msgs:?}"
        );
        assert!(msgs[0].contains("never become Ready"), "{msgs:?}");
        let with_policy = format!(
            "{after}\nresource \"aws_iam_role_policy_attachment\" \"node\" {{\n  for_each   = toset([\"AmazonEKS_CNI_Policy\"])\n  role       = aws_iam_role.node.name\n  policy_arn = each.value\n}}\n"
        );
        assert!(run(&RULE, &[("m/main.tf", &with_policy)]).is_empty());
    }
}
