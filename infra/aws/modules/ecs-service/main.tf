# One Fargate task definition and, unless it is a one-off task, its service: logs to CloudWatch,
# secrets injected by ECS from Secrets Manager, a security group of its own, Service Connect
# for names, rolling deployments that roll back when new tasks do not become healthy.

data "aws_region" "current" {}

locals {
  main_container = merge(
    {
      name                   = "main"
      image                  = var.image
      essential              = true
      environment            = var.environment
      secrets                = var.secrets
      readonlyRootFilesystem = var.read_only_root_filesystem
      mountPoints            = [for index, path in var.writable_paths : { sourceVolume = "writable-${index}", containerPath = path, readOnly = false }]
      linuxParameters        = { initProcessEnabled = true }
      stopTimeout            = 60
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.this.name
          awslogs-region        = data.aws_region.current.region
          awslogs-stream-prefix = "main"
        }
      }
      portMappings = var.container_port == null ? [] : [{
        name          = "main"
        containerPort = var.container_port
        protocol      = "tcp"
        appProtocol   = var.app_protocol
      }]
    },
    var.command == null ? {} : { command = var.command },
    var.run_as_user == null ? {} : { user = var.run_as_user },
    var.health_check_command == null ? {} : {
      healthCheck = { command = var.health_check_command, interval = 15, timeout = 5, retries = 3, startPeriod = 60 }
    },
  )
  secret_arns = distinct([for secret in var.secrets : regex("^(arn:[^:]+:secretsmanager:[^:]+:[0-9]+:secret:[^:]+)", secret.valueFrom)[0]])
}

resource "aws_cloudwatch_log_group" "this" {
  # checkov:skip=CKV_AWS_338:retention is the environment's choice (log_retention_days): 365 days by default and in prod, 30 in dev
  name              = "/agent-runtime/${var.name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
}

data "aws_iam_policy_document" "assume_ecs_tasks" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
  }
}

# The execution role: what ECS does to start the task (pull the image, write logs, read secrets).
resource "aws_iam_role" "execution" {
  name               = "${var.name}-execution"
  assume_role_policy = data.aws_iam_policy_document.assume_ecs_tasks.json
}

resource "aws_iam_role_policy_attachment" "execution" {
  role       = aws_iam_role.execution.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

data "aws_iam_policy_document" "read_secrets" {
  # The count follows the list's length, known at plan time; the ARNs may only be known at apply.
  count = length(var.secrets) > 0 ? 1 : 0

  statement {
    actions   = ["secretsmanager:GetSecretValue"]
    resources = local.secret_arns
  }

  statement {
    actions   = ["kms:Decrypt"]
    resources = [var.kms_key_arn]
  }
}

resource "aws_iam_role_policy" "read_secrets" {
  count  = length(var.secrets) > 0 ? 1 : 0
  name   = "read-task-secrets"
  role   = aws_iam_role.execution.id
  policy = data.aws_iam_policy_document.read_secrets[0].json
}

# The task role: what the application itself may do.
resource "aws_iam_role" "task" {
  name               = "${var.name}-task"
  assume_role_policy = data.aws_iam_policy_document.assume_ecs_tasks.json
}

resource "aws_iam_role_policy" "task" {
  count  = var.task_role_policy_json == null ? 0 : 1
  name   = "application"
  role   = aws_iam_role.task.id
  policy = var.task_role_policy_json
}

data "aws_iam_policy_document" "execute_command" {
  statement {
    actions = [
      "ssmmessages:CreateControlChannel",
      "ssmmessages:CreateDataChannel",
      "ssmmessages:OpenControlChannel",
      "ssmmessages:OpenDataChannel",
    ]
    resources = ["*"] # these actions take no resource (they act on the task's own session)
  }
}

resource "aws_iam_role_policy" "execute_command" {
  count  = var.enable_execute_command ? 1 : 0
  name   = "execute-command"
  role   = aws_iam_role.task.id
  policy = data.aws_iam_policy_document.execute_command.json
}

resource "aws_ecs_task_definition" "this" {
  family                   = var.name
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.cpu
  memory                   = var.memory
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.task.arn
  container_definitions    = jsonencode(concat([local.main_container], var.sidecars))

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = var.architecture
  }

  dynamic "volume" {
    for_each = var.writable_paths
    content {
      name = "writable-${volume.key}"
    }
  }
}

resource "aws_security_group" "this" {
  name        = var.name
  description = "Tasks of ${var.name}"
  vpc_id      = var.vpc_id
}

# Tasks call out: the database, Valkey, S3, Temporal, model providers and MCP servers.
resource "aws_vpc_security_group_egress_rule" "all" {
  security_group_id = aws_security_group.this.id
  description       = "Outbound to backends, AWS APIs and model providers"
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "-1"
}

locals {
  ingress_ports = var.container_port == null ? [] : concat([var.container_port], var.extra_ingress_ports)
  ingress = {
    for pair in setproduct(keys(var.ingress_security_groups), local.ingress_ports) :
    "${pair[0]}-${pair[1]}" => { caller = pair[0], port = pair[1] }
  }
}

resource "aws_vpc_security_group_ingress_rule" "callers" {
  for_each                     = local.ingress
  security_group_id            = aws_security_group.this.id
  description                  = "${var.name} port ${each.value.port} from ${each.value.caller}"
  referenced_security_group_id = var.ingress_security_groups[each.value.caller]
  from_port                    = each.value.port
  to_port                      = each.value.port
  ip_protocol                  = "tcp"
}

resource "aws_ecs_service" "this" {
  count                              = var.create_service ? 1 : 0
  name                               = var.name
  cluster                            = var.cluster_arn
  task_definition                    = aws_ecs_task_definition.this.arn
  desired_count                      = var.desired_count
  enable_execute_command             = var.enable_execute_command
  enable_ecs_managed_tags            = true
  propagate_tags                     = "SERVICE"
  deployment_minimum_healthy_percent = 100
  deployment_maximum_percent         = 200
  health_check_grace_period_seconds  = var.load_balancer == null ? null : 120

  capacity_provider_strategy {
    capacity_provider = var.capacity_provider
    weight            = 1
  }

  network_configuration {
    subnets          = var.subnet_ids
    security_groups  = [aws_security_group.this.id]
    assign_public_ip = false
  }

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  dynamic "load_balancer" {
    for_each = var.load_balancer == null ? [] : [var.load_balancer]
    content {
      target_group_arn = load_balancer.value.target_group_arn
      container_name   = "main"
      container_port   = var.container_port
    }
  }

  service_connect_configuration {
    enabled   = true
    namespace = var.service_connect_namespace_arn

    dynamic "service" {
      for_each = var.discovery_name == null || var.container_port == null ? [] : [var.discovery_name]
      content {
        port_name      = "main"
        discovery_name = service.value

        client_alias {
          dns_name = service.value
          port     = var.container_port
        }
      }
    }
  }

  # Autoscaling owns the count of scaled services once they exist.
  lifecycle {
    ignore_changes = [desired_count]
  }
}
