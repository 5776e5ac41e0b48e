//! Seeded-defect tests of the deployability rules (src/verify/rules/): render
//! the shipped inventories, put one defect back into the rendered text (the
//! old, broken form issue 8 found), verify, and expect the matching rule to
//! fire with its ID and a message that says what is wrong and what to do.
//! The unmodified tree has no finding at all. Plus the quota check that
//! validation (not verify) owns: Elastic IPs over the default quota.

mod common;

use acmegen::emit::{Emitter, FileSet};
use acmegen::pipeline::{self, Error};
use acmegen::verify::{self, rules::RULES, Index};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The shared modules and every shipped inventory's roots, rendered once.
fn rendered() -> &'static (FileSet, Vec<FileSet>) {
    static TREE: OnceLock<(FileSet, Vec<FileSet>)> = OnceLock::new();
    TREE.get_or_init(|| {
        let emitter = Emitter::new().expect("templates load");
        let modules = pipeline::modules(&emitter).expect("modules render");
        let roots = common::inventories()
            .iter()
            .map(|p| {
                pipeline::compile(p, &emitter, &modules)
                    .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
                    .files
            })
            .collect();
        (modules.files, roots)
    })
}

/// Findings of verifying the modules, then every inventory's roots against them.
fn verify_tree(modules: &FileSet, roots: &[FileSet]) -> Vec<String> {
    let (mut findings, index) = verify::verify_against(modules, &Index::default());
    for r in roots {
        findings.extend(verify::verify_against(r, &index).0);
    }
    findings.iter().map(|f| f.to_string()).collect()
}

/// Replace `from` by `to` in the rendered file `file` (it must occur).
fn seed(file: &str, from: &str, to: &str) -> (FileSet, Vec<FileSet>) {
    let (mut modules, mut roots) = rendered().clone();
    let path = PathBuf::from(file);
    let target = if file.starts_with("modules/") {
        modules.get_mut(&path)
    } else {
        roots.iter_mut().find_map(|r| r.get_mut(&path))
    };
    let text = target.unwrap_or_else(|| panic!("{file} is not rendered"));
    if text.contains(from) {
        *text = text.replace(from, to);
    } else {
        // The same lines aligned differently (`terraform fmt` aligns `=` by
        // the longest argument of a block, which other arguments change).
        let replaced = replace_lines_ignoring_alignment(text, from, to);
        *text = replaced.unwrap_or_else(|| panic!("{file} no longer contains the form to seed:\n{from}"));
    }
    (modules, roots)
}

/// Replace every run of whole lines of `text` that equals the lines of
/// `from` up to runs of spaces by `to`; `None` when there is none.
fn replace_lines_ignoring_alignment(text: &str, from: &str, to: &str) -> Option<String> {
    let squeeze = |l: &str| l.split(' ').filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ");
    let want: Vec<String> = from.trim_end_matches('\n').lines().map(squeeze).collect();
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let (mut out, mut i, mut hit) = (String::new(), 0, false);
    while i < lines.len() {
        let here = lines.len() - i >= want.len()
            && want
                .iter()
                .zip(&lines[i..])
                .all(|(w, l)| squeeze(l.trim_end_matches('\n')) == *w);
        if here && !want.is_empty() {
            out.push_str(to);
            i += want.len();
            hit = true;
        } else {
            out.push_str(lines[i]);
            i += 1;
        }
    }
    hit.then_some(out)
}

/// Seed a defect and expect `rule` to fire in `at` (a file) with all of `says`.
fn fires(rule: &'static str, file: &str, from: &str, to: &str, at: &str, says: &[&str]) {
    let (modules, roots) = seed(file, from, to);
    let findings = verify_tree(&modules, &roots);
    let hit = findings.iter().find(|f| {
        f.starts_with(&format!("{at}: {rule} line ")) && says.iter().all(|s| f.contains(s)) && f.contains("; fix: ")
    });
    assert!(
        hit.is_some(),
        "{rule} did not fire in {at} with {says:?} after seeding {file}; findings:\n{}",
        findings.join("\n")
    );
}

#[test]
fn the_rendered_tree_has_no_finding() {
    let (modules, roots) = rendered();
    let findings = verify_tree(modules, roots);
    assert!(findings.is_empty(), "{}", findings.join("\n"));
}

