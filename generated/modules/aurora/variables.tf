variable "cluster_identifier" {
  description = "Identifier of the cluster; instances are <identifier>-N."
  type        = string
}

variable "role" {
  description = "standalone, global-primary (creates the global database) or secondary (joins it, read-only until failover)."
  type        = string
  default     = "standalone"

  validation {
    condition     = contains(["standalone", "global-primary", "secondary"], var.role)
    error_message = "role must be standalone, global-primary or secondary."
  }
}

variable "global_cluster_identifier" {
  description = "Identifier of the Aurora global database (both regions use the same)."
  type        = string
  default     = null
}

variable "engine" {
  description = "aurora-postgresql or aurora-mysql."
  type        = string
}

variable "engine_version" {
  description = "Engine version; both regions of a global database run the same."
  type        = string
}

variable "instance_class" {
  description = "DB instance class of the cluster instances."
  type        = string
}

variable "instance_count" {
  description = "Number of cluster instances (writer plus readers) in this region."
  type        = number
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
  description = "Bump to rotate the master password."
  type        = number
  default     = 1
}

variable "port" {
  description = "Listener port."
  type        = number
}

variable "parameter_group_family" {
  description = "Cluster parameter group family, e.g. aurora-postgresql16."
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

variable "vpc_id" {
  description = "VPC of the cluster."
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
  description = "Days of automated backups."
  type        = number
  default     = 7
}

variable "performance_insights" {
  description = "Enable Performance Insights."
  type        = bool
  default     = true
}

variable "deletion_protection" {
  description = "Protect the cluster from deletion."
  type        = bool
  default     = true
}

variable "auto_minor_version_upgrade" {
  description = "Let Aurora apply minor versions (engine_version a major); false where the version is pinned in full (Aurora MySQL)."
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
