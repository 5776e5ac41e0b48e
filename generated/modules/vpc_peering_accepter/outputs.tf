output "peering_connection_id" {
  description = "ID of the accepted peering connection, or null before it is known."
  value       = one(aws_vpc_peering_connection_accepter.this[*].id)
}
