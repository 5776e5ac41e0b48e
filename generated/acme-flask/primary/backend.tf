# State lives in a bucket in this root's own region (us-east-2); the
# facts both roots share live in the DR region (us-west-1), so
# planning this root needs both regions (the DR root needs only its own). The
# bucket name carries the account ID; give it at init (see RUNBOOK.md):
#   terraform init -backend-config="bucket=acme-flask-tfstate-$ACCOUNT_ID-us-east-2"
terraform {
  backend "s3" {
    key          = "acme-flask/primary/terraform.tfstate"
    region       = "us-east-2"
    encrypt      = true
    kms_key_id   = "alias/acme-flask-tfstate"
    use_lockfile = true
  }
}
