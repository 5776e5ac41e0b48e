# State lives in a bucket in this root's own region (us-east-1), so the
# primary root can be planned and applied without the other region.
terraform {
  backend "s3" {
    bucket       = "acme-multiregion-tfstate-us-east-1"
    key          = "acme-multiregion/primary/terraform.tfstate"
    region       = "us-east-1"
    encrypt      = true
    use_lockfile = true
  }
}
