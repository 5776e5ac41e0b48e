# State lives in a bucket in this root's own region (us-west-2), so the
# dr root can be planned and applied without the other region.
terraform {
  backend "s3" {
    bucket       = "acme-eks-tfstate-us-west-2"
    key          = "acme-eks/dr/terraform.tfstate"
    region       = "us-west-2"
    encrypt      = true
    use_lockfile = true
  }
}
