variable "name" {
  description = "Name of the VPC and prefix of its resources."
  type        = string
}

variable "cidr" {
  description = "CIDR block of the VPC."
  type        = string
}

variable "public_subnets" {
  description = "CIDR of the public subnet in each AZ, in AZ order."
  type        = list(string)
}

variable "private_subnets" {
  description = "CIDR of the private subnet in each AZ, in AZ order."
  type        = list(string)
}

variable "nat_gateway_per_az" {
  description = "One NAT gateway per AZ (true) or a single shared one (false)."
  type        = bool
  default     = true
}

variable "kms_key_arn" {
  description = "KMS key encrypting the flow-log group."
  type        = string
}

variable "flow_log_retention_days" {
  description = "Retention of VPC flow logs."
  type        = number
  default     = 365
}

variable "database_clients_group" {
  description = "Create the database-clients security group: the root's databases admit it, its application servers join it."
  type        = bool
  default     = false
}

variable "excluded_az_ids" {
  description = "Availability zone IDs never used (e.g. use1-az3, where EKS cannot place its control plane)."
  type        = list(string)
  default     = []
}

variable "network_acls" {
  description = "Network ACL rules per subnet tier (public, private): inbound and outbound, each rule numbered. Empty keeps the subnets on the VPC's default network ACL."
  type = map(object({
    inbound = list(object({
      rule_number = number
      rule_action = string
      protocol    = string
      cidr_block  = string
      from_port   = number
      to_port     = number
      icmp_type   = optional(number)
      icmp_code   = optional(number)
    }))
    outbound = list(object({
      rule_number = number
      rule_action = string
      protocol    = string
      cidr_block  = string
      from_port   = number
      to_port     = number
      icmp_type   = optional(number)
      icmp_code   = optional(number)
    }))
  }))
  default = {}

  validation {
    condition     = alltrue([for tier in keys(var.network_acls) : contains(["public", "private"], tier)])
    error_message = "network_acls is keyed by subnet tier: public or private."
  }
}

variable "tags" {
  description = "Tags for every resource of the module."
  type        = map(string)
  default     = {}
}
