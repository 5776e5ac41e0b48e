output "namespace" {
  description = "Namespace of the monitoring stack."
  value       = helm_release.this.namespace
}

output "release_name" {
  description = "Helm release name (the Grafana service is <release>-grafana)."
  value       = helm_release.this.name
}

output "grafana_role_arn" {
  description = "IRSA role Grafana reads CloudWatch with (null without the CloudWatch data source)."
  value       = one(aws_iam_role.grafana[*].arn)
}

output "alertmanager_role_arn" {
  description = "IRSA role Alertmanager publishes to SNS with (null unless send_alerts_to_sns)."
  value       = one(aws_iam_role.alertmanager[*].arn)
}
