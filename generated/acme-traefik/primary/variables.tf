variable "region" {
  description = "Region of this root."
  type        = string
  default     = "eu-west-3"
}

variable "admin_instance_count" {
  description = "Number of bastion hosts of admin in this region."
  type        = number
  default     = 1
}

variable "admin_instance_type" {
  description = "EC2 instance type of admin."
  type        = string
  default     = "t3.micro"
}

variable "cluster_instance_type" {
  description = "Node instance type of cluster cluster."
  type        = string
  default     = "m6i.xlarge"
}

variable "cluster_node_desired_size" {
  description = "Desired nodes of cluster cluster in this region."
  type        = number
  default     = 3
}

variable "cluster_node_max_size" {
  description = "Maximum nodes of cluster cluster."
  type        = number
  default     = 6
}

variable "cluster_node_min_size" {
  description = "Minimum nodes of cluster cluster."
  type        = number
  default     = 3
}

variable "cluster_public_access_cidrs" {
  description = "CIDRs allowed to the public API endpoint of cluster; empty keeps it private (apply charts from inside the VPC)."
  type        = list(string)
  default     = []
}

variable "tags" {
  description = "Extra tags merged into every resource's default tags."
  type        = map(string)
  default     = {}
}

variable "traefik_certificate_arn" {
  description = "ACM certificate of traefik in this region; null serves plain HTTP."
  type        = string
  default     = null
}
