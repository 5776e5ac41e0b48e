//! The first deployment, and how each hosted zone is delegated.

use super::*;

/// Public suffixes of two labels under which a name of three labels is
/// itself a registered domain (`example.co.uk`): the common ones, enough to
/// word the delegation of a zone right.
pub(super) const SECOND_LEVEL_SUFFIXES: [&str; 8] = ["co", "com", "net", "org", "gov", "edu", "ac", "ne"];

/// The parent zone `zone` is delegated from, or None when `zone` is a
/// registered domain (its name servers are set at the registrar).
pub(super) fn parent_zone(zone: &str) -> Option<String> {
    let labels: Vec<&str> = zone.trim_end_matches('.').split('.').collect();
    let registered =
        labels.len() <= 2 || (labels.len() == 3 && labels[2].len() == 2 && SECOND_LEVEL_SUFFIXES.contains(&labels[1]));
    (!registered).then(|| labels[1..].join("."))
}

/// Stops, saying what to apply first, where the account has no GitHub OIDC
/// provider (an account has one per URL; the bootstrap of an inventory with
/// `ci.oidc_provider: existing` reads it, and its plan fails without it).
pub(super) const OIDC_PROVIDER_CHECK: &str = "aws iam list-open-id-connect-providers --query \"OpenIDConnectProviderList[?ends_with(Arn, '/token.actions.githubusercontent.com')].Arn\" --output text | grep -q . || { echo 'error: the account has no GitHub OIDC provider, which this bootstrap reads (ci.oidc_provider: existing): apply first the bootstrap of the inventory that creates it' >&2; false; }";

/// Whether the bootstrap of `inv` reads the account's GitHub OIDC provider
/// instead of creating it.
fn reads_oidc_provider(inv: &Inventory) -> bool {
    inv.ci
        .as_ref()
        .is_some_and(|ci| ci.oidc_provider == crate::inventory::ci::OidcProvider::Existing)
}

pub(super) fn bootstrap(c: &Ctx<'_>) -> Vec<Step> {
    let plan = c.plan;
    let mut created = vec!["the state buckets of both roots".to_string()];
    if plan.bootstrap.autoscaling_slr {
        created.push("the EC2 Auto Scaling service-linked role".into());
    }
    if !plan.bootstrap.zones.is_empty() {
        created.push("the public hosted zones".into());
    }
    if !plan.bootstrap.validations.is_empty() {
        created.push("the certificates' DNS validation records".into());
    }
    let mut verify = vec![format!(
        "`{}` and `{}` exist, versioned and KMS-encrypted; keep `{}/bootstrap/terraform.tfstate` safe (applied again without it, the root adopts what its fact store records instead of creating second copies).",
        plan.primary.state_bucket("$ACCOUNT_ID"),
        plan.dr.state_bucket("$ACCOUNT_ID"),
        c.dir
    )];
    if plan.bootstrap.autoscaling_slr {
        verify.push(format!(
            "`aws iam get-role --role-name AWSServiceRoleForAutoScaling` succeeds (created, or adopted where the account had it). It is deletion-protected: to tear this root down and leave the role to the account, first `{}`.",
            c.tf("bootstrap", "state rm module.service_linked_roles")
        ));
    }
    let mut commands = vec![c.account()];
    if reads_oidc_provider(c.inv) {
        commands.push(OIDC_PROVIDER_CHECK.to_string());
        verify.push("This inventory uses the account's GitHub OIDC provider (`ci.oidc_provider: existing`) instead of creating it: the check above stops before the bootstrap where the account has none yet (its plan would fail reading it). Apply first the bootstrap of the inventory that creates it (`oidc_provider: create`), or make this one create it where no other does.".into());
    }
    commands.extend([c.tf("bootstrap", "init"), c.tf("bootstrap", "apply")]);
    let mut steps = vec![Step::new(
        format!("Create {} (once per inventory and account)", created.join(", ")),
        commands,
        verify,
    )];
    for z in &plan.bootstrap.zones {
        let output = c.tf("bootstrap", &format!("output {}_name_servers", z.label));
        let dig = format!("`dig +short NS {}` lists those name servers; certificates of the roots validate through this zone, so apply them only after delegation.", z.name);
        steps.push(match parent_zone(&z.name) {
            Some(parent) => Step::new(
                format!("Delegate `{}` to its new hosted zone: NS records in the parent zone `{parent}`", z.name),
                vec![
                    output,
                    format!("aws route53 list-hosted-zones-by-name --dns-name {parent} --max-items 1 --query 'HostedZones[0].[Name,Id]' --output text   # if {parent} is hosted in Route 53"),
                ],
                vec![
                    format!("The parent zone `{parent}` has an NS record set `{}` listing exactly those name servers (a subdomain is delegated by its parent zone, wherever that zone is hosted; only a registered domain's name servers are set at the registrar).", z.name),
                    dig,
                ],
            ),
            None => Step::new(
                format!("Delegate `{}` to its new hosted zone: name servers at the domain's registrar", z.name),
                vec![output],
                vec![
                    format!("The registrar of `{}` lists exactly those name servers (a registered domain is delegated by its registrar).", z.name),
                    dig,
                ],
            ),
        });
    }
    for (root, name) in [(&plan.primary, "primary"), (&plan.dr, "dr")] {
        let required: Vec<&str> = root
            .variables
            .iter()
            .filter(|v| v.example.is_some())
            .map(|v| v.name.as_str())
            .collect();
        if !required.is_empty() {
            steps.push(Step::new(
                format!(
                    "Give the {name} root the values only you know ({})",
                    required.join(", ")
                ),
                vec![format!(
                    "cp {0}/{name}/terraform.tfvars.example {0}/{name}/terraform.tfvars   # then edit it",
                    c.dir
                )],
                vec![
                    "`terraform.tfvars` sets every variable without a default; acmegen keeps it across renders.".into(),
                ],
            ));
        }
    }
    let store = fact_store_path(&c.inv.name);
    let mut dr_verify = vec![if plan.dr.facts_published.is_empty() {
        "The DR network, keys, buckets and registries exist.".to_string()
    } else {
        format!("The DR network, keys, buckets and registries exist and the DR root has published its facts (SSM parameters under `{store}/dr/`), so the primary can replicate and peer into them.")
    }];
    if !plan.dr.facts_read.is_empty() {
        dr_verify.push("Copies of primary resources that need the primary's facts (read replicas, secondary clusters, peering) are not there yet: the DR root's second apply, after the primary's, adds them.".into());
    }
    let standbys = standbys(c);
    if !standbys.is_empty() {
        dr_verify.push(format!(
            "The PostgreSQL standbys ({}) start now and restart until the primary's first base backup has replicated into their bucket, after the primary's apply: expected, not a failure to act on.",
            standbys.iter().map(|a| format!("`{}`", a.name)).collect::<Vec<_>>().join(", ")
        ));
    }
    steps.push(Step::new(
        format!("Apply the DR root first ({})", c.dr),
        vec![c.account(), init(c, &plan.dr), c.tf("dr", "apply")],
        dr_verify,
    ));
    let mut primary_verify =
        "Every primary output is set; replication rules point at the DR buckets and registry".to_string();
    if !plan.primary.facts_published.is_empty() {
        primary_verify.push_str(&format!(
            "; the primary's facts are published under `{store}/primary/` in {}",
            c.dr
        ));
    }
    primary_verify.push('.');
    steps.push(Step::new(
        format!("Apply the primary root ({})", c.primary),
        vec![c.account(), init(c, &plan.primary), c.tf("primary", "apply")],
        vec![primary_verify],
    ));
    if let Some(step) = push_images(c) {
        steps.push(step);
    }
    steps.push(Step::new(
        "Apply the DR root again: replicas and cross-region links join what the primary published",
        vec![c.tf("dr", "apply")],
        vec!["Replication runs: read replicas and secondary clusters are `available` in the DR region, buckets show replicated objects; no value was copied by hand.".into()],
    ));
    steps
}

