//! "Roll the nodes": updating an EKS cluster's worker nodes. Every managed
//! node group follows its cluster's Kubernetes version and the AMI release
//! AWS recommends for it (`templates/modules/eks`), replacing at most
//! `node_max_unavailable` nodes of a group at a time; so an update is an
//! inventory edit (or nothing, for a new AMI release), a render and an apply
//! per region.

use super::failover::NODE_GROUP_SUFFIX;
use super::values::arg_str;
use super::{Ctx, Step};
use crate::inventory::Kind;
use crate::plan::{region_code, Role};

/// The steps that roll every cluster's nodes, primary region first (empty
/// without clusters).
pub(super) fn node_roll(c: &Ctx<'_>) -> Vec<Step> {
    let mut clusters: Vec<_> = c.of(Kind::Eks).collect();
    if clusters.is_empty() {
        return Vec::new();
    }
    clusters.sort_by(|a, b| a.name.cmp(&b.name));
    let names = clusters
        .iter()
        .map(|a| format!("`{}`", a.name))
        .collect::<Vec<_>>()
        .join(", ");
    let mut steps = vec![Step::new(
        format!("Bump `version` of {names} in `{}` by one minor version (a new AMI release for the same version needs no edit), then render", c.file),
        vec![format!("acmegen render {}", c.file), format!("acmegen check {}", c.file)],
        vec!["`git diff generated/` shows only the `kubernetes_version` argument changed (validation warns when a version is within 90 days of the end of EKS standard support).".into()],
    )];
    for role in [Role::Primary, Role::Dr] {
        let dir = if role == Role::Primary { "primary" } else { "dr" };
        let region = c.region(role);
        let mut verify = vec![
            "the plan updates `aws_eks_cluster.this` (version, when bumped) first, then every `aws_eks_node_group` in place (`version`, `release_version`; a cluster autoscaler's group keeps the desired size it runs, read first: no change of `desired_size` unless that size lies outside the group's bounds); no node group is replaced. \"Variables not allowed\" means a size could not be read (the reason is printed above it): nothing was planned.".to_string(),
        ];
        for a in &clusters {
            let Some(cluster) = c.call(a, role, "eks").and_then(|m| arg_str(m, "name", c.root(role))) else {
                continue;
            };
            verify.push(format!(
                "`aws eks describe-nodegroup --cluster-name {cluster} --nodegroup-name {cluster}{NODE_GROUP_SUFFIX} --region {region} --query 'nodegroup.[version,releaseVersion,status]'` shows the new version, the recommended release and ACTIVE (likewise each further node group); `kubectl get nodes` lists every node Ready on it."
            ));
        }
        steps.push(Step::new(
            format!("Roll the nodes in {region}: the control plane upgrades, then each node group replaces one node at a time (`update_config` max unavailable)"),
            vec![with_live_sizes(c, role, "plan -out=roll.tfplan"), c.tf(dir, "apply roll.tfplan")],
            verify,
        ));
    }
    steps
}

