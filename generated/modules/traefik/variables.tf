variable "name" {
  description = "Helm release name; also the name of the Service, the IngressClass controller and the TargetGroupBinding."
  type        = string
  default     = "traefik"
}

variable "namespace" {
  description = "Namespace of Traefik."
  type        = string
  default     = "traefik"
}

variable "chart_version" {
  description = "Version of the traefik chart (https://traefik.github.io/charts)."
  type        = string
  default     = "41.3.0"
}

variable "replicas" {
  description = "Traefik pods (2 or more for HA; 1 in a pilot-light region). A PodDisruptionBudget keeps all but one available."
  type        = number
  default     = 2

  validation {
    condition     = var.replicas >= 1 && floor(var.replicas) == var.replicas
    error_message = "replicas must be a whole number of at least 1."
  }
}

variable "zone_spread" {
  description = "What the zone topology spread does when it cannot be met: DoNotSchedule (strict HA) or ScheduleAnyway."
  type        = string
  default     = "DoNotSchedule"

  validation {
    condition     = contains(["DoNotSchedule", "ScheduleAnyway"], var.zone_spread)
    error_message = "zone_spread must be DoNotSchedule or ScheduleAnyway."
  }
}

variable "web_port" {
  description = "Container (and Service) port of the web entrypoint: the load balancer target group's port."
  type        = number
  default     = 8000
}

variable "health_check_path" {
  description = "Path the load balancer's health check requests on the web entrypoint: /ping is Traefik's own liveness (answered on the web entrypoint); another path is routed by Traefik to an application."
  type        = string
  default     = "/ping"

  validation {
    condition     = startswith(var.health_check_path, "/")
    error_message = "health_check_path must start with /."
  }
}

variable "target_type" {
  description = "Target type of the load balancer's target group: ip (ClusterIP Service, pod IPs registered) or instance (NodePort Service on node_port, nodes registered)."
  type        = string
  default     = "ip"

  validation {
    condition     = contains(["ip", "instance"], var.target_type)
    error_message = "target_type must be ip or instance."
  }
}

variable "node_port" {
  description = "NodePort of the web entrypoint with target_type instance (30000-32767; the target group's port)."
  type        = number
  default     = null

  validation {
    condition     = var.target_type == "ip" ? var.node_port == null : coalesce(var.node_port, 0) >= 30000 && coalesce(var.node_port, 0) <= 32767
    error_message = "node_port is set with target_type instance only, between 30000 and 32767."
  }
}

variable "target_group_arn" {
  description = "Target group to bind Traefik to with a TargetGroupBinding (needs the AWS Load Balancer Controller); null binds nothing."
  type        = string
  default     = null
}

variable "alb_security_group_id" {
  description = "Security group of the load balancer; the controller opens the target port to it on the nodes' security group. Null leaves the security groups alone."
  type        = string
  default     = null
}

variable "trusted_ips" {
  description = "CIDRs whose X-Forwarded-* headers Traefik trusts (the load balancer's subnets or the VPC CIDR)."
  type        = list(string)
  default     = []
}

variable "ingress_class_name" {
  description = "Name of the IngressClass Traefik serves."
  type        = string
  default     = "traefik"
}

variable "default_ingress_class" {
  description = "Make Traefik's IngressClass the cluster default."
  type        = bool
  default     = false
}

variable "resources" {
  description = "Resource requests and limits of each Traefik pod."
  type = object({
    requests = map(string)
    limits   = map(string)
  })
  default = {
    requests = { cpu = "100m", memory = "128Mi" }
    limits   = { cpu = "1", memory = "256Mi" }
  }
}

variable "network_policy" {
  description = "Default-deny NetworkPolicies for Traefik's namespace with the allows Traefik needs (null: none): the web entrypoint from vpc_cidr (the load balancer, or the nodes forwarding its NodePort), DNS to kube-dns, the API server on 443 (its interfaces in vpc_cidr, and the kubernetes Service, the first address of service_cidr), and each backend namespace on its port."
  type = object({
    vpc_cidr     = string
    service_cidr = optional(string)
    backends = list(object({
      namespace = string
      port      = number
    }))
  })
  default = null
}
