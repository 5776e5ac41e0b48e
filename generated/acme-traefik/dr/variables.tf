variable "region" {
  description = "Region of this root."
  type        = string
  default     = "eu-central-1"
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

variable "api_max_replicas" {
  description = "Most replicas the autoscaler runs of application api in this region."
  type        = number
  default     = 9
}

variable "api_replicas" {
  description = "Replicas of application api in this region."
  type        = number
  default     = 1
}

variable "cluster_admin_arns" {
  description = "IAM roles or users (on-call, CI) given cluster-admin access to this root's EKS clusters through access entries, besides the identity that creates them (which must not be listed)."
  type        = list(string)
  default     = []
}

variable "cluster_instance_type" {
  description = "Node instance type of cluster cluster."
  type        = string
  default     = "m6i.xlarge"
}

variable "cluster_node_desired_size" {
  description = "Desired nodes of cluster cluster in this region."
  type        = number
  default     = 1
}

variable "cluster_node_live_desired_sizes" {
  description = "Desired size per running node group of cluster cluster (\"default\" or a further group's name) as its cluster autoscaler set it: the CI's applies read them from EKS, so that an apply keeps them (within the groups' bounds) instead of scaling the groups back to their desired_size variables. Empty: the variables."
  type        = map(number)
  default     = {}
}

variable "cluster_node_max_size" {
  description = "Maximum nodes of cluster cluster."
  type        = number
  default     = 6
}

variable "cluster_node_min_size" {
  description = "Minimum nodes of cluster cluster."
  type        = number
  default     = 1
}

variable "cluster_node_release_versions" {
  description = "EKS AMI release to keep per node group of cluster cluster (\"default\" or a further group's name); empty: the release AWS recommends. The failover pins the running releases (RUNBOOK.md), so that its applies do not roll the nodes."
  type        = map(string)
  default     = {}
}

variable "db_replicas" {
  description = "Streaming replicas of PostgreSQL cluster db besides its master, in this region. 0 while it is a standby: a standby replica cannot log in to the standby leader, which holds the primary's passwords; the failover sets the primary's count with the promotion."
  type        = number
  default     = 0
}

variable "db_standby" {
  description = "Run db in this region as a standby of the primary's archive; failover sets false, which promotes it."
  type        = bool
  default     = true
}

variable "failover_acknowledged" {
  description = "The time of the declared failover this apply belongs to: the value of /acmegen/acme-traefik/failover/declared in eu-central-1, which the runbook's failover and failback write to incident.auto.tfvars. While a failover is declared, a plan without it fails. The drill's failover and failback jobs and the pull-request plans set it too."
  type        = string
  default     = null
}

variable "router_replicas" {
  description = "Replicas of Traefik router in this region."
  type        = number
  default     = 1
}

variable "tags" {
  description = "Extra tags merged into every resource's default tags."
  type        = map(string)
  default     = {}
}
