################################################################################
# Alias record in the inventory's hosted zone (by ID: no lookup by name); a
# failover record with a health check when failover_role is set (PRIMARY in
# the primary root, SECONDARY in DR)
################################################################################

resource "aws_route53_health_check" "this" {
  count = var.failover_role == null ? 0 : 1

  fqdn              = var.target_dns_name
  port              = var.health_check_protocol == "HTTPS" ? 443 : 80
  type              = var.health_check_protocol
  resource_path     = var.health_check_path
  failure_threshold = 3
  request_interval  = 10

  tags = merge(var.tags, { Name = "${var.record_name}.${var.zone_name}-${lower(coalesce(var.failover_role, "simple"))}" })
}

################################################################################
# Rotation switch of the PRIMARY record: a CALCULATED check over the endpoint
# check. Route 53 documents (UpdateHealthCheck, HealthThreshold) that a
# threshold above the number of child checks makes a calculated check always
# unhealthy: at 2 the PRIMARY record never answers, whatever its endpoint
# reports, so traffic stays on SECONDARY while the primary region returns and
# its data is moved back; at 1 it follows the endpoint check. A failover sets
# 2 with `aws route53 update-health-check`, a failback holds it there through
# in_rotation = false and restores 1 last. (Inverting the endpoint check
# instead would report a lost region's failing endpoint as healthy.)
################################################################################

resource "aws_route53_health_check" "rotation" {
  count = var.failover_role == "PRIMARY" ? 1 : 0

  type                   = "CALCULATED"
  child_healthchecks     = [aws_route53_health_check.this[0].id]
  child_health_threshold = var.in_rotation ? 1 : 2

  tags = merge(var.tags, { Name = "${var.record_name}.${var.zone_name}-primary-rotation" })
}

resource "aws_route53_record" "this" {
  zone_id         = var.zone_id
  name            = var.record_name
  type            = "A"
  set_identifier  = var.failover_role == null ? null : lower(var.failover_role)
  health_check_id = var.failover_role == "PRIMARY" ? aws_route53_health_check.rotation[0].id : one(aws_route53_health_check.this[*].id)

  alias {
    name                   = var.target_dns_name
    zone_id                = var.target_zone_id
    evaluate_target_health = true
  }

  dynamic "failover_routing_policy" {
    for_each = var.failover_role == null ? [] : [var.failover_role]

    content {
      type = failover_routing_policy.value
    }
  }
}

################################################################################
# Migration (PRIMARY record only, when migration_from is set): the public name
# holds two weighted records, the existing endpoint and the failover pair of
# this stack (which then lives at failover.<record>). Both are alias A records
# when the existing endpoint is an alias target (migration_from_zone_id), else
# CNAMEs with a 60 s TTL (a CNAME cannot share its name with an A record).
# Route 53 answers in proportion to the weights: migration_weight percent go
# to the new stack, the rest to the existing endpoint. The new stack's record
# refers to the PRIMARY record, so Terraform writes it after the pair moved.
################################################################################

locals {
  migrating       = var.failover_role == "PRIMARY" && var.migration_from != null
  migration_alias = var.migration_from_zone_id != null
}

resource "aws_route53_record" "migration_new" {
  count = local.migrating ? 1 : 0

  zone_id        = var.zone_id
  name           = var.migration_record_name
  type           = local.migration_alias ? "A" : "CNAME"
  set_identifier = "new-stack"
  ttl            = local.migration_alias ? null : 60
  records        = local.migration_alias ? null : [aws_route53_record.this.fqdn]

  dynamic "alias" {
    for_each = local.migration_alias ? [aws_route53_record.this.fqdn] : []

    content {
      name                   = alias.value
      zone_id                = var.zone_id
      evaluate_target_health = true
    }
  }

  weighted_routing_policy {
    weight = var.migration_weight
  }
}

resource "aws_route53_record" "migration_existing" {
  #checkov:skip=CKV2_AWS_23:The existing endpoint is the old infrastructure being migrated from, outside this configuration by definition; the record goes away with the migration block
  count = local.migrating ? 1 : 0

  zone_id        = var.zone_id
  name           = var.migration_record_name
  type           = local.migration_alias ? "A" : "CNAME"
  set_identifier = "existing"
  ttl            = local.migration_alias ? null : 60
  records        = local.migration_alias ? null : [var.migration_from]

  dynamic "alias" {
    for_each = local.migration_alias ? [var.migration_from] : []

    content {
      name                   = alias.value
      zone_id                = var.migration_from_zone_id
      evaluate_target_health = true
    }
  }

  weighted_routing_policy {
    weight = 100 - var.migration_weight
  }
}