/// `terraform <args>` of the `role` root given the live desired sizes of
/// the node groups of its autoscaled clusters (the cluster autoscaler's, as
/// the CI's plans pass them): without them the plan would scale the groups
/// back to their variables. One command line, reads first, so that a step
/// split by root (the drill workflow's jobs) keeps them together and no
/// copy of the terraform call runs without them; POSIX shell. A group EKS
/// does not know is left out; an answer that is no whole number, or any
/// other failure (printed), gives a value Terraform refuses (fail closed).
/// The sizes go to that one command only: the other root's cluster may
/// share the variable's name.
pub(super) fn with_live_sizes(c: &Ctx<'_>, role: Role, args: &str) -> String {
    let dir = if role == Role::Primary { "primary" } else { "dr" };
    let region = c.region(role);
    let mut reads = String::new();
    let mut env = String::new();
    for cluster in crate::runbook::autoscaled_clusters(c.root(role)) {
        let name = &cluster.cluster;
        let label = cluster.var.trim_end_matches("_node_live_desired_sizes");
        let shell = format!(
            "LIVE_{}_{}",
            label.to_ascii_uppercase(),
            region_code(region).to_ascii_uppercase()
        );
        let err = "/tmp/acmegen-describe.err";
        let entry = |value: &str| format!("{shell}=\"${shell}\\\"$GROUP\\\" = {value}, \"");
        reads.push_str(&format!(
            "{shell}=\"\"; for GROUP in {}; do if SIZE=$(aws eks describe-nodegroup --cluster-name {name} --nodegroup-name \"{name}-$GROUP\" --region {region} --query nodegroup.scalingConfig.desiredSize --output text 2> {err}); then case \"$SIZE\" in ''|*[!0-9]*) echo \"{name}-$GROUP: $SIZE\" >&2; {} ;; *) {} ;; esac; else case \"$(cat {err})\" in *ResourceNotFoundException*) ;; *) cat {err} >&2; {} ;; esac; fi; done; ",
            cluster.groups.join(" "),
            entry("unreadable"),
            entry("$SIZE"),
            entry("unreadable"),
        ));
        env.push_str(&format!("TF_VAR_{}=\"{{${shell}}}\" ", cluster.var));
    }
    format!("{reads}{env}{}", c.tf(dir, args))
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    fn runbook(assets: &str) -> super::super::Runbook {
        let text = format!("name: t\nowner: me\nregions: {{primary: us-east-2, dr: us-west-1}}\nassets:\n{assets}");
        let loaded = crate::inventory::parse(&text, Path::new("t.yaml")).expect("parses");
        let valid = crate::validate::validate(&loaded).unwrap_or_else(|d| panic!("{d}"));
        super::super::runbook(
            &loaded.inventory,
            &crate::plan::plan(&valid),
            Path::new("inventory/t.yaml"),
        )
    }

    #[test]
    fn clusters_get_a_render_then_a_roll_per_region() {
        let rb = runbook("  - {kind: eks, name: k8s, size: m6i.large, qty: 2, version: \"1.35\", dr: pilot-light}\n");
        let titles: Vec<&str> = rb.node_roll.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(rb.node_roll.len(), 3, "{titles:?}");
        assert!(
            titles[0].starts_with("Bump `version` of `k8s` in `inventory/t.yaml`"),
            "{titles:?}"
        );
        assert_eq!(
            rb.node_roll[0].commands,
            vec!["acmegen render inventory/t.yaml", "acmegen check inventory/t.yaml"]
        );
        assert!(
            titles[1].starts_with("Roll the nodes in us-east-2")
                && titles[2].starts_with("Roll the nodes in us-west-1"),
            "{titles:?}"
        );
        assert_eq!(
            rb.node_roll[2].commands,
            vec![
                "terraform -chdir=generated/t/dr plan -out=roll.tfplan",
                "terraform -chdir=generated/t/dr apply roll.tfplan"
            ]
        );
        let dr_verify = rb.node_roll[2].verify.join("\n");
        assert!(
            dr_verify.contains("--cluster-name t-k8s-usw1 --nodegroup-name t-k8s-usw1-default --region us-west-1"),
            "{dr_verify}"
        );
    }

    #[test]
    fn no_cluster_no_roll() {
        let rb = runbook("  - {kind: s3, name: files, dr: replica}\n");
        assert!(rb.node_roll.is_empty());
    }

    /// The inventory's own repositories are created empty: the first
    /// deployment pushes each image the apps and servers run, once, after
    /// the primary's apply set up replication.
    #[test]
    fn the_first_deployment_pushes_the_images_of_the_inventorys_repositories() {
        let rb = runbook(
            "  - {kind: ecr, name: images, image_tag: \"1.0\", dr: replica}\n  - {kind: eks, name: k8s, size: m6i.large, version: \"1.35\", dr: active}\n  - {kind: app, name: api, target: k8s, image: images, dr: active}\n  - {kind: app, name: web, target: k8s, image: \"images:1.0\", path: /web, dr: active}\n  - {kind: vm, name: worker, size: t3.micro, image: \"images:2.0\", dr: none}\n",
        );
        let titles: Vec<&str> = rb.bootstrap.iter().map(|s| s.title.as_str()).collect();
        let i = titles
            .iter()
            .position(|t| *t == super::super::PUSH_IMAGES_TITLE)
            .unwrap_or_else(|| panic!("{titles:?}"));
        assert!(titles[i - 1].starts_with("Apply the primary root"), "{titles:?}");
        let pushes: Vec<&String> = rb.bootstrap[i]
            .commands
            .iter()
            .filter(|c| c.starts_with("docker push"))
            .collect();
        assert_eq!(
            pushes,
            [
                "docker push $ACCOUNT_ID.dkr.ecr.us-east-2.amazonaws.com/t/images:1.0",
                "docker push $ACCOUNT_ID.dkr.ecr.us-east-2.amazonaws.com/t/images:2.0"
            ],
            "one push per image, to the primary: replication copies it"
        );
        assert!(
            rb.bootstrap[i].verify[0].contains("--region us-west-1` too once replication copied it"),
            "{:?}",
            rb.bootstrap[i].verify
        );
        // An `active` repository is a registry of its own in DR: pushed there too.
        let rb = runbook(
            "  - {kind: ecr, name: images, image_tag: \"1.0\", dr: active}\n  - {kind: eks, name: k8s, size: m6i.large, version: \"1.35\", dr: active}\n  - {kind: app, name: api, target: k8s, image: images, dr: active}\n",
        );
        let step = rb
            .bootstrap
            .iter()
            .find(|s| s.title.starts_with("Push"))
            .expect("a push step");
        let pushes: Vec<&String> = step.commands.iter().filter(|c| c.starts_with("docker push")).collect();
        assert_eq!(
            pushes,
            [
                "docker push $ACCOUNT_ID.dkr.ecr.us-east-2.amazonaws.com/t/images:1.0",
                "docker push $ACCOUNT_ID.dkr.ecr.us-west-1.amazonaws.com/t/images:1.0"
            ]
        );
        assert!(
            step.commands
                .iter()
                .any(|c| c.starts_with("aws ecr get-login-password --region us-west-1")),
            "{:?}",
            step.commands
        );
        assert!(!runbook("  - {kind: s3, name: files, dr: replica}\n")
            .bootstrap
            .iter()
            .any(|s| s.title.starts_with("Push")));
    }
}
