variable "region" {
  description = "AWS region of the state bucket (and of the stacks whose state it holds)."
  type        = string
}

variable "state_bucket_name" {
  description = "Globally unique name of the S3 bucket that holds every environment's OpenTofu state."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.state_bucket_name))
    error_message = "Must be a valid S3 bucket name."
  }
}

variable "noncurrent_version_days" {
  description = "Days an overwritten state version is kept (state history, for recovery)."
  type        = number
  default     = 90
}
