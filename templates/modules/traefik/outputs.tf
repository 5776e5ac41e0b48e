output "namespace" {
  description = "Namespace of Traefik."
  value       = helm_release.this.namespace
}

output "service_name" {
  description = "Service in front of the Traefik pods (ClusterIP with target_type ip, NodePort with instance)."
  value       = var.name
}

output "target_port" {
  description = "Port the load balancer's target group sends traffic and health checks to (pod port or node port)."
  value       = local.target_port
}

output "health_check_path" {
  description = "Health check path for the target group, the accelerator and Route 53 checks."
  value       = var.health_check_path
}

output "ingress_class_name" {
  description = "IngressClass to put on Ingresses routed by Traefik."
  value       = var.ingress_class_name
}
