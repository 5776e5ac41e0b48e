data "aws_partition" "current" {}

data "aws_caller_identity" "current" {}

################################################################################
# Cluster IAM role
################################################################################

data "aws_iam_policy_document" "cluster_assume" {
  statement {
    actions = ["sts:AssumeRole", "sts:TagSession"]

    principals {
      type        = "Service"
      identifiers = ["eks.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "cluster" {
  name               = "${var.name}-cluster"
  assume_role_policy = data.aws_iam_policy_document.cluster_assume.json

  tags = var.tags
}

resource "aws_iam_role_policy_attachment" "cluster" {
  role       = aws_iam_role.cluster.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/AmazonEKSClusterPolicy"
}

# Secrets envelope encryption: the cluster role uses the key (as
# terraform-aws-modules/eks grants it).
data "aws_iam_policy_document" "cluster_encryption" {
  statement {
    actions   = ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"]
    resources = [var.kms_key_arn]
  }
}

resource "aws_iam_role_policy" "cluster_encryption" {
  name   = "secrets-encryption"
  role   = aws_iam_role.cluster.id
  policy = data.aws_iam_policy_document.cluster_encryption.json
}

################################################################################
# Cluster (secrets envelope-encrypted with KMS, all control-plane logs on)
################################################################################

resource "aws_cloudwatch_log_group" "cluster" {
  name              = "/aws/eks/${var.name}/cluster"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn

  tags = var.tags
}

resource "aws_eks_cluster" "this" {
  name                      = var.name
  version                   = var.kubernetes_version
  role_arn                  = aws_iam_role.cluster.arn
  enabled_cluster_log_types = ["api", "audit", "authenticator", "controllerManager", "scheduler"]

  access_config {
    authentication_mode                         = "API"
    bootstrap_cluster_creator_admin_permissions = true
  }

  # Nodes reach the API privately. The public endpoint is open only to the
  # administrators' ranges, from where Terraform's Helm provider installs the
  # cluster's charts; without such ranges the endpoint stays private.
  vpc_config {
    subnet_ids              = var.subnet_ids
    endpoint_private_access = true
    endpoint_public_access  = length(var.public_access_cidrs) > 0
    public_access_cidrs     = length(var.public_access_cidrs) > 0 ? var.public_access_cidrs : null
  }

  encryption_config {
    resources = ["secrets"]

    provider {
      key_arn = var.kms_key_arn
    }
  }

  tags = merge(var.tags, { Name = var.name })

  depends_on = [
    aws_iam_role_policy_attachment.cluster,
    aws_iam_role_policy.cluster_encryption,
    aws_cloudwatch_log_group.cluster,
  ]
}

################################################################################
# Cluster access: authentication mode API gives Kubernetes access only to
# principals with an access entry. The creator gets one at creation
# (bootstrap_cluster_creator_admin_permissions); everyone who may run an
# apply with the cluster's Helm releases (on-call, CI) needs their own, or a
# failover apply fails refreshing the releases.
################################################################################

resource "aws_eks_access_entry" "admin" {
  for_each = toset(var.admin_principal_arns)

  cluster_name  = aws_eks_cluster.this.name
  principal_arn = each.value
  type          = "STANDARD"

  tags = var.tags
}

# Read-only access for the roles that refresh the cluster's Helm releases
# without changing them (the CI drift role): the releases' state lives in
# Secrets, which AmazonEKSAdminViewPolicy reads and AmazonEKSViewPolicy does
# not.
locals {
  role_arn_prefix = "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:role/"
  # A viewer already among the administrators has an access entry (and more
  # access): EKS takes one entry per principal.
  viewer_arns = {
    for name in var.viewer_role_names : name => "${local.role_arn_prefix}${name}"
    if !contains(var.admin_principal_arns, "${local.role_arn_prefix}${name}")
  }
}

resource "aws_eks_access_entry" "viewer" {
  for_each = local.viewer_arns

  cluster_name  = aws_eks_cluster.this.name
  principal_arn = each.value
  type          = "STANDARD"

  tags = var.tags
}

resource "aws_eks_access_policy_association" "viewer" {
  for_each = local.viewer_arns

  cluster_name  = aws_eks_cluster.this.name
  principal_arn = aws_eks_access_entry.viewer[each.key].principal_arn
  policy_arn    = "arn:${data.aws_partition.current.partition}:eks::aws:cluster-access-policy/AmazonEKSAdminViewPolicy"

  access_scope {
    type = "cluster"
  }
}

resource "aws_eks_access_policy_association" "admin" {
  for_each = toset(var.admin_principal_arns)

  cluster_name  = aws_eks_cluster.this.name
  principal_arn = aws_eks_access_entry.admin[each.key].principal_arn
  policy_arn    = "arn:${data.aws_partition.current.partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"

  access_scope {
    type = "cluster"
  }
}

################################################################################
# OIDC provider for IAM roles for service accounts (IRSA)
################################################################################

resource "aws_iam_openid_connect_provider" "this" {
  url            = aws_eks_cluster.this.identity[0].oidc[0].issuer
  client_id_list = ["sts.amazonaws.com"]

  tags = var.tags
}

locals {
  oidc_issuer = replace(aws_iam_openid_connect_provider.this.url, "https://", "")

  irsa = {
    vpc_cni = {
      service_account = "kube-system:aws-node"
      policy          = "AmazonEKS_CNI_Policy"
    }
    ebs_csi = {
      service_account = "kube-system:ebs-csi-controller-sa"
      policy          = "service-role/AmazonEBSCSIDriverPolicy"
    }
  }
}

data "aws_iam_policy_document" "irsa_assume" {
  for_each = local.irsa

  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = [aws_iam_openid_connect_provider.this.arn]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.oidc_issuer}:sub"
      values   = ["system:serviceaccount:${each.value.service_account}"]
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

  name               = "${var.name}-${replace(each.key, "_", "-")}"
  assume_role_policy = data.aws_iam_policy_document.irsa_assume[each.key].json

  tags = var.tags
}

resource "aws_iam_role_policy_attachment" "irsa" {
  for_each = local.irsa

  role       = aws_iam_role.irsa[each.key].name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/${each.value.policy}"
}

# The EBS CSI driver creates volumes encrypted with the region's key (the
# StorageClass key or the account's EBS default): the EKS user guide's KMS
# statements for the driver with a customer managed key.
data "aws_iam_policy_document" "ebs_csi_kms" {
  statement {
    sid       = "GrantsForAttachedVolumes"
    actions   = ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"]
    resources = [var.kms_key_arn]

    condition {
      test     = "Bool"
      variable = "kms:GrantIsForAWSResource"
      values   = ["true"]
    }
  }

  statement {
    sid       = "UseKeyForVolumes"
    actions   = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"]
    resources = [var.kms_key_arn]
  }
}

resource "aws_iam_role_policy" "ebs_csi_kms" {
  name   = "encrypted-volumes"
  role   = aws_iam_role.irsa["ebs_csi"].id
  policy = data.aws_iam_policy_document.ebs_csi_kms.json
}

################################################################################
# Managed node group (IMDSv2, encrypted gp3 volumes, private subnets)
################################################################################

data "aws_iam_policy_document" "node_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "node" {
  name               = "${var.name}-node"
  assume_role_policy = data.aws_iam_policy_document.node_assume.json

  tags = var.tags
}

# The CNI policy lives on the vpc-cni IRSA role, not on the nodes.
resource "aws_iam_role_policy_attachment" "node" {
  for_each = toset(["AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryPullOnly", "AmazonSSMManagedInstanceCore"])

  role       = aws_iam_role.node.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/${each.value}"
}

resource "aws_launch_template" "node" {
  name_prefix            = "${var.name}-node-"
  update_default_version = true

  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1 # pods use IRSA, never the node role through IMDS
  }

  block_device_mappings {
    device_name = "/dev/xvda"

    ebs {
      volume_type           = "gp3"
      volume_size           = var.node_volume_size
      encrypted             = true
      kms_key_id            = var.kms_key_arn
      delete_on_termination = true
    }
  }

  tag_specifications {
    resource_type = "instance"
    tags          = merge(var.tags, { Name = "${var.name}-node" })
  }

  tags = var.tags
}

