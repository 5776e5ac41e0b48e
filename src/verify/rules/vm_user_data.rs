//! AG018: a VM behind a load balancer boots an application: its instances
//! have `user_data` that starts what the inventory names, and the call gives
//! every value that user data needs.
//!
//! AWS fact: an instance from a stock AMI (Amazon Linux 2023) serves nothing;
//! the target group's health check then never passes, the load balancer has
//! no healthy target and Route 53 / Global Accelerator fail the region over.
//! User data runs at first boot and is how an unmodified AMI starts an
//! application.
//! Source: Amazon EC2 User Guide, "Run commands when you launch an EC2
//! instance with user data input"; ELB User Guide for ALBs, "Health checks
//! for Application Load Balancer target groups".

use super::tree::Tree;
use super::{Rule, Sink};
use hcl::Expression;

pub(super) const RULE: Rule = Rule {
    id: "AG018",
    summary: "a VM behind a load balancer boots an application through user_data",
    check,
};

const FIX: &str = "boot the application the inventory names (a container image or artifact, on the port the load balancer's health check reads) through user_data, and set the module arguments it needs";

/// Variables `user_data` turns off when null (`var.x == null ? null : ...`).
fn nullable_inputs(resolved: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = resolved;
    while let Some(i) = rest.find("var.") {
        let name: String = rest[i + 4..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let after = rest[i + 4 + name.len()..].trim_start();
        if after.starts_with("== null ? null") {
            out.push(name.clone());
        }
        rest = &rest[i + 4 + name.len()..];
    }
    out
}

fn check(tree: &Tree<'_>, sink: &mut Sink<'_>) {
    for dir in tree.dirs().filter(|d| d.is_root()) {
        for vm in dir.calls() {
            let Some(module) = vm.module() else { continue };
            let Some(instance) = module.resources("aws_instance").next() else {
                continue;
            };
            let behind_lb = dir.reads_of(vm.label()).iter().any(|(from, _)| {
                (from.strip_prefix("module.") != Some(vm.label()))
                    && dir
                        .module_at(from)
                        .is_some_and(|m| m.resources("aws_lb_target_group").next().is_some())
            });
            if !behind_lb {
                continue;
            }
            let Some(user_data) = instance.attr("user_data").or_else(|| instance.attr("user_data_base64")) else {
                sink.report(
                    vm.item.file,
                    vm.line(),
                    &vm.item.header(),
                    &format!("its instances are load balancer targets, but {} in {} has no user_data: nothing serves the health check", instance.header(), module.path.display()),
                    FIX,
                );
                continue;
            };
            for var in nullable_inputs(&module.resolved(user_data)) {
                if matches!(vm.value(&var), None | Some(Expression::Null)) {
                    sink.report(
                        vm.item.file,
                        vm.line(),
                        &vm.item.header(),
                        &format!("its instances are load balancer targets, but `{var}` is not set, so their user_data is null and they boot no application"),
                        FIX,
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::run;
    use super::RULE;

    const VM: &str = "variable \"app_image\" {\n  type    = string\n  default = null\n}\n\nlocals {\n  user_data = var.app_image == null ? null : \"docker run ${var.app_image}\"\n}\n\nresource \"aws_instance\" \"this\" {\n  user_data = local.user_data\n}\n";
    const ALB: &str = "resource \"aws_lb_target_group\" \"this\" {}\n";

    fn root(arg: &str) -> String {
        format!("provider \"aws\" {{}}\n\nmodule \"app\" {{\n  source = \"../modules/vm\"\n{arg}\n}}\n\nmodule \"lb\" {{\n  source = \"../modules/alb\"\n  ids    = module.app.instance_ids\n}}\n")
    }

    #[test]
    fn fires_when_targets_boot_nothing() {
        let r = root("");
        let msgs = run(
            &RULE,
            &[
                ("modules/vm/main.tf", VM),
                ("modules/alb/main.tf", ALB),
                ("a/main.tf", &r),
            ],
        );
        assert_eq!(msgs.len(), 1, "{msgs:?}");
        assert!(
            msgs[0].contains(
                "AG018 line 3, module \"app\": its instances are load balancer targets, but `app_image` is not set"
            ),
            "{msgs:?}"
        );
        let r = root("  app_image = \"nginx:stable\"");
        assert!(run(
            &RULE,
            &[
                ("modules/vm/main.tf", VM),
                ("modules/alb/main.tf", ALB),
                ("a/main.tf", &r)
            ]
        )
        .is_empty());
        let bare = VM.replace("  user_data = local.user_data\n", "");
        assert!(run(
            &RULE,
            &[
                ("modules/vm/main.tf", &bare),
                ("modules/alb/main.tf", ALB),
                ("a/main.tf", &r)
            ]
        )[0]
        .contains("has no user_data"));
    }
}
