variable "destination_region" {
  description = "Region images are replicated into."
  type        = string
}

variable "repository_prefixes" {
  description = "Repository name prefixes to replicate."
  type        = list(string)
}
