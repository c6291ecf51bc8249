output "api" {
  description = "`environment` and `secrets` of the API container, in ECS container-definition shape."
  value       = { environment = local.to_environment.api, secrets = local.to_secrets.api }
}

output "worker" {
  description = "`environment` and `secrets` of the worker container."
  value       = { environment = local.to_environment.worker, secrets = local.to_secrets.worker }
}

output "migrate" {
  description = "`environment` and `secrets` of the one-off migrate task."
  value       = { environment = local.to_environment.migrate, secrets = local.to_secrets.migrate }
}

output "rds_ca_bundle" {
  description = "Path of the RDS CA bundle inside the image (DATABASE_CA_FILE)."
  value       = local.rds_ca_bundle
}
