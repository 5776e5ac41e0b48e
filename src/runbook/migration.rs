//! "Migration": moving a public name from an existing endpoint to this
//! stack through the weighted records of a route53 asset's `migration:`
//! block (seed 002: old infrastructure, a parallel new cluster, a DNS
//! shift). Each step is an `acmegen migrate` edit of the inventory, a
//! render and an apply of the primary root, which holds the weighted pair.

use super::values::arg_str;
use super::{Ctx, Step};
use crate::inventory::{Asset, Kind};
use crate::kinds::route53::MIGRATION_PREFIX;
use crate::plan::Role;

/// The weights a migration moves through, in order.
pub const WEIGHT_STEPS: [u32; 4] = [0, 10, 50, 100];

/// The route53 assets with a `migration:` block, by name.
pub(super) fn migrating<'a>(c: &Ctx<'a>) -> Vec<&'a Asset> {
    let mut out: Vec<&Asset> = c.of(Kind::Route53).filter(|a| a.migration.is_some()).collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// The public name of record `a` (`record.zone`).
fn public_name(a: &Asset) -> String {
    format!(
        "{}.{}",
        a.record.as_deref().unwrap_or(""),
        a.zone.as_deref().unwrap_or("").trim_end_matches('.')
    )
}

/// The name of route53 asset `a`'s failover pair: its public name, or
/// `failover.<public name>` while a migration's weighted records hold that.
pub(super) fn failover_name(a: &Asset) -> String {
    match a.migration {
        Some(_) => format!("{MIGRATION_PREFIX}.{}", public_name(a)),
        None => public_name(a),
    }
}

/// What to check after moving the weight of `a`: DNS answers, the failover
/// pair's health check, acmegen's alarms in the primary region, and the
/// data tier.
fn checks(c: &Ctx<'_>, a: &Asset) -> Vec<String> {
    let public = public_name(a);
    let failover = format!("{MIGRATION_PREFIX}.{public}");
    let mut out = vec![
        format!(
            "`aws route53 list-resource-record-sets --hosted-zone-id \"$ZONE_ID\" --query \"ResourceRecordSets[?Name=='{public}.'].[SetIdentifier,Weight]\"` shows `new-stack` with the new weight and `existing` with 100 minus it (ZONE_ID: `terraform -chdir={}/bootstrap output` or the inventory's zone_id)",
            c.dir
        ),
        format!(
            "`dig +short {failover}` answers with the {} load balancer; repeated `dig +short {public}` answers (after the 60 s TTL) mix the existing endpoint and this stack in about the weights' proportion",
            c.primary
        ),
        format!(
            "the PRIMARY record's calculated health check stays healthy (Route 53 publishes its metrics in us-east-1; GetHealthCheckStatus does not answer for calculated checks): `{}`, then `aws cloudwatch get-metric-statistics --region us-east-1 --namespace AWS/Route53 --metric-name HealthCheckStatus --dimensions Name=HealthCheckId,Value=\"$HC\" --statistics Minimum --period 60 --start-time \"$(date -u -d '-30 min' +%FT%TZ)\" --end-time \"$(date -u +%FT%TZ)\"` shows Minimum 1 for every minute",
            c.fact("HC", "primary", &format!("{}_rotation_health_check_id", a.ident()))
        ),
    ];
    let alarms = c
        .of(Kind::Cloudwatch)
        .filter_map(|w| c.call(w, Role::Primary, "cloudwatch"))
        .filter_map(|m| arg_str(m, "name", c.root(Role::Primary)))
        .next();
    match alarms {
        Some(prefix) => out.push(format!(
            "no alarm of acmegen's is firing in {}: `aws cloudwatch describe-alarms --alarm-name-prefix {prefix}- --state-value ALARM --region {} --query 'MetricAlarms[].AlarmName'` prints `[]` (the load balancer's 5xx alarm counts errors of the share now on this stack); compare the error rate and latency with the existing endpoint's over the same period",
            c.primary, c.primary
        )),
        None => out.push(
            "the load balancer's `HTTPCode_ELB_5XX_Count` and `TargetResponseTime` (CloudWatch, AWS/ApplicationELB) stay at the existing endpoint's level (the inventory has no cloudwatch asset, so acmegen sets no alarm)".into(),
        ),
    }
    let databases: Vec<&Asset> = c.databases().collect();
    if !databases.is_empty() {
        let names = databases
            .iter()
            .map(|d| format!("`{}`", d.name))
            .collect::<Vec<_>>()
            .join(", ");
        out.push(format!(
            "the data both stacks serve is consistent: the existing application writes to the same database as this stack ({names}), or its data was copied in before the first step and is kept in sync; check your replication's lag (e.g. AWS DMS task status) before raising the weight"
        ));
    }
    out
}

/// The commands that move asset `a`'s weight to `weight`: an inventory
/// edit, a render, a plan and an apply of the primary root.
pub(super) fn move_weight(c: &Ctx<'_>, a: &Asset, weight: u32) -> Vec<String> {
    vec![
        format!("acmegen migrate {} --asset {} --weight {weight}", c.file, a.name),
        format!("acmegen render {}", c.file),
        c.tf("primary", "plan -out=migrate.tfplan"),
        c.tf("primary", "apply migrate.tfplan"),
    ]
}

