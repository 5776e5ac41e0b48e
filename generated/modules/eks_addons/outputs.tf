output "irsa_role_arns" {
  description = "IAM role of each add-on that calls AWS, by add-on (aws_load_balancer_controller, cert_manager, cluster_autoscaler, external_dns, fluent_bit)."
  value       = { for k, r in aws_iam_role.irsa : k => r.arn }
}

output "releases" {
  description = "Installed Helm releases, by add-on: namespace/name."
  value = merge(
    { for r in helm_release.aws_load_balancer_controller : "aws_load_balancer_controller" => "${r.namespace}/${r.name}" },
    { for r in helm_release.cert_manager : "cert_manager" => "${r.namespace}/${r.name}" },
    { for r in helm_release.cluster_autoscaler : "cluster_autoscaler" => "${r.namespace}/${r.name}" },
    { for r in helm_release.metrics_server : "metrics_server" => "${r.namespace}/${r.name}" },
    { for r in helm_release.external_dns : "external_dns" => "${r.namespace}/${r.name}" },
    { for r in helm_release.aws_for_fluent_bit : "fluent_bit" => "${r.namespace}/${r.name}" },
  )
}

output "cluster_issuers" {
  description = "ClusterIssuers available to Certificates and Ingresses (empty without zones and acme_email)."
  value       = length(helm_release.cluster_issuers) > 0 ? ["letsencrypt-staging", "letsencrypt-prod"] : []
}

output "ingress_class_alb" {
  description = "IngressClass of the AWS Load Balancer Controller (null when it is not installed)."
  value       = length(helm_release.aws_load_balancer_controller) > 0 ? "alb" : null
}

output "container_log_group_name" {
  description = "CloudWatch Logs group of the cluster's container logs (null without enable_container_logs)."
  value       = one(aws_cloudwatch_log_group.containers[*].name)
}