################################################################################
# Node updates: every node group runs the cluster's Kubernetes version and the
# EKS optimized AMI release AWS currently recommends for that version and AMI
# type (read from AWS's public SSM parameters), so a plan shows the node roll
# when the cluster version is bumped or AWS publishes a new AMI release;
# update_config replaces at most one node of a group at a time. A group listed
# in var.node_release_versions keeps the release given (the failover pins the
# running ones: a release AWS published since the last apply would otherwise
# roll every node in the middle of it).
################################################################################

locals {
  # The cluster autoscaler owns a running group's desired size (EKS's
  # NodegroupScalingConfig: do not change desiredSize under it). Given the
  # live sizes, an apply keeps them, clamped to the bounds configured now,
  # instead of scaling the groups back to their variables.
  node_size_bounds = merge(
    { default = { min = var.node_min_size, max = var.node_max_size } },
    { for k, g in var.node_groups : k => { min = g.min_size, max = g.max_size } },
  )
  node_desired_sizes = {
    for group, size in var.node_live_desired_sizes :
    group => min(max(size, local.node_size_bounds[group].min), local.node_size_bounds[group].max)
  }

  ami_parameter_paths = {
    AL2023_x86_64_STANDARD = "amazon-linux-2023/x86_64/standard"
    AL2023_ARM_64_STANDARD = "amazon-linux-2023/arm64/standard"
  }
  node_ami_types = toset(concat([var.node_ami_type], [for g in values(var.node_groups) : g.ami_type]))
}

