variable "tags" {
  description = "Extra tags merged into the default tags."
  type        = map(string)
  default     = {}
}

variable "service_linked_role_deletion_protection" {
  description = "Whether destroying this root fails on the service-linked roles (false only for a deliberate teardown; `terraform state rm module.service_linked_roles` keeps the roles instead)."
  type        = bool
  default     = true
}
