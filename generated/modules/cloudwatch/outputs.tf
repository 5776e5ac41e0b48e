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
