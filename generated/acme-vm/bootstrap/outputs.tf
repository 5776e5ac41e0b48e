output "primary_state_bucket" {
  description = "State bucket of the primary root (us-east-2): terraform init -backend-config=\"bucket=…\"."
  value       = module.state_primary.bucket_id
}

output "primary_state_kms_key_arn" {
  description = "KMS key encrypting the primary state."
  value       = module.kms_primary.key_arn
}

output "dr_state_bucket" {
  description = "State bucket of the dr root (us-west-1): terraform init -backend-config=\"bucket=…\"."
  value       = module.state_dr.bucket_id
}

output "dr_state_kms_key_arn" {
  description = "KMS key encrypting the dr state."
  value       = module.kms_dr.key_arn
}

output "vm_acme_platform_dev_name_servers" {
  description = "Name servers of vm.acme-platform.dev: set them as the domain's NS records at its registrar."
  value       = module.zone_vm_acme_platform_dev.name_servers
}
