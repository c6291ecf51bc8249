output "load_balancer_dns_name" {
  description = "Point api_host and auth_host at this name (CNAME or Route 53 alias)."
  value       = module.load_balancer.dns_name
}

output "load_balancer_zone_id" {
  description = "Hosted zone of the load balancer, for Route 53 alias records."
  value       = module.load_balancer.zone_id
}

output "ecr_repository_url" {
  description = "Where CI pushes the runtime image."
  value       = module.ecr.repository_url
}

output "cluster_name" {
  description = "The ECS cluster."
  value       = module.cluster.cluster_name
}

output "service_names" {
  description = "ECS services, by role (deploy: aws ecs update-service --force-new-deployment, or a new image tag and apply)."
  value = {
    api      = module.api.service_name
    worker   = module.worker.service_name
    kong     = module.kong.service_name
    keycloak = module.keycloak.service_name
  }
}

output "migrate_task" {
  description = "What `aws ecs run-task` needs to run the migrate command before a rollout."
  value = {
    task_definition = module.migrate.task_definition_family
    subnets         = module.network.private_subnet_ids
    security_group  = module.migrate.security_group_id
  }
}

output "temporal_tasks" {
  description = "One-off tasks of self-hosted Temporal (schema, then namespace); null with Temporal Cloud."
  value = var.temporal_mode == "self-hosted" ? {
    schema_task_definition    = module.temporal[0].schema_task_definition_arn
    schema_security_group     = module.temporal[0].schema_security_group_id
    namespace_task_definition = module.temporal[0].namespace_task_definition_arn
    namespace_security_group  = module.temporal[0].namespace_security_group_id
  } : null
}

output "operator_secret_arns" {
  description = "Secrets whose values an operator puts after the first apply (docs/deploy-aws.md)."
  value       = module.secrets.operator_secret_arns
}

output "backlog_metric" {
  description = "CloudWatch metric the worker autoscaling follows."
  value       = module.worker_autoscaling.metric
}
