output "load_balancer_dns_name" {
  description = "Point api_host and auth_host here."
  value       = module.platform.load_balancer_dns_name
}

output "ecr_repository_url" {
  description = "Where CI pushes the runtime image."
  value       = module.platform.ecr_repository_url
}

output "cluster_name" {
  description = "The ECS cluster."
  value       = module.platform.cluster_name
}

output "service_names" {
  description = "ECS services by role."
  value       = module.platform.service_names
}

output "migrate_task" {
  description = "The one-off migrate task (run before each rollout)."
  value       = module.platform.migrate_task
}

output "temporal_tasks" {
  description = "One-off tasks of self-hosted Temporal."
  value       = module.platform.temporal_tasks
}

output "operator_secret_arns" {
  description = "Secrets to fill after the first apply."
  value       = module.platform.operator_secret_arns
}
