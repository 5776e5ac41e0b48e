variable "name" {
  description = "Name prefix of the instances and their resources."
  type        = string
}

variable "instance_count" {
  description = "Number of instances; spread round-robin over subnet_ids."
  type        = number
}

variable "instance_type" {
  description = "EC2 instance type."
  type        = string
}

variable "architecture" {
  description = "CPU architecture of the Amazon Linux 2023 AMI: x86_64 or arm64."
  type        = string
  default     = "x86_64"
}

variable "vpc_id" {
  description = "VPC of the instances."
  type        = string
}

variable "vpc_cidr" {
  description = "CIDR of the VPC (egress inside the VPC is allowed)."
  type        = string
}

variable "subnet_ids" {
  description = "Subnets to spread the instances over, one per AZ."
  type        = list(string)
}

variable "app_port" {
  description = "Port the application listens on; null for none."
  type        = number
  default     = null
}

variable "app_image" {
  description = "Container image the instances run at boot (docker, restarted by systemd); null boots no application."
  type        = string
  default     = null
}

variable "app_image_from_ecr" {
  description = "Whether app_image is in this account's ECR (the instances log in and get the pull policy)."
  type        = bool
  default     = false
}

variable "container_port" {
  description = "Port the container listens on, published on app_port (default: app_port)."
  type        = number
  default     = null
}

variable "node_exporter_image" {
  description = "Pinned Prometheus node_exporter image the instances run next to the application container (host network and PID namespace, host root read-only; only with app_image); null runs none."
  type        = string
  default     = null
}

variable "node_exporter_port" {
  description = "Port node_exporter listens on."
  type        = number
  default     = 9100

  validation {
    condition     = var.node_exporter_port > 0 && var.node_exporter_port < 65536
    error_message = "node_exporter_port must be a TCP port (1-65535)."
  }
}

variable "metrics_security_group_ids" {
  description = "Security groups (the monitoring clusters' nodes) allowed to reach node_exporter_port."
  type        = list(string)
  default     = []
}

variable "ingress_security_group_ids" {
  description = "Security groups (load balancers) allowed to reach app_port."
  type        = list(string)
  default     = []
}

variable "additional_security_group_ids" {
  description = "Further security groups of the instances, e.g. the root's database-clients group."
  type        = list(string)
  default     = []
}

variable "ssh_cidrs" {
  description = "CIDR ranges allowed to SSH; empty means Session Manager only."
  type        = list(string)
  default     = []
}

variable "key_name" {
  description = "EC2 key pair for SSH; null for none."
  type        = string
  default     = null
}

variable "volume_size" {
  description = "Root volume size in GiB."
  type        = number
  default     = 20
}

variable "kms_key_arn" {
  description = "KMS key encrypting the root volumes."
  type        = string
}

variable "tags" {
  description = "Tags for every resource of the module."
  type        = map(string)
  default     = {}
}
