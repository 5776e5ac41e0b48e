//! `eip`: Elastic IPs, one per instance of the VM (or bastion) they target.

use super::{Quantity, SizeClass, Spec};
use crate::inventory::{Asset, DrStrategy, Kind};
use crate::plan::{Expr, Planner, VarRole};
use crate::validate::{Check, ValidAsset};

/// One address per instance of a vm asset.
const EIP_QTY: crate::limits::Bound = crate::limits::Bound {
    min: 1,
    max: 100,
    why: "one Elastic IP per instance, and a vm asset has at most 100 instances",
};

/// The eip kind.
pub const SPEC: Spec = Spec {
    name: "eip",
    summary: "Elastic IPs attached to the instances of a vm (moves it to public subnets)",
    dr: &[DrStrategy::Active, DrStrategy::PilotLight, DrStrategy::None],
    dr_hints: &[],
    targets: &[Kind::Vm, Kind::Bastion],
    fields: &["target"],
    size: SizeClass::None,
    bounds: &[("qty", EIP_QTY)],
    draft: super::Draft {
        dr: (DrStrategy::PilotLight, "a minimal copy in DR, scaled up on failover"),
        ..super::Draft::PLAIN
    },
    category: super::Category::Other,
    aws_names: &[],
    needs_vpc: false,
    two_azs: false,
    needs_kms: false,
    singleton: false,
    modules: &["eip"],
    import_keywords: &[" ips ", " ip ", " elastic ip", " eip"],
    default_qty: 1,
    quantity: Quantity::Addresses,
    db_clients: super::DbClients::No,
    node_port: super::NodePort::Nothing,
    service_linked_roles: &[],
    quota: super::QuotaUse::None,
    alarms: &[],
};

/// An EIP asset's fields: only its target.
#[derive(Debug, Clone)]
pub struct Options;

/// An address points at one instance: no more than the target has; and a
/// vm gets one per instance, in each region (see [`check_every_vm_instance_addressed`]).
pub fn check(c: &mut Check<'_>, a: &Asset) -> Options {
    if let Some((_, t)) = a.target.as_deref().and_then(|t| c.named(t)) {
        // A target with qty 0 has its own error; "use qty 0 or less" would mislead.
        if t.qty() > 0 && a.qty() > t.qty() {
            c.error(
                "qty",
                format!("{} Elastic IPs for {} instances of `{}`", a.qty(), t.qty(), t.name),
                format!("an Elastic IP points at one instance: use qty {} or less", t.qty()),
            );
        } else if t.kind == Kind::Vm {
            check_every_vm_instance_addressed(c, a, t);
        }
    }
    Options
}

/// Elastic IPs move their vm into the public subnets, whose only route out
/// is the internet gateway: an instance there without a public address has
/// no internet access (Amazon VPC UG, "Enable internet access for a VPC
/// using an internet gateway": instances need a public IPv4 address or an
/// Elastic IP), so its boot (`dnf install`, the image pull) can never
/// succeed. Every instance needs its address, in the primary and in DR.
fn check_every_vm_instance_addressed(c: &mut Check<'_>, a: &Asset, vm: &Asset) {
    let regions = [
        ("primary", a.qty(), vm.qty(), true),
        ("DR", a.dr_count(), vm.dr_count(), a.in_dr() && vm.in_dr()),
    ];
    for (region, ips, instances, both) in regions {
        if both && instances > 0 && ips < instances {
            c.error(
                "qty",
                format!(
                    "{ips} Elastic IPs for {instances} instances of `{}` in the {region} region: the Elastic IPs move `{}` into public subnets, where an instance without one has no route to the internet and its boot (dnf, image pull) fails",
                    vm.name, vm.name
                ),
                format!(
                    "give every instance its address (qty {}, and the same DR count as `{}`), or drop the eip so the instances stay in private subnets behind NAT",
                    vm.qty(),
                    vm.name
                ),
            );
            return;
        }
    }
}

/// The addresses, as many as the target runs here.
pub fn plan(p: &mut Planner<'_>, a: &ValidAsset, _o: &Options) {
    let id = a.ident();
    let Some(target) = a.target.as_deref().and_then(|t| p.asset(t)) else {
        return;
    };
    let n = p.count_here(a).min(p.count_here(target));
    let count = p.var(
        &format!("{id}_count"),
        &format!(
            "Number of Elastic IPs of {} (one per instance of {}).",
            a.name, target.name
        ),
        "number",
        Expr::Num(i64::from(n)),
        VarRole::Capacity,
    );
    let mut m = p.call(&id, "eip", a);
    m.arg("name", Expr::s(p.name(a)))
        .arg("eip_count", count)
        .arg("instance_ids", Expr::module(target.ident(), "instance_ids"));
    let tags = p.tags(Some(a));
    p.push(m, Some(tags));
    p.output(
        format!("{id}_public_ips"),
        format!("Elastic IPs of {}.", a.name),
        Expr::module(&id, "public_ips"),
    );
}

/// Recovery objectives: the addresses follow their instances: pilot light
/// scales them up by a targeted apply, then traffic moves.
pub fn objective(ctx: &crate::objectives::Context<'_>, a: &Asset) -> crate::objectives::Estimate {
    match a.dr {
        DrStrategy::None => crate::objectives::Estimate::not_in_dr(),
        DrStrategy::PilotLight => crate::objectives::pilot_light(ctx, a, crate::objectives::INSTANCES_SCALE_UP),
        _ => crate::objectives::full_capacity(ctx, a),
    }
}

#[cfg(test)]
mod tests {
    use crate::kinds::testing::{arg, module, planned, WEB};

    #[test]
    fn eip_moves_its_vm_to_public_subnets() {
        let p = planned(&format!("{WEB}  - {{kind: eip, name: ips, qty: 2, target: app, dr: active}}\n"));
        assert_eq!(arg(module(&p.primary, "app").unwrap(), "subnet_ids"), "module.vpc.public_subnet_ids");
        assert_eq!(arg(module(&p.primary, "ips").unwrap(), "eip_count"), "var.ips_count");
    }

    #[test]
    fn fewer_addresses_than_instances_in_public_subnets_are_refused() {
        let errors = crate::kinds::testing::errors(&format!(
            "{WEB}  - {{kind: eip, name: ips, qty: 1, target: app, dr: active}}\n"
        ));
        assert!(
            errors.iter().any(|e| e.contains("1 Elastic IPs for 2 instances of `app` in the primary region")
                && e.contains("no route to the internet")),
            "{errors:?}"
        );
    }

    #[test]
    fn a_pilot_light_address_count_must_cover_the_dr_instances() {
        let errors = crate::kinds::testing::errors(&format!(
            "{WEB}  - {{kind: eip, name: ips, qty: 2, dr_qty: 1, target: app, dr: pilot-light}}\n"
        ));
        assert!(
            errors.iter().any(|e| e.contains("1 Elastic IPs for 2 instances of `app` in the DR region")),
            "{errors:?}"
        );
    }
}
