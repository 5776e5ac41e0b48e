output "master_secret_id" {
  description = "ID of the master credentials secret, for the caller's secret version (null without a secret)."
  value       = one(aws_secretsmanager_secret.master[*].id)
}

output "master_secret_arn" {
  description = "Secrets Manager secret with the master credentials (null without a secret)."
  value       = one(aws_secretsmanager_secret.master[*].arn)
}

output "master_secret_replicas" {
  description = "Regions and keys the master secret is replicated to (\"<region> <key ARN>\"; empty without a replica)."
  value       = flatten([for s in aws_secretsmanager_secret.master : [for r in s.replica : "${r.region} ${r.kms_key_id}"]])
}

output "subnet_group_name" {
  description = "DB subnet group of the database."
  value       = aws_db_subnet_group.this.name
}

output "security_group_id" {
  description = "Security group of the database."
  value       = aws_security_group.this.id
}

output "monitoring_role_arn" {
  description = "IAM role enhanced monitoring assumes for the database's instances."
  value       = aws_iam_role.monitoring.arn

  # RDS checks the role's permissions when an instance names it: hand the
  # ARN out only once the monitoring policy is attached.
  depends_on = [aws_iam_role_policy_attachment.monitoring]
}

output "baseline_parameters" {
  description = "The engine's baseline parameters (TLS required, DDL and slow statements logged), as name/value pairs for the caller's parameter group."
  value       = module.parameters.baseline
}

output "dns_name" {
  description = "Fully qualified stable name of the writer in the private zone, or null without a record."
  value       = one(aws_route53_record.writer[*].fqdn)
}

output "dns_record" {
  description = "The writer's record in the private zone (ID, name, target), or null without one."
  value = one([for r in aws_route53_record.writer : {
    record_id = r.id
    fqdn      = r.fqdn
    target    = one(r.records)
  }])
}
