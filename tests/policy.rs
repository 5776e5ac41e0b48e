//! Every checkov skip in the templates names a check and says why; the
//! checkov run itself happens in .ci/run over the whole generated tree.

use std::path::Path;

#[test]
fn every_checkov_skip_carries_a_justification() {
    let mut skips = 0;
    for entry in walkdir::WalkDir::new(Path::new(env!("CARGO_MANIFEST_DIR")).join("templates")) {
        let entry = entry.unwrap();
        if !entry.file_type().is_file() {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).unwrap();
        for (n, line) in text.lines().enumerate() {
            let Some(rest) = line.trim().strip_prefix("#checkov:skip=") else {
                continue;
            };
            skips += 1;
            let (id, reason) = rest.split_once(':').unwrap_or((rest, ""));
            let where_ = format!("{}:{}", entry.path().display(), n + 1);
            assert!(
                id.starts_with("CKV_AWS_") || id.starts_with("CKV2_AWS_"),
                "{where_}: bad check id {id}"
            );
            assert!(
                reason.split_whitespace().count() >= 8,
                "{where_}: skip of {id} needs a real justification"
            );
        }
    }
    assert!(skips > 0, "no skips found: the scan looked in the wrong place");
}

#[test]
fn databases_require_tls_in_every_generated_parameter_group() {
    for module in ["rds", "aurora"] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("generated/modules/{module}/main.tf"));
        let text = std::fs::read_to_string(path).unwrap();
        assert!(
            text.contains("\"rds.force_ssl\" : \"require_secure_transport\""),
            "{module}: no TLS parameter"
        );
        assert!(text.contains("storage_encrypted"), "{module}: storage not encrypted");
        assert!(text.contains("publicly_accessible") || module == "aurora", "{module}");
    }
}
