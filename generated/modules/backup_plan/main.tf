################################################################################
# AWS Backup: a vault encrypted with the region's key, the role AWS Backup
# works as, and (where this region runs the workload) a scheduled plan that
# copies every recovery point into the other region's vault
################################################################################

# The vault's key is the region's customer-managed key. Its policy delegates
# key use to IAM in this account (the account-root statement), so the role
# below, with AWS's managed backup policies, may create grants and data keys
# for recovery points and for the copies landing here.
resource "aws_backup_vault" "this" {
  name          = var.name
  kms_key_arn   = var.kms_key_arn
  force_destroy = false

  tags = merge(var.tags, { Name = var.name })
}

# Optional vault lock in governance mode (no changeable_for_days): recovery
# points cannot be deleted before min_retention_days by anyone without
# backup:DeleteBackupVaultLockConfiguration.
resource "aws_backup_vault_lock_configuration" "this" {
  count = var.vault_lock ? 1 : 0

  backup_vault_name  = aws_backup_vault.this.name
  min_retention_days = var.retention_days
}

################################################################################
# The role AWS Backup assumes for backups, copies and restores in this region
################################################################################

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["backup.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "this" {
  name               = "${var.name}-backup"
  assume_role_policy = data.aws_iam_policy_document.assume.json

  tags = var.tags
}

resource "aws_iam_role_policy_attachment" "this" {
  for_each = toset([
    "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
    "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
    "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Backup",
    "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Restore",
  ])

  role       = aws_iam_role.this.name
  policy_arn = each.value
}

################################################################################
# The plan: one daily rule, its retention, and the cross-region copy once the
# other region's vault is known
################################################################################

resource "aws_backup_plan" "this" {
  count = var.create_plan ? 1 : 0

  name = var.name

  rule {
    rule_name           = "${var.name}-scheduled"
    target_vault_name   = aws_backup_vault.this.name
    schedule            = var.schedule
    start_window        = 60
    completion_window   = 360
    recovery_point_tags = var.tags

    lifecycle {
      delete_after = var.retention_days
    }

    dynamic "copy_action" {
      for_each = var.copy_destination_vault_arn == null ? [] : [var.copy_destination_vault_arn]

      content {
        destination_vault_arn = copy_action.value

        lifecycle {
          delete_after = var.copy_retention_days
        }
      }
    }
  }

  tags = var.tags
}

resource "aws_backup_selection" "this" {
  count = var.create_plan && (length(var.resource_arns) > 0 || length(var.selection_tags) > 0) ? 1 : 0

  name         = var.name
  plan_id      = aws_backup_plan.this[0].id
  iam_role_arn = aws_iam_role.this.arn
  resources    = var.resource_arns

  dynamic "selection_tag" {
    for_each = var.selection_tags

    content {
      type  = "STRINGEQUALS"
      key   = selection_tag.key
      value = selection_tag.value
    }
  }

  depends_on = [aws_iam_role_policy_attachment.this]
}
