################################################################################
# Cluster
################################################################################

variable "name" {
  description = "Name of the PostgreSQL cluster (the `postgresql` resource, its Services and its backup scope)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,38}[a-z0-9]$", var.name))
    error_message = "name must be a DNS label of 2 to 40 lowercase letters, digits and dashes."
  }
}

variable "namespace" {
  description = "Namespace of the PostgreSQL cluster."
  type        = string
  default     = "postgres"
}

variable "operator_namespace" {
  description = "Namespace of the operator."
  type        = string
  default     = "postgres-operator"
}

variable "chart_version" {
  description = "Version of the postgres-operator chart (https://opensource.zalando.com/postgres-operator/charts/postgres-operator)."
  type        = string
  default     = "2.0.1"
}

variable "team_id" {
  description = "Team that owns the cluster (the operator's teamId)."
  type        = string
  default     = "platform"
}

variable "postgres_version" {
  description = "PostgreSQL major version (the same in both regions: a standby replays the primary's WAL)."
  type        = string
  default     = "17"

  validation {
    condition     = contains(["14", "15", "16", "17", "18"], var.postgres_version)
    error_message = "postgres_version must be one of 14 to 18."
  }
}

variable "replicas" {
  description = "Streaming replicas besides the master (0 in a pilot-light region)."
  type        = number
  default     = 1

  validation {
    condition     = var.replicas >= 0 && floor(var.replicas) == var.replicas
    error_message = "replicas must be a whole number of at least 0."
  }
}

variable "volume_size_gb" {
  description = "Data volume of each instance in GiB."
  type        = number
  default     = 20
}

variable "storage_class" {
  description = "Existing storage class of the data volumes; null creates <name>-gp3-kms, gp3 volumes encrypted with kms_key_arn through the EBS CSI driver (whose role may use the region's key)."
  type        = string
  default     = null
}

variable "resources" {
  description = "Resource requests and limits of each PostgreSQL container."
  type = object({
    requests = object({ cpu = string, memory = string })
    limits   = object({ cpu = string, memory = string })
  })
  default = {
    requests = { cpu = "250m", memory = "512Mi" }
    limits   = { cpu = "1", memory = "1Gi" }
  }
}

variable "users" {
  description = "Roles the operator creates, with their flags (e.g. { app = [\"createdb\"] }); passwords live in Kubernetes secrets <user>.<name>.credentials.postgresql.acid.zalan.do, never in Terraform."
  type        = map(list(string))
  default     = {}
}

variable "databases" {
  description = "Databases the operator creates: name => owner role (one of users)."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for owner in values(var.databases) : contains(keys(var.users), owner)])
    error_message = "Every database owner must be one of users."
  }
}

################################################################################
# Backups and DR
################################################################################

variable "backup_bucket" {
  description = "S3 bucket of the WAL archive and base backups (in this region; in DR the replica of the primary's bucket)."
  type        = string
}

variable "kms_key_arn" {
  description = "ARN of the KMS key (not an alias) that encrypts the bucket's objects in this region."
  type        = string

  validation {
    condition     = !can(regex(":alias/", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:…:key/…), not an alias."
  }
}

variable "backup_schedule" {
  description = "Cron schedule of the base backups (UTC)."
  type        = string
  default     = "00 01 * * *"
}

variable "backups_to_retain" {
  description = "Base backups (with their WAL) kept in this region's prefix."
  type        = number
  default     = 7
}

variable "standby" {
  description = "Run the cluster as a standby that restores from and follows the WAL archive of standby_source_region (the DR role); false promotes it."
  type        = bool
  default     = false

  validation {
    condition     = !var.standby || (var.standby_source_region != null && var.standby_source_region != var.region)
    error_message = "standby needs standby_source_region, the primary region (not this one)."
  }
}

variable "standby_source_region" {
  description = "Region whose archive prefix a standby follows (the primary region)."
  type        = string
  default     = null
}

################################################################################
# Cluster identity and tags
################################################################################

variable "cluster_name" {
  description = "Name of the EKS cluster (prefix of the IAM role name)."
  type        = string
}

variable "oidc_provider_arn" {
  description = "ARN of the EKS cluster's IAM OIDC provider."
  type        = string

  validation {
    condition     = !startswith(var.oidc_provider_arn, "https://")
    error_message = "oidc_provider_arn must be the ARN of the IAM OIDC provider, not the issuer URL."
  }
}

variable "region" {
  description = "AWS region of the cluster and of the bucket."
  type        = string
}

variable "tags" {
  description = "Tags for every AWS resource of the module."
  type        = map(string)
  default     = {}
}

variable "network_policy" {
  description = "Default-deny NetworkPolicies for the operator's namespace, with the operator's way to DNS, the API server on 443 (its interfaces in vpc_cidr, and the kubernetes Service, the first address of service_cidr) and the cluster's pods (5432, 8008). Null: none."
  type = object({
    vpc_cidr     = string
    service_cidr = optional(string)
  })
  default = null
}
