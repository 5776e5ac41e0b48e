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
  description = "Version of the kube-prometheus-stack chart (https://prometheus-community.github.io/helm-charts)."
  type        = string
  default     = "77.0.0"
}

variable "retention_days" {
  description = "Prometheus retention in days."
  type        = number
  default     = 15
}

variable "storage_class" {
  description = "Storage class of the Prometheus and Grafana volumes. null: the module's own, `<name>-encrypted` (gp3, encrypted with kms_key_arn). Decide before the first install: a StatefulSet's claim templates cannot change, so a later change fails the stack's upgrade until Grafana's StatefulSet and claim are deleted."
  type        = string
  default     = null

  validation {
    condition     = var.storage_class != null || var.kms_key_arn != null
    error_message = "The module's own StorageClass (storage_class = null) encrypts the volumes with kms_key_arn: give the key, or name an existing storage class."
  }
}

variable "storage_gb" {
  description = "Size of the Prometheus volume in GiB."
  type        = number
  default     = 50
}

################################################################################
# Placement on the dedicated monitoring node group
################################################################################

variable "node_selector" {
  description = "Labels of the monitoring nodes (Prometheus, Alertmanager, Grafana, the operator and kube-state-metrics go there)."
  type        = map(string)
  default     = { role = "monitoring" }
}

variable "tolerations" {
  description = "Tolerations of the monitoring pods (the taint of the monitoring node group)."
  type = list(object({
    key      = string
    operator = string
    value    = optional(string)
    effect   = string
  }))
  default = [{ key = "dedicated", operator = "Equal", value = "monitoring", effect = "NoSchedule" }]

  validation {
    condition     = alltrue([for t in var.tolerations : contains(["Equal", "Exists"], t.operator) && contains(["NoSchedule", "PreferNoSchedule", "NoExecute"], t.effect)])
    error_message = "Each toleration needs operator Equal or Exists and effect NoSchedule, PreferNoSchedule or NoExecute."
  }
}

variable "require_dedicated_nodes" {
  description = "true: the monitoring pods must run on nodes with node_selector's labels; false: they prefer them (a cluster without a monitoring node group still runs them)."
  type        = bool
  default     = false
}

################################################################################
# Grafana data sources and alert routing
################################################################################

variable "additional_prometheus_data_sources" {
  description = "Further Prometheus data sources of Grafana, e.g. the other region's Prometheus: name and URL reachable from this cluster."
  type = list(object({
    name = string
    url  = string
  }))
  default = []

  validation {
    condition     = alltrue([for ds in var.additional_prometheus_data_sources : can(regex("^https?://", ds.url))])
    error_message = "Each data source URL must start with http:// or https://."
  }
}

variable "managed_prometheus" {
  description = "Remote-write this cluster's Prometheus into an Amazon Managed Service for Prometheus workspace of this region and add it (and peer_prometheus) to Grafana as SigV4 data sources, read through IRSA roles (needs kms_key_arn, cluster_name, oidc_provider_arn, region and an AWS provider)."
  type        = bool
  default     = false

  validation {
    condition     = !var.managed_prometheus || (var.kms_key_arn != null && var.oidc_provider_arn != null && var.cluster_name != null && var.region != null)
    error_message = "managed_prometheus needs kms_key_arn, oidc_provider_arn, cluster_name and region."
  }
}

variable "peer_prometheus" {
  description = "The other region's managed Prometheus workspace (ARN, which names its region, and query endpoint), published by the other root; null until it is known. Used with managed_prometheus."
  type = object({
    workspace_arn = string
    endpoint      = string
  })
  default = null

  validation {
    condition     = var.peer_prometheus == null || (can(regex("^arn:[^:]+:aps:", try(var.peer_prometheus.workspace_arn, ""))) && can(regex("^https://", try(var.peer_prometheus.endpoint, ""))))
    error_message = "peer_prometheus needs a workspace ARN (arn:…:aps:…) and an https:// query endpoint."
  }
}

variable "amp_plugin_version" {
  description = "Version of the Grafana plugin grafana-amazonprometheus-datasource (the managed Prometheus data sources); null installs the newest release compatible with the chart's Grafana."
  type        = string
  default     = null
}

variable "kms_key_arn" {
  description = "KMS key ARN of the volumes (with the module's own StorageClass: the EBS CSI driver's role must be allowed to use it) and, with managed_prometheus, of the workspace and its log group."
  type        = string
  default     = null
}

variable "log_retention_days" {
  description = "Retention of the managed Prometheus workspace's logs."
  type        = number
  default     = 365
}

variable "cloudwatch_data_source" {
  description = "Add a CloudWatch data source to Grafana, read through an IRSA role (needs cluster_name, oidc_provider_arn, region and an AWS provider)."
  type        = bool
  default     = false

  validation {
    condition     = !var.cloudwatch_data_source || (var.oidc_provider_arn != null && var.cluster_name != null && var.region != null)
    error_message = "cloudwatch_data_source needs oidc_provider_arn, cluster_name and region."
  }
}

variable "ec2_scrape_targets" {
  description = "EC2 instances Prometheus scrapes (EC2 service discovery in var.region): per job, the tag key and value the instances carry and the exporter port. Needs oidc_provider_arn, cluster_name and region (IRSA role for discovery)."
  type = list(object({
    job       = string
    tag_key   = string
    tag_value = string
    port      = number
  }))
  default = []

  validation {
    condition     = length(var.ec2_scrape_targets) == 0 || (var.oidc_provider_arn != null && var.cluster_name != null && var.region != null)
    error_message = "ec2_scrape_targets needs oidc_provider_arn, cluster_name and region."
  }

  validation {
    condition     = length(distinct([for t in var.ec2_scrape_targets : t.job])) == length(var.ec2_scrape_targets)
    error_message = "Every ec2_scrape_targets job needs its own name."
  }
}

variable "send_alerts_to_sns" {
  description = "Route every alert to alert_sns_topic_arn (the inventory's alert target) through an IRSA role of Alertmanager; false keeps the chart's default routing. Needs cluster_name, oidc_provider_arn, region and an AWS provider."
  type        = bool
  default     = false

  validation {
    condition     = !var.send_alerts_to_sns || (var.alert_sns_topic_arn != null && var.oidc_provider_arn != null && var.cluster_name != null && var.region != null)
    error_message = "send_alerts_to_sns needs alert_sns_topic_arn, oidc_provider_arn, cluster_name and region."
  }
}

variable "alert_sns_topic_arn" {
  description = "SNS topic of the alerts, with send_alerts_to_sns."
  type        = string
  default     = null
}

variable "alert_sns_kms_key_arn" {
  description = "ARN of the KMS key (not an alias) encrypting the alert topic, if any."
  type        = string
  default     = null

  validation {
    condition     = var.alert_sns_kms_key_arn == null || !can(regex(":alias/", coalesce(var.alert_sns_kms_key_arn, "-")))
    error_message = "alert_sns_kms_key_arn must be a KMS key ARN (arn:…:key/…), not an alias."
  }
}

################################################################################
# IRSA (only with the CloudWatch data source or SNS alerts)
################################################################################

variable "cluster_name" {
  description = "Name of the EKS cluster (prefix of the IRSA role names)."
  type        = string
  default     = null
}

variable "oidc_provider_arn" {
  description = "ARN of the cluster's IAM OIDC provider."
  type        = string
  default     = null
}

variable "region" {
  description = "AWS region of the cluster (CloudWatch default region, SNS endpoint)."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags for the IAM roles of the module."
  type        = map(string)
  default     = {}
}