data "aws_ssm_parameter" "node_release_version" {
  for_each = local.node_ami_types

  name = "/aws/service/eks/optimized-ami/${var.kubernetes_version}/${local.ami_parameter_paths[each.key]}/recommended/release_version"
}

resource "aws_eks_node_group" "this" {
  cluster_name    = aws_eks_cluster.this.name
  node_group_name = "${var.name}-default"
  node_role_arn   = aws_iam_role.node.arn
  subnet_ids      = var.subnet_ids
  instance_types  = var.node_instance_types
  ami_type        = var.node_ami_type
  capacity_type   = "ON_DEMAND"
  version         = aws_eks_cluster.this.version
  release_version = lookup(var.node_release_versions, "default", data.aws_ssm_parameter.node_release_version[var.node_ami_type].insecure_value)

  scaling_config {
    min_size     = var.node_min_size
    desired_size = lookup(local.node_desired_sizes, "default", var.node_desired_size)
    max_size     = var.node_max_size
  }

  update_config {
    max_unavailable = var.node_max_unavailable
  }

  launch_template {
    id      = aws_launch_template.node.id
    version = aws_launch_template.node.latest_version
  }

  tags = var.tags

  depends_on = [aws_iam_role_policy_attachment.node, aws_eks_addon.before_compute]
}

################################################################################
# Further managed node groups (var.node_groups): same node role, launch
# template and subnets as the default group; each with its own instance
# type, capacity, Kubernetes labels and taints (e.g. a tainted monitoring
# group that only pods tolerating the taint are scheduled on).
################################################################################

locals {
  taint_effects = {
    NoSchedule       = "NO_SCHEDULE"
    PreferNoSchedule = "PREFER_NO_SCHEDULE"
    NoExecute        = "NO_EXECUTE"
  }
}

resource "aws_eks_node_group" "additional" {
  for_each = var.node_groups

  cluster_name    = aws_eks_cluster.this.name
  node_group_name = "${var.name}-${each.key}"
  node_role_arn   = aws_iam_role.node.arn
  subnet_ids      = var.subnet_ids
  instance_types  = each.value.instance_types
  ami_type        = each.value.ami_type
  capacity_type   = "ON_DEMAND"
  version         = aws_eks_cluster.this.version
  release_version = lookup(var.node_release_versions, each.key, data.aws_ssm_parameter.node_release_version[each.value.ami_type].insecure_value)
  labels          = each.value.labels

  dynamic "taint" {
    for_each = each.value.taints

    content {
      key    = taint.value.key
      value  = taint.value.value
      effect = local.taint_effects[taint.value.effect]
    }
  }

  scaling_config {
    min_size     = each.value.min_size
    desired_size = lookup(local.node_desired_sizes, each.key, each.value.desired_size)
    max_size     = each.value.max_size
  }

  update_config {
    max_unavailable = var.node_max_unavailable
  }

  launch_template {
    id      = aws_launch_template.node.id
    version = aws_launch_template.node.latest_version
  }

  tags = var.tags

  depends_on = [aws_iam_role_policy_attachment.node, aws_eks_addon.before_compute]
}

################################################################################
# Cluster autoscaler auto-discovery on every node group's Auto Scaling group:
# the discovery tags (EKS sets them too; stated here so the autoscaler's IAM
# condition on them never depends on that), and the node-template tags of
# each group's labels and taints, so the autoscaler can scale a group up from
# zero nodes for a pod that needs its labels or tolerates its taints.
################################################################################

locals {
  node_group_asgs = merge(
    { default = aws_eks_node_group.this.resources[0].autoscaling_groups[0].name },
    { for k, g in aws_eks_node_group.additional : k => g.resources[0].autoscaling_groups[0].name },
  )

  autoscaler_tags = merge([
    for group, g in merge({ default = { labels = {}, taints = [] } }, var.node_groups) : merge(
      {
        "${group}/k8s.io/cluster-autoscaler/enabled"     = { group = group, key = "k8s.io/cluster-autoscaler/enabled", value = "true" }
        "${group}/k8s.io/cluster-autoscaler/${var.name}" = { group = group, key = "k8s.io/cluster-autoscaler/${var.name}", value = "owned" }
      },
      { for k, v in g.labels : "${group}/label/${k}" => { group = group, key = "k8s.io/cluster-autoscaler/node-template/label/${k}", value = v } },
      { for t in g.taints : "${group}/taint/${t.key}/${t.effect}" => { group = group, key = "k8s.io/cluster-autoscaler/node-template/taint/${t.key}", value = "${t.value == null ? "" : t.value}:${t.effect}" } },
    )
  ]...)
}

