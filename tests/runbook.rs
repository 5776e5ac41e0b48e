//! RUNBOOK.md and `acmegen failover`: steps match the assets and their strategies.

mod common;

use acmegen::inventory::parse;
use acmegen::plan::plan;
use acmegen::runbook::{failover_changes, failover_tfvars, runbook, Runbook};
use acmegen::validate::validate;
use assert_cmd::Command;
use predicates::prelude::*;
use std::path::Path;

fn book(assets: &str) -> (Runbook, String) {
    let text = format!("name: t\nowner: me\nregions: {{primary: us-east-2, dr: us-west-1}}\nassets:\n{assets}");
    let loaded = parse(&text, Path::new("inventory/t.yaml")).unwrap();
    let valid = validate(&loaded).unwrap_or_else(|d| panic!("{d}"));
    let p = plan(&valid);
    let rb = runbook(&loaded.inventory, &p, &loaded.path);
    let md = common::render_text(&text).unwrap()[Path::new("t/RUNBOOK.md")].clone();
    (rb, md)
}

fn commands(steps: &[acmegen::runbook::Step]) -> String {
    steps
        .iter()
        .flat_map(|s| s.commands.iter().cloned())
        .collect::<Vec<_>>()
        .join("\n")
}

const RDS: &str = "  - {kind: rds, name: db, size: db.m6i.large, engine: postgres, engine_version: \"16\", dr: DR}\n";

#[test]
fn rds_replica_is_promoted_on_failover_and_replicated_back_on_failback() {
    let (rb, md) = book(&RDS.replace("DR", "replica"));
    let f = commands(&rb.failover);
    assert!(
        f.contains("aws rds promote-read-replica --db-instance-identifier t-db-usw1"),
        "{f}"
    );
    assert!(f.contains("--region us-west-1"));
    let b = commands(&rb.failback);
    assert!(b.contains("create-db-instance-read-replica --db-instance-identifier t-db-use2 --source-db-instance-identifier arn:aws:rds:us-west-1:$ACCOUNT_ID:db:t-db-usw1"), "{b}");
    assert!(b.contains("import module.db.aws_db_instance.this t-db-use2"));
    assert!(!commands(&rb.bootstrap).contains("-var"));
    assert_eq!(rb.overall_rpo, "seconds to minutes (replication lag)");
    assert!(md.contains("## Failover (primary region lost)") && md.contains("promote-read-replica"));
}

#[test]
fn rds_backup_is_restored_from_replicated_backups() {
    let (rb, _) = book(&RDS.replace("DR", "backup"));
    let f = commands(&rb.failover);
    // It exports its logs into the log groups the DR root made (helper-67).
    let restore = &lines(&rb.failover)[at(&rb.failover, "restore-db-instance-to-point-in-time")].1;
    assert!(
        restore.contains(" --enable-cloudwatch-logs-exports postgresql --deletion-protection"),
        "{restore}"
    );
    // Where RDS made them itself (a DR root applied before it made them),
    // the step says how to adopt them (helper-73).
    let step = step_of(&rb.failover, "restore-db-instance-to-point-in-time");
    assert!(
        step.verify.iter().any(|v| v.contains("terraform -chdir=generated/t/dr import 'module.db[0].aws_cloudwatch_log_group.restore[\"postgresql\"]' /aws/rds/instance/t-db-usw1/postgresql")),
        "{:?}",
        step.verify
    );
    assert!(
        f.contains("restore-db-instance-to-point-in-time --source-db-instance-automated-backups-arn"),
        "{f}"
    );
    // The restore names the replicated backups (a DR output), and lands in the
    // DR subnet group with the security group that admits the DR clients.
    assert!(
        f.contains("--source-db-instance-automated-backups-arn $(terraform -chdir=generated/t/dr output -raw db_backup_replication_arn)"),
        "{f}"
    );
    assert!(
        f.contains("SG=$(terraform -chdir=generated/t/dr output -raw db_restore_security_group_id)")
            && f.contains("--db-subnet-group-name t-db-usw1 --vpc-security-group-ids \"$SG\""),
        "{f}"
    );
    // ... and joins the parameter group the DR root made with the engine's
    // baseline, TLS required, not the engine's default group (helper-67).
    assert!(
        f.contains("PG=$(terraform -chdir=generated/t/dr output -raw db_restore_parameter_group_name)")
            && restore.contains(" ${PG:+--db-parameter-group-name \"$PG\"} "),
        "{f}"
    );
    // Run: with the output, the flag; without it (a DR root applied before
    // acmegen made the group), the restore still runs, on the default group.
    if let Some(bash) = common::bash() {
        for (terraform, flag) in [
            ("case \"$*\" in *restore_parameter_group_name*) echo t-db-usw1-pg ;; *) echo x ;; esac", true),
            ("case \"$*\" in *restore_parameter_group_name*) echo 'Error: Output \"db_restore_parameter_group_name\" not found' >&2; exit 1 ;; *) echo x ;; esac", false),
        ] {
            let script = step
                .commands
                .iter()
                .take_while(|c| !c.starts_with("until "))
                .cloned()
                .collect::<Vec<_>>()
                .join("\n");
            let ran = common::run_with_fakes(
                &bash,
                &format!("set +e\n{script}\ncat calls"),
                &[("aws", "echo \"$*\" >> calls".to_string()), ("terraform", terraform.to_string())],
            );
            let call = ran
                .stdout
                .lines()
                .find(|l| l.contains("restore-db-instance-to-point-in-time"))
                .unwrap_or_else(|| panic!("{}", ran.stdout))
                .to_string();
            assert_eq!(
                call.contains("--db-parameter-group-name t-db-usw1-pg --db-instance-class"),
                flag,
                "{call}"
            );
            assert_eq!(call.contains("parameter-group"), flag, "{call}");
        }
    }
    assert!(
        step.verify
            .iter()
            .any(|v| v.contains("requires TLS (`rds.force_ssl = 1`)")),
        "{:?}",
        step.verify
    );
    assert_eq!(rb.overall_rto, "hours (restore)");
}

#[test]
fn aurora_global_database_fails_over_and_switches_back() {
    let (rb, _) = book("  - {kind: aurora, name: db, size: db.r6g.large, qty: 2, engine: mysql, engine_version: \"8.0.mysql_aurora.3.10.3\", dr: replica}\n");
    assert!(commands(&rb.failover).contains("aws rds failover-global-cluster --global-cluster-identifier t-db --target-db-cluster-identifier arn:aws:rds:us-west-1:$ACCOUNT_ID:cluster:t-db-usw1 --allow-data-loss"));
    assert!(commands(&rb.failback).contains("aws rds switchover-global-cluster --global-cluster-identifier t-db --target-db-cluster-identifier arn:aws:rds:us-east-2:$ACCOUNT_ID:cluster:t-db-use2"));
}

#[test]
fn pilot_light_failover_scales_up_through_reviewed_variables() {
    let (rb, md) = book("  - {kind: eks, name: k8s, size: m6i.large, qty: 3, min: 2, max: 6, version: \"1.35\", dr: pilot-light}\n  - {kind: vm, name: app, size: t3.micro, qty: 4, dr: pilot-light, dr_qty: 0}\n");
    let names: Vec<(String, String, String)> = rb
        .changes
        .iter()
        .map(|c| (c.name.clone(), c.from.clone(), c.to.clone()))
        .collect();
    assert_eq!(
        names,
        vec![
            ("app_instance_count".into(), "0".into(), "4".into()),
            ("k8s_node_desired_size".into(), "1".into(), "3".into()),
            ("k8s_node_min_size".into(), "1".into(), "2".into()),
        ]
    );
    assert!(commands(&rb.failover).contains("acmegen failover inventory/t.yaml --apply-vars"));
    assert!(commands(&rb.failback).contains("rm generated/t/dr/failover.auto.tfvars"));
    assert!(md.contains("| `app_instance_count` | 0 | 4 |"), "{md}");
    assert!(
        !commands(&rb.bootstrap).contains("primary_deployed"),
        "no replicas, so no bootstrap flag"
    );
}

#[test]
fn traffic_switch_steps_follow_route53_and_global_accelerator() {
    let web =
        "  - {kind: vm, name: app, size: t3.micro, image: nginx, dr: active}\n  - {kind: alb, name: lb, target: app, dr: active}\n";
    let (rb, _) = book(&format!(
        "{web}  - {{kind: route53, name: dns, zone: shop.acme-platform.dev, record: app, target: lb, dr: active}}\n"
    ));
    assert!(commands(&rb.failover).contains("dig +short app.shop.acme-platform.dev"));
    let (rb, _) = book(&format!(
        "{web}  - {{kind: global_accelerator, name: edge, target: lb, dr: active}}\n"
    ));
    assert_eq!(
        rb.changes.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(),
        vec!["edge_traffic_dial"]
    );
    assert!(rb
        .failover
        .iter()
        .any(|s| s.title.contains("Global Accelerator `edge` traffic to us-west-1")));
    // The first deployment copies nothing by hand: the DR root reads the
    // listener the primary published.
    assert!(!commands(&rb.bootstrap).contains("-var"), "{}", commands(&rb.bootstrap));
}

#[test]
fn assets_without_dr_are_listed_as_not_recovered() {
    let (rb, md) = book("  - {kind: s3, name: logs, dr: none}\n  - {kind: s3, name: data, dr: replica}\n");
    assert_eq!(rb.not_covered, vec!["logs (s3)".to_string()]);
    assert!(md.contains("Not recovered in DR: logs (s3)."));
}

#[test]
fn failover_tfvars_are_canonical_hcl() {
    let text = "name: t\nowner: me\nregions: {primary: us-east-2, dr: us-west-1}\nassets:\n  - {kind: vm, name: app, size: t3.micro, qty: 3, dr: pilot-light}\n";
    let loaded = parse(text, Path::new("t.yaml")).unwrap();
    let p = plan(&validate(&loaded).unwrap());
    assert_eq!(failover_changes(&p).len(), 1);
    let tfvars = failover_tfvars(&p);
    assert!(tfvars.contains("app_instance_count = 3"), "{tfvars}");
    assert_eq!(acmegen::format::format_hcl(&tfvars), tfvars);
    hcl::parse(&tfvars).unwrap();
}

#[test]
fn failover_command_prints_and_writes_the_dr_variables() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("inventory")).unwrap();
    std::fs::write(
        dir.path().join("inventory/t.yaml"),
        "name: t\nowner: me\nregions: {primary: us-east-2, dr: us-west-1}\nassets:\n  - {kind: vm, name: app, size: t3.micro, qty: 3, dr: pilot-light}\n",
    )
    .unwrap();
    let run = |args: &[&str]| {
        let mut c = Command::cargo_bin("acmegen").unwrap();
        c.current_dir(dir.path()).args(args);
        c
    };
    run(&["failover", "inventory/t.yaml", "--apply-vars"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("run `acmegen render` first"));
    run(&["render"]).assert().success();
    run(&["failover", "inventory/t.yaml"])
        .assert()
        .success()
        .stdout(predicate::str::contains("app_instance_count  1 -> 3"));
    assert!(!dir.path().join("generated/t/dr/failover.auto.tfvars").exists());
    run(&["failover", "inventory/t.yaml", "--apply-vars"])
        .assert()
        .success()
        .stdout(predicate::str::contains("wrote generated/t/dr/failover.auto.tfvars"));
    let tfvars = std::fs::read_to_string(dir.path().join("generated/t/dr/failover.auto.tfvars")).unwrap();
    assert!(tfvars.contains("app_instance_count = 3"));
    run(&["check"]).assert().success();
    run(&["render"]).assert().success();
    assert!(
        dir.path().join("generated/t/dr/failover.auto.tfvars").exists(),
        "render keeps the reviewed failover variables"
    );
}

#[test]
fn every_shipped_inventory_has_a_runbook_matching_its_assets() {
    use acmegen::inventory::{DrStrategy, Kind};
    for path in common::inventories() {
        let (_, files) = common::render(&path);
        let inv = acmegen::inventory::load(&path).unwrap().inventory;
        let md = &files[&Path::new(&inv.name).join("RUNBOOK.md")];
        for needle in ["## Recovery objectives", "## Failover", "## Failback", "## DR drill"] {
            assert!(md.contains(needle), "{}: no {needle}", inv.name);
        }
        for a in &inv.assets {
            let dr_id = format!(
                "{}-{}-{}",
                inv.name,
                a.name,
                acmegen::plan::region_code(&inv.regions.dr)
            );
            let expect = match (a.kind, a.dr) {
                (Kind::Rds, DrStrategy::Replica) => {
                    Some(format!("promote-read-replica --db-instance-identifier {dr_id}"))
                }
                (Kind::Rds, DrStrategy::Backup) => Some(format!("--target-db-instance-identifier {dr_id}")),
                (Kind::Aurora, DrStrategy::Replica) => Some(format!("cluster:{dr_id} --allow-data-loss")),
                (Kind::S3, DrStrategy::Replica | DrStrategy::Backup) => {
                    Some(format!("s3://{}-{}-$ACCOUNT_ID-{}/", inv.name, a.name, inv.regions.dr))
                }
                (Kind::Route53, DrStrategy::Active) => Some(format!(
                    "dig +short {}.{}",
                    a.record.as_deref().unwrap(),
                    a.zone.as_deref().unwrap()
                )),
                (_, DrStrategy::PilotLight) if a.dr_count() != a.qty() => Some("acmegen failover".to_string()),
                _ => None,
            };
            if let Some(e) = expect {
                assert!(
                    md.contains(&e),
                    "{}: asset {} ({}, {}): no `{e}` in RUNBOOK.md",
                    inv.name,
                    a.name,
                    a.kind,
                    a.dr
                );
            }
        }
    }
}

// ------------------------------------------------------------------------
// aws-review findings 1, 4-7, 13-15, 17: the runbook runs as written with the
// primary region gone, in an order that keeps traffic behind the data.

use acmegen::runbook::{failback_holds, failover_plan, failover_text, Step};

const WEB: &str =
    "  - {kind: vm, name: app, size: t3.micro, image: nginx, dr: active}\n  - {kind: alb, name: lb, target: app, dr: active}\n";
const DNS: &str = "  - {kind: route53, name: dns, zone: shop.acme-platform.dev, record: app, target: lb, dr: active}\n";
const EDGE: &str = "  - {kind: global_accelerator, name: edge, target: lb, dr: active}\n";
const AURORA: &str =
    "  - {kind: aurora, name: db, size: db.r6g.large, qty: 2, engine: postgres, engine_version: \"16\", dr: replica}\n";
const BUCKET: &str = "  - {kind: s3, name: data, dr: replica}\n";

/// Every command of `steps`, each with the index of its step, in order.
fn lines(steps: &[Step]) -> Vec<(usize, String)> {
    steps
        .iter()
        .enumerate()
        .flat_map(|(i, s)| s.commands.iter().map(move |c| (i, c.clone())))
        .collect()
}

/// Position of the first command containing `needle` (panics if none).
/// The failover's DR applies keep the desired size and the AMI release of
/// cluster `k8s`'s default node group (see
/// `failover_applies_keep_the_node_groups_ami_release_and_size`).
const K8S_PIN: &str = r#" -var="k8s_node_desired_size=$K8S__DEFAULT_DESIRED" -var="k8s_node_release_versions={\"default\"=\"$K8S__DEFAULT_RELEASE\"}""#;

fn at(steps: &[Step], needle: &str) -> usize {
    lines(steps)
        .iter()
        .position(|(_, c)| c.contains(needle))
        .unwrap_or_else(|| panic!("no command contains `{needle}`:\n{}", commands(steps)))
}

/// Position of the first command containing all of `needles`.
fn at_all(steps: &[Step], needles: &[&str]) -> usize {
    lines(steps)
        .iter()
        .position(|(_, c)| needles.iter().all(|n| c.contains(n)))
        .unwrap_or_else(|| panic!("no command contains all of {needles:?}:\n{}", commands(steps)))
}

/// The step holding the first command with `needle`.
fn step_of<'a>(steps: &'a [Step], needle: &str) -> &'a Step {
    let i = lines(steps)[at(steps, needle)].0;
    &steps[i]
}

/// Every book the order tests check, as inventory asset lines.
fn shapes() -> Vec<String> {
    vec![
        RDS.replace("DR", "replica"),
        RDS.replace("DR", "backup"),
        format!("{WEB}{DNS}{}{BUCKET}", RDS.replace("DR", "replica")),
        format!("{WEB}{EDGE}{}", RDS.replace("DR", "backup")),
        format!("{WEB}{DNS}{AURORA}{BUCKET}"),
        "  - {kind: eks, name: k8s, size: m6i.large, qty: 3, min: 2, max: 6, version: \"1.35\", dr: pilot-light}\n  - {kind: vm, name: app, size: t3.micro, qty: 2, image: nginx, dr: pilot-light, dr_qty: 0}\n  - {kind: alb, name: lb, target: app, dr: active}\n  - {kind: eip, name: ips, qty: 2, target: app, dr: pilot-light, dr_qty: 0}\n".to_string(),
    ]
}

/// Runbooks of the test shapes and of every shipped inventory.
fn all_books() -> Vec<(String, Runbook)> {
    let mut out: Vec<(String, Runbook)> = shapes().into_iter().map(|s| (s.clone(), book(&s).0)).collect();
    for path in common::inventories() {
        out.push((path.display().to_string(), book_of(&path)));
    }
    out
}

/// The runbook of the inventory file at `path`.
fn book_of(path: &Path) -> Runbook {
    let loaded = acmegen::inventory::load(path).unwrap();
    runbook(&loaded.inventory, &plan(&validate(&loaded).unwrap()), &loaded.path)
}

/// The runbook of the shipped inventory `name` (inventory/<name>.yaml).
fn shipped(name: &str) -> Runbook {
    book_of(&Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("inventory/{name}.yaml")))
}

/// The drill's teardown step of `rb`.
fn drill_teardown(rb: &Runbook) -> &Step {
    rb.drill
        .iter()
        .find(|s| s.title.starts_with("Destroy the drill"))
        .expect("the drill's teardown")
}

/// Finding 1: every DR database a failback deletes or replaces has its
/// deletion protection lifted first, and the change waited for, whatever the
/// strategy.
#[test]
fn failback_lifts_deletion_protection_and_waits_before_deleting_or_replacing() {
    for (name, rb) in all_books() {
        for step in &rb.failback {
            for (i, c) in step.commands.iter().enumerate() {
                // The members of an Aurora cluster: deletion protection is the
                // cluster's, lifted before its instances go, in the same command.
                if let Some(at) = c.find("delete-db-instance --db-instance-identifier \"$i\"") {
                    let cluster = c
                        .split("DBClusterMembers[].DBInstanceIdentifier")
                        .next()
                        .and_then(|head| head.rsplit("describe-db-clusters --db-cluster-identifier ").next())
                        .and_then(|rest| rest.split_whitespace().next())
                        .unwrap_or_else(|| panic!("{name}: `{c}` deletes instances of no named cluster"));
                    let lift = c
                        .find(&format!("modify-db-cluster --db-cluster-identifier {cluster} --no-deletion-protection --apply-immediately"))
                        .unwrap_or_else(|| panic!("{name}: `{c}` without lifting the cluster's protection"));
                    assert!(lift < at && at < c.find("delete-db-cluster ").unwrap(), "{name}: {c}");
                    continue;
                }
                let target = if let Some(rest) = c.split("delete-db-instance --db-instance-identifier ").nth(1) {
                    rest.split_whitespace().next().unwrap().to_string()
                } else if c.contains("-replace='module.") && c.contains("aws_db_instance.this") {
                    // The DR identifier is in the step's modify command.
                    step.commands
                        .iter()
                        .find_map(|x| x.split("modify-db-instance --db-instance-identifier ").nth(1))
                        .unwrap_or_else(|| panic!("{name}: `{c}` without lifting protection"))
                        .split_whitespace()
                        .next()
                        .unwrap()
                        .to_string()
                } else {
                    continue;
                };
                let lift = step.commands[..i]
                    .iter()
                    .position(|x| {
                        x.contains(&format!("modify-db-instance --db-instance-identifier {target} --no-deletion-protection --apply-immediately"))
                    })
                    .unwrap_or_else(|| panic!("{name}: `{c}` without --no-deletion-protection first"));
                let wait = step.commands[..i]
                    .iter()
                    .position(|x| {
                        x.starts_with(&format!(
                            "until aws rds wait db-instance-available --db-instance-identifier {target} "
                        ))
                    })
                    .unwrap_or_else(|| panic!("{name}: `{c}` without a wait after lifting protection"));
                assert!(lift < wait, "{name}: the wait follows the modify");
                assert!(
                    step.verify
                        .iter()
                        .any(|v| v.contains("DeletionProtection") && v.contains(&target)),
                    "{name}: {:?}",
                    step.verify
                );
            }
        }
    }
    // The backup shape deletes its restored copy, then waits for the deletion.
    let (rb, _) = book(&RDS.replace("DR", "backup"));
    let b = &rb.failback;
    assert!(at(b, "--no-deletion-protection") < at(b, "delete-db-instance --db-instance-identifier t-db-usw1"));
    assert!(
        at(b, "delete-db-instance --db-instance-identifier t-db-usw1")
            < at(b, "wait db-instance-deleted --db-instance-identifier t-db-usw1")
    );
}

