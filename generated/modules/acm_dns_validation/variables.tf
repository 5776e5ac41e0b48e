variable "domain_name" {
  description = "Name the roots' certificates cover, e.g. app.shop.example.org."
  type        = string
}

variable "zone_id" {
  description = "Public hosted zone that holds the validation record."
  type        = string
}

variable "tags" {
  description = "Tags for every resource of the module."
  type        = map(string)
  default     = {}
}
