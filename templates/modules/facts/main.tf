################################################################################
# Fact store: SSM parameters in the DR region under one path per inventory.
# Each root publishes what the other root needs (IDs and ARNs only, never
# secrets) and reads what the other published. The store lives in the DR
# region, so the DR root can read everything the primary ever published
# while the primary region is gone.
################################################################################

resource "aws_ssm_parameter" "published" {
  #checkov:skip=CKV2_AWS_34:Facts are resource IDs and ARNs, not secrets; a String parameter keeps them readable without a decrypt permission on the DR key
  for_each = var.publish

  name        = "${var.store_path}/${var.publisher}/${each.key}"
  description = "${each.key} of the ${var.publisher} root, for the other root of this inventory"
  type        = "String"
  value       = each.value

  tags = var.tags
}

# Everything published so far; an empty store (first deployment) reads as no
# facts. Values are marked sensitive by the provider because parameters may be
# SecureStrings; the store holds only String IDs and ARNs.
data "aws_ssm_parameters_by_path" "store" {
  path      = var.store_path
  recursive = true
}

locals {
  names = [for n in data.aws_ssm_parameters_by_path.store.names : trimprefix(n, "${var.store_path}/")]
}
