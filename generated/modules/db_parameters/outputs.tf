output "baseline" {
  description = "The engine's baseline parameters (TLS required, DDL and slow statements logged), as name/value pairs for a parameter group: the database's own (db_common) and the one a restore in the DR region joins (rds_backup_replication)."
  value       = local.baseline
}
