variable "region" {
  description = "Region of this root."
  type        = string
  default     = "us-west-2"
}

variable "apps_instance_type" {
  description = "Node instance type of cluster apps."
  type        = string
  default     = "m6i.large"
}

variable "apps_node_desired_size" {
  description = "Desired nodes of cluster apps in this region."
  type        = number
  default     = 1
}

variable "apps_node_max_size" {
  description = "Maximum nodes of cluster apps."
  type        = number
  default     = 9
}

variable "apps_node_min_size" {
  description = "Minimum nodes of cluster apps."
  type        = number
  default     = 1
}

variable "apps_public_access_cidrs" {
  description = "CIDRs allowed to the public API endpoint of apps; empty keeps it private (apply charts from inside the VPC)."
  type        = list(string)
  default     = []
}

variable "ingress_certificate_arn" {
  description = "ACM certificate of ingress in this region; null serves plain HTTP."
  type        = string
  default     = null
}

variable "tags" {
  description = "Extra tags merged into every resource's default tags."
  type        = map(string)
  default     = {}
}
