variable "region" {
  description = "Region of this root."
  type        = string
  default     = "us-west-1"
}

variable "admin_public_key" {
  description = "OpenSSH public key of key pair admin (public material only; keep the private key outside Terraform)."
  type        = string
}

variable "db_instance_class" {
  description = "DB instance class of db."
  type        = string
  default     = "db.r6g.large"
}

variable "db_instance_count" {
  description = "Instances of cluster db in this region."
  type        = number
  default     = 3
}

variable "flask_instance_count" {
  description = "Number of instances of flask in this region."
  type        = number
  default     = 3
}

variable "flask_instance_type" {
  description = "EC2 instance type of flask."
  type        = string
  default     = "t3.medium"
}

variable "monitoring_instance_type" {
  description = "Node instance type of cluster monitoring."
  type        = string
  default     = "t3.medium"
}

variable "monitoring_node_desired_size" {
  description = "Desired nodes of cluster monitoring in this region."
  type        = number
  default     = 3
}

variable "monitoring_node_max_size" {
  description = "Maximum nodes of cluster monitoring."
  type        = number
  default     = 6
}

variable "monitoring_node_min_size" {
  description = "Minimum nodes of cluster monitoring."
  type        = number
  default     = 3
}

variable "monitoring_public_access_cidrs" {
  description = "CIDRs allowed to the public API endpoint of monitoring; empty keeps it private (apply charts from inside the VPC)."
  type        = list(string)
  default     = []
}

variable "tags" {
  description = "Extra tags merged into every resource's default tags."
  type        = map(string)
  default     = {}
}

variable "website_certificate_arn" {
  description = "ACM certificate of website in this region; null serves plain HTTP."
  type        = string
  default     = null
}
