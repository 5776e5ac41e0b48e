################################################################################
# AWS service-linked roles the account's key policies name. A policy that
# names a role stores the role's unique principal ID: once the role is
# deleted the policy no longer applies, even to a role recreated with the
# same name (IAM UG, "IAM JSON policy elements: Principal"). So the roles
# have deletion protection: a destroy (or a replacement) fails on the guard
# below until an apply with deletion_protection = false. To tear down the
# root and leave the roles to the account and the other teams that use them,
# `terraform state rm` the roles and the guard first.
################################################################################

resource "aws_iam_service_linked_role" "this" {
  for_each = var.services

  aws_service_name = each.value
  description      = var.description

  lifecycle {
    # An adopted role keeps the description AWS or its creator gave it.
    ignore_changes = [description]
  }
}

# Deletion protection. Terraform destroys this guard before the roles it
# names (it depends on them) and replaces it whenever the set of roles
# changes; while protection is on, its destroy-time command fails, so no
# role is deleted. (lifecycle.prevent_destroy would also block the cleanup
# of `terraform test` before Terraform 1.14.)
resource "terraform_data" "deletion_protection" {
  input = {
    protected = var.deletion_protection
    roles     = { for k, r in aws_iam_service_linked_role.this : k => r.arn }
  }
  triggers_replace = var.services

  provisioner "local-exec" {
    when    = destroy
    command = self.input.protected ? "echo 'service-linked roles are deletion-protected: apply with deletion_protection = false first, or terraform state rm them to keep them' >&2; exit 1" : "true"
  }
}
