//! The optional `ci:` section of an inventory: the GitHub repository that
//! holds it, for the generated GitHub Actions workflows and the CI roles the
//! bootstrap root creates (see [`crate::ci`]).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// GitHub Actions for the inventory's repository.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Ci {
    /// `owner/name` of the GitHub repository: the only one the CI roles trust.
    pub repository: String,
    /// Branch that applies (default `main`): pushes to it run the apply
    /// workflow, and the drift role trusts only it.
    #[serde(default)]
    pub branch: Option<String>,
    /// How the workflows install acmegen: a pinned commit of its repository
    /// or a path inside the inventory's repository.
    pub acmegen: AcmegenSource,
    /// Whether the bootstrap root creates the account's GitHub OIDC provider
    /// (`create`, the default) or uses the one the account has (`existing`:
    /// an account has one provider per URL, so the second inventory in an
    /// account says `existing`).
    #[serde(default)]
    pub oidc_provider: OidcProvider,
    /// Runner label of every job (default `ubuntu-24.04`). Roots that install
    /// Helm charts reach the EKS API, which is open only to `admin_cidrs`:
    /// use a self-hosted runner there.
    #[serde(default)]
    pub runs_on: Option<String>,
    /// Runner label of the pull-request workflow's jobs (default `runs_on`).
    /// A pull request runs its own code there: on a self-hosted runner that
    /// also runs the apply, drift and drill jobs, it could leave a process
    /// that reads their credentials, so a self-hosted `runs_on` needs this
    /// stated (a runner of its own, or `runs_on` again where every runner is
    /// ephemeral).
    #[serde(default)]
    pub pull_requests_run_on: Option<String>,
    /// Terraform version the workflows install (default 1.11.4).
    #[serde(default)]
    pub terraform_version: Option<String>,
    /// Cron schedule (UTC) of the drift detection (default `17 5 * * 1-5`).
    #[serde(default)]
    pub drift_schedule: Option<String>,
    /// The DR drill's copy of the inventory.
    #[serde(default)]
    pub drill: Option<Drill>,
}

/// Where CI gets acmegen from: exactly one of `path` or `git` + `rev`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AcmegenSource {
    /// Git URL of acmegen's repository.
    #[serde(default)]
    pub git: Option<String>,
    /// Commit of `git` (40 hex digits, so every run builds the same acmegen).
    #[serde(default)]
    pub rev: Option<String>,
    /// Path of acmegen's source inside the inventory's repository (`.` when
    /// the inventories live in acmegen's own repository).
    #[serde(default)]
    pub path: Option<String>,
}

/// Who owns the account's GitHub OIDC provider.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OidcProvider {
    /// The bootstrap root creates it.
    #[default]
    Create,
    /// The account has it already (another inventory's bootstrap, or by hand).
    Existing,
}

/// The DR drill's copy of the inventory (`acmegen-<name>-drill.yml`).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Drill {
    /// Name of the copy (default `<name>-drill`).
    #[serde(default)]
    pub name: Option<String>,
    /// Hosted zones the copy uses instead of the ones the inventory creates
    /// (`{shop.example.org: drill.example.org}`): a drill cannot validate
    /// certificates through a zone that is not delegated to it.
    #[serde(default)]
    pub zones: BTreeMap<String, String>,
}

impl Ci {
    /// The applying branch.
    pub fn branch(&self) -> &str {
        self.branch.as_deref().unwrap_or("main")
    }

    /// The runner label.
    pub fn runs_on(&self) -> &str {
        self.runs_on.as_deref().unwrap_or("ubuntu-24.04")
    }

    /// The runner label of the pull-request workflow's jobs.
    pub fn pull_requests_run_on(&self) -> &str {
        self.pull_requests_run_on.as_deref().unwrap_or_else(|| self.runs_on())
    }

    /// The Terraform version CI installs.
    pub fn terraform_version(&self) -> &str {
        self.terraform_version.as_deref().unwrap_or("1.11.4")
    }

    /// The drift detection's cron schedule.
    pub fn drift_schedule(&self) -> &str {
        self.drift_schedule.as_deref().unwrap_or("17 5 * * 1-5")
    }

    /// Name of the drill copy of inventory `name`.
    pub fn drill_name(&self, name: &str) -> String {
        self.drill
            .as_ref()
            .and_then(|d| d.name.clone())
            .unwrap_or_else(|| format!("{name}-drill"))
    }
}
