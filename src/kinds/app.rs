//! `app`: an application on an EKS cluster (seeds 003/004: the
//! microservices, FastAPI) from the local `k8s-app` chart: `qty` replicas
//! spread over the zones, a disruption budget, a CPU autoscaler up to
//! `max`, a NetworkPolicy admitting only its port. Traffic reaches it
//! through the cluster's Traefik (an Ingress on `path`), or, when it is the
//! cluster's only app behind a load balancer, on the load balancer's
//! NodePort itself. Its namespace is default-deny (seed 002: network
//! policies by pod selector and namespace): the app may reach the cluster
//! DNS, the VPC (RDS and Aurora databases, VPC endpoints) and the
//! namespaces of the in-cluster PostgreSQL clusters on its cluster, and
//! not the internet.

use super::workloads::{self, Ingress};
use super::{Quantity, SizeClass, Spec};
use crate::inventory::{Asset, DrStrategy, Kind};
use crate::plan::{Expr, Planner, VarRole};
use crate::validate::{Check, ValidAsset};

/// Port the application listens on when the inventory names none.
pub const DEFAULT_PORT: u16 = 8000;
/// Health path when the inventory names none.
pub const DEFAULT_HEALTH_PATH: &str = "/healthz";

/// The container runs as non-root, so it cannot bind a privileged port
/// (the k8s_app module refuses one at plan time).
const PORT: crate::limits::Bound = crate::limits::Bound {
    min: 1024,
    max: 65535,
    why: "the container runs as non-root and cannot bind a privileged port (e.g. 8080 instead of 80)",
};

/// The app kind.
pub const SPEC: Spec = Spec {
    name: "app",
    summary: "application on an EKS cluster: `image` (`<ecr asset>[:<tag>]` or a full reference) on `port`, `qty` replicas over the zones up to `max`, behind Traefik on `path` or alone on the load balancer's NodePort",
    dr: &[DrStrategy::Active, DrStrategy::PilotLight, DrStrategy::None],
    dr_hints: &[],
    targets: &[Kind::Eks],
    fields: &["target", "image", "port", "health_check_path", "max", "path"],
    size: SizeClass::None,
    bounds: &[("qty", crate::limits::QTY), ("port", PORT)],
    draft: super::Draft::PLAIN,
    category: super::Category::Other,
    aws_names: &[],
    needs_vpc: false,
    two_azs: false,
    needs_kms: false,
    singleton: false,
    modules: &["k8s_app"],
    import_keywords: &[],
    default_qty: 2,
    quantity: Quantity::Pods,
    db_clients: super::DbClients::No,
    node_port: super::NodePort::App,
    service_linked_roles: &[],
    quota: super::QuotaUse::None,
    alarms: &[],
};

/// Where the image comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Image {
    /// A repository of the inventory (pulled from each region's copy).
    Repository {
        /// The ecr asset.
        ecr: String,
        /// Image tag.
        tag: String,
    },
    /// A full reference, `registry/name:tag`.
    Reference {
        /// Everything before the tag.
        repository: String,
        /// Image tag.
        tag: String,
    },
}

/// An app's fields, defaulted.
#[derive(Debug, Clone)]
pub struct Options {
    /// Its image.
    pub image: Option<Image>,
    /// Port it listens on.
    pub port: u16,
    /// Path of its health endpoint.
    pub health_check_path: String,
    /// Most replicas the autoscaler may run.
    pub max: u32,
    /// Path prefix Traefik routes to it.
    pub path: String,
}

