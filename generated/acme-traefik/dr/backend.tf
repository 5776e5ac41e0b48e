# State lives in a bucket in this root's own region (eu-central-1), so the
# dr root can be planned and applied without the other region. The
# bucket name carries the account ID; give it at init (see RUNBOOK.md):
#   terraform init -backend-config="bucket=acme-traefik-tfstate-$ACCOUNT_ID-eu-central-1"
terraform {
  backend "s3" {
    key          = "acme-traefik/dr/terraform.tfstate"
    region       = "eu-central-1"
    encrypt      = true
    kms_key_id   = "alias/acme-traefik-tfstate"
    use_lockfile = true
  }
}
