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

resource "aws_secretsmanager_secret_version" "master" {
  count = local.is_secondary ? 0 : 1

  secret_id                = module.common.master_secret_id
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
# What aurora and rds share (../db_common): the credentials secret, subnet
# group, security group and its client rules, the baseline parameters,
# the enhanced-monitoring role and the writer's private DNS name
################################################################################

module "common" {
  source = "../db_common"

  name                       = var.cluster_identifier
  engine                     = var.engine
  create_secret              = !local.is_secondary
  kms_key_arn                = var.kms_key_arn
  secret_replica_kms_key_arn = var.secret_replica_kms_key_arn
  vpc_id                     = var.vpc_id
  subnet_ids                 = var.subnet_ids
  port                       = var.port
  allowed_security_group_ids = var.allowed_security_group_ids
  allowed_cidr_blocks        = var.allowed_cidr_blocks
  monitored_instances        = "${var.cluster_identifier}-*"
  dns_zone_id                = var.dns_zone_id
  dns_name                   = var.dns_name
  dns_target                 = aws_rds_cluster.this.endpoint
  dns_ttl                    = var.dns_ttl
  tags                       = var.tags
}

# Resources that moved into module.common keep their objects (no replacement).
moved {
  from = aws_secretsmanager_secret.master
  to   = module.common.aws_secretsmanager_secret.master
}

moved {
  from = aws_db_subnet_group.this
  to   = module.common.aws_db_subnet_group.this
}

moved {
  from = aws_security_group.this
  to   = module.common.aws_security_group.this
}

moved {
  from = aws_vpc_security_group_ingress_rule.client_groups
  to   = module.common.aws_vpc_security_group_ingress_rule.client_groups
}

moved {
  from = aws_vpc_security_group_ingress_rule.client_ranges
  to   = module.common.aws_vpc_security_group_ingress_rule.client_ranges
}

moved {
  from = aws_iam_role.monitoring
  to   = module.common.aws_iam_role.monitoring
}

moved {
  from = aws_iam_role_policy_attachment.monitoring
  to   = module.common.aws_iam_role_policy_attachment.monitoring
}

moved {
  from = aws_route53_record.writer
  to   = module.common.aws_route53_record.writer
}

################################################################################
# Cluster parameters: the engine's baseline (TLS required) and the caller's
################################################################################

resource "aws_rds_cluster_parameter_group" "this" {
  name_prefix = "${var.cluster_identifier}-"
  family      = var.parameter_group_family
  description = "Parameters of ${var.cluster_identifier}"

  dynamic "parameter" {
    for_each = concat(module.common.baseline_parameters, var.parameters)

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

# The final snapshot's name is new for each cluster of this identifier: a
# fixed name stops the next destroy of one of the same identifier, whose
# final snapshot then exists already (DBClusterSnapshotAlreadyExistsFault),
# e.g. a second DR drill or a root destroyed and applied again.
resource "random_id" "final_snapshot" {
  byte_length = 4

  keepers = {
    identifier = var.cluster_identifier
  }
}

resource "aws_rds_cluster" "this" {
  #checkov:skip=CKV2_AWS_27:Query logging (log_statement = ddl, log_min_duration_statement) is in the baseline db_common gives the cluster parameter group; checkov does not follow a module output into a dynamic parameter block (tests/db_common.rs checks the baseline with Terraform)
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
  db_subnet_group_name            = module.common.subnet_group_name
  vpc_security_group_ids          = [module.common.security_group_id]
  db_cluster_parameter_group_name = aws_rds_cluster_parameter_group.this.name
  storage_encrypted               = true
  kms_key_id                      = var.kms_key_arn

  backup_retention_period             = var.backup_retention_days
  preferred_backup_window             = "03:00-04:00"
  preferred_maintenance_window        = "sun:04:30-sun:05:30"
  copy_tags_to_snapshot               = true
  deletion_protection                 = var.deletion_protection
  skip_final_snapshot                 = local.is_secondary
  final_snapshot_identifier           = local.is_secondary ? null : "${var.cluster_identifier}-final-${random_id.final_snapshot.hex}"
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

resource "aws_rds_cluster_instance" "this" {
  count = var.instance_count

  identifier                            = "${var.cluster_identifier}-${count.index + 1}"
  cluster_identifier                    = aws_rds_cluster.this.id
  engine                                = aws_rds_cluster.this.engine
  instance_class                        = var.instance_class
  db_subnet_group_name                  = module.common.subnet_group_name
  publicly_accessible                   = false
  auto_minor_version_upgrade            = var.auto_minor_version_upgrade
  monitoring_interval                   = 30
  monitoring_role_arn                   = module.common.monitoring_role_arn
  performance_insights_enabled          = var.performance_insights
  performance_insights_kms_key_id       = var.performance_insights ? var.kms_key_arn : null
  performance_insights_retention_period = var.performance_insights ? 7 : null

  tags = merge(var.tags, { Name = "${var.cluster_identifier}-${count.index + 1}" })
}
