//! The `terraform test` files acmegen writes into every root: mock providers
//! with the defaults that root's data sources and resources need, example
//! values for its required variables, and a mocked apply. Users run them
//! offline with `terraform init -backend=false && terraform test`.

use std::collections::BTreeSet;

/// The account ID the mocks report (`aws_caller_identity`), which the
/// tests' expectations interpolate into ARNs.
pub const MOCK_ACCOUNT: &str = "123456789012";

/// Append `assert { condition = … error_message = … }` to `out`.
pub fn assert_block(out: &mut String, condition: &str, message: &str) {
    out.push_str(&format!(
        "assert {{\ncondition = {condition}\nerror_message = {}\n}}\n\n",
        crate::plan::expr::quote(message)
    ));
}

/// Mock defaults per `(block kind, type)`: values the mock provider returns
/// where a fake of the right type is not enough (an index into a list, an
/// account ID that is interpolated into ARNs). `aws_iam_policy_document` is
/// deliberately not among them: its JSON cannot be computed offline, and a
/// plausible-looking stand-in would hide that; the tests assert the
/// evaluated statements instead (see `emit::asserts`).
const MOCKS: &[(&str, &str, &str)] = &[
    (
        "data",
        "aws_availability_zones",
        "names    = [\"{region}a\", \"{region}b\", \"{region}c\", \"{region}d\", \"{region}e\", \"{region}f\"]\nzone_ids = [\"{code}-az1\", \"{code}-az2\", \"{code}-az3\", \"{code}-az4\", \"{code}-az5\", \"{code}-az6\"]",
    ),
    (
        "data",
        "aws_caller_identity",
        "account_id = \"123456789012\"\narn        = \"arn:aws:iam::123456789012:role/deployer\"",
    ),
    ("data", "aws_partition", "partition  = \"aws\"\ndns_suffix = \"amazonaws.com\""),
    ("data", "aws_region", "name   = \"{region}\"\nregion = \"{region}\""),
    (
        "data",
        "aws_ssm_parameter",
        "value          = \"ami-0123456789abcdef0\"\ninsecure_value = \"ami-0123456789abcdef0\"",
    ),
    (
        "data",
        "aws_servicequotas_service_quota",
        "value          = 1152\nadjustable     = true\ndefault_value  = 32",
    ),
    (
        "resource",
        "aws_kms_key",
        "arn    = \"arn:aws:kms:{region}:123456789012:key/0b5e11f2-8c3d-4e1a-9f00-4d2a6c7e8b90\"\nkey_id = \"0b5e11f2-8c3d-4e1a-9f00-4d2a6c7e8b90\"",
    ),
    (
        "resource",
        "aws_eks_cluster",
        "identity              = [{ oidc = [{ issuer = \"https://oidc.eks.{region}.amazonaws.com/id/MOCK\" }] }]\ncertificate_authority = [{ data = \"bW9jaw==\" }]\nendpoint              = \"https://mock.eks.{region}.amazonaws.com\"",
    ),
    (
        "resource",
        "aws_acm_certificate",
        "domain_validation_options = [{ domain_name = \"app.example.org\", resource_record_name = \"_0123.app.example.org.\", resource_record_type = \"CNAME\", resource_record_value = \"_4567.acm-validations.aws.\" }]",
    ),
    (
        "resource",
        "aws_prometheus_workspace",
        "arn                 = \"arn:aws:aps:{region}:123456789012:workspace/ws-0b5e11f2-8c3d-4e1a-9f00-4d2a6c7e8b90\"\nprometheus_endpoint = \"https://aps-workspaces.{region}.amazonaws.com/workspaces/ws-0b5e11f2-8c3d-4e1a-9f00-4d2a6c7e8b90/\"",
    ),
    (
        "resource",
        "aws_eks_node_group",
        "resources = [{ autoscaling_groups = [{ name = \"eks-mock-asg\" }], remote_access_security_group_id = \"\" }]",
    ),
];

/// One provider configuration of a root, as the test file mocks it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct MockProvider {
    /// Provider local name (`aws`, `helm`).
    pub name: String,
    /// Alias, if any.
    pub alias: Option<String>,
    /// Region the configuration points at (aws only), for region-shaped defaults.
    pub region: Option<String>,
}

/// The `mock_provider` blocks of a root whose modules use the block types
/// `used` (`"data aws_region"`, `"resource aws_eks_cluster"`, …).
pub fn mock_providers(providers: &[MockProvider], used: &BTreeSet<String>) -> String {
    let mut out = String::new();
    for p in providers {
        out.push_str(&format!("mock_provider \"{}\" {{\n", p.name));
        if let Some(alias) = &p.alias {
            out.push_str(&format!("alias = \"{alias}\"\n"));
        }
        if p.name == "aws" {
            let region = p.region.as_deref().unwrap_or("us-east-1");
            let code = crate::plan::region_code(region);
            for (kind, ty, defaults) in MOCKS {
                if !used.contains(&format!("{kind} {ty}")) {
                    continue;
                }
                let block = if *kind == "data" { "mock_data" } else { "mock_resource" };
                let body = defaults.replace("{region}", region).replace("{code}", &code);
                out.push_str(&format!("\n{block} \"{ty}\" {{\ndefaults = {{\n{body}\n}}\n}}\n"));
            }
        }
        out.push_str("}\n\n");
    }
    out
}

