provider "aws" {
  region = var.region

  default_tags {
    tags = local.tags
  }
}

# The DR region (us-west-2), home of the inventory's fact store.
provider "aws" {
  alias  = "dr"
  region = "us-west-2"

  default_tags {
    tags = local.tags
  }
}
