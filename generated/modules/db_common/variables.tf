variable "name" {
  description = "Identifier of the database (DB instance or cluster identifier): names the subnet group, the security group (<name>-db), the secret (<name>-master-…) and the monitoring role (<name>-monitoring)."
  type        = string
}

variable "engine" {
  description = "Engine of the database: postgres, mysql, aurora-postgresql or aurora-mysql (decides the baseline parameters)."
  type        = string

  validation {
    condition     = contains(["postgres", "mysql", "aurora-postgresql", "aurora-mysql"], var.engine)
    error_message = "engine must be postgres, mysql, aurora-postgresql or aurora-mysql."
  }
}

variable "create_secret" {
  description = "Create the master credentials secret (false on a read replica or a secondary cluster, which have no password of their own)."
  type        = bool
}

variable "kms_key_arn" {
  description = "KMS key of the credentials secret (in this region)."
  type        = string
}

variable "secret_replica_kms_key_arn" {
  description = "Key ARN in the DR region under which the master secret is replicated there; null for no replica."
  type        = string
  default     = null
}

variable "vpc_id" {
  description = "VPC of the database."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets of the subnet group."
  type        = list(string)
}

variable "port" {
  description = "Listener port of the database."
  type        = number
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

variable "monitored_instances" {
  description = "DB instance identifier, or ArnLike pattern of identifiers (<cluster>-*), whose enhanced monitoring may assume the monitoring role."
  type        = string
}

variable "dns_zone_id" {
  description = "Private hosted zone of the writer's stable name (required with dns_name)."
  type        = string
  default     = null
}

variable "dns_name" {
  description = "Stable name of the writer in dns_zone_id; null for no record. It decides the record's count, so it is known at plan time (the zone ID may not be)."
  type        = string
  default     = null
}

variable "dns_target" {
  description = "Writer address the stable name points to (instance address or cluster endpoint)."
  type        = string
}

variable "dns_ttl" {
  description = "TTL of the writer's record in seconds: how long clients may keep resolving to an old target (the caller's dns_ttl)."
  type        = number
}

variable "tags" {
  description = "Tags for every resource of the module."
  type        = map(string)
  default     = {}
}
