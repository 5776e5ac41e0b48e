output "record_fqdn" {
  description = "Name of the validation record (the same for every certificate of the domain in this account)."
  value       = aws_route53_record.validation.fqdn
}

output "record" {
  description = "The validation record: name, type and value."
  value = {
    name  = aws_route53_record.validation.name
    type  = aws_route53_record.validation.type
    value = one(aws_route53_record.validation.records)
  }
}
