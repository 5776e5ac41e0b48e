output "names" {
  description = "Facts in the store, as <publisher>/<fact> (known at plan time: counts may depend on them)."
  value       = sort(local.names)
}

output "values" {
  description = "Fact values by <publisher>/<fact>."
  value       = zipmap(local.names, nonsensitive(data.aws_ssm_parameters_by_path.store.values))
}

output "published" {
  description = "Names of the facts this root publishes."
  value       = sort(keys(var.publish))
}
