variable "name" {
  description = "Name of the load balancer and prefix of its target groups."
  type        = string
}

variable "vpc_id" {
  description = "VPC of the load balancer."
  type        = string
}

variable "public_subnet_ids" {
  description = "Public subnets the load balancer listens in."
  type        = list(string)
}

variable "certificate_arn" {
  description = "ACM certificate of the HTTPS listener, covering api_host and auth_host."
  type        = string
}

variable "auth_host" {
  description = "Host name routed to Keycloak (e.g. auth.example.com); every other host goes to Kong."
  type        = string
}

variable "allowed_cidrs" {
  description = "Client networks allowed to reach the load balancer."
  type        = list(string)
  default     = ["0.0.0.0/0"]
}

variable "deletion_protection" {
  description = "Refuse to delete the load balancer."
  type        = bool
  default     = true
}

variable "kms_key_arn" {
  description = "KMS key of the WAF log group."
  type        = string
}

variable "access_log_retention_days" {
  description = "Days the access logs are kept."
  type        = number
  default     = 90
}
