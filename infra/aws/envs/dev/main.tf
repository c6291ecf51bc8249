# dev: one NAT gateway, no standbys, small instances, workers on Fargate Spot, and nothing
# protected from deletion, so the environment can be torn down and rebuilt cheaply.

data "aws_caller_identity" "current" {}

module "platform" {
  source = "../../modules/platform"

  name                      = "agent-runtime-dev"
  image                     = "${data.aws_caller_identity.current.account_id}.dkr.ecr.${var.region}.amazonaws.com/agent-runtime-dev:${var.image_tag}"
  api_host                  = var.api_host
  auth_host                 = var.auth_host
  certificate_arn           = var.certificate_arn
  temporal_mode             = var.temporal_mode
  temporal_cloud_address    = var.temporal_cloud_address
  temporal_cloud_auth       = var.temporal_cloud_auth
  temporal_namespace        = var.temporal_namespace
  single_nat_gateway        = true
  multi_az                  = false
  deletion_protection       = false
  blob_bucket_force_destroy = true
  database_instance_class   = "db.t4g.micro"
  cache_node_type           = "cache.t4g.micro"
  log_level                 = "debug"
  log_retention_days        = 30
  api                       = { count = 1, cpu = 256, memory = 512 }
  workers                   = { min = 1, max = 4, cpu = 512, memory = 1024, backlog_per_step = 10, spot = true }
}
