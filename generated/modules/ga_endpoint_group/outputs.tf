output "id" {
  description = "ARN of the endpoint group."
  value       = aws_globalaccelerator_endpoint_group.this.id
}