#[test]
fn ag001_eks_key_without_the_auto_scaling_role() {
    fires(
        "AG001",
        "acme-eks/primary/main.tf",
        "autoscaling_service_linked_role = true",
        "autoscaling_service_linked_role = false",
        "acme-eks/primary/main.tf",
        &[
            "module \"platform\"",
            "EC2 Auto Scaling launches",
            "module \"apps\"",
            "AWSServiceRoleForAutoScaling",
        ],
    );
    // The module without the statements at all.
    fires(
        "AG001",
        "modules/kms/main.tf",
        "AWSServiceRoleForAutoScaling\"",
        "AWSServiceRoleForEC2Spot\"",
        "acme-vm/primary/main.tf",
        &[
            "module \"kms\"",
            "lacks, for AWSServiceRoleForAutoScaling, the use statement",
        ],
    );
}

#[test]
fn ag002_node_group_before_the_vpc_cni() {
    fires(
        "AG002",
        "modules/eks/main.tf",
        "depends_on = [aws_iam_role_policy_attachment.node, aws_eks_addon.before_compute]",
        "depends_on = [aws_iam_role_policy_attachment.node]",
        "modules/eks/main.tf",
        &[
            "resource \"aws_eks_node_group\" \"this\"",
            "aws_eks_addon.before_compute",
            "never become Ready",
        ],
    );
}

#[test]
fn ag003_helm_root_with_a_private_or_open_endpoint() {
    fires(
        "AG003",
        "acme-vm/primary/main.tf",
        "  public_access_cidrs  = var.admin_cidrs\n",
        "",
        "acme-vm/primary/main.tf",
        &["module \"monitoring\"", "provider \"helm\"", "Helm cannot reach it"],
    );
    fires(
        "AG003",
        "acme-vm/primary/variables.tf",
        "length(var.admin_cidrs) > 0 && ",
        "",
        "acme-vm/primary/main.tf",
        &["root variable `admin_cidrs`, which may be empty or /0"],
    );
}

#[test]
fn ag004_ebs_csi_role_without_kms_grants() {
    fires(
        "AG004",
        "modules/eks/main.tf",
        "actions   = [\"kms:CreateGrant\", \"kms:ListGrants\", \"kms:RevokeGrant\"]",
        "actions   = [\"kms:ListGrants\"]",
        "modules/eks/main.tf",
        &[
            "resource \"aws_eks_addon\" \"this\"",
            "aws_iam_role.irsa[\"ebs_csi\"] lacks kms:CreateGrant",
            "PVCs stay Pending",
        ],
    );
}

#[test]
fn ag005_pinned_postgres_minor() {
    fires(
        "AG005",
        "acme-eks/primary/main.tf",
        "engine_version             = \"16\"",
        "engine_version             = \"16.4\"",
        "acme-eks/primary/main.tf",
        &[
            "module \"db\"",
            "`engine_version = \"16.4\"` pins a minor version",
            "engine_version_actual",
        ],
    );
}

#[test]
fn ag006_zone_looked_up_by_name() {
    fires(
        "AG006",
        "acme-eks/dr/main.tf",
        "data \"aws_caller_identity\" \"current\" {}\n",
        "data \"aws_caller_identity\" \"current\" {}\n\ndata \"aws_route53_zone\" \"this\" {\n  name = \"example.com\"\n}\n",
        "acme-eks/dr/main.tf",
        &["data \"aws_route53_zone\" \"this\"", "by name", "by ID"],
    );
}

#[test]
fn ag007_eks_region_keeps_the_unsupported_zone_and_subnets_by_name() {
    fires(
        "AG007",
        "acme-eks/primary/main.tf",
        "  excluded_az_ids    = [\"use1-az3\"]\n",
        "",
        "acme-eks/primary/main.tf",
        &[
            "module \"network\"",
            "us-east-1",
            "use1-az3",
            "UnsupportedAvailabilityZoneException",
        ],
    );
    fires(
        "AG007",
        "modules/vpc/main.tf",
        "availability_zone_id    = local.az_ids[count.index]",
        "availability_zone       = local.azs[count.index]",
        "modules/vpc/main.tf",
        &["resource \"aws_subnet\" \"public\"", "by AZ name"],
    );
}

#[test]
fn ag008_fixed_bucket_name() {
    fires(
        "AG008",
        "acme-eks/primary/main.tf",
        "\"acme-eks-backups-${local.account_id}-us-east-1\"",
        "\"acme-eks-backups-us-east-1\"",
        "acme-eks/primary/main.tf",
        &[
            "module \"backups\"",
            "\"acme-eks-backups-us-east-1\" is a fixed global name",
            "BucketAlreadyExists",
        ],
    );
}

