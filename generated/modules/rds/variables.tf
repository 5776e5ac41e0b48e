variable "identifier" {
  description = "Identifier of the DB instance."
  type        = string
}

variable "engine" {
  description = "postgres or mysql (ignored for a replica, which inherits it)."
  type        = string
}

variable "engine_version" {
  description = "Major engine version, e.g. 17 (postgres) or 8.4 (mysql); RDS applies minor versions itself. A replica runs its source's version."
  type        = string

  validation {
    condition     = can(regex("^[0-9]+(\\.[0-9]+)?$", var.engine_version))
    error_message = "Give the major version only (17, 8.4): with auto minor version upgrades a pinned minor makes every plan try to downgrade."
  }
}

variable "instance_class" {
  description = "DB instance class."
  type        = string
}

variable "allocated_storage" {
  description = "Storage in GiB (autoscaling up to four times this); a replica inherits its source's and uses this for the ceiling."
  type        = number
  default     = 20
}

variable "db_name" {
  description = "Name of the initial database."
  type        = string
  default     = null
}

variable "username" {
  description = "Master user name."
  type        = string
  default     = "dbadmin"
}

variable "password_version" {
  description = "Bump to rotate the master password (a new one is generated and written to RDS and Secrets Manager)."
  type        = number
  default     = 1
}

variable "port" {
  description = "Listener port."
  type        = number
}

variable "parameter_group_family" {
  description = "Parameter group family, e.g. postgres16."
  type        = string
}

variable "parameters" {
  description = "Extra parameters besides the baseline (TLS, DDL and slow-statement logging)."
  type = list(object({
    name  = string
    value = string
  }))
  default = []
}

variable "log_exports" {
  description = "Logs exported to CloudWatch; empty exports the engine's error and statement logs (exports stay on)."
  type        = list(string)
  default     = []
}

variable "multi_az" {
  description = "Keep a synchronous standby in a second AZ."
  type        = bool
  default     = true
}

variable "replicate_source_db" {
  description = "ARN of the source instance when this is a cross-region read replica; null for a primary."
  type        = string
  default     = null
}

variable "vpc_id" {
  description = "VPC of the instance."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets of the subnet group."
  type        = list(string)
}

variable "allowed_security_group_ids" {
  description = "Security groups of the database's clients (application servers, cluster nodes)."
  type        = list(string)
  default     = []
}

variable "allowed_cidr_blocks" {
  description = "Client ranges allowed to connect besides those groups (the peer VPC, where the other region's clients use this database)."
  type        = list(string)
  default     = []
}

variable "kms_key_arn" {
  description = "KMS key for storage, Performance Insights and the credentials secret (in this region)."
  type        = string
}

variable "backup_retention_days" {
  description = "Days of automated backups (a replica needs at least 1 to be promotable with backups)."
  type        = number
  default     = 7
}

variable "performance_insights" {
  description = "Enable Performance Insights (not offered on the smallest classes)."
  type        = bool
  default     = true
}

variable "deletion_protection" {
  description = "Protect the instance from deletion."
  type        = bool
  default     = true
}

variable "log_retention_days" {
  description = "Retention of the exported database logs."
  type        = number
  default     = 365
}

variable "secret_replica_kms_key_arn" {
  description = "Key ARN in the DR region under which the master secret is replicated there; null for no replica."
  type        = string
  default     = null
}

variable "dns_zone_id" {
  description = "Private hosted zone of the writer's stable name (required with dns_name)."
  type        = string
  default     = null
}

variable "dns_name" {
  description = "Stable name of the writer in dns_zone_id, e.g. db.shop.internal (a CNAME to the writer endpoint); null for no record. It decides the record's count, so it is known at plan time (the zone ID may not be)."
  type        = string
  default     = null
}

variable "dns_ttl" {
  description = "TTL of the writer's record in seconds: how long clients may keep resolving to an old target."
  type        = number
  default     = 30
}

variable "tags" {
  description = "Tags for every resource of the module."
  type        = map(string)
  default     = {}
}