/// Finding 4: the failover takes the primary out of rotation through the
/// fact store (the primary's state is unreachable); the failback holds it
/// out through a root variable file before any primary apply, and restores
/// rotation only after the data is back.
#[test]
fn traffic_fails_back_only_after_the_data_route53() {
    let (rb, md) = book(&format!("{WEB}{DNS}{}{BUCKET}", RDS.replace("DR", "replica")));
    let f = &rb.failover;
    let hc = at(
        f,
        "HC=$(aws ssm get-parameter --name /acmegen/t/primary/dns_rotation_health_check_id --region us-west-1",
    );
    let out = at(
        f,
        "aws route53 update-health-check --health-check-id \"$HC\" --health-threshold 2",
    );
    assert!(hc < out, "the check's ID comes from the fact store in DR");
    assert!(at(f, "promote-read-replica") < out, "data first");
    let b = &rb.failback;
    let hold = at(
        b,
        "printf '%s\\n' 'dns_in_rotation = false' > generated/t/primary/failback.auto.tfvars",
    );
    assert!(at(b, "update-health-check --health-check-id \"$HC\" --health-threshold 2") < hold);
    // Every primary apply before the restore runs with the hold in place.
    let first_primary_apply = at(b, "terraform -chdir=generated/t/primary apply");
    assert!(hold < first_primary_apply);
    let release = at(b, "rm generated/t/primary/failback.auto.tfvars");
    for after in [
        "promote-read-replica --db-instance-identifier t-db-use2",
        "import module.db.aws_db_instance.this t-db-use2",
        "aws s3 sync s3://t-data-$ACCOUNT_ID-us-west-1/",
        "delete-secret",
    ] {
        assert!(at(b, after) < release, "`{after}` before traffic returns");
    }
    let restore = step_of(b, "rm generated/t/primary/failback.auto.tfvars");
    assert_eq!(
        restore.commands.last().unwrap(),
        "terraform -chdir=generated/t/primary apply",
        "the apply without the hold restores rotation"
    );
    assert!(restore
        .verify
        .iter()
        .any(|v| v.contains("dig +short app.shop.acme-platform.dev")));
    assert!(
        release < at(b, "-replace='module.db[0].aws_db_instance.this'"),
        "DR copies after the switch"
    );
    assert!(md.contains("health-threshold 2"));
    // The primary root holds the switch; in rotation by default.
    let text = "name: t\nowner: me\nregions: {primary: us-east-2, dr: us-west-1}\nassets:\n".to_string() + WEB + DNS;
    let p = plan(&validate(&parse(&text, Path::new("t.yaml")).unwrap()).unwrap());
    assert_eq!(
        failback_holds(&p),
        vec![("dns_in_rotation".to_string(), "false".to_string())]
    );
    assert_eq!(
        p.primary
            .variable("dns_in_rotation")
            .unwrap()
            .default
            .as_ref()
            .unwrap()
            .render(),
        "true"
    );
}

#[test]
fn traffic_fails_back_only_after_the_data_global_accelerator() {
    let (rb, _) = book(&format!("{WEB}{EDGE}{}", RDS.replace("DR", "backup")));
    let f = &rb.failover;
    // DR dial up, primary dial down, both through the Global Accelerator API
    // in us-west-2, the groups found from the listener fact.
    let listener = "LISTENER=$(aws ssm get-parameter --name /acmegen/t/primary/edge_listener_arn --region us-west-1";
    let dr_group = at_all(
        f,
        &[
            "DR_GROUP=$(aws globalaccelerator list-endpoint-groups",
            "EndpointGroupRegion=='us-west-1'",
            "--region us-west-2",
        ],
    );
    let up = at(
        f,
        "--endpoint-group-arn \"$DR_GROUP\" --traffic-dial-percentage 100 --region us-west-2",
    );
    let primary_group = at_all(
        f,
        &[
            "PRIMARY_GROUP=$(aws globalaccelerator list-endpoint-groups",
            "EndpointGroupRegion=='us-east-2'",
        ],
    );
    let down = at(
        f,
        "--endpoint-group-arn \"$PRIMARY_GROUP\" --traffic-dial-percentage 0 --region us-west-2",
    );
    assert!(at(f, listener) < dr_group && dr_group < up && up < primary_group && primary_group < down);
    assert!(at(f, "restore-db-instance-to-point-in-time") < up, "data first");
    let b = &rb.failback;
    let hold = at(
        b,
        "printf '%s\\n' 'edge_traffic_dial = 0' > generated/t/primary/failback.auto.tfvars",
    );
    assert!(hold < at(b, "terraform -chdir=generated/t/primary apply"));
    let restore = step_of(b, "rm generated/t/primary/failback.auto.tfvars");
    let cmds = &restore.commands;
    let dr_down = cmds
        .iter()
        .position(|c| c.contains("\"$DR_GROUP\" --traffic-dial-percentage 0"))
        .unwrap();
    let rm = cmds.iter().position(|c| c.starts_with("rm ")).unwrap();
    let apply = cmds
        .iter()
        .position(|c| c == "terraform -chdir=generated/t/primary apply")
        .unwrap();
    assert!(
        dr_down < rm && rm < apply,
        "DR out before the primary comes back: no split writers"
    );
    // helper-69: the primary's dial goes up through the API right after DR's
    // goes down, not minutes later by the apply (both at 0: no traffic).
    let primary_up = cmds
        .iter()
        .position(|c| c.contains("\"$PRIMARY_GROUP\" --traffic-dial-percentage 100"))
        .expect("the primary's dial raised through the API");
    assert!(
        cmds[..primary_up]
            .iter()
            .any(|c| c.starts_with("PRIMARY_GROUP=") && c.contains("EndpointGroupRegion=='us-east-2'")),
        "{cmds:?}"
    );
    assert_eq!(primary_up, dr_down + 2, "{cmds:?}");
    assert!(primary_up < apply);
    let release = at(b, "rm generated/t/primary/failback.auto.tfvars");
    assert!(at(b, "restore-db-instance-from-db-snapshot") < release);
    assert!(at(b, "import module.db.aws_db_instance.this t-db-use2") < release);
    assert!(
        release < at(b, "rm generated/t/dr/failover.auto.tfvars"),
        "DR dial stays up until the primary serves"
    );
}

/// Finding 5: objects written to DR buckets during the outage are copied
/// back, with a check, after writes stopped and before traffic returns.
#[test]
fn failback_copies_objects_written_in_dr_back_before_writers_return() {
    let (rb, _) = book(&format!("{WEB}{DNS}{BUCKET}"));
    let b = &rb.failback;
    let sync = "aws s3 sync s3://t-data-$ACCOUNT_ID-us-west-1/ s3://t-data-$ACCOUNT_ID-us-east-2/ --source-region us-west-1 --region us-east-2 --size-only";
    let step = step_of(b, sync);
    assert_eq!(
        step.commands[0],
        "ACCOUNT_ID=$(aws sts get-caller-identity --region us-west-1 --query Account --output text)"
    );
    // The marker's value goes into a query only when it is the time the
    // failover wrote (helper-60).
    assert_eq!(
        step.commands[1],
        "DECLARED=$(aws ssm get-parameter --name /acmegen/t/failover/declared --region us-west-1 --query Parameter.Value --output text); case \"$DECLARED\" in [0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z) ;; *) echo \"error: /acmegen/t/failover/declared holds no time the failover wrote: $DECLARED\" >&2; false ;; esac"
    );
    assert_eq!(step.commands[2], sync);
    // helper-58: `--size-only` skips an object rewritten in DR at the same
    // size; what changed there since the declaration is copied regardless.
    // The CLI prints times in the local zone: in UTC they compare with the
    // declaration's `…Z` as strings (helper-71).
    let changed = &step.commands[3];
    assert!(
        changed.starts_with("TZ=UTC aws s3api list-objects-v2 --bucket t-data-$ACCOUNT_ID-us-west-1 --region us-west-1 --query \"Contents[?LastModified>='$DECLARED'].Key\" --output text"),
        "{changed}"
    );
    assert_eq!(
        step.commands[4],
        format!("DRY=$({sync} --dryrun); [ -z \"$DRY\" ]   # the dry run prints nothing: this line fails otherwise")
    );
    assert!(step
        .verify
        .iter()
        .any(|v| v.contains("dry run prints nothing (its line exits 0)")));
    assert!(step.verify.iter().any(|v| v.contains("whatever its size")));
    // Run as the drill runs it (bash -e): an object still to copy, or a
    // failed dry run, stops it.
    if let Some(bash) = common::bash() {
        let check = |aws: &str| common::run_with_fakes(&bash, &step.commands[4], &[("aws", aws.to_string())]).ok;
        assert!(check("exit 0"));
        assert!(!check("echo '(dryrun) copy: s3://a/x to s3://b/x'"));
        assert!(!check("echo 'AccessDenied' >&2; exit 1"));
        // Each key listed (tab-separated, spaces kept) is copied; none
        // listed copies nothing; a failed copy stops the step.
        let copy = |listed: &str, cp: &str| {
            let aws = format!(
                "case \"$1\" in\ns3api) printf '{listed}\\n' ;;\ns3) echo \"$3 -> $4\" >> copied; {cp} ;;\nesac"
            );
            let script = format!("set -o pipefail\nACCOUNT_ID=123\nDECLARED=2026-01-01T00:00:00Z\n{changed}\ncat copied 2>/dev/null || true");
            common::run_with_fakes(&bash, &script, &[("aws", aws)])
        };
        let r = copy("a key\\tdir/b", "true");
        assert!(r.ok, "{}", r.stdout);
        assert_eq!(
            r.stdout,
            "s3://t-data-123-us-west-1/a key -> s3://t-data-123-us-east-2/a key\ns3://t-data-123-us-west-1/dir/b -> s3://t-data-123-us-east-2/dir/b\n"
        );
        let r = copy("None", "true");
        assert!(r.ok && r.stdout.is_empty(), "{}", r.stdout);
        assert!(!copy("x", "exit 1").ok);
    }
    let stop = b
        .iter()
        .position(|s| s.title.starts_with("Stop the application's writes"))
        .unwrap();
    let sync_step = lines(b)[at(b, sync)].0;
    assert!(stop < sync_step);
    assert!(at(b, sync) < at(b, "rm generated/t/primary/failback.auto.tfvars"));
    // No bucket without replication is copied.
    let (rb, _) = book("  - {kind: s3, name: logs, dr: active}\n");
    assert!(!commands(&rb.failback).contains("s3 sync"));
}

/// Finding 6: copies created by CLI carry what the module sets, so
/// `terraform import` adopts them without a deferred change.
#[test]
fn cli_created_databases_carry_the_primary_settings() {
    let (rb, _) = book(&RDS.replace("DR", "replica"));
    let b = &rb.failback;
    let replica = &lines(b)[at(b, "create-db-instance-read-replica")].1;
    for flag in [
        "--db-instance-identifier t-db-use2 --source-db-instance-identifier arn:aws:rds:us-west-1:$ACCOUNT_ID:db:t-db-usw1 --source-region us-west-1",
        "--db-subnet-group-name t-db-use2 --vpc-security-group-ids \"$SG\" --db-parameter-group-name \"$PG\"",
        "--db-instance-class db.m6i.large --port 5432 --multi-az --storage-type gp3 --no-publicly-accessible --ca-certificate-identifier rds-ca-rsa2048-g1 --enable-iam-database-authentication --copy-tags-to-snapshot --auto-minor-version-upgrade",
        "--max-allocated-storage 80",
        "--enable-cloudwatch-logs-exports postgresql",
        "--monitoring-interval 30 --monitoring-role-arn arn:aws:iam::$ACCOUNT_ID:role/t-db-use2-monitoring",
        "--enable-performance-insights --performance-insights-kms-key-id",
        "--deletion-protection --region us-east-2",
    ] {
        assert!(replica.contains(flag), "`{flag}` missing in {replica}");
    }
    let step = step_of(b, "create-db-instance-read-replica");
    let pg = step
        .commands
        .iter()
        .position(|c| c == "PG=$(terraform -chdir=generated/t/primary output -raw db_parameter_group_name)")
        .unwrap();
    let create = step
        .commands
        .iter()
        .position(|c| c.contains("create-db-instance-read-replica"))
        .unwrap();
    assert!(pg < create);
    // The groups they join exist before: the targeted apply builds them.
    let targeted = &lines(b)[at(b, "apply -target=")].1;
    for t in [
        "aws_db_parameter_group.this",
        "aws_cloudwatch_log_group.exports",
        "module.common.aws_iam_role_policy_attachment.monitoring",
        "module.common.aws_db_subnet_group.this",
    ] {
        assert!(targeted.contains(&format!("-target=module.db.{t}")), "{targeted}");
    }
    // (Both positions in the whole failback: `create` counts within its step.)
    assert!(at(b, "apply -target=") < at(b, "create-db-instance-read-replica"));
    // A restore from a snapshot: the same, and the inventory's own values.
    let (rb, _) = book("  - {kind: rds, name: db, size: db.t3.medium, engine: mysql, engine_version: \"8.4\", multi_az: false, retention_days: 3, dr: backup}\n");
    let restore = &lines(&rb.failback)[at(&rb.failback, "restore-db-instance-from-db-snapshot")].1;
    for flag in [
        "--db-parameter-group-name \"$PG\"",
        "--db-instance-class db.t3.medium --port 3306 --no-multi-az --storage-type gp3",
        "--backup-retention-period 3 --preferred-backup-window 03:00-04:00",
        "--deletion-protection --region us-east-2",
    ] {
        assert!(restore.contains(flag), "`{flag}` missing in {restore}");
    }
    // The restore in DR during the failover is protected and placed too.
    let pitr = &lines(&rb.failover)[at(&rb.failover, "restore-db-instance-to-point-in-time")].1;
    assert!(
        pitr.contains("--no-multi-az") && pitr.contains("--deletion-protection --region us-west-1"),
        "{pitr}"
    );
}

/// Finding 7: every shell block sets every variable it uses, before it uses
/// it (a new shell per step is the norm: delegation can take hours).
#[test]
fn every_shell_block_sets_the_variables_it_uses() {
    fn assigned(text: &str) -> Vec<(usize, String)> {
        let mut out = Vec::new();
        let bytes = text.as_bytes();
        for (i, _) in text.match_indices('=') {
            let start = text[..i]
                .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .map_or(0, |p| p + 1);
            let name = &text[start..i];
            let before = text[..start].trim_end_matches(' ');
            let at_start = before.is_empty()
                // `#`: a commented command line the operator runs by hand.
                || ["\n", "&&", ";", "do", "then", "if", "if !", "while", "until", "{", "#"]
                    .iter()
                    .any(|s| before.ends_with(s));
            if !name.is_empty() && at_start && bytes.get(i + 1) != Some(&b'=') {
                out.push((start, name.to_string()));
            }
        }
        for (i, _) in text.match_indices("for ") {
            if let Some(name) = text[i + 4..].split_whitespace().next() {
                out.push((i, name.to_string()));
            }
        }
        // `read -r A B`: every name up to the end of the command.
        for (i, _) in text.match_indices("read -r ") {
            let names = text[i + 8..].split([';', '\n']).next().unwrap_or_default();
            for name in names.split_whitespace() {
                out.push((i, name.to_string()));
            }
        }
        out
    }
    fn used(text: &str) -> Vec<(usize, String)> {
        text.match_indices('$')
            .filter_map(|(i, _)| {
                let rest = &text[i + 1..];
                let rest = rest.strip_prefix('{').unwrap_or(rest);
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                let first = name.chars().next()?;
                (first.is_ascii_alphabetic() || first == '_').then_some((i, name))
            })
            .collect()
    }
    let mut checked = 0;
    for (name, rb) in all_books() {
        for (section, steps) in [
            ("first deployment", &rb.bootstrap),
            ("failover", &rb.failover),
            ("failback", &rb.failback),
            ("drill", &rb.drill),
        ] {
            for s in steps {
                let text = s.commands.join("\n");
                let set = assigned(&text);
                for (pos, var) in used(&text) {
                    checked += 1;
                    assert!(
                        set.iter().any(|(p, n)| n == &var && *p < pos),
                        "{name}, {section}, step `{}`: ${var} used but not set before in the same block:\n{text}",
                        s.title
                    );
                }
            }
        }
    }
    assert!(checked > 100, "the check saw the variables: {checked}");
}

/// Finding 7: the waiters give up after a fixed number of polls; every one
/// is re-run in a loop.
#[test]
fn every_waiter_is_rerun_past_its_limit() {
    for (name, rb) in all_books() {
        for c in [&rb.failover, &rb.failback, &rb.drill]
            .iter()
            .flat_map(|s| s.iter())
            .flat_map(|s| s.commands.iter())
        {
            for (i, _) in c.match_indices(" wait ") {
                assert!(
                    c[..i].ends_with("until aws rds") || c[..i].ends_with("until aws eks"),
                    "{name}: waiter not looped: {c}"
                );
            }
        }
    }
}

/// Finding 7: a subdomain is delegated with NS records in its parent zone, a
/// registered domain at its registrar; first-deployment blocks set ACCOUNT_ID.
#[test]
fn delegation_is_worded_by_zone_and_init_blocks_set_the_account() {
    let web = format!("{WEB}  - {{kind: route53, name: dns, zone: ZONE, record: app, target: lb, dr: active}}\n");
    let (rb, _) = book(&web.replace("ZONE", "shop.acme-platform.dev"));
    let step = rb.bootstrap.iter().find(|s| s.title.starts_with("Delegate")).unwrap();
    assert!(
        step.title.contains("NS records in the parent zone `acme-platform.dev`"),
        "{}",
        step.title
    );
    assert!(step.commands[1].contains("list-hosted-zones-by-name --dns-name acme-platform.dev"));
    for zone in ["acme-platform.dev", "acme-shop.co.uk"] {
        let (rb, _) = book(&web.replace("ZONE", zone));
        let step = rb.bootstrap.iter().find(|s| s.title.starts_with("Delegate")).unwrap();
        assert!(
            step.title.ends_with("name servers at the domain's registrar"),
            "{zone}: {}",
            step.title
        );
    }
    for s in rb
        .bootstrap
        .iter()
        .filter(|s| s.commands.iter().any(|c| c.contains("init -backend-config")))
    {
        assert!(s.commands[0].starts_with("ACCOUNT_ID="), "{}", s.title);
    }
}

