# State lives in a bucket in this root's own region (us-west-2), so the
# dr root can be planned and applied without the other region. The
# bucket name carries the account ID; give it at init (see RUNBOOK.md):
#   terraform init -backend-config="bucket=acme-eks-tfstate-$ACCOUNT_ID-us-west-2"
terraform {
  backend "s3" {
    key          = "acme-eks/dr/terraform.tfstate"
    region       = "us-west-2"
    encrypt      = true
    kms_key_id   = "alias/acme-eks-tfstate"
    use_lockfile = true
  }
}
