################################################################################
# Prometheus and Grafana (kube-prometheus-stack)
#
# Chart: kube-prometheus-stack 77.0.0, the default of chart_version and of
# the k8s_monitoring kind (an inventory's chart_version overrides it). The
# newest release in https://prometheus-community.github.io/helm-charts, checked
# 2026-11-26, is 88.5.3 (Prometheus Operator v0.93.1, 2026-08-21): a major
# upgrade, whose CRDs Helm does not update (the chart's README lists the
# `kubectl apply --server-side` of each major's CRDs), so it is an inventory's
# choice, made after applying them, not a default that moves. Grafana plugin
# grafana-amazonprometheus-datasource: newest release 3.3.5, checked
# 2026-11-26 on grafana.com; unpinned by default (amp_plugin_version = null),
# so Grafana's installer picks the newest release compatible with the chart's
# Grafana (each plugin release supports only some Grafana minors).
#
# Both regions in every Grafana (managed_prometheus): each region's
# Prometheus remote-writes into an Amazon Managed Service for Prometheus
# workspace of its own region (KMS-encrypted, logged), and each region's
# Grafana queries both workspaces with SigV4 through its IRSA role: its own
# region's workspace, and the other region's (peer_prometheus, published by
# the other root in the fact store, which lives in the DR region). Nothing
# the DR Grafana needs lives in the primary region: with the primary region
# lost, the DR Grafana keeps its local Prometheus and its own workspace, and
# the primary's data source merely fails its queries. No Prometheus is
# exposed on the network (no load balancer, nothing across the peering, no
# unauthenticated endpoint): every cross-region query is an IAM-signed AWS
# API call. With the primary's cluster lost but its region up, its history
# stays queryable in its workspace.
#
# VM instances of the region (ec2_scrape_targets): Prometheus discovers them
# through EC2 service discovery by the tag the vm module gives its instances
# (IRSA role: ec2:DescribeInstances and ec2:DescribeAvailabilityZones in this
# region) and scrapes their node_exporter on the private IP; the instances'
# security group admits the exporter port from this cluster's nodes only.
#
# Volumes: Prometheus's and Grafana's are gp3, encrypted with the region's
# key (kms_key_arn, which the cluster's EBS CSI driver may use) through a
# StorageClass of the stack's own, whatever the account's EBS default
# encryption says: off, it would leave them unencrypted; another stack's
# key, the driver could not use.
#
# Secrets: the Grafana admin password never passes through Terraform. The
# chart generates it into its Secret on the first install and keeps it on
# every upgrade (it reads the Secret back); kube-prometheus-stack's default
# ("prom-operator") is cleared for that. Data sources authenticate with
# IRSA, so no AWS key is anywhere.
################################################################################

