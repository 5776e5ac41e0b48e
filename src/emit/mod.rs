//! Stage 4: render plans into Terraform files with the tera templates under
//! `templates/`, then lay them out canonically (see [`crate::format`]). The
//! shared modules are plain Terraform under `templates/modules/`, written
//! verbatim; only their `versions.tf` is rendered (one template for roots
//! and modules).

use crate::format::format_hcl;
use crate::plan::modules::{provider_source, MODULES};
use crate::plan::{Plan, RootPlan};
use crate::verify::written::Writings;
use anyhow::{Context, Result};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use tera::Tera;

mod asserts;
mod outage;
mod runbook_md;
pub mod tfjson;
pub mod tftest;
mod view;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/templates.rs"));
}

/// Rendered files keyed by path relative to the output directory.
pub type FileSet = BTreeMap<PathBuf, String>;

/// The loaded templates; build once, render many plans.
pub struct Emitter {
    /// The Terraform templates, parsed when the emitter is built.
    tera: Tera,
    /// The CI templates (`ci/`: the workflows, their macros and the CI
    /// bootstrap), parsed on first use: only inventories with a `ci:` section
    /// and `acmegen ci`/`check` use them, and parsing them costs about as
    /// much as rendering a small inventory.
    ci: std::sync::OnceLock<std::result::Result<Tera, String>>,
}

/// Whether template `name` is parsed on first use (see [`Emitter`]).
fn is_ci_template(name: &str) -> bool {
    name.starts_with("ci/")
}

fn parse_templates(pick: impl Fn(&str) -> bool) -> Result<Tera> {
    let mut tera = Tera::default();
    tera.autoescape_on(vec![]);
    tera.add_raw_templates(embedded::TEMPLATES.iter().copied().filter(|(n, _)| pick(n)))
        .context("parsing templates")?;
    Ok(tera)
}

#[derive(Serialize)]
struct ProviderReq {
    name: &'static str,
    source: &'static str,
    version: &'static str,
}

const ROOT_FILES: [&str; 5] = ["backend", "providers", "main", "variables", "outputs"];

impl Emitter {
    /// Parse the embedded templates (those under `ci/` on first use).
    pub fn new() -> Result<Self> {
        Ok(Emitter {
            tera: parse_templates(|n| !is_ci_template(n))?,
            ci: std::sync::OnceLock::new(),
        })
    }

    /// The templates that hold `name`.
    fn templates_of(&self, name: &str) -> Result<&Tera> {
        if !is_ci_template(name) {
            return Ok(&self.tera);
        }
        self.ci
            .get_or_init(|| parse_templates(is_ci_template).map_err(|e| format!("{e:#}")))
            .as_ref()
            .map_err(|e| anyhow::anyhow!("{e}"))
    }

    /// `versions.tf` requiring `providers`: pinned to a major in roots,
    /// minimum versions in shared modules.
    fn versions(&self, providers: &[&str], root: bool) -> Result<String> {
        let providers: Vec<ProviderReq> = providers
            .iter()
            .map(|p| {
                let (source, pinned, min) = provider_source(p);
                ProviderReq {
                    name: provider_name(p),
                    source,
                    version: if root { pinned } else { min },
                }
            })
            .collect();
        let mut ctx = tera::Context::new();
        ctx.insert("providers", &providers);
        self.render("versions.tf.tera", &ctx)
    }

    fn render(&self, name: &str, ctx: &tera::Context) -> Result<String> {
        let text = self
            .templates_of(name)?
            .render(name, ctx)
            .with_context(|| format!("rendering template {name}"))?;
        Ok(format_hcl(&text))
    }

    /// Template `name` rendered with `ctx`: laid out as HCL when `hcl`,
    /// else as written (YAML workflows).
    pub fn render_template(&self, name: &str, ctx: &tera::Context, hcl: bool) -> Result<String> {
        if hcl {
            return self.render(name, ctx);
        }
        self.templates_of(name)?
            .render(name, ctx)
            .with_context(|| format!("rendering template {name}"))
    }

    /// Files of both roots of `plan`, under `<name>/primary` and `<name>/dr`.
    pub fn roots(&self, plan: &Plan, files: &mut FileSet) -> Result<()> {
        self.roots_written(plan, files, &mut Writings::new())
    }

