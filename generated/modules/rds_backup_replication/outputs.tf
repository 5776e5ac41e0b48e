output "id" {
  description = "ARN of the replicated automated backups."
  value       = aws_db_instance_automated_backups_replication.this.id
}
