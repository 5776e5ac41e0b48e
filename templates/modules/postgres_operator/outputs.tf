output "cluster_name" {
  description = "Name of the `postgresql` resource."
  value       = var.name
}

output "namespace" {
  description = "Namespace of the PostgreSQL cluster."
  value       = helm_release.cluster.namespace
}

output "master_service" {
  description = "DNS name of the read-write Service (the master; in a standby, the standby leader)."
  value       = "${var.name}.${var.namespace}.svc.cluster.local"
}

output "replica_service" {
  description = "DNS name of the read-only Service (the replicas)."
  value       = "${var.name}-repl.${var.namespace}.svc.cluster.local"
}

output "credentials_secret_template" {
  description = "Name of the Kubernetes secret holding a role's password (replace <user>)."
  value       = "<user>.${var.name}.credentials.postgresql.acid.zalan.do"
}

output "wal_path" {
  description = "Where this region's cluster archives WAL and base backups."
  value       = local.wal_path
}

output "standby_source_path" {
  description = "Archive a standby follows (null when not a standby)."
  value       = local.source_path
}

output "role_arn" {
  description = "IRSA role of the database pods."
  value       = aws_iam_role.pods.arn
}
