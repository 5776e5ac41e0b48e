variable "zone_id" {
  description = "Public hosted zone of the record (created by the bootstrap root, or an existing one by ID)."
  type        = string
}

variable "zone_name" {
  description = "Domain of the zone, e.g. example.org (names the health checks)."
  type        = string
}

variable "record_name" {
  description = "Record name inside the zone, e.g. app."
  type        = string
}

variable "target_dns_name" {
  description = "DNS name the alias points at (load balancer or accelerator)."
  type        = string
}

variable "target_zone_id" {
  description = "Hosted zone ID of the alias target."
  type        = string
}

variable "failover_role" {
  description = "PRIMARY or SECONDARY for failover routing; null for a simple alias."
  type        = string
  default     = null
}

variable "in_rotation" {
  description = "PRIMARY record only: false keeps it out of DNS answers whatever its health (failover and failback), true lets its health check decide."
  type        = bool
  default     = true
}

variable "health_check_protocol" {
  description = "HTTP or HTTPS."
  type        = string
  default     = "HTTP"
}

variable "health_check_path" {
  description = "Path requested by the health check."
  type        = string
  default     = "/"
}

variable "tags" {
  description = "Tags for every resource of the module."
  type        = map(string)
  default     = {}
}

variable "migration_record_name" {
  description = "Migration only: the public record name (inside the zone) that the weighted records share; record_name then holds the failover pair (failover.<record>)."
  type        = string
  default     = null
}

variable "migration_from" {
  description = "Migration only: DNS name of the existing endpoint that keeps 100 - migration_weight percent of the answers; null: no migration."
  type        = string
  default     = null
}

variable "migration_from_zone_id" {
  description = "Migration only: hosted zone ID of the existing endpoint when it is an alias target (alias A records); null: CNAME records with a 60 s TTL."
  type        = string
  default     = null
}

variable "migration_weight" {
  description = "Migration only: percent of the answers (0 to 100) that go to the new stack."
  type        = number
  default     = 0

  validation {
    condition     = var.migration_weight >= 0 && var.migration_weight <= 100 && floor(var.migration_weight) == var.migration_weight
    error_message = "migration_weight is a whole percentage, 0 to 100."
  }
}
