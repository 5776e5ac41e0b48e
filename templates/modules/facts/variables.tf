variable "store_path" {
  description = "SSM path of the inventory's fact store, e.g. /acmegen/shop (no trailing slash)."
  type        = string
}

variable "publisher" {
  description = "Who publishes: primary, dr or bootstrap (the path segment under store_path)."
  type        = string
}

variable "publish" {
  description = "Facts this root publishes: name => value (IDs and ARNs only)."
  type        = map(string)
  default     = {}
}

variable "tags" {
  description = "Tags for every resource of the module."
  type        = map(string)
  default     = {}
}