    /// [`Emitter::roots`], also saying which blocks it wrote from the
    /// typed plan (for verification by structure, see [`crate::verify::written`]).
    pub fn roots_written(&self, plan: &Plan, files: &mut FileSet, writings: &mut Writings) -> Result<()> {
        // The two roots are independent: render them on two threads.
        let rendered: Vec<Result<(FileSet, RootMocks, Writings)>> = std::thread::scope(|scope| {
            let handles: Vec<_> = plan
                .roots()
                .into_iter()
                .map(|root| scope.spawn(move || self.root(&plan.name, root)))
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("render thread panicked"))
                .collect()
        });
        let mut mocks = Vec::new();
        for r in rendered {
            let (r, m, w) = r?;
            mocks.push(m);
            files.extend(r);
            writings.extend(w);
        }
        let (path, text) = outage_file(plan, &mocks[0], &mocks[1]);
        files.insert(path, text);
        Ok(())
    }

    /// One root of `plan` (of `plan.roots()`) emitted alone, for a caller
    /// that writes and drops each root's files before the next (`render`
    /// of a large inventory): its files, which blocks it wrote, and the
    /// mocks [`outage_file`] needs. [`Emitter::roots_written`] is both
    /// roots at once, with the outage test.
    pub fn root_alone(&self, plan: &Plan, root: &RootPlan) -> Result<(FileSet, Writings, RootMocks)> {
        let (files, mocks, writings) = self.root(&plan.name, root)?;
        Ok((files, writings, mocks))
    }

    /// The files of `root` and the mocks its tests use.
    fn root(&self, name: &str, root: &RootPlan) -> Result<(FileSet, RootMocks, Writings)> {
        let dir = PathBuf::from(name).join(root.role.as_str());
        let mut ctx = tera::Context::new();
        ctx.insert("root", &view::RootView::new(root));
        let mut files = FileSet::new();
        let mut writings = Writings::new();
        let versions = self.versions(&root.providers(), true)?;
        // Resource and data block types of the root's own files: only the
        // templates write any (the repeated blocks are module calls,
        // variables and outputs).
        let mut used = tftest::block_types(&versions);
        files.insert(dir.join("versions.tf"), versions);
        for f in ROOT_FILES {
            let mut text = self.render(&format!("root/{f}.tf.tera"), &ctx)?;
            used.extend(tftest::block_types(&text));
            let mut written = Vec::new();
            // The repeated blocks, written block by block (see `view`).
            match f {
                "main" => {
                    view::module_blocks(root, &mut text, &mut written);
                    let tail = self.render("root/main_tail.tf.tera", &ctx)?;
                    used.extend(tftest::block_types(&tail));
                    if !tail.is_empty() {
                        text.push('\n');
                        text.push_str(&tail);
                    }
                }
                "variables" => view::variable_blocks(root, &mut text, &mut written),
                "outputs" => view::output_blocks(root, &mut text, &mut written),
                _ => {}
            }
            let path = dir.join(format!("{f}.tf"));
            if !written.is_empty() {
                written.shrink_to_fit();
                writings.insert(path.clone(), written);
            }
            // Grown by doubling: held until the files are written, at its size.
            text.shrink_to_fit();
            files.insert(path, text);
        }
        let mocks = root_mocks(root, used);
        let examples: Vec<(&str, &str)> = mocks.examples.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
        let facts: Vec<(String, String)> = root
            .facts_read
            .iter()
            .map(|f| (f.clone(), tftest::fact_example(f, &root.peer_region)))
            .collect();
        let overrides = if facts.is_empty() {
            String::new()
        } else {
            tftest::facts_override(&crate::plan::fact_store_path(name), &facts)
        };
        let asserts = asserts::root_asserts(root, &facts);
        let live = asserts::live_size_runs(root, &overrides);
        files.insert(
            dir.join("tests/apply.tftest.hcl"),
            apply_test(&mocks.providers, &mocks.used, &examples, &overrides, &asserts, &live),
        );
        if !examples.is_empty() {
            files.insert(dir.join("terraform.tfvars.example"), tfvars_example(&examples));
        }
        Ok((files, mocks, writings))
    }

    /// `<name>/bootstrap/`: a root with local state that creates the state
    /// buckets (and their keys) the primary and DR roots' backends name.
    pub fn bootstrap(&self, plan: &Plan, files: &mut FileSet) -> Result<()> {
        #[derive(Serialize)]
        struct Region<'a> {
            role: &'static str,
            region: &'a str,
            code: String,
            bucket_prefix: &'a str,
        }
        let regions: Vec<Region<'_>> = plan
            .roots()
            .into_iter()
            .map(|r| Region {
                role: r.role.as_str(),
                region: &r.region,
                code: crate::plan::region_code(&r.region),
                bucket_prefix: &r.state_bucket_prefix,
            })
            .collect();
        let tags: Vec<(String, String)> = plan
            .primary
            .tags
            .iter()
            .filter(|(k, _)| k != "DrRole")
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .chain(std::iter::once(("Purpose", "terraform-state")))
            .map(|(k, v)| (crate::plan::expr::key(k), crate::plan::expr::quote(v)))
            .collect();
        let mut ctx = tera::Context::new();
        ctx.insert(
            "b",
            &serde_json::json!({
                "inventory": plan.name,
                "regions": regions,
                "tags": tags,
                "autoscaling_slr": plan.bootstrap.autoscaling_slr,
                "zones": plan.bootstrap.zones,
                "validations": plan.bootstrap.validations,
                "store_path": crate::plan::fact_store_path(&plan.name),
                "dr_region": plan.dr.region,
                "saved_plans": crate::ci::SAVED_PLANS,
            }),
        );
        let dir = PathBuf::from(&plan.name).join("bootstrap");
        let mut used = BTreeSet::new();
        let versions = self.versions(&["aws"], true)?;
        used.extend(tftest::block_types(&versions));
        files.insert(dir.join("versions.tf"), versions);
        for f in ["providers", "main", "variables", "outputs"] {
            let text = self.render(&format!("root/bootstrap/{f}.tf.tera"), &ctx)?;
            used.extend(tftest::block_types(&text));
            files.insert(dir.join(format!("{f}.tf")), text);
        }
        for m in [
            "kms",
            "s3",
            "route53_zone",
            "facts",
            "service_linked_role",
            "acm_dns_validation",
        ] {
            used.extend(tftest::block_types(module_main(m)));
        }
        let providers: Vec<tftest::MockProvider> = plan
            .roots()
            .into_iter()
            .map(|r| tftest::MockProvider {
                name: "aws".into(),
                alias: Some(r.role.as_str().into()),
                region: Some(r.region.clone()),
            })
            .collect();
        let state: Vec<(String, String, String)> = plan
            .roots()
            .into_iter()
            .map(|r| {
                (
                    format!("kms_{}", r.role.as_str()),
                    format!("state_{}", r.role.as_str()),
                    r.region.clone(),
                )
            })
            .collect();
        let mut checks = asserts::bootstrap_asserts(&state);
        let mut test = String::new();
        if plan.bootstrap.autoscaling_slr {
            checks.push_str(SLR_PROTECTED);
            test = apply_test(&providers, &used, &[], "", &checks, "");
            test.push_str(SLR_LIFT_RUN);
            test = format_hcl(&test);
        } else {
            test.push_str(&apply_test(&providers, &used, &[], "", &checks, ""));
        }
        files.insert(dir.join("tests/apply.tftest.hcl"), test);
        Ok(())
    }

    /// `<name>/RUNBOOK.md`: the DR runbook (Markdown, see [`runbook_md`]).
    pub fn runbook(&self, rb: &crate::runbook::Runbook, files: &mut FileSet) -> Result<()> {
        files.insert(PathBuf::from(&rb.name).join("RUNBOOK.md"), runbook_md::runbook(rb));
        Ok(())
    }

    /// Files of every shared module, under `modules/<name>/`, and of the
    /// local Helm charts they install, under `charts/<chart>/`.
    pub fn modules(&self, files: &mut FileSet) -> Result<()> {
        for (rel, text) in embedded::MODULES {
            files.insert(PathBuf::from("modules").join(rel), (*text).to_string());
        }
        for spec in MODULES {
            let providers: Vec<&str> = std::iter::once("aws")
                .chain(spec.extra_providers.iter().copied())
                .collect();
            let dir = PathBuf::from("modules").join(spec.name);
            files.insert(dir.join("versions.tf"), self.versions(&providers, false)?);
        }
        charts(files);
        Ok(())
    }
}

