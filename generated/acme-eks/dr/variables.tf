variable "region" {
  description = "Region of this root."
  type        = string
  default     = "us-west-2"
}

variable "addons_replicas" {
  description = "Replicas of each controller of addons in this region."
  type        = number
  default     = 1
}

variable "admin_cidrs" {
  description = "Ranges of the administrators and CI runners applying this root: the only sources of the EKS public API endpoint (empty keeps it private; charts are then applied from inside the VPC)."
  type        = list(string)

  validation {
    condition     = length(var.admin_cidrs) > 0 && alltrue([for c in var.admin_cidrs : can(cidrhost(c, 0)) && !endswith(c, "/0")])
    error_message = "Give at least one range (a.b.c.d/nn, never /0): Terraform installs charts through the cluster's public endpoint from there."
  }
}

variable "alert_emails" {
  description = "E-mail addresses subscribed to the alarm topic of this region (on-call)."
  type        = list(string)
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

variable "apps_node_live_desired_sizes" {
  description = "Desired size per running node group of cluster apps (\"default\" or a further group's name) as its cluster autoscaler set it: the CI's applies read them from EKS, so that an apply keeps them (within the groups' bounds) instead of scaling the groups back to their desired_size variables. Empty: the variables."
  type        = map(number)
  default     = {}
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

variable "apps_node_release_versions" {
  description = "EKS AMI release to keep per node group of cluster apps (\"default\" or a further group's name); empty: the release AWS recommends. The failover pins the running releases (RUNBOOK.md), so that its applies do not roll the nodes."
  type        = map(string)
  default     = {}
}

variable "cluster_admin_arns" {
  description = "IAM roles or users (on-call, CI) given cluster-admin access to this root's EKS clusters through access entries, besides the identity that creates them (which must not be listed)."
  type        = list(string)
  default     = []
}

variable "failover_acknowledged" {
  description = "The time of the declared failover this apply belongs to: the value of /acmegen/acme-eks/failover/declared in us-west-2, which the runbook's failover and failback write to incident.auto.tfvars. While a failover is declared, a plan without it fails. The drill's failover and failback jobs and the pull-request plans set it too."
  type        = string
  default     = null
}

variable "scheduled_backups_standby" {
  description = "Keep scheduled-backups's vault in this region a copy destination only; failover sets false, which starts the plan here (the primary's no longer runs)."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Extra tags merged into every resource's default tags."
  type        = map(string)
  default     = {}
}

variable "web_max_replicas" {
  description = "Most replicas the autoscaler runs of application web in this region."
  type        = number
  default     = 9
}

variable "web_replicas" {
  description = "Replicas of application web in this region."
  type        = number
  default     = 1
}