/// Finding 7: the drill's teardown lifts every deletion protection and
/// empties the versioned buckets before `terraform destroy`.
#[test]
fn drill_teardown_makes_the_drill_deletable_before_destroying_it() {
    let (rb, _) = book(&format!("{WEB}{}{BUCKET}", RDS.replace("DR", "replica")));
    let d = &rb.drill;
    let destroy_dr = at(d, "terraform -chdir=generated/t-drill/dr destroy");
    assert!(destroy_dr < at(d, "terraform -chdir=generated/t-drill/primary destroy"));
    for before in [
        "aws rds modify-db-instance --db-instance-identifier t-drill-db-use2 --no-deletion-protection --apply-immediately --region us-east-2",
        "aws rds modify-db-instance --db-instance-identifier t-drill-db-usw1 --no-deletion-protection --apply-immediately --region us-west-1",
        "aws elbv2 modify-load-balancer-attributes --load-balancer-arn $(terraform -chdir=generated/t-drill/primary output -raw lb_arn) --attributes Key=deletion_protection.enabled,Value=false --region us-east-2",
        "--load-balancer-arn $(terraform -chdir=generated/t-drill/dr output -raw lb_arn)",
        "empty_bucket() {",
        "empty_bucket t-drill-data-$ACCOUNT_ID-us-east-2",
        "empty_bucket t-drill-data-$ACCOUNT_ID-us-west-1",
    ] {
        assert!(at(d, before) < destroy_dr, "`{before}` before the destroy");
    }
    let (rb, _) = book(AURORA);
    let d = &rb.drill;
    let destroy_dr = at(d, "generated/t-drill/dr destroy");
    for before in [
        "modify-db-cluster --db-cluster-identifier t-drill-db-use2 --no-deletion-protection",
        "modify-db-cluster --db-cluster-identifier t-drill-db-usw1 --no-deletion-protection",
        "modify-global-cluster --global-cluster-identifier t-drill-db --no-deletion-protection",
    ] {
        assert!(at(d, before) < destroy_dr, "`{before}` before the destroy");
    }
}

/// Finding 13: the levers are API calls in the DR region, before any full
/// DR apply; Terraform is reconciled afterwards from the same values, and
/// `acmegen failover` shows the same steps as the runbook.
#[test]
fn failover_levers_are_api_calls_and_terraform_follows() {
    let assets = format!(
        "{}{EDGE}",
        "  - {kind: eks, name: k8s, size: m6i.large, qty: 3, min: 2, max: 6, version: \"1.35\", dr: pilot-light}\n  - {kind: vm, name: app, size: t3.micro, qty: 2, image: nginx, dr: pilot-light, dr_qty: 0}\n  - {kind: alb, name: lb, target: app, dr: active}\n  - {kind: eip, name: ips, qty: 2, target: app, dr: pilot-light, dr_qty: 0}\n"
    );
    let (rb, md) = book(&assets);
    let f = &rb.failover;
    let vars = at(f, "acmegen failover inventory/t.yaml --apply-vars");
    let eks = at(f, "aws eks update-nodegroup-config --cluster-name t-k8s-usw1 --nodegroup-name t-k8s-usw1-default --scaling-config minSize=2,maxSize=6,desiredSize=$K8S__DEFAULT_DESIRED --region us-west-1");
    // The desired size: the failover's, or the larger one the group runs
    // (the DR autoscaler's); unreadable, it stays empty and the call fails.
    let read = at(f, "K8S__DEFAULT_DESIRED=$(aws eks describe-nodegroup --cluster-name t-k8s-usw1 --nodegroup-name t-k8s-usw1-default --region us-west-1 --query nodegroup.scalingConfig.desiredSize --output text); if [ -n \"$K8S__DEFAULT_DESIRED\" ] && [ \"$K8S__DEFAULT_DESIRED\" -lt 3 ]; then K8S__DEFAULT_DESIRED=3; fi");
    assert!(read < eks);
    let vms = at(f, "terraform -chdir=generated/t/dr apply -refresh=false -target=module.app -target=module.ips -target=module.lb.aws_lb_target_group_attachment.this");
    let dial = at(f, "--traffic-dial-percentage 100 --region us-west-2");
    let full = lines(f)
        .iter()
        .position(|(_, c)| *c == format!("terraform -chdir=generated/t/dr apply{K8S_PIN}"))
        .unwrap();
    assert!(
        vars < eks && eks < vms && vms < dial && dial < full,
        "levers, then the reconciling apply"
    );
    assert!(at(f, "--traffic-dial-percentage 0") < full);
    let reconcile = &f[lines(f)[full].0];
    assert!(reconcile.verify.iter().any(|v| v.contains("us-east-1")));
    // The objectives say what each recovery needs.
    let o = |a: &str| rb.objectives.iter().find(|o| o.asset == a).unwrap().clone();
    assert!(o("k8s").needs.starts_with("the EKS API of the DR region"));
    assert!(o("app").needs.starts_with("the EC2 and Elastic Load Balancing APIs"));
    assert!(o("edge").needs.contains("us-west-2") && o("edge").rto.contains("update-endpoint-group"));
    assert!(md.contains("No failover step needs IAM or the Route 53 control plane"));
    // `acmegen failover` lists the runbook's steps, in the runbook's order.
    let text = format!("name: t\nowner: me\nregions: {{primary: us-east-2, dr: us-west-1}}\nassets:\n{assets}");
    let loaded = parse(&text, Path::new("inventory/t.yaml")).unwrap();
    let p = plan(&validate(&loaded).unwrap());
    let report = failover_plan(&loaded.inventory, &p, &loaded.path);
    let printed = failover_text(&p, &report);
    let mut from = 0;
    for s in &rb.failover[1..] {
        if s.title.starts_with("Make Terraform agree")
            || s.title.starts_with("Confirm")
            || s.title.starts_with("Verify")
            || s.title.starts_with("Point")
        {
            continue;
        }
        let here = printed[from..]
            .find(&s.title)
            .unwrap_or_else(|| panic!("`{}` not in order in:\n{printed}", s.title));
        from += here;
        for c in &s.commands {
            assert!(printed.contains(c.as_str()), "`{c}` not printed");
        }
    }
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(
        json["capacity_steps"].as_array().unwrap().len(),
        report.capacity_steps.len()
    );
    assert!(json["objectives"][0]["needs"].is_string());
}

/// Findings 14 and 15: the standalone DR secret goes before any primary
/// apply that could touch the secret; the import's apply rotates database
/// and secret together; replication is verified InSync.
#[test]
fn secrets_return_without_a_gap_or_a_second_password() {
    for shape in [
        RDS.replace("DR", "replica"),
        RDS.replace("DR", "backup"),
        AURORA.to_string(),
    ] {
        let (rb, _) = book(&shape);
        let b = &rb.failback;
        let delete = at(b, "aws secretsmanager delete-secret --secret-id \"$SECRET\" --force-delete-without-recovery --region us-west-1");
        for (i, (_, c)) in lines(b).iter().enumerate() {
            if c.starts_with("terraform -chdir=generated/t/primary apply") && i < delete {
                assert!(
                    c.contains("-target=") && !c.contains("secret"),
                    "{shape}: `{c}` before the DR copy is deleted"
                );
            }
        }
        let full = lines(b)
            .iter()
            .position(|(_, c)| c == "terraform -chdir=generated/t/primary apply")
            .unwrap();
        assert!(delete < full, "{shape}");
        let adopt = &b[lines(b)[full].0];
        assert!(
            adopt
                .verify
                .iter()
                .any(|v| v.contains("ReplicationStatus[?Region=='us-west-1'].Status") && v.contains("InSync")),
            "{shape}"
        );
        if shape.contains("kind: rds") {
            let import = adopt
                .commands
                .iter()
                .position(|c| c.contains("import module.db.aws_db_instance.this t-db-use2"))
                .unwrap();
            assert_eq!(
                adopt.commands[import + 1],
                "terraform -chdir=generated/t/primary apply",
                "import, then one apply"
            );
        }
    }
    // The modules: the secret follows the write-only password version, and
    // overwrites a same-named standalone copy when the replica comes back.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/modules");
    let rds = std::fs::read_to_string(root.join("rds/main.tf")).unwrap();
    assert!(rds.contains("replace_triggered_by = [aws_db_instance.this.id, aws_db_instance.this.password_wo_version]"));
    let aurora = std::fs::read_to_string(root.join("aurora/main.tf")).unwrap();
    assert!(aurora
        .contains("replace_triggered_by = [aws_rds_cluster.this.id, aws_rds_cluster.this.master_password_wo_version]"));
    // The secret itself is db_common's; both write their version into it.
    for m in [&rds, &aurora] {
        assert!(m.contains("secret_id                = module.common.master_secret_id"));
    }
    let common = std::fs::read_to_string(root.join("db_common/main.tf")).unwrap();
    assert!(common.contains("force_overwrite_replica_secret = true"));
    // "Bump password_version" is possible as written: the primary root has it.
    let (_, files) = common::render(&common::inventories_dir().join("acme-vm.yaml"));
    assert!(files[Path::new("acme-vm/primary/variables.tf")].contains("variable \"db_password_version\""));
    assert!(
        files[Path::new("acme-vm/primary/main.tf")].contains("password_version           = var.db_password_version")
    );
}

/// Finding 17: the Aurora secondary joins at the primary's running version;
/// the failback covers an old primary cluster that was lost.
#[test]
fn aurora_failback_covers_a_lost_old_primary() {
    let (rb, _) = book(AURORA);
    let b = &rb.failback;
    let check = at(b, "SynchronizationStatus | [0]");
    let version = at(
        b,
        "VERSION=$(aws rds describe-db-clusters --db-cluster-identifier t-db-usw1 --region us-west-1",
    );
    let rm = at(
        b,
        "state rm module.db.aws_rds_cluster.this module.db.aws_rds_cluster_instance.this",
    );
    let create = at(b, "aws rds create-db-cluster --db-cluster-identifier t-db-use2 --global-cluster-identifier t-db --engine aurora-postgresql --engine-version \"$VERSION\"");
    let instances = at(b, "for i in $(seq 1 2); do aws rds create-db-instance --db-instance-identifier t-db-use2-$i --db-cluster-identifier t-db-use2");
    let import = at(b, "import module.db.aws_rds_cluster.this t-db-use2");
    let switch = at(b, "switchover-global-cluster --global-cluster-identifier t-db --target-db-cluster-identifier arn:aws:rds:us-east-2:$ACCOUNT_ID:cluster:t-db-use2");
    let full = lines(b)
        .iter()
        .position(|(_, c)| c == "terraform -chdir=generated/t/primary apply")
        .unwrap();
    assert!(
        check < version
            && version < rm
            && rm < create
            && create < instances
            && instances < import
            && import < switch
            && switch < full
    );
    assert!(step_of(b, "aws rds create-db-cluster --db-cluster-identifier")
        .title
        .starts_with("Only if the old primary cluster was lost"));
    let created = &lines(b)[create].1;
    assert!(
        !created.contains("--master-username") && !created.contains("--database-name"),
        "a secondary takes neither"
    );
    let text = "name: t\nowner: me\nregions: {primary: us-east-2, dr: us-west-1}\nassets:\n".to_string() + AURORA;
    let md = common::render_text(&text).unwrap();
    assert!(md[Path::new("t/dr/main.tf")].contains("engine_version             = coalesce(lookup(module.facts.values, \"primary/db_engine_version\", null), \"16\")"));
}

/// helper-69: RDS for PostgreSQL's ReplicaLag counts the seconds since the
/// replica last replayed a transaction, so it grows once the failback has
/// stopped the writes. The promotion back waits instead for the DR writer's
/// OldestReplicationSlotLag (the WAL bytes its replica has not received) to
/// be 0; MySQL's ReplicaLag (seconds behind the source) is 0 when caught up.
#[test]
fn the_failback_promotes_a_replica_only_once_it_has_every_write() {
    for (engine, version, metric, instance, region) in [
        ("postgres", "16", "OldestReplicationSlotLag", "t-db-usw1", "us-west-1"),
        ("mysql", "8.4", "ReplicaLag", "t-db-use2", "us-east-2"),
    ] {
        let asset = RDS
            .replace("DR", "replica")
            .replace("postgres", engine)
            .replace("\"16\"", &format!("\"{version}\""));
        let (rb, _) = book(&asset);
        let b = &rb.failback;
        let wait = at(b, "until aws cloudwatch get-metric-statistics --namespace AWS/RDS");
        let promote = at(b, "aws rds promote-read-replica --db-instance-identifier t-db-use2");
        let stop = b
            .iter()
            .position(|s| s.title.starts_with("Stop the application's writes"))
            .unwrap();
        let stopped = lines(b).iter().position(|(step, _)| *step > stop).unwrap();
        assert!(stopped <= wait && wait < promote, "{engine}");
        let command = &lines(b)[wait].1;
        // Only minutes since the wait began count (the writes stopped before).
        assert!(
            command.starts_with("SINCE=$(date -u +%FT%TZ); until ") && command.contains("--start-time \"$SINCE\""),
            "{command}"
        );
        assert!(
            command.contains(&format!(
                "--metric-name {metric} --dimensions Name=DBInstanceIdentifier,Value={instance} "
            )) && command.contains(&format!("--region {region} ")),
            "{engine}: {command}"
        );
        let Some(bash) = common::bash() else {
            eprintln!("note: no bash: the commands are not run");
            return;
        };
        // Two minutes still behind, then caught up.
        let aws = "n=$(cat polls 2>/dev/null || echo 0); echo $((n + 1)) > polls\nif [ \"$n\" -lt 2 ]; then echo 4096.0; else echo 0.0; fi";
        let script = format!("{}\ncat polls", command.replace("sleep 30", "true"));
        let r = common::run_with_fakes(&bash, &script, &[("aws", aws.into())]);
        assert!(r.ok && r.stdout.trim() == "3", "{engine}: {}", r.stdout);
    }
}

/// helper-69: the failback's copy back of a replicated database keeps an old
/// primary that survived aside; run again (a waiter stopped by hand), it
/// leaves its own read replica under the name alone and does not create a
/// second one.
#[test]
fn the_copy_back_keeps_aside_only_an_old_primary_and_can_run_again() {
    let (rb, _) = book(&RDS.replace("DR", "replica"));
    let step = step_of(&rb.failback, "create-db-instance-read-replica");
    let aside = step.commands.iter().find(|c| c.contains("STALE=")).unwrap();
    let create = step
        .commands
        .iter()
        .find(|c| c.contains("create-db-instance-read-replica"))
        .unwrap();
    assert!(
        create.contains(" --tags Key=acmegen-failback-of,Value=\"$DR_ID\" "),
        "{create}"
    );
    let Some(bash) = common::bash() else {
        eprintln!("note: no bash: the commands are not run");
        return;
    };
    // `own`: the tag of the instance under the name (the DR instance's
    // resource ID is dbi-dr).
    let run_tagged = |source: &str, own: &str| {
        let aws = format!(
            "echo \"$*\" >> calls\ncase \"$*\" in\n*DbiResourceId*) echo dbi-dr ;;\n*TagList*) [ -n '{source}' ] || exit 254; echo '{own}' ;;\n*ReadReplicaSourceDBInstanceIdentifier*) [ -n '{source}' ] || exit 254; echo '{source}' ;;\n*\"describe-db-instances --db-instance-identifier t-db-use2 --region us-east-2\"*) [ -n '{source}' ] || exit 254 ;;\nesac"
        );
        let script = format!("{aside}\n{create}\ncat calls");
        let r = common::run_with_fakes(&bash, &script, &[("aws", aws), ("date", "echo 20260101".into())]);
        assert!(r.ok, "{}", r.stdout);
        (r.stdout.contains("modify-db-instance --db-instance-identifier t-db-use2 --new-db-instance-identifier t-db-use2-stale-20260101"), r.stdout.contains("create-db-instance-read-replica"))
    };
    let run = |source: &str| run_tagged(source, "None");
    // helper-75: run again after the replica was promoted, the instance
    // under the name is standalone but tagged as this failback's copy: it
    // stays; one tagged by another failback's DR instance is an old primary.
    assert_eq!(
        run_tagged("None", "dbi-dr"),
        (false, false),
        "the promoted own copy stays"
    );
    assert_eq!(
        run_tagged("None", "dbi-older"),
        (true, false),
        "another failback's copy is kept aside"
    );
    assert_eq!(
        run("None"),
        (true, false),
        "an old primary is renamed (the fake still answers for the name)"
    );
    assert_eq!(run(""), (false, true), "nothing under the name: the replica is created");
    assert_eq!(
        run("arn:aws:rds:us-west-1:1234:db:t-db-usw1"),
        (false, false),
        "the failback's own replica stays, and is not created twice"
    );
}

