output "cluster_arn" {
  description = "ARN of the cluster."
  value       = aws_ecs_cluster.this.arn
}

output "cluster_name" {
  description = "Name of the cluster."
  value       = aws_ecs_cluster.this.name
}

output "service_connect_namespace_arn" {
  description = "Service Connect namespace of the cluster's services."
  value       = aws_service_discovery_http_namespace.this.arn
}
