locals {
  postgres = strcontains(var.engine, "postgres")
  aurora   = startswith(var.engine, "aurora")

  # Baseline parameters of every engine: TLS only, DDL (Postgres) and slow
  # statements logged. The TLS switch takes each engine's own value:
  # rds.force_ssl is 0/1 on RDS and Aurora PostgreSQL; require_secure_transport
  # is 0/1 in an RDS for MySQL DB parameter group and ON/OFF in an Aurora MySQL
  # DB cluster parameter group.
  baseline = [
    {
      name  = local.postgres ? "rds.force_ssl" : "require_secure_transport"
      value = local.postgres ? "1" : (local.aurora ? "ON" : "1")
    },
    {
      name  = local.postgres ? "log_statement" : "slow_query_log"
      value = local.postgres ? "ddl" : "1"
    },
    {
      name  = local.postgres ? "log_min_duration_statement" : "long_query_time"
      value = local.postgres ? "1000" : "1"
    },
  ]
}
