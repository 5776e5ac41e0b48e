################################################################################
# Automated backups of a primary-region instance, replicated into this region
################################################################################

# Replicated automated backups belong to one source instance, identified by
# its resource ID (DbiResourceId), not by its name: DescribeDBInstanceAutomated
# Backups keys them on it (RDS API reference). A failback that restores a new
# instance under the old identifier leaves the ARN unchanged, so the
# replication is keyed on the resource ID too and replaced when it changes:
# it then follows the new instance, not the renamed old one.
resource "terraform_data" "source" {
  input = var.source_db_resource_id
}

resource "aws_db_instance_automated_backups_replication" "this" {
  source_db_instance_arn = var.source_db_instance_arn
  kms_key_id             = var.kms_key_arn
  retention_period       = var.retention_days

  lifecycle {
    replace_triggered_by = [terraform_data.source]
  }
}

# Where a restore lands: private subnets of the DR VPC, ready before the disaster.
resource "aws_db_subnet_group" "restore" {
  count = length(var.subnet_ids) > 0 ? 1 : 0

  name       = var.restore_subnet_group_name
  subnet_ids = var.subnet_ids

  tags = merge(var.tags, { Name = var.restore_subnet_group_name })
}

# The security group a restore gets: the application's groups of this region
# reach the port; without it a restored instance lands in the default group,
# which admits nothing.
resource "aws_security_group" "restore" {
  #checkov:skip=CKV2_AWS_5:The runbook's restore command attaches it to the restored instance (--vpc-security-group-ids); it exists before the disaster so the restore creates nothing new
  count = length(var.subnet_ids) > 0 ? 1 : 0

  name        = "${var.restore_subnet_group_name}-db"
  description = "Database restored from ${var.restore_subnet_group_name}'s replicated backups"
  vpc_id      = var.vpc_id

  tags = merge(var.tags, { Name = "${var.restore_subnet_group_name}-db" })
}

resource "aws_vpc_security_group_ingress_rule" "restore_clients" {
  count = length(var.subnet_ids) > 0 ? length(var.allowed_security_group_ids) : 0

  security_group_id            = aws_security_group.restore[0].id
  description                  = "Database clients (application security group)"
  ip_protocol                  = "tcp"
  from_port                    = var.port
  to_port                      = var.port
  referenced_security_group_id = var.allowed_security_group_ids[count.index]
}

# The parameter group a restore joins (the runbook's restore passes
# --db-parameter-group-name): the engine's baseline, as the primary's, so a
# database restored in this region requires TLS and logs as the primary does.
# Without it a restore runs the engine's default DB parameter group (RDS API
# RestoreDBInstanceToPointInTime), TLS not required (helper-67).
module "parameters" {
  source = "../db_parameters"
  count  = var.parameter_group_family == null ? 0 : 1

  engine = var.engine
}

resource "aws_db_parameter_group" "restore" {
  count = var.parameter_group_family == null ? 0 : 1

  name_prefix = "${var.restore_subnet_group_name}-"
  family      = var.parameter_group_family
  description = "Parameters of a restore in this region"

  dynamic "parameter" {
    for_each = module.parameters[0].baseline

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

# The log groups a restore exports into (the runbook's restore passes
# --enable-cloudwatch-logs-exports): made here with the region's key and a
# retention, before the disaster; RDS would otherwise create them itself,
# unencrypted by the key and kept forever (helper-67).
resource "aws_cloudwatch_log_group" "restore" {
  for_each = var.restore_identifier == null ? toset([]) : toset(var.log_exports)

  name              = "/aws/rds/instance/${var.restore_identifier}/${each.value}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn

  tags = var.tags
}