resource "aws_autoscaling_group_tag" "cluster_autoscaler" {
  for_each = local.autoscaler_tags

  autoscaling_group_name = local.node_group_asgs[each.value.group]

  tag {
    key                 = each.value.key
    value               = each.value.value
    propagate_at_launch = false
  }
}

################################################################################
# Core add-ons. The VPC CNI (with its IRSA role), kube-proxy and the Pod
# Identity agent come before the nodes, as terraform-aws-modules/eks does with
# `before_compute`: nodes become Ready only once the CNI can assign pod IPs,
# and the node role deliberately has no CNI policy. CoreDNS and the EBS CSI
# driver run as pods, so they follow the node group.
#
# The VPC CNI enforces Kubernetes NetworkPolicies (enableNetworkPolicy, VPC
# CNI 1.14 or later; the add-on's default version for every Kubernetes
# version acmegen offers is newer): its node agent turns each policy into
# eBPF filters on the pods' interfaces, so the default-deny policies of the
# application and Traefik namespaces take effect. Standard enforcement mode:
# pods no policy selects stay open, the node's own address (kubelet probes)
# is always admitted.
################################################################################

locals {
  addon_configuration = {
    vpc-cni = jsonencode({ enableNetworkPolicy = "true" })
  }
}

locals {
  addons_before_compute = {
    vpc-cni                = aws_iam_role.irsa["vpc_cni"].arn
    kube-proxy             = null
    eks-pod-identity-agent = null
  }

  addons_after_compute = {
    coredns            = null
    aws-ebs-csi-driver = aws_iam_role.irsa["ebs_csi"].arn
  }
}

resource "aws_eks_addon" "before_compute" {
  for_each = local.addons_before_compute

  cluster_name                = aws_eks_cluster.this.name
  addon_name                  = each.key
  service_account_role_arn    = each.value
  configuration_values        = lookup(local.addon_configuration, each.key, null)
  resolve_conflicts_on_create = "OVERWRITE"
  resolve_conflicts_on_update = "OVERWRITE"

  tags = var.tags

  depends_on = [aws_iam_role_policy_attachment.irsa]
}

resource "aws_eks_addon" "this" {
  for_each = local.addons_after_compute

  cluster_name                = aws_eks_cluster.this.name
  addon_name                  = each.key
  service_account_role_arn    = each.value
  resolve_conflicts_on_create = "OVERWRITE"
  resolve_conflicts_on_update = "OVERWRITE"

  tags = var.tags

  depends_on = [aws_eks_node_group.this, aws_eks_node_group.additional, aws_iam_role_policy.ebs_csi_kms]
}

################################################################################
# Load balancer targets: the Auto Scaling groups of the node groups that
# serve ingress (the default group, and further groups with ingress = true)
# register their instances with each target group (instance targets on a
# NodePort), and the load balancers reach that port through the cluster
# security group. Dedicated groups (monitoring) stay out of the target groups.
################################################################################

locals {
  ingress_groups = concat(["default"], sort([for k, g in var.node_groups : k if g.ingress]))

  ingress_attachments = {
    for pair in setproduct(local.ingress_groups, range(length(var.target_group_arns))) :
    "${pair[0]}/${pair[1]}" => { group = pair[0], target_group_arn = var.target_group_arns[pair[1]] }
  }
}

resource "aws_autoscaling_attachment" "this" {
  #checkov:skip=CKV2_AWS_15:EKS owns the node group's Auto Scaling group (EC2 health checks); replacing nodes on a failed load balancer check would recycle nodes for one application's fault
  count = length(var.target_group_arns)

  autoscaling_group_name = aws_eks_node_group.this.resources[0].autoscaling_groups[0].name
  lb_target_group_arn    = var.target_group_arns[count.index]
}

resource "aws_autoscaling_attachment" "additional" {
  #checkov:skip=CKV2_AWS_15:EKS owns the node group's Auto Scaling group (EC2 health checks); replacing nodes on a failed load balancer check would recycle nodes for one application's fault
  for_each = { for k, v in local.ingress_attachments : k => v if v.group != "default" }

  autoscaling_group_name = local.node_group_asgs[each.value.group]
  lb_target_group_arn    = each.value.target_group_arn
}

resource "aws_vpc_security_group_ingress_rule" "node_port" {
  count = length(var.node_port_sources)

  security_group_id            = aws_eks_cluster.this.vpc_config[0].cluster_security_group_id
  description                  = "NodePort ${var.node_port_sources[count.index].port} from a load balancer"
  ip_protocol                  = "tcp"
  from_port                    = var.node_port_sources[count.index].port
  to_port                      = var.node_port_sources[count.index].port
  referenced_security_group_id = var.node_port_sources[count.index].security_group_id
}
