provider "aws" {
  alias  = "primary"
  region = "us-east-2"

  default_tags {
    tags = local.tags
  }
}

provider "aws" {
  alias  = "dr"
  region = "us-west-1"

  default_tags {
    tags = local.tags
  }
}
