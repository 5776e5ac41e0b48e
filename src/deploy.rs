//! `acmegen deploy`: the first deployment of RUNBOOK.md run for you, in its
//! order: the bootstrap root, the delegation of the zones it created (a stop
//! until the user confirms it), the DR root, the primary root, the DR root
//! again. The state buckets come from the bootstrap root's outputs
//! (`<role>_state_bucket`), so no AWS CLI is needed; Terraform's own output
//! streams through; the first failure stops the run with the command that
//! resumes it.

use crate::plan::Plan;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// One step of a deployment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// Name given to `--from` / `--to`.
    pub name: &'static str,
    /// What it does.
    pub title: String,
    /// What runs.
    pub action: Action,
}

/// What a step runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// `terraform init` and `apply` of the bootstrap root (local state).
    Bootstrap,
    /// Show the name servers of the new zones; go on only once the user
    /// confirms the delegation (`--zones-delegated`).
    Delegate(Vec<crate::plan::Zone>),
    /// `terraform init -backend-config=bucket=<from the bootstrap outputs>`
    /// and `apply` of root `primary` or `dr`.
    Root(&'static str),
}

/// The steps of `plan`, in the documented order.
pub fn steps(plan: &Plan) -> Vec<Step> {
    let mut out = vec![Step {
        name: "bootstrap",
        title: "the bootstrap root: state buckets, hosted zones, CI roles (local state)".into(),
        action: Action::Bootstrap,
    }];
    if !plan.bootstrap.zones.is_empty() {
        let names: Vec<&str> = plan.bootstrap.zones.iter().map(|z| z.name.as_str()).collect();
        out.push(Step {
            name: "zones",
            title: format!("delegate {} to the new hosted zone's name servers", names.join(", ")),
            action: Action::Delegate(plan.bootstrap.zones.clone()),
        });
    }
    out.push(Step {
        name: "dr-first",
        title: format!("the DR root first ({})", plan.dr.region),
        action: Action::Root("dr"),
    });
    out.push(Step {
        name: "primary",
        title: format!("the primary root ({})", plan.primary.region),
        action: Action::Root("primary"),
    });
    out.push(Step {
        name: "dr",
        title: format!(
            "the DR root again ({}): replicas join what the primary published",
            plan.dr.region
        ),
        action: Action::Root("dr"),
    });
    out
}

/// How to run.
#[derive(Debug, Clone)]
pub struct Options {
    /// Directory holding the rendered tree (`generated`).
    pub out: PathBuf,
    /// The inventory file as given (for the resume command).
    pub inventory: PathBuf,
    /// First step to run.
    pub from: Option<String>,
    /// Last step to run.
    pub to: Option<String>,
    /// The user delegated the zones.
    pub zones_delegated: bool,
    /// Pass `-auto-approve` to `terraform apply`.
    pub auto_approve: bool,
}

/// Why a deployment stopped.
#[derive(Debug)]
pub enum DeployError {
    /// Bad command line or missing input (exit 2).
    Input(String),
    /// A step failed, or the run stopped for the user (exit 1).
    Stopped(String),
    /// Terraform cannot be run (exit 4).
    Io(String),
}

impl DeployError {
    /// The process exit code.
    pub fn exit_code(&self) -> u8 {
        match self {
            DeployError::Input(_) => 2,
            DeployError::Stopped(_) => 1,
            DeployError::Io(_) => 4,
        }
    }
}

impl fmt::Display for DeployError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DeployError::Input(m) | DeployError::Stopped(m) | DeployError::Io(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for DeployError {}

/// The slice of `all` between `--from` and `--to`, by name.
pub fn select<'a>(all: &'a [Step], from: Option<&str>, to: Option<&str>) -> Result<&'a [Step], DeployError> {
    let names: Vec<&str> = all.iter().map(|s| s.name).collect();
    let index = |flag: &str, name: &str| {
        names.iter().position(|n| *n == name).ok_or_else(|| {
            DeployError::Input(format!(
                "error: --{flag} {name}: this inventory has no step `{name}`\n  = help: {}use one of: {}",
                crate::suggest::did_you_mean(name, names.iter().copied()),
                names.join(", ")
            ))
        })
    };
    let start = from.map(|n| index("from", n)).transpose()?.unwrap_or(0);
    let end = to.map(|n| index("to", n)).transpose()?.unwrap_or(all.len() - 1);
    if start > end {
        return Err(DeployError::Input(format!(
            "error: --from {} comes after --to {}\n  = help: the steps run in this order: {}",
            names[start],
            names[end],
            names.join(", ")
        )));
    }
    Ok(&all[start..=end])
}

