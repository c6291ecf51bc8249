# Scales the workers on the backlog of runs: `agent_runtime_runs{status="queued"}`, the runs
# started (or admitted) that no worker has picked up yet, which the API serves at /metrics.
# A collector sidecar in the API task scrapes it every 30 s and publishes it to CloudWatch
# (embedded metric format); each API task reports the same database count, so alarms read
# its Maximum. Step scaling adds workers quickly and removes them one at a time.

data "aws_region" "current" {}

locals {
  namespace   = "AgentRuntime/${var.name}"
  metric_name = "agent_runtime_runs"
  collector_config = yamlencode({
    receivers = {
      prometheus = {
        config = {
          scrape_configs = [{
            job_name        = "agent-runtime-api"
            scrape_interval = "30s"
            metrics_path    = "/metrics"
            static_configs  = [{ targets = ["localhost:${var.api_port}"] }]
            metric_relabel_configs = [{
              source_labels = ["__name__"]
              regex         = local.metric_name
              action        = "keep"
            }]
          }]
        }
      }
    }
    exporters = {
      awsemf = {
        namespace                        = local.namespace
        log_group_name                   = aws_cloudwatch_log_group.metrics.name
        region                           = data.aws_region.current.region
        dimension_rollup_option          = "NoDimensionRollup"
        resource_to_telemetry_conversion = { enabled = false }
        metric_declarations = [{
          dimensions            = [["status"]]
          metric_name_selectors = [local.metric_name]
        }]
      }
    }
    service = {
      pipelines = {
        metrics = { receivers = ["prometheus"], exporters = ["awsemf"] }
      }
    }
  })
}

resource "aws_cloudwatch_log_group" "metrics" {
  # checkov:skip=CKV_AWS_338:these events only carry the backlog gauge into CloudWatch metrics, which keep it themselves (15 months)
  name              = "/agent-runtime/${var.name}/run-metrics"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
}

resource "aws_cloudwatch_log_group" "collector" {
  # checkov:skip=CKV_AWS_338:diagnostics of the metrics sidecar only; no request or audit data
  name              = "/agent-runtime/${var.name}/metrics-collector"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
}

data "aws_iam_policy_document" "publish" {
  statement {
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]
    resources = ["${aws_cloudwatch_log_group.metrics.arn}:*"]
  }
}

resource "aws_appautoscaling_target" "workers" {
  service_namespace  = "ecs"
  resource_id        = "service/${var.cluster_name}/${var.worker_service_name}"
  scalable_dimension = "ecs:service:DesiredCount"
  min_capacity       = var.min_workers
  max_capacity       = var.max_workers
}

resource "aws_appautoscaling_policy" "scale_out" {
  name               = "${var.name}-workers-scale-out"
  service_namespace  = aws_appautoscaling_target.workers.service_namespace
  resource_id        = aws_appautoscaling_target.workers.resource_id
  scalable_dimension = aws_appautoscaling_target.workers.scalable_dimension
  policy_type        = "StepScaling"

  step_scaling_policy_configuration {
    adjustment_type         = "ChangeInCapacity"
    cooldown                = 60
    metric_aggregation_type = "Maximum"

    # Bounds are relative to the alarm's threshold (backlog_per_step).
    step_adjustment {
      metric_interval_lower_bound = 0
      metric_interval_upper_bound = var.backlog_per_step
      scaling_adjustment          = 1
    }

    step_adjustment {
      metric_interval_lower_bound = var.backlog_per_step
      metric_interval_upper_bound = 3 * var.backlog_per_step
      scaling_adjustment          = 2
    }

    step_adjustment {
      metric_interval_lower_bound = 3 * var.backlog_per_step
      scaling_adjustment          = 4
    }
  }
}

resource "aws_appautoscaling_policy" "scale_in" {
  name               = "${var.name}-workers-scale-in"
  service_namespace  = aws_appautoscaling_target.workers.service_namespace
  resource_id        = aws_appautoscaling_target.workers.resource_id
  scalable_dimension = aws_appautoscaling_target.workers.scalable_dimension
  policy_type        = "StepScaling"

  step_scaling_policy_configuration {
    adjustment_type         = "ChangeInCapacity"
    cooldown                = 300
    metric_aggregation_type = "Maximum"

    step_adjustment {
      metric_interval_upper_bound = 0
      scaling_adjustment          = -1
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "backlog_high" {
  alarm_name          = "${var.name}-run-backlog-high"
  alarm_description   = "Queued runs outnumber what the workers take: add workers"
  namespace           = local.namespace
  metric_name         = local.metric_name
  dimensions          = { status = "queued" }
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 2
  comparison_operator = "GreaterThanOrEqualToThreshold"
  threshold           = var.backlog_per_step
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_appautoscaling_policy.scale_out.arn]
}

resource "aws_cloudwatch_metric_alarm" "backlog_empty" {
  alarm_name          = "${var.name}-run-backlog-empty"
  alarm_description   = "No queued runs for 15 minutes: remove a worker"
  namespace           = local.namespace
  metric_name         = local.metric_name
  dimensions          = { status = "queued" }
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 15
  comparison_operator = "LessThanOrEqualToThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_appautoscaling_policy.scale_in.arn]
}
