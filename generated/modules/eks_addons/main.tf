################################################################################
# Cluster add-ons: each one a Helm release plus, where it calls AWS, an IAM
# role for its service account (IRSA) scoped to what that controller touches.
#
# Chart catalogue (newest release found in each chart's repository, checked
# 2026-11-26; the defaults of the *_chart_version variables):
#   aws-load-balancer-controller  3.5.0   (app v3.5.0, 2026-08-03)  https://aws.github.io/eks-charts
#   cert-manager                  v1.21.1 (2026-07-29)              https://charts.jetstack.io
#   cluster-autoscaler            9.59.0  (2026-07-21)              https://kubernetes.github.io/autoscaler
#     image per Kubernetes minor: 1.33 v1.33.6, 1.34 v1.34.5, 1.35 v1.35.2, 1.36 v1.36.1 (2026-07-22)
#   metrics-server                3.13.1  (app 0.8.1, 2026-06-11)   https://kubernetes-sigs.github.io/metrics-server
#   external-dns                  1.21.1  (app 0.21.0, 2026-04-30)  https://kubernetes-sigs.github.io/external-dns
#   aws-for-fluent-bit            0.2.0   (AWS for Fluent Bit 3.2.1, 2026-02-03)  https://aws.github.io/eks-charts
################################################################################

data "aws_partition" "current" {}

data "aws_caller_identity" "current" {}

locals {
  partition   = data.aws_partition.current.partition
  account_id  = data.aws_caller_identity.current.account_id
  oidc_issuer = replace(var.oidc_provider_arn, "/^arn:[^:]+:iam::[0-9]+:oidc-provider\\//", "")
  vpc_arn     = "arn:${local.partition}:ec2:${var.region}:${local.account_id}:vpc/${var.vpc_id}"
  elb_arn     = "arn:${local.partition}:elasticloadbalancing:${var.region}:${local.account_id}"
  sg_arn      = "arn:${local.partition}:ec2:${var.region}:${local.account_id}:security-group/*"
  zone_arns   = [for id in values(var.cert_manager_route53_zones) : "arn:${local.partition}:route53:::hostedzone/${id}"]
  dns_arns    = [for id in var.external_dns_route53_zone_ids : "arn:${local.partition}:route53:::hostedzone/${id}"]

  # One replica in a pilot-light region; a budget of one unavailable pod
  # never blocks a node drain, whatever the replica count.
  pdb = { maxUnavailable = 1 }

  # Prefer spreading each controller's pods across zones, never block scheduling on it.
  spread_labels = {
    aws_load_balancer_controller = { "app.kubernetes.io/instance" = "aws-load-balancer-controller" }
    cert_manager                 = { "app.kubernetes.io/instance" = "cert-manager", "app.kubernetes.io/component" = "controller" }
    cert_manager_webhook         = { "app.kubernetes.io/instance" = "cert-manager", "app.kubernetes.io/component" = "webhook" }
    cert_manager_cainjector      = { "app.kubernetes.io/instance" = "cert-manager", "app.kubernetes.io/component" = "cainjector" }
    cluster_autoscaler           = { "app.kubernetes.io/instance" = "cluster-autoscaler" }
    metrics_server               = { "app.kubernetes.io/instance" = "metrics-server" }
  }
  spread = {
    for k, labels in local.spread_labels : k => [{
      maxSkew           = 1
      topologyKey       = "topology.kubernetes.io/zone"
      whenUnsatisfiable = "ScheduleAnyway"
      labelSelector     = { matchLabels = labels }
    }]
  }

  # Cluster-autoscaler's minor version must match the cluster's.
  cluster_autoscaler_images = {
    "1.33" = "v1.33.6"
    "1.34" = "v1.34.5"
    "1.35" = "v1.35.2"
    "1.36" = "v1.36.1"
  }
}

################################################################################
# IRSA: one role per controller, trusted only by its service account
################################################################################

