//! Recovery objectives per asset, derived from the settings acmegen
//! generates: alarm thresholds, health-check intervals and thresholds,
//! DNS TTLs and what a failover has to do (promote, restore, scale up).
//! The runbook and `acmegen failover --format json` show the same figures.
//!
//! Times are estimates for planning: detection figures follow exactly from
//! the generated settings; durations of AWS operations (a promotion, a
//! restore, nodes joining) are AWS's typical values and are marked "≈".

use crate::inventory::{Asset, DrStrategy, Inventory, Kind};
use serde::Serialize;
use std::collections::HashMap;

/// Route 53 health checks: request interval (s) and failure threshold
/// (`modules/route53_record`).
pub const ROUTE53_HEALTH_CHECK: (u32, u32) = (10, 3);
/// TTL (s) resolvers keep an alias answer to a load balancer.
pub const ALIAS_TTL_SECONDS: u32 = 60;
/// Load balancer target health: interval (s) and unhealthy threshold
/// (`modules/alb`); Global Accelerator follows it for ALB endpoints.
pub const TARGET_HEALTH_CHECK: (u32, u32) = (15, 3);
/// Replica-lag alarm of RDS read replicas (s), see the cloudwatch alarms.
pub const REPLICA_LAG_ALARM_SECONDS: u32 = 300;
/// Global-database lag alarm of Aurora secondaries (ms).
pub const GLOBAL_LAG_ALARM_MS: u32 = 60_000;
/// Minutes within which S3 replicates most objects without Replication Time
/// Control (which alone has an SLA, 15 min for 99.99%).
pub const S3_REPLICATION_MINUTES: u32 = 15;

/// Recovery objectives of one asset.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Objective {
    /// Asset name.
    pub asset: String,
    /// Asset kind.
    pub kind: String,
    /// DR strategy.
    pub strategy: String,
    /// Recovery time objective.
    pub rto: String,
    /// Recovery point objective.
    pub rpo: String,
    /// The generated settings (or AWS behaviour) the figures follow from.
    pub basis: String,
    /// The AWS APIs the recovery calls: the failover levers are calls to the
    /// DR region's APIs (and Global Accelerator's, in us-west-2), never to
    /// the IAM or Route 53 control planes in us-east-1, which may be the
    /// lost region.
    pub needs: String,
}

/// Seconds until Route 53 answers with the SECONDARY record: failed checks
/// plus the TTL resolvers cached the PRIMARY answer for.
pub fn dns_failover_seconds() -> u32 {
    ROUTE53_HEALTH_CHECK.0 * ROUTE53_HEALTH_CHECK.1 + ALIAS_TTL_SECONDS
}

/// Seconds until a load balancer marks a target unhealthy.
pub fn target_detection_seconds() -> u32 {
    TARGET_HEALTH_CHECK.0 * TARGET_HEALTH_CHECK.1
}

/// What the Route 53 failover needs: only its data plane.
const ROUTE53_DATA_PLANE: &str =
    "Route 53's data plane only (health checks and DNS answers keep working without its control plane in us-east-1)";

/// What an accelerator's dial change needs.
const GA_API: &str = "the Global Accelerator API (us-west-2), neither the primary region nor us-east-1";

/// How traffic reaches the DR region for `a` (a load balancer or what it
/// fronts): through Route 53 failover, the accelerator's dial, or not at
/// all; and what that needs.
fn traffic_switch(inv: &Fronts<'_>, a: &Asset) -> (String, String, &'static str) {
    let albs: Vec<&Asset> = if a.kind == Kind::Alb {
        vec![a]
    } else {
        inv.fronting(&a.name).filter(|l| l.kind == Kind::Alb).collect()
    };
    for alb in albs {
        if inv
            .fronting(&alb.name)
            .any(|r| r.kind == Kind::Route53 && r.dr != DrStrategy::None)
        {
            let s = dns_failover_seconds();
            return (
                format!("{}s to move DNS", s),
                format!(
                    "Route 53 health checks every {}s, failover after {} failures, alias answers cached {}s",
                    ROUTE53_HEALTH_CHECK.0, ROUTE53_HEALTH_CHECK.1, ALIAS_TTL_SECONDS
                ),
                ROUTE53_DATA_PLANE,
            );
        }
        if inv
            .fronting(&alb.name)
            .any(|g| g.kind == Kind::GlobalAccelerator && g.in_dr())
        {
            return (
                "≈ 1 min to raise the DR traffic dial (an update-endpoint-group call)".into(),
                format!(
                    "the DR endpoint group's dial is 0 until failover sets it to 100; the ALB marks targets unhealthy after {}s",
                    target_detection_seconds()
                ),
                GA_API,
            );
        }
    }
    (
        "clients switch by hand".into(),
        "no DNS failover or accelerator in front".into(),
        "nothing from AWS: clients are pointed at the DR load balancer by hand",
    )
}

