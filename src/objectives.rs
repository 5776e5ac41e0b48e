//! Recovery objectives per asset, derived from the settings acmegen
//! generates: alarm thresholds, health-check intervals and thresholds,
//! DNS TTLs and what a failover has to do (promote, restore, scale up).
//! The runbook and `acmegen failover --format json` show the same figures.
//!
//! Each kind gives its own figures (`objective` in `src/kinds/<kind>.rs`,
//! dispatched by `Kind::objective`); this module holds what they share: the
//! settings the figures follow from, the phrases for what a recovery needs,
//! how traffic reaches the DR region, and the [`Context`] they look up the
//! assets in front of an asset in.
//!
//! Times are estimates for planning: detection figures follow exactly from
//! the generated settings; durations of AWS operations (a promotion, a
//! restore, nodes joining) are AWS's typical values and are marked "≈".

use crate::fnv::FnvMap as HashMap;
use crate::inventory::{Asset, DrStrategy, Inventory, Kind};
use serde::Serialize;

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
/// Minutes a replication lag stays above its alarm's threshold before the
/// alarm fires: the lag alarms guard the RPO, so they read every minute's
/// datapoint (two in a row, so that one slow minute does not page), where
/// the other alarms read 5-minute periods.
pub const LAG_ALARM_MINUTES: u32 = 2;
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
pub const ROUTE53_DATA_PLANE: &str =
    "Route 53's data plane only (health checks and DNS answers keep working without its control plane in us-east-1)";

/// What an accelerator's dial change needs.
pub const GA_API: &str = "the Global Accelerator API (us-west-2), neither the primary region nor us-east-1";

/// What the recovery of an asset whose DR copy already serves needs.
pub const NOTHING: &str = "nothing: the DR region's copy runs already";

/// What promoting or restoring a database needs.
pub const RDS_API: &str = "the RDS API of the DR region";

/// What a failover of a workload on an EKS cluster needs.
pub const KUBERNETES_API: &str = "the EKS and Kubernetes APIs of the DR region (a targeted apply without refresh)";

/// The recovery figures of one asset, as its kind's `objective` gives them
/// (an [`Objective`] without the asset's name, kind and strategy).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Estimate {
    /// Recovery time objective.
    pub rto: String,
    /// Recovery point objective.
    pub rpo: String,
    /// The generated settings (or AWS behaviour) the figures follow from.
    pub basis: String,
    /// The AWS APIs the recovery calls (see [`Objective::needs`]).
    pub needs: String,
}

impl Estimate {
    /// The four figures.
    pub fn new(
        rto: impl Into<String>,
        rpo: impl Into<String>,
        basis: impl Into<String>,
        needs: impl Into<String>,
    ) -> Self {
        Estimate {
            rto: rto.into(),
            rpo: rpo.into(),
            basis: basis.into(),
            needs: needs.into(),
        }
    }

    /// An asset kept out of DR (`dr: none`).
    pub fn not_in_dr() -> Self {
        Estimate::new(
            "not recoverable in DR",
            "not recoverable in DR",
            "the DR region gets nothing for this asset",
            "n/a",
        )
    }

    /// An asset each region has its own copy of, with nothing to fail over
    /// (a VPC, a key, a log group).
    pub fn own_copy() -> Self {
        Estimate::new(
            "0: the DR region has its own",
            "n/a",
            "an independent copy per region",
            NOTHING,
        )
    }
}

/// How a pilot-light kind scales up in the DR region.
#[derive(Debug, Clone, Copy)]
pub struct ScaleUp {
    /// The change, in the RTO's words.
    pub how: &'static str,
    /// The API that makes it.
    pub api: &'static str,
}

/// EC2 instances (vm, bastion, the addresses attached to them): a targeted
/// apply without refresh.
pub const INSTANCES_SCALE_UP: ScaleUp = ScaleUp {
    how: "a targeted apply, instances boot",
    api: "the EC2 and Elastic Load Balancing APIs of the DR region (a targeted apply without refresh)",
};

/// A pilot-light asset of stateless compute: scale `a` up with `scale`, then
/// move its traffic.
pub fn pilot_light(ctx: &Context<'_>, a: &Asset, scale: ScaleUp) -> Estimate {
    let (switch, why, traffic) = traffic_switch(ctx, a);
    Estimate::new(
        format!(
            "≈ 10-15 min: scale {} → {} ({}), then {switch}",
            a.dr_count(),
            a.qty(),
            scale.how
        ),
        "stateless: nothing to lose",
        format!("pilot light at {} of {}; {why}", a.dr_count(), a.qty()),
        format!("{}; traffic: {traffic}", scale.api),
    )
}

