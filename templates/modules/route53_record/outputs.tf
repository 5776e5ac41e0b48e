output "fqdn" {
  description = "Fully qualified name of the record."
  value       = aws_route53_record.this.fqdn
}

output "health_check_id" {
  description = "Health check of the record, or null for a simple alias."
  value       = one(aws_route53_health_check.this[*].id)
}
