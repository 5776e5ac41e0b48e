variable "name" {
  description = "Name of the cluster and prefix of its resources."
  type        = string
}

variable "kubernetes_version" {
  description = "Kubernetes minor version, e.g. 1.33."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets for the control-plane ENIs and the nodes."
  type        = list(string)
}

variable "public_access_cidrs" {
  description = "CIDRs allowed to reach the public API endpoint; empty keeps the endpoint private."
  type        = list(string)
  default     = []
}

variable "admin_principal_arns" {
  description = "IAM roles or users given cluster-admin access through EKS access entries (on-call and CI roles), besides the identity that creates the cluster, which gets it at creation and must not be listed."
  type        = list(string)
  default     = []
}

variable "viewer_role_names" {
  description = "Roles of this account, by name with their path (e.g. ci/acme-drift-use1), given read-only Kubernetes access (AmazonEKSAdminViewPolicy, which reads Secrets) through access entries: the CI drift role, whose refresh reads the Helm releases' Secrets."
  type        = list(string)
  default     = []
}

variable "kms_key_arn" {
  description = "KMS key for secrets envelope encryption, node volumes and control-plane logs."
  type        = string
}

variable "log_retention_days" {
  description = "Retention of control-plane logs."
  type        = number
  default     = 365
}

variable "node_instance_types" {
  description = "Instance types of the managed node group."
  type        = list(string)
}

variable "node_ami_type" {
  description = "EKS AMI type of the nodes."
  type        = string
  default     = "AL2023_x86_64_STANDARD"

  validation {
    condition     = contains(["AL2023_x86_64_STANDARD", "AL2023_ARM_64_STANDARD"], var.node_ami_type)
    error_message = "node_ami_type must be AL2023_x86_64_STANDARD or AL2023_ARM_64_STANDARD (the AMI types whose release version this module tracks)."
  }
}

variable "node_release_versions" {
  description = "EKS AMI release to keep per node group (\"default\" or a key of node_groups), e.g. the running one; a group not listed runs the release AWS recommends. The failover pins the running releases, so that its applies do not roll the nodes."
  type        = map(string)
  default     = {}

  # An empty or garbled pin (a failed describe-nodegroup) would not keep the
  # release: EKS would move the group to the latest one, the roll the pin is
  # there to prevent. Keys other than the groups' would pin nothing.
  validation {
    condition = alltrue([
      for group, release in var.node_release_versions :
      can(regex("^[0-9]+\\.[0-9]+\\.[0-9]+-[0-9]{8}$", release)) && (group == "default" || contains(keys(var.node_groups), group))
    ])
    error_message = "node_release_versions maps \"default\" or a node group's name to an EKS AMI release such as 1.35.0-20261101 (aws eks describe-nodegroup --query nodegroup.releaseVersion)."
  }
}

variable "node_live_desired_sizes" {
  description = "Desired size each running node group has now (\"default\" or a key of node_groups), as the cluster autoscaler set it; the CI's applies read it from EKS. A listed group keeps that size, within its minimum and maximum as configured; a group not listed (a new one, or a cluster without the autoscaler) gets its desired_size variable."
  type        = map(number)
  default     = {}

  validation {
    condition = alltrue([
      for group, size in var.node_live_desired_sizes :
      size >= 0 && floor(size) == size && (group == "default" || contains(keys(var.node_groups), group))
    ])
    error_message = "node_live_desired_sizes maps \"default\" or a node group's name to a whole number of nodes (aws eks describe-nodegroup --query nodegroup.scalingConfig.desiredSize)."
  }
}

variable "node_max_unavailable" {
  description = "Nodes of each node group replaced at a time during a version or AMI roll."
  type        = number
  default     = 1

  validation {
    condition     = var.node_max_unavailable >= 1 && var.node_max_unavailable <= 100
    error_message = "node_max_unavailable must be between 1 and 100 (the EKS limit)."
  }
}

variable "node_min_size" {
  description = "Minimum number of nodes."
  type        = number
}

variable "node_desired_size" {
  description = "Desired number of nodes."
  type        = number
}

variable "node_max_size" {
  description = "Maximum number of nodes."
  type        = number
}

variable "node_volume_size" {
  description = "Root volume size of each node in GiB."
  type        = number
  default     = 50
}

variable "node_groups" {
  description = "Further managed node groups besides the default one, by name: instance types, AMI type, scaling, Kubernetes labels and taints (effect NoSchedule, PreferNoSchedule or NoExecute), and whether the group's instances register with target_group_arns (ingress)."
  type = map(object({
    instance_types = list(string)
    ami_type       = string
    min_size       = number
    desired_size   = number
    max_size       = number
    labels         = optional(map(string), {})
    taints = optional(list(object({
      key    = string
      value  = optional(string)
      effect = string
    })), [])
    ingress = optional(bool, false)
  }))
  default = {}

  validation {
    condition     = !contains(keys(var.node_groups), "default")
    error_message = "The default node group is configured by the node_* variables; name further groups otherwise."
  }

  validation {
    condition     = alltrue(flatten([for g in values(var.node_groups) : [for t in g.taints : contains(["NoSchedule", "PreferNoSchedule", "NoExecute"], t.effect)]]))
    error_message = "Each taint effect must be NoSchedule, PreferNoSchedule or NoExecute."
  }

  validation {
    condition     = alltrue([for g in values(var.node_groups) : g.min_size <= g.desired_size && g.desired_size <= g.max_size && g.max_size > 0])
    error_message = "Each node group needs min_size <= desired_size <= max_size and max_size > 0."
  }
}

variable "target_group_arns" {
  description = "Load balancer target groups (instance targets) the instances of the node groups serving ingress (the default group, and further groups with ingress = true) register with."
  type        = list(string)
  default     = []
}

variable "node_port_sources" {
  description = "Security groups allowed to reach a NodePort of the nodes (load balancers in front of the cluster)."
  type = list(object({
    security_group_id = string
    port              = number
  }))
  default = []
}

variable "tags" {
  description = "Tags for every resource of the module."
  type        = map(string)
  default     = {}
}