locals {
  # Monitoring pods go to the dedicated node group (label role=monitoring,
  # taint dedicated=monitoring:NoSchedule by default): they tolerate its
  # taint, and either require its label or prefer it (so a cluster without
  # such a node group still schedules them).
  tolerations = [for t in var.tolerations : { for k, v in t : k => v if v != null }]
  placement = {
    nodeSelector = var.require_dedicated_nodes ? var.node_selector : {}
    tolerations  = local.tolerations
    affinity = var.require_dedicated_nodes || length(var.node_selector) == 0 ? {} : {
      nodeAffinity = {
        preferredDuringSchedulingIgnoredDuringExecution = [{
          weight     = 100
          preference = { matchExpressions = [for k, v in var.node_selector : { key = k, operator = "In", values = [v] }] }
        }]
      }
    }
  }

  sns_alerts = var.send_alerts_to_sns

  # Amazon Managed Service for Prometheus workspaces Grafana queries: this
  # region's, then the other region's once it is known.
  workspace_arn = one(aws_prometheus_workspace.this[*].arn)
  # The other region, read from its workspace ARN (arn:<partition>:aps:<region>:…).
  peer_region = var.peer_prometheus == null ? null : split(":", var.peer_prometheus.workspace_arn)[3]
  amp_workspaces = var.managed_prometheus ? concat(
    [{ name = "Prometheus ${var.region} (managed)", region = var.region, endpoint = one(aws_prometheus_workspace.this[*].prometheus_endpoint) }],
    var.peer_prometheus == null ? [] : [{ name = "Prometheus ${local.peer_region} (managed)", region = local.peer_region, endpoint = var.peer_prometheus.endpoint }],
  ) : []

  datasources = concat(
    [for ws in local.amp_workspaces : {
      name     = ws.name
      type     = "grafana-amazonprometheus-datasource"
      access   = "proxy"
      url      = ws.endpoint
      editable = false
      jsonData = { httpMethod = "POST", sigV4Auth = true, sigV4AuthType = "default", sigV4Region = ws.region }
    }],
    [for ds in var.additional_prometheus_data_sources : {
      name     = ds.name
      type     = "prometheus"
      access   = "proxy"
      url      = ds.url
      editable = false
      jsonData = { httpMethod = "POST" }
    }],
    var.cloudwatch_data_source ? [{
      name     = "CloudWatch"
      type     = "cloudwatch"
      access   = "proxy"
      editable = false
      jsonData = { authType = "default", defaultRegion = var.region }
    }] : [],
  )

  alertmanager_config = local.sns_alerts ? {
    config = {
      route = {
        receiver        = "sns"
        group_by        = ["namespace", "alertname"]
        group_wait      = "30s"
        group_interval  = "5m"
        repeat_interval = "12h"
        routes = [
          { receiver = "null", matchers = ["alertname = \"Watchdog\""] },
          { receiver = "null", matchers = ["alertname = \"InfoInhibitor\""] },
        ]
      }
      receivers = [
        { name = "null" },
        {
          name = "sns"
          sns_configs = [{
            topic_arn     = var.alert_sns_topic_arn
            sigv4         = { region = var.region }
            send_resolved = true
          }]
        },
      ]
    }
  } : {}
}

# Kept in the (encrypted) state and handed to the chart as a sensitive value;
# read it with: kubectl -n monitoring get secret <release>-grafana -o jsonpath='{.data.admin-password}'
locals {
  # Only with managed_prometheus: Prometheus writes into this region's
  # workspace as its own service account (IRSA), and Grafana gets the plugin
  # of the managed data sources; otherwise the chart's defaults stay.
  prometheus_service_account = local.prometheus_irsa ? {
    serviceAccount = {
      name        = "${var.name}-prometheus"
      annotations = { "eks.amazonaws.com/role-arn" = one(aws_iam_role.prometheus[*].arn) }
    }
  } : {}

  remote_write = var.managed_prometheus ? {
    remoteWrite = [{
      url   = "${one(aws_prometheus_workspace.this[*].prometheus_endpoint)}api/v1/remote_write"
      sigv4 = { region = var.region }
    }]
  } : {}

  # EC2 service discovery of the region's instances running node_exporter:
  # one job per group of instances, found by the tag they carry (running
  # instances only), scraped on their private IP (the VPC's address; never
  # the public one).
  ec2_scrape_configs = length(var.ec2_scrape_targets) == 0 ? {} : {
    additionalScrapeConfigs = [for t in var.ec2_scrape_targets : {
      job_name = t.job
      ec2_sd_configs = [{
        region = var.region
        port   = t.port
        filters = [
          { name = "tag:${t.tag_key}", values = [t.tag_value] },
          { name = "instance-state-name", values = ["running"] },
        ]
      }]
      relabel_configs = [
        {
          source_labels = ["__meta_ec2_private_ip"]
          regex         = "(.+)"
          target_label  = "__address__"
          replacement   = "$${1}:${t.port}"
        },
        { source_labels = ["__meta_ec2_tag_Name"], target_label = "instance" },
        { source_labels = ["__meta_ec2_instance_id"], target_label = "instance_id" },
        { source_labels = ["__meta_ec2_availability_zone"], target_label = "availability_zone" },
      ]
    }]
  }

  amp_plugin      = var.amp_plugin_version == null ? "grafana-amazonprometheus-datasource" : "grafana-amazonprometheus-datasource ${var.amp_plugin_version}"
  grafana_plugins = var.managed_prometheus ? { plugins = [local.amp_plugin] } : {}
}

