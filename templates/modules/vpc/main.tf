################################################################################
# VPC
################################################################################

# Zones are picked by ID (names map to different zones in each account),
# leaving out the IDs given (those EKS does not support for its control plane).
data "aws_availability_zones" "available" {
  #checkov:skip=CKV_AWS_394:Subnets are placed by zone ID from this list, minus the IDs excluded for EKS; the subnet lists fix how many are used
  state            = "available"
  exclude_zone_ids = var.excluded_az_ids

  filter {
    name   = "opt-in-status"
    values = ["opt-in-not-required"]
  }
}

locals {
  azs     = slice(data.aws_availability_zones.available.names, 0, length(var.public_subnets))
  az_ids  = slice(data.aws_availability_zones.available.zone_ids, 0, length(var.public_subnets))
  nat_azs = var.nat_gateway_per_az ? length(local.azs) : 1
}

resource "aws_vpc" "this" {
  cidr_block           = var.cidr
  enable_dns_support   = true
  enable_dns_hostnames = true

  tags = merge(var.tags, { Name = var.name })
}

# Strip every rule from the default security group so nothing uses it by accident.
resource "aws_default_security_group" "this" {
  vpc_id = aws_vpc.this.id

  tags = merge(var.tags, { Name = "${var.name}-default-deny" })
}

# Membership, not rules: the databases of the root admit this one group, so
# adding application servers never adds rules to a database's security group
# (60 inbound rules per group by default). It has no rules of its own (the
# provider removes the default egress rule); members keep their own groups.
resource "aws_security_group" "database_clients" {
  #checkov:skip=CKV2_AWS_5:The root attaches it to its application servers through the vm module's additional_security_group_ids, which checkov does not follow across modules
  count = var.database_clients_group ? 1 : 0

  name        = "${var.name}-database-clients"
  description = "Members may connect to the databases of ${var.name}"
  vpc_id      = aws_vpc.this.id

  tags = merge(var.tags, { Name = "${var.name}-database-clients" })
}

################################################################################
# Public subnets
################################################################################

resource "aws_subnet" "public" {
  count = length(var.public_subnets)

  vpc_id                  = aws_vpc.this.id
  cidr_block              = var.public_subnets[count.index]
  availability_zone_id    = local.az_ids[count.index]
  map_public_ip_on_launch = false

  tags = merge(var.tags, {
    Name                     = "${var.name}-public-${local.azs[count.index]}"
    Tier                     = "public"
    "kubernetes.io/role/elb" = "1"
  })
}

resource "aws_internet_gateway" "this" {
  vpc_id = aws_vpc.this.id

  tags = merge(var.tags, { Name = var.name })
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.this.id

  tags = merge(var.tags, { Name = "${var.name}-public" })
}

resource "aws_route" "public_internet" {
  route_table_id         = aws_route_table.public.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.this.id
}

resource "aws_route_table_association" "public" {
  count = length(var.public_subnets)

  subnet_id      = aws_subnet.public[count.index].id
  route_table_id = aws_route_table.public.id
}

################################################################################
# NAT gateways (one per AZ, or one shared)
################################################################################

resource "aws_eip" "nat" {
  count = local.nat_azs

  domain = "vpc"

  tags = merge(var.tags, { Name = "${var.name}-nat-${local.azs[count.index]}" })

  depends_on = [aws_internet_gateway.this]
}

resource "aws_nat_gateway" "this" {
  count = local.nat_azs

  allocation_id = aws_eip.nat[count.index].id
  subnet_id     = aws_subnet.public[count.index].id

  tags = merge(var.tags, { Name = "${var.name}-${local.azs[count.index]}" })
}

################################################################################
# Private subnets
################################################################################

resource "aws_subnet" "private" {
  count = length(var.private_subnets)

  vpc_id               = aws_vpc.this.id
  cidr_block           = var.private_subnets[count.index]
  availability_zone_id = local.az_ids[count.index]

  tags = merge(var.tags, {
    Name                              = "${var.name}-private-${local.azs[count.index]}"
    Tier                              = "private"
    "kubernetes.io/role/internal-elb" = "1"
  })
}

resource "aws_route_table" "private" {
  count = length(var.private_subnets)

  vpc_id = aws_vpc.this.id

  tags = merge(var.tags, { Name = "${var.name}-private-${local.azs[count.index]}" })
}

