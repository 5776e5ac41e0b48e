variable "name" {
  description = "Name of the trail."
  type        = string
}

variable "s3_bucket_name" {
  description = "Bucket receiving the log files (its policy must allow CloudTrail)."
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key encrypting log files and the log group."
  type        = string
}

variable "multi_region" {
  description = "Record every region and global services (primary) or this region only (DR)."
  type        = bool
  default     = true
}

variable "retention_days" {
  description = "Retention of the CloudWatch copy of the trail."
  type        = number
  default     = 365
}

variable "tags" {
  description = "Tags for every resource of the module."
  type        = map(string)
  default     = {}
}
