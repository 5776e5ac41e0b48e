variable "source_db_instance_arn" {
  description = "ARN of the instance in the primary region."
  type        = string
}

variable "source_db_resource_id" {
  description = "Resource ID (DbiResourceId) of the instance in the primary region: when it changes (a new instance under the same identifier), the replication is replaced to follow it. Null until the primary published it."
  type        = string
  default     = null
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

variable "restore_subnet_group_name" {
  description = "Name of the DB subnet group a restore in this region uses."
  type        = string
  default     = null
}

variable "subnet_ids" {
  description = "Private subnets for restores; empty creates no subnet group."
  type        = list(string)
  default     = []
}

variable "vpc_id" {
  description = "VPC a restore lands in (with subnet_ids; without them no security group is created)."
  type        = string
  default     = null
}

variable "port" {
  description = "Listener port of the database."
  type        = number
  default     = 5432
}

variable "allowed_security_group_ids" {
  description = "Security groups of this region's database clients."
  type        = list(string)
  default     = []
}

variable "tags" {
  description = "Tags for every resource of the module."
  type        = map(string)
  default     = {}
}

variable "restore_identifier" {
  description = "Identifier the runbook's restore gives the DR instance; with log_exports, its log groups exist before it (encrypted, kept log_retention_days)."
  type        = string
  default     = null
}

variable "log_exports" {
  description = "Log types the restored instance exports to CloudWatch Logs (as the primary's, e.g. [\"postgresql\"])."
  type        = list(string)
  default     = []
}

variable "log_retention_days" {
  description = "Retention of the restored instance's exported logs."
  type        = number
  default     = 365
}

variable "engine" {
  description = "Engine of the source database (postgres or mysql): decides the baseline parameters of the restore's parameter group."
  type        = string
  default     = null
}

variable "parameter_group_family" {
  description = "Parameter group family of the source database (e.g. postgres17); with it, the parameter group a restore joins exists before the disaster, with the engine's baseline."
  type        = string
  default     = null

  validation {
    condition     = var.parameter_group_family == null || (var.engine != null && var.restore_subnet_group_name != null)
    error_message = "parameter_group_family needs engine and restore_subnet_group_name."
  }
}
