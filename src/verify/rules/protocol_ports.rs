//! AG014: protocol and port agree end to end: the Route 53 health check and
//! the Global Accelerator endpoint group's health check use the protocol the
//! load balancer serves (HTTPS on 443 when it has a certificate, HTTP on 80
//! otherwise), health-check ports match their protocol, and the accelerator
//! listens on the port the load balancer serves.
//!
//! AWS fact: Route 53 counts 2xx/3xx answers as healthy, so an HTTP:80 check
//! against a listener that only redirects to HTTPS reports healthy whatever
//! the application does, and an HTTPS:443 check against a load balancer
//! without an HTTPS listener always fails; Global Accelerator (layer 4)
//! forwards only the ports of its listener, so an HTTPS load balancer behind
//! a listener on 80 alone is reachable only through the redirect.
//! Source: Route 53 Developer Guide, "How Amazon Route 53 determines whether
//! a health check is healthy"; Global Accelerator Developer Guide,
//! "Listeners" and "Health check options"; ELB ALB "Listeners".

use super::alb_https::{aliased, serves_https};
use super::tree::{attr, blocks, text, texts, Call, Dir, Tree};
use super::{Rule, Sink};
use hcl::Expression;

pub(super) const RULE: Rule = Rule {
    id: "AG014",
    summary:
        "protocol and port agree between load balancer, Route 53 and Global Accelerator health checks and listeners",
    check,
};

/// Protocol of `e`: a literal, or the value `call` gives the variable it names.
fn protocol(e: Option<&Expression>, call: Option<&Call<'_>>) -> Option<String> {
    match e? {
        Expression::String(p) => Some(p.clone()),
        other => {
            let v = text(other).strip_prefix("var.")?.to_string();
            call?.value(&v).map(text)
        }
    }
}

fn port_for(protocol: &str) -> &'static str {
    if protocol == "HTTPS" {
        "443"
    } else {
        "80"
    }
}

/// The label of the accelerator whose listener ARN `expr` (as text) reads
/// from the fact store: `module.facts.values["primary/edge_listener_arn"]`
/// is `edge`'s.
fn published_listener(expr: &str) -> Option<String> {
    let key = expr.split_once("values[\"")?.1.split_once('"')?.0;
    let (_, fact) = key.split_once('/')?;
    fact.strip_suffix("_listener_arn").map(str::to_string)
}

/// Ports a Global Accelerator module's listener forwards, as `call` sets them.
fn accelerator_ports(module: &Dir<'_>, call: &Call<'_>) -> Vec<String> {
    let mut ports = Vec::new();
    for l in module.resources("aws_globalaccelerator_listener") {
        for b in l.body().blocks() {
            match b.identifier() {
                "port_range" => ports.extend(attr(b.body(), "from_port").map(text)),
                "dynamic" => {
                    if let Some(v) = attr(b.body(), "for_each")
                        .map(text)
                        .and_then(|t| t.strip_prefix("var.").map(str::to_string))
                    {
                        ports.extend(call.value(&v).map(texts).unwrap_or_default());
                    }
                }
                _ => {}
            }
        }
    }
    ports
}

fn check_health_check_ports(dir: &Dir<'_>, sink: &mut Sink<'_>) {
    for (ty, proto_key, port_key) in [
        ("aws_route53_health_check", "type", "port"),
        (
            "aws_globalaccelerator_endpoint_group",
            "health_check_protocol",
            "health_check_port",
        ),
    ] {
        for hc in dir.resources(ty) {
            let (Some(p), Some(Expression::Number(port))) = (hc.attr(proto_key), hc.attr(port_key)) else {
                continue;
            };
            let port = port.to_string();
            let consistent = match p {
                Expression::String(p) => port_for(p) == port,
                _ => false,
            };
            if !consistent {
                sink.at(
                    dir,
                    &hc,
                    &format!("{port_key} is fixed to {port} while {proto_key} is {}", text(p)),
                    &format!(
                        "derive the port from the protocol: {port_key} = {} == \"HTTPS\" ? 443 : 80",
                        text(p)
                    ),
                );
            }
        }
    }
}

