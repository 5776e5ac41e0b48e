################################################################################
# CloudTrail into an encrypted bucket and a CloudWatch log group
################################################################################

resource "aws_cloudwatch_log_group" "this" {
  name              = "/aws/cloudtrail/${var.name}"
  retention_in_days = var.retention_days
  kms_key_id        = var.kms_key_arn

  tags = var.tags
}

# CloudTrail assumes the role to deliver to the log group. No aws:SourceArn or
# aws:SourceAccount condition: CloudTrail does not send them when it assumes
# this role ("Role policy document for CloudTrail to use CloudWatch Logs",
# CloudTrail User Guide), so such a condition would refuse the trail and
# CreateTrail fails. The role's own policy reaches this log group only.
data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["cloudtrail.amazonaws.com"]
    }
  }
}

data "aws_iam_policy_document" "logs" {
  statement {
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.this.arn}:*"]
  }
}

resource "aws_iam_role" "this" {
  name               = "${var.name}-cloudtrail"
  assume_role_policy = data.aws_iam_policy_document.assume.json

  tags = var.tags
}

resource "aws_iam_role_policy" "this" {
  name   = "deliver-to-cloudwatch"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.logs.json
}

resource "aws_cloudtrail" "this" {
  #checkov:skip=CKV_AWS_67:The primary trail is multi-region; the DR trail is regional on purpose, so auditing goes on in DR when the primary region is lost
  #checkov:skip=CKV_AWS_252:Per-file delivery notifications add no signal; the CloudWatch Logs copy of the trail feeds alarms
  name                          = var.name
  s3_bucket_name                = var.s3_bucket_name
  kms_key_id                    = var.kms_key_arn
  is_multi_region_trail         = var.multi_region
  include_global_service_events = var.multi_region
  enable_log_file_validation    = true
  cloud_watch_logs_group_arn    = "${aws_cloudwatch_log_group.this.arn}:*"
  cloud_watch_logs_role_arn     = aws_iam_role.this.arn

  tags = merge(var.tags, { Name = var.name })

  # CreateTrail checks that the role can write to the log group: its policy first.
  depends_on = [aws_iam_role_policy.this]
}
