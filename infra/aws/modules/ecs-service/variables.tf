variable "name" {
  description = "Name of the service, its task family, log group and roles (e.g. agent-runtime-prod-api)."
  type        = string
}

variable "discovery_name" {
  description = "Service Connect name other services call it by (api, keycloak, temporal); null: a client only."
  type        = string
  default     = null
}

variable "cluster_arn" {
  description = "Cluster the service runs in."
  type        = string
}

variable "service_connect_namespace_arn" {
  description = "Service Connect namespace of the cluster."
  type        = string
}

variable "create_service" {
  description = "Create an ECS service; false registers only the task definition, for one-off tasks (migrate, schema set-up)."
  type        = bool
  default     = true
}

variable "vpc_id" {
  description = "VPC of the tasks."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets of the tasks."
  type        = list(string)
}

variable "image" {
  description = "Image of the main container, by digest or immutable tag."
  type        = string
}

variable "command" {
  description = "Command of the main container; null keeps the image's."
  type        = list(string)
  default     = null
}

variable "cpu" {
  description = "Task CPU units (256, 512, 1024, 2048, 4096…)."
  type        = number
  default     = 512
}

variable "memory" {
  description = "Task memory in MiB."
  type        = number
  default     = 1024
}

variable "architecture" {
  description = "CPU architecture of the task (the image must be built for it)."
  type        = string
  default     = "ARM64"

  validation {
    condition     = contains(["ARM64", "X86_64"], var.architecture)
    error_message = "ARM64 or X86_64."
  }
}

variable "desired_count" {
  description = "Tasks to run (the autoscaling target's minimum takes over where autoscaling is set)."
  type        = number
  default     = 2
}

variable "container_port" {
  description = "Port the main container listens on; null for none (workers)."
  type        = number
  default     = null
}

variable "app_protocol" {
  description = "Service Connect protocol of the port: http, http2 or grpc."
  type        = string
  default     = "http"
}

variable "environment" {
  description = "Environment of the main container."
  type        = list(object({ name = string, value = string }))
  default     = []
}

variable "secrets" {
  description = "Variables filled from Secrets Manager at start (valueFrom: a secret ARN, or ARN:json-key::)."
  type        = list(object({ name = string, valueFrom = string }))
  default     = []
}

variable "health_check_command" {
  description = "Container health check (CMD form); null for none."
  type        = list(string)
  default     = null
}

variable "read_only_root_filesystem" {
  description = "Mount the image read-only; writable_paths get ephemeral volumes."
  type        = bool
  default     = true
}

variable "writable_paths" {
  description = "Paths given an empty, task-local writable volume (e.g. /tmp)."
  type        = list(string)
  default     = ["/tmp"]
}

variable "run_as_user" {
  description = "User (uid[:gid]) of the main container; null keeps the image's."
  type        = string
  default     = null
}

variable "sidecars" {
  description = "Further container definitions of the task (already in ECS JSON shape)."
  type        = list(any)
  default     = []
}

variable "task_role_policy_json" {
  description = "What the application may do in AWS (the task role's inline policy); null for nothing."
  type        = string
  default     = null
}

variable "load_balancer" {
  description = "Target group the service registers its container_port with; null for none."
  type        = object({ target_group_arn = string })
  default     = null
}

variable "ingress_security_groups" {
  description = "Security groups allowed to reach container_port, by a name known at plan time."
  type        = map(string)
  default     = {}
}

variable "extra_ingress_ports" {
  description = "Further ports the ingress_security_groups may reach (e.g. a health-check port)."
  type        = list(number)
  default     = []
}

variable "log_retention_days" {
  description = "Days the service's CloudWatch logs are kept."
  type        = number
  default     = 365
}

variable "kms_key_arn" {
  description = "KMS key of the log group and of the secrets the task reads."
  type        = string
}

variable "enable_execute_command" {
  description = "Allow `aws ecs execute-command` into the tasks (debugging)."
  type        = bool
  default     = false
}

variable "capacity_provider" {
  description = "FARGATE, or FARGATE_SPOT for interruptible work (workers finish in-flight activities on SIGTERM)."
  type        = string
  default     = "FARGATE"
}