/// helper-70: registry replication runs one way; the tags pushed to the DR
/// registry since the failover's declaration are copied back with every
/// platform (`crane copy`), and checked in the primary repository, before
/// traffic returns.
#[test]
fn the_failback_copies_images_pushed_in_dr_back() {
    let (rb, _) = book(&format!("{WEB}{DNS}  - {{kind: ecr, name: images, dr: replica}}\n"));
    let b = &rb.failback;
    let step = step_of(b, "crane copy");
    let copy = step.commands.iter().find(|c| c.contains("crane copy")).unwrap();
    let check = step
        .commands
        .iter()
        .find(|c| c.contains("--image-ids imageTag="))
        .unwrap();
    assert!(
        copy.contains("TZ=UTC aws ecr describe-images") && check.contains("TZ=UTC aws ecr describe-images"),
        "times compare in UTC"
    );
    assert!(copy.contains("aws ecr describe-images --repository-name t/images --region us-west-1 --filter tagStatus=TAGGED --query \"imageDetails[?imagePushedAt>='$DECLARED'].imageTags[]\""), "{copy}");
    let Some(bash) = common::bash() else {
        eprintln!("note: no bash: the commands are not run");
        return;
    };
    let run = |tags: &str| {
        let aws = format!(
            "case \"$*\" in\n*get-login-password*) echo secret ;;\n*\"--region us-west-1 --filter\"*) printf '{tags}' ;;\n*\"imageTag=\"*) grep -q -- \"${{*##*imageTag=}}\" copied 2>/dev/null || {{ echo missing >&2; exit 254; }} ;;\nesac"
        );
        let crane =
            "echo \"crane $*\" >> calls; case \"$1\" in copy) echo \"${3##*:}\" | sed 's/ .*//' >> copied ;; esac"
                .to_string();
        let script =
            format!("ACCOUNT_ID=1234\nDECLARED=2026-01-01T12:00:00Z\n{copy}\n{check}\ncat calls 2>/dev/null || true");
        common::run_with_fakes(&bash, &script, &[("aws", aws), ("crane", crane)])
    };
    let r = run("v2\\tv3\\n");
    assert!(r.ok, "{}", r.stdout);
    assert!(
        r.stdout
            .contains("crane auth login 1234.dkr.ecr.us-west-1.amazonaws.com -u AWS --password-stdin"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("crane auth login 1234.dkr.ecr.us-east-2.amazonaws.com -u AWS --password-stdin"),
        "{}",
        r.stdout
    );
    assert_eq!(
        r.stdout.matches("crane auth login").count(),
        2,
        "one login per registry: {}",
        r.stdout
    );
    for tag in ["v2", "v3"] {
        assert!(
            r.stdout.contains(&format!("crane copy 1234.dkr.ecr.us-west-1.amazonaws.com/t/images:{tag} 1234.dkr.ecr.us-east-2.amazonaws.com/t/images:{tag}")),
            "{}",
            r.stdout
        );
    }
    let none = run("None\\n");
    assert!(
        none.ok && !none.stdout.contains("crane"),
        "nothing pushed: nothing copied, no crane needed: {}",
        none.stdout
    );
    // Traffic returns after the copy.
    assert!(at(b, "crane copy") < at(b, "rm generated/t/primary/failback.auto.tfvars"));
}

/// helper-64, helper-72: the DR root's backup plan starts with the failover
/// through a targeted apply that refreshes nothing (the full apply refreshes
/// IAM, whose control plane may be the lost region's), after the failover
/// values are written; the failback's return to standby names it among what
/// its plan destroys.
#[test]
fn the_failover_starts_the_dr_backup_plan_and_the_failback_stops_it() {
    let (rb, _) = book(&format!(
        "{}  - {{kind: backup_plan, name: nightly, dr: backup}}\n",
        RDS.replace("DR", "backup")
    ));
    let f = &rb.failover;
    let written = at(f, "--apply-vars");
    let start = at(
        f,
        "terraform -chdir=generated/t/dr apply -refresh=false -target=module.nightly",
    );
    assert!(written < start, "after the failover values are written");
    let agree = f
        .iter()
        .position(|s| s.title.starts_with("Make Terraform agree"))
        .expect("the full apply");
    let started = f
        .iter()
        .position(|s| s.title.starts_with("Start the backup plan `nightly`"))
        .unwrap();
    assert!(started < agree);
    let b = &rb.failback;
    let standby = step_of(b, "rm generated/t/dr/failover.auto.tfvars");
    assert!(
        standby.verify[0]
            .contains("`module.nightly.aws_backup_selection.this[0]` and `module.nightly.aws_backup_plan.this[0]`"),
        "{}",
        standby.verify[0]
    );
}

/// A step's condition runs before the step's commands (the drill workflow
/// wraps them in `if <condition>; then`), so it sets every variable it reads.
#[test]
fn every_condition_sets_the_variables_it_reads() {
    let mut checked = 0;
    for (name, rb) in all_books() {
        for s in rb.failover.iter().chain(&rb.failback).chain(&rb.drill) {
            let Some(guard) = &s.only_if else { continue };
            checked += 1;
            for (i, _) in guard.match_indices('$') {
                let var: String = guard[i + 1..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if var.is_empty() {
                    continue;
                }
                assert!(
                    guard[..i].contains(&format!("{var}=")),
                    "{name}, `{}`: the condition reads ${var} before any command sets it: {guard}",
                    s.title
                );
            }
        }
    }
    assert!(checked > 0);
}

/// helper-66: AWS refuses a managed failover between clusters on different
/// engine versions (patch level included), which the two regions'
/// maintenance can leave apart. The failover then detaches the DR cluster,
/// the documented way left; any other refusal stops it.
#[test]
fn an_aurora_failover_refused_for_its_engine_versions_detaches_the_dr_cluster() {
    let (rb, _) = book(AURORA);
    let step = step_of(&rb.failover, "failover-global-cluster");
    let [_, failover, wait] = &step.commands[..] else {
        panic!("{:?}", step.commands)
    };
    assert!(failover.contains("remove-from-global-cluster --global-cluster-identifier t-db --db-cluster-identifier arn:aws:rds:us-west-1:$ACCOUNT_ID:cluster:t-db-usw1 --region us-west-1"));
    let Some(bash) = common::bash() else {
        eprintln!("note: no bash: the commands are not run");
        return;
    };
    // `role`: what the global database says of the DR cluster before the
    // step (False: a secondary; True: the writer; None: not a member).
    let run_as = |refusal: &str, role: &str| {
        let aws = format!(
            "echo \"$*\" >> calls\ncase \"$*\" in\n*failover-global-cluster*) [ -n '{refusal}' ] && {{ echo '{refusal}' >&2; exit 254; }}; true ;;\n*ends_with*) echo {role} ;;\n*IsWriter*) echo arn:aws:rds:us-west-1:1234:cluster:t-db-usw1 ;;\n*length*) echo 0 ;;\n*describe-db-clusters*) echo available ;;\nesac"
        );
        let script = format!("ACCOUNT_ID=1234\n{failover}\n{wait}\ncat calls");
        common::run_with_fakes(&bash, &script, &[("aws", aws)])
    };
    let run = |refusal: &str| run_as(refusal, "False");
    // helper-74: run again after a later step failed, the step finds the
    // DR cluster writing (a managed failover done) or gone from the global
    // database (detached) and only waits: neither is failed over again.
    let again = run_as("", "True");
    assert!(
        again.ok
            && !again.stdout.contains("rds failover-global-cluster")
            && !again.stdout.contains("remove-from-global-cluster"),
        "{}",
        again.stdout
    );
    let detached_before = run_as("", "None");
    // Not a member because it does not exist (no DR cluster at all): the
    // step stops at once instead of waiting for a cluster that never comes.
    let missing = {
        let aws = "echo \"$*\" >> calls\ncase \"$*\" in\n*ends_with*) echo None ;;\n*describe-db-clusters*) echo 'An error occurred (DBClusterNotFoundFault)' >&2; exit 254 ;;\nesac";
        common::run_with_fakes(
            &bash,
            &format!("ACCOUNT_ID=1234\n{failover}\n{wait}\ncat calls"),
            &[("aws", aws.to_string())],
        )
    };
    assert!(
        !missing.ok && !missing.stdout.contains("rds failover-global-cluster"),
        "{}",
        missing.stdout
    );
    assert!(
        detached_before.ok
            && !detached_before.stdout.contains("rds failover-global-cluster")
            && !detached_before.stdout.contains("remove-from-global-cluster")
            && detached_before
                .stdout
                .contains("describe-db-clusters --db-cluster-identifier t-db-usw1"),
        "{}",
        detached_before.stdout
    );
    let managed = run("");
    assert!(
        managed.stdout.contains("rds failover-global-cluster"),
        "{}",
        managed.stdout
    );
    assert!(
        managed.ok && !managed.stdout.contains("remove-from-global-cluster"),
        "{}",
        managed.stdout
    );
    let refused = run("An error occurred (InvalidDBClusterStateFault) when calling the FailoverGlobalCluster operation: The target cluster must be using the same engine version as the current primary cluster");
    assert!(refused.ok, "{}", refused.stdout);
    assert!(refused.stdout.contains("rds remove-from-global-cluster --global-cluster-identifier t-db --db-cluster-identifier arn:aws:rds:us-west-1:1234:cluster:t-db-usw1 --region us-west-1"), "{}", refused.stdout);
    assert!(
        refused
            .stdout
            .contains("describe-db-clusters --db-cluster-identifier t-db-usw1"),
        "waits for the standalone cluster"
    );
    let throttled =
        run("An error occurred (Throttling) when calling the FailoverGlobalCluster operation: Rate exceeded");
    assert!(
        !throttled.ok && !throttled.stdout.contains("remove-from-global-cluster"),
        "{}",
        throttled.stdout
    );
    // The message's case is not AWS's contract (helper-71).
    let capitalised = run("An error occurred (InvalidDBClusterStateFault): The target cluster must have the same Engine Version as the primary");
    assert!(
        capitalised.ok && capitalised.stdout.contains("remove-from-global-cluster"),
        "{}",
        capitalised.stdout
    );
}

/// helper-66: after a failover that detached the DR cluster, the global
/// database still holds the old primary as its writer. The failback keeps
/// the old primary's data in a snapshot, retires it, and starts the global
/// database again from the DR cluster, so that the rebuild and the
/// switchover that follow work; where the failover was managed, it is
/// skipped.
#[test]
fn the_failback_makes_the_global_database_whole_again_after_a_detaching_failover() {
    let (rb, _) = book(AURORA);
    let b = &rb.failback;
    let step = step_of(b, "create-global-cluster");
    assert!(
        step.title
            .starts_with("Only if the failover detached `t-db-usw1` from `t-db`"),
        "{}",
        step.title
    );
    let reattach = at(b, "create-global-cluster --global-cluster-identifier t-db --source-db-cluster-identifier arn:aws:rds:us-west-1:$ACCOUNT_ID:cluster:t-db-usw1 --deletion-protection --region us-west-1");
    let rebuild = at(
        b,
        "aws rds create-db-cluster --db-cluster-identifier t-db-use2 --global-cluster-identifier t-db",
    );
    let switch = at(b, "switchover-global-cluster --global-cluster-identifier t-db");
    assert!(reattach < rebuild && rebuild < switch);
    let Some(bash) = common::bash() else {
        eprintln!("note: no bash: the commands are not run");
        return;
    };
    let guard = step.only_if.clone().unwrap();
    let holds = |answer: &str, status: i32| {
        let aws = format!("echo '{answer}'; exit {status}");
        let script = format!("if {guard}; then echo yes; else echo no; fi");
        let r = common::run_with_fakes(&bash, &script, &[("aws", aws)]);
        (r.ok, r.stdout.trim().to_string())
    };
    assert_eq!(
        holds("0", 0),
        (true, "yes".into()),
        "detached: the DR cluster is no member"
    );
    assert_eq!(holds("1", 0), (true, "no".into()), "a managed failover: skipped");
    assert_eq!(
        holds(
            "An error occurred (GlobalClusterNotFoundFault) when calling the DescribeGlobalClusters operation",
            254
        ),
        (true, "yes".into()),
        "a run that stopped after deleting the global database goes on"
    );
    assert_eq!(
        holds("An error occurred (ExpiredToken)", 254),
        (true, "no".into()),
        "any other error: printed, and nothing runs"
    );
    // The whole step against a stand-in RDS whose answers follow the calls
    // (`SNAPSHOT`: the status the old primary's snapshot reaches; `MEMBER`:
    // the DR cluster's membership before the step).
    let aws = r#"echo "$*" >> calls
has() { grep -q -- "$1" calls; }
case "$*" in
*"describe-db-cluster-snapshots"*) echo "$SNAPSHOT" ;;
*"--query DBClusters[0].DBClusterMembers"*) echo t-db-use2-1 t-db-use2-2 ;;
*"describe-db-clusters --db-cluster-identifier t-db-use2"*) has delete-db-cluster && { echo 'DBClusterNotFoundFault' >&2; exit 254; }; true ;;
*":cluster:t-db-use2')])"*) if has remove-from-global-cluster; then echo 0; else echo 1; fi ;;
*":cluster:t-db-usw1')])"*) if has create-global-cluster; then echo 1; else echo "$MEMBER"; fi ;;
*"GlobalClusters[0].Status"*) echo available ;;
*"describe-global-clusters"*) has delete-global-cluster && ! has create-global-cluster && { echo 'GlobalClusterNotFoundFault' >&2; exit 254; }; true ;;
esac"#;
    let block = |member: &str, snapshot: &str| {
        let script = format!(
            "export MEMBER={member} SNAPSHOT={snapshot}\nACCOUNT_ID=1234\n{}\ncat calls",
            step.commands[1..].join("\n")
        );
        common::run_with_fakes(
            &bash,
            &script,
            &[("aws", aws.into()), ("date", "echo 202601011200".into())],
        )
    };
    // Pasted where the failover was managed (or once done): it changes
    // nothing (helper-71: RUNBOOK.md runs the block whatever its title says).
    let managed = block("1", "available");
    let destructive = [
        "create-db-cluster-snapshot",
        "remove-from-global-cluster",
        "modify-db-cluster",
        "delete-",
        "modify-global-cluster",
        "create-global-cluster",
    ];
    assert!(
        managed.ok && destructive.iter().all(|d| !managed.stdout.contains(d)),
        "{}",
        managed.stdout
    );
    // A snapshot that does not become available: nothing is removed or deleted.
    let failed = block("0", "failed");
    assert!(
        failed.stdout.contains("create-db-cluster-snapshot")
            && [
                "remove-from-global-cluster",
                "delete-",
                "modify-global-cluster",
                "create-global-cluster"
            ]
            .iter()
            .all(|d| !failed.stdout.contains(d)),
        "{}",
        failed.stdout
    );
    let r = block("0", "available");
    assert!(r.ok, "{}", r.stdout);
    let calls: Vec<&str> = r.stdout.lines().collect();
    let first = |needle: &str| {
        calls
            .iter()
            .position(|c| c.contains(needle))
            .unwrap_or_else(|| panic!("no {needle}: {}", r.stdout))
    };
    assert!(calls[first("create-db-cluster-snapshot")].contains("--db-cluster-identifier t-db-use2 --db-cluster-snapshot-identifier t-db-use2-lost-writes-202601011200 --region us-east-2"));
    let order = [
        "create-db-cluster-snapshot",
        "remove-from-global-cluster --global-cluster-identifier t-db --db-cluster-identifier arn:aws:rds:us-east-2:1234:cluster:t-db-use2 --region us-east-2",
        "modify-db-cluster --db-cluster-identifier t-db-use2 --no-deletion-protection",
        "delete-db-instance --db-instance-identifier t-db-use2-2",
        "delete-db-cluster --db-cluster-identifier t-db-use2 --skip-final-snapshot",
        "modify-global-cluster --global-cluster-identifier t-db --no-deletion-protection --region us-west-1",
        "delete-global-cluster --global-cluster-identifier t-db --region us-west-1",
        "create-global-cluster --global-cluster-identifier t-db --source-db-cluster-identifier arn:aws:rds:us-west-1:1234:cluster:t-db-usw1",
    ];
    let positions: Vec<usize> = order.iter().map(|n| first(n)).collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{}", r.stdout);
}

/// A PostgreSQL standby run by postgres-operator (main's postgres_operator
/// kind): the failover promotes it once the nodes are up and before the
/// workloads that write to it scale; the failback moves its data back with
/// writes stopped and before clients return, then rebuilds the DR standby
/// from the primary's archive.
#[test]
fn postgres_standby_is_promoted_on_failover_and_returned_to_standby_on_failback() {
    let assets = "  - {kind: eks, name: k8s, size: m6i.large, qty: 3, version: \"1.35\", dr: pilot-light}\n  - {kind: s3, name: pg-backups, dr: replica}\n  - {kind: postgres_operator, name: pg, target: k8s, backup_bucket: pg-backups, qty: 2, db_name: shop, dr: replica}\n";
    let (rb, md) = book(assets);
    let f = &rb.failover;
    assert!(rb
        .changes
        .iter()
        .any(|ch| ch.name == "pg_standby" && ch.from == "true" && ch.to == "false"));
    let vars = at(f, "acmegen failover inventory/t.yaml --apply-vars");
    let nodes = at(f, "aws eks update-nodegroup-config --cluster-name t-k8s-usw1");
    let promote = at(
        f,
        "terraform -chdir=generated/t/dr apply -refresh=false -target=module.pg",
    );
    let full = lines(f)
        .iter()
        .position(|(_, c)| *c == format!("terraform -chdir=generated/t/dr apply{K8S_PIN}"))
        .unwrap();
    assert!(
        vars < nodes && nodes < promote && promote < full,
        "nodes, then the promotion, then Terraform"
    );
    let step = step_of(f, "-target=module.pg");
    assert!(
        step.title.starts_with("Promote the PostgreSQL standby `pg`"),
        "{}",
        step.title
    );
    let members = "kubectl --context t-us-west-1 -n postgres exec pg-0 -c postgres -- patronictl list";
    let wait = step
        .commands
        .iter()
        .find(|c| c.starts_with(&format!("for _ in $(seq 90); do MEMBERS=$({members} 2>&1) || true;")))
        .expect("the step waits for the promoted leader");
    assert!(step
        .verify
        .iter()
        .any(|v| v.contains("shows a Leader (no longer a Standby Leader)")));
    if let Some(bash) = common::bash() {
        // Patroni's table: the standby's role, the pod recreated by the
        // operator (exec fails), then the promoted role. Run as the drill
        // runs it: bash -e with pipefail.
        let run = |promoted_after: usize| {
            let kubectl = format!("echo x >> calls\nn=$(wc -l < calls)\nif [ \"$n\" -eq 2 ]; then echo 'error: pod db-0 not found' >&2; exit 1; fi\nif [ \"$n\" -gt {promoted_after} ]; then echo '| pg-0 | 10.0.0.1 | Leader | running | 2 |'; else echo '| pg-0 | 10.0.0.1 | Standby Leader | streaming | 1 |'; fi");
            common::run_with_fakes(
                &bash,
                &format!("set -o pipefail\n{wait}"),
                &[("kubectl", kubectl), ("sleep", "exit 0".to_string())],
            )
        };
        let r = run(2);
        assert!(r.ok, "{}", r.stdout);
        assert!(
            r.stdout.contains("Standby Leader") && r.stdout.contains("not found"),
            "{}",
            r.stdout
        );
        let r = run(1000);
        assert!(!r.ok, "no leader within the bound: {}", r.stdout);
    }
    assert!(md.contains("Promote the PostgreSQL standby `pg` in us-west-1 (pg_standby = false)"));
    // Failback: writes stop, the data moves back, then DR is a standby again.
    let b = &rb.failback;
    let stop = b
        .iter()
        .position(|s| s.title.starts_with("Stop the application's writes"))
        .unwrap();
    let dump = at_all(
        b,
        &[
            "pg_dump -U postgres -Fc shop |",
            "pg_restore -U postgres --clean --if-exists -d shop",
        ],
    );
    let dump_step = lines(b)[dump].0;
    assert!(stop < dump_step);
    let master = at(
        b,
        "PRIMARY_MASTER=$(kubectl --context t-us-east-2 -n postgres get pods -l cluster-name=pg,spilo-role=master -o name)",
    );
    assert!(master < dump);
    let delete = at(
        b,
        "kubectl --context t-us-west-1 -n postgres delete postgresql pg --wait",
    );
    let pvc = at(
        b,
        "kubectl --context t-us-west-1 -n postgres delete pvc -l cluster-name=pg --wait",
    );
    // helper-76: the StorageClass retains released volumes; the claims'
    // volumes are switched to Delete first, or each failback leaves the
    // promoted cluster's EBS volumes behind, billed; before the cluster
    // goes, whose operator deletes its claims (helper-77).
    let reclaim = at(
        b,
        "for PV in $(kubectl --context t-us-west-1 -n postgres get pvc -l cluster-name=pg -o jsonpath='{.items[*].spec.volumeName}'); do kubectl --context t-us-west-1 -n postgres patch pv \"$PV\" -p '{\"spec\":{\"persistentVolumeReclaimPolicy\":\"Delete\"}}'; done",
    );
    let rm = at(b, "rm generated/t/dr/failover.auto.tfvars");
    let replace = at(
        b,
        "terraform -chdir=generated/t/dr apply -replace=module.pg.helm_release.cluster",
    );
    assert!(dump < reclaim && reclaim < delete && delete < pvc && pvc < rm && rm < replace);
    let back = step_of(b, "-replace=module.pg.helm_release.cluster");
    assert!(back.verify.iter().any(|v| v.contains("Standby Leader")));
    // The objectives say what the promotion needs and loses.
    let o = rb.objectives.iter().find(|o| o.asset == "pg").unwrap();
    assert!(
        o.rto.contains("promote the standby") && o.rpo.contains("WAL not yet archived"),
        "{o:?}"
    );
    assert!(o.needs.starts_with("the EKS and Kubernetes APIs of the DR region"));
    // Without a standby in DR, nothing of this appears.
    let (rb, _) = book(&assets.replace("qty: 2, db_name: shop, dr: replica", "qty: 2, db_name: shop, dr: none"));
    assert!(!commands(&rb.failover).contains("patronictl"));
    assert!(!commands(&rb.failback).contains("pg_dump"));
}

