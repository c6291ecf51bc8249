variable "database_url" {
  description = "DATABASE_URL without password (postgres://user@host:5432/db)."
  type        = string

  validation {
    condition     = can(regex("^postgres(ql)?://[^:@/]+@[^/]+/[^?]+$", var.database_url))
    error_message = "Must be postgres://user@host:port/database, with no password and no query: the password comes from a secret and TLS from DATABASE_CA_FILE."
  }
}

variable "database_password_secret_arn" {
  description = "Secret holding the database password (DATABASE_PASSWORD)."
  type        = string
}

variable "database_pool_size" {
  description = "DATABASE_POOL_SIZE of each API and worker task."
  type        = number
  default     = 10
}

variable "redis_url" {
  description = "REDIS_URL (rediss:// for ElastiCache with encryption in transit)."
  type        = string
}

variable "blob_bucket" {
  description = "AR_S3_BUCKET: the blob bucket the API and every worker share."
  type        = string
}

variable "blob_prefix" {
  description = "AR_S3_PREFIX: key prefix inside the bucket (empty: none)."
  type        = string
  default     = ""
}

variable "region" {
  description = "AR_S3_REGION: region of the blob bucket."
  type        = string
}

variable "temporal_address" {
  description = "TEMPORAL_ADDRESS: host:port of the Temporal frontend (Temporal Cloud's, or the self-hosted service's)."
  type        = string
}

variable "temporal_namespace" {
  description = "TEMPORAL_NAMESPACE."
  type        = string
}

variable "temporal_task_queue" {
  description = "TEMPORAL_TASK_QUEUE."
  type        = string
  default     = "agent-runs"
}

variable "temporal_secret_arns" {
  description = "Secrets of Temporal credentials by the variable they fill (TEMPORAL_API_KEY, or TEMPORAL_TLS_CLIENT_CERT_DATA and TEMPORAL_TLS_CLIENT_KEY_DATA); empty for a cluster inside the VPC."
  type        = map(string)
  default     = {}

  validation {
    condition = alltrue([
      for name in keys(var.temporal_secret_arns) :
      contains(["TEMPORAL_API_KEY", "TEMPORAL_TLS_CLIENT_CERT_DATA", "TEMPORAL_TLS_CLIENT_KEY_DATA"], name)
    ])
    error_message = "Only TEMPORAL_API_KEY, TEMPORAL_TLS_CLIENT_CERT_DATA and TEMPORAL_TLS_CLIENT_KEY_DATA."
  }
}

variable "master_keys_secret_arn" {
  description = "Secret of AR_MASTER_KEYS."
  type        = string
}

variable "bootstrap_api_key_secret_arn" {
  description = "Secret of AR_BOOTSTRAP_API_KEY (the API seeds its admin with it instead of printing a new key to the logs)."
  type        = string
}

variable "oidc_issuer" {
  description = "AR_OIDC_ISSUER (Keycloak: https://<auth host>/realms/agent-runtime); empty: API keys only."
  type        = string
  default     = ""
}

variable "oidc_jwks_url" {
  description = "AR_OIDC_JWKS_URL: where the API fetches the issuer's signing keys (inside the VPC); empty: from the issuer's discovery document."
  type        = string
  default     = ""
}

variable "api_port" {
  description = "PORT the API listens on."
  type        = number
  default     = 8080
}

variable "log_level" {
  description = "LOG_LEVEL of every runtime process."
  type        = string
  default     = "info"
}

variable "otlp_endpoint" {
  description = "OTEL_EXPORTER_OTLP_ENDPOINT for traces (e.g. LangFuse's /api/public/otel); empty: no export."
  type        = string
  default     = ""
}

variable "worker_max_concurrent_activities" {
  description = "WORKER_MAX_CONCURRENT_ACTIVITIES of each worker task."
  type        = number
  default     = 100
}
