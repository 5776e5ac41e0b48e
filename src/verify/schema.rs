//! Checks `resource` and `data` blocks against a subset of the AWS provider
//! schema shipped as data (`schema/aws-provider-subset.json`, written by
//! `tools/extract_schema.py` from the provider's published bindings).

use hcl::{Block, Body};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// Names allowed in one block: arguments and nested blocks.
#[derive(Debug, Deserialize)]
pub struct BlockSchema {
    /// Argument names.
    pub arguments: Vec<String>,
    /// Nested block names and their schemas.
    pub blocks: BTreeMap<String, BlockSchema>,
    /// Attributes a reference may read (top level only).
    #[serde(default)]
    pub attributes: Vec<String>,
    /// Names typed `any` by the bindings (recursive schemas): accepted as
    /// argument or block, contents not checked.
    #[serde(default)]
    pub open: Vec<String>,
    /// Arguments and blocks that must be set.
    #[serde(default)]
    pub required: Vec<String>,
}

/// The shipped schema subset.
#[derive(Debug, Deserialize)]
pub struct Schema {
    /// Where the names come from.
    pub source: String,
    /// AWS provider version they were generated from.
    pub provider_version: String,
    /// Resource types.
    pub resource: BTreeMap<String, BlockSchema>,
    /// Data source types.
    pub data: BTreeMap<String, BlockSchema>,
}

/// The schema, parsed once.
pub fn schema() -> &'static Schema {
    static SCHEMA: OnceLock<Schema> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        serde_json::from_str(include_str!("../../schema/aws-provider-subset.json"))
            .expect("shipped schema is valid JSON")
    })
}

const META_ARGUMENTS: [&str; 5] = ["count", "for_each", "depends_on", "provider", "providers"];

/// The schema of `kind` ("resource" or "data") type `ty`, if it is an AWS type.
pub fn lookup(kind: &str, ty: &str) -> Option<&'static BlockSchema> {
    let s = schema();
    if kind == "data" {
        s.data.get(ty)
    } else {
        s.resource.get(ty)
    }
}

/// Problems of one `resource`/`data` block, each as a message naming it.
pub fn check_block(kind: &str, block: &Block) -> Vec<String> {
    let ty = block.labels().first().map(|l| l.as_str()).unwrap_or_default();
    let name = block.labels().get(1).map(|l| l.as_str()).unwrap_or_default();
    if !ty.starts_with("aws_") {
        return Vec::new();
    }
    let Some(s) = lookup(kind, ty) else {
        return vec![format!(
            "{kind} \"{ty}\" \"{name}\": type not in the provider schema subset (re-run tools/extract_schema.py)"
        )];
    };
    let mut problems = Vec::new();
    check_body(
        block.body(),
        s,
        &format!("{kind} \"{ty}\" \"{name}\""),
        true,
        &mut problems,
    );
    problems
}

fn check_body(body: &Body, s: &BlockSchema, at: &str, top: bool, problems: &mut Vec<String>) {
    for name in &s.required {
        let set = body.attributes().any(|a| a.key() == name)
            || body.blocks().any(|b| {
                b.identifier() == name
                    || (b.identifier() == "dynamic" && b.labels().first().is_some_and(|l| l.as_str() == name))
            });
        if !set {
            problems.push(format!("{at}: required argument `{name}` is not set"));
        }
    }
    for a in body.attributes() {
        let key = a.key();
        let meta = top && META_ARGUMENTS.contains(&key);
        let known = s.arguments.iter().chain(&s.open).any(|x| x == key);
        if !meta && !known {
            problems.push(format!("{at}: unknown argument `{key}`"));
        }
    }
    for b in body.blocks() {
        let id = b.identifier();
        if top && id == "lifecycle" {
            continue;
        }
        let (name, inner) = if id == "dynamic" {
            let label = b.labels().first().map(|l| l.as_str().to_string()).unwrap_or_default();
            let content = b
                .body()
                .blocks()
                .find(|c| c.identifier() == "content")
                .map(|c| c.body().clone());
            (label, content.unwrap_or_default())
        } else {
            (id.to_string(), b.body().clone())
        };
        match s.blocks.get(&name) {
            Some(nested) => check_body(&inner, nested, &format!("{at} > {name}"), false, problems),
            None if s.open.contains(&name) => {}
            None => problems.push(format!("{at}: unknown block `{name}`")),
        }
    }
}

