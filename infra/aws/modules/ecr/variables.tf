variable "name" {
  description = "Name of the repository of the runtime's image (API, worker, migrate: one image)."
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key that encrypts the images."
  type        = string
}

variable "untagged_image_days" {
  description = "Days an untagged image is kept before it expires."
  type        = number
  default     = 14
}

variable "keep_tagged_images" {
  description = "Tagged images kept (the newest); older ones expire, so a rollback is this many releases deep."
  type        = number
  default     = 50
}
