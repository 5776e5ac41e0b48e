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