/// The one command line that sends every answer back to the existing endpoint.
pub(super) fn rollback(c: &Ctx<'_>, a: &Asset) -> String {
    format!(
        "acmegen migrate {} --asset {} --weight 0 && acmegen render {} && {}",
        c.file,
        a.name,
        c.file,
        c.tf("primary", "apply")
    )
}

/// The Migration section: enable at weight 0, 10 → 50 → 100 with the checks
/// at each, rollback, and the end of the migration (empty without one).
pub(super) fn migration(c: &Ctx<'_>) -> Vec<Step> {
    let mut steps = Vec::new();
    for a in migrating(c) {
        let public = public_name(a);
        let from = a.migration.as_ref().map_or("", |m| m.from.as_str());
        steps.push(Step::new(
            format!("Start the migration of {public} at weight 0: every answer still goes to the existing endpoint `{from}`"),
            vec![
                format!("acmegen migrate {} --asset {} --weight 0", c.file, a.name),
                format!("acmegen render {}", c.file),
                c.tf("dr", "apply"),
                c.tf("primary", "apply"),
            ],
            vec![
                format!("DR first: its SECONDARY record moves to {MIGRATION_PREFIX}.{public}; then the primary: its PRIMARY record moves there too and the two weighted records take {public} (`new-stack` weight 0, `existing` weight 100). Route 53 does not allow weighted and failover records at one name, so a name that held the failover pair answers nothing for the seconds between the PRIMARY record's move and the weighted records' creation (Terraform makes one Route 53 change per record): start the migration before {public} takes traffic, or at a quiet hour."),
                format!("`dig +short {public}` answers with `{from}` only; `curl -fsS --connect-to {public}:443:{MIGRATION_PREFIX}.{public}:443 https://{public}/` reaches this stack directly under the public name and its certificate (smoke-test it there before any user does)."),
            ],
        ));
        for pair in WEIGHT_STEPS.windows(2) {
            let (before, weight) = (pair[0], pair[1]);
            let mut verify = vec![format!(
                "the plan changes only `weighted_routing_policy.weight` of the two weighted records of `module.{}` ({before} → {weight} and {} → {}); nothing is replaced or destroyed",
                a.ident(),
                100 - before,
                100 - weight
            )];
            verify.extend(checks(c, a));
            verify.push(format!(
                "hold {weight} % for at least {} before the next step; on any failed check roll back (below)",
                match weight {
                    10 => "an hour of normal traffic",
                    50 => "a day, including a peak",
                    _ => "a week before the end of the migration",
                }
            ));
            steps.push(Step::new(
                format!("Send {weight} % of the answers for {public} to this stack"),
                move_weight(c, a, weight),
                verify,
            ));
        }
        steps.push(Step::new(
            format!("Roll back {public}: every answer to the existing endpoint again, in one command"),
            vec![rollback(c, a)],
            vec![
                "the apply changes only the two weights (new-stack 0, existing 100); resolvers follow within the 60 s TTL (alias records: at once)".into(),
                format!("`dig +short {public}` answers with `{from}` only; the new stack keeps running at {MIGRATION_PREFIX}.{public} for the investigation"),
            ],
        ));
        steps.push(Step::new(
            format!("End the migration of {public}"),
            vec![
                "# Recommended: keep weight 100 as the end state (the existing endpoint's record, weight 0, never answers while this stack is healthy) and retire the existing infrastructure.".into(),
                format!("# Or remove the migration: block of `{}` from {}, then, primary first:", a.name, c.file),
                format!("acmegen render {}", c.file),
                c.tf("primary", "apply"),
                c.tf("dr", "apply"),
            ],
            vec![
                format!("removing the block changes the records' type at {public}: the primary apply deletes the weighted pair and moves the PRIMARY record back to {public}, the DR apply moves the SECONDARY record back. Route 53 applies a change batch atomically only within one ChangeResourceRecordSets call, and Terraform makes one call per record: {public} answers NXDOMAIN for the seconds between the deletion and the creation, and resolvers may cache that negative answer for the zone's SOA negative TTL. Do it at a quiet hour, or keep weight 100, which has no such window."),
                format!("`dig +short {public}` answers with the {} load balancer; `dig +short {MIGRATION_PREFIX}.{public}` answers nothing.", c.primary),
            ],
        ));
    }
    steps
}

/// What `acmegen migrate` prints after moving asset `a`'s weight from
/// `old` to `new`: the commands to apply it, the checks, and the rollback.
pub(super) fn next_steps(c: &Ctx<'_>, a: &Asset, old: u32, new: u32) -> String {
    let mut out = format!(
        "{}: migration of `{}` ({}) weight {old} → {new} (new stack {new} %, existing endpoint {} %)\n\nNext:\n",
        c.file,
        a.name,
        public_name(a),
        100 - new
    );
    for cmd in move_weight(c, a, new).iter().skip(1) {
        out.push_str(&format!("  {cmd}\n"));
    }
    out.push_str("\nThen check:\n");
    for v in checks(c, a) {
        out.push_str(&format!("  - {v}\n"));
    }
    out.push_str(&format!("\nRoll back:\n  {}\n", rollback(c, a)));
    out
}
