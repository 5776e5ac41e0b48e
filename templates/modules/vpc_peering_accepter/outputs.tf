output "peering_connection_id" {
  description = "ID of the accepted peering connection."
  value       = aws_vpc_peering_connection_accepter.this.id
}

output "route_ids" {
  description = "Routes to the peer VPC, one per route table."
  value       = aws_route.to_peer[*].id
}
