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

output "restore_parameter_group_name" {
  description = "Parameter group for restores in this region (the engine's baseline), or null."
  value       = one(aws_db_parameter_group.restore[*].name)
}

output "identity" {
  description = "What identifies the replicated backups: their ARN, the source instance (ARN and resource ID) and the restore landing zone (compared across runs by the generated outage test)."
  value = {
    id                   = aws_db_instance_automated_backups_replication.this.id
    source_arn           = aws_db_instance_automated_backups_replication.this.source_db_instance_arn
    source_resource_id   = terraform_data.source.output
    restore_subnet_group = one(aws_db_subnet_group.restore[*].name)
    restore_group        = one(aws_security_group.restore[*].id)
  }
}
