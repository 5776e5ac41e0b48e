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
    // The TLS parameter is in db_parameters' baseline, which db_common hands
    // to both parameter groups of the databases, and which the group a
    // restore in DR joins reads too (helper-67).
    let modules = Path::new(env!("CARGO_MANIFEST_DIR")).join("generated/modules");
    let baseline = std::fs::read_to_string(modules.join("db_parameters/main.tf")).unwrap();
    assert!(
        baseline.contains("\"rds.force_ssl\" : \"require_secure_transport\""),
        "db_parameters: no TLS parameter in the baseline"
    );
    let common = std::fs::read_to_string(modules.join("db_common/outputs.tf")).unwrap();
    assert!(
        common.contains("value       = module.parameters.baseline"),
        "db_common: its baseline_parameters are not db_parameters' baseline"
    );
    let restore = std::fs::read_to_string(modules.join("rds_backup_replication/main.tf")).unwrap();
    assert!(
        restore.contains("for_each = module.parameters[0].baseline"),
        "rds_backup_replication: the restore's parameter group does not take the baseline"
    );
    for module in ["rds", "aurora"] {
        let text = std::fs::read_to_string(modules.join(module).join("main.tf")).unwrap();
        assert!(
            text.contains("for_each = concat(module.common.baseline_parameters, var.parameters)"),
            "{module}: the parameter group does not take db_common's baseline"
        );
        assert!(text.contains("storage_encrypted"), "{module}: storage not encrypted");
        assert!(text.contains("publicly_accessible") || module == "aurora", "{module}");
    }
}

/// No secret in Terraform state (the quality bar): a generated password is
/// an ephemeral value written through write-only arguments, never a
/// `random_password` resource, whose result the state keeps (and every role
/// that reads the state, pull requests' plan role included, would read).
/// Grafana's admin password comes from its chart, never from Terraform.
#[test]
fn no_module_keeps_a_generated_secret_in_state() {
    let modules = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/modules");
    let mut read = 0;
    for entry in walkdir::WalkDir::new(&modules) {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|e| e != "tf" && e != "tera") {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).unwrap();
        read += 1;
        for kept in [
            "resource \"random_password\"",
            "resource \"random_string\"",
            "set_sensitive",
        ] {
            assert!(!text.contains(kept), "{}: {kept}", entry.path().display());
        }
    }
    assert!(read > 50, "{read} module files");
    let monitoring = std::fs::read_to_string(modules.join("k8s_monitoring/main.tf")).unwrap();
    assert!(
        monitoring.contains("adminPassword = \"\""),
        "kube-prometheus-stack's default password is cleared"
    );
}
