output "region" {
  description = "Region of this root."
  value       = var.region
}

output "db_backups_bucket" {
  description = "Name of bucket db-backups."
  value       = module.db_backups.bucket_id
}

output "db_cluster_arn" {
  description = "ARN of cluster db."
  value       = module.db.cluster_arn
}

output "db_dns_name" {
  description = "Stable name of the writer of cluster db in this region's private zone (CNAME, TTL 30 s, to its endpoint in us-east-2): the host applications connect to, unchanged by a failover."
  value       = module.db.dns_name
}

output "db_endpoint" {
  description = "Writer endpoint of cluster db."
  value       = module.db.endpoint
}

output "db_master_secret_arn" {
  description = "Secret with the master credentials of db."
  value       = module.db.master_secret_arn
}

output "db_parameter_group_name" {
  description = "Cluster parameter group of db (a failback rebuild joins it)."
  value       = module.db.parameter_group_name
}

output "db_reader_endpoint" {
  description = "Reader endpoint of cluster db."
  value       = module.db.reader_endpoint
}

output "db_security_group_id" {
  description = "Security group of cluster db (a failback rebuild joins it)."
  value       = module.db.security_group_id
}

output "failover_marker" {
  description = "The SSM parameter (in us-west-1) that declares a failover of this inventory: while it exists, every plan of this root needs failover_acknowledged set to its value."
  value       = "/acmegen/acme-flask/failover/declared"

  precondition {
    condition     = contains(module.facts.names, "failover/declared") ? var.failover_acknowledged == lookup(module.facts.values, "failover/declared", null) : true
    error_message = "A failover of acme-flask is declared (SSM parameter /acmegen/acme-flask/failover/declared in us-west-1): an apply without the failover's values would undo it. Follow RUNBOOK.md's failover or failback steps: the runbook's failback writes the parameter's value to this root's incident.auto.tfvars (failover_acknowledged = \"<value>\"; a value from an earlier failover does not count). Once the failback is done, its last step deletes the parameter and the files; a false alarm: aws ssm delete-parameter --name /acmegen/acme-flask/failover/declared --region us-west-1, then delete incident.auto.tfvars."
  }
}

output "flask_instance_ids" {
  description = "Instances of flask."
  value       = module.flask.instance_ids
}

output "flask_private_ips" {
  description = "Private IPs of flask."
  value       = module.flask.private_ips
}

output "identities" {
  description = "What identifies each resource a failover or failback must keep (IDs and the attributes AWS cannot change in place), by module: compare before and after an apply; tests/outage.tftest.hcl does."
  value = {
    db = {
      cluster_arn               = module.db.cluster_arn
      cluster_identifier        = module.db.cluster_identifier
      global_cluster_identifier = module.db.global_cluster_identifier
      master_secret_arn         = module.db.master_secret_arn
      master_secret_replicas    = module.db.master_secret_replicas
      dns_record                = module.db.dns_record
    }
    db_backups = {
      bucket = module.db_backups.bucket_id
      arn    = module.db_backups.bucket_arn
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
    site_dns = module.site_dns.identity
    vpc = {
      vpc_id = module.vpc.vpc_id
    }
    website = module.website.identity
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
  description = "ID of the private hosted zone acme-flask.internal of this region's VPC."
  value       = module.private_zone.zone_id
}

output "public_subnet_ids" {
  description = "Public subnets, one per AZ."
  value       = module.vpc.public_subnet_ids
}

output "site_dns_fqdn" {
  description = "Name served by record site-dns."
  value       = module.site_dns.fqdn
}

output "vpc_id" {
  description = "ID of the VPC."
  value       = module.vpc.vpc_id
}

output "website_arn" {
  description = "ARN of load balancer website."
  value       = module.website.arn
}

output "website_dns_name" {
  description = "DNS name of load balancer website."
  value       = module.website.dns_name
}
