output "region" {
  description = "Region of this root."
  value       = var.region
}

output "alarms_alarm_topic_arn" {
  description = "SNS topic of the alarms alarms."
  value       = module.alarms.alarm_topic_arn
}

output "app_dns_fqdn" {
  description = "Name served by record app-dns."
  value       = module.app_dns.fqdn
}

output "edge_dns_name" {
  description = "DNS name of accelerator edge."
  value       = module.edge.dns_name
}

output "edge_endpoint_group_arn" {
  description = "Endpoint group of accelerator edge in this region."
  value       = module.edge_primary_endpoints.id
}

output "edge_ip_addresses" {
  description = "Static anycast IPs of accelerator edge."
  value       = module.edge.ip_addresses
}

output "edge_listener_arn" {
  description = "Listener of the accelerator (published to the fact store for the DR root)."
  value       = module.edge.listener_arn
}

output "failover_marker" {
  description = "The SSM parameter (in us-west-2) that declares a failover of this inventory: while it exists, every plan of this root needs failover_acknowledged set to its value."
  value       = "/acmegen/acme-multiregion/failover/declared"

  precondition {
    condition     = contains(module.facts.names, "failover/declared") ? var.failover_acknowledged == lookup(module.facts.values, "failover/declared", null) : true
    error_message = "A failover of acme-multiregion is declared (SSM parameter /acmegen/acme-multiregion/failover/declared in us-west-2): an apply without the failover's values would undo it. Follow RUNBOOK.md's failover or failback steps: the runbook's failback writes the parameter's value to this root's incident.auto.tfvars (failover_acknowledged = \"<value>\"; a value from an earlier failover does not count). Once the failback is done, its last step deletes the parameter and the files; a false alarm: aws ssm delete-parameter --name /acmegen/acme-multiregion/failover/declared --region us-west-2, then delete incident.auto.tfvars."
  }
}

output "identities" {
  description = "What identifies each resource a failover or failback must keep (IDs and the attributes AWS cannot change in place), by module: compare before and after an apply; tests/outage.tftest.hcl does."
  value = {
    app_dns = module.app_dns.identity
    cross_region = {
      peering_connection_id = one(module.cross_region[*].peering_connection_id)
    }
    edge = {
      listener_arn = module.edge.listener_arn
    }
    edge_primary_endpoints = module.edge_primary_endpoints.identity
    ingress                = module.ingress.identity
    kms = {
      key_arn = module.kms.key_arn
    }
    network = {
      vpc_id = module.network.vpc_id
    }
    platform = {
      cluster_name      = module.platform.cluster_name
      oidc_provider_arn = module.platform.oidc_provider_arn
    }
    postgres = {
      arn                    = module.postgres.arn
      identifier             = module.postgres.identifier
      master_secret_arn      = module.postgres.master_secret_arn
      master_secret_replicas = module.postgres.master_secret_replicas
      dns_record             = module.postgres.dns_record
    }
    private_zone = {
      zone_id = module.private_zone.zone_id
    }
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

output "platform_cluster_endpoint" {
  description = "API endpoint of cluster platform."
  value       = module.platform.cluster_endpoint
}

output "platform_cluster_name" {
  description = "Name of cluster platform."
  value       = module.platform.cluster_name
}

output "platform_oidc_provider_arn" {
  description = "IRSA OIDC provider of cluster platform."
  value       = module.platform.oidc_provider_arn
}

output "postgres_arn" {
  description = "ARN of database postgres."
  value       = module.postgres.arn
}

output "postgres_dns_name" {
  description = "Stable name of the writer of database postgres in this region's private zone (CNAME, TTL 30 s, to its endpoint in us-east-1): the host applications connect to, unchanged by a failover."
  value       = module.postgres.dns_name
}

output "postgres_endpoint" {
  description = "Endpoint of database postgres."
  value       = module.postgres.endpoint
}

output "postgres_master_secret_arn" {
  description = "Secret with the master credentials of postgres."
  value       = module.postgres.master_secret_arn
}

output "postgres_parameter_group_name" {
  description = "Parameter group of database postgres (a failback restore joins it)."
  value       = module.postgres.parameter_group_name
}

output "postgres_security_group_id" {
  description = "Security group of database postgres (a failback restore joins it)."
  value       = module.postgres.security_group_id
}

output "private_subnet_ids" {
  description = "Private subnets, one per AZ."
  value       = module.network.private_subnet_ids
}

output "private_zone_id" {
  description = "ID of the private hosted zone acme-multiregion.internal of this region's VPC."
  value       = module.private_zone.zone_id
}

output "public_subnet_ids" {
  description = "Public subnets, one per AZ."
  value       = module.network.public_subnet_ids
}

output "services_repository_url" {
  description = "URL of repository services."
  value       = module.services.repository_url
}

output "vpc_id" {
  description = "ID of the VPC."
  value       = module.network.vpc_id
}

output "vpc_peering_connection_id" {
  description = "Peering connection to the DR VPC (published to the fact store for the DR root)."
  value       = one(module.cross_region[*].peering_connection_id)
}