fn check(tree: &Tree<'_>, sink: &mut Sink<'_>) {
    for dir in tree.dirs() {
        check_health_check_ports(&dir, sink);
        if !dir.is_root() {
            continue;
        }
        // Route 53 failover health checks against the load balancer.
        for (record, lb) in aliased(&dir) {
            let (Some(rm), Some(lm)) = (record.module(), lb.module()) else {
                continue;
            };
            let Some(https) = serves_https(&lm, Some(&lb)) else {
                continue;
            };
            for hc in rm.resources("aws_route53_health_check") {
                let Some(p) = protocol(hc.attr("type"), Some(&record)) else {
                    continue;
                };
                // A CALCULATED (or CLOUDWATCH_METRIC) check probes nothing:
                // it combines other checks, which this loop sees themselves.
                if !p.starts_with("HTTP") {
                    continue;
                }
                if (p == "HTTPS") != https {
                    sink.report(
                        record.item.file,
                        record.line(),
                        &record.item.header(),
                        &format!(
                            "the health check probes {p}:{} while load balancer module \"{}\" serves {}",
                            port_for(&p),
                            lb.label(),
                            if https {
                                "HTTPS on 443 (port 80 only redirects, which Route 53 counts as healthy)"
                            } else {
                                "plain HTTP on 80 (nothing answers on 443)"
                            }
                        ),
                        &format!(
                            "set the health check protocol to {}",
                            if https { "HTTPS" } else { "HTTP" }
                        ),
                    );
                }
            }
        }
        // Global Accelerator endpoint groups and listeners.
        for group in dir.calls() {
            let Some(gm) = group.module() else { continue };
            for eg in gm.resources("aws_globalaccelerator_endpoint_group") {
                let endpoint = blocks(eg.body(), "endpoint_configuration")
                    .find_map(|b| attr(b.body(), "endpoint_id"))
                    .map(text)
                    .and_then(|t| t.strip_prefix("var.").map(str::to_string))
                    .and_then(|v| group.arg(&v))
                    .and_then(|e| dir.call_read_by(e));
                let Some(lb) = endpoint else { continue };
                let Some(https) = lb.module().and_then(|m| serves_https(&m, Some(&lb))) else {
                    continue;
                };
                let want = if https { "HTTPS" } else { "HTTP" };
                if let Some(p) = protocol(eg.attr("health_check_protocol"), Some(&group)) {
                    if p != want {
                        sink.report(
                            group.item.file,
                            group.line(),
                            &group.item.header(),
                            &format!(
                                "the endpoint group checks {p} while load balancer module \"{}\" serves {want}",
                                lb.label()
                            ),
                            &format!("set health_check_protocol = \"{want}\""),
                        );
                    }
                }
                // The accelerator's listener: in this root, or in a sibling root of the inventory.
                let listener = eg
                    .attr("listener_arn")
                    .map(text)
                    .and_then(|t| t.strip_prefix("var.").map(str::to_string))
                    .and_then(|v| group.arg(&v));
                let listener_call = listener.and_then(|e| dir.call_read_by(e));
                // Read from the fact store, the listener names its accelerator:
                // `module.facts.values["<root>/<label>_listener_arn"]`.
                let published_by = listener.map(text).and_then(|t| published_listener(&t));
                let siblings: Vec<Dir<'_>> = tree.dirs().filter(|d| d.path.parent() == dir.path.parent()).collect();
                let accelerator = listener_call
                    .into_iter()
                    .chain(siblings.iter().flat_map(|d| d.calls().collect::<Vec<_>>()))
                    .find(|c| {
                        published_by.as_deref().is_none_or(|label| c.label() == label)
                            && c.module()
                                .is_some_and(|m| m.resources("aws_globalaccelerator_listener").next().is_some())
                    });
                let Some(acc) = accelerator else { continue };
                let Some(am) = acc.module() else { continue };
                let ports = accelerator_ports(&am, &acc);
                let need = port_for(want);
                if !ports.iter().any(|p| p == need) {
                    sink.report(
                        acc.item.file,
                        acc.line(),
                        &acc.item.header(),
                        &format!(
                            "the accelerator listens on [{}] but load balancer module \"{}\" (in {}) serves {want} on {need}",
                            ports.join(", "),
                            lb.label(),
                            dir.path.display()
                        ),
                        &format!("add port {need} to the accelerator's listener"),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::alb_https::tests::{ALB, RECORD};
    use super::super::test_support::run;
    use super::RULE;

    fn record_module() -> String {
        format!("{RECORD}\nvariable \"protocol\" {{\n  type = string\n}}\n\nresource \"aws_route53_health_check\" \"this\" {{\n  type = var.protocol\n  port = var.protocol == \"HTTPS\" ? 443 : 80\n}}\n")
    }

    fn root(protocol: &str) -> String {
        format!("provider \"aws\" {{}}\n\nmodule \"lb\" {{\n  source = \"../modules/alb\"\n  https  = true\n}}\n\nmodule \"dns\" {{\n  source   = \"../modules/route53_record\"\n  target   = module.lb.dns_name\n  protocol = \"{protocol}\"\n}}\n")
    }

    #[test]
    fn fires_when_the_health_check_protocol_differs_from_the_listener() {
        let rm = record_module();
        let r = root("HTTP");
        let msgs = run(
            &RULE,
            &[
                ("modules/alb/main.tf", ALB),
                ("modules/route53_record/main.tf", &rm),
                ("a/main.tf", &r),
            ],
        );
        assert_eq!(msgs.len(), 1, "{msgs:?}");
        assert!(msgs[0].contains("AG014 line 8, module \"dns\": the health check probes HTTP:80 while load balancer module \"lb\" serves HTTPS"), "{msgs:?}");
        let r = root("HTTPS");
        assert!(run(
            &RULE,
            &[
                ("modules/alb/main.tf", ALB),
                ("modules/route53_record/main.tf", &rm),
                ("a/main.tf", &r)
            ]
        )
        .is_empty());
    }

    #[test]
    fn a_calculated_check_over_the_endpoint_check_probes_nothing() {
        let rm = format!(
            "{}\nresource \"aws_route53_health_check\" \"rotation\" {{\n  type                   = \"CALCULATED\"\n  child_healthchecks     = [aws_route53_health_check.this.id]\n  child_health_threshold = 1\n}}\n",
            record_module()
        );
        let files = |r: &str| -> Vec<String> {
            run(
                &RULE,
                &[
                    ("modules/alb/main.tf", ALB),
                    ("modules/route53_record/main.tf", &rm),
                    ("a/main.tf", r),
                ],
            )
        };
        assert!(files(&root("HTTPS")).is_empty(), "{:?}", files(&root("HTTPS")));
        // The endpoint check beside it is still checked.
        assert_eq!(files(&root("HTTP")).len(), 1);
    }

    #[test]
    fn fires_on_a_fixed_port() {
        let hc = "resource \"aws_route53_health_check\" \"h\" {\n  type = var.protocol\n  port = 80\n}\n";
        let msgs = run(&RULE, &[("m/main.tf", hc)]);
        assert!(
            msgs[0].contains("port is fixed to 80 while type is var.protocol"),
            "{msgs:?}"
        );
    }

    #[test]
    fn fires_when_the_accelerator_misses_the_https_port() {
        let ga = "variable \"ports\" {\n  type = list(number)\n}\n\nresource \"aws_globalaccelerator_listener\" \"this\" {\n  dynamic \"port_range\" {\n    for_each = var.ports\n    content {\n      from_port = port_range.value\n    }\n  }\n}\n";
        let eg = "variable \"listener_arn\" {\n  type = string\n}\n\nvariable \"endpoint_arn\" {\n  type = string\n}\n\nresource \"aws_globalaccelerator_endpoint_group\" \"this\" {\n  listener_arn          = var.listener_arn\n  health_check_protocol = \"HTTPS\"\n  health_check_port     = 443\n  endpoint_configuration {\n    endpoint_id = var.endpoint_arn\n  }\n}\n";
        let root = "provider \"aws\" {}\n\nmodule \"lb\" {\n  source = \"../modules/alb\"\n  https  = true\n}\n\nmodule \"edge\" {\n  source = \"../modules/ga\"\n  ports  = [80]\n}\n\nmodule \"group\" {\n  source       = \"../modules/ga_endpoint_group\"\n  listener_arn = module.edge.listener_arn\n  endpoint_arn = module.lb.arn\n}\n";
        let msgs = run(
            &RULE,
            &[
                ("modules/alb/main.tf", ALB),
                ("modules/ga/main.tf", ga),
                ("modules/ga_endpoint_group/main.tf", eg),
                ("a/main.tf", root),
            ],
        );
        assert_eq!(msgs.len(), 1, "{msgs:?}");
        assert!(
            msgs[0].contains("module \"edge\": the accelerator listens on [80]"),
            "{msgs:?}"
        );
    }

    /// Found by the fuzz test: a DR endpoint group reads its listener from
    /// the fact store, and with two accelerators in the primary the rule
    /// took the first one, not the one the fact names.
    #[test]
    fn a_dr_endpoint_group_is_checked_against_the_accelerator_its_fact_names() {
        let ga = "variable \"ports\" {\n  type = list(number)\n}\n\nresource \"aws_globalaccelerator_listener\" \"this\" {\n  dynamic \"port_range\" {\n    for_each = var.ports\n    content {\n      from_port = port_range.value\n    }\n  }\n}\n";
        let eg = "variable \"listener_arn\" {\n  type = string\n}\n\nvariable \"endpoint_arn\" {\n  type = string\n}\n\nresource \"aws_globalaccelerator_endpoint_group\" \"this\" {\n  listener_arn          = var.listener_arn\n  health_check_protocol = \"HTTPS\"\n  health_check_port     = 443\n  endpoint_configuration {\n    endpoint_id = var.endpoint_arn\n  }\n}\n";
        let facts = "output \"values\" {\n  value = {}\n}\n";
        let primary = "provider \"aws\" {}\n\nmodule \"plain\" {\n  source = \"../../modules/ga\"\n  ports  = [80]\n}\n\nmodule \"secure\" {\n  source = \"../../modules/ga\"\n  ports  = [443]\n}\n";
        let dr = |fact: &str| {
            format!(
                "provider \"aws\" {{}}\n\nmodule \"facts\" {{\n  source = \"../../modules/facts\"\n}}\n\nmodule \"lb\" {{\n  source = \"../../modules/alb\"\n  https  = true\n}}\n\nmodule \"group\" {{\n  source       = \"../../modules/ga_endpoint_group\"\n  listener_arn = module.facts.values[\"primary/{fact}_listener_arn\"]\n  endpoint_arn = module.lb.arn\n}}\n"
            )
        };
        let msgs = |fact: &str| {
            let dr = dr(fact);
            run(
                &RULE,
                &[
                    ("modules/alb/main.tf", ALB),
                    ("modules/ga/main.tf", ga),
                    ("modules/ga_endpoint_group/main.tf", eg),
                    ("modules/facts/main.tf", facts),
                    ("inv/primary/main.tf", primary),
                    ("inv/dr/main.tf", &dr),
                ],
            )
        };
        assert_eq!(msgs("secure"), Vec::<String>::new());
        let found = msgs("plain");
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].contains("module \"plain\": the accelerator listens on [80]"),
            "{found:?}"
        );
        assert_eq!(
            super::published_listener("module.facts.values[\"primary/edge_listener_arn\"]").as_deref(),
            Some("edge")
        );
        assert_eq!(super::published_listener("module.edge.listener_arn"), None);
    }
}