locals {
  storage_class = coalesce(var.storage_class, "${var.name}-encrypted")
}

resource "helm_release" "storage_class" {
  count = var.storage_class == null ? 1 : 0

  name             = "${var.name}-storage"
  namespace        = var.namespace
  create_namespace = true
  chart            = "${path.module}/../../charts/encrypted-storage-class"

  values = [yamlencode({
    name     = local.storage_class
    kmsKeyId = var.kms_key_arn
  })]
}

resource "helm_release" "this" {
  name             = var.name
  namespace        = var.namespace
  create_namespace = true
  repository       = "https://prometheus-community.github.io/helm-charts"
  chart            = "kube-prometheus-stack"
  version          = var.chart_version
  timeout          = 900

  values = [yamlencode({
    prometheus = merge(local.prometheus_service_account, {
      prometheusSpec = merge(local.placement, local.remote_write, local.ec2_scrape_configs, {
        retention = "${var.retention_days}d"
        storageSpec = {
          volumeClaimTemplate = {
            spec = {
              storageClassName = local.storage_class
              accessModes      = ["ReadWriteOnce"]
              resources        = { requests = { storage = "${var.storage_gb}Gi" } }
            }
          }
        }
      })
    })
    alertmanager = merge(local.alertmanager_config, {
      alertmanagerSpec = local.placement
      serviceAccount = {
        name        = local.sns_alerts ? "${var.name}-alertmanager" : ""
        annotations = local.sns_alerts ? { "eks.amazonaws.com/role-arn" = one(aws_iam_role.alertmanager[*].arn) } : {}
      }
    })
    grafana = merge(local.placement, local.grafana_plugins, {
      adminPassword = ""
      # A StatefulSet's claim, not the chart's standalone one: a stack
      # installed when Grafana's claim was on another class gets a new claim
      # (the old one goes with the chart's Deployment) instead of an update
      # the API refuses (a bound claim's class cannot change).
      persistence = {
        enabled          = true
        type             = "statefulset"
        storageClassName = local.storage_class
      }
      additionalDataSources = local.datasources
      serviceAccount = {
        name        = local.grafana_irsa ? "${var.name}-grafana" : ""
        annotations = local.grafana_irsa ? { "eks.amazonaws.com/role-arn" = one(aws_iam_role.grafana[*].arn) } : {}
      }
    })
    prometheusOperator = merge(local.placement, {
      admissionWebhooks = { patch = local.placement }
    })
    kube-state-metrics = local.placement
  })]

  depends_on = [helm_release.storage_class]
}

################################################################################
# Amazon Managed Service for Prometheus workspace of this region (optional):
# encrypted with the region's key, its logs in an encrypted log group.
################################################################################

resource "aws_cloudwatch_log_group" "workspace" {
  count = var.managed_prometheus ? 1 : 0

  name              = "/aws/prometheus/${var.cluster_name}-${var.name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn

  tags = var.tags
}

resource "aws_prometheus_workspace" "this" {
  count = var.managed_prometheus ? 1 : 0

  alias       = "${var.cluster_name}-${var.name}"
  kms_key_arn = var.kms_key_arn

  logging_configuration {
    log_group_arn = "${aws_cloudwatch_log_group.workspace[0].arn}:*"
  }

  tags = var.tags
}

