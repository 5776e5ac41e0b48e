locals {
  is_secondary              = var.role == "secondary"
  creates_global            = var.role == "global-primary"
  global_cluster_identifier = var.role == "standalone" ? null : var.global_cluster_identifier
  # Without logs from the caller: the engine's error and statement logs.
  log_exports = length(var.log_exports) > 0 ? var.log_exports : (var.engine == "aurora-postgresql" ? ["postgresql"] : ["error", "slowquery"])
}

################################################################################
# Global database (primary region only): the DR cluster joins it by identifier
################################################################################

resource "aws_rds_global_cluster" "this" {
  count = local.creates_global ? 1 : 0

  global_cluster_identifier = var.global_cluster_identifier
  engine                    = var.engine
  engine_version            = var.engine_version
  storage_encrypted         = true
  deletion_protection       = var.deletion_protection
}

################################################################################
# Master password: ephemeral, written only to Aurora and Secrets Manager
################################################################################

ephemeral "random_password" "master" {
  length           = 32
  special          = true
  override_special = "!#%^*-_=+"
}

resource "aws_secretsmanager_secret" "master" {
  #checkov:skip=CKV2_AWS_57:The password is write-only: bumping password_version writes a new one to the database and this secret; a rotation Lambda would fight Terraform
  count = local.is_secondary ? 0 : 1

  name_prefix = "${var.cluster_identifier}-master-"
  description = "Master credentials of ${var.cluster_identifier}"
  kms_key_id  = var.kms_key_arn

  # Re-adding the replica on failback overwrites the standalone copy a
  # failover left under the same name in the DR region (ForceOverwriteReplicaSecret).
  force_overwrite_replica_secret = true

  # Replicated into the DR region under its key: the secondary cluster, once
  # promoted, has the same credentials, and they survive the primary region.
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
  count = local.is_secondary ? 0 : 1

  secret_id                = aws_secretsmanager_secret.master[0].id
  secret_string_wo         = jsonencode({ username = var.username, password = ephemeral.random_password.master.result })
  secret_string_wo_version = var.password_version

  lifecycle {
    # Whenever this run writes a password to the cluster, write the same one
    # here: a new cluster (id), or a master_password_wo_version change, which
    # includes the first apply after a failback `terraform import`.
    replace_triggered_by = [aws_rds_cluster.this.id, aws_rds_cluster.this.master_password_wo_version]
  }
}

################################################################################
# Network
################################################################################

resource "aws_db_subnet_group" "this" {
  name       = var.cluster_identifier
  subnet_ids = var.subnet_ids

  tags = merge(var.tags, { Name = var.cluster_identifier })
}

