//! The committed generated/ tree is exactly what the inventories render to,
//! every file parses with hcl-rs, and (where terraform is installed)
//! `terraform fmt -check` agrees with acmegen's layout.

mod common;

use std::path::Path;
use std::process::Command;

fn generated() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("generated")
}

#[test]
fn committed_tree_matches_a_fresh_render() {
    for path in common::inventories() {
        let (modules, roots) = common::render(&path);
        for (rel, want) in modules.iter().chain(roots.iter()) {
            let have = std::fs::read_to_string(generated().join(rel))
                .unwrap_or_else(|_| panic!("generated/{} is missing: run `cargo run -- render`", rel.display()));
            assert!(
                have == *want,
                "generated/{} is stale: run `cargo run -- render`",
                rel.display()
            );
        }
    }
}

#[test]
fn every_generated_file_parses_with_hcl_rs() {
    let mut count = 0;
    for entry in walkdir::WalkDir::new(generated()) {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|e| e == "tf") {
            let text = std::fs::read_to_string(entry.path()).unwrap();
            hcl::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", entry.path().display()));
            count += 1;
        }
    }
    assert!(count > 100, "expected the whole tree, parsed {count} files");
}

#[test]
fn terraform_fmt_accepts_the_generated_tree() {
    let Ok(out) = Command::new("terraform").arg("version").output() else {
        println!(
            "note: terraform is not on PATH; skipping the terraform fmt check (acmegen's own layout check still ran)"
        );
        return;
    };
    assert!(out.status.success(), "terraform version failed");
    let out = Command::new("terraform")
        .args(["fmt", "-check", "-recursive", "-diff"])
        .arg(generated())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "terraform fmt -check failed:\n{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn terraform_fmt_agrees_with_acmegen_on_tricky_layouts() {
    // Things our formatter must get right the way hclwrite does.
    let samples = [
        "locals {\n  a = 1\n  bb = {\n    c = 2\n  }\n  ddd = merge({\n    e = 1\n  }, var.x)\n}\n",
        "resource \"x\" \"y\" {\n  count = var.a == null ? 0 : 1\n\n  name = \"${var.n}-{x}\"\n  v = [for s in var.l : s if s != \"=\"]\n}\n",
    ];
    let Ok(_) = Command::new("terraform").arg("version").output() else {
        println!("note: terraform is not on PATH; skipping");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    for (i, sample) in samples.iter().enumerate() {
        let ours = acmegen::format::format_hcl(sample);
        let file = dir.path().join(format!("s{i}.tf"));
        std::fs::write(&file, &ours).unwrap();
        let out = Command::new("terraform")
            .args(["fmt", "-check", "-diff"])
            .arg(&file)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "terraform fmt disagrees on sample {i}:\n{}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
}

#[test]
fn every_dr_root_survives_the_loss_of_the_primary_region() {
    for path in common::inventories() {
        let inv = acmegen::inventory::load(&path).unwrap().inventory;
        let (_, files) = common::render(&path);
        let dr = Path::new(&inv.name).join("dr");
        let read = |f: &str| files[&dr.join(f)].clone();
        let backend = read("backend.tf");
        assert!(
            backend.contains(&format!("region       = \"{}\"", inv.regions.dr)),
            "{}: state not in the DR region",
            inv.name
        );
        assert!(
            backend.contains(&format!("-{}\"", inv.regions.dr)),
            "{}: state bucket not the DR one",
            inv.name
        );
        let variables = read("variables.tf");
        assert!(
            variables.contains(&format!("default     = \"{}\"", inv.regions.dr)),
            "{}: provider region",
            inv.name
        );
        for (rel, text) in files.iter().filter(|(p, _)| p.starts_with(&dr)) {
            assert!(
                !text.contains("terraform_remote_state"),
                "{}: reads another root's state",
                rel.display()
            );
            // The primary region may appear only inside ARNs the DR root derives
            // (replica sources) and as the name of the primary's prefix in the
            // DR copy of a WAL archive (`standby_source_region`: an S3 key in a
            // DR-region bucket, no call into the primary region).
            let primary = format!("\"{}\"", inv.regions.primary);
            let offending: Vec<&str> = text
                .lines()
                .filter(|l| l.contains(&primary))
                .filter(|l| !l.trim_start().starts_with("standby_source_region "))
                .collect();
            assert!(
                offending.is_empty(),
                "{}: DR root configures the primary region: {offending:?}",
                rel.display()
            );
        }
    }
}

/// aws-review finding 8: the DNS validation record of a name is the same for
/// every region's certificate, so exactly one root (the bootstrap) owns it;
/// each root's certificate validates with the record the bootstrap publishes.
#[test]
fn every_certificate_validates_through_the_one_record_its_bootstrap_owns() {
    let mut certificates = 0;
    for path in common::inventories() {
        let (modules, roots) = common::render(&path);
        let record_owners: Vec<String> = modules
            .iter()
            .filter(|(_, text)| text.contains("resource \"aws_route53_record\" \"validation\""))
            .map(|(rel, _)| rel.display().to_string())
            .collect();
        assert_eq!(record_owners, vec!["modules/acm_dns_validation/main.tf".to_string()]);
        let cert_module = modules
            .iter()
            .find(|(rel, _)| rel.ends_with("acm_certificate/main.tf"))
            .map(|(_, t)| t.clone())
            .unwrap();
        assert!(cert_module.contains("validation_record_fqdns = [var.validation_record_fqdn]"));
        for (rel, text) in &roots {
            let rel = rel.display().to_string();
            let bootstrap = rel.contains("/bootstrap/");
            let owns = text.matches("source = \"../../modules/acm_dns_validation\"").count();
            if !bootstrap {
                assert_eq!(owns, 0, "{rel}: a primary or DR root must not own a validation record");
            }
            for (i, _) in text.match_indices("source = \"../../modules/acm_certificate\"") {
                certificates += 1;
                let call = &text[i..text[i..].find("\n}").map_or(text.len(), |e| i + e)];
                let fact = call
                    .lines()
                    .find_map(|l| l.trim().strip_prefix("validation_record_fqdn"))
                    .unwrap_or_else(|| panic!("{rel}: a certificate without the bootstrap's record"));
                let name = fact
                    .split("\"bootstrap/acm_validation_")
                    .nth(1)
                    .and_then(|r| r.split('"').next())
                    .unwrap_or_else(|| panic!("{rel}: the record is not the bootstrap's fact: {fact}"));
                let boot = roots
                    .iter()
                    .find(|(p, _)| p.ends_with("bootstrap/main.tf"))
                    .map(|(_, t)| t.as_str())
                    .unwrap();
                assert!(
                    boot.contains(&format!("module \"validation_{name}\""))
                        && boot.contains(&format!("acm_validation_{name} = module.validation_{name}.record_fqdn")),
                    "{rel}: the bootstrap neither owns nor publishes the record of {name}"
                );
            }
        }
    }
    assert!(
        certificates >= 4,
        "expected the shipped certificates, saw {certificates}"
    );
}

/// aws-review finding 10: the service-linked role the key policies name is
/// adopted where it exists and never deleted by a destroy of the bootstrap
/// (deletion protection on by default).
#[test]
fn the_bootstrap_adopts_and_protects_the_auto_scaling_service_linked_role() {
    let (modules, _) = common::render(&common::inventories()[0]);
    let module = modules
        .iter()
        .find(|(rel, _)| rel.ends_with("service_linked_role/main.tf"))
        .map(|(_, t)| t.as_str())
        .unwrap();
    assert!(module.contains("when    = destroy") && module.contains("self.input.protected ?"));
    let mut seen = 0;
    for path in common::inventories() {
        let (_, roots) = common::render(&path);
        for (rel, text) in &roots {
            if !rel.ends_with("bootstrap/main.tf") || !text.contains("module \"service_linked_roles\"") {
                continue;
            }
            seen += 1;
            assert!(text.contains("deletion_protection = var.service_linked_role_deletion_protection"));
            assert!(text.contains("to       = module.service_linked_roles.aws_iam_service_linked_role.this[each.key]"));
            let vars = &roots[&rel.with_file_name("variables.tf")];
            let decl = &vars[vars
                .find("variable \"service_linked_role_deletion_protection\"")
                .unwrap()..];
            assert!(
                decl.contains("default     = true"),
                "{}: protection must be on by default",
                rel.display()
            );
        }
    }
    assert!(seen >= 2, "expected the EKS inventories' bootstraps, saw {seen}");
}

/// The body of `module "<label>"` in a root's main.tf.
fn module_call<'t>(main: &'t str, label: &str) -> &'t str {
    let start = main
        .find(&format!("module \"{label}\" {{"))
        .unwrap_or_else(|| panic!("no module {label}"));
    let end = main[start..].find("\n}").map_or(main.len(), |e| start + e);
    &main[start..end]
}

