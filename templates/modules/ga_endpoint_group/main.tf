################################################################################
# Endpoint group of this region: traffic dial 100 primary, 0 DR
################################################################################

resource "aws_globalaccelerator_endpoint_group" "this" {
  listener_arn                  = var.listener_arn
  endpoint_group_region         = var.region
  traffic_dial_percentage       = var.traffic_dial_percentage
  health_check_protocol         = var.health_check_protocol
  health_check_path             = var.health_check_path
  health_check_port             = var.health_check_protocol == "HTTPS" ? 443 : 80
  health_check_interval_seconds = 10
  threshold_count               = 3

  endpoint_configuration {
    endpoint_id                    = var.endpoint_arn
    weight                         = 100
    client_ip_preservation_enabled = true
  }
}
