output "peering_connection_id" {
  description = "ID of the peering connection."
  value       = aws_vpc_peering_connection.this.id
}
