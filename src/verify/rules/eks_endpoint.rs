//! AG003: a root whose Helm (or Kubernetes) provider talks to an EKS cluster
//! must reach an API endpoint that is public but limited to the
//! administrators' CIDRs: non-empty, never `0.0.0.0/0`.
//!
//! AWS fact: with `endpoint_public_access = false` the Kubernetes API answers
//! only inside the VPC (and the cluster security group admits nothing else on
//! 443), so Terraform's Helm provider run from a workstation or CI runner
//! outside the VPC cannot apply the root; with the public endpoint on and no
//! `public_access_cidrs`, EKS defaults them to `0.0.0.0/0` (the API open to
//! the internet).
//! Source: Amazon EKS User Guide, "Cluster API server endpoint"
//! (cluster-endpoint); EKS API `VpcConfigRequest.publicAccessCidrs`.

use super::tree::{attr, blocks, text, texts, Call, Dir, Item, Tree};
use super::{Rule, Sink};
use hcl::{Body, Expression};

pub(super) const RULE: Rule = Rule {
    id: "AG003",
    summary:
        "a root with a Helm provider reaches its EKS API through a public endpoint limited to non-empty admin CIDRs",
    check,
};

const FIX: &str = "keep the endpoint private and public only for a required admin_cidrs variable (validated: at least one range, never /0), passed as the cluster's public_access_cidrs";

/// The `module.X` label a provider's cluster endpoint reads, if any.
fn cluster_call(body: &Body) -> Option<String> {
    let mut all: Vec<String> = body.attributes().map(|a| text(a.expr())).collect();
    for b in body.blocks() {
        all.extend(b.body().attributes().map(|a| text(a.expr())));
    }
    all.iter().find_map(|t| {
        let start = t.find("module.")?;
        let rest = &t[start + 7..];
        let label: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
        rest[label.len()..].starts_with(".cluster_endpoint").then_some(label)
    })
}

/// `vpc_config` of the module's cluster, with the cluster block.
fn vpc_config<'a>(module: &Dir<'a>) -> Option<(Item<'a>, &'a Body)> {
    let cluster = module.resources("aws_eks_cluster").next()?;
    let vpc = blocks(cluster.body(), "vpc_config").next()?;
    Some((cluster, vpc.body()))
}

/// Whether the root variable `name` is required non-empty and never /0.
fn validated(root: &Dir<'_>, name: &str) -> bool {
    let Some(v) = root.variable(name) else { return false };
    let conditions: Vec<String> = blocks(v.body(), "validation")
        .filter_map(|b| attr(b.body(), "condition").map(text))
        .collect();
    let default_ok = v
        .attr("default")
        .is_none_or(|d| !texts(d).is_empty() && !texts(d).iter().any(|c| c.ends_with("/0")));
    default_ok
        && conditions
            .iter()
            .any(|c| c.contains(&format!("length(var.{name}) > 0")) && c.contains("/0"))
}

/// What is wrong with the CIDRs `call` gives the cluster's public endpoint.
fn cidr_problem(root: &Dir<'_>, call: &Call<'_>, var: &str) -> Option<String> {
    let Some(value) = call.value(var) else {
        return Some(format!(
            "`{var}` is not set: the endpoint stays private and Helm cannot reach it"
        ));
    };
    match value {
        Expression::Array(_) | Expression::Null => {
            let cidrs = texts(value);
            if cidrs.is_empty() || matches!(value, Expression::Null) {
                Some(format!(
                    "`{var}` is empty: the endpoint stays private and Helm cannot reach it"
                ))
            } else if cidrs.iter().any(|c| c.ends_with("/0")) {
                Some(format!("`{var}` opens the API to the internet ({})", cidrs.join(", ")))
            } else {
                None
            }
        }
        other => {
            let t = text(other);
            match t.strip_prefix("var.") {
                Some(v) if validated(root, v) => None,
                Some(v) => Some(format!(
                    "`{var}` is the root variable `{v}`, which may be empty or /0 (it needs no default and a validation `length(var.{v}) > 0` that rejects /0)"
                )),
                None => None,
            }
        }
    }
}

