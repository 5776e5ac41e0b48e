variable "name" {
  description = "Name of the load balancer (at most 29 characters: the target group adds -tg)."
  type        = string
}

variable "vpc_id" {
  description = "VPC of the load balancer."
  type        = string
}

variable "vpc_cidr" {
  description = "CIDR of the VPC the targets live in."
  type        = string
}

variable "subnet_ids" {
  description = "Public subnets, one per AZ."
  type        = list(string)
}

variable "target_type" {
  description = "instance (EC2 targets attached here) or ip (pods bound by the AWS Load Balancer Controller)."
  type        = string
  default     = "instance"
}

variable "target_port" {
  description = "Port the targets listen on."
  type        = number
}

variable "target_instance_ids" {
  description = "EC2 instances to register (target_type instance)."
  type        = list(string)
  default     = []
}

variable "health_check_path" {
  description = "HTTP path the target group health check requests."
  type        = string
  default     = "/"
}

variable "https" {
  description = "Serve HTTPS with certificate_arn (HTTP redirects to it); false serves plain HTTP. A flag known at plan time, as the certificate may be created in the same apply."
  type        = bool
  default     = false
}

variable "certificate_arn" {
  description = "ACM certificate for HTTPS (with https = true)."
  type        = string
  default     = null
}

variable "deletion_protection" {
  description = "Protect the load balancer from deletion."
  type        = bool
  default     = true
}

variable "waf_enabled" {
  description = "Put a WAF web ACL with AWS managed rule groups in front of the load balancer."
  type        = bool
  default     = true
}

variable "kms_key_arn" {
  description = "KMS key encrypting the WAF log group."
  type        = string
}

variable "tags" {
  description = "Tags for every resource of the module."
  type        = map(string)
  default     = {}
}
