output "id" {
  description = "ARN of the replicated automated backups."
  value       = aws_db_instance_automated_backups_replication.this.id
}

output "restore_subnet_group_name" {
  description = "DB subnet group for restores in this region, or null."
  value       = one(aws_db_subnet_group.restore[*].name)
}