/// The local Helm charts, verbatim under `charts/<chart>/` (modules refer
/// to them as `${path.module}/../../charts/<chart>`).
fn charts(files: &mut FileSet) {
    for (rel, text) in embedded::CHARTS {
        files.insert(PathBuf::from("charts").join(rel), (*text).to_string());
    }
}

fn provider_name(p: &str) -> &'static str {
    match p {
        "helm" => "helm",
        "random" => "random",
        _ => "aws",
    }
}

/// The `main.tf` of shared module `name` ("" when there is none).
pub fn module_template(name: &str) -> &'static str {
    module_main(name)
}

/// Every embedded template and shared module file, by path relative to
/// `templates/` (`modules/<m>/main.tf`, `root/...tf.tera`, `ci/...`).
pub fn templates() -> Vec<(String, &'static str)> {
    embedded::TEMPLATES
        .iter()
        .map(|(p, t)| ((*p).to_string(), *t))
        .chain(embedded::MODULES.iter().map(|(p, t)| (format!("modules/{p}"), *t)))
        .collect()
}

/// The `main.tf` of shared module `name` and of every shared module it
/// calls, directly or through its children (`source = "../<child>"`), each
/// once: the module's own first.
pub fn module_mains(name: &str) -> Vec<&'static str> {
    let mut names = vec![name.to_string()];
    let mut i = 0;
    while i < names.len() {
        for child in child_modules(module_main(&names[i])) {
            if !names.iter().any(|n| n == child) {
                names.push(child.to_string());
            }
        }
        i += 1;
    }
    names.iter().map(|n| module_main(n)).collect()
}

