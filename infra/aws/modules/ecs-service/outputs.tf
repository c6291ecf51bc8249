output "security_group_id" {
  description = "Security group of the tasks (grant it access to backends)."
  value       = aws_security_group.this.id
}

output "service_name" {
  description = "Name of the ECS service (null for a one-off task)."
  value       = var.create_service ? aws_ecs_service.this[0].name : null
}

output "task_definition_arn" {
  description = "Task definition to run (the one-off tasks: `aws ecs run-task --task-definition`)."
  value       = aws_ecs_task_definition.this.arn
}

output "task_definition_family" {
  description = "Family of the task definition."
  value       = aws_ecs_task_definition.this.family
}

output "task_role_arn" {
  description = "Role the application runs as."
  value       = aws_iam_role.task.arn
}

output "execution_role_arn" {
  description = "Role ECS starts the task with."
  value       = aws_iam_role.execution.arn
}

output "log_group_name" {
  description = "CloudWatch log group of the tasks."
  value       = aws_cloudwatch_log_group.this.name
}
