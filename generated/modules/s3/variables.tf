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

variable "expire_prefixes" {
  description = "Key prefixes (ending in /) whose objects expire after the given days, and their noncurrent versions a day later (e.g. the CI's saved plans); empty for none."
  type        = map(number)
  default     = {}

  validation {
    condition     = alltrue([for k, v in var.expire_prefixes : endswith(k, "/") && v >= 1 && floor(v) == v])
    error_message = "expire_prefixes keys must end in / and their days be whole numbers of at least 1."
  }
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
