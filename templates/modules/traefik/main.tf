################################################################################
# Traefik: the cluster's HTTP router behind the application load balancer.
#
# Chart catalogue: traefik 41.3.0 (Traefik v3.7.11, 2026-08-21), the newest
# release in https://traefik.github.io/charts, checked 2026-11-26 (the default
# of chart_version).
#
# Exposure: the Service is ClusterIP and a TargetGroupBinding registers the
# Traefik pods' IPs in the load balancer's target group (target type ip, the
# type acmegen's alb module uses for EKS targets); with target_type instance
# the Service is a NodePort on node_port and the nodes are registered. The
# ping endpoint answers on the web entrypoint, so the target group's health
# check reaches it on the traffic port.
################################################################################

locals {
  service_type = var.target_type == "ip" ? "ClusterIP" : "NodePort"
  target_port  = var.target_type == "ip" ? var.web_port : var.node_port
  selector     = { "app.kubernetes.io/name" = "traefik", "app.kubernetes.io/instance" = var.name }

  target_group_binding = var.target_group_arn == null ? [] : [{
    apiVersion = "elbv2.k8s.aws/v1beta1"
    kind       = "TargetGroupBinding"
    metadata   = { name = var.name, namespace = var.namespace }
    spec = {
      targetGroupARN = var.target_group_arn
      targetType     = var.target_type
      serviceRef     = { name = var.name, port = var.web_port }
      # The load balancer controller opens the target port on the nodes'
      # security group to the load balancer's security group.
      networking = var.alb_security_group_id == null ? null : {
        ingress = [{
          from  = [{ securityGroup = { groupID = var.alb_security_group_id } }]
          ports = [{ protocol = "TCP", port = local.target_port }]
        }]
      }
    }
  }]
}

################################################################################
# NetworkPolicies (network_policy): the namespace is default-deny both ways;
# Traefik's pods may receive on the web entrypoint from the VPC (with
# instance targets the source is the load balancer or, after the NodePort's
# SNAT, a node) and reach DNS, the API server (it watches Ingresses, Services
# and Endpoints) and the backends' namespaces on their ports. The VPC CNI
# admits the node's own address (kubelet probes) whatever the policies say.
################################################################################

locals {
  network_policies = flatten([for np in var.network_policy == null ? [] : [var.network_policy] : [
    {
      apiVersion = "networking.k8s.io/v1"
      kind       = "NetworkPolicy"
      metadata   = { name = "default-deny", namespace = var.namespace }
      spec       = { podSelector = {}, policyTypes = ["Ingress", "Egress"] }
    },
    {
      apiVersion = "networking.k8s.io/v1"
      kind       = "NetworkPolicy"
      metadata   = { name = var.name, namespace = var.namespace }
      spec = {
        podSelector = { matchLabels = local.selector }
        policyTypes = ["Ingress", "Egress"]
        ingress = [{
          from  = [{ ipBlock = { cidr = np.vpc_cidr } }]
          ports = [{ protocol = "TCP", port = var.web_port }]
        }]
        egress = concat(
          [
            {
              to = [{
                namespaceSelector = { matchLabels = { "kubernetes.io/metadata.name" = "kube-system" } }
                podSelector       = { matchLabels = { "k8s-app" = "kube-dns" } }
              }]
              ports = [{ protocol = "UDP", port = 53 }, { protocol = "TCP", port = 53 }]
            },
            {
              to = [
                for c in concat([np.vpc_cidr], np.service_cidr == null ? [] : ["${cidrhost(np.service_cidr, 1)}/32"]) :
                { ipBlock = { cidr = c } }
              ]
              ports = [{ protocol = "TCP", port = 443 }]
            },
          ],
          [for b in np.backends : {
            to    = [{ namespaceSelector = { matchLabels = { "kubernetes.io/metadata.name" = b.namespace } } }]
            ports = [{ protocol = "TCP", port = b.port }]
          }],
        )
      }
    },
  ]])
}

resource "helm_release" "this" {
  name             = var.name
  namespace        = var.namespace
  create_namespace = true
  repository       = "https://traefik.github.io/charts"
  chart            = "traefik"
  version          = var.chart_version

  values = [yamlencode({
    fullnameOverride      = var.name
    instanceLabelOverride = var.name
    deployment = {
      replicas         = var.replicas
      healthchecksPort = var.web_port
    }
    podDisruptionBudget = { enabled = true, maxUnavailable = 1 }
    topologySpreadConstraints = [
      {
        maxSkew           = 1
        topologyKey       = "topology.kubernetes.io/zone"
        whenUnsatisfiable = var.zone_spread
        labelSelector     = { matchLabels = local.selector }
      },
      {
        maxSkew           = 1
        topologyKey       = "kubernetes.io/hostname"
        whenUnsatisfiable = "ScheduleAnyway"
        labelSelector     = { matchLabels = local.selector }
      },
    ]
    additionalArguments = ["--ping.entryPoint=web"]
    ports = {
      web = {
        port        = var.web_port
        exposedPort = var.web_port
        nodePort    = var.target_type == "instance" ? var.node_port : null
        forwardedHeaders = {
          trustedIPs = var.trusted_ips
        }
      }
      websecure = { expose = { default = false } }
    }
    # The chart writes `type` from service.type (default LoadBalancer) and
    # then appends service.spec: a type set in spec doubled the key.
    service = {
      type = local.service_type
    }
    ingressClass = {
      enabled        = true
      isDefaultClass = var.default_ingress_class
      name           = var.ingress_class_name
    }
    resources    = var.resources
    extraObjects = concat(local.target_group_binding, local.network_policies)
  })]
}
