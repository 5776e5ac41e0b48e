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
    assert_eq!(rb.overall_rpo, "seconds (replication lag)");
    assert!(md.contains("## Failover (primary region lost)") && md.contains("promote-read-replica"));
}

#[test]
fn rds_backup_is_restored_from_replicated_backups() {
    let (rb, _) = book(&RDS.replace("DR", "backup"));
    let f = commands(&rb.failover);
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