/// Shared modules a module's `main.tf` calls (`source = "../<child>"`).
fn child_modules(main: &str) -> impl Iterator<Item = &str> {
    main.lines().filter_map(|l| {
        let value = l.trim_start().strip_prefix("source")?.trim_start().strip_prefix('=')?;
        let child = value.trim().strip_prefix("\"../")?.strip_suffix('"')?;
        (!child.contains('/')).then_some(child)
    })
}

/// The `main.tf` of shared module `name` ("" when there is none).
fn module_main(name: &str) -> &'static str {
    let path = format!("{name}/main.tf");
    embedded::MODULES
        .iter()
        .find(|(p, _)| *p == path)
        .map_or("", |(_, t)| t)
}

/// What a root's test files mock: its provider configurations, the block
/// types its modules use, and example values of its required variables.
pub struct RootMocks {
    pub(crate) providers: Vec<tftest::MockProvider>,
    pub(crate) used: BTreeSet<String>,
    pub(crate) examples: Vec<(String, String)>,
}

/// The DR root's outage test (`<name>/dr/tests/outage.tftest.hcl`), from the
/// mocks of the primary and the DR root.
pub fn outage_file(plan: &Plan, primary: &RootMocks, dr: &RootMocks) -> (PathBuf, String) {
    (
        PathBuf::from(&plan.name).join("dr/tests/outage.tftest.hcl"),
        outage::outage_test(plan, primary, dr),
    )
}

/// The mocks of `root`, whose own files declare the block types `used`.
pub(crate) fn root_mocks(root: &RootPlan, mut used: BTreeSet<String>) -> RootMocks {
    let sources: BTreeSet<&str> = root.modules.iter().map(|m| m.source.as_str()).collect();
    for source in sources {
        for text in module_mains(source) {
            used.extend(tftest::block_types(text));
        }
    }
    let mut providers = vec![tftest::MockProvider {
        name: "aws".into(),
        alias: None,
        region: Some(root.region.clone()),
    }];
    if root.dr_provider {
        providers.push(tftest::MockProvider {
            name: "aws".into(),
            alias: Some("dr".into()),
            region: Some(root.peer_region.clone()),
        });
    }
    providers.extend(root.helm_clusters.iter().map(|c| tftest::MockProvider {
        name: "helm".into(),
        alias: Some(c.clone()),
        region: None,
    }));
    let examples = root
        .variables
        .iter()
        .filter_map(|v| Some((v.name.clone(), v.example.as_ref()?.render())))
        .collect();
    RootMocks {
        providers,
        used,
        examples,
    }
}

/// `tests/apply.tftest.hcl` of a root: mock providers, example values of
/// the required variables, one mocked apply, then `later_runs`.
fn apply_test(
    providers: &[tftest::MockProvider],
    used: &BTreeSet<String>,
    examples: &[(&str, &str)],
    overrides: &str,
    asserts: &str,
    later_runs: &str,
) -> String {
    let mut text = String::from(
        "# Mocked apply of this root, offline (no AWS account, no credentials):\n#   terraform init -backend=false && terraform test\n# Generated by acmegen.\n\n",
    );
    text.push_str(&tftest::mock_providers(providers, used));
    if !examples.is_empty() {
        text.push_str("variables {\n");
        for (name, value) in examples {
            text.push_str(&format!("{name} = {value}\n"));
        }
        text.push_str("}\n\n");
    }
    let what = "# After the apply: what a reviewer checks by hand (tags, key policies,\n# encryption, bucket policies, alarm topics), on the root's own expressions.\n# Policy documents are asserted as evaluated statements: their JSON is a\n# mocked value offline.\n";
    if overrides.is_empty() {
        text.push_str(&format!("{what}run \"apply\" {{\ncommand = apply\n\n{asserts}}}\n"));
    } else {
        text.push_str(&format!(
            "# With every fact of the other root in the store (the steady state).\n{what}run \"apply\" {{\ncommand = apply\n\n{overrides}\n{asserts}}}\n"
        ));
    }
    text.push_str(later_runs);
    format_hcl(&text)
}

