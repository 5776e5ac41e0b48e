variable "services" {
  description = "Service-linked roles to create or adopt: key => service principal (e.g. autoscaling = \"autoscaling.amazonaws.com\")."
  type        = map(string)
}

variable "description" {
  description = "Description of the roles acmegen creates."
  type        = string
  default     = "Created by acmegen before any resource of the service exists, so key policies can name it"
}

variable "deletion_protection" {
  description = "Whether a destroy or replacement of the roles fails (set false and apply before a deliberate teardown)."
  type        = bool
  default     = true
}
