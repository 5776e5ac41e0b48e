output "log_group_name" {
  description = "Name of the application log group (null without one)."
  value       = one(aws_cloudwatch_log_group.this[*].name)
}

output "alarm_topic_arn" {
  description = "SNS topic the alarms notify; subscribe the on-call rotation to it."
  value       = aws_sns_topic.alarms.arn
}

output "alarms" {
  description = "The alarms: name => metric, threshold and how missing data counts (what the alarms watch, for reviews and tests)."
  value = { for k, a in aws_cloudwatch_metric_alarm.this : k => {
    alarm_name         = a.alarm_name
    metric_name        = a.metric_name
    dimensions         = a.dimensions
    threshold          = a.threshold
    treat_missing_data = a.treat_missing_data
    alarm_actions      = a.alarm_actions
  } }
}

output "topic_policy_statements" {
  description = "Statements of the alarm topic's policy as evaluated (sid, effect, actions, principals as Type:identifier, conditions as \"test variable value\"): for reviews and the generated tests, which cannot compute the policy JSON offline."
  value = [for s in data.aws_iam_policy_document.alarms.statement : {
    sid        = s.sid
    effect     = coalesce(s.effect, "Allow")
    actions    = s.actions == null ? [] : sort(s.actions)
    principals = sort(flatten([for p in s.principals : [for i in p.identifiers : "${p.type}:${i}"]]))
    conditions = sort(flatten([for c in s.condition : [for v in c.values : "${c.test} ${c.variable} ${v}"]]))
  }]
}

output "topic_kms_key" {
  description = "KMS key encrypting the alarm topic."
  value       = aws_sns_topic.alarms.kms_master_key_id
}