#[test]
fn ag009_backend_without_kms_key() {
    fires(
        "AG009",
        "acme-vm/dr/backend.tf",
        "    kms_key_id   = \"alias/acme-vm-tfstate\"\n",
        "",
        "acme-vm/dr/backend.tf",
        &["backend \"s3\"", "without kms_key_id"],
    );
}

#[test]
fn ag010_required_variable_nobody_supplies() {
    fires(
        "AG010",
        "acme-vm/primary/terraform.tfvars.example",
        "admin_cidrs = [\"203.0.113.0/24\"]",
        "",
        "acme-vm/primary/variables.tf",
        &["variable \"admin_cidrs\"", "No value for required variable"],
    );
}

#[test]
fn ag011_db_logs_without_their_log_groups() {
    fires(
        "AG011",
        "modules/rds/main.tf",
        "  depends_on = [aws_cloudwatch_log_group.exports]\n}",
        "}",
        "modules/rds/main.tf",
        &["resource \"aws_db_instance\" \"this\"", "unencrypted and kept forever"],
    );
}

#[test]
fn ag012_service_principal_without_source_condition() {
    fires(
        "AG012",
        "modules/db_common/main.tf",
        "    condition {\n      test     = \"StringEquals\"\n      variable = \"aws:SourceAccount\"\n      values   = [data.aws_caller_identity.current.account_id]\n    }\n\n    condition {\n      test     = \"ArnLike\"\n      variable = \"aws:SourceArn\"",
        "    condition {\n      test     = \"ArnLike\"\n      variable = \"aws:PrincipalArn\"",
        "modules/db_common/main.tf",
        &["data \"aws_iam_policy_document\" \"monitoring_assume\"", "monitoring.rds.amazonaws.com", "confused deputy"],
    );
}

#[test]
fn ag013_plain_http_behind_a_route53_name() {
    fires(
        "AG013",
        "acme-vm/primary/main.tf",
        "  https               = true\n  certificate_arn     = module.web_certificate.certificate_arn\n",
        "  https               = false\n  certificate_arn     = null\n",
        "acme-vm/primary/main.tf",
        &["module \"web\"", "Route 53 name of module \"app_dns\"", "plain HTTP"],
    );
}

#[test]
fn ag014_protocols_and_ports_disagree() {
    fires(
        "AG014",
        "acme-eks/primary/main.tf",
        "health_check_protocol = \"HTTPS\"",
        "health_check_protocol = \"HTTP\"",
        "acme-eks/primary/main.tf",
        &["module \"public_dns\"", "probes HTTP:80", "module \"ingress\""],
    );
    fires(
        "AG014",
        "acme-multiregion/primary/main.tf",
        "ports = [80, 443]",
        "ports = [80]",
        "acme-multiregion/primary/main.tf",
        &["module \"edge\"", "listens on [80]", "HTTPS on 443"],
    );
    fires(
        "AG014",
        "modules/route53_record/main.tf",
        "port              = var.health_check_protocol == \"HTTPS\" ? 443 : 80",
        "port              = 80",
        "modules/route53_record/main.tf",
        &["resource \"aws_route53_health_check\" \"this\"", "fixed to 80"],
    );
}

#[test]
fn ag015_database_open_to_its_vpc() {
    fires(
        "AG015",
        "acme-eks/primary/main.tf",
        "allowed_cidr_blocks        = []",
        "allowed_cidr_blocks        = [module.network.vpc_cidr_block]",
        "acme-eks/primary/main.tf",
        &["module \"db\"", "own VPC range"],
    );
}

#[test]
fn ag016_kms_alias_where_a_key_arn_is_needed() {
    fires(
        "AG016",
        "acme-eks/primary/main.tf",
        "replication_destination_kms_key_arn = lookup(module.facts.values, \"dr/kms_key_arn\", null)",
        "replication_destination_kms_key_arn = \"arn:aws:kms:us-west-2:${local.account_id}:alias/acme-eks/primary\"",
        "acme-eks/primary/main.tf",
        &["module \"backups\"", "names a KMS alias", "key ARN"],
    );
    fires(
        "AG016",
        "modules/s3/main.tf",
        "resources = [local.destination_key_arn]",
        "resources = [\"arn:aws:kms:${local.destination_region}:${data.aws_caller_identity.current.account_id}:alias/dr\"]",
        "modules/s3/main.tf",
        &["statement \"EncryptReplicas\"", "grants KMS actions on an alias"],
    );
}

