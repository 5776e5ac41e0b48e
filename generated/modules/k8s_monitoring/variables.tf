variable "name" {
  description = "Helm release name."
  type        = string
}

variable "namespace" {
  description = "Namespace of the monitoring stack."
  type        = string
  default     = "monitoring"
}

variable "chart_version" {
  description = "Version of the kube-prometheus-stack chart."
  type        = string
}

variable "retention_days" {
  description = "Prometheus retention in days."
  type        = number
  default     = 15
}

variable "storage_class" {
  description = "Storage class of the Prometheus and Grafana volumes (EBS CSI; encrypted by default in the region)."
  type        = string
  default     = "gp2"
}

variable "storage_gb" {
  description = "Size of the Prometheus volume in GiB."
  type        = number
  default     = 50
}
