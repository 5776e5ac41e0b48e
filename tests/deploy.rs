//! `acmegen deploy` against a fake `terraform` on PATH (a script that
//! records its arguments, answers the bootstrap outputs and fails on
//! demand): the documented order, the arguments, the stop for zone
//! delegation, the resume command and `--from`, the refusals before any
//! command runs, and `--dry-run` for every shipped inventory.
#![cfg(unix)]

mod common;

use assert_cmd::Command;
use predicates::prelude::*;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

const FAKE: &str = r#"#!/usr/bin/env bash
# Fake terraform: records its arguments, answers the bootstrap outputs, fails on demand.
echo "$*" >> "$FAKE_TF_LOG"
case " $* " in
  *" output -raw primary_state_bucket "*) printf 'bucket-of-primary'; exit 0 ;;
  *" output -raw dr_state_bucket "*) printf 'bucket-of-dr'; exit 0 ;;
  *" output -json "*) printf '%s' "${FAKE_TF_OUTPUT_JSON:-{\}}"; exit 0 ;;
esac
if [ -n "${FAKE_TF_FAIL:-}" ] && [[ "$*" == *"$FAKE_TF_FAIL"* ]]; then
  echo "fake terraform: failing on purpose" >&2
  exit 3
fi
echo "fake terraform ran: $*"
"#;

/// A project with `inventory/<name>.yaml` rendered into `generated/`, the
/// values only the user knows in place, and the fake terraform.
struct Project {
    dir: tempfile::TempDir,
    name: String,
}

impl Project {
    fn new(name: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("inventory")).unwrap();
        fs::create_dir_all(dir.path().join("bin")).unwrap();
        fs::copy(
            common::inventories_dir().join(format!("{name}.yaml")),
            dir.path().join(format!("inventory/{name}.yaml")),
        )
        .unwrap();
        let fake = dir.path().join("bin/terraform");
        fs::write(&fake, FAKE).unwrap();
        fs::set_permissions(&fake, fs::Permissions::from_mode(0o755)).unwrap();
        let p = Project {
            dir,
            name: name.to_string(),
        };
        p.acmegen().args(["render", &p.inventory()]).assert().success();
        for root in ["primary", "dr"] {
            let example = p.root(root).join("terraform.tfvars.example");
            if example.exists() {
                fs::copy(&example, p.root(root).join("terraform.tfvars")).unwrap();
            }
        }
        p
    }

    fn inventory(&self) -> String {
        format!("inventory/{}.yaml", self.name)
    }

    fn root(&self, role: &str) -> PathBuf {
        self.dir.path().join("generated").join(&self.name).join(role)
    }

    fn log(&self) -> PathBuf {
        self.dir.path().join("terraform.log")
    }

    fn acmegen(&self) -> Command {
        let mut c = Command::cargo_bin("acmegen").unwrap();
        let path = format!(
            "{}:{}",
            self.dir.path().join("bin").display(),
            std::env::var("PATH").unwrap_or_default()
        );
        c.current_dir(self.dir.path())
            .env("PATH", path)
            .env("FAKE_TF_LOG", self.log())
            .env_remove("FAKE_TF_FAIL")
            .env_remove("TF_VAR_admin_cidrs")
            .env_remove("TF_VAR_alert_emails");
        c
    }

    fn deploy(&self, extra: &[&str]) -> Command {
        let mut c = self.acmegen();
        c.args(["deploy", &self.inventory()]).args(extra);
        c
    }

    /// The recorded terraform calls, one per line; emptied after reading.
    fn calls(&self) -> Vec<String> {
        let text = fs::read_to_string(self.log()).unwrap_or_default();
        let _ = fs::remove_file(self.log());
        text.lines().map(str::to_string).collect()
    }
}

/// The calls of a whole deployment of `name` without zones.
fn full_order(name: &str) -> Vec<String> {
    let g = format!("generated/{name}");
    vec![
        format!("-chdir={g}/bootstrap init -input=false"),
        format!("-chdir={g}/bootstrap apply"),
        format!("-chdir={g}/bootstrap output -raw dr_state_bucket"),
        format!("-chdir={g}/dr init -input=false -backend-config=bucket=bucket-of-dr"),
        format!("-chdir={g}/dr apply"),
        format!("-chdir={g}/bootstrap output -raw primary_state_bucket"),
        format!("-chdir={g}/primary init -input=false -backend-config=bucket=bucket-of-primary"),
        format!("-chdir={g}/primary apply"),
        format!("-chdir={g}/bootstrap output -raw dr_state_bucket"),
        format!("-chdir={g}/dr init -input=false -backend-config=bucket=bucket-of-dr"),
        format!("-chdir={g}/dr apply"),
    ]
}

