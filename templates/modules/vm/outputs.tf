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
