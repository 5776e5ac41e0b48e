variable "engine" {
  description = "Engine of the database: postgres, mysql, aurora-postgresql or aurora-mysql (decides the parameters' names and values)."
  type        = string

  validation {
    condition     = contains(["postgres", "mysql", "aurora-postgresql", "aurora-mysql"], var.engine)
    error_message = "engine must be postgres, mysql, aurora-postgresql or aurora-mysql."
  }
}
