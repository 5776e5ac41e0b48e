# State lives in a bucket in this root's own region (us-east-1); the
# facts both roots share live in the DR region (us-west-2), so
# planning this root needs both regions (the DR root needs only its own). The
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
