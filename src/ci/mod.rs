//! CI/CD for an inventory's repository (GitHub Actions), from its `ci:`
//! section: the bootstrap root's extra file `bootstrap/ci.tf` (the GitHub
//! OIDC provider and the per-root plan, drift and apply roles, see
//! [`iam`]), and the workflows `acmegen ci` writes into
//! `.github/workflows/` (see [`workflows`], written and compared by
//! [`write`]).

pub mod iam;
mod validate;
pub mod workflows;
pub mod write;

pub use validate::{is_repository, validate};

/// Key prefix of the apply workflow's saved plans in each root's state
/// bucket: written by the drift role (which plans), read and deleted by the
/// apply role once the plan is approved, expired by the bucket's lifecycle
/// (a plan nobody approved).
pub const SAVED_PLANS: &str = "ci-plans/";

use crate::diagnostics::Diagnostics;
use crate::emit::{Emitter, FileSet};
use crate::inventory::Inventory;
use crate::plan::Plan;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// Workflow files keyed by file name (relative to the workflows directory).
pub type WorkflowSet = BTreeMap<PathBuf, String>;

/// Why CI files could not be produced or written.
#[derive(Debug)]
pub enum CiError {
    /// The inventory is wrong (exit code 2).
    Input(Diagnostics),
    /// The command line is wrong (exit code 2): the message and its help.
    Usage(String),
    /// A file system problem (exit code 4): the message names path and fix.
    Io(String),
    /// A bug (exit code 3).
    Internal(anyhow::Error),
}

impl CiError {
    /// The process exit code.
    pub fn exit_code(&self) -> u8 {
        match self {
            CiError::Input(_) | CiError::Usage(_) => 2,
            CiError::Io(_) => 4,
            CiError::Internal(_) => 3,
        }
    }
}

impl fmt::Display for CiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CiError::Input(d) => write!(f, "{d}"),
            CiError::Usage(m) | CiError::Io(m) => f.write_str(m),
            CiError::Internal(e) => write!(f, "error: {e:#}"),
        }
    }
}

impl std::error::Error for CiError {}

#[derive(Serialize)]
struct Kind {
    kind: &'static str,
    what: &'static str,
    /// The role's `max_session_duration`: at least as long as the longest
    /// job that assumes it may run. Terraform keeps the credentials the
    /// job started with; credentials that expire in the middle of an apply
    /// leave its state lock behind and its changes half made.
    max_session_seconds: u32,
}

/// The role kinds, each with what it is for.
const KINDS: [Kind; 3] = [
    Kind {
        kind: "plan",
        what: "Plan of pull requests",
        max_session_seconds: 3600,
    },
    Kind {
        kind: "drift",
        what: "Drift detection and the apply workflow's plans",
        max_session_seconds: 3600,
    },
    Kind {
        kind: "apply",
        what: "Apply",
        max_session_seconds: workflows::APPLY_ROLE_SESSION_SECONDS,
    },
];

/// Texts of the `.tf` files of `root` (`primary` or `dr`) of inventory `name`.
fn root_files<'a>(files: &'a FileSet, name: &str, root: &str) -> Vec<&'a str> {
    let dir = Path::new(name).join(root);
    files
        .iter()
        .filter(|(p, _)| p.parent() == Some(dir.as_path()) && p.extension().is_some_and(|e| e == "tf"))
        .map(|(_, t)| t.as_str())
        .collect()
}

/// Add `<name>/bootstrap/ci.tf` to `files` when `inv` has a `ci:` section:
/// the GitHub OIDC provider (unless the account has one) and, per root, the
/// plan, drift and apply roles of the workflows.
pub fn bootstrap(emitter: &Emitter, inv: &Inventory, plan: &Plan, files: &mut FileSet) -> anyhow::Result<()> {
    let Some(ci) = &inv.ci else {
        return Ok(());
    };
    let access = iam::access(
        plan,
        &root_files(files, &plan.name, "primary"),
        &root_files(files, &plan.name, "dr"),
    );
    let mut ctx = tera::Context::new();
    ctx.insert(
        "c",
        &serde_json::json!({
            "inventory": plan.name,
            "repository": ci.repository,
            "branch": ci.branch(),
            "oidc_create": ci.oidc_provider == crate::inventory::ci::OidcProvider::Create,
            "roots": access,
            "kinds": KINDS,
            "regions": [plan.primary.region, plan.dr.region],
            "dr_region": plan.dr.region,
            "store_path": crate::plan::fact_store_path(&plan.name),
            "saved_plans": SAVED_PLANS,
            "managed_policies": iam::managed_policies(),
            "service_linked": iam::service_linked(inv),
            "lists_secrets": crate::runbook::secrets_replicated(inv).next().is_some(),
        }),
    );
    let text = emitter.render_template("ci/bootstrap.tf.tera", &ctx, true)?;
    files.insert(PathBuf::from(&plan.name).join("bootstrap/ci.tf"), text);
    Ok(())
}
