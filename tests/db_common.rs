//! rds and aurora share their common part through one child module,
//! `modules/db_common` (issue 11, item 5): the master credentials secret,
//! the subnet group, the security group and its client rules, the baseline
//! parameters, the enhanced-monitoring role and the writer's private DNS
//! record. Existing deployments keep those objects: each caller moves them
//! into `module.common` with `moved` blocks (Terraform refactoring), so a
//! plan after the upgrade replaces nothing.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

/// The resources that moved from rds and aurora into db_common.
const MOVED: [&str; 8] = [
    "aws_secretsmanager_secret.master",
    "aws_db_subnet_group.this",
    "aws_security_group.this",
    "aws_vpc_security_group_ingress_rule.client_groups",
    "aws_vpc_security_group_ingress_rule.client_ranges",
    "aws_iam_role.monitoring",
    "aws_iam_role_policy_attachment.monitoring",
    "aws_route53_record.writer",
];

/// The embedded `templates/modules/<rel>`.
fn module_file(rel: &str) -> &'static str {
    acmegen::emit::templates()
        .into_iter()
        .find(|(p, _)| p == &format!("modules/{rel}"))
        .map(|(_, t)| t)
        .unwrap_or_else(|| panic!("modules/{rel} is not embedded"))
}

/// `type.name` of the resources a module's `main.tf` declares.
fn resources(main: &str) -> Vec<String> {
    hcl::parse(main)
        .unwrap()
        .blocks()
        .filter(|b| b.identifier() == "resource")
        .map(|b| format!("{}.{}", b.labels()[0].as_str(), b.labels()[1].as_str()))
        .collect()
}

/// `(from, to)` of a module's `moved` blocks, as written.
fn moves(main: &str) -> Vec<(String, String)> {
    let body = hcl::parse(main).unwrap();
    body.blocks()
        .filter(|b| b.identifier() == "moved")
        .map(|b| {
            let get = |k: &str| {
                b.body()
                    .attributes()
                    .find(|a| a.key() == k)
                    .map(|a| a.expr().to_string())
                    .unwrap_or_default()
            };
            (get("from"), get("to"))
        })
        .collect()
}

#[test]
fn rds_and_aurora_call_db_common_and_move_their_old_resources_into_it() {
    let shared = resources(module_file("db_common/main.tf"));
    for caller in ["rds", "aurora"] {
        let main = module_file(&format!("{caller}/main.tf"));
        let body = hcl::parse(main).unwrap();
        let call = body
            .blocks()
            .find(|b| b.identifier() == "module" && b.labels()[0].as_str() == "common")
            .unwrap_or_else(|| panic!("{caller} does not call module \"common\""));
        let source = call.body().attributes().find(|a| a.key() == "source").unwrap();
        assert_eq!(source.expr().to_string(), "\"../db_common\"", "{caller}");
        let own = resources(main);
        let moved = moves(main);
        for address in MOVED {
            assert!(shared.contains(&address.to_string()), "db_common lacks {address}");
            assert!(
                !own.contains(&address.to_string()),
                "{caller} still declares {address} itself"
            );
            assert!(
                moved.contains(&(address.to_string(), format!("module.common.{address}"))),
                "{caller}: no `moved {{ from = {address}, to = module.common.{address} }}`: an existing deployment would destroy and recreate it"
            );
        }
        // Nothing else is shared and nothing is declared twice.
        for address in &shared {
            assert!(!own.contains(address), "{caller} and db_common both declare {address}");
        }
    }
}

/// The callers use what db_common creates: the baseline in their parameter
/// group, its subnet group, security group and monitoring role on their
/// database (checkov cannot follow these module outputs: see the skips).
#[test]
fn rds_and_aurora_use_the_baseline_and_the_groups_of_db_common() {
    for (caller, group, db) in [
        ("rds", "aws_db_parameter_group", "aws_db_instance"),
        ("aurora", "aws_rds_cluster_parameter_group", "aws_rds_cluster_instance"),
    ] {
        let body = hcl::parse(module_file(&format!("{caller}/main.tf"))).unwrap();
        let resource = |ty: &str| {
            body.blocks()
                .find(|b| b.identifier() == "resource" && b.labels()[0].as_str() == ty)
                .unwrap_or_else(|| panic!("{caller}: no {ty}"))
                .clone()
        };
        let arg = |b: &hcl::Block, k: &str| {
            b.body()
                .attributes()
                .find(|a| a.key() == k)
                .map(|a| a.expr().to_string())
                .unwrap_or_default()
        };
        let parameters = resource(group);
        let dynamic = parameters
            .body()
            .blocks()
            .find(|b| b.identifier() == "dynamic" && b.labels()[0].as_str() == "parameter")
            .unwrap_or_else(|| panic!("{caller}: {group} has no dynamic parameter block"));
        assert_eq!(
            arg(dynamic, "for_each"),
            "concat(module.common.baseline_parameters, var.parameters)",
            "{caller}"
        );
        assert_eq!(
            parameters
                .body()
                .blocks()
                .filter(|b| b.identifier() == "parameter")
                .count(),
            0,
            "{caller}: a parameter besides the baseline and the caller's"
        );
        let db = resource(db);
        assert_eq!(
            arg(&db, "db_subnet_group_name"),
            "module.common.subnet_group_name",
            "{caller}"
        );
        assert_eq!(
            arg(&db, "monitoring_role_arn"),
            "module.common.monitoring_role_arn",
            "{caller}"
        );
    }
    for (caller, db) in [("rds", "aws_db_instance"), ("aurora", "aws_rds_cluster")] {
        let body = hcl::parse(module_file(&format!("{caller}/main.tf"))).unwrap();
        let groups = body
            .blocks()
            .find(|b| b.identifier() == "resource" && b.labels()[0].as_str() == db)
            .and_then(|b| b.body().attributes().find(|a| a.key() == "vpc_security_group_ids"))
            .map(|a| a.expr().to_string().split_whitespace().collect::<String>())
            .unwrap_or_default();
        assert_eq!(groups, "[module.common.security_group_id]", "{caller}: {db}");
    }
}

