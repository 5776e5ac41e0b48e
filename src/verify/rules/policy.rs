//! IAM policy statements as the rules read them: the `statement` blocks of
//! `data "aws_iam_policy_document"` (plain, or `dynamic "statement"` with its
//! `for_each` guard), and which documents are key, trust or resource policies.

use super::tree::{attr, blocks, text, texts, Dir, Item};
use hcl::{Body, Expression};

/// One `statement` of a policy document.
#[derive(Clone, Copy)]
pub struct Statement<'a> {
    /// The document declaring it.
    pub doc: Item<'a>,
    /// The statement's body (the `content` of a dynamic statement).
    pub body: &'a Body,
    /// `for_each` of a dynamic statement.
    pub guard: Option<&'a Expression>,
}

/// One `condition` of a statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    /// Operator, e.g. `StringEquals`.
    pub test: String,
    /// Context key, e.g. `aws:SourceArn`.
    pub variable: String,
    /// Values as written.
    pub values: Vec<String>,
}

impl<'a> Statement<'a> {
    fn list(&self, key: &str) -> Vec<String> {
        attr(self.body, key).map(texts).unwrap_or_default()
    }

    /// `sid`, or "" when unnamed.
    pub fn sid(&self) -> String {
        attr(self.body, "sid").map(text).unwrap_or_default()
    }

    /// `Allow` or `Deny`.
    pub fn effect(&self) -> String {
        attr(self.body, "effect").map(text).unwrap_or_else(|| "Allow".into())
    }

    /// Actions as written.
    pub fn actions(&self) -> Vec<String> {
        self.list("actions")
    }

    /// Whether an action of the statement matches `action` (exactly, or
    /// through a trailing `*` on either side).
    pub fn grants(&self, action: &str) -> bool {
        let action = action.to_ascii_lowercase();
        self.actions().iter().any(|a| {
            let a = a.to_ascii_lowercase();
            a == action
                || a == "*"
                || a.strip_suffix('*').is_some_and(|p| action.starts_with(p))
                || action.strip_suffix('*').is_some_and(|p| a.starts_with(p))
        })
    }

    /// Resources as written.
    pub fn resources(&self) -> Vec<String> {
        self.list("resources")
    }

    /// `(type, identifiers)` of each `principals` block.
    pub fn principals(&self) -> Vec<(String, Vec<String>)> {
        blocks(self.body, "principals")
            .map(|p| {
                (
                    attr(p.body(), "type").map(text).unwrap_or_default(),
                    attr(p.body(), "identifiers").map(texts).unwrap_or_default(),
                )
            })
            .collect()
    }

    /// Identifiers of the `Service` principals.
    pub fn services(&self) -> Vec<String> {
        self.principals()
            .into_iter()
            .filter(|(t, _)| t == "Service")
            .flat_map(|(_, ids)| ids)
            .collect()
    }

    /// The statement's conditions.
    pub fn conditions(&self) -> Vec<Condition> {
        blocks(self.body, "condition")
            .map(|c| Condition {
                test: attr(c.body(), "test").map(text).unwrap_or_default(),
                variable: attr(c.body(), "variable").map(text).unwrap_or_default(),
                values: attr(c.body(), "values").map(texts).unwrap_or_default(),
            })
            .collect()
    }

    /// Whether a condition tests the context key `variable` (case-insensitive).
    pub fn has_condition(&self, variable: &str) -> bool {
        self.conditions()
            .iter()
            .any(|c| c.variable.eq_ignore_ascii_case(variable))
    }

    /// A short name for messages: `statement "Sid"` or `statement with <actions>`.
    pub fn name(&self) -> String {
        let sid = self.sid();
        if sid.is_empty() {
            format!("statement [{}]", self.actions().join(", "))
        } else {
            format!("statement \"{sid}\"")
        }
    }

    /// 1-based line of the statement in its file (its sid, else its first action).
    pub fn line(&self, dir: &Dir<'_>) -> usize {
        let from = dir.line(&self.doc);
        let sid = self.sid();
        let needle = if sid.is_empty() {
            self.actions().first().map(|a| format!("\"{a}\"")).unwrap_or_default()
        } else {
            format!("\"{sid}\"")
        };
        dir.tree().line_of(self.doc.file, from, &needle)
    }
}

/// The statements of one policy document.
pub fn statements<'a>(doc: Item<'a>) -> Vec<Statement<'a>> {
    let mut out = Vec::new();
    for b in doc.body().blocks() {
        match b.identifier() {
            "statement" => out.push(Statement {
                doc,
                body: b.body(),
                guard: None,
            }),
            "dynamic" if b.labels().first().is_some_and(|l| l.as_str() == "statement") => {
                for content in blocks(b.body(), "content") {
                    out.push(Statement {
                        doc,
                        body: content.body(),
                        guard: attr(b.body(), "for_each"),
                    });
                }
            }
            _ => {}
        }
    }
    out
}

/// What a policy document is attached as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Use {
    /// `aws_kms_key.policy`.
    Key,
    /// `aws_iam_role.assume_role_policy`.
    Trust,
    /// A resource policy: bucket, topic, queue, repository.
    Resource,
    /// An identity policy (role, user or managed policy).
    Identity,
}

/// Resource types whose `policy` argument is a resource policy.
const RESOURCE_POLICIES: [&str; 5] = [
    "aws_s3_bucket_policy",
    "aws_sns_topic_policy",
    "aws_sqs_queue_policy",
    "aws_ecr_repository_policy",
    "aws_cloudwatch_log_resource_policy",
];

/// Every policy document of `dir`, with what it is attached as (a document
/// attached nowhere in the directory counts as an identity policy).
pub fn documents<'a>(dir: &Dir<'a>) -> Vec<(Item<'a>, Use)> {
    let mut uses: Vec<(String, Use)> = Vec::new();
    for item in dir.blocks().filter(|i| i.block.identifier() == "resource") {
        for a in item.body().attributes() {
            let t = dir.resolved(a.expr());
            let u = match (item.label(0), a.key()) {
                ("aws_kms_key", "policy") => Use::Key,
                ("aws_iam_role", "assume_role_policy") => Use::Trust,
                (ty, "policy") if RESOURCE_POLICIES.contains(&ty) => Use::Resource,
                _ => continue,
            };
            uses.push((t, u));
        }
    }
    dir.data("aws_iam_policy_document")
        .map(|doc| {
            let address = format!("{}.json", doc.address());
            let indexed = format!("{}[", doc.address());
            let u = uses
                .iter()
                .find(|(t, _)| t.contains(&address) || t.contains(&indexed))
                .map_or(Use::Identity, |(_, u)| *u);
            (doc, u)
        })
        .collect()
}

/// Whether `s` names a KMS alias rather than a key: an alias ARN, an alias
/// name, or a reference to an alias resource or output.
pub fn names_alias(s: &str) -> bool {
    s.contains(":alias/")
        || s.starts_with("alias/")
        || s.contains("aws_kms_alias.")
        || s.contains(".alias_arn")
        || s.contains(".alias_name")
}