/// The text of `resource "<type>" "<name>"` (or data) in a module file.
fn block<'t>(text: &'t str, header: &str) -> &'t str {
    let start = text.find(header).unwrap_or_else(|| panic!("no {header}"));
    let end = text[start..].find("\n}").map_or(text.len(), |e| start + e);
    &text[start..end]
}

/// Issue 14 item 1 (seed 000: "each cluster will monitor its VM instances of
/// the same region"): in both regions of acme-vm the application servers run
/// a pinned node_exporter, their security group admits its port from the
/// monitoring cluster's nodes only, and the region's Prometheus finds them by
/// tag through EC2 service discovery with an IRSA role allowed to describe
/// instances.
#[test]
fn each_regions_prometheus_scrapes_the_node_exporter_of_its_vms() {
    let path = common::inventories_dir().join("acme-vm.yaml");
    let (modules, roots) = common::render(&path);
    let module_file = |rel: &str| {
        modules
            .iter()
            .find(|(p, _)| p.ends_with(rel))
            .map(|(_, t)| t.as_str())
            .unwrap_or_else(|| panic!("no {rel}"))
    };
    for role in ["primary", "dr"] {
        let main = roots
            .iter()
            .find(|(p, _)| p.ends_with(format!("{role}/main.tf")))
            .map(|(_, t)| t.as_str())
            .unwrap();
        let app = module_call(main, "app");
        assert!(
            app.contains("node_exporter_image           = \"quay.io/prometheus/node-exporter:v1."),
            "{role}: {app}"
        );
        assert!(app.contains("node_exporter_port            = 9100"), "{role}: {app}");
        assert!(
            app.contains("metrics_security_group_ids    = local.metrics_client_groups"),
            "{role}: {app}"
        );
        assert!(
            main.contains("  metrics_client_groups = [module.monitoring.cluster_security_group_id]\n"),
            "{role}: the local the servers name"
        );
        let stack = module_call(main, "prometheus_grafana");
        assert!(
            stack.contains("ec2_scrape_targets = local.metrics_scrape_targets"),
            "{role}: {stack}"
        );
        assert!(
            main.contains("  metrics_scrape_targets = [module.app.node_exporter_target]\n"),
            "{role}: the local the stacks name"
        );
        assert!(
            stack.contains("oidc_provider_arn  = module.monitoring.oidc_provider_arn"),
            "{role}: {stack}"
        );
        assert!(stack.contains("region             = var.region"), "{role}: {stack}");
    }

    // The exporter's port admits the monitoring nodes' security group, and
    // nothing else; the instances carry the tag discovery filters on.
    let vm = module_file("modules/vm/main.tf");
    let rule = block(vm, "resource \"aws_vpc_security_group_ingress_rule\" \"node_exporter\"");
    assert!(
        rule.contains("referenced_security_group_id = var.metrics_security_group_ids[count.index]"),
        "{rule}"
    );
    assert!(
        rule.contains("from_port                    = var.node_exporter_port"),
        "{rule}"
    );
    assert!(!rule.contains("cidr_ipv4"), "{rule}");
    assert!(vm.contains("node_exporter_tag_key = \"acmegen:node-exporter\""));
    assert!(block(vm, "resource \"aws_instance\" \"this\"").contains("local.node_exporter_tags"));
    assert!(vm.contains("--network host --pid host --read-only --cap-drop ALL"));
    let outputs = module_file("modules/vm/outputs.tf");
    assert!(outputs.contains("tag_key   = local.node_exporter_tag_key") && outputs.contains("tag_value = var.name"));

    // The nodes Prometheus runs on are in the cluster security group: the
    // node launch template names no security group of its own.
    let eks = module_file("modules/eks/main.tf");
    assert!(!block(eks, "resource \"aws_launch_template\" \"node\"").contains("security_group"));

    // The scrape job: EC2 service discovery in the region, filtered by the
    // instances' tag, scraped on the private IP; the role may describe
    // instances (and zones) in its own region only.
    let mon = module_file("modules/k8s_monitoring/main.tf");
    assert!(mon.contains("additionalScrapeConfigs = [for t in var.ec2_scrape_targets"));
    assert!(mon.contains("{ name = \"tag:${t.tag_key}\", values = [t.tag_value] }"));
    assert!(mon.contains("source_labels = [\"__meta_ec2_private_ip\"]"));
    assert!(mon.contains("prometheusSpec = merge(local.placement, local.remote_write, local.ec2_scrape_configs"));
    let policy = block(mon, "data \"aws_iam_policy_document\" \"prometheus\"");
    assert!(
        policy.contains("actions   = [\"ec2:DescribeAvailabilityZones\", \"ec2:DescribeInstances\"]"),
        "{policy}"
    );
    assert!(policy.contains("variable = \"aws:RequestedRegion\""), "{policy}");
    assert!(mon.contains("prometheus_irsa = var.managed_prometheus || length(var.ec2_scrape_targets) > 0"));
    assert!(mon.contains("prometheus_service_account = local.prometheus_irsa ?"));
}