#[test]
fn deploys_in_the_documented_order_with_the_buckets_of_the_bootstrap_outputs() {
    let p = Project::new("acme-traefik");
    p.deploy(&[])
        .assert()
        .success()
        .stdout(predicate::str::contains("==> [1/4] bootstrap"))
        .stdout(predicate::str::contains("==> [4/4] dr: the DR root again"))
        .stdout(predicate::str::contains(
            "fake terraform ran: -chdir=generated/acme-traefik/primary apply",
        ));
    assert_eq!(p.calls(), full_order("acme-traefik"));
    // --auto-approve reaches every apply, and only the applies.
    p.deploy(&["--auto-approve", "--from", "primary", "--to", "primary"])
        .assert()
        .success();
    let calls = p.calls();
    assert_eq!(
        calls.last().unwrap(),
        "-chdir=generated/acme-traefik/primary apply -auto-approve -input=false"
    );
    assert_eq!(calls.iter().filter(|c| c.contains("-auto-approve")).count(), 1);
}

#[test]
fn stops_at_the_first_failure_and_resumes_from_that_step() {
    let p = Project::new("acme-traefik");
    p.deploy(&[])
        .env("FAKE_TF_FAIL", "/primary apply")
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "error: step primary failed: `terraform -chdir=generated/acme-traefik/primary apply` exited with 3",
        ))
        .stderr(predicate::str::contains(
            "resume with: acmegen deploy inventory/acme-traefik.yaml --from primary",
        ));
    let want = full_order("acme-traefik");
    assert_eq!(p.calls(), want[..8].to_vec(), "nothing may run after the failed apply");
    p.deploy(&["--from", "primary"]).assert().success();
    assert_eq!(p.calls(), want[5..].to_vec());
}

/// A machine working on a failover holds the runbook's acknowledgement in
/// a root's directory (incident.auto.tfvars): the first deployment's
/// applies, with the standby values, would pass the roots' guard and undo
/// the failover, so deploy refuses before anything runs. Steps that do not
/// apply that root still run.
#[test]
fn a_failover_in_progress_on_this_machine_is_refused_before_anything_runs() {
    let p = Project::new("acme-traefik");
    let file = p.root("dr").join("incident.auto.tfvars");
    fs::write(&file, "failover_acknowledged = \"2026-11-28T07:00:00Z\"\n").unwrap();
    p.deploy(&["--from", "primary"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "error: generated/acme-traefik/dr/incident.auto.tfvars exists: a failover is in progress on this machine",
        ))
        .stderr(predicate::str::contains(
            "would apply the dr root with the standby values",
        ));
    assert!(p.calls().is_empty(), "terraform ran before the refusal");
    p.deploy(&["--to", "bootstrap"]).assert().success();
    p.deploy(&["--from", "primary", "--to", "primary"]).assert().success();
    fs::remove_file(&file).unwrap();
    p.deploy(&["--from", "primary"]).assert().success();
}

#[test]
fn a_root_without_its_values_is_refused_before_anything_runs() {
    let p = Project::new("acme-traefik");
    fs::remove_file(p.root("dr").join("terraform.tfvars")).unwrap();
    p.deploy(&[])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "generated/acme-traefik/dr needs values only you know (admin_cidrs) and has no terraform.tfvars",
        ))
        .stderr(predicate::str::contains(
            "cp generated/acme-traefik/dr/terraform.tfvars.example generated/acme-traefik/dr/terraform.tfvars",
        ));
    assert!(p.calls().is_empty(), "terraform ran before the refusal");
    // The values may come from the environment instead.
    p.deploy(&[])
        .env("TF_VAR_admin_cidrs", "[\"10.0.0.0/8\"]")
        .assert()
        .success();
    // Steps that do not touch the DR root do not need its values.
    fs::remove_file(p.root("primary").join("terraform.tfvars")).unwrap();
    p.deploy(&["--to", "bootstrap"]).assert().success();
}

