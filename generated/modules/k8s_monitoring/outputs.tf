output "namespace" {
  description = "Namespace of the monitoring stack."
  value       = helm_release.this.namespace
}

output "release_name" {
  description = "Helm release name (the Grafana service is <release>-grafana)."
  value       = helm_release.this.name
}