/// `terraform` arguments, shown and run.
fn chdir(dir: &Path) -> String {
    format!("-chdir={}", dir.display())
}

/// A command line as a user would type it.
pub fn shell(args: &[String]) -> String {
    std::iter::once("terraform".to_string())
        .chain(args.iter().map(|a| {
            if a.contains(' ') || a.contains('"') || a.contains('$') {
                match a.split_once('=') {
                    Some((k, v)) if k.starts_with("-backend-config") => format!("{k}=\"{}\"", v.replace('"', "\\\"")),
                    _ => format!("'{a}'"),
                }
            } else {
                a.clone()
            }
        }))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The commands of `step` with the state bucket given by `bucket(role)`.
pub fn commands(step: &Step, dir: &Path, opts: &Options, bucket: &dyn Fn(&str) -> String) -> Vec<Vec<String>> {
    let apply = |root: &Path| {
        let mut a = vec![chdir(root), "apply".to_string()];
        if opts.auto_approve {
            a.push("-auto-approve".into());
            a.push("-input=false".into());
        }
        a
    };
    match &step.action {
        Action::Bootstrap => {
            let root = dir.join("bootstrap");
            vec![vec![chdir(&root), "init".into(), "-input=false".into()], apply(&root)]
        }
        Action::Delegate(_) => vec![vec![chdir(&dir.join("bootstrap")), "output".into(), "-json".into()]],
        Action::Root(role) => {
            let root = dir.join(role);
            vec![
                vec![
                    chdir(&root),
                    "init".into(),
                    "-input=false".into(),
                    format!("-backend-config=bucket={}", bucket(role)),
                ],
                apply(&root),
            ]
        }
    }
}

/// The command that reads root `role`'s state bucket from the bootstrap outputs.
pub fn bucket_query(dir: &Path, role: &str) -> Vec<String> {
    vec![
        chdir(&dir.join("bootstrap")),
        "output".into(),
        "-raw".into(),
        format!("{role}_state_bucket"),
    ]
}

/// The resume command after a stop at `step`.
pub fn resume(opts: &Options, step: &str, zones_delegated: bool) -> String {
    let mut c = format!("acmegen deploy {} --from {step}", opts.inventory.display());
    if let Some(to) = &opts.to {
        c.push_str(&format!(" --to {to}"));
    }
    if opts.out != Path::new("generated") {
        c.push_str(&format!(" --out {}", opts.out.display()));
    }
    if zones_delegated {
        c.push_str(" --zones-delegated");
    }
    if opts.auto_approve {
        c.push_str(" --auto-approve");
    }
    c
}

/// Roots among `steps` whose required variables have no values: each with
/// the variable names. A root has values when its `terraform.tfvars` (or
/// `.json`) exists or every variable is set as `TF_VAR_<name>`.
pub fn missing_values(plan: &Plan, dir: &Path, steps: &[Step]) -> Vec<(PathBuf, Vec<String>)> {
    let mut out = Vec::new();
    for root in plan.roots() {
        let role = root.role.as_str();
        if !steps.iter().any(|s| s.action == Action::Root(role)) {
            continue;
        }
        let required: Vec<String> = root
            .variables
            .iter()
            .filter(|v| v.example.is_some())
            .map(|v| v.name.clone())
            .collect();
        let rdir = dir.join(role);
        let has_file = ["terraform.tfvars", "terraform.tfvars.json"]
            .iter()
            .any(|f| rdir.join(f).is_file());
        let from_env = required
            .iter()
            .all(|v| std::env::var_os(format!("TF_VAR_{v}")).is_some());
        if !required.is_empty() && !has_file && !from_env {
            out.push((rdir, required));
        }
    }
    out
}

/// Name servers per zone in `terraform output -json` of the bootstrap root.
pub fn name_servers(output_json: &str, zones: &[crate::plan::Zone]) -> Vec<(String, Vec<String>)> {
    let v: serde_json::Value = serde_json::from_str(output_json).unwrap_or_default();
    zones
        .iter()
        .map(|z| {
            let ns = v[format!("{}_name_servers", z.label)]["value"]
                .as_array()
                .map(|a| a.iter().filter_map(|s| s.as_str().map(str::to_string)).collect())
                .unwrap_or_default();
            (z.name.clone(), ns)
        })
        .collect()
}

/// Run `terraform args` with the terminal's stdio; Ok(exit code).
fn run(args: &[String]) -> Result<i32, DeployError> {
    Command::new("terraform")
        .args(args)
        .status()
        .map(|s| s.code().unwrap_or(130))
        .map_err(spawn_error)
}

/// Run `terraform args` and capture its standard output.
fn capture(args: &[String]) -> Result<(i32, String), DeployError> {
    let out = Command::new("terraform")
        .args(args)
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .map_err(spawn_error)?;
    Ok((
        out.status.code().unwrap_or(130),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    ))
}

fn spawn_error(e: io::Error) -> DeployError {
    let help = if e.kind() == io::ErrorKind::NotFound {
        "install Terraform ≥ 1.11 and put `terraform` on PATH (acmegen deploy --dry-run prints the commands without running them)".to_string()
    } else {
        "check that `terraform` on PATH can be executed".to_string()
    };
    DeployError::Io(format!("error: cannot run terraform: {e}\n  = help: {help}"))
}

/// Run `steps` of `plan` (rendered under `<out>/<name>`); `say` prints a
/// progress line.
pub fn deploy(
    plan: &Plan,
    all: &[Step],
    steps: &[Step],
    opts: &Options,
    say: &mut dyn FnMut(&str),
) -> Result<(), DeployError> {
    let dir = opts.out.join(&plan.name);
    refuse_during_a_failover(&dir, steps)?;
    let total = all.len();
    for step in steps {
        let n = all.iter().position(|s| s.name == step.name).unwrap_or(0) + 1;
        say(&format!("==> [{n}/{total}] {}: {}", step.name, step.title));
        let stop = |command: &str, code: i32| {
            DeployError::Stopped(format!(
                "error: step {} failed: `{command}` exited with {code}\n  = help: fix the cause above, then resume with: {}",
                step.name,
                resume(opts, step.name, opts.zones_delegated)
            ))
        };
        if let Action::Delegate(zones) = &step.action {
            let args = &commands(step, &dir, opts, &|_| String::new())[0];
            say(&format!("$ {}", shell(args)));
            let (code, json) = capture(args)?;
            if code != 0 {
                return Err(stop(&shell(args), code));
            }
            for (zone, ns) in name_servers(&json, zones) {
                say(&format!(
                    "    {zone}: NS {}",
                    if ns.is_empty() {
                        "(not in the outputs)".to_string()
                    } else {
                        ns.join(" ")
                    }
                ));
            }
            if !opts.zones_delegated {
                let next = all.get(n).map_or("dr-first", |s| s.name);
                return Err(DeployError::Stopped(format!(
                    "stopped: set these name servers as the NS records of each zone at its parent (the registrar, or the parent zone), check with `dig +short NS <zone>`; the roots' certificates validate through these zones\n  = help: once delegated, resume with: {}",
                    resume(opts, next, true)
                )));
            }
            say("    delegation confirmed (--zones-delegated)");
            continue;
        }
        let mut bucket = |role: &str| -> Result<String, DeployError> {
            let q = bucket_query(&dir, role);
            say(&format!("$ {}", shell(&q)));
            let (code, text) = capture(&q)?;
            let name = text.trim().to_string();
            if code != 0 || name.is_empty() || name.contains(char::is_whitespace) {
                return Err(DeployError::Stopped(format!(
                    "error: step {}: the bootstrap root's output {role}_state_bucket cannot be read (`{}` exited with {code})\n  = help: apply the bootstrap root first (acmegen deploy {} --to bootstrap), from the machine that holds {}/bootstrap/terraform.tfstate, then resume with: {}",
                    step.name,
                    shell(&q),
                    opts.inventory.display(),
                    dir.display(),
                    resume(opts, step.name, opts.zones_delegated)
                )));
            }
            Ok(name)
        };
        let known = match &step.action {
            Action::Root(role) => Some(bucket(role)?),
            _ => None,
        };
        for args in commands(step, &dir, opts, &|_| known.clone().unwrap_or_default()) {
            say(&format!("$ {}", shell(&args)));
            let code = run(&args)?;
            if code != 0 {
                return Err(stop(&shell(&args), code));
            }
        }
    }
    Ok(())
}

/// Refuse to run `steps` where a root they apply holds the runbook's
/// acknowledgement of a declared failover (`incident.auto.tfvars`, see
/// [`crate::plan::names::INCIDENT_TFVARS`]): this machine is working on a
/// failover, and the first deployment's applies, with the standby values,
/// would pass the roots' guard and undo it.
pub fn refuse_during_a_failover(dir: &Path, steps: &[Step]) -> Result<(), DeployError> {
    for step in steps {
        let Action::Root(role) = step.action else { continue };
        let file = dir.join(role).join(crate::plan::names::INCIDENT_TFVARS);
        if file.exists() {
            return Err(DeployError::Stopped(format!(
                "error: {} exists: a failover is in progress on this machine (RUNBOOK.md, Failover and Failback), and this deployment would apply the {role} root with the standby values, undoing it\n  = help: follow the runbook's failover and failback steps instead; the failback's last step deletes the file (a false alarm: delete the failover parameter and the file)",
                file.display()
            )));
        }
    }
    Ok(())
}

/// `--dry-run`: every step with its commands, buckets shown as the
/// command that reads them.
pub fn dry_run(plan: &Plan, all: &[Step], steps: &[Step], opts: &Options) -> String {
    let dir = opts.out.join(&plan.name);
    let total = all.len();
    let mut out = String::new();
    for step in steps {
        let n = all.iter().position(|s| s.name == step.name).unwrap_or(0) + 1;
        out.push_str(&format!("[{n}/{total}] {}: {}\n", step.name, step.title));
        let bucket = |role: &str| format!("$({})", shell(&bucket_query(&dir, role)));
        for args in commands(step, &dir, opts, &bucket) {
            out.push_str(&format!("    {}\n", shell(&args)));
        }
        if let Action::Delegate(_) = step.action {
            out.push_str(&format!(
                "    (stops here unless --zones-delegated: set the name servers it prints as the zones' NS records; resume: {})\n",
                resume(opts, all.get(n).map_or("dr-first", |s| s.name), true)
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backend_config_is_quoted_like_the_runbook() {
        let args = vec![
            "-chdir=generated/x/dr".to_string(),
            "init".into(),
            "-backend-config=bucket=$(terraform -chdir=generated/x/bootstrap output -raw dr_state_bucket)".into(),
        ];
        assert_eq!(
            shell(&args),
            "terraform -chdir=generated/x/dr init -backend-config=\"bucket=$(terraform -chdir=generated/x/bootstrap output -raw dr_state_bucket)\""
        );
    }

    #[test]
    fn name_servers_are_read_per_zone() {
        let zones = vec![crate::plan::Zone {
            label: "shop_example_org".into(),
            name: "shop.example.org".into(),
        }];
        let json = r#"{"shop_example_org_name_servers": {"sensitive": false, "type": ["list","string"], "value": ["ns-1.awsdns-00.com", "ns-2.awsdns-00.net"]}}"#;
        assert_eq!(
            name_servers(json, &zones),
            vec![(
                "shop.example.org".to_string(),
                vec!["ns-1.awsdns-00.com".to_string(), "ns-2.awsdns-00.net".to_string()]
            )]
        );
        assert_eq!(name_servers("not json", &zones)[0].1, Vec::<String>::new());
    }
}
