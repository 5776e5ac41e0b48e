variable "domain_name" {
  description = "Name the certificate covers, e.g. app.shop.example.org."
  type        = string
}

variable "validation_record_fqdn" {
  description = "The DNS validation record the bootstrap root owns for this name (the same for every region's certificate)."
  type        = string
}

variable "tags" {
  description = "Tags for every resource of the module."
  type        = map(string)
  default     = {}
}
