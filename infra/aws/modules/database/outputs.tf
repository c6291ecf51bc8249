output "address" {
  description = "Host name of the instance."
  value       = aws_db_instance.this.address
}

output "port" {
  description = "Port of the instance."
  value       = aws_db_instance.this.port
}

output "database_name" {
  description = "The database the application uses."
  value       = aws_db_instance.this.db_name
}

output "username" {
  description = "The user the application connects as."
  value       = aws_db_instance.this.username
}

output "password_secret_arn" {
  description = "Secret holding the password (the value of DATABASE_PASSWORD)."
  value       = aws_secretsmanager_secret.password.arn
}

output "url" {
  description = "Connection string without password (DATABASE_URL); the password comes from the secret."
  value       = "postgres://${aws_db_instance.this.username}@${aws_db_instance.this.address}:${aws_db_instance.this.port}/${aws_db_instance.this.db_name}"
}
