output "primary_state_bucket" {
  description = "State bucket of the primary root (eu-west-3): terraform init -backend-config=\"bucket=…\"."
  value       = module.state_primary.bucket_id
}

output "primary_state_kms_key_arn" {
  description = "KMS key encrypting the primary state."
  value       = module.kms_primary.key_arn
}

output "dr_state_bucket" {
  description = "State bucket of the dr root (eu-central-1): terraform init -backend-config=\"bucket=…\"."
  value       = module.state_dr.bucket_id
}

output "dr_state_kms_key_arn" {
  description = "KMS key encrypting the dr state."
  value       = module.kms_dr.key_arn
}
