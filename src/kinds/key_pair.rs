//! `key_pair`: an EC2 key pair (public key only) for VMs and bastions.

use super::{Quantity, SizeClass, Spec};
use crate::inventory::{Asset, DrStrategy};
use crate::plan::{Expr, Planner};
use crate::validate::{Check, ValidAsset};

/// The key_pair kind.
pub const SPEC: Spec = Spec {
    name: "key_pair",
    summary: "EC2 key pair; DR imports the same public key",
    dr: &[DrStrategy::Active, DrStrategy::None],
    dr_hints: &[],
    targets: &[],
    fields: &[],
    size: SizeClass::None,
    bounds: super::QTY_ONLY,
    draft: super::Draft::PLAIN,
    category: super::Category::Other,
    aws_names: &[],
    needs_vpc: false,
    two_azs: false,
    needs_kms: false,
    singleton: false,
    modules: &["key_pair"],
    import_keywords: &[" key pair", " ssh key"],
    default_qty: 1,
    quantity: Quantity::None,
    db_clients: super::DbClients::No,
    node_port: super::NodePort::Nothing,
    service_linked_roles: &[],
    quota: super::QuotaUse::None,
    alarms: &[],
};

/// A key pair has no options: its public key is a root variable.
#[derive(Debug, Clone)]
pub struct Options;

/// Nothing beyond the common checks.
pub fn check(_c: &mut Check<'_>, _a: &Asset) -> Options {
    Options
}

/// The key pair, its public key asked from the user.
pub fn plan(p: &mut Planner<'_>, a: &ValidAsset, _o: &Options) {
    let id = a.ident();
    let key = p.required_var(
        &format!("{id}_public_key"),
        &format!(
            "OpenSSH public key of key pair {} (public material only; keep the private key outside Terraform).",
            a.name
        ),
        "string",
        Expr::s("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleExampleExampleExampleExampleExample admin@example"),
    );
    let mut m = p.call(&id, "key_pair", a);
    m.arg("key_name", Expr::s(format!("{}-{}", p.inventory(), a.name)))
        .arg("public_key", key);
    let tags = p.tags(Some(a));
    p.push(m, Some(tags));
}

/// Recovery objectives: a key pair per region: nothing to fail over.
pub fn objective(_: &crate::objectives::Context<'_>, a: &Asset) -> crate::objectives::Estimate {
    match a.dr {
        DrStrategy::None => crate::objectives::Estimate::not_in_dr(),
        _ => crate::objectives::Estimate::own_copy(),
    }
}

#[cfg(test)]
mod tests {
    use crate::kinds::testing::{module, planned};

    #[test]
    fn the_public_key_is_asked_once_per_root() {
        let p = planned("  - {kind: key_pair, name: admin, dr: active}\n");
        for root in p.roots() {
            assert!(module(root, "admin").is_some());
            let v = root.variable("admin_public_key").unwrap();
            assert!(v.default.is_none() && v.example.is_some());
        }
    }
}
