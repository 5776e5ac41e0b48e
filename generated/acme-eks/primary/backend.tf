# State lives in a bucket in this root's own region (us-east-1), so the
# primary root can be planned and applied without the other region. The
# bucket name carries the account ID; give it at init (see RUNBOOK.md):
#   terraform init -backend-config="bucket=acme-eks-tfstate-$ACCOUNT_ID-us-east-1"
terraform {
  backend "s3" {
    key          = "acme-eks/primary/terraform.tfstate"
    region       = "us-east-1"
    encrypt      = true
    kms_key_id   = "alias/acme-eks-tfstate"
    use_lockfile = true
  }
}
