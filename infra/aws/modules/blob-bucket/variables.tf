variable "name" {
  description = "Globally unique name of the blob bucket (large Temporal payloads, run artifacts)."
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key that encrypts the objects."
  type        = string
}

variable "force_destroy" {
  description = "Let `tofu destroy` delete a bucket that still holds objects (dev only)."
  type        = bool
  default     = false
}