fn check(tree: &Tree<'_>, sink: &mut Sink<'_>) {
    for dir in tree.dirs() {
        // Any cluster: a public endpoint without CIDRs is open to the world.
        for cluster in dir.resources("aws_eks_cluster") {
            for vpc in blocks(cluster.body(), "vpc_config") {
                let public = attr(vpc.body(), "endpoint_public_access");
                let cidrs = attr(vpc.body(), "public_access_cidrs");
                let open = match cidrs {
                    None => public.is_some_and(|p| !matches!(p, Expression::Bool(false))),
                    Some(c) => texts(c).iter().any(|t| t == "0.0.0.0/0"),
                };
                if open {
                    sink.at(&dir, &cluster, "the public API endpoint is open to 0.0.0.0/0", FIX);
                }
            }
        }
        if !dir.is_root() {
            continue;
        }
        for provider in dir
            .blocks()
            .filter(|i| i.block.identifier() == "provider" && matches!(i.label(0), "helm" | "kubernetes"))
        {
            let Some(label) = cluster_call(provider.body()) else {
                continue;
            };
            let Some(call) = dir.call(&label) else { continue };
            let Some(module) = call.module() else { continue };
            let Some((cluster, vpc)) = vpc_config(&module) else {
                continue;
            };
            if attr(vpc, "endpoint_public_access").is_some_and(|e| matches!(e, Expression::Bool(false))) {
                sink.at(
                    &dir,
                    &provider,
                    &format!("the cluster of module \"{label}\" has a private-only endpoint ({} in {}), so this provider cannot reach it from outside the VPC", cluster.header(), module.path.display()),
                    FIX,
                );
                continue;
            }
            let var = attr(vpc, "public_access_cidrs").map(text).and_then(|t| {
                let start = t.find("var.")?;
                Some(
                    t[start + 4..]
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect::<String>(),
                )
            });
            let Some(var) = var else { continue };
            if let Some(problem) = cidr_problem(&dir, &call, &var) {
                sink.report(
                    call.item.file,
                    call.line(),
                    &call.item.header(),
                    &format!("{} reaches this cluster's API, but {problem}", provider.header()),
                    FIX,
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::run;
    use super::RULE;

    const EKS: &str = r#"
variable "public_access_cidrs" {
  type    = list(string)
  default = []
}

resource "aws_eks_cluster" "this" {
  vpc_config {
    endpoint_public_access = length(var.public_access_cidrs) > 0
    public_access_cidrs    = length(var.public_access_cidrs) > 0 ? var.public_access_cidrs : null
  }
}
"#;

    const VARS: &str = r#"
variable "admin_cidrs" {
  type = list(string)

  validation {
    condition     = length(var.admin_cidrs) > 0 && alltrue([for c in var.admin_cidrs : !endswith(c, "/0")])
    error_message = "x"
  }
}
"#;

    fn root(arg: &str) -> String {
        format!("provider \"helm\" {{\n  kubernetes = {{\n    host = module.k.cluster_endpoint\n  }}\n}}\n\nmodule \"k\" {{\n  source = \"../modules/eks\"\n{arg}\n}}\n")
    }

    #[test]
    fn passes_with_validated_admin_cidrs() {
        let r = root("  public_access_cidrs = var.admin_cidrs");
        let msgs = run(
            &RULE,
            &[
                ("modules/eks/main.tf", EKS),
                ("a/main.tf", &r),
                ("a/variables.tf", VARS),
            ],
        );
        assert!(msgs.is_empty(), "{msgs:?}");
    }

    #[test]
    fn fires_without_cidrs_with_open_cidrs_or_an_unvalidated_variable() {
        for (arg, want) in [
            ("", "is empty"),
            (
                "  public_access_cidrs = [\"0.0.0.0/0\"]",
                "opens the API to the internet",
            ),
            ("  public_access_cidrs = var.other", "may be empty or /0"),
        ] {
            let r = root(arg);
            let vars = format!("{VARS}\nvariable \"other\" {{\n  type = list(string)\n}}\n");
            let msgs = run(
                &RULE,
                &[
                    ("modules/eks/main.tf", EKS),
                    ("a/main.tf", &r),
                    ("a/variables.tf", &vars),
                ],
            );
            assert_eq!(msgs.len(), 1, "{msgs:?}");
            assert!(
                msgs[0].contains("AG003 line 7, module \"k\"") && msgs[0].contains(want),
                "{msgs:?}"
            );
        }
    }

    #[test]
    fn fires_on_a_private_only_endpoint_and_on_an_open_one() {
        let private = EKS.replace("length(var.public_access_cidrs) > 0\n", "false\n");
        let r = root("  public_access_cidrs = var.admin_cidrs");
        let msgs = run(
            &RULE,
            &[
                ("modules/eks/main.tf", &private),
                ("a/main.tf", &r),
                ("a/variables.tf", VARS),
            ],
        );
        assert!(msgs.iter().any(|m| m.contains("private-only endpoint")), "{msgs:?}");
        let open = "resource \"aws_eks_cluster\" \"c\" {\n  vpc_config {\n    endpoint_public_access = true\n  }\n}\n";
        let msgs = run(&RULE, &[("m/main.tf", open)]);
        assert!(msgs[0].contains("open to 0.0.0.0/0"), "{msgs:?}");
    }
}
