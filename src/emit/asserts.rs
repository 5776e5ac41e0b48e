//! What the generated apply tests assert after the mocked apply of a root:
//! the properties a reviewer checks by hand, evaluated by Terraform on the
//! root's real expressions with the mocks' account and regions.
//!
//! - tags: the root's common tags;
//! - keys: rotation on, and the key policy's statements as evaluated: the
//!   account root, the regional CloudWatch Logs principal with its
//!   encryption-context condition, the Auto Scaling service-linked role where
//!   EKS nodes launch with the key, and a condition on every statement
//!   naming a service principal (confused deputy);
//! - buckets: SSE-KMS with the region's key and bucket keys, versioning,
//!   the public access block, and the TLS-only deny;
//! - alarm topics: encrypted with the region's key, publishable only by this
//!   account's alarms, replication-health alarms treating missing data as
//!   breaching;
//! - backup replication: it follows the published source resource ID.
//!
//! Limit: mock providers call no provider, so an `aws_iam_policy_document`'s
//! `json` is a mocked string (the stand-in provider of ../shared/tools/tfshim
//! cannot compute it either: its lifecycle mode returns placeholders for
//! computed attributes). The tests therefore assert the statements as
//! Terraform evaluated them (the modules' `policy_statements` outputs), not
//! the JSON the provider would serialise from them.

use super::tftest::{assert_block, MOCK_ACCOUNT};
use crate::plan::{Expr, ModuleCall, RootPlan};

/// `anytrue([for s in <statements> : <test>])`.
fn any_statement(statements: &Expr, test: &str) -> String {
    format!("anytrue([for s in {} : {test}])", statements.render())
}

/// Every statement naming a service principal carries a condition.
fn services_are_conditioned(statements: &Expr) -> String {
    format!(
        "alltrue([for s in {} : length(s.conditions) > 0 if anytrue([for p in s.principals : startswith(p, \"Service:\")])])",
        statements.render()
    )
}

/// The key module `m` (region `region`): rotation and its key policy.
fn key(out: &mut String, m: &ModuleCall, region: &str) {
    let label = &m.label;
    let statements = m.out("policy_statements");
    assert_block(
        out,
        &m.out("key_rotation_enabled").render(),
        &format!("key {label}: automatic rotation is off"),
    );
    assert_block(
        out,
        &any_statement(
            &statements,
            &format!(
                "s.sid == \"AccountAdministration\" && contains(s.principals, \"AWS:arn:aws:iam::{MOCK_ACCOUNT}:root\")"
            ),
        ),
        &format!("key {label}: the policy does not delegate to the account's IAM policies"),
    );
    assert_block(
        out,
        &any_statement(
            &statements,
            &format!(
                "s.sid == \"CloudWatchLogs\" && contains(s.principals, \"Service:logs.{region}.amazonaws.com\") && contains(s.conditions, \"ArnLike kms:EncryptionContext:aws:logs:arn arn:aws:logs:{region}:{MOCK_ACCOUNT}:*\")"
            ),
        ),
        &format!("key {label}: CloudWatch Logs of {region} cannot use the key, or without the log-group context condition"),
    );
    assert_block(
        out,
        &services_are_conditioned(&statements),
        &format!("key {label}: a service principal is granted without a condition (confused deputy)"),
    );
    if m.argument("autoscaling_service_linked_role") == Some(&Expr::Bool(true)) {
        let role = format!(
            "AWS:arn:aws:iam::{MOCK_ACCOUNT}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"
        );
        assert_block(
            out,
            &any_statement(
                &statements,
                &format!(
                    "s.sid == \"AutoScalingServiceLinkedRoleUse\" && contains(s.principals, \"{role}\") && contains(s.actions, \"kms:GenerateDataKey*\") && contains(s.actions, \"kms:Decrypt\")"
                ),
            ),
            &format!("key {label}: EKS nodes launch through Auto Scaling, whose service-linked role cannot use the key"),
        );
        assert_block(
            out,
            &any_statement(
                &statements,
                &format!(
                    "s.sid == \"AutoScalingServiceLinkedRoleGrants\" && contains(s.principals, \"{role}\") && contains(s.conditions, \"Bool kms:GrantIsForAWSResource true\")"
                ),
            ),
            &format!("key {label}: the Auto Scaling role cannot create grants for AWS resources"),
        );
    }
}

