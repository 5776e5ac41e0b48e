################################################################################
# PostgreSQL on Kubernetes: Zalando's postgres-operator plus one `postgresql`
# cluster (one master, N streaming replicas) whose WAL and base backups go to
# S3 with WAL-G, through an IRSA role scoped to the cluster's prefix of the
# bucket and to the bucket's KMS key.
#
# Chart catalogue: postgres-operator 2.0.1 (2026-07-29), the newest release in
# https://opensource.zalando.com/postgres-operator/charts/postgres-operator,
# checked 2026-11-26 (the default of chart_version); its CRDs ship in the
# chart's crds/ directory, so Helm installs them before the cluster chart.
#
# Backup layout: s3://<bucket>/spilo/<name>/<region>/wal/<version>/ (the
# operator's per-UID suffix is replaced by the region, so the path is known
# before the cluster exists and each region archives under its own prefix).
# DR: with standby = true the cluster starts as a standby that restores and
# then follows the WAL archive of standby_source_region, read from this
# region's bucket (the replica of the primary's bucket). Promotion: set
# standby = false and apply; the operator removes the STANDBY_* settings and
# Patroni promotes the standby leader, which then archives under its own prefix.
################################################################################

data "aws_partition" "current" {}

locals {
  bucket_arn  = "arn:${local.partition}:s3:::${var.backup_bucket}"
  scope       = "spilo/${var.name}"
  own_prefix  = "${local.scope}/${var.region}"
  wal_path    = "s3://${var.backup_bucket}/${local.own_prefix}/wal/${var.postgres_version}"
  source_path = var.standby ? "s3://${var.backup_bucket}/${local.scope}/${var.standby_source_region}/wal/${var.postgres_version}" : null
  oidc_issuer = replace(var.oidc_provider_arn, "/^arn:[^:]+:iam::[0-9]+:oidc-provider\\//", "")
  partition   = data.aws_partition.current.partition

  # The service account the operator creates for the database pods, in the
  # cluster's namespace.
  pod_service_account = "postgres-pod"
}

################################################################################
# IRSA role of the database pods
################################################################################

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = [var.oidc_provider_arn]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.oidc_issuer}:sub"
      values   = ["system:serviceaccount:${var.namespace}:${local.pod_service_account}"]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.oidc_issuer}:aud"
      values   = ["sts.amazonaws.com"]
    }
  }
}

data "aws_iam_policy_document" "backups" {
  statement {
    sid       = "ListTheClusterPrefix"
    actions   = ["s3:ListBucket"]
    resources = [local.bucket_arn]

    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = [local.scope, "${local.scope}/*"]
    }
  }

  statement {
    sid       = "LocateTheBucket"
    actions   = ["s3:GetBucketLocation"]
    resources = [local.bucket_arn]
  }

  # Every region's archive of this cluster: a standby restores from the
  # primary region's prefix (replicated into this bucket).
  statement {
    sid       = "ReadTheClusterArchives"
    actions   = ["s3:GetObject"]
    resources = ["${local.bucket_arn}/${local.scope}/*"]
  }

  # Archive and prune (BACKUP_NUM_TO_RETAIN) under this region's prefix only.
  statement {
    sid       = "WriteThisRegionsArchive"
    actions   = ["s3:PutObject", "s3:DeleteObject"]
    resources = ["${local.bucket_arn}/${local.own_prefix}/*"]
  }

  statement {
    sid       = "BucketKeyThroughS3"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [var.kms_key_arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["s3.${var.region}.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "pods" {
  name               = "${var.cluster_name}-${var.name}-postgres"
  description        = "IRSA role of the PostgreSQL pods of ${var.namespace}/${var.name}: WAL-G backups in s3://${var.backup_bucket}/${local.scope}/"
  assume_role_policy = data.aws_iam_policy_document.assume.json

  tags = var.tags
}

resource "aws_iam_role_policy" "backups" {
  name   = "wal-g-backups"
  role   = aws_iam_role.pods.id
  policy = data.aws_iam_policy_document.backups.json
}

################################################################################
# Operator
################################################################################

resource "helm_release" "operator" {
  name             = "postgres-operator"
  namespace        = var.operator_namespace
  create_namespace = true
  repository       = "https://opensource.zalando.com/postgres-operator/charts/postgres-operator"
  chart            = "postgres-operator"
  version          = var.chart_version
  wait             = true # the operator must run before the cluster resource is created

  values = [yamlencode({
    podServiceAccount = { name = local.pod_service_account }
    configKubernetes = {
      enable_pod_antiaffinity                      = true
      pod_antiaffinity_preferred_during_scheduling = true
      pod_antiaffinity_topology_key                = "topology.kubernetes.io/zone"
      enable_pod_disruption_budget                 = true
    }
    configAwsOrGcp = {
      aws_region    = var.region
      wal_s3_bucket = var.backup_bucket
      irsa_role_arn = aws_iam_role.pods.arn
    }
  })]

  depends_on = [aws_iam_role_policy.backups]
}

################################################################################
# The `postgresql` cluster (local chart)
################################################################################

resource "helm_release" "cluster" {
  name             = var.name
  namespace        = var.namespace
  create_namespace = true
  chart            = "${path.module}/../../charts/postgres-cluster"

  values = [yamlencode({
    name              = var.name
    teamId            = var.team_id
    numberOfInstances = 1 + var.replicas
    postgresVersion   = var.postgres_version
    volume = {
      size         = "${var.volume_size_gb}Gi"
      storageClass = coalesce(var.storage_class, "${var.name}-gp3-kms")
      encryptedStorageClass = {
        create   = var.storage_class == null
        kmsKeyId = var.kms_key_arn
      }
    }
    resources = var.resources
    users     = var.users
    databases = var.databases
    standby   = { s3WalPath = local.source_path }
    operatorNetworkPolicy = {
      namespace = var.network_policy == null ? "" : var.operator_namespace
      apiServerCIDRs = var.network_policy == null ? [] : concat(
        [var.network_policy.vpc_cidr],
        var.network_policy.service_cidr == null ? [] : ["${cidrhost(var.network_policy.service_cidr, 1)}/32"],
      )
    }
    # Cluster-level variables win over the operator's: WAL-G (the only tool
    # of the image that uses IRSA) for backup and restore, SSE-KMS with the
    # bucket's key, and the region as the archive's suffix.
    env = concat([
      { name = "USE_WALG_BACKUP", value = "true" },
      { name = "USE_WALG_RESTORE", value = "true" },
      { name = "WALG_S3_SSE", value = "aws:kms" },
      { name = "WALG_S3_SSE_KMS_ID", value = var.kms_key_arn },
      { name = "WAL_BUCKET_SCOPE_SUFFIX", value = "/${var.region}" },
      { name = "BACKUP_SCHEDULE", value = var.backup_schedule },
      { name = "BACKUP_NUM_TO_RETAIN", value = tostring(var.backups_to_retain) },
      ], var.standby ? [
      { name = "STANDBY_AWS_REGION", value = var.region },
    ] : [])
  })]

  depends_on = [helm_release.operator]
}