################################################################################
# IRSA (optional): Grafana reads CloudWatch and queries the managed
# Prometheus workspaces, Prometheus writes into this region's workspace,
# Alertmanager publishes to the alert SNS topic. Only created when those
# features are on, so the module needs no AWS provider configuration otherwise.
################################################################################

locals {
  grafana_irsa    = var.cloudwatch_data_source || var.managed_prometheus
  prometheus_irsa = var.managed_prometheus || length(var.ec2_scrape_targets) > 0
  irsa_enabled    = local.grafana_irsa || local.sns_alerts || local.prometheus_irsa
  prometheus_role_does = join(" and ", concat(
    var.managed_prometheus ? ["remote-writes into the managed Prometheus workspace"] : [],
    length(var.ec2_scrape_targets) > 0 ? ["discovers the EC2 instances it scrapes"] : [],
  ))
  oidc_issuer = local.irsa_enabled ? replace(var.oidc_provider_arn, "/^arn:[^:]+:iam::[0-9]+:oidc-provider\\//", "") : null
  partition   = one(data.aws_partition.current[*].partition)
  account_id  = one(data.aws_caller_identity.current[*].account_id)
}

data "aws_partition" "current" {
  count = local.irsa_enabled ? 1 : 0
}

data "aws_caller_identity" "current" {
  count = local.irsa_enabled ? 1 : 0
}

data "aws_iam_policy_document" "assume" {
  for_each = toset(concat(
    local.grafana_irsa ? ["grafana"] : [],
    local.sns_alerts ? ["alertmanager"] : [],
    local.prometheus_irsa ? ["prometheus"] : [],
  ))

  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = [var.oidc_provider_arn]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.oidc_issuer}:sub"
      values   = ["system:serviceaccount:${var.namespace}:${var.name}-${each.key}"]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.oidc_issuer}:aud"
      values   = ["sts.amazonaws.com"]
    }
  }
}

data "aws_iam_policy_document" "grafana" {
  count = local.grafana_irsa ? 1 : 0

  # Metric reads, tag and region lookups support no resource-level permissions.
  dynamic "statement" {
    for_each = var.cloudwatch_data_source ? [1] : []

    content {
      sid = "ReadMetrics"
      actions = [
        "cloudwatch:DescribeAlarmsForMetric",
        "cloudwatch:GetMetricData",
        "cloudwatch:ListMetrics",
        "ec2:DescribeInstances",
        "ec2:DescribeRegions",
        "ec2:DescribeTags",
        "logs:DescribeLogGroups",
        "logs:StopQuery",
        "tag:GetResources",
      ]
      resources = ["*"]
    }
  }

  dynamic "statement" {
    for_each = var.cloudwatch_data_source ? [1] : []

    content {
      sid       = "ReadAlarms"
      actions   = ["cloudwatch:DescribeAlarmHistory", "cloudwatch:DescribeAlarms"]
      resources = ["arn:${local.partition}:cloudwatch:${var.region}:${local.account_id}:alarm:*"]
    }
  }

  dynamic "statement" {
    for_each = var.cloudwatch_data_source ? [1] : []

    content {
      sid       = "QueryLogsOfThisRegion"
      actions   = ["logs:GetLogEvents", "logs:GetLogGroupFields", "logs:GetQueryResults", "logs:StartQuery"]
      resources = ["arn:${local.partition}:logs:${var.region}:${local.account_id}:log-group:*"]
    }
  }

  # Read-only queries of both regions' managed Prometheus workspaces.
  dynamic "statement" {
    for_each = var.managed_prometheus ? [1] : []

    content {
      sid       = "QueryThisRegionsWorkspace"
      actions   = ["aps:GetLabels", "aps:GetMetricMetadata", "aps:GetSeries", "aps:QueryMetrics"]
      resources = [local.workspace_arn]
    }
  }

  dynamic "statement" {
    for_each = var.managed_prometheus && var.peer_prometheus != null ? [var.peer_prometheus.workspace_arn] : []

    content {
      sid       = "QueryTheOtherRegionsWorkspace"
      actions   = ["aps:GetLabels", "aps:GetMetricMetadata", "aps:GetSeries", "aps:QueryMetrics"]
      resources = [statement.value]
    }
  }
}

