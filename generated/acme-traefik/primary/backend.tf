# State lives in a bucket in this root's own region (eu-west-3); the
# facts both roots share live in the DR region (eu-central-1), so
# planning this root needs both regions (the DR root needs only its own). The
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
