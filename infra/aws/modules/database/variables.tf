variable "name" {
  description = "Identifier of the DB instance (also the prefix of its security group and secret)."
  type        = string
}

variable "database_name" {
  description = "Database created in the instance."
  type        = string
}

variable "username" {
  description = "Master user, the one the application connects as."
  type        = string
}

variable "engine_version" {
  description = "PostgreSQL major version (RDS picks the newest minor and upgrades it in maintenance windows)."
  type        = string
  default     = "17"
}

variable "instance_class" {
  description = "RDS instance class."
  type        = string
  default     = "db.t4g.medium"
}

variable "allocated_storage_gb" {
  description = "Initial storage in GiB (gp3); grows up to max_allocated_storage_gb."
  type        = number
  default     = 20
}

variable "max_allocated_storage_gb" {
  description = "Ceiling of storage autoscaling in GiB."
  type        = number
  default     = 200
}

variable "multi_az" {
  description = "A standby in a second zone with automatic failover."
  type        = bool
  default     = true
}

variable "backup_retention_days" {
  description = "Days of automated backups (point-in-time recovery window)."
  type        = number
  default     = 14
}

variable "deletion_protection" {
  description = "Refuse to delete the instance (turn off only to tear an environment down)."
  type        = bool
  default     = true
}

variable "password_version" {
  description = "Bump to generate a new password and write it to both the instance and its secret in one apply (rotation)."
  type        = number
  default     = 1
}

variable "vpc_id" {
  description = "VPC of the instance."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets of the instance (two zones at least)."
  type        = list(string)
}

variable "client_security_groups" {
  description = "Security groups allowed to connect on 5432, by a name known at plan time (the tasks that use this database)."
  type        = map(string)
}

variable "kms_key_arn" {
  description = "KMS key that encrypts storage, Performance Insights and the password's secret."
  type        = string
}

variable "monitoring_role_arn" {
  description = "IAM role of Enhanced Monitoring."
  type        = string
}
