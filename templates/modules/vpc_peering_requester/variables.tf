variable "name" {
  description = "Name of the peering connection."
  type        = string
}

variable "vpc_id" {
  description = "ID of the local (requester) VPC."
  type        = string
}

variable "peer_vpc_id" {
  description = "ID of the VPC in the peer region (from the fact store)."
  type        = string
}

variable "peer_region" {
  description = "Region of the peer VPC."
  type        = string
}

variable "peer_cidr" {
  description = "CIDR block of the peer VPC."
  type        = string
}

variable "route_table_ids" {
  description = "Local route tables that get a route to the peer."
  type        = list(string)
}

variable "route_table_count" {
  description = "Number of route tables (known at plan time)."
  type        = number
}

variable "tags" {
  description = "Tags for every resource of the module."
  type        = map(string)
  default     = {}
}
