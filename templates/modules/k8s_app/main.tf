################################################################################
# An application on EKS from an ECR image (local chart k8s-app): Deployment,
# Service, HorizontalPodAutoscaler, PodDisruptionBudget and spreading across
# zones, exposed through the AWS Load Balancer Controller (a
# TargetGroupBinding registers the pods in an existing target group), on a
# NodePort of every node (the load balancer's target group registers the
# nodes), through Traefik (an Ingress of its IngressClass), or not at all. A
# NetworkPolicy admits only the application port, from Traefik's namespace
# or from source_cidrs (NodePort traffic arrives from the load balancer
# through the nodes, so the VPC CIDR). The namespace is default-deny in both
# directions; the application may reach the cluster DNS, egress_cidrs and
# egress_namespaces, and the internet on HTTPS only with egress_to_internet.
# Enforced by the VPC CNI's network policy agent (the eks module turns it on).
################################################################################

locals {
  # The chart's names of the exposure modes.
  exposure_modes = {
    target_group_binding = "targetGroupBinding"
    node_port            = "nodePort"
    traefik              = "traefik"
    none                 = "none"
  }
}

resource "helm_release" "this" {
  name             = var.name
  namespace        = var.namespace
  create_namespace = true
  chart            = "${path.module}/../../charts/k8s-app"
  wait             = var.wait_for_rollout

  values = [yamlencode({
    name = var.name
    image = {
      repository = var.image_repository_url
      tag        = var.image_tag
      digest     = var.image_digest
    }
    replicas   = var.replicas
    port       = var.port
    healthPath = var.health_check_path
    resources  = var.resources
    env        = var.env
    serviceAccount = {
      roleArn = var.service_account_role_arn
    }
    autoscaling = {
      enabled                        = var.max_replicas > var.replicas
      minReplicas                    = var.replicas
      maxReplicas                    = var.max_replicas
      targetCPUUtilizationPercentage = var.target_cpu_utilization
    }
    zoneSpread = var.zone_spread
    networkPolicy = {
      enabled        = true
      fromNamespaces = var.exposure == "traefik" ? [var.traefik_namespace] : []
      fromCIDRs      = contains(["target_group_binding", "node_port"], var.exposure) ? var.source_cidrs : []
      defaultDeny    = true
      egress = {
        toCIDRs      = var.egress_cidrs
        toNamespaces = var.egress_namespaces
        internet     = var.egress_to_internet
      }
    }
    exposure = {
      mode     = local.exposure_modes[var.exposure]
      nodePort = var.exposure == "node_port" ? var.node_port : null
      targetGroupBinding = {
        targetGroupARN  = var.target_group_arn
        targetType      = var.target_type
        nodePort        = var.node_port
        securityGroupID = var.alb_security_group_id
      }
      ingress = {
        className   = var.ingress_class_name
        host        = var.ingress_host
        path        = var.ingress_path
        entryPoints = "web"
      }
    }
  })]
}