/// The images of the inventory's own repositories that applications and
/// servers run, as (ecr asset, tag), each once in inventory order: an app's
/// `image: <ecr asset>[:<tag>]` (the repository's image_tag by default), a
/// vm's `image: <ecr asset>:<tag>`.
fn images_to_push<'a>(c: &Ctx<'a>) -> Vec<(&'a Asset, String)> {
    let mut out: Vec<(&'a Asset, String)> = Vec::new();
    for a in c.inv.assets.iter().filter(|a| matches!(a.kind, Kind::App | Kind::Vm)) {
        let Some(image) = a.image.as_deref() else { continue };
        let (name, tag) = crate::kinds::app::split_image(image);
        let Some(ecr) = c.inv.assets.iter().find(|e| e.kind == Kind::Ecr && e.name == name) else {
            continue;
        };
        let tag = match (a.kind, tag) {
            (_, Some(t)) => t.to_string(),
            (Kind::App, None) => match &ecr.image_tag {
                Some(t) => t.clone(),
                None => continue,
            },
            _ => continue,
        };
        if !out.iter().any(|(e, t)| e.name == ecr.name && *t == tag) {
            out.push((ecr, tag));
        }
    }
    out
}

/// After the primary's apply: push the images the inventory's own
/// repositories are created empty for (the workloads installed without
/// waiting for them start once they are there). A `replica` repository gets
/// each push copied to DR by the replication the primary's apply set up;
/// an `active` one is its own registry in DR, pushed to as well.
fn push_images(c: &Ctx<'_>) -> Option<Step> {
    let images = images_to_push(c);
    if images.is_empty() {
        return None;
    }
    let registry = |region: &str| format!("$ACCOUNT_ID.dkr.ecr.{region}.amazonaws.com");
    let login = |region: &str| {
        format!(
            "aws ecr get-login-password --region {region} | docker login --username AWS --password-stdin {}",
            registry(region)
        )
    };
    let mut commands = vec![c.account(), login(c.primary)];
    let active = images.iter().any(|(e, _)| e.dr == DrStrategy::Active);
    if active {
        commands.push(login(c.dr));
    }
    let mut verify = Vec::new();
    for (ecr, tag) in &images {
        let repo = crate::plan::names::repository(&c.inv.name, &ecr.name);
        let mut regions = vec![c.primary];
        if ecr.dr == DrStrategy::Active {
            regions.push(c.dr);
        }
        for region in &regions {
            let target = format!("{}/{repo}:{tag}", registry(region));
            commands.push(format!(
                "docker tag {}:{tag} {target}   # your local build, tagged {0}:{tag}",
                ecr.name
            ));
            commands.push(format!("docker push {target}"));
        }
        let check = |region: &str| format!("`{}`", describe_image(&repo, tag, region));
        verify.push(match ecr.dr {
            DrStrategy::Replica => format!(
                "{} finds it; {} too once replication copied it (usually within minutes: retry).",
                check(c.primary),
                check(c.dr)
            ),
            DrStrategy::Active => format!("{} and {} find it.", check(c.primary), check(c.dr)),
            _ => format!("{} finds it.", check(c.primary)),
        });
    }
    verify.push(
        "The applications and servers that run these images start once they are there (the apply did not wait for them: the repositories were empty)."
            .into(),
    );
    Some(Step::new(PUSH_IMAGES_TITLE, commands, verify))
}
