output "instance_ids" {
  description = "IDs of the instances."
  value       = aws_instance.this[*].id
}

output "private_ips" {
  description = "Private IPs of the instances."
  value       = aws_instance.this[*].private_ip
}

output "security_group_id" {
  description = "Security group of the instances."
  value       = aws_security_group.this.id
}

output "role_name" {
  description = "IAM role of the instances (attach application policies here)."
  value       = aws_iam_role.this.name
}

output "instance_arns" {
  description = "ARNs of the instances (AWS Backup selects by ARN)."
  value       = aws_instance.this[*].arn
}

output "node_exporter_target" {
  description = "How Prometheus finds the instances' node_exporter (EC2 service discovery): job name, tag key and value the instances carry, port; null without node_exporter (or without app_image)."
  value = local.node_exporter ? {
    job       = "node-${var.name}"
    tag_key   = local.node_exporter_tag_key
    tag_value = var.name
    port      = var.node_exporter_port
  } : null
}