/// Issue 14 item 5 (seed 004 "Log management", seed 003 "Audit Logs ...
/// securely stored and retained"): in both regions of acme-traefik and
/// acme-multiregion, Fluent Bit ships container logs into a log group
/// Terraform creates with the region's key and a retention, through an IRSA
/// role that writes streams of that group only; the control plane's audit
/// log group is Terraform's too, created before the cluster (so EKS never
/// creates it without key and retention).
#[test]
fn container_and_audit_logs_land_in_encrypted_log_groups_with_retention_in_both_regions() {
    for inventory in ["acme-traefik", "acme-multiregion"] {
        let path = common::inventories_dir().join(format!("{inventory}.yaml"));
        let (modules, roots) = common::render(&path);
        for role in ["primary", "dr"] {
            let main = roots
                .iter()
                .find(|(p, _)| p.ends_with(format!("{role}/main.tf")))
                .map(|(_, t)| t.as_str())
                .unwrap();
            let addons = module_call(main, "addons");
            // Argument lines, whatever their alignment.
            let lines: Vec<String> = addons
                .lines()
                .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
                .collect();
            for want in [
                "enable_container_logs = true",
                "container_log_retention_days = 90",
                "kms_key_arn = module.kms.key_arn",
            ] {
                assert!(
                    lines.iter().any(|l| l == want),
                    "{inventory}/{role}: no `{want}` in {addons}"
                );
            }
        }
        let file = |rel: &str| {
            modules
                .iter()
                .find(|(p, _)| p.ends_with(rel))
                .map(|(_, t)| t.as_str())
                .unwrap_or_else(|| panic!("no {rel}"))
        };
        let m = file("modules/eks_addons/main.tf");
        let group = block(m, "resource \"aws_cloudwatch_log_group\" \"containers\"");
        assert!(
            group.contains("name              = \"/aws/eks/${var.cluster_name}/containers\""),
            "{group}"
        );
        assert!(
            group.contains("retention_in_days = var.container_log_retention_days"),
            "{group}"
        );
        assert!(group.contains("kms_key_id        = var.kms_key_arn"), "{group}");
        assert!(group.contains("tags = var.tags"), "{group}");
        let policy = block(m, "data \"aws_iam_policy_document\" \"fluent_bit\"");
        assert!(
            policy
                .contains("actions   = [\"logs:CreateLogStream\", \"logs:DescribeLogStreams\", \"logs:PutLogEvents\"]"),
            "{policy}"
        );
        assert!(
            !policy.contains("CreateLogGroup") && !policy.contains("\"*\""),
            "{policy}"
        );
        assert!(
            policy.contains("aws_cloudwatch_log_group.containers[0].arn"),
            "{policy}"
        );
        let release = block(m, "resource \"helm_release\" \"aws_for_fluent_bit\"");
        assert!(release.contains("autoCreateGroup = false"), "{release}");
        assert!(
            release.contains("logGroupName    = aws_cloudwatch_log_group.containers[0].name"),
            "{release}"
        );
        assert!(
            release.contains("\"eks.amazonaws.com/role-arn\" = aws_iam_role.irsa[\"fluent_bit\"].arn"),
            "{release}"
        );
        assert!(
            release.contains("tolerations = [{ operator = \"Exists\" }]"),
            "{release}"
        );
        assert!(m.contains("service_account = \"aws-for-fluent-bit\""));

        // Control-plane logs, audit included: Terraform's group, before the cluster.
        let eks = file("modules/eks/main.tf");
        let cluster_group = block(eks, "resource \"aws_cloudwatch_log_group\" \"cluster\"");
        assert!(cluster_group.contains("name              = \"/aws/eks/${var.name}/cluster\""));
        assert!(cluster_group.contains("kms_key_id        = var.kms_key_arn"));
        assert!(cluster_group.contains("retention_in_days = var.log_retention_days"));
        let cluster = block(eks, "resource \"aws_eks_cluster\" \"this\"");
        assert!(cluster.contains("\"audit\""), "{cluster}");
        assert!(cluster.contains("aws_cloudwatch_log_group.cluster,"), "{cluster}");

        // The region's key lets CloudWatch Logs use it for this account's groups.
        let kms = file("modules/kms/main.tf");
        assert!(kms.contains("variable = \"kms:EncryptionContext:aws:logs:arn\""));

        // The runbook says where the DR logs are.
        let runbook = roots
            .iter()
            .find(|(p, _)| p.ends_with("RUNBOOK.md"))
            .map(|(_, t)| t.as_str())
            .unwrap();
        assert!(runbook.contains("/containers` (Fluent Bit)"), "{inventory}");
    }
}

