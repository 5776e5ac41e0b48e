################################################################################
# Cluster
################################################################################

variable "cluster_name" {
  description = "Name of the EKS cluster; also the value of the ownership tags the controllers set and are scoped to."
  type        = string
}

variable "kubernetes_version" {
  description = "Kubernetes minor version of the cluster, e.g. 1.33 (selects the matching cluster-autoscaler image)."
  type        = string

  validation {
    condition     = can(regex("^1\\.[0-9]+$", var.kubernetes_version))
    error_message = "kubernetes_version must be a minor version such as 1.33."
  }
}

variable "oidc_provider_arn" {
  description = "ARN of the cluster's IAM OIDC provider (output oidc_provider_arn of the eks module)."
  type        = string

  validation {
    condition     = !startswith(var.oidc_provider_arn, "https://")
    error_message = "oidc_provider_arn must be the ARN of the IAM OIDC provider, not the issuer URL."
  }
}

variable "region" {
  description = "AWS region of the cluster."
  type        = string
}

variable "vpc_id" {
  description = "VPC of the cluster; the load balancer controller may create and open security groups in it only."
  type        = string
}

variable "replicas" {
  description = "Replicas of each controller (1 in a pilot-light region, 2 or more for HA)."
  type        = number
  default     = 2

  validation {
    condition     = var.replicas >= 1 && floor(var.replicas) == var.replicas
    error_message = "replicas must be a whole number of at least 1."
  }
}

variable "tags" {
  description = "Tags for every AWS resource of the module (and, through the controller's default tags, for what the load balancer controller creates)."
  type        = map(string)
  default     = {}
}

################################################################################
# AWS Load Balancer Controller
################################################################################

variable "enable_aws_load_balancer_controller" {
  description = "Install the AWS Load Balancer Controller (TargetGroupBinding and Ingress)."
  type        = bool
  default     = true
}

variable "aws_load_balancer_controller_chart_version" {
  description = "Version of the aws-load-balancer-controller chart (https://aws.github.io/eks-charts)."
  type        = string
  default     = "3.5.0"
}

variable "target_group_arns" {
  description = "Target groups created outside the cluster (by Terraform) that TargetGroupBindings may register pods or nodes in."
  type        = list(string)
  default     = []
}

################################################################################
# cert-manager
################################################################################

variable "enable_cert_manager" {
  description = "Install cert-manager."
  type        = bool
  default     = true
}

variable "cert_manager_chart_version" {
  description = "Version of the cert-manager chart (https://charts.jetstack.io)."
  type        = string
  default     = "v1.21.1"
}

variable "cert_manager_route53_zones" {
  description = "Route 53 hosted zones cert-manager solves DNS-01 challenges in: DNS name => hosted zone ID. Its role may change only _acme-challenge TXT records in these zones; empty: no role and no issuers."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for id in values(var.cert_manager_route53_zones) : can(regex("^Z[A-Z0-9]+$", id))])
    error_message = "cert_manager_route53_zones values must be hosted zone IDs (Z…)."
  }
}

variable "acme_email" {
  description = "Contact e-mail of the Let's Encrypt account; with zones set, creates the letsencrypt-staging and letsencrypt-prod ClusterIssuers."
  type        = string
  default     = null

  validation {
    condition     = var.acme_email == null || can(regex("^[^@ ]+@[^@ ]+\\.[^@ ]+$", var.acme_email))
    error_message = "acme_email must be an e-mail address."
  }
}

################################################################################
# Cluster autoscaler
################################################################################

variable "enable_cluster_autoscaler" {
  description = "Install the cluster autoscaler (auto-discovery of the managed node groups' Auto Scaling groups)."
  type        = bool
  default     = true
}

variable "cluster_autoscaler_chart_version" {
  description = "Version of the cluster-autoscaler chart (https://kubernetes.github.io/autoscaler)."
  type        = string
  default     = "9.59.0"
}

variable "cluster_autoscaler_image_tag" {
  description = "Image tag of the cluster autoscaler; null picks the release matching kubernetes_version (1.33 to 1.36)."
  type        = string
  default     = null

  validation {
    condition     = var.cluster_autoscaler_image_tag != null || contains(["1.33", "1.34", "1.35", "1.36"], var.kubernetes_version)
    error_message = "No cluster-autoscaler image is catalogued for this kubernetes_version: set cluster_autoscaler_image_tag to the matching v1.<minor>.<patch> release."
  }
}

################################################################################
# metrics-server
################################################################################

variable "enable_metrics_server" {
  description = "Install metrics-server (needed by HorizontalPodAutoscalers)."
  type        = bool
  default     = true
}

variable "metrics_server_chart_version" {
  description = "Version of the metrics-server chart (https://kubernetes-sigs.github.io/metrics-server)."
  type        = string
  default     = "3.13.1"
}

################################################################################
# external-dns
################################################################################

variable "enable_external_dns" {
  description = "Install external-dns for the zones in external_dns_route53_zone_ids."
  type        = bool
  default     = false

  validation {
    condition     = !var.enable_external_dns || length(var.external_dns_route53_zone_ids) > 0
    error_message = "enable_external_dns needs at least one zone in external_dns_route53_zone_ids."
  }
}

variable "enable_container_logs" {
  description = "Ship every container's logs to CloudWatch Logs with Fluent Bit (a DaemonSet) into the log group /aws/eks/<cluster>/containers, created here with kms_key_arn and container_log_retention_days."
  type        = bool
  default     = false

  validation {
    condition     = !var.enable_container_logs || var.kms_key_arn != null
    error_message = "enable_container_logs needs kms_key_arn (the log group is encrypted with the region's key)."
  }
}

variable "container_log_retention_days" {
  description = "Retention of the container log group, in days (a CloudWatch Logs retention period)."
  type        = number
  default     = 90

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.container_log_retention_days)
    error_message = "container_log_retention_days must be a CloudWatch Logs retention period (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827 ... 3653)."
  }
}

variable "kms_key_arn" {
  description = "KMS key (of this region) encrypting the container log group; its key policy lets CloudWatch Logs use it for this account's log groups."
  type        = string
  default     = null
}

variable "aws_for_fluent_bit_chart_version" {
  description = "Version of the aws-for-fluent-bit chart (https://aws.github.io/eks-charts)."
  type        = string
  default     = "0.2.0"
}

variable "external_dns_chart_version" {
  description = "Version of the external-dns chart (https://kubernetes-sigs.github.io/external-dns)."
  type        = string
  default     = "1.21.1"
}

variable "external_dns_route53_zone_ids" {
  description = "Route 53 hosted zone IDs external-dns may change records in (and the only ones it looks at)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for id in var.external_dns_route53_zone_ids : can(regex("^Z[A-Z0-9]+$", id))])
    error_message = "external_dns_route53_zone_ids must be hosted zone IDs (Z…)."
  }
}

variable "external_dns_domain_filters" {
  description = "DNS names external-dns manages records under (empty: every name in the zones)."
  type        = list(string)
  default     = []
}

variable "external_dns_policy" {
  description = "external-dns policy: upsert-only never deletes records, sync also deletes the records it owns."
  type        = string
  default     = "upsert-only"

  validation {
    condition     = contains(["upsert-only", "sync", "create-only"], var.external_dns_policy)
    error_message = "external_dns_policy must be upsert-only, sync or create-only."
  }
}
