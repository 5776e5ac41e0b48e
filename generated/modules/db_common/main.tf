locals {
  aurora = startswith(var.engine, "aurora")
}

# The baseline parameters (TLS only, DDL and slow statements logged), shared
# with the parameter group a restore in the DR region joins.
module "parameters" {
  source = "../db_parameters"

  engine = var.engine
}

################################################################################
# Master credentials secret. The caller writes its version: the password is
# ephemeral and write-only, and its version follows the caller's database.
# Replicated into the DR region under its key, so the credentials survive the
# primary region (after a failover, promote the replica to a standalone secret).
################################################################################

resource "aws_secretsmanager_secret" "master" {
  #checkov:skip=CKV2_AWS_57:The password is write-only: bumping password_version writes a new one to the database and this secret; a rotation Lambda would fight Terraform
  count = var.create_secret ? 1 : 0

  name_prefix = "${var.name}-master-"
  description = "Master credentials of ${var.name}"
  kms_key_id  = var.kms_key_arn

  # A failover leaves a standalone copy of this secret, under the same name,
  # in the DR region (StopReplicationToReplica). ReplicateSecretToRegions
  # fails on a same-named secret there unless ForceOverwriteReplicaSecret is
  # set; with it, re-adding the replica on failback overwrites that copy.
  force_overwrite_replica_secret = true

  dynamic "replica" {
    for_each = var.secret_replica_kms_key_arn == null ? [] : [var.secret_replica_kms_key_arn]

    content {
      region     = split(":", replica.value)[3]
      kms_key_id = replica.value
    }
  }

  tags = var.tags
}

################################################################################
# Network: subnet group, and a security group open to the application's
# security groups (and to peer-region ranges only where the inventory needs)
################################################################################

resource "aws_db_subnet_group" "this" {
  name       = var.name
  subnet_ids = var.subnet_ids

  tags = merge(var.tags, { Name = var.name })
}

resource "aws_security_group" "this" {
  #checkov:skip=CKV2_AWS_5:The caller attaches it to its database (vpc_security_group_ids = [module.common.security_group_id] in rds and aurora); checkov does not follow module outputs, verify rule AG015 does
  name        = "${var.name}-db"
  description = local.aurora ? "Aurora cluster ${var.name}" : "Database ${var.name}"
  vpc_id      = var.vpc_id

  tags = merge(var.tags, { Name = "${var.name}-db" })
}

resource "aws_vpc_security_group_ingress_rule" "client_groups" {
  count = length(var.allowed_security_group_ids)

  security_group_id            = aws_security_group.this.id
  description                  = "Database clients (application security group)"
  ip_protocol                  = "tcp"
  from_port                    = var.port
  to_port                      = var.port
  referenced_security_group_id = var.allowed_security_group_ids[count.index]
}

resource "aws_vpc_security_group_ingress_rule" "client_ranges" {
  count = length(var.allowed_cidr_blocks)

  security_group_id = aws_security_group.this.id
  description       = "Database clients (peer-region range)"
  ip_protocol       = "tcp"
  from_port         = var.port
  to_port           = var.port
  cidr_ipv4         = var.allowed_cidr_blocks[count.index]
}

################################################################################
# Enhanced monitoring, with the confused-deputy guard the RDS user guide
# documents
################################################################################

data "aws_caller_identity" "current" {}

data "aws_region" "current" {}

data "aws_iam_policy_document" "monitoring_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["monitoring.rds.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:aws:rds:${data.aws_region.current.region}:${data.aws_caller_identity.current.account_id}:db:${var.monitored_instances}"]
    }
  }
}

resource "aws_iam_role" "monitoring" {
  name               = "${var.name}-monitoring"
  assume_role_policy = data.aws_iam_policy_document.monitoring_assume.json

  tags = var.tags
}

resource "aws_iam_role_policy_attachment" "monitoring" {
  role       = aws_iam_role.monitoring.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"
}

################################################################################
# Stable name of the writer in the region's private zone: a CNAME to the
# writer's address, which the caller gives (an instance address, a cluster
# endpoint: both survive a promotion or a global database failover).
################################################################################

resource "aws_route53_record" "writer" {
  count = var.dns_name == null ? 0 : 1

  zone_id = var.dns_zone_id
  name    = var.dns_name
  type    = "CNAME"
  ttl     = var.dns_ttl
  records = [var.dns_target]
}
