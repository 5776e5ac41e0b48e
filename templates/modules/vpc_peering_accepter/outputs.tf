output "peering_connection_id" {
  description = "ID of the accepted peering connection."
  value       = aws_vpc_peering_connection_accepter.this.id
}

output "route_ids" {
  description = "Routes to the peer VPC, one per route table."
  value       = aws_route.to_peer[*].id
}

output "identity" {
  description = "What identifies the accepted peering and its routes: the connection and each route's table, destination and target (compared across runs by the generated outage test)."
  value = {
    peering_connection_id = aws_vpc_peering_connection_accepter.this.id
    routes                = [for r in aws_route.to_peer : "${r.id} ${r.route_table_id} ${r.destination_cidr_block} ${r.vpc_peering_connection_id}"]
  }
}
