output "master_keys_arn" {
  description = "Secret of AR_MASTER_KEYS."
  value       = aws_secretsmanager_secret.operator["master-keys"].arn
}

output "bootstrap_api_key_arn" {
  description = "Secret of AR_BOOTSTRAP_API_KEY."
  value       = aws_secretsmanager_secret.operator["bootstrap-api-key"].arn
}

output "temporal_secret_arns" {
  description = "Secrets of the Temporal Cloud credentials, by the variable they fill (empty with temporal_auth = none)."
  value = merge(
    var.temporal_auth == "api-key" ? { TEMPORAL_API_KEY = aws_secretsmanager_secret.operator["temporal-api-key"].arn } : {},
    var.temporal_auth == "mtls" ? {
      TEMPORAL_TLS_CLIENT_CERT_DATA = aws_secretsmanager_secret.operator["temporal-client-cert"].arn
      TEMPORAL_TLS_CLIENT_KEY_DATA  = aws_secretsmanager_secret.operator["temporal-client-key"].arn
    } : {},
  )
}

output "keycloak_admin_password_arn" {
  description = "Secret of Keycloak's bootstrap admin password."
  value       = aws_secretsmanager_secret.keycloak_admin.arn
}

output "operator_secret_arns" {
  description = "Every secret whose value an operator puts after the first apply, by name."
  value       = { for name, secret in aws_secretsmanager_secret.operator : name => secret.arn }
}