#[test]
fn a_migration_gets_its_section_with_steps_checks_and_a_one_command_rollback() {
    let web = "  - {kind: vm, name: app, size: t3.micro, image: nginx, dr: active}\n  - {kind: alb, name: lb, target: app, dr: active}\n  - {kind: cloudwatch, name: watch, dr: active}\n";
    let dns = "  - kind: route53\n    name: dns\n    zone: shop.acme-platform.dev\n    record: app\n    target: lb\n    dr: active\n    migration: {from: legacy.acme-platform.dev, weight: 0}\n";
    let (rb, md) = book(&format!("{web}{dns}"));
    let titles: Vec<&str> = rb.migration.iter().map(|s| s.title.as_str()).collect();
    assert_eq!(rb.migration.len(), 6, "{titles:?}");
    assert!(
        titles[0].starts_with("Start the migration of app.shop.acme-platform.dev at weight 0"),
        "{titles:?}"
    );
    for (i, w) in [10, 50, 100].iter().enumerate() {
        assert!(
            titles[i + 1].starts_with(&format!("Send {w} % of the answers")),
            "{titles:?}"
        );
        assert_eq!(
            rb.migration[i + 1].commands,
            vec![
                format!("acmegen migrate inventory/t.yaml --asset dns --weight {w}"),
                "acmegen render inventory/t.yaml".to_string(),
                "terraform -chdir=generated/t/primary plan -out=migrate.tfplan".to_string(),
                "terraform -chdir=generated/t/primary apply migrate.tfplan".to_string(),
            ]
        );
        let checks = rb.migration[i + 1].verify.join("\n");
        assert!(
            checks.contains("--alarm-name-prefix t-watch-use2- --state-value ALARM --region us-east-2"),
            "{checks}"
        );
        assert!(checks.contains("--metric-name HealthCheckStatus"), "{checks}");
        assert!(
            checks.contains("dig +short failover.app.shop.acme-platform.dev"),
            "{checks}"
        );
    }
    // Enabling moves DR's SECONDARY first, then the primary.
    let start = &rb.migration[0].commands;
    let dr = start.iter().position(|c| c.ends_with("/dr apply")).unwrap();
    let primary = start.iter().position(|c| c.ends_with("/primary apply")).unwrap();
    assert!(dr < primary, "{start:?}");
    assert!(titles[4].starts_with("Roll back"), "{titles:?}");
    assert_eq!(
        rb.migration[4].commands,
        vec!["acmegen migrate inventory/t.yaml --asset dns --weight 0 && acmegen render inventory/t.yaml && terraform -chdir=generated/t/primary apply"]
    );
    // The end of the migration states the window of the records' type change.
    let end = rb.migration[5].verify.join("\n");
    assert!(
        end.contains("ChangeResourceRecordSets") && end.contains("keep weight 100"),
        "{end}"
    );
    assert!(
        md.contains("## Migration") && md.contains("acmegen migrate inventory/t.yaml --asset dns --weight 50"),
        "{md}"
    );

    // No migration block: no section.
    let (rb, md) = book(&format!(
        "{web}{}",
        dns.replace("    migration: {from: legacy.acme-platform.dev, weight: 0}\n", "")
    ));
    assert!(rb.migration.is_empty());
    assert!(!md.contains("## Migration"));
}

/// The failover step titled `prefix…` and its index.
fn step<'a>(steps: &'a [Step], prefix: &str) -> (usize, &'a Step) {
    steps
        .iter()
        .enumerate()
        .find(|(_, s)| s.title.starts_with(prefix))
        .unwrap_or_else(|| panic!("no step {prefix}"))
}

fn printed_failover(assets: &str) -> String {
    let text = format!("name: t\nowner: me\nregions: {{primary: us-east-2, dr: us-west-1}}\nassets:\n{assets}");
    let loaded = parse(&text, Path::new("inventory/t.yaml")).unwrap();
    let p = plan(&validate(&loaded).unwrap());
    failover_text(&p, &failover_plan(&loaded.inventory, &p, &loaded.path))
}

#[test]
fn a_replica_keeps_its_name_through_failover_and_failback() {
    let assets = RDS.replace("DR", "replica");
    let (rb, md) = book(&assets);
    // The DR record already names the replica; the promotion keeps its
    // address: no Route 53 call in the failover.
    let (_, promote) = step(&rb.failover, "Promote the read replica of `db`");
    assert!(
        promote
            .verify
            .iter()
            .any(|v| v.contains("`db.t.internal` in the DR VPC is a CNAME")),
        "{:?}",
        promote.verify
    );
    assert!(!commands(&rb.failover).contains("change-resource-record-sets"));
    let printed = printed_failover(&assets);
    assert!(
        printed.contains("db.t.internal -> the promoted instance t-db-usw1"),
        "{printed}"
    );
    assert!(
        md.contains("| `db.t.internal` | the promoted instance t-db-usw1"),
        "{md}"
    );
    assert!(!md.contains("The one exception to \"no Route 53 control plane\""));
    // Failback: the adopted primary and the rebuilt replica keep the identifiers, hence the names.
    let (_, adopt) = step(&rb.failback, "Adopt the databases");
    assert!(adopt
        .verify
        .iter()
        .any(|v| v.contains("`db.t.internal` in the us-east-2 VPC names the adopted `db`")));
    let (_, rebuild) = step(&rb.failback, "Make the DR copy of `db` a read replica again");
    assert!(rebuild
        .verify
        .iter()
        .any(|v| v.contains("`db.t.internal` in the us-west-1 VPC names the new replica")));
}

