# State lives in a bucket in this root's own region (us-west-1), so the
# dr root can be planned and applied without the other region. The
# bucket name carries the account ID; give it at init (see RUNBOOK.md):
#   terraform init -backend-config="bucket=acme-flask-tfstate-$ACCOUNT_ID-us-west-1"
terraform {
  backend "s3" {
    key          = "acme-flask/dr/terraform.tfstate"
    region       = "us-west-1"
    encrypt      = true
    kms_key_id   = "alias/acme-flask-tfstate"
    use_lockfile = true
  }
}
