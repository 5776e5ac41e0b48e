variable "name" {
  description = "Prefix of the log group, topic and alarms."
  type        = string
}

variable "retention_days" {
  description = "Retention of the application log group."
  type        = number
  default     = 365
}

variable "log_group" {
  description = "Create the application log group (false: only the alarm topic and alarms)."
  type        = bool
  default     = true
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
    # Replication-health alarms set "breaching": a replica that stopped
    # replicating emits no data, and that must alarm.
    treat_missing_data = optional(string, "notBreaching")
    # Seconds per datapoint and how many in a row breach before the alarm
    # fires: replication-lag alarms, which guard the RPO, read every minute.
    period             = optional(number, 300)
    evaluation_periods = optional(number, 2)
  }))
  default = {}
}

variable "alert_emails" {
  description = "Addresses subscribed to the alarm topic (each confirms the subscription once)."
  type        = list(string)

  validation {
    condition     = length(var.alert_emails) > 0 && alltrue([for e in var.alert_emails : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", e))])
    error_message = "Give at least one e-mail address: an alarm topic nobody subscribes to alerts nobody."
  }
}

variable "tags" {
  description = "Tags for every resource of the module."
  type        = map(string)
  default     = {}
}
