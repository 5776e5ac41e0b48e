variable "name" {
  description = "Domain name of the private zone, e.g. shop.internal."
  type        = string
}

variable "comment" {
  description = "What the zone serves."
  type        = string
}

variable "vpc_id" {
  description = "VPC that resolves the zone (this region's)."
  type        = string
}

variable "tags" {
  description = "Tags for every resource of the module."
  type        = map(string)
  default     = {}
}
