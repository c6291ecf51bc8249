variable "name" {
  description = "Prefix of the secrets' names (e.g. agent-runtime-prod)."
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key that encrypts the secrets."
  type        = string
}

variable "temporal_auth" {
  description = "How the runtime authenticates to Temporal: `none` (self-hosted inside the VPC), `api-key` or `mtls` (Temporal Cloud)."
  type        = string

  validation {
    condition     = contains(["none", "api-key", "mtls"], var.temporal_auth)
    error_message = "One of none, api-key, mtls."
  }
}

variable "recovery_window_days" {
  description = "Days a deleted secret can still be restored."
  type        = number
  default     = 30
}
