output "registry_id" {
  description = "Registry whose images are replicated."
  value       = aws_ecr_replication_configuration.this.registry_id
}