locals {
  irsa = {
    for k, v in {
      aws_load_balancer_controller = {
        enabled         = var.enable_aws_load_balancer_controller
        namespace       = "kube-system"
        service_account = "aws-load-balancer-controller"
        role            = "lb-controller"
      }
      cert_manager = {
        enabled         = var.enable_cert_manager && length(var.cert_manager_route53_zones) > 0
        namespace       = "cert-manager"
        service_account = "cert-manager"
        role            = "cert-manager"
      }
      cluster_autoscaler = {
        enabled         = var.enable_cluster_autoscaler
        namespace       = "kube-system"
        service_account = "cluster-autoscaler"
        role            = "cluster-autoscaler"
      }
      external_dns = {
        enabled         = var.enable_external_dns
        namespace       = "external-dns"
        service_account = "external-dns"
        role            = "external-dns"
      }
      fluent_bit = {
        enabled         = var.enable_container_logs
        namespace       = "kube-system"
        service_account = "aws-for-fluent-bit"
        role            = "fluent-bit"
      }
    } : k => v if v.enabled
  }

  irsa_policies = {
    aws_load_balancer_controller = one(data.aws_iam_policy_document.aws_load_balancer_controller[*].json)
    cert_manager                 = one(data.aws_iam_policy_document.cert_manager[*].json)
    cluster_autoscaler           = one(data.aws_iam_policy_document.cluster_autoscaler[*].json)
    external_dns                 = one(data.aws_iam_policy_document.external_dns[*].json)
    fluent_bit                   = one(data.aws_iam_policy_document.fluent_bit[*].json)
  }
}

data "aws_iam_policy_document" "irsa_assume" {
  for_each = local.irsa

  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = [var.oidc_provider_arn]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.oidc_issuer}:sub"
      values   = ["system:serviceaccount:${each.value.namespace}:${each.value.service_account}"]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.oidc_issuer}:aud"
      values   = ["sts.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "irsa" {
  for_each = local.irsa

  name               = "${var.cluster_name}-${each.value.role}"
  description        = "IRSA role of ${each.value.namespace}/${each.value.service_account} in EKS cluster ${var.cluster_name}"
  assume_role_policy = data.aws_iam_policy_document.irsa_assume[each.key].json

  tags = var.tags
}

resource "aws_iam_role_policy" "irsa" {
  for_each = local.irsa

  name   = each.value.role
  role   = aws_iam_role.irsa[each.key].id
  policy = local.irsa_policies[each.key]
}

################################################################################
# AWS Load Balancer Controller: AWS's documented policy, narrowed to this
# account, region, VPC and the resources tagged with this cluster's name
# (elbv2.k8s.aws/cluster = <cluster>); WAF and Shield integration is off
# (the load balancer module owns its WAF), so their actions are left out, and
# so are the Outposts customer-owned IP pool ones.
################################################################################

