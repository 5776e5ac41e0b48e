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

output "failover_declared" {
  description = "Whether a failover of this inventory is declared (its marker is in the fact store): every plan then needs failover_acknowledged."
  value       = contains(module.facts.names, "failover/declared")

  precondition {
    condition     = contains(module.facts.names, "failover/declared") ? var.failover_acknowledged : true
    error_message = "A failover of acme-traefik is declared (SSM parameter /acmegen/acme-traefik/failover/declared in eu-central-1): an apply without the failover's values would undo it. Follow RUNBOOK.md's failover or failback steps: they write primary/incident.auto.tfvars (failover_acknowledged = true). Once the failback is done, its last step deletes the parameter and the file; a false alarm: delete the parameter (aws ssm delete-parameter --name /acmegen/acme-traefik/failover/declared --region eu-central-1)."
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
