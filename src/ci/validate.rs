//! Checks of the `ci:` section, each located in the inventory's text.

use crate::diagnostics::Diagnostic;
use crate::inventory::{Kind, Loaded, Seg};

fn is_repo_part(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 100
        && s != "."
        && s != ".."
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// Whether `s` is a GitHub `owner/name`.
pub fn is_repository(s: &str) -> bool {
    matches!(s.split_once('/'), Some((o, n)) if is_repo_part(o) && is_repo_part(n) && !o.contains('.') && !o.contains('_'))
}

/// A branch name GitHub's `sub` claim and a workflow's `branches:` filter
/// take literally: no glob characters, spaces or `..`.
fn is_branch(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 200
        && !s.contains("..")
        && !s.starts_with('/')
        && !s.ends_with('/')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
}

/// A runner label.
fn is_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 100
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

fn is_cron(s: &str) -> bool {
    let fields: Vec<&str> = s.split(' ').collect();
    fields.len() == 5
        && fields.iter().all(|f| {
            !f.is_empty()
                && f.chars()
                    .all(|c| c.is_ascii_digit() || matches!(c, '*' | '/' | ',' | '-'))
        })
}

/// Whether Terraform `v` is an exact release of at least 1.11.
fn is_terraform_version(v: &str) -> bool {
    let parts: Vec<&str> = v.split('.').collect();
    if parts.len() != 3
        || parts
            .iter()
            .any(|p| p.is_empty() || !p.chars().all(|c| c.is_ascii_digit()))
    {
        return false;
    }
    let n = |i: usize| parts[i].parse::<u32>().unwrap_or(0);
    n(0) > 1 || (n(0) == 1 && n(1) >= 11)
}

/// Every problem of the `ci:` section of `loaded`.
pub fn validate(loaded: &Loaded) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let inv = &loaded.inventory;
    let Some(ci) = &inv.ci else {
        return out;
    };
    let mut err = |at: &[Seg<'_>], message: String, help: &str| out.push(loaded.error(at, message, help));
    if !is_repository(&ci.repository) {
        err(
            &[Seg::Key("ci"), Seg::Key("repository")],
            format!("`{}` is not a GitHub repository", ci.repository),
            "write owner/name as in https://github.com/owner/name, e.g. acme-corp/platform-infra: the CI roles trust only that repository",
        );
    }
    if let Some(b) = &ci.branch {
        if !is_branch(b) {
            err(
                &[Seg::Key("ci"), Seg::Key("branch")],
                format!("`{b}` is not a branch name acmegen can use"),
                "name one branch, without spaces, globs (* ? [) or `..`, e.g. main",
            );
        }
    }
    let src = &ci.acmegen;
    match (&src.path, &src.git, &src.rev) {
        (Some(p), None, None) => {
            if p.is_empty() || p.starts_with('/') || p.split('/').any(|s| s == "..") || p.contains(char::is_whitespace) {
                err(
                    &[Seg::Key("ci"), Seg::Key("acmegen"), Seg::Key("path")],
                    format!("`{p}` is not a path inside the repository"),
                    "give a relative path without `..` or spaces, e.g. `.` when acmegen's source is the repository itself",
                );
            }
        }
        (None, Some(g), Some(r)) => {
            if !(g.starts_with("https://") || g.starts_with("ssh://")) || g.contains(char::is_whitespace) {
                err(
                    &[Seg::Key("ci"), Seg::Key("acmegen"), Seg::Key("git")],
                    format!("`{g}` is not a git URL"),
                    "give an https:// (or ssh://) URL of acmegen's repository",
                );
            }
            if r.len() != 40 || !r.chars().all(|c| c.is_ascii_hexdigit()) {
                err(
                    &[Seg::Key("ci"), Seg::Key("acmegen"), Seg::Key("rev")],
                    format!("`{r}` is not a commit"),
                    "pin a full 40-digit commit SHA (`git rev-parse HEAD`), so every run builds the same acmegen",
                );
            }
        }
        _ => err(
            &[Seg::Key("ci"), Seg::Key("acmegen")],
            "`ci.acmegen` needs either `path` or both `git` and `rev`".into(),
            "write {path: .} when acmegen's source is in this repository, or {git: https://…/acmegen, rev: <40-digit commit>}",
        ),
    }
    for (key, label) in [
        ("runs_on", &ci.runs_on),
        ("pull_requests_run_on", &ci.pull_requests_run_on),
    ] {
        if let Some(l) = label {
            if !is_label(l) {
                err(
                    &[Seg::Key("ci"), Seg::Key(key)],
                    format!("`{l}` is not a runner label"),
                    "give one label of letters, digits, `-`, `_` or `.`, e.g. ubuntu-24.04 or acmegen-deploy",
                );
            }
        }
    }
    if let Some(v) = &ci.terraform_version {
        if !is_terraform_version(v) {
            err(
                &[Seg::Key("ci"), Seg::Key("terraform_version")],
                format!("`{v}` is not a Terraform release acmegen supports"),
                "give an exact version of at least 1.11, e.g. \"1.11.4\" (quoted)",
            );
        }
    }
    if let Some(c) = &ci.drift_schedule {
        if !is_cron(c) {
            err(
                &[Seg::Key("ci"), Seg::Key("drift_schedule")],
                format!("`{c}` is not a cron schedule"),
                "give five fields (minute hour day month weekday, UTC), e.g. \"17 5 * * 1-5\"",
            );
        }
    }
    let drill = ci.drill_name(&inv.name);
    if !crate::validate::is_valid_inventory_name(&drill) || drill == inv.name {
        let at: &[Seg<'_>] = match ci.drill.as_ref().and_then(|d| d.name.as_ref()) {
            Some(_) => &[Seg::Key("ci"), Seg::Key("drill"), Seg::Key("name")],
            None => &[Seg::Key("ci")],
        };
        err(
            at,
            format!("the DR drill's copy of the inventory cannot be named `{drill}`"),
            "set ci.drill.name to another valid inventory name (1-32 lowercase letters, digits and dashes), e.g. the name with a short suffix",
        );
    }
    let created: Vec<&str> = inv
        .assets
        .iter()
        .filter(|a| a.kind == Kind::Route53 && a.zone_id.is_none())
        .filter_map(|a| a.zone.as_deref())
        .map(|z| z.trim_end_matches('.'))
        .collect();
    let zones = ci.drill.as_ref().map(|d| d.zones.clone()).unwrap_or_default();
    for (from, to) in &zones {
        if !created.contains(&from.trim_end_matches('.')) {
            err(
                &[Seg::Key("ci"), Seg::Key("drill"), Seg::Key("zones")],
                format!("`{from}` is not a zone the inventory creates"),
                &format!(
                    "list only zones of route53 assets without zone_id: {}",
                    if created.is_empty() {
                        "none here".to_string()
                    } else {
                        created.join(", ")
                    }
                ),
            );
        }
        let dns = to
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-');
        if to.trim_end_matches('.') == from.trim_end_matches('.') || !dns || !to.contains('.') || to.starts_with('.') {
            err(
                &[Seg::Key("ci"), Seg::Key("drill"), Seg::Key("zones")],
                format!("`{to}` cannot be the drill's zone for `{from}`"),
                "give another domain name (lowercase letters, digits, dots and dashes), one you can delegate to the drill account",
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repositories() {
        assert!(is_repository("acme-corp/platform-infra"));
        assert!(is_repository("a/b.c_d"));
        assert!(!is_repository("acme-corp"));
        assert!(!is_repository("acme corp/x"));
        assert!(!is_repository("a/b/c"));
        assert!(!is_repository("a/.."));
    }

    #[test]
    fn terraform_versions() {
        assert!(is_terraform_version("1.11.4"));
        assert!(is_terraform_version("1.12.0"));
        assert!(!is_terraform_version("1.10.5"));
        assert!(!is_terraform_version("~> 1.11"));
    }

    #[test]
    fn crons() {
        assert!(is_cron("17 5 * * 1-5"));
        assert!(is_cron("*/30 * * * *"));
        assert!(!is_cron("daily"));
        assert!(!is_cron("1 2 3 4"));
    }
}
