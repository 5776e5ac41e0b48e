################################################################################
# VPC peering: accepter side (DR region)
################################################################################

resource "aws_vpc_peering_connection_accepter" "this" {
  vpc_peering_connection_id = var.peering_connection_id
  auto_accept               = true

  tags = merge(var.tags, { Name = var.name, Side = "accepter" })
}

resource "aws_route" "to_peer" {
  count = var.route_table_count

  route_table_id            = var.route_table_ids[count.index]
  destination_cidr_block    = var.peer_cidr
  vpc_peering_connection_id = aws_vpc_peering_connection_accepter.this.id
}
