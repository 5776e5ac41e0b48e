output "bucket_id" {
  description = "Name of the bucket."
  value       = aws_s3_bucket.this.id
}

output "bucket_arn" {
  description = "ARN of the bucket."
  value       = aws_s3_bucket.this.arn
}

output "policy_statements" {
  description = "Statements of the bucket policy as evaluated (sid, effect, actions, principals as Type:identifier, conditions as \"test variable value\"): for reviews and the generated tests, which cannot compute the policy JSON offline."
  value = [for s in data.aws_iam_policy_document.bucket.statement : {
    sid        = s.sid
    effect     = coalesce(s.effect, "Allow")
    actions    = s.actions == null ? [] : sort(s.actions)
    principals = sort(flatten([for p in s.principals : [for i in p.identifiers : "${p.type}:${i}"]]))
    conditions = sort(flatten([for c in s.condition : [for v in c.values : "${c.test} ${c.variable} ${v}"]]))
  }]
}

output "protection" {
  description = "How the bucket is protected: default encryption (algorithm and key), versioning and the public access block."
  value = {
    sse_algorithm      = one(one(aws_s3_bucket_server_side_encryption_configuration.this.rule).apply_server_side_encryption_by_default).sse_algorithm
    kms_key            = one(one(aws_s3_bucket_server_side_encryption_configuration.this.rule).apply_server_side_encryption_by_default).kms_master_key_id
    bucket_key_enabled = one(aws_s3_bucket_server_side_encryption_configuration.this.rule).bucket_key_enabled
    versioning         = one(aws_s3_bucket_versioning.this.versioning_configuration).status
    public_access_blocked = alltrue([
      aws_s3_bucket_public_access_block.this.block_public_acls,
      aws_s3_bucket_public_access_block.this.block_public_policy,
      aws_s3_bucket_public_access_block.this.ignore_public_acls,
      aws_s3_bucket_public_access_block.this.restrict_public_buckets,
    ])
  }
}
