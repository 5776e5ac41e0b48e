output "id" {
  description = "ARN of the endpoint group."
  value       = aws_globalaccelerator_endpoint_group.this.id
}

output "traffic_dial_percentage" {
  description = "Share of the listener's traffic this region receives."
  value       = aws_globalaccelerator_endpoint_group.this.traffic_dial_percentage
}
