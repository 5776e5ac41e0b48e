//! Deployability rules: checks on the rendered tree (modules, roots,
//! RUNBOOK.md, `terraform.tfvars.example`, `tests/*.tftest.hcl`) for forms
//! that parse, validate and pass checkov, yet fail in a fresh AWS account or
//! leave the service broken. One file per rule, each with an ID (`AG0nn`),
//! the AWS fact it protects and its source, its check and its own tests
//! (rust-analyzer's ide-diagnostics layout); this file is the registry.
//!
//! A finding names the file, the block and its line, what is wrong and what
//! to do. The shared modules are verified once; when the roots of an
//! inventory are verified the rules see the modules too (so that a module
//! call can be checked against what the module does), but report only on the
//! files being verified.

mod policy;
pub(crate) mod tree;

mod alb_https;
mod alias_kms;
mod asg_key_policy;
mod backend_kms;
mod db_log_groups;
mod db_sg_cidr;
mod ebs_csi_kms;
mod ebs_default_opt_in;
mod eks_cni_order;
mod eks_endpoint;
mod engine_minor;
mod global_names;
mod key_policy_statements;
mod lb_targets;
mod protocol_ports;
mod required_vars;
mod service_principals;
mod sns_subscriptions;
mod subnets_az_id;
mod vm_user_data;
mod zone_by_id;

pub use tree::Sources;

use super::Finding;
use std::path::Path;
use tree::{Dir, Item, Tree};

/// One deployability rule.
pub struct Rule {
    /// Stable ID, e.g. `AG001`.
    pub id: &'static str,
    /// What the rule checks, in a line.
    pub summary: &'static str,
    check: fn(&Tree<'_>, &mut Sink<'_>),
}

/// Every rule, in ID order.
pub const RULES: &[Rule] = &[
    asg_key_policy::RULE,
    eks_cni_order::RULE,
    eks_endpoint::RULE,
    ebs_csi_kms::RULE,
    engine_minor::RULE,
    zone_by_id::RULE,
    subnets_az_id::RULE,
    global_names::RULE,
    backend_kms::RULE,
    required_vars::RULE,
    db_log_groups::RULE,
    service_principals::RULE,
    alb_https::RULE,
    protocol_ports::RULE,
    db_sg_cidr::RULE,
    alias_kms::RULE,
    lb_targets::RULE,
    vm_user_data::RULE,
    ebs_default_opt_in::RULE,
    sns_subscriptions::RULE,
    key_policy_statements::RULE,
];

/// Collects the findings of one rule.
pub struct Sink<'t> {
    rule: &'static Rule,
    tree: &'t Tree<'t>,
    findings: Vec<Finding>,
}

impl Sink<'_> {
    /// Report `problem` at line `line` of `file`, in `block`, with `fix`.
    pub fn report(&mut self, file: &Path, line: usize, block: &str, problem: &str, fix: &str) {
        if !self.tree.is_new(file) {
            return;
        }
        self.findings.push(Finding {
            file: file.to_path_buf(),
            message: format!("{} line {line}, {block}: {problem}; fix: {fix}", self.rule.id),
        });
    }

    /// Report `problem` at the header of `item` in `dir`.
    pub fn at(&mut self, dir: &Dir<'_>, item: &Item<'_>, problem: &str, fix: &str) {
        let line = dir.line(item);
        self.report(item.file, line, &item.header(), problem, fix);
    }
}

/// Run every rule over `own` (being verified) and `base` (verified earlier).
pub fn check(own: &Sources, base: &Sources) -> Vec<Finding> {
    let tree = Tree::new(own, base);
    let mut findings = Vec::new();
    for rule in RULES {
        let mut sink = Sink {
            rule,
            tree: &tree,
            findings: Vec::new(),
        };
        (rule.check)(&tree, &mut sink);
        findings.append(&mut sink.findings);
    }
    findings
}

#[cfg(test)]
pub(crate) mod test_support {
    //! Run one rule over files given inline.

    use super::*;
    use crate::emit::FileSet;
    use std::path::PathBuf;

    /// Messages of `rule` over `files` (all of them being verified).
    pub fn run(rule: &'static Rule, files: &[(&str, &str)]) -> Vec<String> {
        let set: FileSet = files.iter().map(|(p, t)| (PathBuf::from(p), t.to_string())).collect();
        let parsed = set
            .iter()
            .filter(|(p, _)| p.extension().is_some_and(|e| e == "tf"))
            .map(|(p, t)| {
                (
                    p.clone(),
                    hcl::parse(t).unwrap_or_else(|e| panic!("{}: {e}", p.display())),
                )
            })
            .collect();
        let own = Sources::new(&set, parsed);
        let base = Sources::default();
        let tree = Tree::new(&own, &base);
        let mut sink = Sink {
            rule,
            tree: &tree,
            findings: Vec::new(),
        };
        (rule.check)(&tree, &mut sink);
        sink.findings.into_iter().map(|f| f.to_string()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_ids_are_unique_and_in_order() {
        let ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
        let mut sorted = ids.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(ids, sorted);
        assert!(RULES
            .iter()
            .all(|r| r.id.len() == 5 && r.id.starts_with("AG") && !r.summary.is_empty()));
    }
}
