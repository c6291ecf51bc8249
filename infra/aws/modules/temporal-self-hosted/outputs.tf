output "address" {
  description = "TEMPORAL_ADDRESS of the runtime (the Service Connect name)."
  value       = "temporal:7233"
}

output "schema_task_definition_arn" {
  description = "One-off task that creates and upgrades Temporal's schema."
  value       = module.schema.task_definition_arn
}

output "namespace_task_definition_arn" {
  description = "One-off task that creates the runtime's namespace."
  value       = module.namespace.task_definition_arn
}

output "schema_security_group_id" {
  description = "Security group to run the one-off tasks with."
  value       = module.schema.security_group_id
}

output "namespace_security_group_id" {
  description = "Security group of the namespace task."
  value       = module.namespace.security_group_id
}
