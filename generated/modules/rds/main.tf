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

resource "aws_secretsmanager_secret_version" "master" {
  count = local.is_replica ? 0 : 1

  secret_id                = module.common.master_secret_id
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
# What rds and aurora share (../db_common): the credentials secret, subnet
# group, security group and its client rules, the baseline parameters,
# the enhanced-monitoring role and the writer's private DNS name
################################################################################

module "common" {
  source = "../db_common"

  name                       = var.identifier
  engine                     = var.engine
  create_secret              = !local.is_replica
  kms_key_arn                = var.kms_key_arn
  secret_replica_kms_key_arn = var.secret_replica_kms_key_arn
  vpc_id                     = var.vpc_id
  subnet_ids                 = var.subnet_ids
  port                       = var.port
  allowed_security_group_ids = var.allowed_security_group_ids
  allowed_cidr_blocks        = var.allowed_cidr_blocks
  monitored_instances        = var.identifier
  dns_zone_id                = var.dns_zone_id
  dns_name                   = var.dns_name
  dns_target                 = aws_db_instance.this.address
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
# Parameters: the engine's baseline (TLS required) and the caller's
################################################################################

resource "aws_db_parameter_group" "this" {
  name_prefix = "${var.identifier}-"
  family      = var.parameter_group_family
  description = "Parameters of ${var.identifier}"

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

# The final snapshot's name is new for each instance of this identifier: a
# fixed name stops the next destroy of one of the same identifier, whose
# final snapshot then exists already (DBSnapshotAlreadyExists), e.g. a
# second DR drill or a root destroyed and applied again.
resource "random_id" "final_snapshot" {
  byte_length = 4

  keepers = {
    identifier = var.identifier
  }
}

resource "aws_db_instance" "this" {
  #checkov:skip=CKV2_AWS_69:TLS is required by the baseline db_common gives the parameter group (rds.force_ssl or require_secure_transport = 1); checkov does not follow a module output into a dynamic parameter block (tests/db_common.rs checks the baseline with Terraform)
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
  db_subnet_group_name      = module.common.subnet_group_name
  vpc_security_group_ids    = [module.common.security_group_id]
  publicly_accessible       = false
  multi_az                  = var.multi_az
  ca_cert_identifier        = "rds-ca-rsa2048-g1"
  network_type              = "IPV4"
  deletion_protection       = var.deletion_protection
  skip_final_snapshot       = local.is_replica # AWS takes no final snapshot of a read replica
  final_snapshot_identifier = local.is_replica ? null : "${var.identifier}-final-${random_id.final_snapshot.hex}"
  copy_tags_to_snapshot     = true

  backup_retention_period = var.backup_retention_days
  backup_window           = "03:00-04:00"
  maintenance_window      = "sun:04:30-sun:05:30"

  auto_minor_version_upgrade            = true
  iam_database_authentication_enabled   = true
  enabled_cloudwatch_logs_exports       = local.log_exports
  monitoring_interval                   = 30
  monitoring_role_arn                   = module.common.monitoring_role_arn
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