#[test]
fn a_restored_backup_is_named_on_failover_and_unnamed_before_failback_removes_it() {
    let assets = RDS.replace("DR", "backup");
    let (rb, md) = book(&assets);
    let (restore, _) = step(&rb.failover, "Restore `db`");
    let (name, named) = step(&rb.failover, "Point `db.t.internal` at the restored `db`");
    assert_eq!(
        name,
        restore + 1,
        "the name moves once the restored instance is available"
    );
    let upsert = named.commands.join("\n");
    assert!(
        upsert.contains("ZONE=$(terraform -chdir=generated/t/dr output -raw private_zone_id)"),
        "{upsert}"
    );
    assert!(upsert.contains("--db-instance-identifier t-db-usw1"), "{upsert}");
    assert!(
        upsert.contains(r#""Action":"UPSERT","ResourceRecordSet":{"Name":"db.t.internal","Type":"CNAME","TTL":30,"ResourceRecords":[{"Value":"'"$ADDRESS"'"}]}"#),
        "{upsert}"
    );
    assert!(printed_failover(&assets).contains("\"Action\":\"UPSERT\""));
    assert!(md.contains("The one exception to \"no Route 53 control plane\""));
    // Failback: the record goes before the restored instance it names.
    let (_, remove) = step(&rb.failback, "Remove the restored DR copy of `db`");
    let c = remove.commands.join("\n");
    let delete = c.find(r#""Action":"DELETE""#).expect("the record is deleted");
    assert!(delete < c.find("aws rds delete-db-instance").unwrap(), "{c}");
    // The objectives say what naming it needs.
    let o = rb.objectives.iter().find(|o| o.asset == "db").unwrap();
    assert!(o.needs.contains("Route 53 API (us-east-1)"), "{}", o.needs);
}

#[test]
fn an_aurora_secondary_is_reached_by_its_name_once_the_global_database_fails_over() {
    let assets = "  - {kind: aurora, name: db, size: db.r6g.large, qty: 2, engine: postgres, engine_version: \"16\", dr: replica}\n";
    let (rb, _) = book(assets);
    let (_, fail) = step(&rb.failover, "Fail the Aurora global database");
    assert!(fail
        .verify
        .iter()
        .any(|v| v.contains("`db.t.internal` in the DR VPC is a CNAME (TTL 30 s) to the cluster endpoint")));
    let (_, back) = step(&rb.failback, "Switch the Aurora global database");
    assert!(back
        .verify
        .iter()
        .any(|v| v.contains("`db.t.internal` in the us-east-2 VPC reaches the writer again")));
    assert!(printed_failover(assets).contains("db.t.internal -> the writer of cluster t-db-usw1"));
}

/// The Terraform addresses the runbooks name (`-target=`, `-replace=`,
/// `state rm`, `import`) exist in the root they run in: each `module.<label>`
/// step follows the call's source (into child modules such as rds's
/// `module.common`, db_common), and a final `type.name` is a resource there.
#[test]
fn every_address_a_runbook_names_exists_in_its_root() {
    use std::path::PathBuf;
    let mut checked = 0;
    for path in common::inventories() {
        let (modules, roots) = common::render(&path);
        let files: acmegen::emit::FileSet = modules.into_iter().chain(roots).collect();
        let blocks = |dir: &Path| -> Vec<hcl::Block> {
            files
                .iter()
                .filter(|(p, _)| p.parent() == Some(dir) && p.extension().is_some_and(|e| e == "tf"))
                .flat_map(|(_, t)| hcl::parse(t).unwrap().into_blocks())
                .collect()
        };
        let resolve = |root: &Path, address: &str| -> Result<(), String> {
            let plain: String = {
                let mut out = String::new();
                let mut depth = 0;
                for c in address.chars() {
                    match c {
                        '[' => depth += 1,
                        ']' => depth -= 1,
                        _ if depth == 0 => out.push(c),
                        _ => {}
                    }
                }
                out
            };
            let parts: Vec<&str> = plain.split('.').collect();
            let mut dir = root.to_path_buf();
            let mut i = 0;
            while parts.get(i) == Some(&"module") {
                let label = parts.get(i + 1).ok_or(format!("{address}: no module label"))?;
                let call = blocks(&dir)
                    .into_iter()
                    .find(|b| b.identifier() == "module" && b.labels()[0].as_str() == *label)
                    .ok_or(format!("{address}: no module \"{label}\" in {}", dir.display()))?;
                let source = call
                    .body()
                    .attributes()
                    .find(|a| a.key() == "source")
                    .map(|a| a.expr().to_string().trim_matches('"').to_string())
                    .unwrap();
                let mut next = PathBuf::new();
                for c in dir.join(source).components() {
                    match c {
                        std::path::Component::ParentDir => {
                            next.pop();
                        }
                        other => next.push(other),
                    }
                }
                dir = next;
                i += 2;
            }
            match &parts[i..] {
                [] => Ok(()),
                [ty, name] => blocks(&dir)
                    .iter()
                    .any(|b| {
                        b.identifier() == "resource" && b.labels()[0].as_str() == *ty && b.labels()[1].as_str() == *name
                    })
                    .then_some(())
                    .ok_or(format!("{address}: no resource {ty}.{name} in {}", dir.display())),
                rest => Err(format!("{address}: unexpected tail {rest:?}")),
            }
        };
        for (rel, text) in files.iter().filter(|(p, _)| p.ends_with("RUNBOOK.md")) {
            for line in text.lines() {
                let Some(chdir) = line.split("-chdir=generated/").nth(1) else {
                    continue;
                };
                let root = PathBuf::from(chdir.split_whitespace().next().unwrap());
                let words: Vec<&str> = line.split_whitespace().collect();
                let mut addresses: Vec<String> = Vec::new();
                for (n, w) in words.iter().enumerate() {
                    for flag in ["-target=", "-replace="] {
                        if let Some(a) = w.strip_prefix(flag) {
                            addresses.push(a.trim_matches(['\'', '"']).to_string());
                        }
                    }
                    if *w == "import" || (*w == "rm" && n > 0 && words[n - 1] == "state") {
                        let take = if *w == "import" { 1 } else { usize::MAX };
                        addresses.extend(
                            words[n + 1..]
                                .iter()
                                .take(take)
                                .map(|a| a.trim_matches(['\'', '"', ';', '`', '.']))
                                .take_while(|a| a.starts_with("module."))
                                .map(str::to_string),
                        );
                    }
                }
                for a in addresses {
                    resolve(&root, &a).unwrap_or_else(|e| panic!("{}: {e}\n  in: {line}", rel.display()));
                    checked += 1;
                }
            }
        }
    }
    assert!(
        checked > 20,
        "only {checked} addresses found: the scan looked in the wrong place"
    );
}

/// Hunt finding (2026-11-27): the account ID came from STS in the default
/// region, the lost primary's on an on-call machine set up for it, and an
/// empty ID carried on into bucket and ARN names; and nothing in the
/// failover set up the DR root's backend on a machine that never ran it.
#[test]
fn the_failover_asks_sts_in_dr_and_sets_up_the_dr_root_first() {
    let (rb, _) = book(&format!("{WEB}{DNS}{BUCKET}"));
    let first = &rb.failover[0];
    assert_eq!(
        first.commands,
        vec![
            "DECLARED=$(date -u +%Y-%m-%dT%H:%M:%SZ)".to_string(),
            "aws ssm put-parameter --name /acmegen/t/failover/declared --type String --value \"$DECLARED\" --overwrite --region us-west-1".to_string(),
            "printf 'failover_acknowledged = \"%s\"\\n' \"$DECLARED\" > generated/t/dr/incident.auto.tfvars".to_string(),
            "ACCOUNT_ID=$(aws sts get-caller-identity --region us-west-1 --query Account --output text)".to_string(),
            "terraform -chdir=generated/t/dr init -reconfigure -backend-config=\"bucket=t-tfstate-$ACCOUNT_ID-us-west-1\""
                .to_string(),
        ]
    );
    let sections = [&rb.bootstrap, &rb.failover, &rb.failback, &rb.drill];
    let calls: Vec<&String> = sections
        .iter()
        .flat_map(|s| s.iter())
        .flat_map(|step| step.commands.iter())
        .filter(|c| c.contains("get-caller-identity"))
        .collect();
    assert!(calls.len() >= 3, "{calls:?}");
    for c in calls {
        assert!(c.contains("get-caller-identity --region us-west-1 "), "{c}");
    }
}

/// Hunt finding (2026-11-27): the failover's DR applies took the cluster
/// along (a targeted workload apply through `depends_on`, the full apply
/// anyway), and the eks module follows the AMI release AWS recommends: one
/// published since the last DR apply rolled every node mid-failover. Each
/// such apply now pins the release every DR node group runs.
/// Review finding (2026-11-27, stop 23): they also set each group's desired
/// size back to its variable, draining the nodes the cluster autoscaler
/// had added under the load DR now carries (the full apply refreshes the
/// live size and "corrects" it). Each apply now pins the live desired size,
/// never below the failover value (the group's minimum after the failover
/// is no more than that, so EKS accepts it even where the live size could
/// not be read).
#[test]
fn failover_applies_keep_the_node_groups_ami_release_and_size() {
    let (rb, _) = book(
        "  - kind: eks\n    name: k8s\n    size: m6i.large\n    qty: 3\n    version: \"1.35\"\n    dr: pilot-light\n    node_groups:\n      - {name: mon-1, size: t3.large, qty: 2}\n  - {kind: app, name: web, target: k8s, image: \"public.ecr.aws/nginx/nginx:1.27\", port: 8080, qty: 2, dr: pilot-light}\n  - {kind: s3, name: pg-backups, dr: replica}\n  - {kind: postgres_operator, name: pg, target: k8s, backup_bucket: pg-backups, qty: 2, db_name: shop, dr: replica}\n",
    );
    let read = |group: &str, query: &str, shell: &str| {
        format!("{shell}=$(aws eks describe-nodegroup --cluster-name t-k8s-usw1 --nodegroup-name t-k8s-usw1-{group} --region us-west-1 --query {query} --output text)")
    };
    // Raised to the floor when read; an empty read (the call failed) stays
    // empty, which the apply refuses: fail closed, never a guessed size.
    let floored = |group: &str, shell: &str, floor: u32| {
        format!(
            "{}; if [ -n \"${shell}\" ] && [ \"${shell}\" -lt {floor} ]; then {shell}={floor}; fi",
            read(group, "nodegroup.scalingConfig.desiredSize", shell)
        )
    };
    let expected_reads = [
        read("default", "nodegroup.releaseVersion", "K8S__DEFAULT_RELEASE"),
        // The failover values: the primary's desired sizes.
        floored("default", "K8S__DEFAULT_DESIRED", 3),
        read("mon-1", "nodegroup.releaseVersion", "K8S__MON_1_RELEASE"),
        floored("mon-1", "K8S__MON_1_DESIRED", 2),
    ];
    let pins = r#" -var="k8s_node_desired_size=$K8S__DEFAULT_DESIRED" -var="k8s_mon_1_node_desired_size=$K8S__MON_1_DESIRED" -var="k8s_node_release_versions={\"default\"=\"$K8S__DEFAULT_RELEASE\",\"mon-1\"=\"$K8S__MON_1_RELEASE\"}""#;
    let dr_apply = |c: &String| c.starts_with("terraform -chdir=generated/t/dr apply");
    let applies: Vec<&acmegen::runbook::Step> =
        rb.failover.iter().filter(|s| s.commands.iter().any(dr_apply)).collect();
    // The standby's promotion, the workloads' scale-up, the full apply.
    assert!(applies.len() >= 3, "{applies:#?}");
    for step in &applies {
        let at = step.commands.iter().position(dr_apply).unwrap();
        assert!(at >= 4, "{}: {:?}", step.title, step.commands);
        assert_eq!(step.commands[at - 4..at], expected_reads, "{}", step.title);
        assert!(
            step.commands[at].ends_with(pins),
            "{}: {}",
            step.title,
            step.commands[at]
        );
    }
    // Every pinned apply runs after the EKS API raised each group's
    // minimum (the further group too: review finding of stop 23, it waited
    // for the full apply, and so for IAM's control plane): a pin at the
    // live size (or the failover value) is never below the minimum EKS holds.
    let scaled: Vec<usize> = [
        "t-k8s-usw1-default --scaling-config minSize=3,maxSize=6,desiredSize=$K8S__DEFAULT_DESIRED",
        "t-k8s-usw1-mon-1 --scaling-config minSize=2,maxSize=4,desiredSize=$K8S__MON_1_DESIRED",
    ]
    .iter()
    .map(|group| {
        rb.failover
            .iter()
            .position(|s| {
                s.commands
                    .iter()
                    .any(|c| c.starts_with("aws eks update-nodegroup-config") && c.contains(group))
            })
            .unwrap_or_else(|| panic!("{group} is scaled through the EKS API"))
    })
    .collect();
    assert!(rb.failover[scaled[1]]
        .title
        .starts_with("Scale node group `mon-1` of cluster `k8s`"));
    // Each scales to its failover size or the larger one it runs already,
    // once the group is ACTIVE (an update in flight refuses the change),
    // and at most to its maximum.
    for (at, (var, floor, max)) in scaled
        .iter()
        .zip([("K8S__DEFAULT_DESIRED", 3, 6), ("K8S__MON_1_DESIRED", 2, 4)])
    {
        let commands = &rb.failover[*at].commands;
        assert!(
            commands[0].starts_with("until aws eks wait nodegroup-active "),
            "{commands:?}"
        );
        let read = &commands[1];
        assert!(
            read.starts_with(&format!("{var}=$(aws eks describe-nodegroup ")),
            "{read}"
        );
        assert!(
            read.contains(&format!(
                "if [ -n \"${var}\" ] && [ \"${var}\" -lt {floor} ]; then {var}={floor}; fi; if [ -n \"${var}\" ] && [ \"${var}\" -gt {max} ]; then {var}={max}; fi"
            )),
            "{read}"
        );
    }
    let first_apply = rb
        .failover
        .iter()
        .position(|s| s.commands.iter().any(dr_apply))
        .unwrap();
    assert!(scaled.iter().all(|s| *s < first_apply), "{scaled:?} < {first_apply}");
}

/// A declared failover holds every apply that does not know about it, from
/// the first failover step to the last failback step: the CI's applies
/// (which know only the standby values) check the marker themselves, and
/// every plan of either root fails on its `failover_marker` guard unless the
/// root's directory holds the runbook's acknowledgement: the marker's value,
/// the time of this declaration. With or without a `ci:` section: an apply
/// by hand or by `acmegen deploy` would undo the failover all the same.
#[test]
fn a_declared_failover_holds_every_other_apply_until_the_failback_ends() {
    let shipped = shipped("acme-vm");
    let (without_ci, _) = book(&RDS.replace("DR", "replica"));
    for (name, rb) in [("acme-vm", &shipped), ("t", &without_ci)] {
        let marker = format!("/acmegen/{name}/failover/declared");
        let first = &rb.failover[0];
        // First of all (it needs nothing but credentials), one time for the
        // parameter and the DR root's acknowledgement, before any terraform
        // command.
        assert_eq!(
            first.commands[..3],
            [
                "DECLARED=$(date -u +%Y-%m-%dT%H:%M:%SZ)".to_string(),
                format!(
                    "aws ssm put-parameter --name {marker} --type String --value \"$DECLARED\" --overwrite --region us-west-1"
                ),
                format!(
                    "printf 'failover_acknowledged = \"%s\"\\n' \"$DECLARED\" > generated/{name}/dr/incident.auto.tfvars"
                ),
            ],
            "{name}"
        );
        // The failback reads the time back and acknowledges for both roots
        // first: it may run on another machine than the failover. One
        // command for both: the drill splits a step by the root a command
        // names (its jobs acknowledge through their environment instead).
        let back = &rb.failback[0];
        assert_eq!(
            back.commands[0],
            format!(
                "if DECLARED=$(aws ssm get-parameter --name {marker} --region us-west-1 --query Parameter.Value --output text) && case \"$DECLARED\" in [0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z) true ;; *) false ;; esac; then printf 'failover_acknowledged = \"%s\"\\n' \"$DECLARED\" | tee generated/{name}/primary/incident.auto.tfvars > generated/{name}/dr/incident.auto.tfvars; else echo \"error: cannot read {marker}, or it holds no time the failover wrote: run this step again once it answers with the failover's time\" >&2; false; fi"
            ),
            "{name}"
        );
        let last = rb.failback.last().unwrap();
        // Deleted already (the step re-run) counts as done; then the
        // acknowledgements go.
        assert_eq!(
            last.commands,
            [
                format!(
                    "GONE=$(aws ssm delete-parameter --name {marker} --region us-west-1 2>&1) || case \"$GONE\" in *ParameterNotFound*) ;; *) echo \"$GONE\" >&2; false ;; esac"
                ),
                format!("rm -f generated/{name}/primary/incident.auto.tfvars generated/{name}/dr/incident.auto.tfvars"),
            ],
            "{name}"
        );
        // Nothing else in either section touches them.
        let all = format!("{}\n{}", commands(&rb.failover), commands(&rb.failback));
        assert_eq!(all.matches(&marker).count(), 4, "{name}: {all}");
        assert_eq!(all.matches("incident.auto.tfvars").count(), 5, "{name}: {all}");
    }
    // Run: the time read back goes to both files, exactly; an unreadable
    // one writes nothing and fails where the shell stops on errors.
    if let Some(bash) = common::bash() {
        let line = &shipped.failback[0].commands[0];
        let script = format!(
            "mkdir -p generated/acme-vm/primary generated/acme-vm/dr\n{line}\ncat generated/acme-vm/primary/incident.auto.tfvars generated/acme-vm/dr/incident.auto.tfvars"
        );
        let r = common::run_with_fakes(&bash, &script, &[("aws", "echo 2026-11-28T07:00:00Z".to_string())]);
        assert!(r.ok, "{}", r.stdout);
        assert_eq!(
            r.stdout,
            "failover_acknowledged = \"2026-11-28T07:00:00Z\"\nfailover_acknowledged = \"2026-11-28T07:00:00Z\"\n"
        );
        let script =
            format!("mkdir -p generated/acme-vm/primary generated/acme-vm/dr\n{line}\nls generated/acme-vm/*/");
        for aws in [
            "echo 'An error occurred (ExpiredTokenException)' >&2; exit 254",
            "echo ''",
            // helper-60: whoever can write the parameter must not write HCL
            // (or anything but the time) into the roots' files.
            "printf '2026-11-28T07:00:00Z\\\"\\nadmin_cidrs = [\\\"0.0.0.0/0\\\"]\\n'",
            "echo 'yesterday'",
        ] {
            let r = common::run_with_fakes(&bash, &script, &[("aws", aws.to_string())]);
            assert!(!r.ok, "{aws}: {}", r.stdout);
            assert!(!r.stdout.contains("incident.auto.tfvars"), "{aws}: {}", r.stdout);
        }
    } else {
        eprintln!("note: no bash: the failback's acknowledgement is not run");
    }
    // The CI reads the same parameter in the DR region.
    let apply = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join(".github/workflows/acmegen-acme-vm-apply.yml"),
    )
    .unwrap();
    assert!(apply.contains("aws ssm get-parameter --name /acmegen/acme-vm/failover/declared --region us-west-1 "));
    // Both roots read it with their facts and refuse a plan without the
    // declaration's time (tests/outage.tftest.hcl runs such plans, mocked).
    let files = common::render_text(&format!(
        "name: t\nowner: me\nregions: {{primary: us-east-2, dr: us-west-1}}\nassets:\n{}",
        RDS.replace("DR", "replica")
    ))
    .unwrap();
    for (root, writer) in [
        ("primary", "the runbook's failback writes"),
        ("dr", "the runbook's failover and failback write"),
    ] {
        let outputs = &files[Path::new(&format!("t/{root}/outputs.tf"))];
        let guard = outputs
            .split("\noutput ")
            .find(|b| b.starts_with("\"failover_marker\""))
            .unwrap_or_else(|| panic!("{root}: no failover_marker output:\n{outputs}"));
        assert!(
            guard.contains("value       = \"/acmegen/t/failover/declared\"")
                && guard.contains(
                    "condition     = contains(module.facts.names, \"failover/declared\") ? var.failover_acknowledged == lookup(module.facts.values, \"failover/declared\", null) : true"
                )
                && guard.contains("SSM parameter /acmegen/t/failover/declared in us-west-1")
                && guard.contains(&format!("{writer} the parameter's value to this root's incident.auto.tfvars")),
            "{root}: {guard}"
        );
        let variables = &files[Path::new(&format!("t/{root}/variables.tf"))];
        let variable = variables
            .split("\nvariable ")
            .find(|b| b.starts_with("\"failover_acknowledged\""))
            .unwrap_or_else(|| panic!("{root}: no failover_acknowledged"));
        assert!(
            variable.contains("type        = string") && variable.contains("default     = null"),
            "{root}: {variable}"
        );
    }
    let outage = &files[Path::new("t/dr/tests/outage.tftest.hcl")];
    for (run, acknowledgement) in [
        ("dr_plan_while_declared", None),
        (
            "primary_plan_while_declared",
            Some("failover_acknowledged = \"2025-06-30T12:00:00Z\""),
        ),
    ] {
        let at = outage
            .find(&format!("run \"{run}\""))
            .unwrap_or_else(|| panic!("no run {run}"));
        let body = &outage[at..at + outage[at..].find("\n}\n").unwrap()];
        assert!(
            body.contains("command = plan") && body.contains("expect_failures = [output.failover_marker]"),
            "{body}"
        );
        match acknowledgement {
            None => assert!(!body.contains("failover_acknowledged"), "{body}"),
            Some(stale) => assert!(body.contains(stale), "{body}"),
        }
    }
    // The runs that apply while the failover is declared acknowledge it
    // with the time the store holds.
    for run in ["dr_failover", "primary_failback", "dr_failback"] {
        let at = outage
            .find(&format!("run \"{run}\""))
            .unwrap_or_else(|| panic!("no run {run}"));
        let body = &outage[at..at + outage[at..].find("\n}\n").unwrap()];
        assert!(
            body.contains("failover_acknowledged = \"2026-01-01T00:00:00Z\"")
                && body.contains("\"/acmegen/t/failover/declared\"")
                && body.contains("\"2026-01-01T00:00:00Z\""),
            "{run}: {body}"
        );
    }
}

/// The node roll and the failback's last plans give Terraform the desired
/// sizes the cluster autoscaler set (as the CI's plans do): run under bash
/// against a stand-in aws CLI and terraform, the value each plan gets.
#[test]
fn runbook_plans_keep_the_node_group_sizes_the_autoscaler_set() {
    let rb = shipped("acme-multiregion");
    let roll = rb
        .node_roll
        .iter()
        .find(|s| s.title.starts_with("Roll the nodes in us-east-1"))
        .unwrap();
    let confirm = rb
        .failback
        .iter()
        .find(|s| s.title == "Confirm both roots match their configuration")
        .unwrap();
    let Some(bash) = common::bash() else {
        eprintln!("note: no bash: the runbook's lines are not run");
        return;
    };
    // `answers`: per node group name, (answer, exit code) of describe-nodegroup.
    let run = |commands: &[String], answers: &[(&str, &str, i32)]| -> (bool, String) {
        let mut aws = String::from("group=\"\"\nwhile [ $# -gt 0 ]; do [ \"$1\" = --nodegroup-name ] && group=$2; shift; done\ncase \"$group\" in\n");
        for (group, answer, code) in answers {
            let stream = if *code == 0 { "" } else { ">&2" };
            aws.push_str(&format!("  *-{group}) echo '{answer}' {stream}; exit {code} ;;\n"));
        }
        aws.push_str("esac\nexit 9");
        let terraform = "echo \"$1 ${TF_VAR_platform_node_live_desired_sizes-unset}\" >> terraform.log".to_string();
        let r = common::run_with_fakes(&bash, &commands.join("\n"), &[("aws", aws), ("terraform", terraform)]);
        (r.ok, r.terraform_log)
    };
    let missing = "An error occurred (ResourceNotFoundException) when calling the DescribeNodegroup operation";
    let denied = "An error occurred (AccessDeniedException) when calling the DescribeNodegroup operation";
    // The plan gets the live sizes; the saved plan's apply needs none.
    let (ok, log) = run(&roll.commands, &[("default", "5", 0), ("monitoring", "2", 0)]);
    assert!(ok);
    assert_eq!(
        log,
        "-chdir=generated/acme-multiregion/primary {\"default\" = 5, \"monitoring\" = 2, }\n-chdir=generated/acme-multiregion/primary unset\n"
    );
    // One command line, reads first: a step split by root (the drill's
    // jobs) keeps them with the terraform call they are for.
    assert_eq!(roll.commands.len(), 2, "{:?}", roll.commands);
    assert!(roll.commands[0].ends_with(
        "TF_VAR_platform_node_live_desired_sizes=\"{$LIVE_PLATFORM_USE1}\" terraform -chdir=generated/acme-multiregion/primary plan -out=roll.tfplan"
    ));
    // An answer that is no whole number is refused too.
    let (_, log) = run(&roll.commands, &[("default", "None", 0), ("monitoring", "2", 0)]);
    assert!(
        log.starts_with("-chdir=generated/acme-multiregion/primary {\"default\" = unreadable, \"monitoring\" = 2, }\n"),
        "{log}"
    );
    // A group EKS does not know is left out; a failed read is a value
    // Terraform refuses ("Variables not allowed"): fail closed.
    let (_, log) = run(&roll.commands, &[("default", "5", 0), ("monitoring", missing, 254)]);
    assert!(
        log.starts_with("-chdir=generated/acme-multiregion/primary {\"default\" = 5, }\n"),
        "{log}"
    );
    let (_, log) = run(&roll.commands, &[("default", denied, 254), ("monitoring", "2", 0)]);
    assert!(
        log.starts_with("-chdir=generated/acme-multiregion/primary {\"default\" = unreadable, \"monitoring\" = 2, }\n"),
        "{log}"
    );
    // Each root's plan gets its own region's sizes, and only that command.
    assert_eq!(confirm.commands.len(), 2, "{:?}", confirm.commands);
    assert!(confirm.commands[0].contains("--region us-east-1") && confirm.commands[0].contains("/primary plan"));
    assert!(confirm.commands[1].contains("--region us-west-2") && confirm.commands[1].contains("/dr plan"));
    let (ok, log) = run(&confirm.commands, &[("default", "4", 0), ("monitoring", "1", 0)]);
    assert!(ok);
    assert_eq!(log.lines().count(), 2, "{log}");
    assert!(
        log.lines()
            .all(|l| l.ends_with("{\"default\" = 4, \"monitoring\" = 1, }")),
        "{log}"
    );
}

/// The drill's teardown frees the clusters' volumes before anything is
/// destroyed whole: the charts go first (only them: a state without any
/// runs no untargeted destroy), every volume is set to be deleted with its
/// claim, then StatefulSets and claims are deleted. Run under sh against
/// stand-in terraform, aws and kubectl.
#[test]
fn the_drill_teardown_deletes_the_clusters_volumes_before_the_roots() {
    let rb = shipped("acme-traefik");
    let teardown = drill_teardown(&rb);
    let c = &teardown.commands;
    let at = |needle: &str| {
        c.iter()
            .position(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("no {needle} in {c:#?}"))
    };
    let dr_charts = at("CHARTS=$(terraform -chdir=generated/acme-traefik-drill/dr state list");
    let dr_claims = at("kubectl --context acme-traefik-drill-cluster-euc1 delete pvc --all --all-namespaces");
    assert!(dr_charts < at("kubectl --context acme-traefik-drill-cluster-euc1 patch"));
    assert!(
        at("kubectl --context acme-traefik-drill-cluster-euc1 patch")
            < at("acme-traefik-drill-cluster-euc1 delete statefulsets")
    );
    assert!(at("acme-traefik-drill-cluster-euc1 delete statefulsets") < dr_claims);
    assert!(
        at("CHARTS=$(terraform -chdir=generated/acme-traefik-drill/primary state list")
            < at("acme-traefik-drill-cluster-euw3 delete pvc")
    );
    let whole = c
        .iter()
        .position(|l| l == "terraform -chdir=generated/acme-traefik-drill/dr destroy")
        .expect("the DR root's destroy");
    assert!(dr_claims < at("empty_bucket acme-traefik-drill-pg-backups") && dr_claims < whole);
    assert!(teardown
        .verify
        .iter()
        .any(|v| v.contains("`acme-traefik-drill-cluster-euc1` and `acme-traefik-drill-cluster-euw3` list no volume")));
    let Some(bash) = common::bash() else {
        eprintln!("note: no bash: the runbook's lines are not run");
        return;
    };
    let charts = &c[dr_charts];
    let run = |state: &str| {
        let terraform = format!(
            "case \"$*\" in *\"state list\"*) printf '%s\\n' {state} ;; *) echo \"terraform $*\" >> terraform.log ;; esac"
        );
        common::run_with_fakes(&bash, &format!("set -u\n{charts}"), &[("terraform", terraform)])
    };
    let r = run("module.db.helm_release.cluster module.db.aws_s3_bucket.this 'module.apps.helm_release.app[\"api\"]'");
    assert!(r.ok);
    assert_eq!(
        r.terraform_log,
        "terraform -chdir=generated/acme-traefik-drill/dr destroy -target=module.db.helm_release.cluster -target=module.apps.helm_release.app[\"api\"]\n"
    );
    let r = run("module.db.aws_s3_bucket.this");
    assert!(r.ok);
    assert_eq!(r.terraform_log, "", "no chart left: no destroy at all");
}

/// The drill measures what the runbook's RPO for buckets only states: just
/// before the outage, a canary written to each replicated bucket and the
/// seconds until its replica is in DR. Only replicated buckets, with the
/// drill copy's names.
#[test]
fn the_drill_times_a_canary_through_each_replicated_bucket_before_the_outage() {
    let s3 = "  - {kind: s3, name: files, dr: replica}\n  - {kind: s3, name: scratch, dr: none}\n";
    let (rb, md) = book(s3);
    let titles: Vec<&str> = rb.drill.iter().map(|s| s.title.as_str()).collect();
    let lag = titles
        .iter()
        .position(|t| t.starts_with("Measure the buckets' replication lag"))
        .expect("a measurement step");
    let outage = titles
        .iter()
        .position(|t| t.starts_with("Simulate the loss of the primary region"))
        .unwrap();
    assert_eq!(lag + 1, outage, "{titles:?}");
    let step = &rb.drill[lag];
    assert!(
        step.commands.contains(
            &"replication_lag t-drill-files-$ACCOUNT_ID-us-east-2 t-drill-files-$ACCOUNT_ID-us-west-1".to_string()
        ),
        "{:?}",
        step.commands
    );
    assert!(!step.commands.iter().any(|c| c.contains("scratch")));
    assert!(md.contains("Measure the buckets' replication lag just before the outage"));
    // No replicated bucket, no measurement.
    let (rb, _) = book("  - {kind: s3, name: scratch, dr: none}\n");
    assert!(!rb.drill.iter().any(|s| s.title.starts_with("Measure the buckets")));
}

/// helper-57: with `ci.oidc_provider: existing` the bootstrap reads the
/// account's GitHub OIDC provider, and its plan fails in an account that
/// has none yet; the first step now checks for it before the apply and
/// says what to apply first. Run under bash with a fake aws.
#[test]
fn a_bootstrap_that_reads_the_oidc_provider_checks_for_it_first() {
    let first = |oidc: &str| {
        let text = format!(
            "name: t\nowner: me\nregions: {{primary: us-east-2, dr: us-west-1}}\nci: {{repository: acme/infra, acmegen: {{path: .}}{oidc}}}\nassets:\n  - {{kind: s3, name: files, dr: replica}}\n"
        );
        let loaded = parse(&text, Path::new("inventory/t.yaml")).unwrap();
        let valid = validate(&loaded).unwrap_or_else(|d| panic!("{d}"));
        runbook(&loaded.inventory, &plan(&valid), &loaded.path).bootstrap[0].clone()
    };
    for oidc in ["", ", oidc_provider: create"] {
        assert!(
            !commands(&[first(oidc)]).contains("list-open-id-connect-providers"),
            "{oidc}"
        );
    }
    let step = first(", oidc_provider: existing");
    let check = step
        .commands
        .iter()
        .position(|c| c.starts_with("aws iam list-open-id-connect-providers"))
        .expect("the check");
    let apply = step
        .commands
        .iter()
        .position(|c| c.ends_with("bootstrap apply"))
        .unwrap();
    assert!(check < apply, "{:?}", step.commands);
    assert!(step.verify.iter().any(|v| v.contains("`ci.oidc_provider: existing`")));
    let Some(bash) = common::bash() else {
        eprintln!("note: no bash: the check is not run");
        return;
    };
    let run = |listed: &str| {
        let aws = format!("echo '{listed}'");
        common::run_with_fakes(
            &bash,
            &format!("set -o pipefail\n{}", step.commands[check]),
            &[("aws", aws)],
        )
    };
    assert!(run("arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com").ok);
    assert!(!run("").ok);
}

/// helper-57: validation compares the vCPUs a root runs with the default
/// quota (or the stated one), and a new account's applied quota can be
/// lower, where only the launches fail: the pre-steps name each region's
/// need and the command that reads the applied quota.
#[test]
fn the_pre_steps_name_the_vcpus_each_region_needs() {
    let (rb, md) = book("  - {kind: vm, name: web, size: m6i.xlarge, qty: 3, dr: pilot-light}\n");
    let line = |region: &str| {
        rb.prechecks
            .iter()
            .find(|p| p.contains(&format!("--quota-code L-1216C47A --region {region}")))
            .unwrap_or_else(|| panic!("{region}: {:?}", rb.prechecks))
            .clone()
    };
    assert!(
        line("us-east-2").contains("in us-east-2 is at least 12, the most the primary root runs ("),
        "{}",
        line("us-east-2")
    );
    assert!(
        line("us-west-1").contains("the most the DR root runs after a failover"),
        "{}",
        line("us-west-1")
    );
    assert!(md.contains("--quota-code L-1216C47A --region us-west-1"));
}

/// helper-58: before Aurora rebuilds the old primary's volume as a
/// secondary, it snapshots it (`rds:unplanned-global-failover-…`), the only
/// copy of the transactions the failover lost, deleted with the backup
/// retention. The failback keeps a manual copy; the drill's teardown
/// deletes the drill's copies. Run under bash with a fake aws.
#[test]
fn the_failback_keeps_the_old_primarys_snapshot_of_the_lost_writes() {
    let (rb, _) = book(AURORA);
    let step = step_of(
        &rb.failback,
        "describe-db-cluster-snapshots --db-cluster-identifier t-db-use2",
    );
    assert!(
        step.title.contains("keep its snapshot of the writes the failover lost"),
        "{}",
        step.title
    );
    assert!(step
        .verify
        .iter()
        .any(|v| v.contains("`rds:unplanned-global-failover-t-db-use2-<time>`")));
    let find = step.commands.iter().find(|c| c.starts_with("LOST=")).unwrap();
    let copy = step
        .commands
        .iter()
        .find(|c| c.contains("copy-db-cluster-snapshot"))
        .unwrap();
    assert!(
        copy.contains("--target-db-cluster-snapshot-identifier t-db-use2-lost-writes-$(date -u +%Y%m%d%H%M)"),
        "{copy}"
    );
    // The drill's teardown deletes the drill's snapshots, the copies among
    // them, in both regions once the roots (and their final snapshots) are
    // gone (helper-62).
    let teardown = commands(&rb.drill);
    let destroyed = at(&rb.drill, "terraform -chdir=generated/t-drill/primary destroy");
    for region in ["us-east-2", "us-west-1"] {
        let clusters = at(&rb.drill, &format!("describe-db-cluster-snapshots --snapshot-type manual --region {region} --query \"DBClusterSnapshots[?starts_with(DBClusterSnapshotIdentifier, 't-drill-')]"));
        let instances = at(&rb.drill, &format!("describe-db-snapshots --snapshot-type manual --region {region} --query \"DBSnapshots[?starts_with(DBSnapshotIdentifier, 't-drill-')]"));
        assert!(destroyed < clusters && destroyed < instances, "{teardown}");
    }
    // The rebuild of a lost cluster applies only where it is lost: the
    // drill (which loses nothing) skips it.
    let rebuild = rb
        .failback
        .iter()
        .find(|s| s.title.starts_with("Only if the old primary cluster was lost"))
        .unwrap();
    assert_eq!(
        rebuild.only_if.as_deref(),
        Some("GONE=$(aws rds describe-db-clusters --db-cluster-identifier t-db-use2 --region us-east-2 2>&1 >/dev/null); case \"$GONE\" in *DBClusterNotFoundFault*) true ;; '') false ;; *) echo \"$GONE\" >&2; exit 1 ;; esac")
    );
    let Some(bash) = common::bash() else {
        eprintln!("note: no bash: the commands are not run");
        return;
    };
    let run = |found: &str| {
        let aws = format!(
            "case \"$*\" in\n*describe-db-cluster-snapshots*) echo '{found}' ;;\n*copy-db-cluster-snapshot*) echo \"$*\" >> copied ;;\nesac"
        );
        let script = format!("set -o pipefail\n{find}\n{copy}\ncat copied 2>/dev/null || true");
        common::run_with_fakes(&bash, &script, &[("aws", aws), ("date", "echo 202601011200".into())])
    };
    let r = run("rds:unplanned-global-failover-t-db-use2-2026-01-01-11-00");
    assert!(r.ok);
    assert!(
        r.stdout.contains("--source-db-cluster-snapshot-identifier rds:unplanned-global-failover-t-db-use2-2026-01-01-11-00 --target-db-cluster-snapshot-identifier t-db-use2-lost-writes-202601011200 --copy-tags --region us-east-2"),
        "{}",
        r.stdout
    );
    let r = run("None");
    assert!(r.ok && r.stdout.trim().is_empty(), "{}", r.stdout);
}

/// helper-58: a promoted database publishes no replication lag, and its lag
/// alarm treats missing data as breaching: the failover's last check names
/// those alarms as expected in ALARM instead of asking for every alarm OK.
#[test]
fn the_failovers_alarm_check_expects_the_promoted_databases_lag_alarms() {
    let (rb, _) = book(&format!(
        "{AURORA}{}",
        RDS.replace("name: db", "name: orders").replace("DR", "replica")
    ));
    let last = rb.failover.last().unwrap();
    let alarms = last.verify.iter().find(|v| v.starts_with("CloudWatch alarms")).unwrap();
    assert!(
        alarms.contains(
            "except the replication-lag alarms of the promoted databases (`orders-replica-lag`, `db-global-lag`)"
        ),
        "{alarms}"
    );
    // No promoted database, alarms in DR: all of them are OK.
    let (rb, _) = book(&format!("{BUCKET}  - {{kind: cloudwatch, name: watch, dr: active}}\n"));
    let last = rb.failover.last().unwrap();
    assert!(last
        .verify
        .iter()
        .any(|v| v.starts_with("CloudWatch alarms of the DR root are OK; ")));
    // No alarm in DR at all (helper-76): none to check.
    let (rb, _) = book(BUCKET);
    let last = rb.failover.last().unwrap();
    assert!(last
        .verify
        .iter()
        .any(|v| v.starts_with("The DR root has no CloudWatch alarms")));
}

/// helper-58: what came back with the primary region runs again before the
/// failback's first step, out of rotation but not idle (schedules, queue
/// consumers writing to the old primary's databases and buckets): the
/// failback stops it right after holding the primary out of rotation, and
/// starts it again before the traffic returns. Only where data lives in DR.
#[test]
fn the_failback_keeps_the_returning_primary_from_writing() {
    let (rb, _) = book(&format!("{WEB}{DNS}{BUCKET}"));
    let titles: Vec<&str> = rb.failback.iter().map(|s| s.title.as_str()).collect();
    let hold = titles
        .iter()
        .position(|t| t.starts_with("Keep us-east-2 out of rotation"))
        .unwrap();
    let quiet = titles
        .iter()
        .position(|t| *t == "Keep what came back in us-east-2 from writing until its data is back")
        .unwrap_or_else(|| panic!("{titles:?}"));
    assert_eq!(hold + 1, quiet, "{titles:?}");
    let traffic = rb
        .failback
        .iter()
        .position(|s| {
            s.verify
                .iter()
                .any(|v| v.starts_with("Before this apply, start again the servers and applications stopped"))
        })
        .unwrap();
    assert!(quiet < traffic);
    let (rb, _) = book(&format!("{WEB}{DNS}"));
    assert!(!rb.failback.iter().any(|s| s.title.starts_with("Keep what came back")));
}

/// helper-58: DeleteSecret completes asynchronously, and the primary apply
/// then adds a replica of the same name: the failback waits until the DR
/// copy is gone. Run under bash: the wait ends at ResourceNotFound, and
/// any other error stops it.
#[test]
fn the_failback_waits_until_the_dr_secret_is_gone() {
    let (rb, _) = book(AURORA);
    let step = step_of(&rb.failback, "--force-delete-without-recovery");
    let wait = step
        .commands
        .iter()
        .find(|c| {
            c.starts_with("until GONE=$(aws secretsmanager describe-secret --secret-id \"$SECRET\" --region us-west-1")
        })
        .unwrap_or_else(|| panic!("{:?}", step.commands));
    let Some(bash) = common::bash() else {
        eprintln!("note: no bash: the wait is not run");
        return;
    };
    let run = |error: &str| {
        let aws = format!(
            "n=$(cat calls 2>/dev/null || echo 0); echo $((n + 1)) > calls\nif [ \"$n\" -lt 2 ]; then echo '{{\"Name\": \"x\"}}'; else echo '{error}' >&2; exit 254; fi"
        );
        let script = format!("set -o pipefail\nSECRET=arn:x\n{wait}\necho calls=$(cat calls)");
        common::run_with_fakes(&bash, &script, &[("aws", aws), ("sleep", "true".into())])
    };
    let r = run("An error occurred (ResourceNotFoundException) when calling the DescribeSecret operation");
    assert!(r.ok && r.stdout.contains("calls=3"), "{}", r.stdout);
    assert!(!run("An error occurred (AccessDeniedException) when calling the DescribeSecret operation").ok);
}

/// helper-58 (nit): the runbook spoke of the failover's targeted and full
/// DR applies where the failover changes no DR variable and applies nothing.
#[test]
fn the_runbook_speaks_of_the_failovers_dr_applies_only_where_there_are_some() {
    let (rb, md) = book(BUCKET);
    assert!(rb.changes.is_empty());
    assert!(!md.contains("targeted apply that refreshes nothing"), "{md}");
    // No accelerator: its API is not among the calls (helper-76).
    assert!(md.contains("the DR region's APIs.\n"), "{md}");
    let (rb, md) = book("  - {kind: vm, name: web, size: t3.micro, qty: 2, dr: pilot-light}\n");
    assert!(!rb.changes.is_empty());
    assert!(md.contains("targeted apply that refreshes nothing"));
}

/// helper-59: failing over, Global Accelerator ignores a traffic dial of 0
/// and sends traffic to any healthy endpoint: the primary's endpoints leave
/// its group when it is taken out of rotation (failover and failback),
/// which the primary root's next full apply restores. Run under bash: each
/// endpoint listed is removed, an empty group removes nothing.
#[test]
fn taking_the_primary_out_of_rotation_removes_its_accelerator_endpoints() {
    let (rb, _) = book(&format!("{WEB}{EDGE}"));
    for steps in [&rb.failover, &rb.failback] {
        let step = step_of(steps, "--traffic-dial-percentage 0");
        let remove = step
            .commands
            .iter()
            .find(|c| c.contains("remove-endpoints"))
            .unwrap_or_else(|| panic!("{:?}", step.commands));
        assert!(remove.contains("--endpoint-group-arn \"$PRIMARY_GROUP\""), "{remove}");
        assert!(step
            .verify
            .iter()
            .any(|v| v.contains("ignores the dial and fails over to any healthy endpoint")));
        let Some(bash) = common::bash() else {
            continue;
        };
        let run = |listed: &str| {
            let aws = format!(
                "case \"$2\" in\ndescribe-endpoint-group) printf '{listed}\\n' ;;\nremove-endpoints) echo \"$6\" >> removed ;;\nesac"
            );
            let script = format!("set -o pipefail\nPRIMARY_GROUP=g\n{remove}\ncat removed 2>/dev/null || true");
            common::run_with_fakes(&bash, &script, &[("aws", aws)])
        };
        let r = run("arn:alb-1\\tarn:alb-2");
        assert!(r.ok);
        assert_eq!(r.stdout, "EndpointId=arn:alb-1\nEndpointId=arn:alb-2\n");
        let r = run("None");
        assert!(r.ok && r.stdout.is_empty(), "{}", r.stdout);
    }
}

/// helper-59: the failover's DR apply reads the Helm releases through each
/// cluster's API: its first step asks for the operator's access entry and
/// address, only where the failover applies the DR root and it has charts.
#[test]
fn the_failover_checks_the_operators_cluster_access_where_its_dr_apply_needs_it() {
    let eks = "  - {kind: eks, name: k8s, size: m6i.large, qty: 3, version: \"1.35\", dr: pilot-light}\n  - {kind: s3, name: pg-backups, dr: replica}\n  - {kind: postgres_operator, name: pg, target: k8s, backup_bucket: pg-backups, qty: 2, db_name: shop, dr: replica}\n";
    let (rb, _) = book(eks);
    let first = &rb.failover[0];
    assert!(
        first
            .verify
            .iter()
            .any(|v| v.contains("has an access entry on `t-k8s-usw1`") && v.contains("`admin_cidrs`")),
        "{:?}",
        first.verify
    );
    let (rb, _) = book(BUCKET);
    assert!(!rb.failover[0].verify.iter().any(|v| v.contains("access entry")));
}

/// helper-62: what the drill's RDS databases leave outside Terraform: the
/// old primary the failback kept aside (`-stale-<date>`, deletion-protected)
/// holds the primary root's database groups, so it goes before the primary
/// destroy; the snapshots (the destroy's final ones, the failback's
/// `-before-failback`) go after it, in both regions.
#[test]
fn the_drill_teardown_deletes_what_its_databases_leave() {
    let (rb, _) = book(&RDS.replace("DR", "replica"));
    let d = &rb.drill;
    let stale = at(
        d,
        "DBInstances[?starts_with(DBInstanceIdentifier, 't-drill-db-use2-stale-')]",
    );
    let line = &lines(d)[stale].1;
    for want in [
        "--no-deletion-protection",
        "delete-db-instance --db-instance-identifier \"$ID\" --skip-final-snapshot --delete-automated-backups",
        "wait db-instance-deleted",
    ] {
        assert!(line.contains(want), "{want}: {line}");
    }
    let primary = at(d, "terraform -chdir=generated/t-drill/primary destroy");
    assert!(stale < primary);
    let snapshots = at(d, "DBSnapshots[?starts_with(DBSnapshotIdentifier, 't-drill-')]");
    assert!(primary < snapshots);
    // helper-63: a failed list stops the teardown (a `for` over a failed
    // command substitution would pass and leave everything behind).
    if let Some(bash) = common::bash() {
        for i in [stale, snapshots] {
            let command = &lines(d)[i].1;
            let failed = common::run_with_fakes(
                &bash,
                &format!("set -o pipefail\n{command}\necho went-on"),
                &[("aws", "echo 'An error occurred (Throttling)' >&2; exit 254".to_string())],
            );
            assert!(
                !failed.ok && !failed.stdout.contains("went-on"),
                "{command}: {}",
                failed.stdout
            );
            let none = common::run_with_fakes(
                &bash,
                &format!("set -o pipefail\n{command}\necho went-on"),
                &[("aws", "true".to_string())],
            );
            assert!(none.ok && none.stdout.contains("went-on"), "{command}: {}", none.stdout);
        }
    }
    // helper-74: a snapshot is waited for only while AWS creates it; a
    // failed one is deleted as it is (the available-waiter fails at once on
    // it, and retrying that waiter looped until the job timed out).
    if let Some(bash) = common::bash() {
        let command = &lines(d)[snapshots].1;
        let aws = r#"case "$*" in
  *"--snapshot-type manual"*) echo "t-drill-db-usw1-final-0a1b2c3d t-drill-db-usw1-before-failback-202611281200" ;;
  *"describe-db-snapshots --db-snapshot-identifier t-drill-db-usw1-final-0a1b2c3d "*) echo failed ;;
  *"describe-db-snapshots --db-snapshot-identifier"*) n=$(cat polls 2>/dev/null || echo 0); echo $((n + 1)) > polls; if [ "$n" -lt 1 ]; then echo creating; elif [ "$n" -lt 2 ]; then echo copying; else echo available; fi ;;
  *"delete-db-snapshot"*) echo "$*" >> deleted ;;
