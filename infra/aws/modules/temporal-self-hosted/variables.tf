variable "name" {
  description = "Prefix of the Temporal resources (e.g. agent-runtime-prod)."
  type        = string
}

variable "server_image" {
  description = "Temporal server image."
  type        = string
  default     = "temporalio/server:1.29.1"
}

variable "admin_tools_image" {
  description = "Temporal admin-tools image (temporal-sql-tool and the temporal CLI), same release as the server."
  type        = string
  default     = "temporalio/admin-tools:1.29.1"
}

variable "namespace" {
  description = "Namespace the runtime's workflows run in (created by the namespace task)."
  type        = string
}

variable "namespace_retention" {
  description = "How long closed workflows' histories are kept."
  type        = string
  default     = "7d"
}

variable "cluster_arn" {
  description = "Cluster of the Temporal service."
  type        = string
}

variable "service_connect_namespace_arn" {
  description = "Service Connect namespace (the runtime reaches Temporal as temporal:7233)."
  type        = string
}

variable "vpc_id" {
  description = "VPC of the service and its database."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets."
  type        = list(string)
}

variable "client_security_groups" {
  description = "Security groups of the tasks that call Temporal (API, workers), by name."
  type        = map(string)
}

variable "database_instance_class" {
  description = "RDS instance class of Temporal's own database."
  type        = string
  default     = "db.t4g.medium"
}

variable "multi_az" {
  description = "Standby for Temporal's database."
  type        = bool
  default     = true
}

variable "deletion_protection" {
  description = "Refuse to delete Temporal's database."
  type        = bool
  default     = true
}

variable "server_count" {
  description = "Temporal server tasks (all services in one process each)."
  type        = number
  default     = 2
}

variable "kms_key_arn" {
  description = "KMS key of logs, secrets and storage."
  type        = string
}

variable "monitoring_role_arn" {
  description = "IAM role of RDS Enhanced Monitoring."
  type        = string
}

variable "architecture" {
  description = "CPU architecture of the tasks."
  type        = string
  default     = "ARM64"
}