/// helper-64, helper-65: a primary root applied before the DR root leaves
/// out what it wires into the DR region (its arguments read DR facts that
/// are not there yet, as null) without a word. Every primary root that
/// reads DR facts warns through a check naming exactly those facts; the DR
/// roots, applied first, have none.
#[test]
fn a_primary_root_warns_while_the_dr_facts_it_reads_are_missing() {
    let mut checked = 0;
    for path in common::inventories() {
        let loaded = acmegen::inventory::load(&path).unwrap();
        let p = acmegen::plan::plan(&acmegen::validate::validate(&loaded).unwrap());
        let dr_facts: Vec<String> = p
            .primary
            .facts_read
            .iter()
            .filter(|f| f.starts_with("dr/"))
            .map(|f| format!("\"{f}\""))
            .collect();
        let dir = generated().join(&p.name);
        let primary = std::fs::read_to_string(dir.join("primary/main.tf")).unwrap();
        let dr = std::fs::read_to_string(dir.join("dr/main.tf")).unwrap();
        assert!(!dr.contains("check \"dr_facts_published\""), "{}", p.name);
        if dr_facts.is_empty() {
            assert!(!primary.contains("check \"dr_facts_published\""), "{}", p.name);
            continue;
        }
        let list = format!("[for f in [{}] : contains(module.facts.names, f)]", dr_facts.join(", "));
        assert!(primary.contains(&list), "{}: {list}", p.name);
        checked += 1;
    }
    assert!(checked >= 3, "primary roots reading DR facts: {checked}");
}

/// helper-71: the account-and-region-wide EBS settings moved to new names in
/// the kms module; their old names are forgotten, never destroyed, so that an
/// inventory that hands the setting to another of its account (acme-flask to
/// acme-vm) does not turn default encryption off for the region on its next
/// apply. Destroying either resource would (provider docs,
/// `aws_ebs_encryption_by_default`).
#[test]
fn the_kms_module_forgets_the_old_ebs_default_resources_instead_of_destroying_them() {
    let kms =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("generated/modules/kms/main.tf"))
            .unwrap();
    for ty in ["aws_ebs_encryption_by_default", "aws_ebs_default_kms_key"] {
        assert!(
            kms.contains(&format!(
                "resource \"{ty}\" \"account\" {{\n  count = var.ebs_encryption_by_default ? 1 : 0\n"
            )),
            "{ty}: {kms}"
        );
        assert!(!kms.contains(&format!("resource \"{ty}\" \"this\"")), "{ty}");
        assert!(
            kms.contains(&format!(
                "removed {{\n  from = {ty}.this\n\n  lifecycle {{\n    destroy = false\n  }}\n}}"
            )),
            "{ty}: {kms}"
        );
    }
}
