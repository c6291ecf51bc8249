# The environment's network, data stores and secrets.

module "network" {
  source = "../network"

  name                    = var.name
  cidr_block              = var.vpc_cidr_block
  availability_zone_count = var.availability_zone_count
  single_nat_gateway      = var.single_nat_gateway
  logs_kms_key_arn        = aws_kms_key.main.arn
}

module "ecr" {
  source = "../ecr"

  name        = var.name
  kms_key_arn = aws_kms_key.main.arn
}

module "database" {
  source = "../database"

  name                = var.name
  database_name       = "agent_runtime"
  username            = "agent_runtime"
  instance_class      = var.database_instance_class
  multi_az            = var.multi_az
  deletion_protection = var.deletion_protection
  vpc_id              = module.network.vpc_id
  subnet_ids          = module.network.private_subnet_ids
  kms_key_arn         = aws_kms_key.main.arn
  monitoring_role_arn = aws_iam_role.rds_monitoring.arn
  client_security_groups = {
    api     = module.api.security_group_id
    worker  = module.worker.security_group_id
    migrate = module.migrate.security_group_id
  }
}

module "keycloak_database" {
  source = "../database"

  name                = "${var.name}-keycloak"
  database_name       = "keycloak"
  username            = "keycloak"
  instance_class      = "db.t4g.micro"
  multi_az            = var.multi_az
  deletion_protection = var.deletion_protection
  vpc_id              = module.network.vpc_id
  subnet_ids          = module.network.private_subnet_ids
  kms_key_arn         = aws_kms_key.main.arn
  monitoring_role_arn = aws_iam_role.rds_monitoring.arn
  client_security_groups = {
    keycloak = module.keycloak.security_group_id
  }
}

module "cache" {
  source = "../cache"

  name        = var.name
  node_type   = var.cache_node_type
  replicas    = var.multi_az ? 1 : 0
  vpc_id      = module.network.vpc_id
  subnet_ids  = module.network.private_subnet_ids
  kms_key_arn = aws_kms_key.main.arn
  client_security_groups = {
    api    = module.api.security_group_id
    worker = module.worker.security_group_id
  }
}

module "blobs" {
  source = "../blob-bucket"

  name          = "${var.name}-blobs-${data.aws_caller_identity.current.account_id}"
  kms_key_arn   = aws_kms_key.main.arn
  force_destroy = var.blob_bucket_force_destroy
}

module "secrets" {
  source = "../secrets"

  name          = var.name
  kms_key_arn   = aws_kms_key.main.arn
  temporal_auth = var.temporal_mode == "cloud" ? var.temporal_cloud_auth : "none"
}

module "temporal" {
  source = "../temporal-self-hosted"
  count  = var.temporal_mode == "self-hosted" ? 1 : 0

  name                          = var.name
  namespace                     = var.temporal_namespace
  cluster_arn                   = module.cluster.cluster_arn
  service_connect_namespace_arn = module.cluster.service_connect_namespace_arn
  vpc_id                        = module.network.vpc_id
  subnet_ids                    = module.network.private_subnet_ids
  multi_az                      = var.multi_az
  deletion_protection           = var.deletion_protection
  architecture                  = var.architecture
  kms_key_arn                   = aws_kms_key.main.arn
  monitoring_role_arn           = aws_iam_role.rds_monitoring.arn
  client_security_groups = {
    api    = module.api.security_group_id
    worker = module.worker.security_group_id
  }
}