#[test]
fn ag017_target_groups_nobody_fills() {
    fires(
        "AG017",
        "acme-eks/primary/main.tf",
        "  target_group_arns    = [module.ingress.target_group_arn]\n",
        "",
        "acme-eks/primary/main.tf",
        &[
            "module \"ingress\"",
            "instance targets, but nothing in this root registers instances",
        ],
    );
    fires(
        "AG017",
        "acme-eks/primary/main.tf",
        "  target_type       = \"instance\"\n",
        "  target_type       = \"ip\"\n",
        "acme-eks/primary/main.tf",
        &["module \"ingress\"", "ip targets, but no TargetGroupBinding binds it"],
    );
}

#[test]
fn ag018_vm_targets_without_an_application() {
    fires(
        "AG018",
        "acme-vm/primary/main.tf",
        "  app_image                  = \"public.ecr.aws/nginx/nginx:stable\"\n",
        "",
        "acme-vm/primary/main.tf",
        &["module \"app\"", "`app_image` is not set", "boot no application"],
    );
}

#[test]
fn ag019_ebs_default_taken_over_without_opt_in() {
    fires(
        "AG019",
        "modules/kms/main.tf",
        "resource \"aws_ebs_encryption_by_default\" \"account\" {\n  count = var.ebs_encryption_by_default ? 1 : 0\n",
        "resource \"aws_ebs_encryption_by_default\" \"account\" {\n",
        "modules/kms/main.tf",
        &[
            "resource \"aws_ebs_encryption_by_default\" \"account\"",
            "unconditionally",
        ],
    );
}

#[test]
fn ag020_alarm_topic_without_subscribers() {
    fires(
        "AG020",
        "modules/cloudwatch/main.tf",
        "  topic_arn = aws_sns_topic.alarms.arn\n  protocol  = \"email\"",
        "  topic_arn = var.existing_topic_arn\n  protocol  = \"email\"",
        "modules/cloudwatch/main.tf",
        &["resource \"aws_sns_topic\" \"alarms\"", "nothing subscribes"],
    );
}

#[test]
fn ag021_cloudtrail_describe_key_under_the_context_condition() {
    fires(
        "AG021",
        "modules/kms/main.tf",
        "    sid       = \"CloudTrailEncryptLogs\"\n    actions   = [\"kms:GenerateDataKey*\"]",
        "    sid       = \"CloudTrailEncryptLogs\"\n    actions   = [\"kms:GenerateDataKey*\", \"kms:DescribeKey\"]",
        "modules/kms/main.tf",
        &[
            "statement \"CloudTrailEncryptLogs\"",
            "kms:DescribeKey under an encryption-context condition",
        ],
    );
}

#[test]
fn elastic_ips_over_the_default_quota_are_an_input_error() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("inventory/acme-vm.yaml");
    // acme-vm states the Elastic IP quota its account has raised (acme-flask's
    // addresses add up with its own there): taken out, the default applies.
    let shipped = std::fs::read_to_string(&path).unwrap();
    let stated = "quotas:\n  us-east-2: {elastic_ips: 10}\n  us-west-1: {elastic_ips: 10}\n";
    assert!(
        shipped.contains(stated),
        "acme-vm.yaml no longer states its raised quota"
    );
    let text = shipped.replacen(stated, "", 1);
    let nat_per_az = text.replacen("nat_per_az: false", "nat_per_az: true", 1);
    assert_ne!(nat_per_az, text, "acme-vm.yaml no longer shares one NAT gateway");
    match common::render_text_as(&nat_per_az, &path) {
        Err(Error::Input(d)) => {
            let msg = d.to_string();
            assert!(
                msg.contains("Elastic IP addresses") && msg.contains("L-0263D0A3"),
                "{msg}"
            );
            assert!(msg.contains("quotas:"), "{msg}");
        }
        Err(e) => panic!("expected an input error, got {e}"),
        Ok(_) => panic!("6 Elastic IPs in us-east-2 passed validation"),
    }
    let raised = format!("{nat_per_az}\nquotas:\n  us-east-2:\n    elastic_ips: 10\n");
    assert!(
        common::render_text_as(&raised, &path).is_ok(),
        "a stated raised quota is accepted"
    );
}

#[test]
fn every_rule_has_a_seeded_defect_test() {
    let source = include_str!("deploy_rules.rs");
    for rule in RULES {
        assert!(
            source.contains(&format!("fn {}_", rule.id.to_lowercase()))
                && source.contains(&format!("\"{}\",", rule.id)),
            "{} ({}) has no seeded-defect test in tests/deploy_rules.rs",
            rule.id,
            rule.summary
        );
    }
}
