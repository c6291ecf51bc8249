# The Fargate cluster. Services find each other through ECS Service Connect: the names the
# Compose file uses (`api:8080`, `keycloak:8080`, `temporal:7233`) resolve the same way here,
# so gateway/kong.yml needs no change.

resource "aws_service_discovery_http_namespace" "this" {
  name        = var.name
  description = "Service Connect names of ${var.name}"
}

resource "aws_cloudwatch_log_group" "exec" {
  name              = "/agent-runtime/${var.name}/ecs-exec"
  retention_in_days = 365
  kms_key_id        = var.kms_key_arn
}

resource "aws_ecs_cluster" "this" {
  name = var.name

  setting {
    name  = "containerInsights"
    value = "enhanced"
  }

  configuration {
    execute_command_configuration {
      kms_key_id = var.kms_key_arn
      logging    = "OVERRIDE"

      log_configuration {
        cloud_watch_encryption_enabled = true
        cloud_watch_log_group_name     = aws_cloudwatch_log_group.exec.name
      }
    }
  }

  service_connect_defaults {
    namespace = aws_service_discovery_http_namespace.this.arn
  }
}

resource "aws_ecs_cluster_capacity_providers" "this" {
  cluster_name       = aws_ecs_cluster.this.name
  capacity_providers = ["FARGATE", "FARGATE_SPOT"]

  default_capacity_provider_strategy {
    capacity_provider = "FARGATE"
    weight            = 1
  }
}
