//! AG009: an S3 backend that encrypts its state names the customer managed
//! key (`kms_key_id`), not only `encrypt = true`.
//!
//! AWS fact / Terraform fact: with `encrypt = true` alone the S3 backend
//! writes the state with server-side encryption under S3's default (SSE-S3,
//! AES256, or the bucket default only if the bucket enforces one); the state
//! holds secrets (e.g. Helm release values), which the project promises to
//! keep under its CMK. `kms_key_id` makes every state write SSE-KMS with that
//! key.
//! Source: Terraform documentation, "Backend Type: s3" (`encrypt`,
//! `kms_key_id`); Amazon S3 User Guide, "Using server-side encryption with
//! AWS KMS keys (SSE-KMS)".

use super::tree::{attr, blocks, is_true, Tree};
use super::{Rule, Sink};

pub(super) const RULE: Rule = Rule {
    id: "AG009",
    summary: "an S3 backend with encrypt = true names its KMS key (kms_key_id)",
    check,
};

fn check(tree: &Tree<'_>, sink: &mut Sink<'_>) {
    for dir in tree.dirs() {
        for t in dir.blocks().filter(|i| i.block.identifier() == "terraform") {
            for backend in
                blocks(t.body(), "backend").filter(|b| b.labels().first().is_some_and(|l| l.as_str() == "s3"))
            {
                let encrypts = attr(backend.body(), "encrypt").is_some_and(is_true);
                if encrypts && attr(backend.body(), "kms_key_id").is_none() {
                    let line = dir.tree().line_of(t.file, 1, "backend \"s3\"");
                    sink.report(
                        t.file,
                        line,
                        "backend \"s3\"",
                        "encrypt = true without kms_key_id stores the state (and the secrets in it) under S3-managed keys, not the customer managed key",
                        "set kms_key_id to the state key created by the bootstrap root (its alias or ARN)",
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::run;
    use super::RULE;

    #[test]
    fn fires_without_a_key() {
        let plain = "# state\nterraform {\n  backend \"s3\" {\n    encrypt = true\n  }\n}\n";
        let msgs = run(&RULE, &[("a/backend.tf", plain)]);
        assert_eq!(msgs.len(), 1);
        assert!(
            msgs[0].starts_with("a/backend.tf: AG009 line 3, backend \"s3\": encrypt = true without kms_key_id"),
            "{msgs:?}"
        );
        let keyed = plain.replace(
            "encrypt = true\n",
            "encrypt    = true\n    kms_key_id = \"alias/state\"\n",
        );
        assert!(run(&RULE, &[("a/backend.tf", &keyed)]).is_empty());
    }
}
