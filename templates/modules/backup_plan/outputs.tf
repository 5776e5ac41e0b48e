output "vault_arn" {
  description = "ARN of the backup vault."
  value       = aws_backup_vault.this.arn
}

output "vault_name" {
  description = "Name of the backup vault."
  value       = aws_backup_vault.this.name
}

output "role_arn" {
  description = "ARN of the role AWS Backup assumes for backups and restores."
  value       = aws_iam_role.this.arn
}

output "plan_id" {
  description = "ID of the backup plan (null where no plan is created)."
  value       = one(aws_backup_plan.this[*].id)
}