/// The image names an ecr asset (with its tag) or a full reference; paths
/// start with `/`; apps of one Traefik have distinct paths.
pub fn check(c: &mut Check<'_>, a: &Asset) -> Options {
    let image = match a.image.as_deref() {
        None => {
            c.error_here(
                format!("app `{}` has no image", a.name),
                "add `image: <ecr asset>` (its image_tag), `image: <ecr asset>:<tag>` or a full reference such as `public.ecr.aws/org/name:1.2.3`",
            );
            None
        }
        Some(image) => check_image(c, a, image),
    };
    if a.name.len() < 2 {
        c.error(
            "name",
            format!("app `{}` would name its Helm release `{}`, which the k8s_app module refuses", a.name, a.name),
            "give the app a name of 2 or more characters (a Kubernetes name of 2 to 53)",
        );
    }
    let path = a.path.clone().unwrap_or_else(|| "/".into());
    let health = a.health_check_path.clone().unwrap_or_else(|| DEFAULT_HEALTH_PATH.into());
    for (field, value) in [("path", &path), ("health_check_path", &health)] {
        if !value.starts_with('/') {
            c.error(field, format!("`{value}` is not a path"), "start it with `/`, e.g. `/api`");
        }
    }
    let qty = a.qty.unwrap_or(SPEC.default_qty);
    let max = a.max.unwrap_or(qty * 3);
    if max < qty {
        c.error("max", format!("max {max} is below qty {qty}"), "give max ≥ qty (the autoscaler's ceiling)");
    }
    if let Some(cluster) = a.target.as_deref() {
        let same_path = c.inventory().assets.iter().find(|o| {
            o.kind == Kind::App
                && o.name != a.name
                && o.target.as_deref() == Some(cluster)
                && o.path.as_deref().unwrap_or("/") == path
        });
        if let Some(other) = same_path {
            c.error(
                "path",
                format!("apps `{}` and `{}` on cluster `{cluster}` are both routed on `{path}`", other.name, a.name),
                "give each app of a cluster its own `path:` prefix (e.g. `/api`)",
            );
        }
    }
    Options {
        image,
        port: a.port.unwrap_or(DEFAULT_PORT),
        health_check_path: health,
        max,
        path,
    }
}

/// An app's `image` as its name and its tag, if it has one
/// (`api:1.2`, `api`, `registry:5000/org/api:1.2`).
pub(crate) fn split_image(image: &str) -> (&str, Option<&str>) {
    match image.rsplit_once(':') {
        Some((n, t)) if !t.contains('/') => (n, Some(t)),
        _ => (image, None),
    }
}

fn check_image(c: &mut Check<'_>, a: &Asset, image: &str) -> Option<Image> {
    let (name, tag) = split_image(image);
    if let Some((_, ecr)) = c.named(name).filter(|(_, x)| x.kind == Kind::Ecr) {
        let Some(tag) = tag.map(str::to_string).or_else(|| ecr.image_tag.clone()) else {
            c.error(
                "image",
                format!("repository `{name}` has no image_tag and `image` names no tag"),
                format!("write `image: {name}:<tag>`, or give the ecr asset an image_tag"),
            );
            return None;
        };
        super::ecr::check_pulled_in_dr(c, a, ecr);
        return Some(Image::Repository { ecr: name.to_string(), tag });
    }
    match tag {
        Some(tag) if name.contains('/') => Some(Image::Reference {
            repository: name.to_string(),
            tag: tag.to_string(),
        }),
        _ => {
            c.error(
                "image",
                format!("`{image}` is neither an ecr asset of the inventory nor a full image reference with a tag"),
                "use `<ecr asset>`, `<ecr asset>:<tag>` or `registry/name:tag`",
            );
            None
        }
    }
}

