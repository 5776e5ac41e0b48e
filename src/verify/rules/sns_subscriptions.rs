//! AG020: an SNS topic that CloudWatch alarms notify has subscribers: a
//! subscription resource, fed by a variable that must not be empty (and is
//! not given empty by any caller).
//!
//! AWS fact: an alarm action publishes to the topic and SNS delivers only to
//! the topic's confirmed subscriptions; with none, every alarm notification
//! is dropped silently.
//! Source: Amazon CloudWatch User Guide, "Using Amazon CloudWatch alarms"
//! (alarm actions → SNS); Amazon SNS Developer Guide, "Subscribing to an
//! Amazon SNS topic".

use super::tree::{attr, blocks, is_empty, text, texts, Dir, Item, Tree};
use super::{Rule, Sink};

pub(super) const RULE: Rule = Rule {
    id: "AG020",
    summary: "an SNS alarm topic has subscriptions that cannot be empty",
    check,
};

const FIX: &str = "subscribe on-call to the topic (aws_sns_topic_subscription for each inventory alert target), fed by a variable validated non-empty";

/// The variable feeding a subscription's `for_each`/`count`, if any.
fn feeding_variable(sub: &Item<'_>) -> Option<String> {
    let t = sub.attr("for_each").or_else(|| sub.attr("count")).map(text)?;
    let i = t.find("var.")?;
    Some(
        t[i + 4..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect(),
    )
}

/// Whether module variable `name` is required non-empty.
fn non_empty(dir: &Dir<'_>, name: &str) -> bool {
    let Some(v) = dir.variable(name) else { return false };
    let default_ok = v.attr("default").is_none_or(|d| !is_empty(d));
    default_ok
        && blocks(v.body(), "validation")
            .filter_map(|b| attr(b.body(), "condition").map(text))
            .any(|c| c.contains(&format!("length(var.{name}) > 0")))
}

fn check(tree: &Tree<'_>, sink: &mut Sink<'_>) {
    for dir in tree.dirs() {
        let alarm_targets: Vec<String> = dir
            .resources("aws_cloudwatch_metric_alarm")
            .flat_map(|a| a.attr("alarm_actions").map(texts).unwrap_or_default())
            .collect();
        for topic in dir.resources("aws_sns_topic") {
            let arn = format!("{}.arn", topic.address());
            if !alarm_targets.contains(&arn) {
                continue;
            }
            let subs: Vec<Item<'_>> = dir
                .resources("aws_sns_topic_subscription")
                .filter(|s| s.attr("topic_arn").is_some_and(|t| text(t) == arn))
                .collect();
            if subs.is_empty() {
                sink.at(
                    &dir,
                    &topic,
                    "CloudWatch alarms notify this topic, but nothing subscribes to it: every notification is dropped",
                    FIX,
                );
                continue;
            }
            for sub in &subs {
                let Some(var) = feeding_variable(sub) else { continue };
                if !non_empty(&dir, &var) {
                    sink.at(
                        &dir,
                        sub,
                        &format!("the alarm topic's subscriptions come from `{var}`, which may be empty (no validation `length(var.{var}) > 0`)"),
                        FIX,
                    );
                }
                for call in tree.callers(dir.path) {
                    if call.value(&var).is_some_and(is_empty) {
                        sink.report(
                            call.item.file,
                            call.line(),
                            &call.item.header(),
                            &format!("`{var}` is empty, so the alarm topic has no subscriber"),
                            FIX,
                        );
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::run;
    use super::RULE;

    const CW: &str = r#"
variable "emails" {
  type = list(string)

  validation {
    condition     = length(var.emails) > 0
    error_message = "x"
  }
}

resource "aws_sns_topic" "alarms" {}

resource "aws_sns_topic_subscription" "email" {
  for_each  = toset(var.emails)
  topic_arn = aws_sns_topic.alarms.arn
}

resource "aws_cloudwatch_metric_alarm" "a" {
  alarm_actions = [aws_sns_topic.alarms.arn]
}
"#;

    #[test]
    fn fires_without_subscriptions_or_with_an_optional_list() {
        assert!(run(&RULE, &[("m/main.tf", CW)]).is_empty());
        let none = CW
            .replace(
                "resource \"aws_sns_topic_subscription\" \"email\"",
                "resource \"aws_sns_topic_subscription\" \"other\"",
            )
            .replace("topic_arn = aws_sns_topic.alarms.arn", "topic_arn = var.other");
        let msgs = run(&RULE, &[("m/main.tf", &none)]);
        assert_eq!(msgs.len(), 1, "{msgs:?}");
        assert!(msgs[0].contains("AG020 line 11, resource \"aws_sns_topic\" \"alarms\": CloudWatch alarms notify this topic, but nothing subscribes"), "{msgs:?}");
        let optional = CW.replace("length(var.emails) > 0", "true");
        assert!(run(&RULE, &[("m/main.tf", &optional)])[0].contains("may be empty"));
    }
}
