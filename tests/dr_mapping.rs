//! How each kind and DR strategy maps onto the primary and DR roots.

use acmegen::inventory::parse;
use acmegen::plan::{plan, ModuleCall, Plan, RootPlan};
use acmegen::validate::validate;
use std::path::Path;

fn planned(assets: &str) -> Plan {
    let text = format!(
        "name: t\nowner: me\nebs_default_encryption: {}\nregions: {{primary: us-east-2, dr: us-west-1}}\nassets:\n{assets}",
        assets.contains("k8s_monitoring")
    );
    let loaded = parse(&text, Path::new("t.yaml")).expect("parses");
    validate(&loaded).unwrap_or_else(|d| panic!("{d}"));
    plan(&loaded.inventory)
}

fn module<'a>(root: &'a RootPlan, label: &str) -> Option<&'a ModuleCall> {
    root.modules.iter().find(|m| m.label == label)
}

fn arg(m: &ModuleCall, name: &str) -> String {
    m.args
        .iter()
        .find(|a| a.name == name)
        .map(|a| a.value.clone())
        .unwrap_or_else(|| panic!("{} has no argument {name}", m.label))
}

fn default_of(root: &RootPlan, var: &str) -> Option<String> {
    root.variables
        .iter()
        .find(|v| v.name == var)
        .unwrap_or_else(|| panic!("no variable {var}"))
        .default
        .clone()
}

const VM: &str = "  - {kind: vm, name: app, size: t3.micro, qty: 3, dr: DR}\n";

#[test]
fn vm_active_gets_same_count_in_dr() {
    let p = planned(&VM.replace("DR", "active"));
    assert_eq!(default_of(&p.primary, "app_instance_count").as_deref(), Some("3"));
    assert_eq!(default_of(&p.dr, "app_instance_count").as_deref(), Some("3"));
}

#[test]
fn vm_pilot_light_runs_reduced_in_dr() {
    let p = planned("  - {kind: vm, name: app, size: t3.micro, qty: 3, dr: pilot-light, dr_qty: 0}\n");
    assert_eq!(default_of(&p.primary, "app_instance_count").as_deref(), Some("3"));
    assert_eq!(default_of(&p.dr, "app_instance_count").as_deref(), Some("0"));
    assert!(module(&p.dr, "app")
        .unwrap()
        .comment
        .contains("pilot-light (0 of 3 in DR until failover)"));
}

#[test]
fn dr_none_leaves_the_dr_root_without_the_asset_or_network() {
    let p = planned(&VM.replace("DR", "none"));
    assert!(module(&p.primary, "app").is_some());
    assert!(module(&p.dr, "app").is_none());
    assert!(
        module(&p.dr, "vpc").is_none(),
        "no VPC in DR when nothing there needs one"
    );
}

#[test]
fn implicit_vpc_and_kms_are_created_where_needed() {
    let p = planned(&VM.replace("DR", "active"));
    for root in p.roots() {
        assert_eq!(module(root, "vpc").unwrap().source, "vpc");
        // The account-wide EBS default stays untouched unless the inventory asks.
        assert_eq!(arg(module(root, "kms").unwrap(), "ebs_encryption_by_default"), "false");
        assert_eq!(arg(module(root, "app").unwrap(), "kms_key_arn"), "module.kms.key_arn");
    }
    assert_eq!(arg(module(&p.primary, "vpc").unwrap(), "cidr"), "\"10.0.0.0/16\"");
    assert_eq!(arg(module(&p.dr, "vpc").unwrap(), "cidr"), "\"10.1.0.0/16\"");
    // us-west-1 has two AZs: the default plan uses both, not three.
    assert_eq!(
        arg(module(&p.dr, "vpc").unwrap(), "public_subnets"),
        "[\"10.1.0.0/24\", \"10.1.1.0/24\"]"
    );
}

