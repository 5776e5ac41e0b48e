output "region" {
  description = "Region of this root."
  value       = var.region
}

output "apps_cluster_endpoint" {
  description = "API endpoint of cluster apps."
  value       = module.apps.cluster_endpoint
}

output "apps_cluster_name" {
  description = "Name of cluster apps."
  value       = module.apps.cluster_name
}

output "apps_oidc_provider_arn" {
  description = "IRSA OIDC provider of cluster apps."
  value       = module.apps.oidc_provider_arn
}

output "audit_trail_arn" {
  description = "ARN of trail audit."
  value       = module.audit.arn
}

output "backups_bucket" {
  description = "Name of bucket backups."
  value       = module.backups.bucket_id
}

output "db_backup_replication_arn" {
  description = "Replicated automated backups of db in this region."
  value       = one(module.db[*].id)
}

output "db_restore_parameter_group_name" {
  description = "Parameter group a restore of db in this region joins (the engine's baseline)."
  value       = one(module.db[*].restore_parameter_group_name)
}

output "db_restore_security_group_id" {
  description = "Security group a restore of db in this region uses."
  value       = one(module.db[*].restore_security_group_id)
}

output "failover_marker" {
  description = "The SSM parameter (in us-west-2) that declares a failover of this inventory: while it exists, every plan of this root needs failover_acknowledged set to its value."
  value       = "/acmegen/acme-eks/failover/declared"

  precondition {
    condition     = contains(module.facts.names, "failover/declared") ? var.failover_acknowledged == lookup(module.facts.values, "failover/declared", null) : true
    error_message = "A failover of acme-eks is declared (SSM parameter /acmegen/acme-eks/failover/declared in us-west-2): an apply without the failover's values would undo it. Follow RUNBOOK.md's failover or failback steps: the runbook's failover and failback write the parameter's value to this root's incident.auto.tfvars (failover_acknowledged = \"<value>\"; a value from an earlier failover does not count). Once the failback is done, its last step deletes the parameter and the files; a false alarm: aws ssm delete-parameter --name /acmegen/acme-eks/failover/declared --region us-west-2, then delete incident.auto.tfvars."
  }
}

output "identities" {
  description = "What identifies each resource a failover or failback must keep (IDs and the attributes AWS cannot change in place), by module: compare before and after an apply; tests/outage.tftest.hcl does."
  value = {
    apps = {
      cluster_name      = module.apps.cluster_name
      oidc_provider_arn = module.apps.oidc_provider_arn
    }
    audit_bucket = {
      bucket = module.audit_bucket.bucket_id
      arn    = module.audit_bucket.bucket_arn
    }
    backups = {
      bucket = module.backups.bucket_id
      arn    = module.backups.bucket_arn
    }
    db      = one(module.db[*].identity)
    ingress = module.ingress.identity
    network = {
      vpc_id = module.network.vpc_id
    }
    platform = {
      key_arn = module.platform.key_arn
    }
    private_zone = {
      zone_id = module.private_zone.zone_id
    }
    public_dns = module.public_dns.identity
    services = {
      repository_arn = module.services.repository_arn
    }
  }
}

output "ingress_arn" {
  description = "ARN of load balancer ingress."
  value       = module.ingress.arn
}

output "ingress_dns_name" {
  description = "DNS name of load balancer ingress."
  value       = module.ingress.dns_name
}

output "observability_alarm_topic_arn" {
  description = "SNS topic of the observability alarms."
  value       = module.observability.alarm_topic_arn
}

output "platform_key_arn" {
  description = "ARN of KMS key platform."
  value       = module.platform.key_arn
}

output "private_subnet_ids" {
  description = "Private subnets, one per AZ."
  value       = module.network.private_subnet_ids
}

output "private_zone_id" {
  description = "ID of the private hosted zone acme-eks.internal of this region's VPC."
  value       = module.private_zone.zone_id
}

output "public_dns_fqdn" {
  description = "Name served by record public-dns."
  value       = module.public_dns.fqdn
}

output "public_subnet_ids" {
  description = "Public subnets, one per AZ."
  value       = module.network.public_subnet_ids
}

output "scheduled_backups_backup_role_arn" {
  description = "Role AWS Backup uses for scheduled-backups's backups and restores in this region."
  value       = module.scheduled_backups.role_arn
}

output "scheduled_backups_vault_name" {
  description = "Backup vault of scheduled-backups in this region."
  value       = module.scheduled_backups.vault_name
}

output "services_repository_url" {
  description = "URL of repository services."
  value       = module.services.repository_url
}

output "vpc_id" {
  description = "ID of the VPC."
  value       = module.network.vpc_id
}
