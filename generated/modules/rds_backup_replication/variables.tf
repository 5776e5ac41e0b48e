variable "source_db_instance_arn" {
  description = "ARN of the instance in the primary region."
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key in this region encrypting the replicated backups."
  type        = string
}

variable "retention_days" {
  description = "Days the replicated backups are kept."
  type        = number
  default     = 7
}
