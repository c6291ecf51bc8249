variable "name" {
  description = "Prefix of the alarms, policies and the metrics log group."
  type        = string
}

variable "cluster_name" {
  description = "Cluster of the worker service."
  type        = string
}

variable "worker_service_name" {
  description = "The worker service to scale."
  type        = string
}

variable "min_workers" {
  description = "Workers kept running when the backlog is empty."
  type        = number
  default     = 2
}

variable "max_workers" {
  description = "Most workers the backlog may scale to."
  type        = number
  default     = 20
}

variable "backlog_per_step" {
  description = "Queued runs that add one worker (the alarm threshold; twice and four times it add more)."
  type        = number
  default     = 20
}

variable "collector_image" {
  description = "Image of the AWS Distro for OpenTelemetry collector that publishes the API's run gauge to CloudWatch."
  type        = string
  default     = "public.ecr.aws/aws-observability/aws-otel-collector:v0.43.3"
}

variable "api_port" {
  description = "Port of the API's /metrics inside its task."
  type        = number
  default     = 8080
}

variable "kms_key_arn" {
  description = "KMS key of the metrics log group."
  type        = string
}

variable "log_retention_days" {
  description = "Days the embedded-metric-format log events are kept."
  type        = number
  default     = 30
}
