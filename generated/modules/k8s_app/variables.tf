################################################################################
# Workload
################################################################################

variable "name" {
  description = "Name of the application: Helm release and every Kubernetes object."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,51}[a-z0-9]$", var.name))
    error_message = "name must be a DNS label of 2 to 53 lowercase letters, digits and dashes."
  }
}

variable "namespace" {
  description = "Namespace of the application (created if missing)."
  type        = string
}

variable "image_repository_url" {
  description = "Repository URL of the image (the ECR repository of this region, output repository_url of the ecr module)."
  type        = string
}

variable "image_tag" {
  description = "Image tag; the same in both regions (acmegen checks it before a failover)."
  type        = string

  validation {
    condition     = var.image_tag != "" && var.image_tag != "latest"
    error_message = "image_tag must name a release, not latest."
  }
}

variable "image_digest" {
  description = "Image digest (sha256:…); when set, pods pull repository@digest instead of the tag."
  type        = string
  default     = null

  validation {
    condition     = var.image_digest == null || can(regex("^sha256:[0-9a-f]{64}$", var.image_digest))
    error_message = "image_digest must be sha256: followed by 64 hex digits."
  }
}

variable "wait_for_rollout" {
  description = "Whether the apply waits for the pods to become ready. False where the image may not be in its registry yet (a repository this apply creates, empty until the image is pushed): the release installs and the pods pull the image once it is there."
  type        = bool
  default     = true
}

variable "replicas" {
  description = "Replicas (the autoscaler's minimum; 1 in a pilot-light region)."
  type        = number
  default     = 2

  validation {
    condition     = var.replicas >= 1 && floor(var.replicas) == var.replicas
    error_message = "replicas must be a whole number of at least 1."
  }
}

variable "max_replicas" {
  description = "Most replicas the HorizontalPodAutoscaler scales to (on CPU); equal to replicas disables autoscaling."
  type        = number
  default     = 6

  validation {
    condition     = var.max_replicas >= var.replicas
    error_message = "max_replicas must be at least replicas."
  }
}

variable "target_cpu_utilization" {
  description = "Average CPU utilization (percent of requests) the autoscaler aims at."
  type        = number
  default     = 70
}

variable "port" {
  description = "Container port the application listens on (the Service port too)."
  type        = number
  default     = 8000

  validation {
    condition     = var.port >= 1024 && var.port <= 65535
    error_message = "port must be an unprivileged port (1024-65535): the container runs as non-root."
  }
}

variable "health_check_path" {
  description = "HTTP path answering 200 when the application is ready (startup, readiness and liveness probes; the target group's health check)."
  type        = string
  default     = "/health"

  validation {
    condition     = startswith(var.health_check_path, "/")
    error_message = "health_check_path must start with /."
  }
}

variable "resources" {
  description = "Resource requests and limits of the application container."
  type = object({
    requests = object({ cpu = string, memory = string })
    limits   = object({ cpu = string, memory = string })
  })
  default = {
    requests = { cpu = "100m", memory = "128Mi" }
    limits   = { cpu = "500m", memory = "256Mi" }
  }
}

variable "env" {
  description = "Plain environment variables of the container (never secrets: they would sit in the Terraform state)."
  type        = map(string)
  default     = {}
}

variable "service_account_role_arn" {
  description = "IAM role for the application's service account (IRSA), if it calls AWS."
  type        = string
  default     = null
}

variable "zone_spread" {
  description = "What the zone topology spread does when it cannot be met: DoNotSchedule (strict) or ScheduleAnyway."
  type        = string
  default     = "DoNotSchedule"

  validation {
    condition     = contains(["DoNotSchedule", "ScheduleAnyway"], var.zone_spread)
    error_message = "zone_spread must be DoNotSchedule or ScheduleAnyway."
  }
}

################################################################################
# Exposure
################################################################################

variable "exposure" {
  description = "How traffic reaches the application: target_group_binding (the AWS Load Balancer Controller registers it in target_group_arn), node_port (a NodePort Service on node_port; the load balancer's target group registers the nodes), traefik (an Ingress of Traefik's IngressClass) or none."
  type        = string
  default     = "traefik"

  validation {
    condition     = contains(["target_group_binding", "node_port", "traefik", "none"], var.exposure)
    error_message = "exposure must be target_group_binding, node_port, traefik or none."
  }
}

variable "target_group_arn" {
  description = "Target group the pods (or nodes) are registered in, with exposure target_group_binding."
  type        = string
  default     = null

  validation {
    condition     = var.exposure != "target_group_binding" || var.target_group_arn != null
    error_message = "exposure target_group_binding needs target_group_arn."
  }
}

variable "target_type" {
  description = "Target type of that target group: ip (ClusterIP Service, pod IPs registered) or instance (NodePort Service, nodes registered)."
  type        = string
  default     = "ip"

  validation {
    condition     = contains(["ip", "instance"], var.target_type)
    error_message = "target_type must be ip or instance."
  }
}

variable "node_port" {
  description = "NodePort of the Service with exposure node_port, or with target_type instance (30000-32767); null lets Kubernetes pick one (not with exposure node_port)."
  type        = number
  default     = null

  validation {
    condition     = var.exposure != "node_port" || (var.node_port != null && try(var.node_port >= 30000 && var.node_port <= 32767, false))
    error_message = "exposure node_port needs node_port, from 30000 to 32767."
  }
}

variable "alb_security_group_id" {
  description = "Security group of the load balancer; with exposure target_group_binding the controller opens the target port to it on the nodes' security group."
  type        = string
  default     = null
}

variable "source_cidrs" {
  description = "With exposure target_group_binding or node_port: CIDRs the NetworkPolicy admits to the application port (the VPC CIDR, where the load balancer's nodes are); empty admits the port from anywhere."
  type        = list(string)
  default     = []
}

variable "egress_cidrs" {
  description = "CIDRs the application may reach on any port (the VPC CIDR: RDS and Aurora databases, VPC endpoints, pods by address). The namespace is default-deny; the cluster DNS is always admitted."
  type        = list(string)
  default     = []
}

variable "egress_namespaces" {
  description = "Namespaces the application may reach on any port, through their Services (in-cluster databases, e.g. output namespace of the postgres_operator module)."
  type        = list(string)
  default     = []
}

variable "egress_to_internet" {
  description = "Whether the application may reach the internet on HTTPS (AWS APIs without a VPC endpoint, e.g. STS for IRSA; external APIs). Off: no egress beyond the DNS, egress_cidrs and egress_namespaces."
  type        = bool
  default     = false
}

variable "traefik_namespace" {
  description = "With exposure traefik: namespace of Traefik, the only one the NetworkPolicy admits (output namespace of the traefik module)."
  type        = string
  default     = "traefik"
}

variable "ingress_class_name" {
  description = "IngressClass of the Ingress with exposure traefik (output ingress_class_name of the traefik module)."
  type        = string
  default     = "traefik"
}

variable "ingress_host" {
  description = "Host name the Ingress routes to the application; null matches any host."
  type        = string
  default     = null
}

variable "ingress_path" {
  description = "Path prefix the Ingress routes to the application."
  type        = string
  default     = "/"
}