esac"#;
        let ran = common::run_with_fakes(
            &bash,
            &format!("sleep() {{ :; }}\n{command}\ncat deleted; echo polls=$(cat polls)"),
            &[("aws", aws.to_string())],
        );
        assert!(ran.ok, "{command}: {}", ran.stdout);
        for s in [
            "t-drill-db-usw1-final-0a1b2c3d",
            "t-drill-db-usw1-before-failback-202611281200",
        ] {
            assert!(
                ran.stdout
                    .contains(&format!("delete-db-snapshot --db-snapshot-identifier {s} ")),
                "{s}: {}",
                ran.stdout
            );
        }
        // The one being made, then copied, was polled until it was
        // available (helper-75: a copying snapshot cannot be deleted).
        assert!(ran.stdout.contains("polls=3"), "{}", ran.stdout);
    }
    // No database, nothing of it.
    let (rb, _) = book(BUCKET);
    assert!(!commands(&rb.drill).contains("describe-db-snapshots"));
}

/// helper-75: a drill that stopped between the failover's restore and the
/// failback's removal of it left the restored copy (`dr: backup`), which
/// holds the DR root's subnet, security and parameter groups: the teardown
/// deletes it, and the vault's `-rp` copy, before the DR destroy, in the
/// runbook and in the drill workflow's DR destroy job.
#[test]
fn the_drill_teardown_deletes_the_restored_dr_copies_before_the_dr_destroy() {
    let (rb, _) = book(&RDS.replace("DR", "backup"));
    let d = &rb.drill;
    let copies = at(
        d,
        "DBInstances[?DBInstanceIdentifier=='t-drill-db-usw1' || starts_with(DBInstanceIdentifier, 't-drill-db-usw1-rp')]",
    );
    let line = &lines(d)[copies].1;
    for want in [
        "--region us-west-1",
        "--no-deletion-protection",
        "delete-db-instance --db-instance-identifier \"$ID\" --skip-final-snapshot --delete-automated-backups --region us-west-1",
        "wait db-instance-deleted",
    ] {
        assert!(line.contains(want), "{want}: {line}");
    }
    assert!(copies < at(d, "terraform -chdir=generated/t-drill/dr destroy"));
    // A replica has no restored copy.
    let (rb, _) = book(&RDS.replace("DR", "replica"));
    assert!(!commands(&rb.drill).contains("DBInstanceIdentifier=='t-drill-db-usw1'"));
    // The shipped acme-eks (`db`, dr: backup): its DR destroy job.
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(".github/workflows/acmegen-acme-eks-drill.yml");
    let w: serde_yaml::Value = serde_yaml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let steps: Vec<(String, String)> = w["jobs"]["destroy-dr"]["steps"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["name"].as_str().unwrap_or_default().to_string(),
                s["run"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let delete = steps
        .iter()
        .position(|(_, run)| run.contains("DBInstanceIdentifier=='acme-eks-drill-db-usw2'"))
        .expect("the DR destroy job deletes the restored copy");
    let destroy = steps
        .iter()
        .position(|(name, _)| name.starts_with("terraform destroy"))
        .expect("a destroy step");
    assert!(delete < destroy, "{steps:?}");
}

/// helper-74: every snapshot a runbook takes is named by the minute it is
/// taken (or, in the modules, by a random suffix): a fixed name stops the
/// next failback, drill or destroy at the snapshot the last one left
/// (DBSnapshotAlreadyExists).
#[test]
fn no_runbook_snapshot_has_a_fixed_name() {
    let mut seen = 0;
    for (name, rb) in all_books() {
        for text in [&rb.failover, &rb.failback, &rb.drill] {
            for (_, line) in lines(text) {
                for flag in [
                    "--db-snapshot-identifier ",
                    "--db-cluster-snapshot-identifier ",
                    "--final-db-snapshot-identifier ",
                    "--target-db-snapshot-identifier ",
                ] {
                    let creates = line.contains("create-db-snapshot")
                        || line.contains("create-db-cluster-snapshot")
                        || line.contains("copy-db-snapshot")
                        || flag == "--final-db-snapshot-identifier ";
                    if !creates {
                        continue;
                    }
                    for (i, _) in line.match_indices(flag) {
                        let value = line[i + flag.len()..].split_whitespace().next().unwrap_or_default();
                        seen += 1;
                        assert!(
                            value.starts_with("\"$") || value.contains("$(date"),
                            "{name}: a snapshot of a fixed name `{value}`: {line}"
                        );
                    }
                }
            }
        }
    }
    assert!(seen >= 4, "only {seen} snapshot names seen: the test checks nothing");
    for module in ["rds", "aurora"] {
        let main = acmegen::emit::module_mains(module)[0];
        let line = main
            .lines()
            .find(|l| l.trim_start().starts_with("final_snapshot_identifier"))
            .unwrap_or_else(|| panic!("{module}: no final_snapshot_identifier"));
        assert!(
            line.contains("-final-${random_id.final_snapshot.hex}"),
            "{module}: {line}"
        );
    }
}

/// helper-61: a node group is ACTIVE before its new nodes are Ready, and
/// pods scheduled then land on the pilot node's zone (a zone spread never
/// moves them): the failover's scale-up waits until the group has its
/// desired number of Ready nodes. Run under bash: it goes on once they
/// are, and stops after its tries when they never are.
#[test]
fn the_failover_waits_for_the_scaled_groups_nodes_to_be_ready() {
    let (rb, _) = book(
        "  - {kind: eks, name: k8s, size: m6i.large, qty: 3, min: 2, max: 6, version: \"1.35\", dr: pilot-light}\n",
    );
    let step = step_of(
        &rb.failover,
        "aws eks update-nodegroup-config --cluster-name t-k8s-usw1",
    );
    let wait = step
        .commands
        .iter()
        .find(|c| c.starts_with("READY=0; for i in $(seq 1 60)"))
        .unwrap_or_else(|| panic!("{:?}", step.commands));
    assert!(
        wait.contains("get nodes -l eks.amazonaws.com/nodegroup=t-k8s-usw1-default"),
        "{wait}"
    );
    let kubeconfig = step
        .commands
        .iter()
        .position(|c| c.starts_with("aws eks update-kubeconfig --name t-k8s-usw1"))
        .unwrap();
    assert!(kubeconfig < step.commands.iter().position(|c| c == wait).unwrap());
    let Some(bash) = common::bash() else {
        return;
    };
    // `kubectl` lists one more Ready node at each call, up to `most`.
    let run = |most: u32| {
        let kubectl = format!(
            "n=$(cat calls 2>/dev/null || echo 0); n=$((n + 1)); echo $n > calls; i=0; while [ $i -lt $n ] && [ $i -lt {most} ]; do echo \"node-$i   Ready    <none>   1m   v1.35\"; i=$((i + 1)); done; echo 'node-x   NotReady   <none>   1m   v1.35'"
        );
        let script = format!("set -o pipefail\nK8S__DEFAULT_DESIRED=3\n{wait}");
        common::run_with_fakes(&bash, &script, &[("kubectl", kubectl), ("sleep", "true".into())])
    };
    let r = run(10);
    assert!(
        r.ok && r.stdout.contains("Ready nodes of t-k8s-usw1-default: 3 (try 3)"),
        "{}",
        r.stdout
    );
    let r = run(2);
    assert!(!r.ok && r.stdout.contains(": 2 (try 60)"), "{}", r.stdout);
}

/// The failback copies a bucket's objects written in DR back to the
/// primary, except a PostgreSQL cluster's archive (helper-65): the DR copies
/// of the primary's archive, copied back, would overwrite segment by segment
/// what a rebuilt primary cluster archives under the same names, and the
/// data moves by dump and restore. Other buckets are copied whole.
#[test]
fn the_failback_leaves_postgres_archives_where_their_clusters_wrote_them() {
    let assets = format!("  - {{kind: eks, name: k8s, size: m6i.large, qty: 3, version: \"1.35\", dr: pilot-light}}\n  - {{kind: s3, name: pg-backups, dr: replica}}\n  - {{kind: postgres_operator, name: pg_main, target: k8s, backup_bucket: pg-backups, qty: 2, db_name: shop, dr: replica}}\n{BUCKET}");
    let (rb, _) = book(&assets);
    let step = step_of(&rb.failback, "aws s3 sync s3://t-pg-backups-");
    let syncs: Vec<&String> = step.commands.iter().filter(|c| c.contains("aws s3 sync")).collect();
    assert_eq!(syncs.len(), 2, "{syncs:?}");
    assert!(
        syncs.iter().all(|c| c.contains(" --exclude 'spilo/pg-main/*'")),
        "{syncs:?}"
    );
    let copy = step.commands.iter().find(|c| c.contains("aws s3 cp")).unwrap();
    assert!(copy.contains("''|None) ;; spilo/pg-main/*) ;; *) aws s3 cp"), "{copy}");
    assert!(step
        .verify
        .iter()
        .any(|v| v.contains("(`spilo/pg-main/`) are not copied")));
    let plain = step_of(&rb.failback, "aws s3 sync s3://t-data-");
    assert!(plain
        .commands
        .iter()
        .all(|c| !c.contains("exclude") && !c.contains("spilo")));
    if let Some(bash) = common::bash() {
        // The generated loop, run against a stand-in `aws`: the archive's
        // keys are skipped, the others copied.
        let script = format!("aws() {{ if [ \"$1\" = s3api ]; then printf 'spilo/pg-main/us-west-1/wal/17/x\\texports/a.csv\\n'; else echo \"$*\" >&2; fi; }}; ACCOUNT_ID=1; DECLARED=x; {copy}");
        let out = std::process::Command::new(bash)
            .arg("-c")
            .arg(&script)
            .output()
            .unwrap();
        let copied = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success() && copied.contains("/exports/a.csv") && !copied.contains("spilo"),
            "{copied}"
        );
    }
}

/// A backup plan's recovery points copied to the DR vault are restored in
/// the DR region with what the DR region has (helper-64): the recovery
/// point's own restore metadata names the primary's zone, parameter group,
/// bucket and key. A database snapshot is restored by RDS into the DR
/// restore subnet group and security group, with the primary module's
/// settings, as a new instance; a bucket's recovery point into the DR
/// bucket under the DR bucket's key.
#[test]
fn vault_recovery_points_restore_into_the_dr_region() {
    let assets = format!(
        "{}{BUCKET}  - {{kind: backup_plan, name: nightly, backup_assets: [db, data], dr: backup}}\n",
        RDS.replace("DR", "backup")
    );
    let (rb, md) = book(&assets);
    let step = step_of(&rb.failover, "VAULT=");
    let lines: Vec<&str> = step.commands.iter().filter_map(|c| c.strip_prefix("# ")).collect();
    let restore = lines
        .iter()
        .find(|l| l.starts_with("aws rds restore-db-instance-from-db-snapshot"))
        .expect("an RDS restore");
    for flag in [
        "--db-snapshot-identifier \"${SNAPSHOT#*:snapshot:}\"",
        "--db-instance-identifier t-db-usw1-rp",
        "--db-subnet-group-name t-db-usw1 --vpc-security-group-ids \"$SG\"",
        "--db-instance-class db.m6i.large",
        "--region us-west-1",
    ] {
        assert!(restore.contains(flag), "{flag}: {restore}");
    }
    // No zone or parameter group from the recovery point's metadata (the
    // primary's, which the DR region lacks): the DR root's own group with
    // the engine's baseline (helper-67).
    assert!(!restore.contains("availability-zone"), "{restore}");
    assert_eq!(restore.matches("parameter-group").count(), 1, "{restore}");
    assert!(
        restore.contains(" ${PG:+--db-parameter-group-name \"$PG\"} "),
        "{restore}"
    );
    assert!(
        lines.contains(&"PG=$(terraform -chdir=generated/t/dr output -raw db_restore_parameter_group_name)"),
        "{lines:?}"
    );
    assert!(lines.iter().any(|l| l.starts_with("SNAPSHOT=")
        && l.contains("--by-resource-arn arn:aws:rds:us-east-2:$ACCOUNT_ID:db:t-db-use2")));
    let metadata = lines
        .iter()
        .find(|l| l.starts_with("aws backup get-recovery-point-restore-metadata"))
        .expect("an S3 restore");
    assert!(
        metadata.contains(".DestinationBucketName = \\\"t-data-$ACCOUNT_ID-us-west-1\\\""),
        "{metadata}"
    );
    assert!(lines
        .iter()
        .any(|l| l.starts_with("POINT=") && l.contains("arn:aws:s3:::t-data-$ACCOUNT_ID-us-east-2")));
    assert!(md.contains("# aws backup start-restore-job --recovery-point-arn \"$POINT\" --iam-role-arn \"$ROLE\" --metadata file://data-restore.json --region us-west-1"));
    // The line, run with a stand-in aws printing a bucket's metadata, and
    // jq: the destination and the key become the DR region's, the rest stays.
    if let (Some(bash), Ok(_)) = (common::bash(), which("jq")) {
        let dir = tempfile::tempdir().unwrap();
        let stand_in = r#"aws() { echo '{"DestinationBucketName":"t-data-1-us-east-2","KMSKey":"arn:primary","EncryptionType":"SSE-KMS"}'; }; ACCOUNT_ID=1; KEY=arn:dr; "#;
        let out = std::process::Command::new(bash)
            .current_dir(dir.path())
            .arg("-c")
            .arg(format!("set -e -o pipefail; {stand_in}{metadata}"))
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let written: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.path().join("data-restore.json")).unwrap()).unwrap();
        assert_eq!(
            written,
            serde_json::json!({"DestinationBucketName": "t-data-1-us-west-1", "KMSKey": "arn:dr", "EncryptionType": "SSE-KMS", "NewBucket": "false", "Encrypted": "true"})
        );
    }
}

