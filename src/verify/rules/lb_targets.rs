//! AG017: every load balancer target group gets targets: `ip` targets only
//! with the AWS Load Balancer Controller in the root (TargetGroupBinding),
//! `instance` targets only with something registering instances (target
//! attachments or an Auto Scaling group attachment; the controller registers
//! only through a TargetGroupBinding, which acmegen does not create).
//!
//! AWS fact: a target group receives targets only through RegisterTargets
//! (target group attachments, an Auto Scaling group attached to it, or a
//! controller such as the AWS Load Balancer Controller registering pod IPs);
//! an empty target group has no healthy target, so the load balancer answers
//! 503 and Route 53 / Global Accelerator see the region as unhealthy.
//! Source: Elastic Load Balancing User Guide for ALBs, "Register targets with
//! your target group" and "Target type"; Amazon EC2 Auto Scaling User Guide,
//! "Attach a load balancer"; AWS Load Balancer Controller docs,
//! "TargetGroupBinding".

use super::tree::{guard_on, is_empty, text, Call, Dir, Tree};
use super::{Rule, Sink};
use hcl::Expression;

pub(super) const RULE: Rule = Rule {
    id: "AG017",
    summary: "load balancer target groups get targets (ip targets need the Load Balancer Controller)",
    check,
};

/// Whether the root runs the AWS Load Balancer Controller.
fn has_controller(dir: &Dir<'_>) -> bool {
    let is_lbc = |t: &str| t.contains("aws-load-balancer-controller");
    dir.resources("helm_release")
        .any(|h| h.attr("chart").is_some_and(|c| is_lbc(&text(c))))
        || dir.calls().any(|c| {
            c.module().is_some_and(|m| {
                m.resources("helm_release").any(|h| {
                    h.attr("chart").is_some_and(|ch| is_lbc(&text(ch))) && guard_on(h.attr("count"), &m, Some(&c))
                })
            })
        })
}

/// Whether a module that declares a TargetGroupBinding (outside comments) is
/// given `lb`'s target group: the only way the controller registers pods in a
/// target group it did not create.
fn has_binding(dir: &Dir<'_>, lb: &Call<'_>) -> bool {
    let declares = |d: &Dir<'_>| {
        d.tf_files().iter().any(|f| {
            d.tree().text(f).is_some_and(|t| {
                t.lines()
                    .filter(|l| !l.trim_start().starts_with('#'))
                    .any(|l| l.contains("\"TargetGroupBinding\"") || l.contains("\"targetGroupBinding\""))
            })
        })
    };
    given_the_target_group(dir, lb).any(|m| declares(&m))
}

/// The modules, other than `lb`'s own, that the root gives `lb`'s target group ARN.
fn given_the_target_group<'a>(dir: &'a Dir<'a>, lb: &'a Call<'a>) -> impl Iterator<Item = Dir<'a>> + 'a {
    let own = format!("module.{}", lb.label());
    dir.reads_of(lb.label())
        .iter()
        .filter(move |(from, output)| *from != own && output == "target_group_arn")
        .filter_map(|(from, _)| dir.module_at(from))
}

/// Whether something in the root registers instances with `lb`'s target group.
fn registers_instances(dir: &Dir<'_>, lb: &Call<'_>, module: &Dir<'_>) -> bool {
    let attached = module.resources("aws_lb_target_group_attachment").any(|a| {
        let count = a.attr("count").map(text).unwrap_or_default();
        match count.strip_prefix("length(var.").and_then(|r| r.strip_suffix(')')) {
            Some(v) => lb.value(v).is_some_and(|e| !is_empty(e)),
            None => true,
        }
    });
    // Only a reader that attaches Auto Scaling groups or targets registers
    // anything; a reader that merely scopes IAM to the ARN (the add-ons'
    // controller policy) leaves the target group empty.
    let registers = |m: Dir<'_>| {
        m.resources("aws_autoscaling_attachment").next().is_some()
            || m.resources("aws_lb_target_group_attachment").next().is_some()
            || m.resources("aws_autoscaling_group")
                .any(|g| g.attr("target_group_arns").is_some())
    };
    attached || given_the_target_group(dir, lb).any(registers)
}

