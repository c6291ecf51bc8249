# Temporal run by us instead of Temporal Cloud: the server (every Temporal service in one
# process per task) on ECS with its own RDS PostgreSQL, plus two one-off tasks from the
# admin-tools image: `schema` creates and upgrades the databases (run before the server
# starts and before each server upgrade), `namespace` creates the runtime's namespace.

locals {
  sql_tls = {
    # Encrypted; the Temporal images do not carry the RDS CA bundle, so the host is not verified.
    SQL_TLS_ENABLED       = "true"
    SQL_HOST_VERIFICATION = "false"
  }
  schema_script = join(" && ", [
    "temporal-sql-tool --plugin postgres12 --ep \"$POSTGRES_SEEDS\" -u \"$POSTGRES_USER\" -p 5432 --tls --tls-disable-host-verification --db temporal create-database || true",
    "temporal-sql-tool --plugin postgres12 --ep \"$POSTGRES_SEEDS\" -u \"$POSTGRES_USER\" -p 5432 --tls --tls-disable-host-verification --db temporal setup-schema -v 0.0",
    "temporal-sql-tool --plugin postgres12 --ep \"$POSTGRES_SEEDS\" -u \"$POSTGRES_USER\" -p 5432 --tls --tls-disable-host-verification --db temporal update-schema -d /etc/temporal/schema/postgresql/v12/temporal/versioned",
    "temporal-sql-tool --plugin postgres12 --ep \"$POSTGRES_SEEDS\" -u \"$POSTGRES_USER\" -p 5432 --tls --tls-disable-host-verification --db temporal_visibility create-database || true",
    "temporal-sql-tool --plugin postgres12 --ep \"$POSTGRES_SEEDS\" -u \"$POSTGRES_USER\" -p 5432 --tls --tls-disable-host-verification --db temporal_visibility setup-schema -v 0.0",
    "temporal-sql-tool --plugin postgres12 --ep \"$POSTGRES_SEEDS\" -u \"$POSTGRES_USER\" -p 5432 --tls --tls-disable-host-verification --db temporal_visibility update-schema -d /etc/temporal/schema/postgresql/v12/visibility/versioned",
  ])
}

module "database" {
  source = "../database"

  name                = "${var.name}-temporal"
  database_name       = "temporal"
  username            = "temporal"
  instance_class      = var.database_instance_class
  multi_az            = var.multi_az
  deletion_protection = var.deletion_protection
  vpc_id              = var.vpc_id
  subnet_ids          = var.subnet_ids
  kms_key_arn         = var.kms_key_arn
  monitoring_role_arn = var.monitoring_role_arn
  client_security_groups = {
    temporal-server = module.server.security_group_id
    temporal-schema = module.schema.security_group_id
  }
}

module "server" {
  source = "../ecs-service"

  name                          = "${var.name}-temporal"
  discovery_name                = "temporal"
  cluster_arn                   = var.cluster_arn
  service_connect_namespace_arn = var.service_connect_namespace_arn
  vpc_id                        = var.vpc_id
  subnet_ids                    = var.subnet_ids
  image                         = var.server_image
  architecture                  = var.architecture
  cpu                           = 1024
  memory                        = 2048
  desired_count                 = var.server_count
  container_port                = 7233
  app_protocol                  = "grpc"
  # The server renders its configuration file at start.
  read_only_root_filesystem = false
  ingress_security_groups   = var.client_security_groups
  kms_key_arn               = var.kms_key_arn
  environment = [for name, value in merge(local.sql_tls, {
    DB                = "postgres12"
    DB_PORT           = "5432"
    POSTGRES_SEEDS    = module.database.address
    POSTGRES_USER     = module.database.username
    DBNAME            = "temporal"
    VISIBILITY_DBNAME = "temporal_visibility"
  }) : { name = name, value = value }]
  secrets = [{ name = "POSTGRES_PWD", valueFrom = module.database.password_secret_arn }]
}

module "schema" {
  source = "../ecs-service"

  name                          = "${var.name}-temporal-schema"
  create_service                = false
  cluster_arn                   = var.cluster_arn
  service_connect_namespace_arn = var.service_connect_namespace_arn
  vpc_id                        = var.vpc_id
  subnet_ids                    = var.subnet_ids
  image                         = var.admin_tools_image
  architecture                  = var.architecture
  command                       = ["sh", "-ec", local.schema_script]
  kms_key_arn                   = var.kms_key_arn
  environment = [
    { name = "POSTGRES_SEEDS", value = module.database.address },
    { name = "POSTGRES_USER", value = module.database.username },
  ]
  secrets = [{ name = "SQL_PASSWORD", valueFrom = module.database.password_secret_arn }]
}

module "namespace" {
  source = "../ecs-service"

  name                          = "${var.name}-temporal-namespace"
  create_service                = false
  cluster_arn                   = var.cluster_arn
  service_connect_namespace_arn = var.service_connect_namespace_arn
  vpc_id                        = var.vpc_id
  subnet_ids                    = var.subnet_ids
  image                         = var.admin_tools_image
  architecture                  = var.architecture
  command = ["sh", "-ec", join(" ", [
    "temporal operator namespace describe --namespace \"$NAMESPACE\" ||",
    "temporal operator namespace create --namespace \"$NAMESPACE\" --retention \"$RETENTION\"",
  ])]
  kms_key_arn = var.kms_key_arn
  environment = [
    { name = "TEMPORAL_ADDRESS", value = "temporal:7233" },
    { name = "NAMESPACE", value = var.namespace },
    { name = "RETENTION", value = var.namespace_retention },
  ]
}

# The namespace task calls the server like any client does.
resource "aws_vpc_security_group_ingress_rule" "namespace_task" {
  security_group_id            = module.server.security_group_id
  description                  = "Temporal frontend from the namespace task"
  referenced_security_group_id = module.namespace.security_group_id
  from_port                    = 7233
  to_port                      = 7233
  ip_protocol                  = "tcp"
}
