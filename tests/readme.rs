//! Issue 10.13: the README works for a newcomer: a bare `acmegen` after the
//! Quick start, a deploy order that matches "Applying", a pre-commit `rev`
//! that can exist, inventories' `source:` explained; and nothing a user
//! reads points into acmegen's source files.

use std::path::Path;

fn readme() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap()
}

/// The text of the section starting at `heading` up to the next `## `.
fn section(text: &str, heading: &str) -> String {
    let start = text.find(heading).unwrap_or_else(|| panic!("no {heading}"));
    let rest = &text[start + heading.len()..];
    let end = rest.find("\n## ").unwrap_or(rest.len());
    rest[..end].to_string()
}

#[test]
fn quick_start_installs_a_bare_acmegen_and_deploys_bootstrap_first() {
    let quick = section(&readme(), "## Quick start");
    assert!(quick.contains("cargo install --path ."), "{quick}");
    assert!(quick.contains("\nacmegen render "), "the bare binary is used: {quick}");
    let at = |needle: &str| quick.find(needle).unwrap_or_else(|| panic!("no `{needle}` in {quick}"));
    let bootstrap = at("-chdir=bootstrap apply");
    let values = at("terraform.tfvars.example");
    let dr_base = at("-chdir=dr apply");
    let primary = at("-chdir=primary apply");
    let dr = quick.rfind("-chdir=dr apply").unwrap();
    assert!(
        bootstrap < values && values < dr_base && dr_base < primary && primary < dr && dr_base < dr,
        "{quick}"
    );
    // The same order as "Applying" and as the generated runbook.
    let applying = section(&readme(), "## Applying the two roots");
    let step = |needle: &str| {
        applying
            .find(needle)
            .unwrap_or_else(|| panic!("no `{needle}` in {applying}"))
    };
    assert!(step("1. `generated/<name>/bootstrap`") < step("2. `primary` and `dr`"));
    assert!(step("3. `dr`") < step("4. `primary`") && step("4. `primary`") < step("5. `dr`"));
    let runbook =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("generated/acme-vm/RUNBOOK.md")).unwrap();
    let order: Vec<usize> = [
        "bootstrap apply",
        "dr/terraform.tfvars.example",
        "dr apply",
        "primary apply",
    ]
    .iter()
    .map(|n| runbook.find(n).unwrap_or_else(|| panic!("RUNBOOK lacks `{n}`")))
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "runbook order {order:?}");
    // Every variable the Quick start passes exists in the roots it is passed to.
    for (root, var) in quick.lines().filter_map(|l| {
        let root = l.split("-chdir=").nth(1)?.split_whitespace().next()?;
        let var = l.split("-var ").nth(1)?.split('=').next()?;
        Some((root.to_string(), var.to_string()))
    }) {
        let vars = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("generated/acme-vm/{root}/variables.tf")),
        )
        .unwrap();
        assert!(
            vars.contains(&format!("variable \"{var}\"")),
            "{root} has no variable {var}"
        );
    }
}

#[test]
fn the_pre_commit_rev_is_a_commit_or_an_existing_tag() {
    let text = readme();
    let pre_commit = section(&text, "### pre-commit");
    let rev = pre_commit
        .lines()
        .find_map(|l| l.trim().strip_prefix("rev: "))
        .expect("a rev line")
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();
    let is_sha = rev.len() == 40 && rev.chars().all(|c| c.is_ascii_hexdigit());
    if !is_sha {
        let tags = std::process::Command::new("git")
            .args(["tag", "-l", &rev])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .unwrap_or_default();
        assert_eq!(
            tags, rev,
            "rev {rev} is neither a commit SHA nor a tag of this repository"
        );
    }
    assert!(pre_commit.contains("commit"), "says what to pin: {pre_commit}");
}

#[test]
fn inventory_sources_exist_or_are_explained() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = readme();
    for entry in std::fs::read_dir(root.join("inventory")).unwrap() {
        let inv = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        let Some(source) = inv.lines().find_map(|l| l.strip_prefix("source: ")) else {
            continue;
        };
        let source = source.trim().trim_matches('"');
        if root.join(source).exists() {
            continue;
        }
        assert!(
            text.contains("`source:` is free text naming the") && text.contains("which live outside this repository"),
            "{source} does not exist in the repository and the README does not say what it is"
        );
    }
}

#[test]
fn nothing_a_user_reads_points_into_the_sources() {
    let text = readme();
    for heading in ["## Quick start", "## Daily workflow", "## Inventory reference"] {
        let s = section(&text, heading);
        assert!(!s.contains("src/"), "{heading} points into src/: {s}");
    }
    for sub in [
        "render",
        "check",
        "verify",
        "explain",
        "import",
        "failover",
        "completions",
    ] {
        let out = assert_cmd::Command::cargo_bin("acmegen")
            .unwrap()
            .args([sub, "--help"])
            .output()
            .unwrap();
        let help = String::from_utf8_lossy(&out.stdout);
        assert!(!help.contains("src/"), "{sub} --help points into src/: {help}");
    }
}

/// The README's kind table: (kind, options, DR strategies) per row.
fn kind_table() -> Vec<(String, String, String)> {
    let text = readme();
    let reference = section(&text, "## Inventory reference");
    let header = "| kind | options | DR strategies | what the DR root gets |";
    let start = reference.find(header).expect("the kind table");
    reference[start..]
        .lines()
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|l| {
            let cells: Vec<&str> = l.trim_matches('|').split(" | ").map(str::trim).collect();
            assert_eq!(cells.len(), 4, "a row of four cells: {l}");
            (
                cells[0].trim_matches('`').to_string(),
                cells[1].to_string(),
                cells[2].to_string(),
            )
        })
        .collect()
}

/// Every kind has exactly one row in the README's kind table, naming the DR strategies it allows and every field it reads; a kind
/// added without its row (or a strategy or field without its mention)
/// fails here.
#[test]
fn the_kind_table_lists_every_kind_its_strategies_and_fields() {
    use acmegen::inventory::Kind;
    let rows = kind_table();
    let mut names: Vec<&str> = rows.iter().map(|(k, _, _)| k.as_str()).collect();
    names.sort_unstable();
    let mut kinds: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
    kinds.sort_unstable();
    assert_eq!(names, kinds, "the README's kind table vs Kind::ALL");
    let mut problems = Vec::new();
    for k in Kind::ALL {
        let (_, options, strategies) = rows.iter().find(|(name, _, _)| name == k.as_str()).unwrap();
        let listed: Vec<&str> = strategies.split(", ").collect();
        let allowed: Vec<&str> = k.allowed_dr().iter().map(|d| d.as_str()).collect();
        if listed != allowed {
            problems.push(format!(
                "{k}: the README lists DR strategies {listed:?}, its SPEC allows {allowed:?}"
            ));
        }
        let mut missing: Vec<&str> = Vec::new();
        let words: Vec<&str> = options
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .filter(|w| !w.is_empty())
            .collect();
        missing.extend(k.spec().fields.iter().copied().filter(|f| !words.contains(f)));
        if !missing.is_empty() {
            problems.push(format!(
                "{k}: fields {missing:?} are not in the README's options ({options})"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
