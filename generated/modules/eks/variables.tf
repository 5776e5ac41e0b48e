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

variable "target_group_arns" {
  description = "Load balancer target groups (instance targets) the node group's instances register with."
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
