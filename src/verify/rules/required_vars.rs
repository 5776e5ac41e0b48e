//! AG010: every required variable (no default) of every root is supplied by
//! the generated commands (RUNBOOK.md: `-var name=...` on the root's command
//! line, or `TF_VAR_name`) or by the root's `terraform.tfvars.example`.
//!
//! Terraform fact: a root variable without a default must be given a value;
//! in automation (`TF_INPUT=0`, CI) a missing one fails the plan with "No
//! value for required variable", and interactively it prompts for a value
//! nobody documented. The runbook's commands are the documented deployment,
//! so they must supply every such value (issue 8, item 10).
//! Source: Terraform documentation, "Input Variables" (assigning values to
//! root module variables; `-var`, `.tfvars` files, `TF_VAR_` environment
//! variables).

use super::tree::Tree;
use super::{Rule, Sink};

pub(super) const RULE: Rule = Rule {
    id: "AG010",
    summary: "every required root variable is supplied by RUNBOOK.md commands or terraform.tfvars.example",
    check,
};

/// Whether `runbook` supplies `name` to the root at `root` (a path such as `acme/primary`).
fn runbook_supplies(runbook: &str, root: &str, name: &str) -> bool {
    runbook.contains(&format!("TF_VAR_{name}="))
        || runbook.lines().any(|l| {
            l.contains(root)
                && l.contains("-var")
                && (l.contains(&format!("{name}=")) || l.contains(&format!("{name} =")))
        })
}

fn check(tree: &Tree<'_>, sink: &mut Sink<'_>) {
    for dir in tree.dirs().filter(|d| d.is_root()) {
        let example = dir.body_of("terraform.tfvars.example");
        let runbook = dir.text_of("RUNBOOK.md").unwrap_or_default();
        let root = dir.path.to_string_lossy().to_string();
        for var in dir.blocks().filter(|i| i.block.identifier() == "variable") {
            if var.attr("default").is_some() {
                continue;
            }
            let name = var.label(0);
            let in_example = example.is_some_and(|b| b.attributes().any(|a| a.key() == name));
            if in_example || runbook_supplies(runbook, &root, name) {
                continue;
            }
            sink.at(
                &dir,
                &var,
                &format!("`{name}` has no default and neither the RUNBOOK.md commands for {root} nor its terraform.tfvars.example supply it, so the documented apply stops with \"No value for required variable\""),
                "give the variable a default, put an example value in the root's terraform.tfvars.example (with the runbook step that copies it), or pass it with -var in the runbook's command",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::run;
    use super::RULE;

    const ROOT: &str = "provider \"aws\" {}\n\nvariable \"key\" {\n  type = string\n}\n\nvariable \"n\" {\n  type    = number\n  default = 1\n}\n";

    #[test]
    fn fires_when_nothing_supplies_a_required_variable() {
        let msgs = run(
            &RULE,
            &[
                ("x/primary/main.tf", ROOT),
                ("x/RUNBOOK.md", "terraform -chdir=generated/x/primary apply\n"),
            ],
        );
        assert_eq!(msgs.len(), 1, "{msgs:?}");
        assert!(
            msgs[0].starts_with("x/primary/main.tf: AG010 line 3, variable \"key\": `key` has no default"),
            "{msgs:?}"
        );
    }

    #[test]
    fn accepts_the_example_file_or_the_runbook() {
        assert!(run(
            &RULE,
            &[
                ("x/primary/main.tf", ROOT),
                ("x/primary/terraform.tfvars.example", "key = \"v\"\n")
            ]
        )
        .is_empty());
        let rb = "terraform -chdir=generated/x/primary apply -var 'key=abc'\n";
        assert!(run(&RULE, &[("x/primary/main.tf", ROOT), ("x/RUNBOOK.md", rb)]).is_empty());
        let other_root = "terraform -chdir=generated/x/dr apply -var 'key=abc'\n";
        assert_eq!(
            run(&RULE, &[("x/primary/main.tf", ROOT), ("x/RUNBOOK.md", other_root)]).len(),
            1
        );
    }
}
