# State lives in a bucket in this root's own region (us-west-1), so the
# dr root can be planned and applied without the other region.
terraform {
  backend "s3" {
    bucket       = "acme-vm-tfstate-us-west-1"
    key          = "acme-vm/dr/terraform.tfstate"
    region       = "us-west-1"
    encrypt      = true
    use_lockfile = true
  }
}