/// RDS checks the enhanced-monitoring role's permissions when an instance
/// names it, so the role's ARN reaches the instances only after its policy
/// is attached (else: "IAM role ARN value is invalid or does not include
/// the required permissions for: ENHANCED_MONITORING").
#[test]
fn the_monitoring_role_reaches_the_instances_only_with_its_policy_attached() {
    let outputs: hcl::Body = hcl::parse(module_file("db_common/outputs.tf")).unwrap();
    let output = outputs
        .blocks()
        .find(|b| b.identifier() == "output" && b.labels()[0].as_str() == "monitoring_role_arn")
        .expect("db_common outputs monitoring_role_arn");
    let depends_on = output
        .body()
        .attributes()
        .find(|a| a.key() == "depends_on")
        .map(|a| a.expr().to_string())
        .unwrap_or_default();
    assert!(
        depends_on.contains("aws_iam_role_policy_attachment.monitoring"),
        "monitoring_role_arn depends on: {depends_on:?}"
    );
}

#[test]
fn the_emitter_sees_the_child_module_of_rds_and_aurora() {
    let common = module_file("db_common/main.tf");
    let parameters = module_file("db_parameters/main.tf");
    for caller in ["rds", "aurora"] {
        let mains = acmegen::emit::module_mains(caller);
        assert_eq!(mains.len(), 3, "{caller}: itself, db_common and its db_parameters");
        assert_eq!(mains[0], module_file(&format!("{caller}/main.tf")));
        assert_eq!(mains[1], common);
        assert_eq!(mains[2], parameters);
    }
    let mains = acmegen::emit::module_mains("rds_backup_replication");
    assert_eq!(mains.len(), 2, "rds_backup_replication: itself and db_parameters");
    assert_eq!(mains[1], parameters);
    assert_eq!(acmegen::emit::module_mains("vpc").len(), 1);
}

/// The mocked apply of a root that reads db_common's baseline for each
/// engine: every engine gets its own TLS switch and value.
const PROBE: &str = r#"provider "aws" {
  region = "us-east-1"
}

module "db" {
  source   = "../../modules/db_common"
  for_each = toset(["postgres", "mysql", "aurora-postgresql", "aurora-mysql"])

  name                = "probe-${each.key}"
  engine              = each.key
  create_secret       = true
  kms_key_arn         = "arn:aws:kms:us-east-1:123456789012:key/0b5e11f2-8c3d-4e1a-9f00-4d2a6c7e8b90"
  vpc_id              = "vpc-0123456789abcdef0"
  subnet_ids          = ["subnet-0123456789abcdef0"]
  port                = 5432
  monitored_instances = "probe-${each.key}"
  dns_zone_id         = "Z0123456789ABCDEFGHIJ"
  dns_name            = "db.probe.internal"
  dns_target          = "probe.cluster-abc.us-east-1.rds.amazonaws.com"
  dns_ttl             = 30
}

output "baseline" {
  description = "The baseline parameters of each engine."
  value       = { for engine, m in module.db : engine => m.baseline_parameters }
}
"#;

const PROBE_TEST: &str = r#"mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "123456789012"
    }
  }

  mock_data "aws_region" {
    defaults = {
      region = "us-east-1"
    }
  }
}