#[test]
fn stops_after_the_bootstrap_until_the_zones_are_delegated() {
    let p = Project::new("acme-multiregion");
    let ns = r#"{"platform_acme_platform_dev_name_servers":{"sensitive":false,"type":["list","string"],"value":["ns-1.example.net","ns-2.example.org"]}}"#;
    p.deploy(&[])
        .env("FAKE_TF_OUTPUT_JSON", ns)
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "platform.acme-platform.dev: NS ns-1.example.net ns-2.example.org",
        ))
        .stderr(predicate::str::contains(
            "resume with: acmegen deploy inventory/acme-multiregion.yaml --from dr-first --zones-delegated",
        ));
    let g = "generated/acme-multiregion";
    assert_eq!(
        p.calls(),
        vec![
            format!("-chdir={g}/bootstrap init -input=false"),
            format!("-chdir={g}/bootstrap apply"),
            format!("-chdir={g}/bootstrap output -json"),
        ]
    );
    p.deploy(&["--from", "dr-first", "--zones-delegated"])
        .assert()
        .success();
    let calls = p.calls();
    assert_eq!(
        calls.first().unwrap(),
        &format!("-chdir={g}/bootstrap output -raw dr_state_bucket")
    );
    assert_eq!(calls.last().unwrap(), &format!("-chdir={g}/dr apply"));
    assert_eq!(calls.len(), 9);
}

