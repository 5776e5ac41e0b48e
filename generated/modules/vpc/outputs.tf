output "vpc_id" {
  description = "ID of the VPC."
  value       = aws_vpc.this.id
}

output "vpc_cidr_block" {
  description = "CIDR block of the VPC."
  value       = aws_vpc.this.cidr_block
}

output "azs" {
  description = "Availability zones the subnets are in."
  value       = local.azs
}

output "public_subnet_ids" {
  description = "IDs of the public subnets, in AZ order."
  value       = aws_subnet.public[*].id
}

output "private_subnet_ids" {
  description = "IDs of the private subnets, in AZ order."
  value       = aws_subnet.private[*].id
}

output "route_table_ids" {
  description = "Public route table first, then one private route table per AZ."
  value       = concat([aws_route_table.public.id], aws_route_table.private[*].id)
}

output "nat_public_ips" {
  description = "Egress IPs of the NAT gateways."
  value       = aws_eip.nat[*].public_ip
}

output "database_clients_security_group_id" {
  description = "Security group whose members the root's databases admit (null unless database_clients_group)."
  value       = one(aws_security_group.database_clients[*].id)
}

output "network_acl_ids" {
  description = "Network ACL of each subnet tier (empty without network_acls)."
  value       = merge({ for a in aws_network_acl.public : "public" => a.id }, { for a in aws_network_acl.private : "private" => a.id })
}