run "apply" {
  command = apply

  assert {
    condition = output.baseline["postgres"] == [
      { name = "rds.force_ssl", value = "1" },
      { name = "log_statement", value = "ddl" },
      { name = "log_min_duration_statement", value = "1000" },
    ]
    error_message = "RDS for PostgreSQL: rds.force_ssl = 1, DDL and slow statements logged"
  }

  assert {
    condition     = output.baseline["aurora-postgresql"] == output.baseline["postgres"]
    error_message = "Aurora PostgreSQL: the same parameters as RDS for PostgreSQL"
  }

  assert {
    condition = output.baseline["mysql"] == [
      { name = "require_secure_transport", value = "1" },
      { name = "slow_query_log", value = "1" },
      { name = "long_query_time", value = "1" },
    ]
    error_message = "RDS for MySQL (DB parameter group): require_secure_transport = 1, slow queries logged"
  }

  assert {
    condition = output.baseline["aurora-mysql"] == [
      { name = "require_secure_transport", value = "ON" },
      { name = "slow_query_log", value = "1" },
      { name = "long_query_time", value = "1" },
    ]
    error_message = "Aurora MySQL (DB cluster parameter group): require_secure_transport = ON, slow queries logged"
  }
}
"#;

/// The values AWS documents: RDS for MySQL takes require_secure_transport
/// as 1 (ON) in a DB parameter group ("Requiring SSL/TLS for all
/// connections to a MySQL DB instance"), Aurora MySQL's DB cluster
/// parameter group as ON, and rds.force_ssl is 0/1 on both PostgreSQL
/// flavours. Run by Terraform (mocked apply); skipped without terraform.
#[test]
fn each_engine_gets_its_own_tls_parameter_value() {
    if Command::new("terraform").arg("version").output().is_err() {
        println!("note: terraform is not on PATH; skipping the db_common probe");
        return;
    }
    let (modules, _) = common::render(&common::inventories_dir().join("acme-vm.yaml"));
    let dir = tempfile::tempdir().unwrap();
    let mut files: acmegen::emit::FileSet = modules
        .into_iter()
        .filter(|(p, _)| p.starts_with("modules/db_common") || p.starts_with("modules/db_parameters"))
        .collect();
    files.insert(PathBuf::from("probe/primary/main.tf"), PROBE.to_string());
    files.insert(
        PathBuf::from("probe/primary/tests/apply.tftest.hcl"),
        PROBE_TEST.to_string(),
    );
    for (rel, text) in &files {
        let path = dir.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tools/terraform-check.sh");
    let out = Command::new("bash")
        .arg(script)
        .arg(dir.path())
        .arg("probe/primary")
        .env("JOBS", "1")
        .output()
        .expect("bash runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{text}");
    assert!(text.contains("1 passed, 0 failed"), "{text}");
}

/// A database restored in the DR region (`dr: backup`) joins a parameter
/// group with the same baseline as the primary's (helper-67: it ran the
/// engine's default group, without TLS required): rds_backup_replication
/// reads the baseline from db_parameters, as db_common does, and sets no
/// parameter of its own.
#[test]
fn a_restore_in_dr_joins_the_baseline_that_db_common_gives_the_primary() {
    let common = hcl::parse(module_file("db_common/outputs.tf")).unwrap();
    let baseline = common
        .blocks()
        .find(|b| b.identifier() == "output" && b.labels()[0].as_str() == "baseline_parameters")
        .expect("db_common outputs baseline_parameters");
    let value = baseline.body().attributes().find(|a| a.key() == "value").unwrap();
    assert_eq!(value.expr().to_string(), "module.parameters.baseline");
    for (module, call) in [("db_common", "parameters"), ("rds_backup_replication", "parameters")] {
        let body = hcl::parse(module_file(&format!("{module}/main.tf"))).unwrap();
        let block = body
            .blocks()
            .find(|b| b.identifier() == "module" && b.labels()[0].as_str() == call)
            .unwrap_or_else(|| panic!("{module} does not call module \"{call}\""));
        let source = block.body().attributes().find(|a| a.key() == "source").unwrap();
        assert_eq!(source.expr().to_string(), "\"../db_parameters\"", "{module}");
        let engine = block.body().attributes().find(|a| a.key() == "engine").unwrap();
        assert_eq!(engine.expr().to_string(), "var.engine", "{module}");
    }
    let body = hcl::parse(module_file("rds_backup_replication/main.tf")).unwrap();
    let group = body
        .blocks()
        .find(|b| {
            b.identifier() == "resource"
                && b.labels()[0].as_str() == "aws_db_parameter_group"
                && b.labels()[1].as_str() == "restore"
        })
        .expect("rds_backup_replication has a restore parameter group");
    let dynamic = group
        .body()
        .blocks()
        .find(|b| b.identifier() == "dynamic" && b.labels()[0].as_str() == "parameter")
        .expect("its parameters come from a dynamic block");
    let for_each = dynamic.body().attributes().find(|a| a.key() == "for_each").unwrap();
    assert_eq!(for_each.expr().to_string(), "module.parameters[0].baseline");
    assert_eq!(
        group.body().blocks().filter(|b| b.identifier() == "parameter").count(),
        0,
        "a parameter besides the baseline"
    );
}
