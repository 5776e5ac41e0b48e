################################################################################
# TLS certificate for the load balancer, DNS-validated. ACM is regional, so
# each root requests its own; the validation CNAME is the same for every
# certificate of this domain in the account, in every region (ACM UG, "DNS
# validation": "the CNAME validation token works for any AWS Region"). It has
# exactly one owner, the inventory's bootstrap root (module
# acm_dns_validation): destroying either root here never removes the record
# the other region's certificate renews with. This module names that record
# (a fact the bootstrap publishes) and waits for the certificate to be
# issued; the provider fails at once if the certificate needs another record.
################################################################################

resource "aws_acm_certificate" "this" {
  domain_name       = var.domain_name
  validation_method = "DNS"
  key_algorithm     = "RSA_2048"

  options {
    certificate_transparency_logging_preference = "ENABLED"
  }

  tags = merge(var.tags, { Name = var.domain_name })

  lifecycle {
    create_before_destroy = true
  }
}

# Earlier layouts wrote the shared record from both roots: forget it without
# deleting it (the bootstrap owns it now).
removed {
  from = aws_route53_record.validation

  lifecycle {
    destroy = false
  }
}

resource "aws_acm_certificate_validation" "this" {
  certificate_arn         = aws_acm_certificate.this.arn
  validation_record_fqdns = [var.validation_record_fqdn]

  timeouts {
    create = "30m"
  }
}
