output "cluster_arn" {
  description = "ARN of the cluster."
  value       = aws_rds_cluster.this.arn
}

output "cluster_identifier" {
  description = "Identifier of the cluster."
  value       = aws_rds_cluster.this.cluster_identifier
}

output "endpoint" {
  description = "Writer endpoint."
  value       = aws_rds_cluster.this.endpoint
}

output "reader_endpoint" {
  description = "Reader endpoint."
  value       = aws_rds_cluster.this.reader_endpoint
}

output "master_secret_arn" {
  description = "Secrets Manager secret with the master credentials (null on a secondary)."
  value       = module.common.master_secret_arn
}

output "global_cluster_identifier" {
  description = "Global database this cluster belongs to (null when standalone)."
  value       = aws_rds_cluster.this.global_cluster_identifier
}

output "engine_version_actual" {
  description = "Engine version the cluster runs (a secondary must join with exactly this one)."
  value       = aws_rds_cluster.this.engine_version_actual
}

output "parameter_group_name" {
  description = "Cluster parameter group (a failback rebuild joins it)."
  value       = aws_rds_cluster_parameter_group.this.name
}

output "security_group_id" {
  description = "Security group of the cluster."
  value       = module.common.security_group_id
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
