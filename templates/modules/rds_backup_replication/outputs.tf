output "id" {
  description = "ARN of the replicated automated backups."
  value       = aws_db_instance_automated_backups_replication.this.id
}

output "source_db_resource_id" {
  description = "Resource ID of the source instance the replication follows (null until the primary published it)."
  value       = terraform_data.source.output
}

output "restore_subnet_group_name" {
  description = "DB subnet group for restores in this region, or null."
  value       = one(aws_db_subnet_group.restore[*].name)
}

output "restore_security_group_id" {
  description = "Security group for restores in this region, or null."
  value       = one(aws_security_group.restore[*].id)
}
