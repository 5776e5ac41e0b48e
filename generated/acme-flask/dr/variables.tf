variable "region" {
  description = "Region of this root."
  type        = string
  default     = "us-west-1"
}

variable "admin_cidrs" {
  description = "Ranges of the administrators and CI runners applying this root: the only sources of the EKS public API endpoint (empty keeps it private; charts are then applied from inside the VPC)."
  type        = list(string)

  validation {
    condition     = length(var.admin_cidrs) > 0 && alltrue([for c in var.admin_cidrs : can(cidrhost(c, 0)) && !endswith(c, "/0")])
    error_message = "Give at least one range (a.b.c.d/nn, never /0): Terraform installs charts through the cluster's public endpoint from there."
  }
}

variable "admin_public_key" {
  description = "OpenSSH public key of key pair admin (public material only; keep the private key outside Terraform)."
  type        = string
}

variable "alert_emails" {
  description = "E-mail addresses subscribed to the alarm topic of this region (on-call)."
  type        = list(string)
}

variable "cluster_admin_arns" {
  description = "IAM roles or users (on-call, CI) given cluster-admin access to this root's EKS clusters through access entries, besides the identity that creates them (which must not be listed)."
  type        = list(string)
  default     = []
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

variable "failover_acknowledged" {
  description = "The time of the declared failover this apply belongs to: the value of /acmegen/acme-flask/failover/declared in us-west-1, which the runbook's failover and failback write to incident.auto.tfvars. While a failover is declared, a plan without it fails. The drill's failover and failback jobs and the pull-request plans set it too."
  type        = string
  default     = null
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

variable "monitoring_node_release_versions" {
  description = "EKS AMI release to keep per node group of cluster monitoring (\"default\" or a further group's name); empty: the release AWS recommends. The failover pins the running releases (RUNBOOK.md), so that its applies do not roll the nodes."
  type        = map(string)
  default     = {}
}

variable "tags" {
  description = "Extra tags merged into every resource's default tags."
  type        = map(string)
  default     = {}
}
