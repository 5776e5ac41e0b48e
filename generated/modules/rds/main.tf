locals {
  is_replica = var.replicate_source_db != null
  # Without logs from the caller: the engine's error and statement logs.
  log_exports = length(var.log_exports) > 0 ? var.log_exports : (var.engine == "postgres" ? ["postgresql", "upgrade"] : ["error", "slowquery"])
}

################################################################################
# Master password: ephemeral, written only to RDS and Secrets Manager
# (write-only arguments, never stored in the Terraform state or the HCL)
################################################################################

ephemeral "random_password" "master" {
  length           = 32
  special          = true
  override_special = "!#%^*-_=+"
}

# Replicated into the DR region under its key, so the credentials survive the
# primary region (after a failover, promote the replica to a standalone secret).
resource "aws_secretsmanager_secret" "master" {
  #checkov:skip=CKV2_AWS_57:The password is write-only: bumping password_version writes a new one to the database and this secret; a rotation Lambda would fight Terraform
  count = local.is_replica ? 0 : 1

  name_prefix = "${var.identifier}-master-"
  description = "Master credentials of ${var.identifier}"
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

resource "aws_secretsmanager_secret_version" "master" {
  count = local.is_replica ? 0 : 1

  secret_id                = aws_secretsmanager_secret.master[0].id
  secret_string_wo         = jsonencode({ username = var.username, password = ephemeral.random_password.master.result })
  secret_string_wo_version = var.password_version

  lifecycle {
    # Whenever this run writes a password to the database, write the same one
    # here: a new instance (id), or a password_wo_version change, which
    # includes the null -> var.password_version of the first apply after a
    # failback `terraform import` (import cannot read a write-only version).
    replace_triggered_by = [aws_db_instance.this.id, aws_db_instance.this.password_wo_version]
  }
}

################################################################################
# Network: subnet group, and a security group open to the application's
# security groups (and to peer-region ranges only where the inventory needs)
################################################################################

resource "aws_db_subnet_group" "this" {
  name       = var.identifier
  subnet_ids = var.subnet_ids

  tags = merge(var.tags, { Name = var.identifier })
}

resource "aws_security_group" "this" {
  name        = "${var.identifier}-db"
  description = "Database ${var.identifier}"
  vpc_id      = var.vpc_id

  tags = merge(var.tags, { Name = "${var.identifier}-db" })
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
# Parameters (TLS required) and enhanced monitoring
################################################################################

resource "aws_db_parameter_group" "this" {
  name_prefix = "${var.identifier}-"
  family      = var.parameter_group_family
  description = "Parameters of ${var.identifier}"

  # Baseline for every engine: TLS only, DDL (Postgres) and slow statements logged.
  parameter {
    name         = var.engine == "postgres" ? "rds.force_ssl" : "require_secure_transport"
    value        = var.engine == "postgres" ? "1" : "1"
    apply_method = "pending-reboot"
  }

  parameter {
    name         = var.engine == "postgres" ? "log_statement" : "slow_query_log"
    value        = var.engine == "postgres" ? "ddl" : "1"
    apply_method = "pending-reboot"
  }

  parameter {
    name         = var.engine == "postgres" ? "log_min_duration_statement" : "long_query_time"
    value        = var.engine == "postgres" ? "1000" : "1"
    apply_method = "pending-reboot"
  }

  dynamic "parameter" {
    for_each = var.parameters

    content {
      name         = parameter.value.name
      value        = parameter.value.value
      apply_method = "pending-reboot"
    }
  }

  tags = var.tags

  lifecycle {
    create_before_destroy = true
  }
}

data "aws_caller_identity" "current" {}

data "aws_region" "current" {}

# Enhanced monitoring, with the confused-deputy guard the RDS user guide documents.
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
      values   = ["arn:aws:rds:${data.aws_region.current.region}:${data.aws_caller_identity.current.account_id}:db:${var.identifier}"]
    }
  }
}

resource "aws_iam_role" "monitoring" {
  name               = "${var.identifier}-monitoring"
  assume_role_policy = data.aws_iam_policy_document.monitoring_assume.json

  tags = var.tags
}

resource "aws_iam_role_policy_attachment" "monitoring" {
  role       = aws_iam_role.monitoring.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"
}

################################################################################
# Log groups of the exported logs, created first: otherwise RDS creates them
# itself, unencrypted and kept forever
################################################################################

resource "aws_cloudwatch_log_group" "exports" {
  for_each = toset(local.log_exports)

  name              = "/aws/rds/instance/${var.identifier}/${each.value}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn

  tags = var.tags
}

################################################################################
# Instance: primary, or cross-region read replica of replicate_source_db.
# engine_version is a major version: RDS upgrades minors on its own
# (auto_minor_version_upgrade), so a pinned minor would be downgraded by every
# later plan; the running version is engine_version_actual.
################################################################################

resource "aws_db_instance" "this" {
  identifier          = var.identifier
  engine              = local.is_replica ? null : var.engine
  engine_version      = var.engine_version
  instance_class      = var.instance_class
  replicate_source_db = var.replicate_source_db

  allocated_storage     = local.is_replica ? null : var.allocated_storage
  max_allocated_storage = var.allocated_storage * 4
  storage_type          = "gp3"
  storage_encrypted     = true
  kms_key_id            = var.kms_key_arn

  db_name                   = local.is_replica ? null : var.db_name
  username                  = local.is_replica ? null : var.username
  password_wo               = local.is_replica ? null : ephemeral.random_password.master.result
  password_wo_version       = local.is_replica ? null : var.password_version
  port                      = var.port
  parameter_group_name      = aws_db_parameter_group.this.name
  db_subnet_group_name      = aws_db_subnet_group.this.name
  vpc_security_group_ids    = [aws_security_group.this.id]
  publicly_accessible       = false
  multi_az                  = var.multi_az
  ca_cert_identifier        = "rds-ca-rsa2048-g1"
  network_type              = "IPV4"
  deletion_protection       = var.deletion_protection
  skip_final_snapshot       = local.is_replica # AWS takes no final snapshot of a read replica
  final_snapshot_identifier = local.is_replica ? null : "${var.identifier}-final"
  copy_tags_to_snapshot     = true

  backup_retention_period = var.backup_retention_days
  backup_window           = "03:00-04:00"
  maintenance_window      = "sun:04:30-sun:05:30"

  auto_minor_version_upgrade            = true
  iam_database_authentication_enabled   = true
  enabled_cloudwatch_logs_exports       = local.log_exports
  monitoring_interval                   = 30
  monitoring_role_arn                   = aws_iam_role.monitoring.arn
  performance_insights_enabled          = var.performance_insights
  performance_insights_kms_key_id       = var.performance_insights ? var.kms_key_arn : null
  performance_insights_retention_period = var.performance_insights ? 7 : null

  tags = merge(var.tags, { Name = var.identifier })

  lifecycle {
    # After a DR promotion the replica stops being one; do not recreate it.
    ignore_changes = [replicate_source_db]
  }

  depends_on = [aws_cloudwatch_log_group.exports]
}

################################################################################
# Stable name of the writer in the region's private zone: a CNAME to this
# instance's address. A read replica keeps its address when it is promoted,
# so the DR record names the DR writer after a failover without a change.
################################################################################

resource "aws_route53_record" "writer" {
  count = var.dns_name == null ? 0 : 1

  zone_id = var.dns_zone_id
  name    = var.dns_name
  type    = "CNAME"
  ttl     = var.dns_ttl
  records = [aws_db_instance.this.address]
}
