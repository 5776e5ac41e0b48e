variable "name" {
  description = "Name prefix of the addresses."
  type        = string
}

variable "eip_count" {
  description = "Number of addresses (capped at the number of instances)."
  type        = number
}

variable "instance_ids" {
  description = "Instances the addresses point at, in order."
  type        = list(string)
}

variable "tags" {
  description = "Tags for every resource of the module."
  type        = map(string)
  default     = {}
}
