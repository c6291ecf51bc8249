# Secrets the tasks read at start (ECS injects them as environment variables). Their values
# are put by an operator, never by OpenTofu, so they never enter the plan or the state:
#   aws secretsmanager put-secret-value --secret-id <arn> --secret-string "key-1:$(openssl rand -base64 32)"
# (docs/deploy-aws.md lists each). The Keycloak admin password is generated, write-only.

locals {
  operator_secrets = merge(
    {
      master-keys       = "AR_MASTER_KEYS: master keys that wrap tenant secrets (<id>:<base64 of 32 bytes>, current first)"
      bootstrap-api-key = "AR_BOOTSTRAP_API_KEY: the seeded admin's API key (ar_<8 chars>_<32+ chars>)"
    },
    var.temporal_auth == "api-key" ? {
      temporal-api-key = "TEMPORAL_API_KEY: API key of the Temporal Cloud namespace"
    } : {},
    var.temporal_auth == "mtls" ? {
      temporal-client-cert = "TEMPORAL_TLS_CLIENT_CERT_DATA: PEM client certificate for the Temporal Cloud namespace"
      temporal-client-key  = "TEMPORAL_TLS_CLIENT_KEY_DATA: PEM private key of that certificate"
    } : {},
  )
}

resource "aws_secretsmanager_secret" "operator" {
  # checkov:skip=CKV2_AWS_57:master keys rotate by adding a key and re-wrapping (docs/secrets.md), API keys and Temporal credentials are issued elsewhere; none can be rotated by a Lambda
  for_each                = local.operator_secrets
  name                    = "${var.name}/${each.key}"
  description             = each.value
  kms_key_id              = var.kms_key_arn
  recovery_window_in_days = var.recovery_window_days
}

ephemeral "aws_secretsmanager_random_password" "keycloak_admin" {
  password_length     = 32
  exclude_punctuation = true
}

resource "aws_secretsmanager_secret" "keycloak_admin" {
  # checkov:skip=CKV2_AWS_57:a bootstrap credential, replaced by a real administrator after the first login (docs/deploy-aws.md)
  name                    = "${var.name}/keycloak-admin-password"
  description             = "KC_BOOTSTRAP_ADMIN_PASSWORD: the temporary Keycloak admin (replace it with a real admin, then delete it)"
  kms_key_id              = var.kms_key_arn
  recovery_window_in_days = var.recovery_window_days
}

resource "aws_secretsmanager_secret_version" "keycloak_admin" {
  secret_id                = aws_secretsmanager_secret.keycloak_admin.id
  secret_string_wo         = ephemeral.aws_secretsmanager_random_password.keycloak_admin.random_password
  secret_string_wo_version = 1
}
