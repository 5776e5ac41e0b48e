//! Synthetic inventories of any size, for benchmarks and property tests:
//! a repeating mix of the asset kinds with valid references and every DR
//! strategy, so each stage does realistic work per asset.

/// YAML text of an inventory with `n` assets over two regions. It states
/// quotas no account has (at 10,000 assets a region runs 1,000 clusters,
/// each admitted by every database's security group): it is rendered and
/// measured, never applied.
pub fn inventory_yaml(n: usize) -> String {
    let mut out = String::from(
        "name: bench\nowner: perf\nebs_default_encryption: true\nregions:\n  primary: us-east-2\n  dr: us-west-2\nquotas:\n  us-east-2: {elastic_ips: 100000, application_load_balancers: 100000, eks_clusters: 100000, db_instances: 100000, on_demand_standard_vcpus: 100000, security_group_inbound_rules: 100000}\n  us-west-2: {elastic_ips: 100000, application_load_balancers: 100000, eks_clusters: 100000, db_instances: 100000, on_demand_standard_vcpus: 100000, security_group_inbound_rules: 100000}\nnetwork:\n  primary:\n    cidr: 10.0.0.0/16\n  dr:\n    cidr: 10.1.0.0/16\nassets:\n  - kind: cloudwatch\n    name: alarms\n    dr: active\n",
    );
    let mut i = 1;
    let mut group = 0;
    while i < n {
        let g = group;
        let rows = [
            format!("  - {{kind: vm, name: app-{g}, size: t3.small, qty: 3, port: 8080, image: public.ecr.aws/nginx/nginx:stable, container_port: 80, dr: pilot-light}}\n"),
            format!("  - {{kind: alb, name: lb-{g}, target: app-{g}, dr: pilot-light}}\n"),
            format!("  - {{kind: s3, name: data-{g}, dr: replica}}\n"),
            format!("  - {{kind: rds, name: db-{g}, size: db.m6i.large, engine: postgres, engine_version: \"16\", dr: replica}}\n"),
            format!("  - {{kind: ecr, name: img-{g}, dr: replica}}\n"),
            format!("  - {{kind: eip, name: ip-{g}, qty: 3, target: app-{g}, dr: active}}\n"),
            format!("  - {{kind: eks, name: k8s-{g}, size: m6i.large, qty: 3, version: \"1.35\", dr: active}}\n"),
            format!("  - {{kind: k8s_monitoring, name: mon-{g}, target: k8s-{g}, dr: active}}\n"),
            format!("  - {{kind: route53, name: dns-{g}, zone: bench.acme-platform.dev, record: app{g}, target: lb-{g}, dr: active}}\n"),
            format!("  - {{kind: s3, name: arch-{g}, dr: backup}}\n"),
        ];
        for row in rows.iter().take(n - i) {
            out.push_str(row);
            i += 1;
        }
        group += 1;
    }
    out
}

/// YAML text of the CDKTF peer's shape (`../shared/peer/`): `n` `vm`
/// (dr: active) plus, for every 10th, one `rds` (dr: replica) and one `s3`
/// (dr: replica), in the peer's two regions.
pub fn peer_inventory_yaml(n: usize) -> String {
    let mut out = String::from(
        "name: peer\nowner: perf\nregions:\n  primary: us-east-2\n  dr: us-west-1\nquotas:\n  us-east-2: {db_instances: 100000, on_demand_standard_vcpus: 1000000}\n  us-west-1: {db_instances: 100000, on_demand_standard_vcpus: 1000000}\nassets:\n",
    );
    for i in 0..n {
        out.push_str(&format!(
            "  - {{kind: vm, name: app-{i}, size: t3.micro, qty: 1, dr: active}}\n"
        ));
        if i % 10 == 0 {
            out.push_str(&format!("  - {{kind: rds, name: db-{i}, size: db.t4g.micro, engine: postgres, engine_version: \"17\", dr: replica}}\n"));
            out.push_str(&format!("  - {{kind: s3, name: data-{i}, dr: replica}}\n"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn the_peer_shape_validates() {
        for n in [1, 10, 1000] {
            let text = peer_inventory_yaml(n);
            let loaded = crate::inventory::parse(&text, Path::new("peer.yaml")).expect("parses");
            let v = crate::validate::validate(&loaded).unwrap_or_else(|d| panic!("{n}: {d}"));
            assert_eq!(v.assets.len(), n + 2 * n.div_ceil(10), "{n}");
        }
    }

    #[test]
    fn synthetic_inventories_validate_at_every_size() {
        for n in [1, 2, 10, 37, 100] {
            let loaded = crate::inventory::parse(&inventory_yaml(n), Path::new("bench.yaml")).unwrap();
            assert_eq!(loaded.inventory.assets.len(), n);
            crate::validate::validate(&loaded).unwrap_or_else(|d| panic!("{n}: {d}"));
        }
    }
}
