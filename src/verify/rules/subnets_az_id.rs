//! AG007: subnets are placed by AZ ID, and a region's VPC that hosts an EKS
//! cluster leaves out the AZ IDs where EKS cannot run a control plane.
//!
//! AWS fact: AZ names (`us-east-1a`) map to different physical zones in each
//! account, AZ IDs (`use1-az1`) do not; EKS rejects cluster subnets in
//! `use1-az3`, `usw1-az2` and `cac1-az3` with
//! `UnsupportedAvailabilityZoneException`.
//! Source: AWS RAM User Guide, "Availability Zone IDs for your AWS
//! resources"; Amazon EKS User Guide, network-reqs ("Subnet requirements for
//! clusters"); the list is `catalog::EKS_UNSUPPORTED_AZ_IDS`.

use super::tree::{attr, text, texts, Dir, Tree};
use super::{Rule, Sink};
use crate::catalog::eks_unsupported_az_ids;

pub(super) const RULE: Rule = Rule {
    id: "AG007",
    summary: "subnets by availability_zone_id; EKS regions' VPCs exclude the AZ IDs EKS does not support",
    check,
};

/// Whether module `dir` holds an EKS cluster.
fn has_cluster(dir: &Dir<'_>) -> bool {
    dir.resources("aws_eks_cluster").next().is_some()
}

fn check(tree: &Tree<'_>, sink: &mut Sink<'_>) {
    for dir in tree.dirs() {
        for subnet in dir.resources("aws_subnet") {
            if subnet.attr("availability_zone").is_some() && subnet.attr("availability_zone_id").is_none() {
                sink.at(
                    &dir,
                    &subnet,
                    "places the subnet by AZ name, which maps to a different zone in every account",
                    "set availability_zone_id from data.aws_availability_zones.zone_ids (with exclude_zone_ids for EKS)",
                );
            }
        }
        if !dir.is_root() || !dir.calls().any(|c| c.module().is_some_and(|m| has_cluster(&m))) {
            continue;
        }
        let Some(region) = dir.region() else { continue };
        let unsupported = eks_unsupported_az_ids(&region);
        if unsupported.is_empty() {
            continue;
        }
        for call in dir.calls() {
            let Some(module) = call.module() else { continue };
            let Some(zones) = module.data("aws_availability_zones").next() else {
                continue;
            };
            let excluded = match attr(zones.body(), "exclude_zone_ids").map(text) {
                Some(t) => match t.strip_prefix("var.") {
                    Some(v) => call.value(v).map(texts).unwrap_or_default(),
                    None => zones.attr("exclude_zone_ids").map(texts).unwrap_or_default(),
                },
                None => Vec::new(),
            };
            let missing: Vec<&str> = unsupported
                .iter()
                .copied()
                .filter(|id| !excluded.iter().any(|e| e == id))
                .collect();
            if !missing.is_empty() {
                sink.report(
                    call.item.file,
                    call.line(),
                    &call.item.header(),
                    &format!(
                        "this root runs an EKS cluster in {region}, but its VPC may place subnets in {}, where EKS rejects the cluster (UnsupportedAvailabilityZoneException)",
                        missing.join(", ")
                    ),
                    &format!("exclude the AZ IDs EKS does not support: pass [{}] to the VPC's exclude_zone_ids", missing.iter().map(|m| format!("\"{m}\"")).collect::<Vec<_>>().join(", ")),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::run;
    use super::RULE;

    const VPC: &str = "variable \"excluded\" {\n  type    = list(string)\n  default = []\n}\n\ndata \"aws_availability_zones\" \"a\" {\n  exclude_zone_ids = var.excluded\n}\n\nresource \"aws_subnet\" \"s\" {\n  availability_zone_id = data.aws_availability_zones.a.zone_ids[0]\n}\n";
    const EKS: &str = "resource \"aws_eks_cluster\" \"c\" {}\n";

    fn root(arg: &str) -> String {
        format!("provider \"aws\" {{\n  region = \"us-east-1\"\n}}\n\nmodule \"net\" {{\n  source = \"../modules/vpc\"\n{arg}\n}}\n\nmodule \"k\" {{\n  source = \"../modules/eks\"\n}}\n")
    }

    #[test]
    fn fires_when_an_eks_region_keeps_unsupported_zones() {
        let r = root("");
        let msgs = run(
            &RULE,
            &[
                ("modules/vpc/main.tf", VPC),
                ("modules/eks/main.tf", EKS),
                ("a/main.tf", &r),
            ],
        );
        assert_eq!(msgs.len(), 1, "{msgs:?}");
        assert!(
            msgs[0].contains("AG007 line 5, module \"net\"") && msgs[0].contains("use1-az3"),
            "{msgs:?}"
        );
        let r = root("  excluded = [\"use1-az3\"]");
        assert!(run(
            &RULE,
            &[
                ("modules/vpc/main.tf", VPC),
                ("modules/eks/main.tf", EKS),
                ("a/main.tf", &r)
            ]
        )
        .is_empty());
    }

    #[test]
    fn fires_on_subnets_by_name() {
        let by_name = VPC.replace(
            "availability_zone_id = data.aws_availability_zones.a.zone_ids[0]",
            "availability_zone = data.aws_availability_zones.a.names[0]",
        );
        let msgs = run(&RULE, &[("modules/vpc/main.tf", &by_name)]);
        assert!(
            msgs[0].contains("resource \"aws_subnet\" \"s\": places the subnet by AZ name"),
            "{msgs:?}"
        );
    }
}
