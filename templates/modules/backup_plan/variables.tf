variable "name" {
  description = "Name of the vault and the plan (at most 50 characters); the role is <name>-backup."
  type        = string
}

variable "kms_key_arn" {
  description = "ARN of this region's customer-managed key encrypting the vault."
  type        = string
}

variable "retention_days" {
  description = "Days recovery points are kept in this vault (the vault lock's minimum too)."
  type        = number
  default     = 35
}

variable "vault_lock" {
  description = "Lock the vault in governance mode: recovery points cannot be deleted before retention_days."
  type        = bool
  default     = false
}

variable "create_plan" {
  description = "Create the backup plan and its selection (false: the vault and the role only, e.g. the copy destination)."
  type        = bool
  default     = true
}

variable "schedule" {
  description = "Cron expression of the backup rule, in UTC, e.g. cron(0 5 ? * * *)."
  type        = string
  default     = "cron(0 5 ? * * *)"
}

variable "resource_arns" {
  description = "ARNs of the resources the plan backs up."
  type        = list(string)
  default     = []
}

variable "selection_tags" {
  description = "Tags (key = value) whose resources the plan backs up as well."
  type        = map(string)
  default     = {}
}

variable "copy_destination_vault_arn" {
  description = "ARN of the vault in the other region every recovery point is copied to; null copies nothing (yet)."
  type        = string
  default     = null
}

variable "copy_retention_days" {
  description = "Days the copies are kept in the destination vault."
  type        = number
  default     = 35
}

variable "tags" {
  description = "Tags for every resource of the module (and the recovery points)."
  type        = map(string)
  default     = {}
}
