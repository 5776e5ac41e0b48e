################################################################################
# VPC peering: requester side (primary region)
################################################################################

resource "aws_vpc_peering_connection" "this" {
  vpc_id      = var.vpc_id
  peer_vpc_id = var.peer_vpc_id
  peer_region = var.peer_region
  auto_accept = false

  tags = merge(var.tags, { Name = var.name, Side = "requester" })
}

resource "aws_route" "to_peer" {
  count = var.route_table_count

  route_table_id            = var.route_table_ids[count.index]
  destination_cidr_block    = var.peer_cidr
  vpc_peering_connection_id = aws_vpc_peering_connection.this.id
}
