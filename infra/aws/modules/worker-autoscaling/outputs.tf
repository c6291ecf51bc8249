output "api_sidecar" {
  description = "Container definition of the collector to add to the API task."
  value = {
    name                   = "metrics-collector"
    image                  = var.collector_image
    essential              = false
    readonlyRootFilesystem = true
    command                = ["--config=env:AOT_CONFIG_CONTENT"]
    environment            = [{ name = "AOT_CONFIG_CONTENT", value = local.collector_config }]
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.collector.name
        awslogs-region        = data.aws_region.current.region
        awslogs-stream-prefix = "collector"
      }
    }
  }
}

output "api_policy_json" {
  description = "What the API task role needs for the collector to publish the metric."
  value       = data.aws_iam_policy_document.publish.json
}

output "metric" {
  description = "Namespace, name and dimension of the backlog metric in CloudWatch."
  value       = { namespace = local.namespace, name = local.metric_name, dimensions = { status = "queued" } }
}
