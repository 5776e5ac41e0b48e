output "cluster_name" {
  description = "Name of the cluster."
  value       = aws_eks_cluster.this.name
}

output "cluster_endpoint" {
  description = "Endpoint of the Kubernetes API."
  value       = aws_eks_cluster.this.endpoint
}

output "cluster_certificate_authority_data" {
  description = "Base64 CA certificate of the cluster."
  value       = aws_eks_cluster.this.certificate_authority[0].data
}

output "cluster_security_group_id" {
  description = "Security group EKS created for the cluster."
  value       = aws_eks_cluster.this.vpc_config[0].cluster_security_group_id
}

output "oidc_provider_arn" {
  description = "ARN of the OIDC provider, for further IRSA roles."
  value       = aws_iam_openid_connect_provider.this.arn
}

output "node_role_name" {
  description = "IAM role of the nodes."
  value       = aws_iam_role.node.name
}

output "node_desired_size" {
  description = "Desired number of nodes of the node group."
  value       = aws_eks_node_group.this.scaling_config[0].desired_size
}

output "node_group_names" {
  description = "Names of the managed node groups, by group (default and the further node_groups)."
  value = merge(
    { default = aws_eks_node_group.this.node_group_name },
    { for k, g in aws_eks_node_group.additional : k => g.node_group_name },
  )
}

output "service_ipv4_cidr" {
  description = "Range the cluster's Service ClusterIPs come from (its first address is the kubernetes API Service)."
  value       = one(aws_eks_cluster.this.kubernetes_network_config[*].service_ipv4_cidr)
}