/// The API that scales `a` up in the DR region: the EKS API for a node
/// group, a targeted apply without refresh (EC2, ELB) for instances.
fn scale_api(a: &Asset) -> &'static str {
    match a.kind {
        Kind::Eks => "the EKS API of the DR region (update-nodegroup-config)",
        _ => "the EC2 and Elastic Load Balancing APIs of the DR region (a targeted apply without refresh)",
    }
}

/// The inventory's assets by name and by the asset they target.
struct Fronts<'a> {
    by_name: HashMap<&'a str, &'a Asset>,
    by_target: HashMap<&'a str, Vec<&'a Asset>>,
}

impl<'a> Fronts<'a> {
    fn new(inv: &'a Inventory) -> Self {
        let mut by_target: HashMap<&str, Vec<&Asset>> = HashMap::new();
        for a in &inv.assets {
            if let Some(t) = a.target.as_deref() {
                by_target.entry(t).or_default().push(a);
            }
        }
        Fronts {
            by_name: inv.assets.iter().map(|a| (a.name.as_str(), a)).collect(),
            by_target,
        }
    }

    /// The assets whose target is `name`, in inventory order.
    fn fronting(&self, name: &str) -> impl Iterator<Item = &'a Asset> + '_ {
        self.by_target.get(name).into_iter().flatten().copied()
    }
}

/// The objectives of `assets` (of `inv`), in the order given.
pub fn objectives(inv: &Inventory, assets: &[&Asset]) -> Vec<Objective> {
    let fronts = Fronts::new(inv);
    assets.iter().map(|a| objective(&fronts, a)).collect()
}

