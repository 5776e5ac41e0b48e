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

# The DR region (us-west-1), home of the inventory's fact store.
provider "aws" {
  alias  = "dr"
  region = "us-west-1"

  default_tags {
    tags = local.tags
  }
}

provider "helm" {
  alias = "monitoring"

  kubernetes = {
    host                   = module.monitoring.cluster_endpoint
    cluster_ca_certificate = base64decode(module.monitoring.cluster_certificate_authority_data)

    exec = {
      api_version = "client.authentication.k8s.io/v1beta1"
      command     = "aws"
      args        = ["eks", "get-token", "--cluster-name", module.monitoring.cluster_name, "--region", var.region]
    }
  }
}