#[test]
fn rds_replica_becomes_a_cross_region_read_replica_gated_on_the_primary() {
    let p = planned(
        "  - {kind: rds, name: db, size: db.m6i.large, engine: postgres, engine_version: \"16\", dr: replica}\n",
    );
    let primary = module(&p.primary, "db").unwrap();
    assert!(primary.count.is_none());
    assert!(!primary.args.iter().any(|a| a.name == "replicate_source_db"));
    let replica = module(&p.dr, "db").unwrap();
    assert_eq!(replica.source, "rds");
    assert_eq!(
        replica.count.as_deref(),
        Some("contains(module.facts.names, \"primary/db_arn\") ? 1 : 0"),
        "the replica waits for the primary's published ARN"
    );
    assert_eq!(
        arg(replica, "replicate_source_db"),
        "module.facts.values[\"primary/db_arn\"]"
    );
    assert_eq!(p.primary.facts_published, vec!["db_arn".to_string()]);
    assert_eq!(p.dr.facts_read, vec!["primary/db_arn".to_string()]);
    assert!(
        !p.dr.variables.iter().any(|v| v.name == "primary_deployed"),
        "no hand-set variable gates the replica"
    );
}

#[test]
fn rds_backup_replicates_automated_backups_only() {
    let p =
        planned("  - {kind: rds, name: db, size: db.m6i.large, engine: mysql, engine_version: \"8.4\", dr: backup}\n");
    assert_eq!(
        arg(module(&p.primary, "db").unwrap(), "parameter_group_family"),
        "\"mysql8.4\""
    );
    let dr = module(&p.dr, "db").unwrap();
    assert_eq!(dr.source, "rds_backup_replication");
    // A restore needs somewhere to land: the DR VPC's subnets and a security group.
    assert!(module(&p.dr, "vpc").is_some(), "a restore in DR needs the DR network");
    assert_eq!(arg(dr, "restore_subnet_group_name"), "\"t-db-usw1\"");
    assert_eq!(arg(dr, "vpc_id"), "module.vpc.vpc_id");
}

#[test]
fn aurora_replica_is_a_global_database() {
    let p = planned("  - {kind: aurora, name: db, size: db.r6g.large, qty: 2, engine: postgres, engine_version: \"16\", dr: replica}\n");
    assert_eq!(arg(module(&p.primary, "db").unwrap(), "role"), "\"global-primary\"");
    let dr = module(&p.dr, "db").unwrap();
    assert_eq!(arg(dr, "role"), "\"secondary\"");
    assert_eq!(
        arg(dr, "global_cluster_identifier"),
        "module.facts.values[\"primary/db_global_cluster_id\"]"
    );
    assert_eq!(
        dr.count.as_deref(),
        Some("contains(module.facts.names, \"primary/db_global_cluster_id\") ? 1 : 0")
    );
    assert_eq!(
        arg(module(&p.primary, "db").unwrap(), "global_cluster_identifier"),
        "\"t-db\""
    );
    assert_eq!(arg(dr, "parameter_group_family"), "\"aurora-postgresql16\"");
}

#[test]
fn s3_replica_and_backup_replicate_into_the_dr_bucket() {
    let p = planned("  - {kind: s3, name: data, dr: replica}\n  - {kind: s3, name: arch, dr: backup}\n");
    let data = module(&p.primary, "data").unwrap();
    assert_eq!(
        arg(data, "replication_destination_bucket_arn"),
        "lookup(module.facts.values, \"dr/data_bucket_arn\", null)"
    );
    assert_eq!(arg(data, "replication_storage_class"), "\"STANDARD\"");
    // A key ARN published by the DR root, never an alias ARN.
    assert_eq!(
        arg(data, "replication_destination_kms_key_arn"),
        "lookup(module.facts.values, \"dr/kms_key_arn\", null)"
    );
    assert_eq!(
        p.dr.facts_published,
        vec![
            "arch_bucket_arn".to_string(),
            "data_bucket_arn".to_string(),
            "kms_key_arn".to_string()
        ]
    );
    assert_eq!(
        arg(module(&p.primary, "arch").unwrap(), "replication_storage_class"),
        "\"GLACIER_IR\""
    );
    assert_eq!(
        arg(module(&p.dr, "data").unwrap(), "bucket"),
        "\"t-data-${local.account_id}-us-west-1\""
    );
    assert!(!module(&p.dr, "data")
        .unwrap()
        .args
        .iter()
        .any(|a| a.name == "replication_destination_bucket_arn"));
}

