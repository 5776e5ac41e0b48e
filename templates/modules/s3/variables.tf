variable "bucket" {
  description = "Globally unique bucket name."
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key for default encryption."
  type        = string
}

variable "noncurrent_version_days" {
  description = "Days a noncurrent object version is kept."
  type        = number
  default     = 90
}

variable "cloudtrail_trail_arns" {
  description = "Trails allowed to deliver logs into the bucket (aws:SourceArn); empty for none."
  type        = list(string)
  default     = []
}

variable "replication_destination_bucket_arn" {
  description = "ARN of the DR bucket to replicate into; null for no replication."
  type        = string
  default     = null
}

variable "replication_destination_kms_key_arn" {
  description = "Key ARN (not an alias: IAM cannot authorise key use through an alias) of the DR-region key that encrypts replicas."
  type        = string
  default     = null

  validation {
    condition     = var.replication_destination_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/", var.replication_destination_kms_key_arn))
    error_message = "replication_destination_kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), not an alias."
  }
}

variable "replication_storage_class" {
  description = "Storage class of the replicas (STANDARD for a warm copy, GLACIER_IR for a backup)."
  type        = string
  default     = "STANDARD"
}

variable "tags" {
  description = "Tags for every resource of the module."
  type        = map(string)
  default     = {}
}