#[test]
fn a_stale_tree_unknown_steps_and_a_missing_terraform_are_refused() {
    let p = Project::new("acme-traefik");
    p.deploy(&["--from", "primay"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean `primary`?"))
        .stderr(predicate::str::contains("bootstrap, dr-first, primary, dr"));
    p.deploy(&["--from", "dr", "--to", "bootstrap"]).assert().code(2);
    let main = p.root("primary").join("main.tf");
    let text = fs::read_to_string(&main).unwrap();
    fs::write(&main, format!("{text}\n# edited by hand\n")).unwrap();
    p.deploy(&[]).assert().code(1).stderr(predicate::str::contains(
        "is not what the inventory renders (1 changed, 0 missing)",
    ));
    fs::write(&main, text).unwrap();
    assert!(p.calls().is_empty());
    let mut c = p.deploy(&[]);
    c.env("PATH", p.dir.path().join("nowhere"));
    c.assert()
        .code(4)
        .stderr(predicate::str::contains("cannot run terraform"))
        .stderr(predicate::str::contains("put `terraform` on PATH"));
}

#[test]
fn a_bootstrap_without_state_names_the_machine_that_holds_it() {
    let p = Project::new("acme-traefik");
    // Another machine: the bootstrap's local state is not here.
    let fake = p.dir.path().join("bin/terraform");
    fs::write(
        &fake,
        "#!/usr/bin/env bash\necho \"$*\" >> \"$FAKE_TF_LOG\"\necho 'No outputs found' >&2\nexit 1\n",
    )
    .unwrap();
    let _ = p.calls();
    p.deploy(&["--from", "dr-first"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("output dr_state_bucket cannot be read"))
        .stderr(predicate::str::contains("--to bootstrap"))
        .stderr(predicate::str::contains(
            "resume with: acmegen deploy inventory/acme-traefik.yaml --from dr-first",
        ));
    assert_eq!(p.calls().len(), 1, "nothing runs after the failed output query");
}

#[test]
fn dry_run_prints_every_step_of_every_shipped_inventory() {
    for inv in common::inventories() {
        let name = inv.file_stem().unwrap().to_string_lossy().into_owned();
        let out = Command::cargo_bin("acmegen")
            .unwrap()
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("PATH", "/nonexistent")
            .args(["deploy", &format!("inventory/{name}.yaml"), "--dry-run"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{name}: {}", String::from_utf8_lossy(&out.stderr));
        let text = String::from_utf8(out.stdout).unwrap();
        let g = format!("generated/{name}");
        let order = [
            "bootstrap: the bootstrap root".to_string(),
            format!("terraform -chdir={g}/bootstrap init -input=false"),
            format!("terraform -chdir={g}/bootstrap apply"),
            "dr-first: the DR root first".to_string(),
            format!("terraform -chdir={g}/dr init -input=false -backend-config=\"bucket=$(terraform -chdir={g}/bootstrap output -raw dr_state_bucket)\""),
            "primary: the primary root".to_string(),
            format!("terraform -chdir={g}/primary init -input=false -backend-config=\"bucket=$(terraform -chdir={g}/bootstrap output -raw primary_state_bucket)\""),
            format!("terraform -chdir={g}/primary apply"),
            "dr: the DR root again".to_string(),
        ];
        let mut at = 0;
        for want in &order {
            let found = text[at..]
                .find(want.as_str())
                .unwrap_or_else(|| panic!("{name}: `{want}` missing or out of order in:\n{text}"));
            at += found + want.len();
        }
        let zones = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(&g).join("bootstrap/main.tf"))
            .unwrap()
            .contains("route53_zone");
        assert_eq!(text.contains("zones: delegate"), zones, "{name}: zone step\n{text}");
        if zones {
            assert!(text.contains("--from dr-first --zones-delegated"), "{name}\n{text}");
        }
    }
}

/// `TF_CLI_CONFIG_FILE` of the offline stand-in providers (../shared/tools/tfshim),
/// when terraform and the shim are both here.
fn tfshim() -> Option<String> {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = std::env::var_os("TFSHIM_DIR").map_or_else(|| here.join("../shared/tools/tfshim"), PathBuf::from);
    let terraform = std::process::Command::new("terraform").arg("version").output().is_ok();
    if !terraform || !dir.join("setup.sh").exists() {
        println!("note: terraform or the stand-in providers (../shared/tools/tfshim) are missing; skipping the run with real terraform");
        return None;
    }
    let out = std::process::Command::new(dir.join("setup.sh")).output().ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text.lines().last()?;
    line.strip_prefix("export TF_CLI_CONFIG_FILE=")
        .map(|v| v.trim_matches('"').trim_matches('\'').to_string())
}

/// Real terraform on the bootstrap root with the stand-in providers' fake
/// resource lifecycle (no AWS account): deploy's init and apply flags are
/// ones Terraform accepts, the bootstrap is really applied into local state,
/// and the DR root's init gets exactly the bucket Terraform computed for the
/// bootstrap's output; that init then really reaches for S3, which fails
/// offline, and deploy stops there with the resume command. The roots past
/// the bootstrap cannot go further offline: their S3 backend needs a bucket.
#[test]
fn real_terraform_applies_the_bootstrap_and_hands_its_bucket_to_the_dr_root() {
    let Some(config) = tfshim() else { return };
    let p = Project::new("acme-traefik");
    let real = |c: &mut Command| {
        c.env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("TF_CLI_CONFIG_FILE", &config)
            .env("TFSHIM_LIFECYCLE", "1")
            .env("TF_IN_AUTOMATION", "1")
            .env("CHECKPOINT_DISABLE", "1")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env_remove("AWS_ACCESS_KEY_ID")
            .env_remove("AWS_PROFILE");
    };
    let mut c = p.deploy(&["--to", "bootstrap", "--auto-approve"]);
    real(&mut c);
    c.assert()
        .success()
        .stdout(predicate::str::contains("Apply complete!"))
        .stdout(predicate::str::contains("deployed acme-traefik: 1 step(s) done"));
    let bootstrap = p.root("bootstrap");
    assert!(bootstrap.join("terraform.tfstate").exists(), "no local state");
    let bucket = std::process::Command::new("terraform")
        .args(["output", "-raw", "dr_state_bucket"])
        .current_dir(&bootstrap)
        .env("TF_CLI_CONFIG_FILE", &config)
        .output()
        .unwrap();
    let bucket = String::from_utf8(bucket.stdout).unwrap();
    assert!(!bucket.is_empty());
    let mut c = p.deploy(&["--from", "dr-first", "--auto-approve"]);
    real(&mut c);
    c.assert()
        .code(1)
        .stderr(predicate::str::contains(format!(
            "error: step dr-first failed: `terraform -chdir=generated/acme-traefik/dr init -input=false -backend-config=bucket={bucket}` exited with 1"
        )))
        .stderr(predicate::str::contains("resume with: acmegen deploy inventory/acme-traefik.yaml --from dr-first --auto-approve"));
}