/// The path of `tool` on PATH.
fn which(tool: &str) -> Result<std::path::PathBuf, ()> {
    std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .map(|d| d.join(tool))
        .find(|p| p.is_file())
        .ok_or(())
}

/// The drill's teardown empties the backup vaults before the destroys
/// (helper-64, helper-67): the vaults keep `force_destroy = false`, so a
/// destroy stops at a vault holding a recovery point. Every point of both
/// vaults is deleted until none is left (a deletion takes a while; one
/// refused, or a point that arrived since, is tried at the next look). Run
/// against a stand-in aws whose vault empties at the second look.
#[test]
fn the_drill_teardown_empties_the_backup_vaults_before_the_destroys() {
    let rb = shipped("acme-eks");
    let teardown = drill_teardown(&rb);
    let c = &teardown.commands;
    let destroy = c
        .iter()
        .position(|l| l == "terraform -chdir=generated/acme-eks-drill/dr destroy")
        .unwrap();
    for (vault, region) in [
        ("acme-eks-drill-scheduled-backups-use1", "us-east-1"),
        ("acme-eks-drill-scheduled-backups-usw2", "us-west-2"),
    ] {
        let empty = c
            .iter()
            .position(|l| l.contains(&format!("--backup-vault-name {vault} --region {region} --query")))
            .unwrap_or_else(|| panic!("{vault}: {c:#?}"));
        assert!(empty < destroy);
        assert_eq!(
            c[empty],
            format!(
                "{}   # every recovery point of the vault, deleted",
                acmegen::runbook::empty_backup_vault(vault, region)
            )
        );
        let Some(bash) = common::bash() else { continue };
        // The looks are counted in a file: the list runs in a subshell.
        let stand_in = "LOOKS=$(mktemp); aws() { case \"$2\" in delete-recovery-point) echo \"deleted $6\" >&2 ;; *) echo . >> \"$LOOKS\"; [ \"$(wc -l < \"$LOOKS\")\" -ge 2 ] || printf 'arn:p1\\tCOMPLETED\\narn:p2\\tDELETING\\n' ;; esac; }; sleep() { :; }; ";
        let out = std::process::Command::new(&bash)
            .arg("-c")
            .arg(format!("set -e; {stand_in}{}", c[empty]))
            .output()
            .unwrap();
        let log = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success() && log.contains("deleted arn:p1") && !log.contains("arn:p2"),
            "{log}"
        );
        // A vault that never empties fails the line.
        let stuck = std::process::Command::new(&bash)
            .arg("-c")
            .arg(format!(
                "set -e; aws() {{ echo 'arn:p3\tDELETING'; }}; sleep() {{ :; }}; {}",
                c[empty]
            ))
            .output()
            .unwrap();
        assert!(!stuck.status.success());
    }
    assert!(teardown
        .verify
        .iter()
        .any(|v| v.contains("backup vaults hold no recovery point")));
}

/// helper-74: a failback step run again (by hand, or a drill job re-run
/// after a later step failed) finds its work done and goes on: the
/// switchover back when the primary-region cluster writes already (AWS
/// refuses a switchover to the writer), the secret's deletion when no DR
/// copy is left (`list-secrets` prints None). Run under bash with a
/// stand-in AWS CLI, first as the first run, then as the second.
#[test]
fn failback_steps_run_again_find_their_work_done() {
    let Some(bash) = common::bash() else {
        eprintln!("note: no bash: the steps are not run");
        return;
    };
    let (rb, _) = book(AURORA);
    let switch = step_of(&rb.failback, "switchover-global-cluster");
    let switch_script = format!("ACCOUNT_ID=1234\n{}\ncat calls", switch.commands[1..].join("\n"));
    let run_switch = |writer: &str| {
        let aws =
            format!("echo \"$*\" >> calls\ncase \"$*\" in\n*sts*) echo 1234 ;;\n*IsWriter*) echo {writer} ;;\nesac");
        common::run_with_fakes(&bash, &switch_script, &[("aws", aws), ("sleep", "true".into())])
    };
    // The stand-in says the primary-region cluster writes: the first run
    // reads that once its switchover is done, the second before any.
    let first = run_switch("arn:aws:rds:us-east-2:1234:cluster:t-db-use2");
    assert!(first.ok, "{}", first.stdout);
    assert!(
        !first.stdout.contains("rds switchover-global-cluster"),
        "{}",
        first.stdout
    );
    let dr_writes = {
        let aws = "echo \"$*\" >> calls\ncase \"$*\" in\n*IsWriter*) if grep -q 'rds switchover-global-cluster' calls; then echo arn:aws:rds:us-east-2:1234:cluster:t-db-use2; else echo arn:aws:rds:us-west-1:1234:cluster:t-db-usw1; fi ;;\nesac";
        common::run_with_fakes(&bash, &switch_script, &[("aws", aws.into()), ("sleep", "true".into())])
    };
    assert!(
        dr_writes.ok
            && dr_writes.stdout.contains(
                "rds switchover-global-cluster --global-cluster-identifier t-db --target-db-cluster-identifier arn:aws:rds:us-east-2:1234:cluster:t-db-use2"
            ),
        "{}",
        dr_writes.stdout
    );
    let secret = step_of(&rb.failback, "--force-delete-without-recovery");
    let script = format!("{}\ncat calls", secret.commands.join("\n"));
    let run_secret = |listed: &str| {
        let aws = format!(
            "echo \"$*\" >> calls\ncase \"$*\" in\n*list-secrets*) echo {listed} ;;\n*describe-secret*) echo 'An error occurred (ResourceNotFoundException)' >&2; exit 254 ;;\nesac"
        );
        common::run_with_fakes(&bash, &script, &[("aws", aws), ("sleep", "true".into())])
    };
    let first = run_secret("arn:aws:secretsmanager:us-west-1:1234:secret:t-db-use2-master-x");
    assert!(
        first.ok
            && first
                .stdout
                .contains("delete-secret --secret-id arn:aws:secretsmanager:us-west-1:1234:secret:t-db-use2-master-x"),
        "{}",
        first.stdout
    );
    let again = run_secret("None");
    assert!(again.ok && !again.stdout.contains("delete-secret"), "{}", again.stdout);
}

/// helper-75: the failback's copy back of a `dr: backup` database restores
/// its own copy under the primary's name, tagged with the DR instance's
/// resource ID. Run again (a drill job re-run after a later step failed),
/// it found that copy standalone, renamed it `-stale-` and restored again,
/// leaving the writes made since on the renamed one; now it knows its own
/// copy and neither renames nor copies again.
#[test]
fn the_copy_back_of_a_restored_database_can_run_again() {
    let (rb, _) = book(&RDS.replace("DR", "backup"));
    let step = step_of(&rb.failback, "restore-db-instance-from-db-snapshot");
    let restore = step
        .commands
        .iter()
        .find(|c| c.contains("restore-db-instance-from-db-snapshot"))
        .unwrap();
    assert!(
        restore.contains(" --tags Key=acmegen-failback-of,Value=\"$DR_ID\" "),
        "{restore}"
    );
    let Some(bash) = common::bash() else {
        eprintln!("note: no bash: the commands are not run");
        return;
    };
    let script = format!("{}\ncat calls", step.commands.join("\n"));
    // `own`: the tag of an instance under the primary's name ("" where
    // there is none).
    let run = |own: &str| {
        let aws = format!(
            "echo \"$*\" >> calls\ncase \"$*\" in\n*sts*) echo 1234 ;;\n*DbiResourceId*) echo dbi-dr ;;\n*\"describe-db-instances --db-instance-identifier t-db-use2 --region us-east-2\"*TagList*) [ -n '{own}' ] || exit 254; echo '{own}' ;;\n*\"describe-db-instances --db-instance-identifier t-db-use2 --region us-east-2\"*ReadReplicaSource*) [ -n '{own}' ] || exit 254; echo None ;;\nesac"
        );
        let r = common::run_with_fakes(
            &bash,
            &script,
            &[
                ("aws", aws),
                ("terraform", "echo x".into()),
                ("date", "echo 20260101".into()),
                ("sleep", "true".into()),
            ],
        );
        assert!(r.ok, "{}", r.stdout);
        let calls = r.stdout;
        (
            calls.contains("--new-db-instance-identifier t-db-use2-stale-20260101"),
            calls.contains("rds create-db-snapshot") && calls.contains("rds restore-db-instance-from-db-snapshot"),
        )
    };
    assert_eq!(run(""), (false, true), "the first run copies back");
    assert_eq!(run("dbi-dr"), (false, false), "run again, it finds its own copy");
    assert_eq!(
        run("None"),
        (true, true),
        "an old primary is kept aside, then the copy made"
    );
    // Both unknown (no instance under the name, and the DR instance's ID
    // unread): the copy is not taken for done.
    let unread = common::run_with_fakes(
        &bash,
        &format!("set +e\n{script}"),
        &[
            ("aws", "echo \"$*\" >> calls\ncase \"$*\" in\n*\"rds wait\"*) true ;;\n*DbiResourceId*) exit 254 ;;\n*\"--db-instance-identifier t-db-use2 --region us-east-2\"*) exit 254 ;;\nesac".into()),
            ("terraform", "echo x".into()),
            ("date", "echo 20260101".into()),
            ("sleep", "true".into()),
        ],
    );
    assert!(unread.stdout.contains("rds create-db-snapshot"), "{}", unread.stdout);
}

/// helper-76: the runbook named what the inventory does not have: Global
/// Accelerator's API among the failover's calls, the DR root's alarms and
/// their topic, the primary's health checks and alarms in the drill. Each
/// is said where the inventory has it, and the other way round.
#[test]
fn the_runbook_names_alarms_accelerators_and_health_checks_only_where_they_exist() {
    let md = |name: &str| {
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("generated/{name}/RUNBOOK.md")))
            .unwrap()
    };
    // acme-multiregion fails over through Global Accelerator; acme-traefik does not.
    assert!(md("acme-multiregion").contains("the DR region's APIs and to Global Accelerator's (us-west-2)"));
    assert!(!md("acme-traefik").contains("Global Accelerator"));
    // acme-traefik sets up no alarms: no check reads them.
    let traefik = shipped("acme-traefik");
    let texts: Vec<&String> = traefik
        .failover
        .iter()
        .chain(&traefik.drill)
        .flat_map(|s| &s.verify)
        .collect();
    assert!(
        !texts
            .iter()
            .any(|v| v.contains("alarms fire") || v.contains("alarm topic")),
        "{texts:?}"
    );
    assert!(
        texts.iter().any(|v| v.contains("The DR root has no CloudWatch alarms")),
        "{texts:?}"
    );
    // acme-eks has both: its DR alarms, and the primary's health checks and alarms.
    let eks = shipped("acme-eks");
    assert!(eks
        .failover
        .iter()
        .flat_map(|s| &s.verify)
        .any(|v| v.contains("CloudWatch alarms of the DR root are OK")));
    assert!(eks
        .drill
        .iter()
        .flat_map(|s| &s.verify)
        .any(|v| v == "The PRIMARY health checks turn unhealthy; alarms fire."));
    // helper-76: an Aurora failover refused for another reason leaves the
    // operator the documented detach, with its command.
    let (rb, _) = book(AURORA);
    let step = step_of(&rb.failover, "failover-global-cluster");
    assert!(
        step.verify.iter().any(|v| v.contains("run `aws rds remove-from-global-cluster --global-cluster-identifier t-db --db-cluster-identifier arn:aws:rds:us-west-1:$ACCOUNT_ID:cluster:t-db-usw1 --region us-west-1 && FAILOVER=detached`")),
        "{:?}",
        step.verify
    );
}

/// helper-77: the failback knows its own copy of a database by a tag
/// (`acmegen-failback-of`), and the apply that adopts the copy removed it
/// (default_tags rule the instance's tags), so a failback step run again
/// after that apply renamed the serving primary. The primary root's
/// provider ignores that key; the runbook's tag and the provider's key are
/// one.
#[test]
fn the_primary_provider_keeps_the_tag_that_marks_the_failbacks_own_copy() {
    let (rb, _) = book(&RDS.replace("DR", "replica"));
    let create = &lines(&rb.failback)[at(&rb.failback, "create-db-instance-read-replica")].1;
    assert!(create.contains("--tags Key=acmegen-failback-of,"), "{create}");
    let mut seen = 0;
    for path in common::inventories() {
        let name = path.file_stem().unwrap().to_string_lossy().to_string();
        let providers = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("generated/{name}/primary/providers.tf")),
        )
        .unwrap();
        let default = &providers[..providers.find("\n}\n").unwrap()];
        assert!(
            default.contains("ignore_tags {\n    keys = [\"acmegen-failback-of\"]\n  }"),
            "{name}: {default}"
        );
        seen += 1;
    }
    assert!(seen >= 5, "{seen} inventories");
}
