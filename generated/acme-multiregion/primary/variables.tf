variable "region" {
  description = "Region of this root."
  type        = string
  default     = "us-east-1"
}

variable "edge_traffic_dial" {
  description = "Share of edge traffic sent to this region (100 primary, 0 DR; failover raises DR)."
  type        = number
  default     = 100
}

variable "ingress_certificate_arn" {
  description = "ACM certificate of ingress in this region; null serves plain HTTP."
  type        = string
  default     = null
}

variable "platform_instance_type" {
  description = "Node instance type of cluster platform."
  type        = string
  default     = "m6i.large"
}

variable "platform_node_desired_size" {
  description = "Desired nodes of cluster platform in this region."
  type        = number
  default     = 3
}

variable "platform_node_max_size" {
  description = "Maximum nodes of cluster platform."
  type        = number
  default     = 6
}

variable "platform_node_min_size" {
  description = "Minimum nodes of cluster platform."
  type        = number
  default     = 3
}

variable "platform_public_access_cidrs" {
  description = "CIDRs allowed to the public API endpoint of platform; empty keeps it private (apply charts from inside the VPC)."
  type        = list(string)
  default     = []
}

variable "postgres_instance_class" {
  description = "DB instance class of postgres."
  type        = string
  default     = "db.m6i.large"
}

variable "tags" {
  description = "Extra tags merged into every resource's default tags."
  type        = map(string)
  default     = {}
}
