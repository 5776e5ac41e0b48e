output "peering_connection_id" {
  description = "ID of the peering connection, or null before the peer VPC is known."
  value       = one(aws_vpc_peering_connection.this[*].id)
}