/// A plausible value of fact `fact` (`<publisher>/<name>`) published in
/// `region`, shaped like the real one where a module validates it.
pub fn fact_example(fact: &str, region: &str) -> String {
    let name = fact.rsplit('/').next().unwrap_or(fact);
    if name == "kms_key_arn" {
        format!("arn:aws:kms:{region}:123456789012:key/0b5e11f2-8c3d-4e1a-9f00-4d2a6c7e8b90")
    } else if name.ends_with("_bucket_arn") {
        format!(
            "arn:aws:s3:::mock-{}-123456789012-{region}",
            name.trim_end_matches("_bucket_arn")
        )
    } else if name.ends_with("_listener_arn") {
        "arn:aws:globalaccelerator::123456789012:accelerator/0b5e11f2-8c3d-4e1a-9f00-4d2a6c7e8b90/listener/0f1e2d3c"
            .into()
    } else if name.ends_with("_global_cluster_id") {
        format!("mock-{}", name.trim_end_matches("_global_cluster_id"))
    } else if name.ends_with("_prometheus_arn") {
        format!("arn:aws:aps:{region}:123456789012:workspace/ws-0b5e11f2-8c3d-4e1a-9f00-4d2a6c7e8b90")
    } else if name.ends_with("_prometheus_endpoint") {
        format!("https://aps-workspaces.{region}.amazonaws.com/workspaces/ws-0b5e11f2-8c3d-4e1a-9f00-4d2a6c7e8b90/")
    } else if name.ends_with("_vault_arn") {
        format!(
            "arn:aws:backup:{region}:123456789012:backup-vault:mock-{}",
            name.trim_end_matches("_vault_arn").replace('_', "-")
        )
    } else if name.ends_with("_secret_arn") {
        format!("arn:aws:secretsmanager:{region}:123456789012:secret:mock-master-AbCdEf")
    } else if name.ends_with("_arn") {
        format!(
            "arn:aws:rds:{region}:123456789012:db:mock-{}",
            name.trim_end_matches("_arn")
        )
    } else if name.ends_with("_resource_id") {
        // DbiResourceId: "db-" and 26 upper-case letters and digits.
        "db-ABCDEFGHIJKLMNOPQRSTUVWXY0".into()
    } else if name == "vpc_id" {
        "vpc-0123456789abcdef0".into()
    } else if name == "vpc_peering_connection_id" {
        "pcx-0123456789abcdef0".into()
    } else if name.starts_with("acm_validation_") {
        "_0123456789abcdef0123456789abcdef.app.example.org".into()
    } else if name.starts_with("zone_id") {
        "Z0123456789ABCDEFGHIJ".into()
    } else {
        format!("mock-{name}")
    }
}

/// An `override_data` block that makes the fact store hold `facts`
/// (`(<publisher>/<name>, value)`) under `store_path`.
pub fn facts_override(store_path: &str, facts: &[(String, String)]) -> String {
    let names: Vec<String> = facts
        .iter()
        .map(|(f, _)| crate::plan::expr::quote(&format!("{store_path}/{f}")))
        .collect();
    let values: Vec<String> = facts.iter().map(|(_, v)| crate::plan::expr::quote(v)).collect();
    format!(
        "override_data {{\ntarget = module.facts.data.aws_ssm_parameters_by_path.store\nvalues = {{\nnames  = [{}]\nvalues = [{}]\n}}\n}}\n",
        names.join(", "),
        values.join(", ")
    )
}

/// The block types (`"data aws_region"`, `"resource aws_instance"`) declared
/// in a module's `main.tf` text.
pub fn block_types(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for kind in ["data", "resource"] {
        let header = format!("{kind} \"");
        for (at, _) in text.match_indices(&header) {
            // Only a block header: nothing but indentation before it on its line.
            let line_start = text[..at].rfind('\n').map_or(0, |n| n + 1);
            if !text[line_start..at].bytes().all(|c| c == b' ' || c == b'\t') {
                continue;
            }
            if let Some(ty) = text[at + header.len()..].split('"').next() {
                found.insert(format!("{kind} {ty}"));
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mocks_only_what_the_root_uses() {
        let used = block_types("data \"aws_region\" \"current\" {}\nresource \"aws_vpc\" \"this\" {\n}\n");
        assert_eq!(
            used,
            BTreeSet::from(["data aws_region".to_string(), "resource aws_vpc".to_string()])
        );
        let text = mock_providers(
            &[MockProvider {
                name: "aws".into(),
                alias: Some("dr".into()),
                region: Some("us-west-1".into()),
            }],
            &used,
        );
        assert!(text.contains("alias = \"dr\""), "{text}");
        assert!(text.contains("mock_data \"aws_region\""), "{text}");
        assert!(text.contains("region = \"us-west-1\""), "{text}");
        assert!(!text.contains("aws_caller_identity"), "{text}");
    }
}
