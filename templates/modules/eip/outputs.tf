output "public_ips" {
  description = "The Elastic IP addresses."
  value       = aws_eip.this[*].public_ip
}

output "allocation_ids" {
  description = "Allocation IDs of the addresses."
  value       = aws_eip.this[*].id
}