/// The application on the cluster, exposed through the cluster's ingress.
pub fn plan(p: &mut Planner<'_>, a: &ValidAsset, o: &Options) {
    let (Some(cluster), Some(image)) = (workloads::cluster(p, a), &o.image) else {
        return;
    };
    let id = a.ident();
    let replicas = workloads::replicas(p, a, "application");
    let max = p.var(
        &format!("{id}_max_replicas"),
        &format!("Most replicas the autoscaler runs of application {} in this region.", a.name),
        "number",
        Expr::Num(i64::from(o.max)),
        VarRole::Setting,
    );
    // The inventory's own repository is created empty by the first apply:
    // waiting for the pods would fail it (the image is pushed afterwards,
    // RUNBOOK "First deployment"); they start once it is there.
    let (repository, tag, wait) = match image {
        Image::Repository { ecr, tag } => match p.asset(ecr) {
            Some(e) => (Expr::module(e.ident(), "repository_url"), tag, false),
            None => return,
        },
        Image::Reference { repository, tag } => (Expr::s(repository), tag, true),
    };
    let lbs = workloads::load_balancers(p, cluster);
    let ingress = workloads::ingress_here(p, &cluster.name);
    let mut m = p.call(&id, "k8s_app", a);
    m.providers.push(p.helm_on(cluster));
    m.depends_on.push(cluster.ident());
    m.depends_on.extend(super::workloads::addons_of(p, cluster));
    let name = a.name.replace('_', "-");
    m.arg("name", Expr::s(&name))
        .arg("namespace", Expr::s(&name))
        .arg("image_repository_url", repository)
        .arg("image_tag", Expr::s(tag));
    if !wait {
        m.arg("wait_for_rollout", Expr::Bool(false));
    }
    m.arg("replicas", replicas)
        .arg("max_replicas", max)
        .arg("port", Expr::Num(i64::from(o.port)))
        .arg("health_check_path", Expr::s(&o.health_check_path))
        .arg("egress_cidrs", Expr::List(vec![p.vpc("vpc_cidr_block")]));
    let databases: Vec<Expr> = p
        .targeting(&cluster.name, Kind::PostgresOperator)
        .map(|d| Expr::module(d.ident(), "namespace"))
        .collect();
    if !databases.is_empty() {
        m.arg("egress_namespaces", Expr::List(databases));
    }
    match (ingress, lbs.first()) {
        (Ingress::Traefik(t), _) => {
            let traefik = p.asset(t).map_or(t.to_string(), |x| x.ident());
            m.arg("exposure", Expr::s("traefik"))
                .arg("traefik_namespace", Expr::module(&traefik, "namespace"))
                .arg("ingress_class_name", Expr::module(&traefik, "ingress_class_name"))
                .arg("ingress_path", Expr::s(&o.path));
            m.depends_on.push(traefik);
        }
        (Ingress::App(_), Some((_, port))) => {
            m.arg("exposure", Expr::s("node_port"))
                .arg("node_port", Expr::Num(i64::from(*port)))
                .arg("source_cidrs", Expr::List(vec![p.vpc("vpc_cidr_block")]));
        }
        _ => {
            m.arg("exposure", Expr::s("none"));
        }
    }
    p.push(m, None);
}

/// Recovery objectives: a stateless workload; pilot light raises its
/// replicas once the nodes are up.
pub fn objective(_: &crate::objectives::Context<'_>, a: &Asset) -> crate::objectives::Estimate {
    workloads::objective(a)
}

#[cfg(test)]
mod tests {
    use crate::kinds::testing::{arg, default_of, errors, module, planned};

    #[test]
    fn an_app_from_the_inventorys_own_repository_is_installed_without_waiting_for_its_image() {
        let cluster = "  - {kind: eks, name: k8s, size: m6i.large, version: \"1.35\", dr: active}\n";
        let p = planned(&format!(
            "{cluster}  - {{kind: ecr, name: images, image_tag: \"1.0\", dr: replica}}\n  - {{kind: app, name: api, target: k8s, image: images, dr: active}}\n"
        ));
        for root in p.roots() {
            assert_eq!(arg(module(root, "api").unwrap(), "wait_for_rollout"), "false");
        }
        let p = planned(&format!(
            "{cluster}  - {{kind: app, name: api, target: k8s, image: \"public.ecr.aws/nginx/nginx:1.27\", dr: active}}\n"
        ));
        let api = module(&p.primary, "api").unwrap();
        assert!(api.args.iter().all(|(n, _)| n != "wait_for_rollout"), "waits (the default) for a published image");
    }

    const CLUSTER: &str = "  - {kind: eks, name: k8s, size: m6i.large, qty: 3, version: \"1.35\", dr: pilot-light}\n  - {kind: alb, name: lb, target: k8s, health_check_path: /healthz, dr: pilot-light}\n  - {kind: ecr, name: images, image_tag: \"1.4.2\", dr: replica}\n";

    #[test]
    fn the_only_app_behind_a_load_balancer_serves_its_node_port() {
        let p = planned(&format!("{CLUSTER}  - {{kind: app, name: web, target: k8s, image: images, qty: 3, dr: pilot-light}}\n"));
        let web = module(&p.dr, "web").unwrap();
        assert_eq!(arg(web, "exposure"), "\"node_port\"");
        assert_eq!(arg(web, "node_port"), "30080");
        assert_eq!(arg(web, "image_repository_url"), "module.images.repository_url");
        assert_eq!(arg(web, "image_tag"), "\"1.4.2\"");
        assert_eq!(default_of(&p.primary, "web_replicas").as_deref(), Some("3"));
        assert_eq!(default_of(&p.dr, "web_replicas").as_deref(), Some("1"));
        assert_eq!(default_of(&p.primary, "web_max_replicas").as_deref(), Some("9"));
    }

