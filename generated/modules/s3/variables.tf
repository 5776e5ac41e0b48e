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

variable "cloudtrail_writer" {
  description = "Allow CloudTrail to deliver logs into the bucket."
  type        = bool
  default     = false
}

variable "replication_destination_bucket" {
  description = "Name of the DR bucket to replicate into; null for no replication."
  type        = string
  default     = null
}

variable "replication_destination_kms_key_arn" {
  description = "KMS key (ARN or alias ARN) in the DR region that encrypts replicas."
  type        = string
  default     = null
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
