variable "repository_name" {
  description = "Name of the repository (the same in both regions, so replication lands in it)."
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key encrypting the images."
  type        = string
}

variable "keep_images" {
  description = "Number of images kept by the lifecycle policy."
  type        = number
  default     = 100
}

variable "tags" {
  description = "Tags for every resource of the module."
  type        = map(string)
  default     = {}
}
