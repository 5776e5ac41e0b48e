//! AG008: globally unique names (S3 buckets, the state buckets in backends)
//! carry the account ID instead of being fixed strings.
//!
//! AWS fact: "Bucket names must be unique across all AWS accounts in all the
//! AWS Regions within a partition"; a fixed name that someone else owns
//! fails with `BucketAlreadyExists`, so a generated name must be unique per
//! account (the account ID in the name).
//! Source: Amazon S3 User Guide, "General purpose bucket naming rules"
//! (bucketnamingrules).

use super::tree::{blocks, text, Dir, Item, Tree};
use super::{Rule, Sink};
use hcl::Expression;

pub(super) const RULE: Rule = Rule {
    id: "AG008",
    summary: "bucket names (and backend state buckets) carry the account ID",
    check,
};

const FIX: &str = "build the name with the account ID (e.g. \"<name>-${local.account_id}-<region>\" from data.aws_caller_identity), and give backend buckets at init with -backend-config";

/// Whether a name built by `e` in `dir` is unique per account.
fn per_account(dir: &Dir<'_>, e: &Expression) -> bool {
    let t = dir.resolved(e);
    t.contains("account_id") || t.contains("aws_caller_identity") || has_account_number(&t)
}

fn has_account_number(t: &str) -> bool {
    t.as_bytes().windows(12).any(|w| w.iter().all(u8::is_ascii_digit))
}

fn report(sink: &mut Sink<'_>, dir: &Dir<'_>, item: &Item<'_>, what: &str, name: &str) {
    sink.at(
        dir,
        item,
        &format!("{what} \"{name}\" is a fixed global name: it fails with BucketAlreadyExists wherever another account owns it"),
        FIX,
    );
}

fn check(tree: &Tree<'_>, sink: &mut Sink<'_>) {
    for dir in tree.dirs() {
        for bucket in dir.resources("aws_s3_bucket") {
            match bucket.attr("bucket") {
                Some(e @ (Expression::String(_) | Expression::TemplateExpr(_))) if !per_account(&dir, e) => {
                    report(sink, &dir, &bucket, "bucket", &text(e));
                }
                _ => {}
            }
        }
        for t in dir.blocks().filter(|i| i.block.identifier() == "terraform") {
            for backend in
                blocks(t.body(), "backend").filter(|b| b.labels().first().is_some_and(|l| l.as_str() == "s3"))
            {
                if let Some(e) = super::tree::attr(backend.body(), "bucket") {
                    if !per_account(&dir, e) {
                        report(sink, &dir, &t, "the backend's state bucket", &text(e));
                    }
                }
            }
        }
        for call in dir.calls() {
            let Some(module) = call.module() else { continue };
            for bucket in module.resources("aws_s3_bucket") {
                let Some(var) = bucket
                    .attr("bucket")
                    .map(text)
                    .and_then(|t| t.strip_prefix("var.").map(str::to_string))
                else {
                    continue;
                };
                match call.arg(&var) {
                    Some(e @ (Expression::String(_) | Expression::TemplateExpr(_))) if !per_account(&dir, e) => {
                        report(sink, &dir, &call.item, &format!("`{var}`"), &text(e));
                    }
                    _ => {}
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::run;
    use super::RULE;

    const S3: &str = "variable \"bucket\" {\n  type = string\n}\n\nresource \"aws_s3_bucket\" \"this\" {\n  bucket = var.bucket\n}\n";

    #[test]
    fn fires_on_a_fixed_bucket_name() {
        let root = "module \"b\" {\n  source = \"../modules/s3\"\n  bucket = \"acme-backups-us-east-1\"\n}\n";
        let msgs = run(&RULE, &[("modules/s3/main.tf", S3), ("a/main.tf", root)]);
        assert_eq!(msgs.len(), 1, "{msgs:?}");
        assert!(
            msgs[0].contains("AG008 line 1, module \"b\": `bucket` \"acme-backups-us-east-1\" is a fixed global name"),
            "{msgs:?}"
        );
        let ok = "locals {\n  account_id = data.aws_caller_identity.current.account_id\n}\n\nmodule \"b\" {\n  source = \"../modules/s3\"\n  bucket = \"acme-backups-${local.account_id}-us-east-1\"\n}\n";
        assert!(run(&RULE, &[("modules/s3/main.tf", S3), ("a/main.tf", ok)]).is_empty());
    }

    #[test]
    fn fires_on_a_fixed_backend_bucket() {
        let backend = "terraform {\n  backend \"s3\" {\n    bucket = \"acme-tfstate\"\n  }\n}\n";
        let msgs = run(&RULE, &[("a/backend.tf", backend)]);
        assert!(
            msgs[0].contains("the backend's state bucket \"acme-tfstate\""),
            "{msgs:?}"
        );
    }
}
