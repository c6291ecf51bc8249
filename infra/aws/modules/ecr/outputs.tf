output "repository_url" {
  description = "URL to push the image to and to name in task definitions (without tag)."
  value       = aws_ecr_repository.this.repository_url
}

output "repository_arn" {
  description = "ARN of the repository (for the CI role's push permission)."
  value       = aws_ecr_repository.this.arn
}
