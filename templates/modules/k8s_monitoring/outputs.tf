output "namespace" {
  description = "Namespace of the monitoring stack."
  value       = helm_release.this.namespace
}

output "release_name" {
  description = "Helm release name (the Grafana service is <release>-grafana)."
  value       = helm_release.this.name
}

output "grafana_role_arn" {
  description = "IRSA role Grafana reads CloudWatch and managed Prometheus with (null without those data sources)."
  value       = one(aws_iam_role.grafana[*].arn)
}

output "alertmanager_role_arn" {
  description = "IRSA role Alertmanager publishes to SNS with (null unless send_alerts_to_sns)."
  value       = one(aws_iam_role.alertmanager[*].arn)
}

output "prometheus_workspace_arn" {
  description = "ARN of this region's managed Prometheus workspace (null without managed_prometheus)."
  value       = local.workspace_arn
}

output "prometheus_workspace_endpoint" {
  description = "Query endpoint of this region's managed Prometheus workspace, ending in / (null without managed_prometheus)."
  value       = one(aws_prometheus_workspace.this[*].prometheus_endpoint)
}
