output "dns_name" {
  description = "DNS name to point the API and auth host names at (alias records)."
  value       = aws_lb.this.dns_name
}

output "zone_id" {
  description = "Hosted zone of the load balancer (for Route 53 alias records)."
  value       = aws_lb.this.zone_id
}

output "security_group_id" {
  description = "Security group of the load balancer (the targets admit it)."
  value       = aws_security_group.this.id
}

output "kong_target_group_arn" {
  description = "Target group of Kong's proxy port."
  value       = aws_lb_target_group.kong.arn
}

output "keycloak_target_group_arn" {
  description = "Target group of Keycloak."
  value       = aws_lb_target_group.keycloak.arn
}

output "arn_suffix" {
  description = "ARN suffix of the load balancer (CloudWatch dimensions)."
  value       = aws_lb.this.arn_suffix
}