/// The objectives of `a`, from its strategy and the generated settings.
fn objective(inv: &Fronts<'_>, a: &Asset) -> Objective {
    let targets_accelerator = a.kind == Kind::Route53
        && a.target
            .as_deref()
            .and_then(|t| inv.by_name.get(t))
            .is_some_and(|g| g.kind == Kind::GlobalAccelerator);
    let nothing = "nothing: the DR region's copy runs already".to_string();
    let rds_api = "the RDS API of the DR region".to_string();
    let (rto, rpo, basis, needs) = match (a.kind, a.dr) {
        (Kind::Route53, _) if targets_accelerator => (
            "0: the record names the accelerator, which is global".to_string(),
            "n/a".to_string(),
            "Route 53 answers from every region; the accelerator moves traffic between regions".to_string(),
            ROUTE53_DATA_PLANE.to_string(),
        ),
        (_, DrStrategy::None) => (
            "not recoverable in DR".to_string(),
            "not recoverable in DR".to_string(),
            "the DR region gets nothing for this asset".to_string(),
            "n/a".to_string(),
        ),
        (Kind::Rds, DrStrategy::Replica) => (
            "≈ 10 min: promote the read replica; clients keep its stable name in the DR VPC (the promotion keeps its address)".into(),
            format!("≤ {} min (typically seconds)", REPLICA_LAG_ALARM_SECONDS / 60),
            format!(
                "asynchronous cross-region replica; the ReplicaLag alarm fires above {}s",
                REPLICA_LAG_ALARM_SECONDS
            ),
            rds_api.clone(),
        ),
        (Kind::Rds, DrStrategy::Backup) => (
            format!(
                "≈ 1 h+: point-in-time restore of {} GiB from the replicated backups",
                a.storage_gb.unwrap_or(20)
            ),
            "the replicated backups' latest restorable time (transaction logs are copied every few minutes)".into(),
            format!(
                "automated backups replicated to DR, kept {} days",
                a.retention_days.unwrap_or(7)
            ),
            format!("{rds_api}; naming the restored instance in the DR private zone needs the Route 53 API (us-east-1)"),
        ),
        (Kind::Aurora, DrStrategy::Replica) => (
            "≈ 2 min: managed failover of the global database".into(),
            format!("≤ {} s (typically under 1 s)", GLOBAL_LAG_ALARM_MS / 1000),
            format!(
                "Aurora global database storage replication; the lag alarm fires above {} s",
                GLOBAL_LAG_ALARM_MS / 1000
            ),
            rds_api,
        ),
        (Kind::S3, DrStrategy::Replica | DrStrategy::Backup) => (
            "0: the DR bucket serves reads now; switch clients to it".into(),
            format!("most objects within {S3_REPLICATION_MINUTES} min (replication without S3 RTC has no SLA)"),
            format!(
                "cross-region replication{}; objects written in DR are copied back on failback",
                if a.dr == DrStrategy::Backup {
                    " into GLACIER_IR"
                } else {
                    ""
                }
            ),
            "nothing: the DR bucket is independent of the primary region".into(),
        ),
        (Kind::BackupPlan, _) => {
            let (schedule, copy_days) = crate::kinds::backup_plan::copy_settings(a);
            (
                "≈ 1 h+: restore jobs from the recovery points in the DR vault, one per resource".into(),
                format!("the last recovery point copied to DR: at most one schedule interval ({schedule}) plus the copy time"),
                format!("AWS Backup copies every recovery point into the DR vault, kept {copy_days} days"),
                "the AWS Backup API of the DR region".into(),
            )
        }
        (Kind::S3, _) => (
            "0: the DR bucket exists".into(),
            "nothing replicated: objects of the primary bucket are not in DR".into(),
            "an independent bucket per region".into(),
            nothing,
        ),
        (Kind::Ecr, DrStrategy::Replica) => (
            "0: the DR registry serves the replicated images".into(),
            "images pushed before the outage (replication takes minutes)".into(),
            "registry replication of the repository prefix".into(),
            nothing,
        ),
        (Kind::Vm | Kind::Eks | Kind::Bastion | Kind::Eip, DrStrategy::PilotLight) => {
            let (switch, why, traffic) = traffic_switch(inv, a);
            let how = if a.kind == Kind::Eks {
                "an update-nodegroup-config call, nodes join"
            } else {
                "a targeted apply, instances boot"
            };
            (
                format!(
                    "≈ 10-15 min: scale {} → {} ({how}), then {switch}",
                    a.dr_count(),
                    a.qty()
                ),
                "stateless: nothing to lose".into(),
                format!("pilot light at {} of {}; {why}", a.dr_count(), a.qty()),
                format!("{}; traffic: {traffic}", scale_api(a)),
            )
        }
        (Kind::Vm | Kind::Eks | Kind::Alb | Kind::Eip, _) => {
            let (switch, why, traffic) = traffic_switch(inv, a);
            (
                switch,
                "stateless: nothing to lose".into(),
                format!("full capacity in DR; {why}"),
                format!("traffic: {traffic}"),
            )
        }
        (Kind::Route53, _) => (
            format!("{}s", dns_failover_seconds()),
            "n/a".into(),
            format!(
                "health checks every {}s, {} failures, {}s alias TTL",
                ROUTE53_HEALTH_CHECK.0, ROUTE53_HEALTH_CHECK.1, ALIAS_TTL_SECONDS
            ),
            format!("{ROUTE53_DATA_PLANE}; holding the primary out of rotation until failback needs the Route 53 API (us-east-1)"),
        ),
        (Kind::GlobalAccelerator, _) => (
            "≈ 1 min: update-endpoint-group calls set the DR dial to 100 and the primary's to 0".into(),
            "n/a".into(),
            "static anycast IPs; DR endpoint group at dial 0 until failover".into(),
            GA_API.into(),
        ),
        (Kind::PostgresOperator, DrStrategy::Replica) => (
            "≈ 5 min after the nodes: promote the standby (standby = false, a targeted apply of its Helm release), then point clients at the DR master service".into(),
            format!("WAL not yet archived (Spilo archives a segment when full, or after archive_timeout) or not yet replicated to DR (most objects within {S3_REPLICATION_MINUTES} min)"),
            "a standby cluster restoring and following the primary's WAL-G archive in the replicated bucket".into(),
            "the EKS and Kubernetes APIs of the DR region (a targeted apply without refresh)".into(),
        ),
        (Kind::App | Kind::Traefik | Kind::ClusterAddons, DrStrategy::PilotLight) => (
            "≈ 2-5 min once the nodes are up: raise its replicas to the primary's (a targeted apply of its Helm release)".into(),
            "stateless: nothing to lose".into(),
            "pilot light: fewer replicas in DR until failover".into(),
            "the EKS and Kubernetes APIs of the DR region (a targeted apply without refresh)".into(),
        ),
        (Kind::App | Kind::Traefik | Kind::ClusterAddons, _) => (
            "0: the DR cluster runs it at full capacity".into(),
            "stateless: nothing to lose".into(),
            "full capacity in DR".into(),
            nothing,
        ),
        (Kind::K8sMonitoring, _) => (
            "0: the DR cluster runs its own stack".into(),
            "metrics of the primary region are not copied".into(),
            "an independent Prometheus and Grafana per region".into(),
            nothing,
        ),
        _ => (
            "0: the DR region has its own".into(),
            "n/a".into(),
            "an independent copy per region".into(),
            nothing,
        ),
    };
    Objective {
        asset: a.name.clone(),
        kind: a.kind.as_str().into(),
        strategy: a.dr.as_str().into(),
        rto,
        rpo,
        basis,
        needs,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detection_follows_the_generated_settings() {
        assert_eq!(dns_failover_seconds(), 90);
        assert_eq!(target_detection_seconds(), 45);
    }

    /// The constants are the values the modules are rendered with.
    #[test]
    fn constants_match_the_module_templates() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/modules");
        let r53 = std::fs::read_to_string(root.join("route53_record/main.tf")).unwrap();
        assert!(r53.contains(&format!("failure_threshold = {}", ROUTE53_HEALTH_CHECK.1)));
        assert!(r53.contains(&format!("request_interval  = {}", ROUTE53_HEALTH_CHECK.0)));
        let alb = std::fs::read_to_string(root.join("alb/main.tf")).unwrap();
        assert!(alb.contains(&format!("unhealthy_threshold = {}", TARGET_HEALTH_CHECK.1)));
        assert!(alb.contains(&format!("interval            = {}", TARGET_HEALTH_CHECK.0)));
    }
}