/// The bucket module `m`: encryption with its key, versioning, public
/// access block, TLS only.
fn bucket(out: &mut String, m: &ModuleCall) {
    let label = &m.label;
    let protection = m.out("protection").render();
    if let Some(key) = m.argument("kms_key_arn") {
        assert_block(
            out,
            &format!(
                "{protection}.sse_algorithm == \"aws:kms\" && {protection}.kms_key == {} && {protection}.bucket_key_enabled",
                key.render()
            ),
            &format!("bucket {label}: not encrypted with the region's key (SSE-KMS, bucket keys)"),
        );
    }
    assert_block(
        out,
        &format!("{protection}.versioning == \"Enabled\" && {protection}.public_access_blocked"),
        &format!("bucket {label}: not versioned, or public access is not blocked"),
    );
    let statements = m.out("policy_statements");
    assert_block(
        out,
        &any_statement(
            &statements,
            "s.effect == \"Deny\" && contains(s.principals, \"*:*\") && contains(s.conditions, \"Bool aws:SecureTransport false\")",
        ),
        &format!("bucket {label}: requests without TLS are not denied"),
    );
    assert_block(
        out,
        &services_are_conditioned(&statements),
        &format!("bucket {label}: a service principal is granted without a condition (confused deputy)"),
    );
}

/// The alarm module `m` (region `region`): encrypted topic, who may
/// publish, replication-health alarms.
fn alarms(out: &mut String, m: &ModuleCall, region: &str) {
    let label = &m.label;
    if let Some(key) = m.argument("kms_key_arn") {
        assert_block(
            out,
            &format!("{} == {}", m.out("topic_kms_key").render(), key.render()),
            &format!("alarm topic {label}: not encrypted with the region's key"),
        );
    }
    assert_block(
        out,
        &any_statement(
            &m.out("topic_policy_statements"),
            &format!(
                "s.sid == \"CloudWatchAlarmsPublish\" && contains(s.conditions, \"StringEquals aws:SourceAccount {MOCK_ACCOUNT}\") && contains(s.conditions, \"ArnLike aws:SourceArn arn:aws:cloudwatch:{region}:{MOCK_ACCOUNT}:alarm:*\")"
            ),
        ),
        &format!("alarm topic {label}: CloudWatch may publish without this account's source conditions"),
    );
    let text = m.argument("alarms").map(Expr::render).unwrap_or_default();
    for key in replication_alarm_keys(&text) {
        let alarm = format!("{}[\"{key}\"]", m.out("alarms").render());
        assert_block(
            out,
            &format!(
                "{alarm}.treat_missing_data == \"breaching\" && contains({alarm}.alarm_actions, {})",
                m.out("alarm_topic_arn").render()
            ),
            &format!("alarm {key}: a replica that stops replicating would not alarm (missing data must breach)"),
        );
    }
}

/// Keys of the replication-health alarms in a rendered `alarms` argument.
fn replication_alarm_keys(text: &str) -> Vec<String> {
    let mut keys = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        let line = line.trim();
        if let Some(k) = line
            .strip_suffix(" = {")
            .filter(|k| !k.contains(' ') && *k != "dimensions")
        {
            current = Some(k.to_string());
        }
        if line.replace(' ', "") == "treat_missing_data=\"breaching\"" {
            keys.extend(current.take());
        }
    }
    keys
}