/// Bootstrap test: the service-linked roles exist and are deletion-protected.
const SLR_PROTECTED: &str = r#"
assert {
  condition     = contains(keys(module.service_linked_roles.arns), "autoscaling") && module.service_linked_roles.deletion_protection
  error_message = "the Auto Scaling service-linked role is missing, or a destroy of this root would delete it"
}
"#;

/// Bootstrap test: the documented teardown lifts the roles' deletion
/// protection by an apply (this test's cleanup destroys what it applied).
const SLR_LIFT_RUN: &str = r#"
# A deliberate teardown lifts the deletion protection of the service-linked
# roles by an apply first (so does this test, whose cleanup destroys them).
run "lift_deletion_protection" {
  command = apply

  variables {
    service_linked_role_deletion_protection = false
  }

  assert {
    condition     = !module.service_linked_roles.deletion_protection
    error_message = "the deletion protection of the service-linked roles cannot be lifted by an apply"
  }
}
"#;

/// `terraform.tfvars.example`: the values only the user can give.
fn tfvars_example(examples: &[(&str, &str)]) -> String {
    let mut text = String::from(
        "# Values this root needs that only you can give: copy this file to\n# terraform.tfvars (kept by acmegen across renders) and edit it.\n\n",
    );
    for (name, value) in examples {
        text.push_str(&format!("{name} = {value}\n"));
    }
    format_hcl(&text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_charts_are_written_verbatim_next_to_the_modules() {
        let mut files = FileSet::new();
        Emitter::new().unwrap().modules(&mut files).unwrap();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/charts");
        let mut seen = 0;
        for entry in walkdir::WalkDir::new(&root) {
            let entry = entry.unwrap();
            if !entry.file_type().is_file() {
                continue;
            }
            let rel = entry.path().strip_prefix(&root).unwrap();
            let want = std::fs::read_to_string(entry.path()).unwrap();
            let have = files
                .get(&PathBuf::from("charts").join(rel))
                .unwrap_or_else(|| panic!("charts/{} not emitted", rel.display()));
            assert_eq!(have, &want, "charts/{} changed on the way", rel.display());
            seen += 1;
        }
        assert!(seen > 0, "no chart files found under templates/charts");
        // Helm's own `{{ }}` survives: nothing went through tera.
        assert!(
            files
                .iter()
                .any(|(p, text)| p.starts_with("charts") && text.contains("{{") && text.contains(".Values.")),
            "no chart template kept its Helm expressions"
        );
    }

    /// Review finding (2026-11-27, stop 23): the traefik chart writes the
    /// Service's `type` from `service.type` (default LoadBalancer) and then
    /// appends `service.spec` (traefik-helm-chart `_service.tpl`); our type
    /// in `service.spec` doubled the key, NodePort winning only because the
    /// YAML decoder kept the last one. It is set through `service.type`.
    #[test]
    fn the_traefik_service_type_is_set_where_the_chart_reads_it() {
        let main = embedded_file(embedded::MODULES, "traefik/main.tf");
        let service = main.split("service = {").nth(1).expect("service values");
        let block = &service[..service.find('}').expect("closed")];
        assert!(block.contains("type = local.service_type"), "{block}");
        assert!(!block.contains("spec"), "{block}");
    }

    /// An embedded file of the shared modules or local charts.
    fn embedded_file(table: &[(&str, &str)], rel: &str) -> String {
        table
            .iter()
            .find(|(p, _)| *p == rel)
            .map(|(_, t)| t.to_string())
            .unwrap_or_else(|| panic!("{rel} is not embedded"))
    }

    #[test]
    fn the_vpc_cni_enforces_network_policies_and_app_namespaces_are_default_deny() {
        // The eks module turns on the VPC CNI's network policy agent on the
        // add-on created before the nodes.
        let eks = embedded_file(embedded::MODULES, "eks/main.tf");
        let body = hcl::parse(&eks).unwrap();
        let addon = body
            .blocks()
            .find(|b| {
                b.identifier() == "resource"
                    && b.labels()
                        .iter()
                        .map(|l| l.as_str())
                        .eq(["aws_eks_addon", "before_compute"])
            })
            .expect("the before-compute add-ons");
        let config = addon
            .body()
            .attributes()
            .find(|a| a.key() == "configuration_values")
            .expect("configuration_values");
        assert_eq!(
            config.expr().to_string(),
            "lookup(local.addon_configuration, each.key, null)"
        );
        assert!(
            eks.contains("vpc-cni = jsonencode({ enableNetworkPolicy = \"true\" })"),
            "vpc-cni without enableNetworkPolicy"
        );

        // The chart isolates the whole namespace both ways and always admits DNS.
        let deny = embedded_file(embedded::CHARTS, "k8s-app/templates/networkpolicy-default-deny.yaml");
        assert!(
            deny.contains("podSelector: {}") && deny.contains("- Ingress") && deny.contains("- Egress"),
            "{deny}"
        );
        let egress = embedded_file(embedded::CHARTS, "k8s-app/templates/networkpolicy-egress.yaml");
        for needed in [
            "kubernetes.io/metadata.name: kube-system",
            "k8s-app: kube-dns",
            "protocol: UDP",
            "protocol: TCP",
            "port: 53",
        ] {
            assert!(egress.contains(needed), "egress policy lacks `{needed}`");
        }
        // The internet only behind its switch, which is off by default.
        let internet = egress.find("0.0.0.0/0").expect("the internet rule");
        let switch = egress.find("{{- if $egress.internet }}").expect("the internet switch");
        assert!(switch < internet && !egress[switch..internet].contains("{{- end }}"));
        let values: serde_yaml::Value =
            serde_yaml::from_str(&embedded_file(embedded::CHARTS, "k8s-app/values.yaml")).unwrap();
        assert_eq!(values["networkPolicy"]["defaultDeny"], serde_yaml::Value::Bool(true));
        assert_eq!(
            values["networkPolicy"]["egress"]["internet"],
            serde_yaml::Value::Bool(false)
        );

        // The k8s_app module keeps the namespace default-deny, the internet off unless asked.
        let app = embedded_file(embedded::MODULES, "k8s_app/main.tf");
        assert!(
            app.contains("defaultDeny    = true") && app.contains("internet     = var.egress_to_internet"),
            "{app}"
        );
        let vars = hcl::parse(&embedded_file(embedded::MODULES, "k8s_app/variables.tf")).unwrap();
        let internet = vars
            .blocks()
            .find(|b| b.labels().iter().map(|l| l.as_str()).eq(["egress_to_internet"]))
            .expect("variable egress_to_internet");
        let default = internet
            .body()
            .attributes()
            .find(|a| a.key() == "default")
            .expect("a default");
        assert_eq!(default.expr().to_string(), "false");
    }

    #[test]
    fn module_sources_are_canonical_and_listed() {
        for (rel, text) in embedded::MODULES {
            assert_eq!(
                &format_hcl(text),
                text,
                "templates/modules/{rel} is not in canonical layout: copy it from generated/modules/ after a render"
            );
            let module = rel.split('/').next().unwrap();
            assert!(
                MODULES.iter().any(|m| m.name == module),
                "templates/modules/{module} is not in plan::modules::MODULES"
            );
        }
        for m in MODULES {
            for f in ["main.tf", "variables.tf", "outputs.tf"] {
                let rel = format!("{}/{f}", m.name);
                assert!(
                    embedded::MODULES.iter().any(|(p, _)| *p == rel),
                    "module {} has no {f}",
                    m.name
                );
            }
        }
    }

    #[test]
    fn every_chart_a_module_installs_is_emitted() {
        let mut files = FileSet::new();
        Emitter::new().unwrap().modules(&mut files).unwrap();
        let mut refs = 0;
        for (path, text) in files.iter().filter(|(p, _)| p.extension().is_some_and(|e| e == "tf")) {
            for chart in text.split("\"${path.module}/../../charts/").skip(1) {
                let name = chart.split('"').next().unwrap();
                let chart_yaml = PathBuf::from("charts").join(name).join("Chart.yaml");
                assert!(
                    files.contains_key(&chart_yaml),
                    "{} installs chart {name}, which is not emitted",
                    path.display()
                );
                refs += 1;
            }
        }
        assert!(
            refs > 0,
            "no module installs a local chart: the scan looked in the wrong place"
        );
    }
}
