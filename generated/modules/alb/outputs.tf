output "arn" {
  description = "ARN of the load balancer."
  value       = aws_lb.this.arn
}

output "arn_suffix" {
  description = "ARN suffix of the load balancer (CloudWatch dimension)."
  value       = aws_lb.this.arn_suffix
}

output "dns_name" {
  description = "DNS name of the load balancer."
  value       = aws_lb.this.dns_name
}

output "zone_id" {
  description = "Hosted zone of the load balancer (for alias records)."
  value       = aws_lb.this.zone_id
}

output "security_group_id" {
  description = "Security group of the load balancer."
  value       = aws_security_group.this.id
}

output "target_group_arn" {
  description = "ARN of the target group."
  value       = aws_lb_target_group.this.arn
}

output "identity" {
  description = "What identifies the load balancer, its listeners and target group: IDs plus the attributes AWS cannot change in place (compared across runs by the generated outage test; a difference means AWS replaces or repoints it)."
  value = {
    arn            = aws_lb.this.arn
    name           = aws_lb.this.name
    internal       = aws_lb.this.internal
    listener_arns  = concat(aws_lb_listener.http_redirect[*].arn, aws_lb_listener.http[*].arn, aws_lb_listener.https[*].arn)
    certificate    = one(aws_lb_listener.https[*].certificate_arn)
    target_group   = aws_lb_target_group.this.arn
    target_name    = aws_lb_target_group.this.name
    target_port    = aws_lb_target_group.this.port
    target_type    = aws_lb_target_group.this.target_type
    target_vpc     = aws_lb_target_group.this.vpc_id
    security_group = aws_security_group.this.id
  }
}
