//! How the DR mapping shows in the rendered tree: state per region, the
//! bootstrap's buckets. (What each kind plans in each root is tested next
//! to the kind, in `src/kinds/<kind>.rs`.)

use acmegen::inventory::parse;
use acmegen::plan::{plan, Plan};
use acmegen::validate::validate;
use std::path::Path;

fn planned(assets: &str) -> Plan {
    let text = format!("name: t\nowner: me\nregions: {{primary: us-east-2, dr: us-west-1}}\nassets:\n{assets}");
    let loaded = parse(&text, Path::new("t.yaml")).expect("parses");
    let valid = validate(&loaded).unwrap_or_else(|d| panic!("{d}"));
    plan(&valid)
}

const VM: &str = "  - {kind: vm, name: app, size: t3.micro, qty: 3, dr: DR}\n";

#[test]
fn state_lives_in_each_roots_own_region() {
    let p = planned(&VM.replace("DR", "active"));
    // Bucket names are global: the account ID makes them unique.
    assert_eq!(
        p.primary.state_bucket("123456789012"),
        "t-tfstate-123456789012-us-east-2"
    );
    assert_eq!(p.dr.state_bucket("$ACCOUNT_ID"), "t-tfstate-$ACCOUNT_ID-us-west-1");
    assert_eq!(p.dr.state_key, "t/dr/terraform.tfstate");
}

#[test]
fn the_bootstrap_root_creates_exactly_the_buckets_the_backends_name() {
    let text = "name: t\nowner: me\nregions: {primary: us-east-2, dr: us-west-1}\nstate: {bucket_prefix: acme-state}\nassets:\n  - {kind: s3, name: data, dr: replica}\n";
    let files = acmegen_files(text);
    let main = &files[std::path::Path::new("t/bootstrap/main.tf")];
    for (role, region) in [("primary", "us-east-2"), ("dr", "us-west-1")] {
        let backend = &files[&std::path::Path::new("t").join(role).join("backend.tf")];
        // The bucket is given at init (its name carries the account ID) ...
        let init = format!("-backend-config=\"bucket=acme-state-$ACCOUNT_ID-{region}\"");
        assert!(backend.contains(&init), "{role}: {backend}");
        assert!(
            files[std::path::Path::new("t/RUNBOOK.md")].contains(&format!("{role} init {init}")),
            "{role}: the runbook's init names the bucket"
        );
        // ... and state is encrypted with the bootstrap's key, not AES256.
        assert!(backend.contains("kms_key_id   = \"alias/t-tfstate\""), "{backend}");
        // ... which is exactly what the bootstrap creates.
        assert!(
            main.contains(&format!(
                "bucket                  = \"acme-state-${{local.account_id}}-{region}\""
            )),
            "{role}: bucket not created by bootstrap"
        );
    }
    assert!(
        files[std::path::Path::new("t/bootstrap/providers.tf")].contains("alias  = \"dr\"\n  region = \"us-west-1\"")
    );
}

fn acmegen_files(text: &str) -> acmegen::emit::FileSet {
    let emitter = acmegen::emit::Emitter::new().unwrap();
    let modules = acmegen::pipeline::modules(&emitter).unwrap();
    acmegen::pipeline::compile_text(text, Path::new("inventory/t.yaml"), &emitter, &modules)
        .unwrap()
        .files
}
