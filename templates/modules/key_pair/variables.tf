variable "key_name" {
  description = "Name of the key pair."
  type        = string
}

variable "public_key" {
  description = "OpenSSH public key material (ssh-ed25519 … or ssh-rsa …)."
  type        = string
}

variable "tags" {
  description = "Tags for every resource of the module."
  type        = map(string)
  default     = {}
}
