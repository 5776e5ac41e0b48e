################################################################################
# Public hosted zone of the inventory's domain. Delegate it at the registrar
# (its name servers are an output) before the roots request certificates:
# ACM validates them through this zone.
################################################################################

resource "aws_route53_zone" "this" {
  #checkov:skip=CKV2_AWS_38:DNSSEC signing needs a DS record at the parent zone, which the domain owner sets at the registrar; enable it once delegation is in place
  #checkov:skip=CKV2_AWS_39:Query logging needs a log group in us-east-1 with a resource policy for Route 53; resolver traffic of the application is logged by the load balancer WAF
  name          = var.name
  comment       = var.comment
  force_destroy = false

  tags = merge(var.tags, { Name = var.name })
}
