################################################################################
# Automated backups of a primary-region instance, replicated into this region
################################################################################

resource "aws_db_instance_automated_backups_replication" "this" {
  source_db_instance_arn = var.source_db_instance_arn
  kms_key_id             = var.kms_key_arn
  retention_period       = var.retention_days
}

# Where a restore lands: private subnets of the DR VPC, ready before the disaster.
resource "aws_db_subnet_group" "restore" {
  count = length(var.subnet_ids) > 0 ? 1 : 0

  name       = var.restore_subnet_group_name
  subnet_ids = var.subnet_ids

  tags = merge(var.tags, { Name = var.restore_subnet_group_name })
}
