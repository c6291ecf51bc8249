variable "name" {
  description = "Identifier of the replication group."
  type        = string
}

variable "engine_version" {
  description = "Valkey version."
  type        = string
  default     = "8.0"
}

variable "node_type" {
  description = "ElastiCache node type."
  type        = string
  default     = "cache.t4g.small"
}

variable "replicas" {
  description = "Read replicas besides the primary (0 for dev; 1 or more gives automatic failover)."
  type        = number
  default     = 1
}

variable "vpc_id" {
  description = "VPC of the cache."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets of the cache."
  type        = list(string)
}

variable "client_security_groups" {
  description = "Security groups allowed to connect on 6379, by a name known at plan time."
  type        = map(string)
}

variable "kms_key_arn" {
  description = "KMS key that encrypts the data at rest."
  type        = string
}
