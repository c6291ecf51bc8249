variable "name" {
  description = "Prefix of every resource (agent-runtime-<environment>)."
  type        = string
}

variable "image" {
  description = "The runtime image (API, worker and migrate), by immutable tag or digest: <repository_url>:<tag>."
  type        = string
}

variable "api_host" {
  description = "Host name clients reach the API at through Kong (e.g. api.example.com)."
  type        = string
}

variable "auth_host" {
  description = "Host name of Keycloak (e.g. auth.example.com)."
  type        = string
}

variable "certificate_arn" {
  description = "ACM certificate for api_host and auth_host."
  type        = string
}

variable "allowed_cidrs" {
  description = "Client networks allowed to reach the load balancer."
  type        = list(string)
  default     = ["0.0.0.0/0"]
}

variable "vpc_cidr_block" {
  description = "CIDR block of the VPC."
  type        = string
  default     = "10.40.0.0/16"
}

variable "availability_zone_count" {
  description = "Availability zones to spread over."
  type        = number
  default     = 2
}

variable "single_nat_gateway" {
  description = "One NAT gateway for all zones (dev)."
  type        = bool
  default     = false
}

variable "architecture" {
  description = "CPU architecture the image is built for (ARM64 or X86_64)."
  type        = string
  default     = "ARM64"
}

variable "temporal_mode" {
  description = "`cloud` (Temporal Cloud, the default) or `self-hosted` (temporalio/server on ECS with its own database)."
  type        = string
  default     = "cloud"

  validation {
    condition     = contains(["cloud", "self-hosted"], var.temporal_mode)
    error_message = "cloud or self-hosted."
  }
}

variable "temporal_cloud_address" {
  description = "Temporal Cloud endpoint (<namespace>.<account>.tmprl.cloud:7233, or the regional API-key endpoint); with temporal_mode = cloud."
  type        = string
  default     = ""
}

variable "temporal_cloud_auth" {
  description = "How the runtime authenticates to Temporal Cloud: api-key or mtls."
  type        = string
  default     = "api-key"

  validation {
    condition     = contains(["api-key", "mtls"], var.temporal_cloud_auth)
    error_message = "api-key or mtls."
  }
}

variable "temporal_namespace" {
  description = "Namespace of the runtime's workflows (Temporal Cloud: <namespace>.<account>)."
  type        = string
}

variable "database_instance_class" {
  description = "RDS instance class of the runtime's database."
  type        = string
  default     = "db.t4g.medium"
}

variable "multi_az" {
  description = "Standby databases and cache replicas in a second zone."
  type        = bool
  default     = true
}

variable "deletion_protection" {
  description = "Protect databases and the load balancer from deletion."
  type        = bool
  default     = true
}

variable "cache_node_type" {
  description = "ElastiCache node type."
  type        = string
  default     = "cache.t4g.small"
}

variable "api" {
  description = "Size of the API service."
  type        = object({ count = number, cpu = number, memory = number })
  default     = { count = 2, cpu = 512, memory = 1024 }
}

variable "workers" {
  description = "Size of the worker service and its autoscaling bounds."
  type = object({
    min              = number
    max              = number
    cpu              = number
    memory           = number
    backlog_per_step = number
    spot             = bool
  })
  default = { min = 2, max = 20, cpu = 1024, memory = 2048, backlog_per_step = 20, spot = false }
}

variable "kong_image" {
  description = "Kong image (DB-less, gateway/kong.yml)."
  type        = string
  default     = "kong:3.9"
}

variable "keycloak_image" {
  description = "Keycloak image."
  type        = string
  default     = "quay.io/keycloak/keycloak:26.4.5"
}

variable "log_level" {
  description = "LOG_LEVEL of the runtime."
  type        = string
  default     = "info"
}

variable "log_retention_days" {
  description = "Days CloudWatch keeps the services' logs."
  type        = number
  default     = 365
}

variable "blob_bucket_force_destroy" {
  description = "Let a destroy delete the blob bucket with its objects (dev only)."
  type        = bool
  default     = false
}
