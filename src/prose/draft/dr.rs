//! The DR strategy of each asset: the strongest intent its own lines state,
//! else one stated for the whole design, else its target's (an ALB follows
//! its cluster), else a default per kind; always fitted to what the kind
//! allows, and kept consistent (nothing runs in DR on top of what does not).

use super::super::facts::{Fact, What};
use super::{quote, Asset};
use crate::inventory::{DrStrategy, Kind};

fn fit(intent: DrStrategy, kind: Kind) -> Option<DrStrategy> {
    use DrStrategy::*;
    let order: &[DrStrategy] = match intent {
        Active => &[Active, Replica],
        Replica => &[Replica, Active],
        PilotLight => &[PilotLight, Replica, Active],
        Backup => &[Backup],
        None => &[None],
    };
    order.iter().copied().find(|s| kind.allowed_dr().contains(s))
}

/// The strongest intent that fits `kind`: an explicit "no DR" first, then
/// replica, pilot light, backup, active.
fn choose(intents: &[(DrStrategy, &Fact)], kind: Kind) -> Option<(DrStrategy, usize, String)> {
    use DrStrategy::*;
    for exact in [true, false] {
        for want in [None, Replica, PilotLight, Backup, Active] {
            if let Some((_, fact)) = intents.iter().find(|(i, _)| *i == want) {
                if let Some(s) = fit(want, kind).filter(|&s| !exact || s == want) {
                    return Some((s, fact.line, fact.quote.clone()));
                }
            }
        }
    }
    Option::None
}

/// Kinds in the order their DR is resolved: targets before what points at them.
pub(super) const RESOLUTION_ORDER: [Kind; 19] = [
    Kind::Vpc,
    Kind::VpcPeering,
    Kind::Kms,
    Kind::KeyPair,
    Kind::Vm,
    Kind::Bastion,
    Kind::Eks,
    Kind::Rds,
    Kind::Aurora,
    Kind::S3,
    Kind::Ecr,
    Kind::Cloudwatch,
    Kind::Cloudtrail,
    Kind::Alb,
    Kind::Eip,
    Kind::K8sMonitoring,
    Kind::Traefik,
    Kind::GlobalAccelerator,
    Kind::Route53,
];

pub(super) fn resolve_dr(assets: &[Asset], i: usize, doc: &[Fact]) -> (DrStrategy, String) {
    let a = &assets[i];
    let mut own: Vec<(DrStrategy, &Fact)> = a.all(|w| match w {
        What::Dr(s) => Some(*s),
        What::TrafficDial0 => Some(DrStrategy::Active),
        _ => None,
    });
    own.sort_by_key(|(_, f)| f.line);
    if let Some((s, line, q)) = choose(&own, a.kind) {
        let dial =
            if a.kind == Kind::GlobalAccelerator && a.first(|w| (*w == What::TrafficDial0).then_some(())).is_some() {
                "; the DR endpoint group keeps traffic dial 0 until failover"
            } else {
                ""
            };
        return (s, format!("dr {s} from line {line} ({}){dial}", quote(&q)));
    }
    let doc: Vec<(DrStrategy, &Fact)> = doc
        .iter()
        .filter_map(|f| match f.what {
            What::Dr(s) => Some((s, f)),
            _ => None,
        })
        .collect();
    if let Some((s, line, q)) = choose(&doc, a.kind) {
        return (
            s,
            format!("dr {s} from line {line} ({}), said of the whole design", quote(&q)),
        );
    }
    let attached = matches!(a.kind, Kind::Alb | Kind::K8sMonitoring | Kind::Eip | Kind::Traefik);
    if let Some(t) = a
        .target
        .as_ref()
        .and_then(|t| assets.iter().find(|x| &x.name == t))
        .filter(|_| attached)
    {
        if let Some(s) = fit(t.dr, a.kind) {
            return (s, format!("no DR strategy stated; dr {s} like its target `{}`", t.name));
        }
    }
    let (s, why) = a.kind.spec().draft.dr;
    (s, format!("no DR strategy stated; dr {s} ({why})"))
}

/// Keep DR strategies valid together: nothing in DR depends on something that is not.
pub(super) fn consistent_dr(assets: &mut [Asset]) {
    for i in 0..assets.len() {
        let target_none = assets[i]
            .target
            .as_ref()
            .and_then(|t| assets.iter().find(|a| &a.name == t))
            .is_some_and(|t| t.dr == DrStrategy::None);
        if target_none && assets[i].in_dr() && assets[i].kind.allowed_dr().contains(&DrStrategy::None) {
            assets[i].dr = DrStrategy::None;
            assets[i].guess("dr none: its target has no DR copy");
        }
    }
    let vpc_needed = assets.iter().any(|a| a.kind.needs_vpc() && a.in_dr());
    if let Some(v) = assets.iter_mut().find(|a| a.kind == Kind::Vpc) {
        if vpc_needed && v.dr == DrStrategy::None {
            v.dr = DrStrategy::Active;
            v.guess("dr active: assets that run in DR need the DR network");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dr_intents_fit_the_kind() {
        assert_eq!(fit(DrStrategy::Active, Kind::Rds), Some(DrStrategy::Replica));
        assert_eq!(fit(DrStrategy::Replica, Kind::Eks), Some(DrStrategy::Active));
        assert_eq!(
            fit(DrStrategy::PilotLight, Kind::K8sMonitoring),
            Some(DrStrategy::Active)
        );
        assert_eq!(fit(DrStrategy::Backup, Kind::Eks), None);
        assert_eq!(fit(DrStrategy::Backup, Kind::S3), Some(DrStrategy::Backup));
    }
}
