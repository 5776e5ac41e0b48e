provider "aws" {
  region = var.region

  default_tags {
    tags = local.tags
  }

  # The failback tags its own copy of a database with this key (RUNBOOK.md):
  # the apply that adopts the copy keeps it, so the failback's steps run
  # again still know the copy as theirs.
  ignore_tags {
    keys = ["acmegen-failback-of"]
  }
}

provider "helm" {
  alias = "platform"

  kubernetes = {
    host                   = module.platform.cluster_endpoint
    cluster_ca_certificate = base64decode(module.platform.cluster_certificate_authority_data)

    exec = {
      api_version = "client.authentication.k8s.io/v1beta1"
      command     = "aws"
      args        = ["eks", "get-token", "--cluster-name", module.platform.cluster_name, "--region", var.region]
    }
  }
}
