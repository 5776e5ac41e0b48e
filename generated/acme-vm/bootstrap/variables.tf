variable "tags" {
  description = "Extra tags merged into the default tags."
  type        = map(string)
  default     = {}
}
