# prod: a NAT gateway per zone, standby database and cache replica, deletion protection,
# at least two of every service, workers scaling from 2 to 20 on the run backlog.

data "aws_caller_identity" "current" {}

module "platform" {
  source = "../../modules/platform"

  name                    = "agent-runtime-prod"
  image                   = "${data.aws_caller_identity.current.account_id}.dkr.ecr.${var.region}.amazonaws.com/agent-runtime-prod:${var.image_tag}"
  api_host                = var.api_host
  auth_host               = var.auth_host
  certificate_arn         = var.certificate_arn
  temporal_mode           = var.temporal_mode
  temporal_cloud_address  = var.temporal_cloud_address
  temporal_cloud_auth     = var.temporal_cloud_auth
  temporal_namespace      = var.temporal_namespace
  availability_zone_count = 3
  single_nat_gateway      = false
  multi_az                = true
  deletion_protection     = true
  database_instance_class = "db.m7g.large"
  cache_node_type         = "cache.m7g.large"
  api                     = { count = 2, cpu = 1024, memory = 2048 }
  workers                 = { min = 2, max = 20, cpu = 1024, memory = 2048, backlog_per_step = 20, spot = false }
}