resource "aws_iam_role" "grafana" {
  count = local.grafana_irsa ? 1 : 0

  name               = "${var.cluster_name}-${var.name}-grafana"
  description        = "IRSA role of Grafana (${var.namespace}/${var.name}-grafana): reads CloudWatch and managed Prometheus from ${var.region}"
  assume_role_policy = data.aws_iam_policy_document.assume["grafana"].json

  tags = var.tags
}

resource "aws_iam_role_policy" "grafana" {
  count = local.grafana_irsa ? 1 : 0

  name   = "data-sources-read"
  role   = aws_iam_role.grafana[0].id
  policy = data.aws_iam_policy_document.grafana[0].json
}

data "aws_iam_policy_document" "prometheus" {
  count = local.prometheus_irsa ? 1 : 0

  dynamic "statement" {
    for_each = var.managed_prometheus ? [1] : []

    content {
      sid       = "RemoteWriteToThisRegionsWorkspace"
      actions   = ["aps:RemoteWrite"]
      resources = [local.workspace_arn]
    }
  }

  # EC2 service discovery lists the region's instances (and their zones for
  # the zone-ID label); these Describe calls support no resource-level
  # permissions, so they are limited to this region by condition.
  dynamic "statement" {
    for_each = length(var.ec2_scrape_targets) > 0 ? [1] : []

    content {
      sid       = "DiscoverInstancesOfThisRegion"
      actions   = ["ec2:DescribeAvailabilityZones", "ec2:DescribeInstances"]
      resources = ["*"]

      condition {
        test     = "StringEquals"
        variable = "aws:RequestedRegion"
        values   = [var.region]
      }
    }
  }
}

resource "aws_iam_role" "prometheus" {
  count = local.prometheus_irsa ? 1 : 0

  name               = "${var.cluster_name}-${var.name}-prometheus"
  description        = "IRSA role of Prometheus (${var.namespace}/${var.name}-prometheus): ${local.prometheus_role_does} in ${var.region}"
  assume_role_policy = data.aws_iam_policy_document.assume["prometheus"].json

  tags = var.tags
}

resource "aws_iam_role_policy" "prometheus" {
  count = local.prometheus_irsa ? 1 : 0

  name   = "prometheus"
  role   = aws_iam_role.prometheus[0].id
  policy = data.aws_iam_policy_document.prometheus[0].json
}

data "aws_iam_policy_document" "alertmanager" {
  count = local.sns_alerts ? 1 : 0

  statement {
    sid       = "PublishAlerts"
    actions   = ["sns:Publish"]
    resources = [var.alert_sns_topic_arn]
  }

  # The alert topic is KMS-encrypted: publishing needs its key, through SNS only.
  dynamic "statement" {
    for_each = var.alert_sns_kms_key_arn == null ? [] : [var.alert_sns_kms_key_arn]

    content {
      sid       = "EncryptForTheTopic"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey*"]
      resources = [statement.value]

      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["sns.${var.region}.amazonaws.com"]
      }
    }
  }
}

resource "aws_iam_role" "alertmanager" {
  count = local.sns_alerts ? 1 : 0

  name               = "${var.cluster_name}-${var.name}-alertmanager"
  description        = "IRSA role of Alertmanager (${var.namespace}/${var.name}-alertmanager): publishes alerts to SNS"
  assume_role_policy = data.aws_iam_policy_document.assume["alertmanager"].json

  tags = var.tags
}

resource "aws_iam_role_policy" "alertmanager" {
  count = local.sns_alerts ? 1 : 0

  name   = "sns-publish"
  role   = aws_iam_role.alertmanager[0].id
  policy = data.aws_iam_policy_document.alertmanager[0].json
}
