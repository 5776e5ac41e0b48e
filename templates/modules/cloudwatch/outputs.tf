output "log_group_name" {
  description = "Name of the application log group."
  value       = aws_cloudwatch_log_group.this.name
}

output "alarm_topic_arn" {
  description = "SNS topic the alarms notify; subscribe the on-call rotation to it."
  value       = aws_sns_topic.alarms.arn
}
