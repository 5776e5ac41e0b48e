output "id" {
  description = "ARN of the endpoint group."
  value       = aws_globalaccelerator_endpoint_group.this.id
}

output "traffic_dial_percentage" {
  description = "Share of the listener's traffic this region receives."
  value       = aws_globalaccelerator_endpoint_group.this.traffic_dial_percentage
}

output "identity" {
  description = "What identifies the endpoint group (the traffic dial, which a failover changes, is not part of it): ARN, listener, region and endpoints (compared across runs by the generated outage test)."
  value = {
    arn       = aws_globalaccelerator_endpoint_group.this.id
    listener  = aws_globalaccelerator_endpoint_group.this.listener_arn
    region    = aws_globalaccelerator_endpoint_group.this.endpoint_group_region
    endpoints = sort([for e in aws_globalaccelerator_endpoint_group.this.endpoint_configuration : e.endpoint_id])
  }
}
