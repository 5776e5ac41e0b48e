################################################################################
# Elastic IPs, one per instance
################################################################################

locals {
  count = min(var.eip_count, length(var.instance_ids))
}

resource "aws_eip" "this" {
  count = local.count

  domain = "vpc"

  tags = merge(var.tags, { Name = "${var.name}-${count.index + 1}" })
}

resource "aws_eip_association" "this" {
  count = local.count

  allocation_id = aws_eip.this[count.index].id
  instance_id   = var.instance_ids[count.index]
}
