variable "name" {
  description = "Name of the peering connection."
  type        = string
}

variable "peering_connection_id" {
  description = "ID of the connection the primary region requested (from the fact store)."
  type        = string
}

variable "peer_cidr" {
  description = "CIDR block of the peer (primary) VPC."
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
