# State lives in a bucket in this root's own region (eu-west-3), so the
# primary root can be planned and applied without the other region.
terraform {
  backend "s3" {
    bucket       = "acme-traefik-tfstate-eu-west-3"
    key          = "acme-traefik/primary/terraform.tfstate"
    region       = "eu-west-3"
    encrypt      = true
    use_lockfile = true
  }
}
