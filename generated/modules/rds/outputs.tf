output "arn" {
  description = "ARN of the instance (source of cross-region replicas and backup replication)."
  value       = aws_db_instance.this.arn
}

output "identifier" {
  description = "Identifier of the instance."
  value       = aws_db_instance.this.identifier
}

output "endpoint" {
  description = "Connection endpoint (host:port)."
  value       = aws_db_instance.this.endpoint
}

output "master_secret_arn" {
  description = "Secrets Manager secret with the master credentials (null on a replica)."
  value       = module.common.master_secret_arn
}

output "security_group_id" {
  description = "Security group of the instance."
  value       = module.common.security_group_id
}

output "parameter_group_name" {
  description = "DB parameter group of the instance (a failback restore joins it)."
  value       = aws_db_parameter_group.this.name
}

output "resource_id" {
  description = "Resource ID (DbiResourceId) of the instance: unlike the ARN it changes when a new instance takes the identifier (replicated backups follow it)."
  value       = aws_db_instance.this.resource_id
}

output "master_secret_replicas" {
  description = "Regions and keys the master secret is replicated to (\"<region> <key ARN>\"; empty without a replica)."
  value       = module.common.master_secret_replicas
}

output "dns_name" {
  description = "Fully qualified stable name of the writer in the private zone, or null without a record."
  value       = module.common.dns_name
}

output "dns_record" {
  description = "The writer's record in the private zone (ID, name, target), or null without one."
  value       = module.common.dns_record
}
