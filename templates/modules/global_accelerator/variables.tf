variable "name" {
  description = "Name of the accelerator."
  type        = string
}

variable "ports" {
  description = "TCP ports the listener accepts."
  type        = list(number)
  default     = [80, 443]
}

variable "tags" {
  description = "Tags for every resource of the module."
  type        = map(string)
  default     = {}
}
