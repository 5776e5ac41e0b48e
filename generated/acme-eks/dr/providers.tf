provider "aws" {
  region = var.region

  default_tags {
    tags = local.tags
  }
}

provider "helm" {
  alias = "apps"

  kubernetes = {
    host                   = module.apps.cluster_endpoint
    cluster_ca_certificate = base64decode(module.apps.cluster_certificate_authority_data)

    exec = {
      api_version = "client.authentication.k8s.io/v1beta1"
      command     = "aws"
      args        = ["eks", "get-token", "--cluster-name", module.apps.cluster_name, "--region", var.region]
    }
  }
}
