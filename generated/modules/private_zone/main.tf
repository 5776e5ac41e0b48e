################################################################################
# Private hosted zone of this region's VPC: stable names for what the
# applications connect to (each database's record is a CNAME to the writer
# endpoint in this region, created by the rds and aurora modules). Every root
# owns its own zone of the same name, associated with its own VPC only: the
# DR region resolves its names from a zone the DR root owns, so nothing it
# needs lives only in the primary region (a VPC cannot be associated with two
# private zones of the same name either, peered or not).
################################################################################

resource "aws_route53_zone" "this" {
  #checkov:skip=CKV2_AWS_38:Route 53 signs public hosted zones only; a private zone cannot have DNSSEC signing (key-signing keys are refused for it)
  #checkov:skip=CKV2_AWS_39:Route 53 query logging is for public hosted zones; lookups in a private zone are logged per VPC by Resolver query logging, which this module does not configure (VPC flow logs record the connections)
  name          = var.name
  comment       = var.comment
  force_destroy = false

  vpc {
    vpc_id = var.vpc_id
  }

  tags = merge(var.tags, { Name = var.name })
}
