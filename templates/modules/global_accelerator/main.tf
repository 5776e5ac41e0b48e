################################################################################
# Global Accelerator and its TCP listener (the control plane is global)
################################################################################

resource "aws_globalaccelerator_accelerator" "this" {
  #checkov:skip=CKV_AWS_75:Flow logs need an S3 bucket in the accelerator's home region; requests are logged by the WAF of each regional load balancer
  name            = var.name
  ip_address_type = "IPV4"
  enabled         = true

  tags = merge(var.tags, { Name = var.name })
}

resource "aws_globalaccelerator_listener" "this" {
  accelerator_arn = aws_globalaccelerator_accelerator.this.arn
  protocol        = "TCP"
  client_affinity = "NONE"

  dynamic "port_range" {
    for_each = var.ports

    content {
      from_port = port_range.value
      to_port   = port_range.value
    }
  }
}
