################################################################################
# EC2 key pair (public key only: the private key never enters Terraform)
################################################################################

resource "aws_key_pair" "this" {
  key_name   = var.key_name
  public_key = var.public_key

  tags = merge(var.tags, { Name = var.key_name })
}
