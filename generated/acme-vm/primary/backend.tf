# State lives in a bucket in this root's own region (us-east-2), so the
# primary root can be planned and applied without the other region.
terraform {
  backend "s3" {
    bucket       = "acme-vm-tfstate-us-east-2"
    key          = "acme-vm/primary/terraform.tfstate"
    region       = "us-east-2"
    encrypt      = true
    use_lockfile = true
  }
}