#[test]
fn ecr_replica_adds_one_registry_replication_rule_in_the_primary() {
    let p = planned("  - {kind: ecr, name: api, dr: replica}\n  - {kind: ecr, name: web, dr: active}\n");
    let r = module(&p.primary, "ecr_replication").unwrap();
    assert_eq!(arg(r, "repository_prefixes"), "[\"t/api\"]");
    assert_eq!(arg(r, "destination_region"), "\"us-west-1\"");
    assert!(module(&p.dr, "ecr_replication").is_none());
    assert!(module(&p.dr, "api").is_some() && module(&p.dr, "web").is_some());
}

const WEB: &str = "  - {kind: vm, name: app, size: t3.micro, qty: 2, image: nginx, dr: active}\n  - {kind: alb, name: lb, target: app, dr: active}\n";

#[test]
fn route53_to_an_alb_is_a_primary_secondary_failover_pair() {
    let p = planned(&format!(
        "{WEB}  - {{kind: route53, name: dns, zone: shop.acme-platform.dev, record: app, target: lb, dr: active}}\n"
    ));
    assert_eq!(arg(module(&p.primary, "dns").unwrap(), "failover_role"), "\"PRIMARY\"");
    assert_eq!(arg(module(&p.dr, "dns").unwrap(), "failover_role"), "\"SECONDARY\"");
    assert_eq!(
        arg(module(&p.dr, "dns").unwrap(), "target_dns_name"),
        "module.lb.dns_name"
    );
}

#[test]
fn global_accelerator_dials_100_primary_and_0_dr() {
    let p = planned(&format!(
        "{WEB}  - {{kind: global_accelerator, name: edge, target: lb, dr: active}}\n"
    ));
    assert!(module(&p.primary, "edge").is_some());
    assert_eq!(default_of(&p.primary, "edge_traffic_dial").as_deref(), Some("100"));
    assert_eq!(default_of(&p.dr, "edge_traffic_dial").as_deref(), Some("0"));
    let dr = module(&p.dr, "edge_dr_endpoints").unwrap();
    assert_eq!(
        dr.count.as_deref(),
        Some("contains(module.facts.names, \"primary/edge_listener_arn\") ? 1 : 0")
    );
    assert_eq!(
        arg(dr, "listener_arn"),
        "module.facts.values[\"primary/edge_listener_arn\"]"
    );
    assert!(
        module(&p.dr, "edge").is_none(),
        "the accelerator itself lives in the primary root only"
    );
}

#[test]
fn alb_targets_register_instances_and_open_the_app_port_from_the_alb() {
    let p = planned(WEB);
    assert_eq!(
        arg(module(&p.primary, "lb").unwrap(), "target_instance_ids"),
        "module.app.instance_ids"
    );
    assert_eq!(
        arg(module(&p.primary, "app").unwrap(), "ingress_security_group_ids"),
        "[module.lb.security_group_id]"
    );
    assert_eq!(
        arg(module(&p.primary, "app").unwrap(), "subnet_ids"),
        "module.vpc.private_subnet_ids"
    );
}

#[test]
fn eip_moves_its_vm_to_public_subnets() {
    let p = planned(&format!(
        "{WEB}  - {{kind: eip, name: ips, qty: 2, target: app, dr: active}}\n"
    ));
    assert_eq!(
        arg(module(&p.primary, "app").unwrap(), "subnet_ids"),
        "module.vpc.public_subnet_ids"
    );
    assert_eq!(
        arg(module(&p.primary, "ips").unwrap(), "instance_ids"),
        "module.app.instance_ids"
    );
}

