# State lives in a bucket in this root's own region (us-east-2), so the
# primary root can be planned and applied without the other region. The
# bucket name carries the account ID; give it at init (see RUNBOOK.md):
#   terraform init -backend-config="bucket=acme-vm-tfstate-$ACCOUNT_ID-us-east-2"
terraform {
  backend "s3" {
    key          = "acme-vm/primary/terraform.tfstate"
    region       = "us-east-2"
    encrypt      = true
    kms_key_id   = "alias/acme-vm-tfstate"
    use_lockfile = true
  }
}
