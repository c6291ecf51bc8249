variable "name" {
  description = "Name of the cluster (and of its Service Connect namespace)."
  type        = string
}

variable "vpc_id" {
  description = "VPC of the Service Connect namespace."
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key of ECS Exec sessions' logs."
  type        = string
}
