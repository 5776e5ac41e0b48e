output "arns" {
  description = "ARN of each role, by key."
  value       = { for k, r in aws_iam_service_linked_role.this : k => r.arn }
}

output "deletion_protection" {
  description = "Whether the roles are protected against a destroy (the guard's recorded setting)."
  value       = terraform_data.deletion_protection.output.protected
}