    #[test]
    fn behind_traefik_apps_get_an_ingress_on_their_path() {
        let p = planned(&format!(
            "{CLUSTER}  - {{kind: traefik, name: edge, target: k8s, dr: pilot-light}}\n  - {{kind: app, name: api, target: k8s, image: \"images:2.0.0\", path: /api, dr: pilot-light}}\n  - {{kind: app, name: web, target: k8s, image: \"public.ecr.aws/nginx/nginx:1.29\", dr: pilot-light}}\n"
        ));
        let api = module(&p.primary, "api").unwrap();
        assert_eq!(arg(api, "exposure"), "\"traefik\"");
        assert_eq!(arg(api, "ingress_path"), "\"/api\"");
        assert_eq!(arg(api, "ingress_class_name"), "module.edge.ingress_class_name");
        assert_eq!(arg(api, "image_tag"), "\"2.0.0\"");
        let web = module(&p.primary, "web").unwrap();
        assert_eq!(arg(web, "image_repository_url"), "\"public.ecr.aws/nginx/nginx\"");
        assert!(web.depends_on.contains(&"edge".to_string()));
    }

    #[test]
    fn workloads_wait_for_the_add_ons_of_their_cluster() {
        let p = planned(&format!(
            "{CLUSTER}  - {{kind: cluster_addons, name: addons, target: k8s, dr: pilot-light}}\n  - {{kind: traefik, name: edge, target: k8s, dr: pilot-light}}\n  - {{kind: app, name: api, target: k8s, image: images, dr: pilot-light}}\n"
        ));
        for root in [&p.primary, &p.dr] {
            for workload in ["api", "edge"] {
                let m = module(root, workload).unwrap();
                assert!(m.depends_on.contains(&"addons".to_string()), "{workload}: {:?}", m.depends_on);
            }
        }
        let p = planned(&format!("{CLUSTER}  - {{kind: app, name: web, target: k8s, image: images, dr: pilot-light}}\n"));
        assert_eq!(module(&p.primary, "web").unwrap().depends_on, vec!["k8s".to_string()]);
    }

    #[test]
    fn apps_reach_the_vpc_and_the_in_cluster_databases_of_their_cluster_only() {
        let p = planned(&format!("{CLUSTER}  - {{kind: app, name: web, target: k8s, image: images, dr: pilot-light}}\n"));
        for root in [&p.primary, &p.dr] {
            let web = module(root, "web").unwrap();
            assert_eq!(arg(web, "egress_cidrs"), "[module.vpc.vpc_cidr_block]");
            assert!(web.argument("egress_namespaces").is_none());
            assert!(web.argument("egress_to_internet").is_none(), "the internet stays closed");
        }
        let p = planned(&format!(
            "{CLUSTER}  - {{kind: s3, name: pg-backups, dr: replica}}\n  - {{kind: postgres_operator, name: pg, target: k8s, backup_bucket: pg-backups, dr: replica}}\n  - {{kind: app, name: web, target: k8s, image: images, dr: pilot-light}}\n"
        ));
        for root in [&p.primary, &p.dr] {
            let web = module(root, "web").unwrap();
            assert_eq!(arg(web, "egress_namespaces"), "[module.pg.namespace]");
        }
    }

    #[test]
    fn images_and_paths_are_checked() {
        let e = errors(&format!(
            "{CLUSTER}  - {{kind: app, name: a, target: k8s, image: nginx, dr: pilot-light}}\n  - {{kind: app, name: b, target: k8s, image: images, dr: pilot-light}}\n"
        ));
        assert!(e.iter().any(|e| e.contains("`nginx` is neither an ecr asset")), "{e:?}");
        assert!(e.iter().any(|e| e.contains("are both routed on `/`")), "{e:?}");
    }
}
