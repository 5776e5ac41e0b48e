output "listener_arn" {
  description = "ARN of the listener; the DR root attaches its endpoint group to it."
  value       = aws_globalaccelerator_listener.this.id
}

output "dns_name" {
  description = "DNS name of the accelerator."
  value       = aws_globalaccelerator_accelerator.this.dns_name
}

output "hosted_zone_id" {
  description = "Hosted zone ID of the accelerator (for Route 53 alias records)."
  value       = aws_globalaccelerator_accelerator.this.hosted_zone_id
}

output "ip_addresses" {
  description = "Static anycast IPs of the accelerator."
  value       = flatten(aws_globalaccelerator_accelerator.this.ip_sets[*].ip_addresses)
}