/// Stateless compute (or its load balancer) at full capacity in DR: only
/// its traffic moves.
pub fn full_capacity(ctx: &Context<'_>, a: &Asset) -> Estimate {
    let (switch, why, traffic) = traffic_switch(ctx, a);
    Estimate::new(
        switch,
        "stateless: nothing to lose",
        format!("full capacity in DR; {why}"),
        format!("traffic: {traffic}"),
    )
}

/// How traffic reaches the DR region for `a` (a load balancer or what it
/// fronts): through Route 53 failover, the accelerator's dial, or not at
/// all; and what that needs.
fn traffic_switch(ctx: &Context<'_>, a: &Asset) -> (String, String, &'static str) {
    let albs: Vec<&Asset> = if a.kind == Kind::Alb {
        vec![a]
    } else {
        ctx.fronting(&a.name).filter(|l| l.kind == Kind::Alb).collect()
    };
    for alb in albs {
        if ctx
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
        if ctx
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

/// What a kind's `objective` may look up: the inventory's assets by name
/// and by the asset they target.
pub struct Context<'a> {
    by_name: HashMap<&'a str, &'a Asset>,
    by_target: HashMap<&'a str, Vec<&'a Asset>>,
}

impl<'a> Context<'a> {
    /// The context of the assets of `inv`.
    pub fn new(inv: &'a Inventory) -> Self {
        let mut by_target: HashMap<&str, Vec<&Asset>> = HashMap::default();
        for a in &inv.assets {
            if let Some(t) = a.target.as_deref() {
                by_target.entry(t).or_default().push(a);
            }
        }
        Context {
            by_name: inv.assets.iter().map(|a| (a.name.as_str(), a)).collect(),
            by_target,
        }
    }

    /// The asset named `name`.
    pub fn asset(&self, name: &str) -> Option<&'a Asset> {
        self.by_name.get(name).copied()
    }

    /// The assets whose target is `name`, in inventory order.
    pub fn fronting(&self, name: &str) -> impl Iterator<Item = &'a Asset> + '_ {
        self.by_target.get(name).into_iter().flatten().copied()
    }
}

/// The objectives of `assets` (of `inv`), in the order given.
pub fn objectives(inv: &Inventory, assets: &[&Asset]) -> Vec<Objective> {
    let ctx = Context::new(inv);
    assets.iter().map(|a| objective(&ctx, a)).collect()
}

/// The objectives of `a`: its kind's estimate (`kinds/<kind>.rs`,
/// `objective`), from its strategy and the generated settings.
fn objective(ctx: &Context<'_>, a: &Asset) -> Objective {
    let Estimate { rto, rpo, basis, needs } = a.kind.objective(ctx, a);
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

    /// The inventory holding one asset of `kind` with strategy `dr`, parsed
    /// (not validated: the objectives read only kind, strategy and targets).
    fn one(kind: Kind, dr: DrStrategy) -> Inventory {
        let text = format!(
            "name: t\nowner: me\nregions: {{primary: us-east-2, dr: us-west-1}}\nassets:\n  - {{kind: {kind}, name: a, dr: {}}}\n",
            dr.as_str()
        );
        crate::inventory::parse(&text, std::path::Path::new("t.yaml"))
            .expect("parses")
            .inventory
    }

    /// Every kind that can be kept out of DR answers `dr: none` in its
    /// `objective` (a kind that forgot the arm would promise a recovery the
    /// DR region cannot make).
    #[test]
    fn every_kind_kept_out_of_dr_is_not_recoverable_there() {
        for &k in Kind::ALL.iter().filter(|k| k.allowed_dr().contains(&DrStrategy::None)) {
            let inv = one(k, DrStrategy::None);
            let o = objectives(&inv, &[&inv.assets[0]]).remove(0);
            assert_eq!(
                (o.rto.as_str(), o.rpo.as_str(), o.needs.as_str()),
                ("not recoverable in DR", "not recoverable in DR", "n/a"),
                "{k}"
            );
            assert_eq!((o.kind.as_str(), o.strategy.as_str()), (k.as_str(), "none"));
        }
    }

    /// Every strategy a kind allows besides `none` gets figures of its own.
    #[test]
    fn every_allowed_strategy_has_figures() {
        for &k in Kind::ALL {
            for &dr in k.allowed_dr().iter().filter(|&&d| d != DrStrategy::None) {
                let inv = one(k, dr);
                let e = k.objective(&Context::new(&inv), &inv.assets[0]);
                assert_ne!(e, Estimate::not_in_dr(), "{k} {dr:?}");
                for field in [&e.rto, &e.rpo, &e.basis, &e.needs] {
                    assert!(!field.is_empty(), "{k} {dr:?}: {e:?}");
                }
            }
        }
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