fn check(tree: &Tree<'_>, sink: &mut Sink<'_>) {
    for dir in tree.dirs().filter(|d| d.is_root()) {
        let controller = has_controller(&dir);
        for lb in dir.calls() {
            let Some(module) = lb.module() else { continue };
            for tg in module.resources("aws_lb_target_group") {
                let kind = match tg.attr("target_type") {
                    None => "instance".to_string(),
                    Some(Expression::String(t)) => t.clone(),
                    Some(e) => match text(e).strip_prefix("var.").and_then(|v| lb.value(v)) {
                        Some(Expression::String(t)) => t.clone(),
                        _ => continue,
                    },
                };
                let problem = match kind.as_str() {
                    "ip" if !controller => "has ip targets, but no AWS Load Balancer Controller in this root registers pods: the target group stays empty",
                    "ip" if !has_binding(&dir, &lb) => "has ip targets, but no TargetGroupBinding binds it to a Service: the AWS Load Balancer Controller registers nothing in it and the target group stays empty",
                    "instance" if !registers_instances(&dir, &lb, &module) => {
                        "has instance targets, but nothing in this root registers instances (no target attachments, no Auto Scaling group given its target group): the target group stays empty"
                    }
                    _ => continue,
                };
                sink.report(
                    lb.item.file,
                    lb.line(),
                    &lb.item.header(),
                    &format!("{} {problem}", tg.header()),
                    "register targets: pass the instances (target_instance_ids), or give the target group ARN to the node group's Auto Scaling group as instance targets on a NodePort, or install the AWS Load Balancer Controller for ip targets",
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::run;
    use super::RULE;

    const ALB: &str = "variable \"target_type\" {\n  type = string\n}\n\nvariable \"ids\" {\n  type    = list(string)\n  default = []\n}\n\nresource \"aws_lb_target_group\" \"this\" {\n  target_type = var.target_type\n}\n\nresource \"aws_lb_target_group_attachment\" \"this\" {\n  count     = length(var.ids)\n  target_id = var.ids[count.index]\n}\n";

    const EKS: &str =
        "resource \"aws_autoscaling_attachment\" \"this\" {\n  lb_target_group_arn = var.target_group_arns[0]\n}\n";
    const ADDONS: &str = "resource \"helm_release\" \"lbc\" {\n  chart = \"aws-load-balancer-controller\"\n}\n\ndata \"aws_iam_policy_document\" \"lbc\" {\n  statement {\n    resources = var.target_group_arns\n  }\n}\n";

    fn root(args: &str, more: &str) -> String {
        format!("provider \"aws\" {{}}\n\nmodule \"lb\" {{\n  source = \"../modules/alb\"\n{args}\n}}\n{more}")
    }

    #[test]
    fn fires_on_instance_targets_nobody_registers() {
        let r = root("  target_type = \"instance\"", "");
        let msgs = run(&RULE, &[("modules/alb/main.tf", ALB), ("a/main.tf", &r)]);
        assert_eq!(msgs.len(), 1, "{msgs:?}");
        assert!(msgs[0].contains("AG017 line 3, module \"lb\": resource \"aws_lb_target_group\" \"this\" has instance targets, but nothing"), "{msgs:?}");
        let r = root(
            "  target_type = \"instance\"\n  ids         = module.vm.instance_ids",
            "",
        );
        assert!(run(&RULE, &[("modules/alb/main.tf", ALB), ("a/main.tf", &r)]).is_empty());
        let r = root("  target_type = \"instance\"", "\nmodule \"k\" {\n  source            = \"../modules/eks\"\n  target_group_arns = [module.lb.target_group_arn]\n}\n");
        assert!(run(
            &RULE,
            &[
                ("modules/alb/main.tf", ALB),
                ("modules/eks/main.tf", EKS),
                ("a/main.tf", &r)
            ]
        )
        .is_empty());
        // A reader that only scopes IAM to the ARN registers nothing, even
        // with the Load Balancer Controller installed.
        let r = root("  target_type = \"instance\"", "\nmodule \"k\" {\n  source            = \"../modules/addons\"\n  target_group_arns = [module.lb.target_group_arn]\n}\n");
        let msgs = run(
            &RULE,
            &[
                ("modules/alb/main.tf", ALB),
                ("modules/addons/main.tf", ADDONS),
                ("a/main.tf", &r),
            ],
        );
        assert_eq!(msgs.len(), 1, "{msgs:?}");
    }

    #[test]
    fn fires_on_ip_targets_without_the_controller() {
        let r = root("  target_type = \"ip\"", "\nmodule \"k\" {\n  source            = \"../modules/eks\"\n  target_group_arns = [module.lb.target_group_arn]\n}\n");
        let msgs = run(&RULE, &[("modules/alb/main.tf", ALB), ("a/main.tf", &r)]);
        assert!(
            msgs[0].contains("has ip targets, but no AWS Load Balancer Controller"),
            "{msgs:?}"
        );
        let lbc = "resource \"helm_release\" \"lbc\" {\n  chart = \"aws-load-balancer-controller\"\n}\n";
        let r = root(
            "  target_type = \"ip\"",
            "\nmodule \"addons\" {\n  source = \"../modules/addons\"\n}\n",
        );
        // The controller alone registers nothing in a target group it did not create.
        let msgs = run(
            &RULE,
            &[
                ("modules/alb/main.tf", ALB),
                ("modules/addons/main.tf", lbc),
                ("a/main.tf", &r),
            ],
        );
        assert!(
            msgs.len() == 1 && msgs[0].contains("no TargetGroupBinding binds it"),
            "{msgs:?}"
        );
        let app = "# a TargetGroupBinding in a comment binds nothing\nlocals {\n  binding = { kind = \"TargetGroupBinding\", arn = var.target_group_arn }\n}\n";
        let r = root(
            "  target_type = \"ip\"",
            "\nmodule \"addons\" {\n  source = \"../modules/addons\"\n}\n\nmodule \"app\" {\n  source           = \"../modules/app\"\n  target_group_arn = module.lb.target_group_arn\n}\n",
        );
        let with_app = |app: &str| {
            run(
                &RULE,
                &[
                    ("modules/alb/main.tf", ALB),
                    ("modules/addons/main.tf", lbc),
                    ("modules/app/main.tf", app),
                    ("a/main.tf", &r),
                ],
            )
        };
        assert!(with_app(app).is_empty(), "{:?}", with_app(app));
        assert_eq!(with_app("# kind = \"TargetGroupBinding\"\n").len(), 1);
    }
}