#[test]
fn eks_pilot_light_scales_nodes_down_in_dr_and_monitoring_uses_its_helm_provider() {
    let p = planned("  - {kind: eks, name: k8s, size: m6i.large, qty: 3, min: 3, max: 6, version: \"1.35\", dr: pilot-light}\n  - {kind: k8s_monitoring, name: mon, target: k8s, dr: active}\n");
    assert_eq!(default_of(&p.primary, "k8s_node_desired_size").as_deref(), Some("3"));
    assert_eq!(default_of(&p.dr, "k8s_node_desired_size").as_deref(), Some("1"));
    assert_eq!(default_of(&p.dr, "k8s_node_min_size").as_deref(), Some("1"));
    assert_eq!(default_of(&p.dr, "k8s_node_max_size").as_deref(), Some("6"));
    assert_eq!(p.dr.helm_clusters, vec!["k8s".to_string()]);
    assert_eq!(
        module(&p.dr, "mon").unwrap().providers.as_deref(),
        Some("{\nhelm = helm.k8s\n}")
    );
}

#[test]
fn vpc_peering_requests_from_primary_and_accepts_in_dr() {
    let p = planned("  - {kind: vpc, name: net, dr: active}\n  - {kind: vpc_peering, name: peer, dr: active}\n");
    let req = module(&p.primary, "peer").unwrap();
    assert_eq!(req.source, "vpc_peering_requester");
    assert_eq!(arg(req, "peer_cidr"), "\"10.1.0.0/16\"");
    assert_eq!(arg(req, "route_table_count"), "4");
    let acc = module(&p.dr, "peer").unwrap();
    assert_eq!(acc.source, "vpc_peering_accepter");
    assert_eq!(arg(acc, "peer_cidr"), "\"10.0.0.0/16\"");
    // Each side joins once the other published its half; no variable to copy.
    assert_eq!(
        req.count.as_deref(),
        Some("contains(module.facts.names, \"dr/vpc_id\") ? 1 : 0")
    );
    assert_eq!(
        acc.count.as_deref(),
        Some("contains(module.facts.names, \"primary/vpc_peering_connection_id\") ? 1 : 0")
    );
    assert_eq!(p.dr.facts_published, vec!["vpc_id".to_string()]);
    assert_eq!(p.primary.facts_published, vec!["vpc_peering_connection_id".to_string()]);
    assert!(p.dr.variables.iter().all(|v| v.name != "vpc_peering_connection_id"));
    assert!(p.primary.variables.iter().all(|v| v.name != "dr_vpc_id"));
    let facts = module(&p.primary, "facts").unwrap();
    assert_eq!(
        facts.providers.as_deref(),
        Some("{\naws = aws.dr\n}"),
        "the store is in the DR region"
    );
    assert!(module(&p.dr, "facts").unwrap().providers.is_none());
}

#[test]
fn cloudtrail_is_multi_region_in_primary_and_regional_in_dr() {
    let p = planned("  - {kind: cloudtrail, name: audit, dr: active}\n");
    assert_eq!(arg(module(&p.primary, "audit").unwrap(), "multi_region"), "true");
    assert_eq!(arg(module(&p.dr, "audit").unwrap(), "multi_region"), "false");
    assert_eq!(
        arg(module(&p.primary, "audit_bucket").unwrap(), "cloudtrail_trail_arns"),
        "[\"arn:aws:cloudtrail:us-east-2:${local.account_id}:trail/t-audit-use2\"]"
    );
}

#[test]
fn cloudwatch_alarms_follow_the_assets_of_each_region() {
    let p = planned("  - {kind: rds, name: db, size: db.m6i.large, engine: postgres, engine_version: \"16\", dr: replica}\n  - {kind: cloudwatch, name: cw, dr: active}\n");
    let primary = arg(module(&p.primary, "cw").unwrap(), "alarms");
    assert!(primary.contains("db-cpu") && primary.contains("db-free-storage") && !primary.contains("replica-lag"));
    let dr = arg(module(&p.dr, "cw").unwrap(), "alarms");
    assert!(dr.contains("db-replica-lag") && dr.contains("\"t-db-usw1\""), "{dr}");
}

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
fn a_replica_gets_the_source_storage_size_for_its_autoscaling_ceiling() {
    let p = planned("  - {kind: rds, name: db, size: db.m6i.large, engine: postgres, engine_version: \"16\", storage_gb: 100, dr: replica}\n");
    assert_eq!(arg(module(&p.dr, "db").unwrap(), "allocated_storage"), "100");
    assert!(!module(&p.dr, "db").unwrap().args.iter().any(|a| a.name == "db_name"));
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
