################################################################################
# Customer-managed KMS key
################################################################################

data "aws_caller_identity" "current" {}

data "aws_region" "current" {}

data "aws_partition" "current" {}

data "aws_iam_policy_document" "key" {
  #checkov:skip=CKV_AWS_109:In a key policy, resource "*" is this key; the account-root statement delegates key use to IAM policies
  #checkov:skip=CKV_AWS_111:In a key policy, resource "*" is this key; service statements are scoped by encryption-context conditions
  #checkov:skip=CKV_AWS_356:In a key policy, resource "*" is this key and cannot be narrowed further
  statement {
    sid       = "AccountAdministration"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::${data.aws_caller_identity.current.account_id}:root"]
    }
  }

  statement {
    sid       = "CloudWatchLogs"
    actions   = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["logs.${data.aws_region.current.region}.amazonaws.com"]
    }

    condition {
      test     = "ArnLike"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = ["arn:aws:logs:${data.aws_region.current.region}:${data.aws_caller_identity.current.account_id}:*"]
    }
  }

  # CloudTrail, as its user guide documents: encrypt only for this account's
  # trails, describe the key, and decrypt (S3 Bucket Keys on the log bucket).
  statement {
    sid       = "CloudTrailEncryptLogs"
    actions   = ["kms:GenerateDataKey*"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["cloudtrail.amazonaws.com"]
    }

    condition {
      test     = "StringLike"
      variable = "kms:EncryptionContext:aws:cloudtrail:arn"
      values   = ["arn:aws:cloudtrail:*:${data.aws_caller_identity.current.account_id}:trail/*"]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:aws:cloudtrail:*:${data.aws_caller_identity.current.account_id}:trail/*"]
    }
  }

  statement {
    sid       = "CloudTrailDescribeKey"
    actions   = ["kms:DescribeKey"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["cloudtrail.amazonaws.com"]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:aws:cloudtrail:*:${data.aws_caller_identity.current.account_id}:trail/*"]
    }
  }

  statement {
    sid       = "CloudTrailDecryptForBucketKey"
    actions   = ["kms:Decrypt"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["cloudtrail.amazonaws.com"]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:aws:cloudtrail:*:${data.aws_caller_identity.current.account_id}:trail/*"]
    }
  }

  # CloudWatch alarms publish to encrypted SNS topics (SNS developer guide).
  statement {
    sid       = "CloudWatchAlarmsToEncryptedSns"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey*"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:aws:cloudwatch:${data.aws_region.current.region}:${data.aws_caller_identity.current.account_id}:alarm:*"]
    }
  }

  # EC2 Auto Scaling launches EKS nodes whose volumes this key encrypts (the
  # Auto Scaling user guide's "Required AWS KMS key policy for use with
  # encrypted volumes"). The role must exist first: the bootstrap root creates
  # or adopts it.
  dynamic "statement" {
    for_each = var.autoscaling_service_linked_role ? [1] : []

    content {
      sid       = "AutoScalingServiceLinkedRoleUse"
      actions   = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"]
      resources = ["*"]

      principals {
        type        = "AWS"
        identifiers = [local.autoscaling_role_arn]
      }
    }
  }

  dynamic "statement" {
    for_each = var.autoscaling_service_linked_role ? [1] : []

    content {
      sid       = "AutoScalingServiceLinkedRoleGrants"
      actions   = ["kms:CreateGrant"]
      resources = ["*"]

      principals {
        type        = "AWS"
        identifiers = [local.autoscaling_role_arn]
      }

      condition {
        test     = "Bool"
        variable = "kms:GrantIsForAWSResource"
        values   = ["true"]
      }
    }
  }
}

locals {
  autoscaling_role_arn = "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"
}

resource "aws_kms_key" "this" {
  description             = var.description
  deletion_window_in_days = var.deletion_window_in_days
  enable_key_rotation     = true
  rotation_period_in_days = 365
  policy                  = data.aws_iam_policy_document.key.json

  tags = merge(var.tags, { Name = var.name })
}

resource "aws_kms_alias" "this" {
  name          = var.alias
  target_key_id = aws_kms_key.this.key_id
}

################################################################################
# EBS encryption by default with this key: an account-and-region-wide setting,
# only when the inventory takes it over (ebs_default_encryption: true).
# Destroying it turns default encryption off for the whole region.
################################################################################

resource "aws_ebs_encryption_by_default" "account" {
  count = var.ebs_encryption_by_default ? 1 : 0

  enabled = true
}

resource "aws_ebs_default_kms_key" "account" {
  count = var.ebs_encryption_by_default ? 1 : 0

  key_arn = aws_kms_key.this.arn
}

# Until 2026-11-28 the two were named `this`. Forgotten, not destroyed: an
# inventory that handed the setting to another of its account (acmegen allows
# one per account and region) would otherwise turn default encryption off for
# the whole region on its next apply. Where the inventory keeps the setting,
# the resources above set the same values again (enabling it and setting the
# key are idempotent).
removed {
  from = aws_ebs_encryption_by_default.this

  lifecycle {
    destroy = false
  }
}

removed {
  from = aws_ebs_default_kms_key.this

  lifecycle {
    destroy = false
  }
}
