output "zone_id" {
  description = "ID of the private hosted zone."
  value       = aws_route53_zone.this.zone_id
}

output "name" {
  description = "Domain name of the private hosted zone."
  value       = aws_route53_zone.this.name
}
