provider "aws" {
  alias  = "primary"
  region = "eu-west-3"

  default_tags {
    tags = local.tags
  }
}

provider "aws" {
  alias  = "dr"
  region = "eu-central-1"

  default_tags {
    tags = local.tags
  }
}
