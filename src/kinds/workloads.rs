//! What the kinds that run on an EKS cluster share (cluster_addons,
//! traefik, app, postgres_operator, k8s_monitoring): the cluster they run
//! on, their replicas per root, and what serves the NodePort of the load
//! balancers in front of a cluster.

use super::NodePort;
use crate::inventory::{Asset, DrStrategy, Kind};
use crate::plan::{Expr, Planner, VarRole};
use crate::validate::ValidAsset;

/// What serves the NodePort of the load balancers in front of a cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Ingress<'a> {
    /// A traefik asset: it routes to the cluster's apps by Ingress.
    Traefik(&'a str),
    /// The cluster's only app, exposed on the NodePort itself.
    App(&'a str),
    /// Nothing: the load balancer's health checks would never pass.
    Nothing,
    /// Several apps and no router to choose between them.
    SeveralApps(Vec<&'a str>),
}

/// What serves the load balancers' NodePort on `cluster`, among `assets`
/// (name, kind, target).
pub(crate) fn ingress<'a>(
    assets: impl Iterator<Item = (&'a str, Kind, Option<&'a str>)>,
    cluster: &str,
) -> Ingress<'a> {
    let mut apps = Vec::new();
    for (name, kind, target) in assets {
        if target != Some(cluster) {
            continue;
        }
        match kind.spec().node_port {
            NodePort::Router => return Ingress::Traefik(name),
            NodePort::App => apps.push(name),
            NodePort::Nothing => {}
        }
    }
    match apps.len() {
        0 => Ingress::Nothing,
        1 => Ingress::App(apps[0]),
        _ => Ingress::SeveralApps(apps),
    }
}

/// [`ingress`] over an inventory's assets.
pub(crate) fn ingress_in<'a>(assets: &'a [Asset], cluster: &str) -> Ingress<'a> {
    ingress(
        assets.iter().map(|a| (a.name.as_str(), a.kind, a.target.as_deref())),
        cluster,
    )
}

/// [`ingress`] over the assets of the root being planned.
pub(crate) fn ingress_here<'a>(p: &Planner<'a>, cluster: &str) -> Ingress<'a> {
    ingress(
        p.assets().map(|a| (a.name.as_str(), a.kind, a.target.as_deref())),
        cluster,
    )
}

/// The cluster `a` runs on (its target), when it is deployed in this root.
pub(crate) fn cluster<'a>(p: &Planner<'a>, a: &ValidAsset) -> Option<&'a ValidAsset> {
    let cluster = p.asset(a.target.as_deref()?)?;
    p.is_here(&cluster.name).then_some(cluster)
}

/// The labels of the `cluster_addons` calls on `cluster` in this root: the
/// workloads on the cluster wait for them, because the AWS Load Balancer
/// Controller's admission webhooks intercept every Service and Pod the
/// moment the chart registers them, and fail those requests until the
/// controller answers (the add-on releases wait for their pods).
pub(crate) fn addons_of(p: &Planner<'_>, cluster: &ValidAsset) -> Vec<String> {
    p.targeting(&cluster.name, Kind::ClusterAddons)
        .map(|a| a.ident())
        .collect()
}

/// The load balancers of this root in front of `cluster`, with the
/// NodePort each reaches the nodes on.
pub(crate) fn load_balancers<'a>(p: &Planner<'a>, cluster: &ValidAsset) -> Vec<(&'a ValidAsset, u16)> {
    p.targeting(&cluster.name, Kind::Alb)
        .filter_map(|l| match &l.options {
            super::Options::Alb(o) => Some((l, o.node_port)),
            _ => None,
        })
        .collect()
}

/// `var.<id>_replicas`: the pods of workload `a` in this root (its qty in
/// the primary, what its DR strategy gives in DR), a capacity failover raises.
pub(crate) fn replicas(p: &mut Planner<'_>, a: &ValidAsset, what: &str) -> Expr {
    let here = p.count_here(a);
    p.var(
        &format!("{}_replicas", a.ident()),
        &format!("Replicas of {what} {} in this region.", a.name),
        "number",
        Expr::Num(i64::from(here)),
        VarRole::Capacity,
    )
}

/// The recovery objectives of a stateless workload on a cluster
/// (cluster_addons, traefik, app): pilot light raises its replicas once the
/// nodes are up.
pub(crate) fn objective(a: &Asset) -> crate::objectives::Estimate {
    use crate::objectives::Estimate;
    match a.dr {
        DrStrategy::None => Estimate::not_in_dr(),
        DrStrategy::PilotLight => Estimate::new(
            "≈ 2-5 min once the nodes are up: raise its replicas to the primary's (a targeted apply of its Helm release)",
            "stateless: nothing to lose",
            "pilot light: fewer replicas in DR until failover",
            crate::objectives::KUBERNETES_API,
        ),
        _ => Estimate::new(
            "0: the DR cluster runs it at full capacity",
            "stateless: nothing to lose",
            "full capacity in DR",
            crate::objectives::NOTHING,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traefik_wins_one_app_serves_itself_several_need_a_router() {
        let t = [("web", Kind::App, Some("k8s")), ("edge", Kind::Traefik, Some("k8s"))];
        assert_eq!(ingress(t.iter().copied(), "k8s"), Ingress::Traefik("edge"));
        let one = [("web", Kind::App, Some("k8s")), ("other", Kind::App, Some("k9s"))];
        assert_eq!(ingress(one.iter().copied(), "k8s"), Ingress::App("web"));
        let two = [("a", Kind::App, Some("k8s")), ("b", Kind::App, Some("k8s"))];
        assert_eq!(
            ingress(two.iter().copied(), "k8s"),
            Ingress::SeveralApps(vec!["a", "b"])
        );
        assert_eq!(ingress(std::iter::empty(), "k8s"), Ingress::Nothing);
    }
}
