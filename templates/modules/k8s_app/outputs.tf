output "namespace" {
  description = "Namespace of the application."
  value       = helm_release.this.namespace
}

output "service_name" {
  description = "Service in front of the application's pods."
  value       = var.name
}

output "service_url" {
  description = "In-cluster URL of the application."
  value       = "http://${var.name}.${var.namespace}.svc.cluster.local:${var.port}"
}

output "health_check_path" {
  description = "Health path, for the target group, accelerator and Route 53 checks."
  value       = var.health_check_path
}
