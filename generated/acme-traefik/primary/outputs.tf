output "region" {
  description = "Region of this root."
  value       = var.region
}

output "admin_instance_ids" {
  description = "Instances of admin."
  value       = module.admin.instance_ids
}

output "admin_private_ips" {
  description = "Private IPs of admin."
  value       = module.admin.private_ips
}

output "api_images_repository_url" {
  description = "URL of repository api-images."
  value       = module.api_images.repository_url
}

output "cluster_cluster_endpoint" {
  description = "API endpoint of cluster cluster."
  value       = module.cluster.cluster_endpoint
}

output "cluster_cluster_name" {
  description = "Name of cluster cluster."
  value       = module.cluster.cluster_name
}

output "cluster_oidc_provider_arn" {
  description = "IRSA OIDC provider of cluster cluster."
  value       = module.cluster.oidc_provider_arn
}

output "db_master_service" {
  description = "In-cluster DNS name of the read-write service of PostgreSQL cluster db."
  value       = module.db.master_service
}

output "failover_marker" {
  description = "The SSM parameter (in eu-central-1) that declares a failover of this inventory: while it exists, every plan of this root needs failover_acknowledged set to its value."
  value       = "/acmegen/acme-traefik/failover/declared"

  precondition {
    condition     = contains(module.facts.names, "failover/declared") ? var.failover_acknowledged == lookup(module.facts.values, "failover/declared", null) : true
    error_message = "A failover of acme-traefik is declared (SSM parameter /acmegen/acme-traefik/failover/declared in eu-central-1): an apply without the failover's values would undo it. Follow RUNBOOK.md's failover or failback steps: the runbook's failback writes the parameter's value to this root's incident.auto.tfvars (failover_acknowledged = \"<value>\"; a value from an earlier failover does not count). Once the failback is done, its last step deletes the parameter and the files; a false alarm: aws ssm delete-parameter --name /acmegen/acme-traefik/failover/declared --region eu-central-1, then delete incident.auto.tfvars."
  }
}

output "identities" {
  description = "What identifies each resource a failover or failback must keep (IDs and the attributes AWS cannot change in place), by module: compare before and after an apply; tests/outage.tftest.hcl does."
  value = {
    api_images = {
      repository_arn = module.api_images.repository_arn
    }
    cluster = {
      cluster_name      = module.cluster.cluster_name
      oidc_provider_arn = module.cluster.oidc_provider_arn
    }
    kms = {
      key_arn = module.kms.key_arn
    }
    pg_backups = {
      bucket = module.pg_backups.bucket_id
      arn    = module.pg_backups.bucket_arn
    }
    traefik = module.traefik.identity
    vpc = {
      vpc_id = module.vpc.vpc_id
    }
  }
}

output "pg_backups_bucket" {
  description = "Name of bucket pg-backups."
  value       = module.pg_backups.bucket_id
}

output "private_subnet_ids" {
  description = "Private subnets, one per AZ."
  value       = module.vpc.private_subnet_ids
}

output "public_subnet_ids" {
  description = "Public subnets, one per AZ."
  value       = module.vpc.public_subnet_ids
}

output "traefik_arn" {
  description = "ARN of load balancer traefik."
  value       = module.traefik.arn
}

output "traefik_dns_name" {
  description = "DNS name of load balancer traefik."
  value       = module.traefik.dns_name
}

output "vpc_id" {
  description = "ID of the VPC."
  value       = module.vpc.vpc_id
}
