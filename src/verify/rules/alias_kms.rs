//! AG016: KMS keys are named by key ARN where IAM authorizes their use: in
//! IAM statements with `kms:` actions, and in replica/destination key
//! arguments (S3 replication, secret replicas, published key facts).
//!
//! AWS fact: "To specify a KMS key in an IAM policy statement, you must use
//! its key ARN. You cannot use a key id, alias name, or alias ARN" (an alias
//! ARN as Resource governs only alias operations); S3 replication with an
//! alias as `ReplicaKmsKeyID` resolves it in the requester's account and the
//! replication role's kms:Encrypt on an alias ARN authorizes nothing, so
//! every replicated object ends FAILED, silently.
//! Source: AWS KMS Developer Guide, "Using KMS keys in IAM policies"
//! (cmks-in-iam-policies) and "Aliases in AWS KMS"; Amazon S3 User Guide,
//! "Replicating objects created with server-side encryption (SSE-C, SSE-S3,
//! SSE-KMS, DSSE-KMS)" (replication-config-for-kms-objects).

use super::policy::{documents, names_alias, statements};
use super::tree::{text, Dir, Tree};
use super::{Rule, Sink};
use hcl::{Body, Expression};

pub(super) const RULE: Rule = Rule {
    id: "AG016",
    summary: "KMS permissions and replica/destination keys name key ARNs, never aliases",
    check,
};

const FIX: &str =
    "pass the key ARN (the kms module's key_arn output, or arn:aws:kms:<region>:<account>:key/<id>), not an alias";
const ALIAS_ACTIONS: [&str; 3] = ["kms:CreateAlias", "kms:UpdateAlias", "kms:DeleteAlias"];

/// Whether an argument named `key` carries a replica or destination key.
fn is_replica_key(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    k.contains("kms") && (k.contains("replica") || k.contains("destination"))
}

/// Arguments (at any depth) of `body` that carry a replica key and name an alias.
fn alias_arguments(dir: &Dir<'_>, body: &Body, inside_replica: bool, out: &mut Vec<(String, String)>) {
    for a in body.attributes() {
        if is_replica_key(a.key()) || (inside_replica && a.key() == "kms_key_id") {
            let t = dir.resolved(a.expr());
            if names_alias(&t) {
                out.push((a.key().to_string(), t));
            }
        }
        if let Expression::Object(o) = a.expr() {
            for (k, v) in o.iter() {
                let k = k.to_string();
                if k.contains("kms_key_arn") && names_alias(&dir.resolved(v)) {
                    out.push((format!("{}.{k}", a.key()), text(v)));
                }
            }
        }
    }
    for b in body.blocks() {
        let replica = inside_replica
            || b.identifier() == "replica"
            || b.labels().first().is_some_and(|l| l.as_str() == "replica");
        alias_arguments(dir, b.body(), replica, out);
    }
}

fn check(tree: &Tree<'_>, sink: &mut Sink<'_>) {
    for dir in tree.dirs() {
        for (doc, _) in documents(&dir) {
            for s in statements(doc) {
                let kms = s
                    .actions()
                    .iter()
                    .any(|a| a.starts_with("kms:") && !ALIAS_ACTIONS.contains(&a.as_str()));
                let aliases: Vec<String> = s
                    .resources()
                    .into_iter()
                    .filter(|r| names_alias(&dir.resolve_text(r)))
                    .collect();
                if kms && !aliases.is_empty() {
                    sink.report(
                        doc.file,
                        s.line(&dir),
                        &format!("{} {}", doc.header(), s.name()),
                        &format!(
                            "grants KMS actions on an alias ({}): IAM cannot authorize key use through an alias",
                            aliases.join(", ")
                        ),
                        FIX,
                    );
                }
            }
        }
        for item in dir
            .blocks()
            .filter(|i| matches!(i.block.identifier(), "resource" | "module"))
        {
            let mut found = Vec::new();
            alias_arguments(&dir, item.body(), false, &mut found);
            for (key, value) in found {
                sink.at(
                    &dir,
                    &item,
                    &format!("`{key}` names a KMS alias ({value}): replication and replicas need the key ARN"),
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

    #[test]
    fn fires_on_an_alias_in_a_kms_statement() {
        let doc = "data \"aws_iam_policy_document\" \"r\" {\n  statement {\n    actions   = [\"kms:Encrypt\"]\n    resources = [\"arn:aws:kms:us-west-2:111111111111:alias/dr\"]\n  }\n}\n";
        let msgs = run(&RULE, &[("m/main.tf", doc)]);
        assert_eq!(msgs.len(), 1, "{msgs:?}");
        assert!(msgs[0].contains("AG016 line 3, data \"aws_iam_policy_document\" \"r\" statement [kms:Encrypt]: grants KMS actions on an alias"), "{msgs:?}");
        let key = doc.replace("alias/dr", "key/1234abcd-12ab-34cd-56ef-1234567890ab");
        assert!(run(&RULE, &[("m/main.tf", &key)]).is_empty());
    }

    #[test]
    fn fires_on_an_alias_as_replica_key() {
        let root = "module \"b\" {\n  source                              = \"../modules/s3\"\n  replication_destination_kms_key_arn = \"arn:aws:kms:us-west-2:${local.account_id}:alias/acme/dr\"\n}\n";
        let msgs = run(&RULE, &[("a/main.tf", root)]);
        assert_eq!(msgs.len(), 1, "{msgs:?}");
        assert!(
            msgs[0].contains("module \"b\": `replication_destination_kms_key_arn` names a KMS alias"),
            "{msgs:?}"
        );
        let secret = "resource \"aws_secretsmanager_secret\" \"s\" {\n  replica {\n    kms_key_id = aws_kms_alias.dr.arn\n  }\n}\n";
        assert_eq!(run(&RULE, &[("m/main.tf", secret)]).len(), 1);
    }
}
