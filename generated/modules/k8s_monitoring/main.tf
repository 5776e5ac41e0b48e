################################################################################
# Prometheus and Grafana (kube-prometheus-stack)
################################################################################

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
      prometheusSpec = {
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
      }
    }
    grafana = {
      persistence = {
        enabled          = true
        storageClassName = var.storage_class
      }
    }
  })]

  set_sensitive = [
    {
      name  = "grafana.adminPassword"
      value = random_password.grafana_admin.result
    },
  ]
}
