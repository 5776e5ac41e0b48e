output "region" {
  description = "Region of this root."
  value       = var.region
}

output "app_dns_fqdn" {
  description = "Name served by record app-dns."
  value       = module.app_dns.fqdn
}

output "app_instance_ids" {
  description = "Instances of app."
  value       = module.app.instance_ids
}

output "app_ips_public_ips" {
  description = "Elastic IPs of app-ips."
  value       = module.app_ips.public_ips
}

output "app_private_ips" {
  description = "Private IPs of app."
  value       = module.app.private_ips
}

output "db_arn" {
  description = "ARN of database db."
  value       = one(module.db[*].arn)
}

output "db_dns_name" {
  description = "Stable name of the writer of database db in this region's private zone (CNAME, TTL 30 s, to its endpoint in us-west-1): the host applications connect to, unchanged by a failover."
  value       = one(module.db[*].dns_name)
}

output "db_endpoint" {
  description = "Endpoint of database db."
  value       = one(module.db[*].endpoint)
}

output "failover_marker" {
  description = "The SSM parameter (in us-west-1) that declares a failover of this inventory: while it exists, every plan of this root needs failover_acknowledged set to its value."
  value       = "/acmegen/acme-vm/failover/declared"

  precondition {
    condition     = contains(module.facts.names, "failover/declared") ? var.failover_acknowledged == lookup(module.facts.values, "failover/declared", null) : true
    error_message = "A failover of acme-vm is declared (SSM parameter /acmegen/acme-vm/failover/declared in us-west-1): an apply without the failover's values would undo it. Follow RUNBOOK.md's failover or failback steps: the runbook's failover and failback write the parameter's value to this root's incident.auto.tfvars (failover_acknowledged = \"<value>\"; a value from an earlier failover does not count). Once the failback is done, its last step deletes the parameter and the files; a false alarm: aws ssm delete-parameter --name /acmegen/acme-vm/failover/declared --region us-west-1, then delete incident.auto.tfvars."
  }
}

output "identities" {
  description = "What identifies each resource a failover or failback must keep (IDs and the attributes AWS cannot change in place), by module: compare before and after an apply; tests/outage.tftest.hcl does."
  value = {
    app_dns = module.app_dns.identity
    db = {
      arn                    = one(module.db[*].arn)
      identifier             = one(module.db[*].identifier)
      master_secret_arn      = one(module.db[*].master_secret_arn)
      master_secret_replicas = one(module.db[*].master_secret_replicas)
      dns_record             = one(module.db[*].dns_record)
    }
    kms = {
      key_arn = module.kms.key_arn
    }
    monitoring = {
      cluster_name      = module.monitoring.cluster_name
      oidc_provider_arn = module.monitoring.oidc_provider_arn
    }
    private_zone = {
      zone_id = module.private_zone.zone_id
    }
    vpc = {
      vpc_id = module.vpc.vpc_id
    }
    web = module.web.identity
  }
}

output "monitoring_cluster_endpoint" {
  description = "API endpoint of cluster monitoring."
  value       = module.monitoring.cluster_endpoint
}

output "monitoring_cluster_name" {
  description = "Name of cluster monitoring."
  value       = module.monitoring.cluster_name
}

output "monitoring_oidc_provider_arn" {
  description = "IRSA OIDC provider of cluster monitoring."
  value       = module.monitoring.oidc_provider_arn
}

output "private_subnet_ids" {
  description = "Private subnets, one per AZ."
  value       = module.vpc.private_subnet_ids
}

output "private_zone_id" {
  description = "ID of the private hosted zone acme-vm.internal of this region's VPC."
  value       = module.private_zone.zone_id
}

output "public_subnet_ids" {
  description = "Public subnets, one per AZ."
  value       = module.vpc.public_subnet_ids
}

output "replication_alarms_topic_arn" {
  description = "SNS topic of the replication-health alarms."
  value       = module.replication_alarms.alarm_topic_arn
}

output "vpc_id" {
  description = "ID of the VPC."
  value       = module.vpc.vpc_id
}

output "web_arn" {
  description = "ARN of load balancer web."
  value       = module.web.arn
}

output "web_dns_name" {
  description = "DNS name of load balancer web."
  value       = module.web.dns_name
}
