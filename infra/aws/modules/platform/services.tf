# The load balancer, the cluster and the services: Kong in front of the API, the workers
# (scaled on the run backlog), Keycloak, and the one-off migrate task.

module "load_balancer" {
  source = "../load-balancer"

  name                = var.name
  vpc_id              = module.network.vpc_id
  public_subnet_ids   = module.network.public_subnet_ids
  certificate_arn     = var.certificate_arn
  auth_host           = var.auth_host
  allowed_cidrs       = var.allowed_cidrs
  deletion_protection = var.deletion_protection
  kms_key_arn         = aws_kms_key.main.arn
}

module "cluster" {
  source = "../ecs-cluster"

  name        = var.name
  vpc_id      = module.network.vpc_id
  kms_key_arn = aws_kms_key.main.arn
}

locals {
  temporal_address = var.temporal_mode == "cloud" ? var.temporal_cloud_address : module.temporal[0].address
  # Node has no curl in the slim image: the health check is a fetch.
  api_health_check = ["CMD", "node", "-e", "fetch('http://127.0.0.1:8080/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
  service_defaults = {
    cluster_arn                   = module.cluster.cluster_arn
    service_connect_namespace_arn = module.cluster.service_connect_namespace_arn
    vpc_id                        = module.network.vpc_id
    subnet_ids                    = module.network.private_subnet_ids
  }
}

module "runtime_env" {
  source = "../runtime-env"

  database_url                 = module.database.url
  database_password_secret_arn = module.database.password_secret_arn
  redis_url                    = module.cache.url
  blob_bucket                  = module.blobs.bucket
  region                       = data.aws_region.current.region
  temporal_address             = local.temporal_address
  temporal_namespace           = var.temporal_namespace
  temporal_secret_arns         = module.secrets.temporal_secret_arns
  master_keys_secret_arn       = module.secrets.master_keys_arn
  bootstrap_api_key_secret_arn = module.secrets.bootstrap_api_key_arn
  oidc_issuer                  = "https://${var.auth_host}/realms/agent-runtime"
  oidc_jwks_url                = "http://keycloak:8080/realms/agent-runtime/protocol/openid-connect/certs"
  log_level                    = var.log_level
}

data "aws_iam_policy_document" "blobs" {
  statement {
    actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"]
    resources = ["${module.blobs.arn}/*"]
  }

  statement {
    actions   = ["s3:ListBucket"]
    resources = [module.blobs.arn]
  }

  statement {
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [aws_kms_key.main.arn]
  }
}

data "aws_iam_policy_document" "api" {
  source_policy_documents = [data.aws_iam_policy_document.blobs.json, module.worker_autoscaling.api_policy_json]
}

module "api" {
  source = "../ecs-service"

  name                          = "${var.name}-api"
  discovery_name                = "api"
  cluster_arn                   = local.service_defaults.cluster_arn
  service_connect_namespace_arn = local.service_defaults.service_connect_namespace_arn
  vpc_id                        = local.service_defaults.vpc_id
  subnet_ids                    = local.service_defaults.subnet_ids
  image                         = var.image
  architecture                  = var.architecture
  command                       = ["node", "services/api/src/main.ts"]
  cpu                           = var.api.cpu
  memory                        = var.api.memory
  desired_count                 = var.api.count
  container_port                = 8080
  environment                   = module.runtime_env.api.environment
  secrets                       = module.runtime_env.api.secrets
  health_check_command          = local.api_health_check
  sidecars                      = [module.worker_autoscaling.api_sidecar]
  task_role_policy_json         = data.aws_iam_policy_document.api.json
  ingress_security_groups       = { kong = module.kong.security_group_id }
  log_retention_days            = var.log_retention_days
  kms_key_arn                   = aws_kms_key.main.arn
}

module "worker" {
  source = "../ecs-service"

  name                          = "${var.name}-worker"
  cluster_arn                   = local.service_defaults.cluster_arn
  service_connect_namespace_arn = local.service_defaults.service_connect_namespace_arn
  vpc_id                        = local.service_defaults.vpc_id
  subnet_ids                    = local.service_defaults.subnet_ids
  image                         = var.image
  architecture                  = var.architecture
  command                       = ["node", "services/worker/src/main.ts"]
  cpu                           = var.workers.cpu
  memory                        = var.workers.memory
  desired_count                 = var.workers.min
  capacity_provider             = var.workers.spot ? "FARGATE_SPOT" : "FARGATE"
  environment                   = module.runtime_env.worker.environment
  secrets                       = module.runtime_env.worker.secrets
  task_role_policy_json         = data.aws_iam_policy_document.blobs.json
  log_retention_days            = var.log_retention_days
  kms_key_arn                   = aws_kms_key.main.arn
}

module "worker_autoscaling" {
  source = "../worker-autoscaling"

  name                = var.name
  cluster_name        = module.cluster.cluster_name
  worker_service_name = module.worker.service_name
  min_workers         = var.workers.min
  max_workers         = var.workers.max
  backlog_per_step    = var.workers.backlog_per_step
  kms_key_arn         = aws_kms_key.main.arn
}

# Run once before each rollout: aws ecs run-task --task-definition <migrate_task_definition_arn> …
module "migrate" {
  source = "../ecs-service"

  name                          = "${var.name}-migrate"
  create_service                = false
  cluster_arn                   = local.service_defaults.cluster_arn
  service_connect_namespace_arn = local.service_defaults.service_connect_namespace_arn
  vpc_id                        = local.service_defaults.vpc_id
  subnet_ids                    = local.service_defaults.subnet_ids
  image                         = var.image
  architecture                  = var.architecture
  command                       = ["node", "services/api/src/migrate-main.ts"]
  cpu                           = 256
  memory                        = 512
  environment                   = module.runtime_env.migrate.environment
  secrets                       = module.runtime_env.migrate.secrets
  log_retention_days            = var.log_retention_days
  kms_key_arn                   = aws_kms_key.main.arn
}

module "kong" {
  source = "../ecs-service"

  name                          = "${var.name}-kong"
  cluster_arn                   = local.service_defaults.cluster_arn
  service_connect_namespace_arn = local.service_defaults.service_connect_namespace_arn
  vpc_id                        = local.service_defaults.vpc_id
  subnet_ids                    = local.service_defaults.subnet_ids
  image                         = var.kong_image
  architecture                  = var.architecture
  cpu                           = 512
  memory                        = 1024
  desired_count                 = var.api.count
  container_port                = 8000
  health_check_command          = ["CMD", "kong", "health"]
  load_balancer                 = { target_group_arn = module.load_balancer.kong_target_group_arn }
  ingress_security_groups       = { load-balancer = module.load_balancer.security_group_id }
  log_retention_days            = var.log_retention_days
  kms_key_arn                   = aws_kms_key.main.arn
  environment = [for name, value in {
    KONG_DATABASE = "off"
    # Kong renders nginx.conf into its prefix at start: a directory on the writable /tmp volume.
    KONG_PREFIX = "/tmp/kong"
    # The same declarative file as Compose: `api:8080` resolves through Service Connect.
    KONG_DECLARATIVE_CONFIG_STRING = jsonencode(yamldecode(file("${path.module}/../../../../gateway/kong.yml")))
    KONG_PROXY_LISTEN              = "0.0.0.0:8000"
    KONG_ADMIN_LISTEN              = "off"
    KONG_STATUS_LISTEN             = "127.0.0.1:8100"
    KONG_PROXY_ACCESS_LOG          = "/dev/stdout"
    KONG_PROXY_ERROR_LOG           = "/dev/stderr"
    # The ALB is the only client Kong sees: trust its X-Forwarded-For for the client address.
    KONG_TRUSTED_IPS       = module.network.vpc_cidr_block
    KONG_REAL_IP_HEADER    = "X-Forwarded-For"
    KONG_REAL_IP_RECURSIVE = "on"
  } : { name = name, value = value }]
}

module "keycloak" {
  source = "../ecs-service"

  name                          = "${var.name}-keycloak"
  discovery_name                = "keycloak"
  cluster_arn                   = local.service_defaults.cluster_arn
  service_connect_namespace_arn = local.service_defaults.service_connect_namespace_arn
  vpc_id                        = local.service_defaults.vpc_id
  subnet_ids                    = local.service_defaults.subnet_ids
  image                         = var.keycloak_image
  architecture                  = var.architecture
  command                       = ["start"]
  cpu                           = 1024
  memory                        = 2048
  desired_count                 = var.multi_az ? 2 : 1
  container_port                = 8080
  extra_ingress_ports           = [9000]
  # Keycloak augments its build into /opt/keycloak/lib/quarkus at the first start.
  read_only_root_filesystem = false
  load_balancer             = { target_group_arn = module.load_balancer.keycloak_target_group_arn }
  # The API fetches the realm's signing keys over Service Connect (AR_OIDC_JWKS_URL).
  ingress_security_groups = { load-balancer = module.load_balancer.security_group_id, api = module.api.security_group_id }
  log_retention_days      = var.log_retention_days
  kms_key_arn             = aws_kms_key.main.arn
  environment = [for name, value in {
    KC_DB                       = "postgres"
    KC_DB_URL                   = "jdbc:postgresql://${module.keycloak_database.address}:${module.keycloak_database.port}/keycloak?sslmode=require"
    KC_DB_USERNAME              = module.keycloak_database.username
    KC_HOSTNAME                 = "https://${var.auth_host}"
    KC_PROXY_HEADERS            = "xforwarded"
    KC_HTTP_ENABLED             = "true"
    KC_HEALTH_ENABLED           = "true"
    KC_BOOTSTRAP_ADMIN_USERNAME = "bootstrap-admin"
  } : { name = name, value = value }]
  secrets = [
    { name = "KC_DB_PASSWORD", valueFrom = module.keycloak_database.password_secret_arn },
    { name = "KC_BOOTSTRAP_ADMIN_PASSWORD", valueFrom = module.secrets.keycloak_admin_password_arn },
  ]
}
