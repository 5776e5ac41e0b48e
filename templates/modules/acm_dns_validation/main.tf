################################################################################
# The DNS validation record of a domain, owned by the bootstrap root alone.
# ACM derives the record from the domain and the account, the same for every
# certificate of that name in every region (ACM UG, "DNS validation"), and
# renews a certificate only while the record stays in place ("Renewal for
# domains validated by DNS"). A certificate requested here reveals the
# record; it is never attached to anything (ACM does not renew unattached
# certificates; the record outlives it). The roots' certificates validate
# through this record; destroying a root leaves it in place.
################################################################################

resource "aws_acm_certificate" "anchor" {
  domain_name       = var.domain_name
  validation_method = "DNS"
  key_algorithm     = "RSA_2048"

  options {
    certificate_transparency_logging_preference = "ENABLED"
  }

  tags = merge(var.tags, { Name = var.domain_name, Purpose = "dns-validation-record" })

  lifecycle {
    create_before_destroy = true
  }
}

# One name, no alternative names: exactly one validation record.
locals {
  validation = one(aws_acm_certificate.anchor.domain_validation_options)
}

# allow_overwrite adopts the record an earlier layout wrote from the roots.
resource "aws_route53_record" "validation" {
  zone_id         = var.zone_id
  name            = local.validation.resource_record_name
  type            = local.validation.resource_record_type
  records         = [local.validation.resource_record_value]
  ttl             = 300
  allow_overwrite = true
}
