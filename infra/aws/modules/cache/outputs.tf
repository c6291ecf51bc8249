output "url" {
  description = "REDIS_URL of the tasks (TLS: rediss://)."
  value       = "rediss://${aws_elasticache_replication_group.this.primary_endpoint_address}:6379"
}
