output "fqdn" {
  description = "Fully qualified name of the record."
  value       = aws_route53_record.this.fqdn
}

output "health_check_id" {
  description = "Health check of the record, or null for a simple alias."
  value       = one(aws_route53_health_check.this[*].id)
}

output "rotation_health_check_id" {
  description = "PRIMARY record only: the calculated check that takes it out of rotation (health threshold 2) or back in (1); null otherwise."
  value       = one(aws_route53_health_check.rotation[*].id)
}

output "migration_fqdn" {
  description = "The public name the migration's weighted records share, or null without a migration (or outside the primary root)."
  value       = one(aws_route53_record.migration_new[*].fqdn)
}

output "identity" {
  description = "What identifies the record and its health check: the record's place in the failover pair (role, set identifier), its alias target and the health check's ID and target (compared across runs by the generated outage test)."
  value = {
    record_id       = aws_route53_record.this.id
    fqdn            = aws_route53_record.this.fqdn
    set_identifier  = aws_route53_record.this.set_identifier
    failover_role   = one(aws_route53_record.this.failover_routing_policy[*].type)
    alias_target    = one(aws_route53_record.this.alias[*].name)
    health_check_id = one(aws_route53_health_check.this[*].id)
    health_check    = one([for h in aws_route53_health_check.this : "${h.type} ${h.fqdn}:${h.port}${h.resource_path}"])
  }
}