/// Whether a reference may read `attr` of `kind` type `ty` (true for non-AWS or unknown types).
pub fn has_attribute(kind: &str, ty: &str, attr: &str) -> bool {
    match lookup(kind, ty) {
        Some(s) => {
            s.attributes.iter().any(|a| a == attr)
                || s.arguments.iter().any(|a| a == attr)
                || s.blocks.contains_key(attr)
        }
        None => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(src: &str) -> Vec<String> {
        let body = hcl::parse(src).unwrap();
        body.blocks().flat_map(|b| check_block(b.identifier(), b)).collect()
    }

    #[test]
    fn schema_comes_from_provider_6() {
        assert!(
            schema().provider_version.starts_with("6."),
            "{}",
            schema().provider_version
        );
        assert!(lookup("resource", "aws_db_instance")
            .unwrap()
            .arguments
            .iter()
            .any(|a| a == "password_wo"));
    }

    #[test]
    fn accepts_valid_blocks_including_dynamic_ones() {
        let src = "resource \"aws_lb_listener\" \"x\" {\n  count = 1\n  load_balancer_arn = \"arn\"\n  port = 80\n  default_action {\n    type = \"forward\"\n    dynamic \"redirect\" {\n      for_each = []\n      content {\n        port = \"443\"\n        status_code = \"HTTP_301\"\n      }\n    }\n  }\n  lifecycle {\n    ignore_changes = [port]\n  }\n}\n";
        assert_eq!(problems(src), Vec::<String>::new());
    }

    #[test]
    fn rejects_names_the_provider_does_not_have() {
        let src = "resource \"aws_eip\" \"x\" {\n  vpc = true\n}\nresource \"aws_db_instance\" \"d\" {\n  instance_class = \"db.t3.micro\"\n  name = \"app\"\n}\nresource \"aws_eks_cluster\" \"e\" {\n  vpc_config {\n    cluster_id = 1\n  }\n  node_pool {}\n}\nresource \"aws_made_up\" \"m\" {}\n";
        let p = problems(src);
        assert!(
            p.contains(&"resource \"aws_eip\" \"x\": unknown argument `vpc`".to_string()),
            "{p:?}"
        );
        assert!(
            p.contains(&"resource \"aws_db_instance\" \"d\": unknown argument `name`".to_string()),
            "{p:?}"
        );
        assert!(
            p.contains(&"resource \"aws_eks_cluster\" \"e\" > vpc_config: unknown argument `cluster_id`".to_string()),
            "{p:?}"
        );
        assert!(
            p.contains(&"resource \"aws_eks_cluster\" \"e\": unknown block `node_pool`".to_string()),
            "{p:?}"
        );
        assert!(
            p.contains(&"resource \"aws_eks_cluster\" \"e\": required argument `role_arn` is not set".to_string()),
            "{p:?}"
        );
        assert!(
            p.contains(
                &"resource \"aws_eks_cluster\" \"e\" > vpc_config: required argument `subnet_ids` is not set"
                    .to_string()
            ),
            "{p:?}"
        );
        assert!(
            !p.iter()
                .any(|m| m.contains("aws_db_instance") && m.contains("required")),
            "instance_class is set: {p:?}"
        );
        assert!(
            p.iter()
                .any(|m| m.contains("aws_made_up") && m.contains("not in the provider schema subset")),
            "{p:?}"
        );
    }
}