/// The assertions of the apply test of `root`; `facts` are the fact
/// values its test store holds (`<publisher>/<fact>`, value).
pub fn root_asserts(root: &RootPlan, facts: &[(String, String)]) -> String {
    let mut out = String::new();
    assert_block(
        &mut out,
        &format!(
            "local.tags[\"ManagedBy\"] == \"acmegen\" && local.tags[\"Project\"] == \"{}\" && local.tags[\"DrRole\"] == \"{}\"",
            root.inventory,
            root.role.as_str()
        ),
        "the root's common tags (every resource's default tags) are not set",
    );
    for m in &root.modules {
        match m.source.as_str() {
            "kms" => key(&mut out, m, &root.region),
            "s3" => bucket(&mut out, m),
            "cloudwatch" => alarms(&mut out, m, &root.region),
            "rds_backup_replication" => {
                let fact = format!("primary/{}_resource_id", m.label);
                if let Some((_, id)) = facts.iter().find(|(f, _)| *f == fact) {
                    assert_block(
                        &mut out,
                        &format!("{}.source_resource_id == \"{id}\"", m.out("identity").render()),
                        &format!(
                            "backup replication {}: does not follow the source instance's published resource ID",
                            m.label
                        ),
                    );
                }
            }
            _ => {}
        }
    }
    out
}

/// The assertions of the bootstrap's apply test: its state keys and
/// buckets (`(label of key, label of bucket, region)`).
pub fn bootstrap_asserts(state: &[(String, String, String)]) -> String {
    let mut out = String::new();
    for (key_label, bucket_label, region) in state {
        let mut k = ModuleCall {
            label: key_label.clone(),
            source: "kms".into(),
            origin: crate::plan::Origin::Implicit {
                what: "state key",
                kind: None,
            },
            comment: String::new(),
            count: None,
            providers: Vec::new(),
            args: Vec::new(),
            depends_on: Vec::new(),
        };
        key(&mut out, &k, region);
        k.label = bucket_label.clone();
        k.source = "s3".into();
        k.args = vec![("kms_key_arn".into(), Expr::module(key_label, "key_arn"))];
        bucket(&mut out, &k);
    }
    out
}

/// A run after the apply of `root` for each cluster whose node groups'
/// sizes its cluster autoscaler sets: given a live size above every bound
/// (as the CI passes them), the apply keeps the group at its maximum
/// instead of its desired_size variable; `overrides` are the apply's.
pub fn live_size_runs(root: &RootPlan, overrides: &str) -> String {
    let mut out = String::new();
    for m in root.modules.iter().filter(|m| m.source == "eks") {
        let (Some(live), Some(max)) = (m.argument("node_live_desired_sizes"), m.argument("node_max_size")) else {
            continue;
        };
        let live = live.render();
        let Some(var) = live.strip_prefix("var.") else {
            continue;
        };
        let mut asserts = String::new();
        assert_block(
            &mut asserts,
            &format!("{} == {}", m.out("node_desired_size").render(), max.render()),
            &format!(
                "cluster {}: a live size above the default node group's maximum is not clamped to it",
                m.label
            ),
        );
        out.push_str(&format!(
            "\n# The sizes the cluster autoscaler set, as the CI passes them: kept,\n# within each group's bounds.\nrun \"{}_live_node_sizes\" {{\ncommand = apply\n\nvariables {{\n{var} = {{ default = 10000 }}\n}}\n\n{overrides}\n{asserts}}}\n",
            m.label,
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_replication_alarms_of_a_rendered_map() {
        let text = "merge(\n{\ningress-5xx = {\nmetric_name = \"x\"\ndimensions = {\nLoadBalancer = module.lb.arn_suffix\n}\nthreshold = 10\n}\n},\nc ? {\ndb-replica-lag = {\ndimensions = {\nDBInstanceIdentifier = \"t\"\n}\ntreat_missing_data = \"breaching\"\n}\n} : {},\n)";
        assert_eq!(replication_alarm_keys(text), vec!["db-replica-lag".to_string()]);
    }
}
