variable "region" {
  description = "Region of this root."
  type        = string
  default     = "eu-west-3"
}

variable "admin_cidrs" {
  description = "Ranges of the administrators and CI runners applying this root: the only sources of the EKS public API endpoint (empty keeps it private; charts are then applied from inside the VPC)."
  type        = list(string)

  validation {
    condition     = length(var.admin_cidrs) > 0 && alltrue([for c in var.admin_cidrs : can(cidrhost(c, 0)) && !endswith(c, "/0")])
    error_message = "Give at least one range (a.b.c.d/nn, never /0): Terraform installs charts through the cluster's public endpoint from there."
  }
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

variable "tags" {
  description = "Extra tags merged into every resource's default tags."
  type        = map(string)
  default     = {}
}
