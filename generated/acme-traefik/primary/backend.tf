# State lives in a bucket in this root's own region (eu-west-3), so the
# primary root can be planned and applied without the other region. The
# bucket name carries the account ID; give it at init (see RUNBOOK.md):
#   terraform init -backend-config="bucket=acme-traefik-tfstate-$ACCOUNT_ID-eu-west-3"
terraform {
  backend "s3" {
    key          = "acme-traefik/primary/terraform.tfstate"
    region       = "eu-west-3"
    encrypt      = true
    kms_key_id   = "alias/acme-traefik-tfstate"
    use_lockfile = true
  }
}
