################################################################################
# Prometheus and Grafana (kube-prometheus-stack)
#
# Chart catalogue: kube-prometheus-stack 88.5.3 (Prometheus Operator v0.93.1,
# 2026-08-21), the newest release in https://prometheus-community.github.io/helm-charts,
# checked 2026-11-26 (the default of chart_version).
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

  datasources = concat(
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
resource "random_password" "grafana_admin" {
  length  = 32
  special = false
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
    prometheus = {
      prometheusSpec = merge(local.placement, {
        retention = "${var.retention_days}d"
        storageSpec = {
          volumeClaimTemplate = {
            spec = {
              storageClassName = var.storage_class
              accessModes      = ["ReadWriteOnce"]
              resources        = { requests = { storage = "${var.storage_gb}Gi" } }
            }
          }
        }
      })
    }
    alertmanager = merge(local.alertmanager_config, {
      alertmanagerSpec = local.placement
      serviceAccount = {
        name        = local.sns_alerts ? "${var.name}-alertmanager" : ""
        annotations = local.sns_alerts ? { "eks.amazonaws.com/role-arn" = one(aws_iam_role.alertmanager[*].arn) } : {}
      }
    })
    grafana = merge(local.placement, {
      persistence = {
        enabled          = true
        storageClassName = var.storage_class
      }
      additionalDataSources = local.datasources
      serviceAccount = {
        name        = var.cloudwatch_data_source ? "${var.name}-grafana" : ""
        annotations = var.cloudwatch_data_source ? { "eks.amazonaws.com/role-arn" = one(aws_iam_role.grafana[*].arn) } : {}
      }
    })
    prometheusOperator = merge(local.placement, {
      admissionWebhooks = { patch = local.placement }
    })
    kube-state-metrics = local.placement
  })]

  set_sensitive = [
    {
      name  = "grafana.adminPassword"
      value = random_password.grafana_admin.result
    },
  ]
}

################################################################################
# IRSA (optional): Grafana reads CloudWatch, Alertmanager publishes to the
# alert SNS topic. Only created when those features are on, so the module
# needs no AWS provider configuration otherwise.
################################################################################

locals {
  irsa_enabled = var.cloudwatch_data_source || local.sns_alerts
  oidc_issuer  = local.irsa_enabled ? replace(var.oidc_provider_arn, "/^arn:[^:]+:iam::[0-9]+:oidc-provider\\//", "") : null
  partition    = one(data.aws_partition.current[*].partition)
  account_id   = one(data.aws_caller_identity.current[*].account_id)
}

data "aws_partition" "current" {
  count = local.irsa_enabled ? 1 : 0
}

data "aws_caller_identity" "current" {
  count = local.irsa_enabled ? 1 : 0
}

data "aws_iam_policy_document" "assume" {
  for_each = toset(concat(var.cloudwatch_data_source ? ["grafana"] : [], local.sns_alerts ? ["alertmanager"] : []))

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
  count = var.cloudwatch_data_source ? 1 : 0

  # Metric reads, tag and region lookups support no resource-level permissions.
  statement {
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

  statement {
    sid       = "ReadAlarms"
    actions   = ["cloudwatch:DescribeAlarmHistory", "cloudwatch:DescribeAlarms"]
    resources = ["arn:${local.partition}:cloudwatch:${var.region}:${local.account_id}:alarm:*"]
  }

  statement {
    sid       = "QueryLogsOfThisRegion"
    actions   = ["logs:GetLogEvents", "logs:GetLogGroupFields", "logs:GetQueryResults", "logs:StartQuery"]
    resources = ["arn:${local.partition}:logs:${var.region}:${local.account_id}:log-group:*"]
  }
}

resource "aws_iam_role" "grafana" {
  count = var.cloudwatch_data_source ? 1 : 0

  name               = "${var.cluster_name}-${var.name}-grafana"
  description        = "IRSA role of Grafana (${var.namespace}/${var.name}-grafana): reads CloudWatch in ${var.region}"
  assume_role_policy = data.aws_iam_policy_document.assume["grafana"].json

  tags = var.tags
}

resource "aws_iam_role_policy" "grafana" {
  count = var.cloudwatch_data_source ? 1 : 0

  name   = "cloudwatch-read"
  role   = aws_iam_role.grafana[0].id
  policy = data.aws_iam_policy_document.grafana[0].json
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
