variable "name" {
  description = "Name of the key (Name tag)."
  type        = string
}

variable "alias" {
  description = "Alias of the key, starting with alias/. The same alias in both regions lets other regions address it by ARN."
  type        = string
}

variable "description" {
  description = "What the key protects."
  type        = string
}

variable "deletion_window_in_days" {
  description = "Waiting period before a scheduled deletion completes."
  type        = number
  default     = 30
}

variable "ebs_encryption_by_default" {
  description = "Take over the account-and-region-wide EBS default: encryption by default with this key."
  type        = bool
  default     = false
}

variable "autoscaling_service_linked_role" {
  description = "Let the EC2 Auto Scaling service-linked role use the key (EKS node volumes). The role must exist: the bootstrap root creates or adopts it."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags for every resource of the module."
  type        = map(string)
  default     = {}
}
