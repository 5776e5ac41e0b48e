# State lives in a bucket in this root's own region (eu-central-1), so the
# dr root can be planned and applied without the other region.
terraform {
  backend "s3" {
    bucket       = "acme-traefik-tfstate-eu-central-1"
    key          = "acme-traefik/dr/terraform.tfstate"
    region       = "eu-central-1"
    encrypt      = true
    use_lockfile = true
  }
}
