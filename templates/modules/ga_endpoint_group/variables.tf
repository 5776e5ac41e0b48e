variable "listener_arn" {
  description = "Listener of the accelerator."
  type        = string
}

variable "region" {
  description = "Region of the endpoints."
  type        = string
}

variable "endpoint_arn" {
  description = "ARN of the load balancer in this region."
  type        = string
}

variable "traffic_dial_percentage" {
  description = "Share of traffic for this region: 100 on the primary, 0 on the DR standby."
  type        = number
}

variable "health_check_protocol" {
  description = "HTTP or HTTPS."
  type        = string
  default     = "HTTP"
}

variable "health_check_path" {
  description = "Path requested by the health check."
  type        = string
  default     = "/"
}