resource "aws_route" "private_nat" {
  count = length(var.private_subnets)

  route_table_id         = aws_route_table.private[count.index].id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.this[var.nat_gateway_per_az ? count.index : 0].id
}

resource "aws_route_table_association" "private" {
  count = length(var.private_subnets)

  subnet_id      = aws_subnet.private[count.index].id
  route_table_id = aws_route_table.private[count.index].id
}

################################################################################
# Network ACLs: one per subnet tier (network_acls), numbered rules evaluated
# in ascending order, the first match wins. They are stateless: the rules
# acmegen derives admit the answers (ephemeral ports 1024-65535) of every
# flow the security groups allow. The Amazon DNS server (VPC base + 2),
# instance metadata and the Time Sync Service are never filtered by them.
################################################################################

locals {
  network_acl_rules = merge(flatten([
    for tier, acl in var.network_acls : [
      { for r in acl.inbound : "${tier}-inbound-${r.rule_number}" => merge(r, { tier = tier, egress = false }) },
      { for r in acl.outbound : "${tier}-outbound-${r.rule_number}" => merge(r, { tier = tier, egress = true }) },
    ]
  ])...)
}

resource "aws_network_acl" "public" {
  count = contains(keys(var.network_acls), "public") ? 1 : 0

  vpc_id     = aws_vpc.this.id
  subnet_ids = aws_subnet.public[*].id

  tags = merge(var.tags, { Name = "${var.name}-public", Tier = "public" })
}

resource "aws_network_acl" "private" {
  count = contains(keys(var.network_acls), "private") ? 1 : 0

  vpc_id     = aws_vpc.this.id
  subnet_ids = aws_subnet.private[*].id

  tags = merge(var.tags, { Name = "${var.name}-private", Tier = "private" })
}

resource "aws_network_acl_rule" "this" {
  #checkov:skip=CKV_AWS_231:The answers rule (TCP 1024-65535 from anywhere) must admit every ephemeral port NAT gateways and load balancers answer on, 3389 included; no listener of the tier is on 3389 and the security groups admit none (acmegen tests that only that rule opens it)
  #checkov:skip=CKV_AWS_352:All-port rules name only ranges inside the VPC (the private subnets, the VPC for the NAT gateways) and ICMP path-MTU rules carry no ports; the security groups narrow them (acmegen tests this)
  for_each = local.network_acl_rules

  network_acl_id = each.value.tier == "public" ? aws_network_acl.public[0].id : aws_network_acl.private[0].id
  rule_number    = each.value.rule_number
  egress         = each.value.egress
  protocol       = each.value.protocol
  rule_action    = each.value.rule_action
  cidr_block     = each.value.cidr_block
  from_port      = each.value.from_port
  to_port        = each.value.to_port
  icmp_type      = each.value.icmp_type
  icmp_code      = each.value.icmp_code
}

################################################################################
# Flow logs
################################################################################

resource "aws_cloudwatch_log_group" "flow_logs" {
  name              = "/aws/vpc/${var.name}/flow-logs"
  retention_in_days = var.flow_log_retention_days
  kms_key_id        = var.kms_key_arn

  tags = var.tags
}

data "aws_caller_identity" "current" {}

data "aws_region" "current" {}

# The confused-deputy guard the VPC user guide documents for flow logs.
data "aws_iam_policy_document" "flow_logs_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["vpc-flow-logs.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:aws:ec2:${data.aws_region.current.region}:${data.aws_caller_identity.current.account_id}:vpc-flow-log/*"]
    }
  }
}

data "aws_iam_policy_document" "flow_logs" {
  statement {
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]
    resources = ["${aws_cloudwatch_log_group.flow_logs.arn}:*"]
  }
}

resource "aws_iam_role" "flow_logs" {
  name               = "${var.name}-flow-logs"
  assume_role_policy = data.aws_iam_policy_document.flow_logs_assume.json

  tags = var.tags
}

resource "aws_iam_role_policy" "flow_logs" {
  name   = "write-flow-logs"
  role   = aws_iam_role.flow_logs.id
  policy = data.aws_iam_policy_document.flow_logs.json
}

resource "aws_flow_log" "this" {
  vpc_id               = aws_vpc.this.id
  traffic_type         = "ALL"
  log_destination_type = "cloud-watch-logs"
  log_destination      = aws_cloudwatch_log_group.flow_logs.arn
  iam_role_arn         = aws_iam_role.flow_logs.arn

  tags = var.tags
}
