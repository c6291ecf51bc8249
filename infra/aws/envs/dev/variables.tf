variable "region" {
  description = "AWS region of the environment."
  type        = string
}

variable "image_tag" {
  description = "Tag of the runtime image in the environment's ECR repository (CI pushes one per commit: the commit SHA)."
  type        = string
}

variable "api_host" {
  description = "Host name of the API (through Kong)."
  type        = string
}

variable "auth_host" {
  description = "Host name of Keycloak."
  type        = string
}

variable "certificate_arn" {
  description = "ACM certificate covering api_host and auth_host, in the same region."
  type        = string
}

variable "temporal_mode" {
  description = "cloud (Temporal Cloud) or self-hosted."
  type        = string
  default     = "cloud"
}

variable "temporal_cloud_address" {
  description = "Temporal Cloud endpoint, with temporal_mode = cloud."
  type        = string
  default     = ""
}

variable "temporal_cloud_auth" {
  description = "api-key or mtls, with temporal_mode = cloud."
  type        = string
  default     = "api-key"
}

variable "temporal_namespace" {
  description = "Namespace of the runtime's workflows."
  type        = string
}