resource "aws_security_group" "this" {
  name        = "${var.cluster_identifier}-db"
  description = "Aurora cluster ${var.cluster_identifier}"
  vpc_id      = var.vpc_id

  tags = merge(var.tags, { Name = "${var.cluster_identifier}-db" })
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

resource "aws_rds_cluster_parameter_group" "this" {
  name_prefix = "${var.cluster_identifier}-"
  family      = var.parameter_group_family
  description = "Parameters of ${var.cluster_identifier}"

  # Baseline for every engine: TLS only, DDL (Postgres) and slow statements logged.
  parameter {
    name         = var.engine == "aurora-postgresql" ? "rds.force_ssl" : "require_secure_transport"
    value        = var.engine == "aurora-postgresql" ? "1" : "ON"
    apply_method = "pending-reboot"
  }

  parameter {
    name         = var.engine == "aurora-postgresql" ? "log_statement" : "slow_query_log"
    value        = var.engine == "aurora-postgresql" ? "ddl" : "1"
    apply_method = "pending-reboot"
  }

  parameter {
    name         = var.engine == "aurora-postgresql" ? "log_min_duration_statement" : "long_query_time"
    value        = var.engine == "aurora-postgresql" ? "1000" : "1"
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

################################################################################
# Log groups of the exported logs, created first: otherwise Aurora creates them
# itself, unencrypted and kept forever
################################################################################

resource "aws_cloudwatch_log_group" "exports" {
  for_each = toset(local.log_exports)

  name              = "/aws/rds/cluster/${var.cluster_identifier}/${each.value}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn

  tags = var.tags
}

################################################################################
# Cluster and instances (engine_version: a major version, see the rds module)
################################################################################

resource "aws_rds_cluster" "this" {
  #checkov:skip=CKV2_AWS_8:Automated backups (backup_retention_period) and the global database's DR region are the backups; AWS Backup plans are an account-level choice
  cluster_identifier        = var.cluster_identifier
  engine                    = var.engine
  engine_version            = var.engine_version
  global_cluster_identifier = local.creates_global ? aws_rds_global_cluster.this[0].id : local.global_cluster_identifier

  database_name              = local.is_secondary ? null : var.db_name
  master_username            = local.is_secondary ? null : var.username
  master_password_wo         = local.is_secondary ? null : ephemeral.random_password.master.result
  master_password_wo_version = local.is_secondary ? null : var.password_version

  port                            = var.port
  db_subnet_group_name            = aws_db_subnet_group.this.name
  vpc_security_group_ids          = [aws_security_group.this.id]
  db_cluster_parameter_group_name = aws_rds_cluster_parameter_group.this.name
  storage_encrypted               = true
  kms_key_id                      = var.kms_key_arn

  backup_retention_period             = var.backup_retention_days
  preferred_backup_window             = "03:00-04:00"
  preferred_maintenance_window        = "sun:04:30-sun:05:30"
  copy_tags_to_snapshot               = true
  deletion_protection                 = var.deletion_protection
  skip_final_snapshot                 = local.is_secondary
  final_snapshot_identifier           = local.is_secondary ? null : "${var.cluster_identifier}-final"
  iam_database_authentication_enabled = true
  enabled_cloudwatch_logs_exports     = local.log_exports

  tags = merge(var.tags, { Name = var.cluster_identifier })

  lifecycle {
    # Global database failover moves the writer between regions. A cluster
    # rebuilt as a secondary (failback after the old primary was lost) and
    # switched over to writer records no database_name or master_username of
    # its own: both force a new cluster, and the data already has them.
    ignore_changes = [replication_source_identifier, global_cluster_identifier, database_name, master_username]
  }

  depends_on = [aws_cloudwatch_log_group.exports]
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
      values   = ["arn:aws:rds:${data.aws_region.current.region}:${data.aws_caller_identity.current.account_id}:db:${var.cluster_identifier}-*"]
    }
  }
}

resource "aws_iam_role" "monitoring" {
  name               = "${var.cluster_identifier}-monitoring"
  assume_role_policy = data.aws_iam_policy_document.monitoring_assume.json

  tags = var.tags
}

resource "aws_iam_role_policy_attachment" "monitoring" {
  role       = aws_iam_role.monitoring.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"
}

resource "aws_rds_cluster_instance" "this" {
  count = var.instance_count

  identifier                            = "${var.cluster_identifier}-${count.index + 1}"
  cluster_identifier                    = aws_rds_cluster.this.id
  engine                                = aws_rds_cluster.this.engine
  instance_class                        = var.instance_class
  db_subnet_group_name                  = aws_db_subnet_group.this.name
  publicly_accessible                   = false
  auto_minor_version_upgrade            = var.auto_minor_version_upgrade
  monitoring_interval                   = 30
  monitoring_role_arn                   = aws_iam_role.monitoring.arn
  performance_insights_enabled          = var.performance_insights
  performance_insights_kms_key_id       = var.performance_insights ? var.kms_key_arn : null
  performance_insights_retention_period = var.performance_insights ? 7 : null

  tags = merge(var.tags, { Name = "${var.cluster_identifier}-${count.index + 1}" })
}

################################################################################
# Stable name of the writer in the region's private zone: a CNAME to the
# cluster (writer) endpoint. A secondary cluster keeps its endpoint when the
# global database fails over to it, so the DR record names the DR writer
# after a failover without a change.
################################################################################

resource "aws_route53_record" "writer" {
  count = var.dns_name == null ? 0 : 1

  zone_id = var.dns_zone_id
  name    = var.dns_name
  type    = "CNAME"
  ttl     = var.dns_ttl
  records = [aws_rds_cluster.this.endpoint]
}
