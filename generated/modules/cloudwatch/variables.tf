variable "name" {
  description = "Prefix of the log group, topic and alarms."
  type        = string
}

variable "retention_days" {
  description = "Retention of the application log group."
  type        = number
  default     = 365
}

variable "kms_key_arn" {
  description = "KMS key encrypting logs and the alarm topic."
  type        = string
}

variable "alarms" {
  description = "Metric alarms keyed by a short name."
  type = map(object({
    description         = string
    namespace           = string
    metric_name         = string
    dimensions          = map(string)
    statistic           = string
    comparison_operator = string
    threshold           = number
  }))
  default = {}
}

variable "tags" {
  description = "Tags for every resource of the module."
  type        = map(string)
  default     = {}
}
