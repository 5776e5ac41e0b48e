variable "name" {
  description = "Domain name of the zone, e.g. shop.example.org."
  type        = string
}

variable "comment" {
  description = "What the zone serves."
  type        = string
}

variable "tags" {
  description = "Tags for every resource of the module."
  type        = map(string)
  default     = {}
}
