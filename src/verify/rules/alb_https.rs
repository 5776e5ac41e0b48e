//! AG013: a load balancer that users reach through a Route 53 name serves
//! HTTPS (a certificate on a 443 listener), not plain HTTP.
//!
//! AWS fact: an Application Load Balancer serves TLS only on an HTTPS
//! listener with a certificate; when the inventory has a hosted zone, ACM can
//! issue a DNS-validated certificate for the name in each region (ACM is
//! regional), so a public name served over plain HTTP is a choice, not a
//! limitation.
//! Source: Elastic Load Balancing User Guide for ALBs, "Create an HTTPS
//! listener"; AWS Certificate Manager User Guide, "DNS validation" and
//! "Supported Regions" (certificates are regional).

use super::tree::{attr, guard_on, text, Call, Dir, Tree};
use super::{Rule, Sink};
use hcl::Expression;

pub(super) const RULE: Rule = Rule {
    id: "AG013",
    summary: "a load balancer behind a Route 53 name serves HTTPS",
    check,
};

/// Whether the load balancer of `module` (as `call` configures it) has an
/// HTTPS listener; None when the module has no listener.
pub(super) fn serves_https(module: &Dir<'_>, call: Option<&Call<'_>>) -> Option<bool> {
    let listeners: Vec<_> = module.resources("aws_lb_listener").collect();
    if listeners.is_empty() {
        return None;
    }
    Some(listeners.iter().any(|l| {
        let protocol = match l.attr("protocol") {
            Some(Expression::String(p)) => Some(p.clone()),
            Some(e) => call.and_then(|c| text(e).strip_prefix("var.").and_then(|v| c.value(v)).map(text)),
            None => None,
        };
        protocol.as_deref() == Some("HTTPS") && guard_on(l.attr("count"), module, call)
    }))
}

/// For each Route 53 alias record a root makes through a module: the record
/// call and the load balancer call its alias targets.
pub(super) fn aliased<'a>(dir: &Dir<'a>) -> Vec<(Call<'a>, Call<'a>)> {
    let mut out = Vec::new();
    for record in dir.calls() {
        let Some(module) = record.module() else { continue };
        for r in module.resources("aws_route53_record") {
            for alias in r.body().blocks().filter(|b| b.identifier() == "alias") {
                let Some(var) = attr(alias.body(), "name")
                    .map(text)
                    .and_then(|t| t.strip_prefix("var.").map(str::to_string))
                else {
                    continue;
                };
                if let Some(target) = record.arg(&var).and_then(|e| dir.call_read_by(e)) {
                    out.push((record, target));
                }
            }
        }
    }
    out
}

fn check(tree: &Tree<'_>, sink: &mut Sink<'_>) {
    for dir in tree.dirs() {
        for (record, lb) in aliased(&dir) {
            let Some(module) = lb.module() else { continue };
            if serves_https(&module, Some(&lb)) == Some(false) {
                sink.report(
                    lb.item.file,
                    lb.line(),
                    &lb.item.header(),
                    &format!("users reach this load balancer through the Route 53 name of module \"{}\", but it serves plain HTTP only", record.label()),
                    "request a DNS-validated ACM certificate for the name in this region and serve it on an HTTPS listener (port 80 only redirecting to 443)",
                );
            }
        }
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::super::test_support::run;
    use super::RULE;

    pub(crate) const ALB: &str = r#"
variable "https" {
  type    = bool
  default = false
}

resource "aws_lb_listener" "http" {
  port     = 80
  protocol = "HTTP"
}

resource "aws_lb_listener" "https" {
  count    = var.https ? 1 : 0
  port     = 443
  protocol = "HTTPS"
}
"#;

    pub(crate) const RECORD: &str = "variable \"target\" {\n  type = string\n}\n\nresource \"aws_route53_record\" \"this\" {\n  alias {\n    name = var.target\n  }\n}\n";

    fn root(https: &str) -> String {
        format!("module \"lb\" {{\n  source = \"../modules/alb\"\n  https  = {https}\n}}\n\nmodule \"dns\" {{\n  source = \"../modules/route53_record\"\n  target = module.lb.dns_name\n}}\n")
    }

    #[test]
    fn fires_on_plain_http_behind_a_name() {
        let r = root("false");
        let msgs = run(
            &RULE,
            &[
                ("modules/alb/main.tf", ALB),
                ("modules/route53_record/main.tf", RECORD),
                ("a/main.tf", &r),
            ],
        );
        assert_eq!(msgs.len(), 1, "{msgs:?}");
        assert!(msgs[0].contains("AG013 line 1, module \"lb\": users reach this load balancer through the Route 53 name of module \"dns\""), "{msgs:?}");
        let r = root("true");
        assert!(run(
            &RULE,
            &[
                ("modules/alb/main.tf", ALB),
                ("modules/route53_record/main.tf", RECORD),
                ("a/main.tf", &r)
            ]
        )
        .is_empty());
    }
}
