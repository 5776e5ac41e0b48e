output "key_arn" {
  description = "ARN of the KMS key."
  value       = aws_kms_key.this.arn
}

output "key_id" {
  description = "ID of the KMS key."
  value       = aws_kms_key.this.key_id
}

output "alias_name" {
  description = "Alias of the KMS key."
  value       = aws_kms_alias.this.name
}

output "policy_statements" {
  description = "Statements of the key policy as evaluated (sid, effect, actions, principals as Type:identifier, conditions as \"test variable value\"): for reviews and the generated tests, which cannot compute the policy JSON offline."
  value = [for s in data.aws_iam_policy_document.key.statement : {
    sid        = s.sid
    effect     = coalesce(s.effect, "Allow")
    actions    = s.actions == null ? [] : sort(s.actions)
    principals = sort(flatten([for p in s.principals : [for i in p.identifiers : "${p.type}:${i}"]]))
    conditions = sort(flatten([for c in s.condition : [for v in c.values : "${c.test} ${c.variable} ${v}"]]))
  }]
}

output "key_rotation_enabled" {
  description = "Whether KMS rotates the key material yearly."
  value       = aws_kms_key.this.enable_key_rotation
}