data "aws_iam_policy_document" "aws_load_balancer_controller" {
  count = var.enable_aws_load_balancer_controller ? 1 : 0

  statement {
    sid       = "ServiceLinkedRole"
    actions   = ["iam:CreateServiceLinkedRole"]
    resources = ["arn:${local.partition}:iam::${local.account_id}:role/aws-service-role/elasticloadbalancing.amazonaws.com/AWSServiceRoleForElasticLoadBalancing"]

    condition {
      test     = "StringEquals"
      variable = "iam:AWSServiceName"
      values   = ["elasticloadbalancing.amazonaws.com"]
    }
  }

  # Describe/Get calls support no resource-level permissions.
  statement {
    sid = "Describe"
    actions = [
      "acm:ListCertificates",
      "ec2:DescribeAccountAttributes",
      "ec2:DescribeAddresses",
      "ec2:DescribeAvailabilityZones",
      "ec2:DescribeInstances",
      "ec2:DescribeInternetGateways",
      "ec2:DescribeIpamPools",
      "ec2:DescribeNetworkInterfaces",
      "ec2:DescribeRouteTables",
      "ec2:DescribeSecurityGroups",
      "ec2:DescribeSubnets",
      "ec2:DescribeTags",
      "ec2:DescribeVpcPeeringConnections",
      "ec2:DescribeVpcs",
      "elasticloadbalancing:DescribeCapacityReservation",
      "elasticloadbalancing:DescribeListenerAttributes",
      "elasticloadbalancing:DescribeListenerCertificates",
      "elasticloadbalancing:DescribeListeners",
      "elasticloadbalancing:DescribeLoadBalancerAttributes",
      "elasticloadbalancing:DescribeLoadBalancers",
      "elasticloadbalancing:DescribeRules",
      "elasticloadbalancing:DescribeSSLPolicies",
      "elasticloadbalancing:DescribeTags",
      "elasticloadbalancing:DescribeTargetGroupAttributes",
      "elasticloadbalancing:DescribeTargetGroups",
      "elasticloadbalancing:DescribeTargetHealth",
      "elasticloadbalancing:DescribeTrustStores",
      "iam:ListServerCertificates",
    ]
    resources = ["*"]
  }

  statement {
    sid       = "ReadCertificates"
    actions   = ["acm:DescribeCertificate", "iam:GetServerCertificate"]
    resources = ["arn:${local.partition}:acm:${var.region}:${local.account_id}:certificate/*", "arn:${local.partition}:iam::${local.account_id}:server-certificate/*"]
  }

  statement {
    sid       = "SecurityGroupsOfTheClusterVpc"
    actions   = ["ec2:GetSecurityGroupsForVpc"]
    resources = [local.vpc_arn]
  }

  statement {
    sid       = "CreateSecurityGroupInTheClusterVpc"
    actions   = ["ec2:CreateSecurityGroup"]
    resources = [local.vpc_arn, local.sg_arn]
  }

  statement {
    sid       = "TagNewSecurityGroups"
    actions   = ["ec2:CreateTags"]
    resources = [local.sg_arn]

    condition {
      test     = "StringEquals"
      variable = "ec2:CreateAction"
      values   = ["CreateSecurityGroup"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:RequestTag/elbv2.k8s.aws/cluster"
      values   = [var.cluster_name]
    }
  }

  statement {
    sid       = "RetagOwnSecurityGroups"
    actions   = ["ec2:CreateTags", "ec2:DeleteTags"]
    resources = [local.sg_arn]

    condition {
      test     = "Null"
      variable = "aws:RequestTag/elbv2.k8s.aws/cluster"
      values   = ["true"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:ResourceTag/elbv2.k8s.aws/cluster"
      values   = [var.cluster_name]
    }
  }

  statement {
    sid       = "ManageOwnSecurityGroups"
    actions   = ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress", "ec2:DeleteSecurityGroup"]
    resources = [local.sg_arn]

    condition {
      test     = "StringEquals"
      variable = "aws:ResourceTag/elbv2.k8s.aws/cluster"
      values   = [var.cluster_name]
    }
  }

  # TargetGroupBinding networking: open the target port on the node/pod
  # security groups of this VPC to the load balancer's security group.
  statement {
    sid       = "OpenTargetPortsInTheClusterVpc"
    actions   = ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"]
    resources = [local.sg_arn]

    condition {
      test     = "ArnEquals"
      variable = "ec2:Vpc"
      values   = [local.vpc_arn]
    }
  }

  statement {
    sid       = "CreateOwnLoadBalancers"
    actions   = ["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"]
    resources = ["${local.elb_arn}:loadbalancer/*", "${local.elb_arn}:targetgroup/*/*"]

    condition {
      test     = "StringEquals"
      variable = "aws:RequestTag/elbv2.k8s.aws/cluster"
      values   = [var.cluster_name]
    }
  }

  statement {
    sid = "ListenersAndRules"
    actions = [
      "elasticloadbalancing:AddListenerCertificates",
      "elasticloadbalancing:CreateListener",
      "elasticloadbalancing:CreateRule",
      "elasticloadbalancing:DeleteListener",
      "elasticloadbalancing:DeleteRule",
      "elasticloadbalancing:ModifyListener",
      "elasticloadbalancing:ModifyRule",
      "elasticloadbalancing:RemoveListenerCertificates",
      "elasticloadbalancing:SetRulePriorities",
    ]
    resources = [
      "${local.elb_arn}:loadbalancer/app/*/*",
      "${local.elb_arn}:loadbalancer/net/*/*",
      "${local.elb_arn}:listener/app/*/*/*",
      "${local.elb_arn}:listener/net/*/*/*",
      "${local.elb_arn}:listener-rule/app/*/*/*",
      "${local.elb_arn}:listener-rule/net/*/*/*",
    ]
  }

  statement {
    sid     = "TagOwnLoadBalancers"
    actions = ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"]
    resources = [
      "${local.elb_arn}:targetgroup/*/*",
      "${local.elb_arn}:loadbalancer/net/*/*",
      "${local.elb_arn}:loadbalancer/app/*/*",
    ]

    condition {
      test     = "Null"
      variable = "aws:RequestTag/elbv2.k8s.aws/cluster"
      values   = ["true"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:ResourceTag/elbv2.k8s.aws/cluster"
      values   = [var.cluster_name]
    }
  }

  statement {
    sid     = "TagListenersAndRules"
    actions = ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"]
    resources = [
      "${local.elb_arn}:listener/net/*/*/*",
      "${local.elb_arn}:listener/app/*/*/*",
      "${local.elb_arn}:listener-rule/net/*/*/*",
      "${local.elb_arn}:listener-rule/app/*/*/*",
    ]
  }

  statement {
    sid     = "TagOnCreate"
    actions = ["elasticloadbalancing:AddTags"]
    resources = [
      "${local.elb_arn}:targetgroup/*/*",
      "${local.elb_arn}:loadbalancer/net/*/*",
      "${local.elb_arn}:loadbalancer/app/*/*",
    ]

    condition {
      test     = "StringEquals"
      variable = "elasticloadbalancing:CreateAction"
      values   = ["CreateTargetGroup", "CreateLoadBalancer"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:RequestTag/elbv2.k8s.aws/cluster"
      values   = [var.cluster_name]
    }
  }

  statement {
    sid = "ModifyOwnLoadBalancers"
    actions = [
      "elasticloadbalancing:DeleteLoadBalancer",
      "elasticloadbalancing:DeleteTargetGroup",
      "elasticloadbalancing:ModifyCapacityReservation",
      "elasticloadbalancing:ModifyIpPools",
      "elasticloadbalancing:ModifyListenerAttributes",
      "elasticloadbalancing:ModifyLoadBalancerAttributes",
      "elasticloadbalancing:ModifyTargetGroup",
      "elasticloadbalancing:ModifyTargetGroupAttributes",
      "elasticloadbalancing:SetIpAddressType",
      "elasticloadbalancing:SetSecurityGroups",
      "elasticloadbalancing:SetSubnets",
    ]
    resources = [
      "${local.elb_arn}:loadbalancer/*",
      "${local.elb_arn}:targetgroup/*/*",
      "${local.elb_arn}:listener/*",
    ]

    condition {
      test     = "StringEquals"
      variable = "aws:ResourceTag/elbv2.k8s.aws/cluster"
      values   = [var.cluster_name]
    }
  }

  statement {
    sid       = "RegisterTargetsInOwnTargetGroups"
    actions   = ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"]
    resources = ["${local.elb_arn}:targetgroup/*/*"]

    condition {
      test     = "StringEquals"
      variable = "aws:ResourceTag/elbv2.k8s.aws/cluster"
      values   = [var.cluster_name]
    }
  }

  # TargetGroupBinding to target groups Terraform created (not tagged by the controller).
  dynamic "statement" {
    for_each = length(var.target_group_arns) > 0 ? [1] : []

    content {
      sid       = "RegisterTargetsInBoundTargetGroups"
      actions   = ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"]
      resources = var.target_group_arns
    }
  }
}

resource "helm_release" "aws_load_balancer_controller" {
  count = var.enable_aws_load_balancer_controller ? 1 : 0

  name       = "aws-load-balancer-controller"
  namespace  = "kube-system"
  repository = "https://aws.github.io/eks-charts"
  chart      = "aws-load-balancer-controller"
  version    = var.aws_load_balancer_controller_chart_version
  wait       = true # its webhooks must answer before TargetGroupBindings are created

  values = [yamlencode({
    clusterName  = var.cluster_name
    region       = var.region
    vpcId        = var.vpc_id
    replicaCount = var.replicas
    serviceAccount = {
      name        = local.irsa["aws_load_balancer_controller"].service_account
      annotations = { "eks.amazonaws.com/role-arn" = aws_iam_role.irsa["aws_load_balancer_controller"].arn }
    }
    podDisruptionBudget         = local.pdb
    topologySpreadConstraints   = local.spread["aws_load_balancer_controller"]
    enableServiceMutatorWebhook = false
    enableShield                = false
    enableWaf                   = false
    enableWafv2                 = false
    defaultTags                 = var.tags
  })]

  depends_on = [aws_iam_role_policy.irsa]
}

################################################################################
# cert-manager: Route 53 DNS-01, only TXT records named _acme-challenge.* in
# the given zones; the issuers name each zone's ID, so no zone listing.
################################################################################

data "aws_iam_policy_document" "cert_manager" {
  count = var.enable_cert_manager && length(var.cert_manager_route53_zones) > 0 ? 1 : 0

  statement {
    sid       = "ReadChangeStatus"
    actions   = ["route53:GetChange"]
    resources = ["arn:${local.partition}:route53:::change/*"]
  }

  statement {
    sid       = "ListRecordsOfTheZones"
    actions   = ["route53:ListResourceRecordSets"]
    resources = local.zone_arns
  }

  statement {
    sid       = "ChallengeRecordsOnly"
    actions   = ["route53:ChangeResourceRecordSets"]
    resources = local.zone_arns

    condition {
      test     = "ForAllValues:StringEquals"
      variable = "route53:ChangeResourceRecordSetsRecordTypes"
      values   = ["TXT"]
    }

    condition {
      test     = "ForAllValues:StringLike"
      variable = "route53:ChangeResourceRecordSetsNormalizedRecordNames"
      values   = ["_acme-challenge.*"]
    }
  }
}

resource "helm_release" "cert_manager" {
  count = var.enable_cert_manager ? 1 : 0

  name             = "cert-manager"
  namespace        = "cert-manager"
  create_namespace = true
  repository       = "https://charts.jetstack.io"
  chart            = "cert-manager"
  version          = var.cert_manager_chart_version
  timeout          = 600
  wait             = true # ClusterIssuers need the webhook (startupapicheck gates the release)

  values = [yamlencode({
    crds                      = { enabled = true, keep = true }
    replicaCount              = var.replicas
    podDisruptionBudget       = merge({ enabled = true }, local.pdb)
    topologySpreadConstraints = local.spread["cert_manager"]
    serviceAccount = {
      name        = "cert-manager"
      annotations = length(var.cert_manager_route53_zones) > 0 ? { "eks.amazonaws.com/role-arn" = aws_iam_role.irsa["cert_manager"].arn } : {}
    }
    webhook = {
      replicaCount              = var.replicas
      podDisruptionBudget       = merge({ enabled = true }, local.pdb)
      topologySpreadConstraints = local.spread["cert_manager_webhook"]
    }
    cainjector = {
      replicaCount              = var.replicas
      podDisruptionBudget       = merge({ enabled = true }, local.pdb)
      topologySpreadConstraints = local.spread["cert_manager_cainjector"]
    }
  })]

  depends_on = [helm_release.aws_load_balancer_controller, aws_iam_role_policy.irsa]
}

# Let's Encrypt staging and production ClusterIssuers (local chart), created
# once cert-manager's webhook answers (the chart's startupapicheck job gates
# the cert-manager release).
resource "helm_release" "cluster_issuers" {
  count = var.enable_cert_manager && length(var.cert_manager_route53_zones) > 0 && var.acme_email != null ? 1 : 0

  name      = "cluster-issuers"
  namespace = "cert-manager"
  chart     = "${path.module}/../../charts/cluster-issuers"

  values = [yamlencode({
    email  = var.acme_email
    region = var.region
    solvers = [for zone, id in var.cert_manager_route53_zones : {
      dnsZone      = zone
      hostedZoneID = id
    }]
  })]

  depends_on = [helm_release.cert_manager]
}

################################################################################
# Cluster autoscaler: auto-discovers the managed node groups' Auto Scaling
# groups by the tags EKS puts on them, and may only resize groups tagged as
# owned by this cluster.
################################################################################

data "aws_iam_policy_document" "cluster_autoscaler" {
  count = var.enable_cluster_autoscaler ? 1 : 0

  # Describe calls support no resource-level permissions.
  statement {
    sid = "Describe"
    actions = [
      "autoscaling:DescribeAutoScalingGroups",
      "autoscaling:DescribeAutoScalingInstances",
      "autoscaling:DescribeLaunchConfigurations",
      "autoscaling:DescribeScalingActivities",
      "autoscaling:DescribeTags",
      "ec2:DescribeImages",
      "ec2:DescribeInstanceTypes",
      "ec2:DescribeLaunchTemplateVersions",
      "ec2:GetInstanceTypesFromInstanceRequirements",
    ]
    resources = ["*"]
  }

  statement {
    sid       = "ReadNodeGroupsOfTheCluster"
    actions   = ["eks:DescribeNodegroup"]
    resources = ["arn:${local.partition}:eks:${var.region}:${local.account_id}:nodegroup/${var.cluster_name}/*/*"]
  }

  statement {
    sid       = "ResizeOwnedGroups"
    actions   = ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"]
    resources = ["arn:${local.partition}:autoscaling:${var.region}:${local.account_id}:autoScalingGroup:*:autoScalingGroupName/*"]

    condition {
      test     = "StringEquals"
      variable = "aws:ResourceTag/k8s.io/cluster-autoscaler/${var.cluster_name}"
      values   = ["owned"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:ResourceTag/k8s.io/cluster-autoscaler/enabled"
      values   = ["true"]
    }
  }
}

resource "helm_release" "cluster_autoscaler" {
  count = var.enable_cluster_autoscaler ? 1 : 0

  name       = "cluster-autoscaler"
  namespace  = "kube-system"
  repository = "https://kubernetes.github.io/autoscaler"
  chart      = "cluster-autoscaler"
  version    = var.cluster_autoscaler_chart_version

  values = [yamlencode({
    cloudProvider = "aws"
    awsRegion     = var.region
    autoDiscovery = { clusterName = var.cluster_name }
    image         = { tag = coalesce(var.cluster_autoscaler_image_tag, lookup(local.cluster_autoscaler_images, var.kubernetes_version, "")) }
    replicaCount  = var.replicas
    rbac = {
      serviceAccount = {
        name        = "cluster-autoscaler"
        annotations = { "eks.amazonaws.com/role-arn" = aws_iam_role.irsa["cluster_autoscaler"].arn }
      }
    }
    extraArgs = {
      "balance-similar-node-groups" = true
      "expander"                    = "least-waste"
      "skip-nodes-with-system-pods" = false
    }
    podDisruptionBudget       = local.pdb
    topologySpreadConstraints = local.spread["cluster_autoscaler"]
  })]

  depends_on = [helm_release.aws_load_balancer_controller, aws_iam_role_policy.irsa]
}

################################################################################
# metrics-server: resource metrics for the HorizontalPodAutoscalers (no AWS access)
################################################################################

resource "helm_release" "metrics_server" {
  count = var.enable_metrics_server ? 1 : 0

  name       = "metrics-server"
  namespace  = "kube-system"
  repository = "https://kubernetes-sigs.github.io/metrics-server"
  chart      = "metrics-server"
  version    = var.metrics_server_chart_version

  values = [yamlencode({
    replicas                  = var.replicas
    podDisruptionBudget       = merge({ enabled = true }, local.pdb)
    topologySpreadConstraints = local.spread["metrics_server"]
  })]

  depends_on = [helm_release.aws_load_balancer_controller]
}

################################################################################
# external-dns (optional): records of Services and Ingresses in the given
# zones only; upsert-only by default, so it never deletes records it did not
# create (TXT ownership records name this cluster).
################################################################################

data "aws_iam_policy_document" "external_dns" {
  count = var.enable_external_dns ? 1 : 0

  statement {
    sid       = "RecordsOfTheZones"
    actions   = ["route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets", "route53:ListTagsForResource"]
    resources = local.dns_arns
  }

  # ListHostedZones supports no resource-level permissions; --zone-id-filter
  # keeps external-dns on the zones above.
  statement {
    sid       = "ListZones"
    actions   = ["route53:ListHostedZones"]
    resources = ["*"]
  }
}

resource "helm_release" "external_dns" {
  count = var.enable_external_dns ? 1 : 0

  name             = "external-dns"
  namespace        = "external-dns"
  create_namespace = true
  repository       = "https://kubernetes-sigs.github.io/external-dns"
  chart            = "external-dns"
  version          = var.external_dns_chart_version

  values = [yamlencode({
    provider = { name = "aws" }
    env      = [{ name = "AWS_DEFAULT_REGION", value = var.region }]
    serviceAccount = {
      name        = "external-dns"
      annotations = { "eks.amazonaws.com/role-arn" = aws_iam_role.irsa["external_dns"].arn }
    }
    sources       = ["service", "ingress"]
    policy        = var.external_dns_policy
    registry      = "txt"
    txtOwnerId    = var.cluster_name
    domainFilters = var.external_dns_domain_filters
    extraArgs     = [for id in var.external_dns_route53_zone_ids : "--zone-id-filter=${id}"]
  })]

  depends_on = [helm_release.aws_load_balancer_controller, aws_iam_role_policy.irsa]
}

################################################################################
# Container logs (optional): Fluent Bit (AWS for Fluent Bit) on every node,
# tolerating every taint, ships each container's log lines into one log group
# of this region that Terraform creates first: encrypted with the region's
# key, with a retention. Its IRSA role writes streams of that group only (no
# CreateLogGroup: a group Fluent Bit created would have neither key nor
# retention).
################################################################################

resource "aws_cloudwatch_log_group" "containers" {
  count = var.enable_container_logs ? 1 : 0

  name              = "/aws/eks/${var.cluster_name}/containers"
  retention_in_days = var.container_log_retention_days
  kms_key_id        = var.kms_key_arn

  tags = var.tags
}

data "aws_iam_policy_document" "fluent_bit" {
  count = var.enable_container_logs ? 1 : 0

  statement {
    sid       = "WriteStreamsOfTheContainerLogGroup"
    actions   = ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"]
    resources = [aws_cloudwatch_log_group.containers[0].arn, "${aws_cloudwatch_log_group.containers[0].arn}:log-stream:*"]
  }
}

resource "helm_release" "aws_for_fluent_bit" {
  count = var.enable_container_logs ? 1 : 0

  name       = "aws-for-fluent-bit"
  namespace  = "kube-system"
  repository = "https://aws.github.io/eks-charts"
  chart      = "aws-for-fluent-bit"
  version    = var.aws_for_fluent_bit_chart_version

  values = [yamlencode({
    serviceAccount = {
      create      = true
      name        = "aws-for-fluent-bit"
      annotations = { "eks.amazonaws.com/role-arn" = aws_iam_role.irsa["fluent_bit"].arn }
    }
    cloudWatchLogs = {
      enabled         = true
      region          = var.region
      logGroupName    = aws_cloudwatch_log_group.containers[0].name
      logStreamPrefix = "${var.cluster_name}."
      autoCreateGroup = false
    }
    # A DaemonSet: every node's containers, whatever the node's taints.
    tolerations = [{ operator = "Exists" }]
  })]

  depends_on = [aws_iam_role_policy.irsa]
}
