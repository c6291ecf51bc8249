# Valkey (Redis-compatible) on ElastiCache: run event fan-out, the run cache, rate-limit
# counters. It only ever holds copies (docs/architecture.md), so there are no snapshots to keep.
# Encrypted in transit (clients use rediss://, verified against Amazon's public CA) and at rest.

resource "aws_elasticache_subnet_group" "this" {
  name       = var.name
  subnet_ids = var.subnet_ids
}

resource "aws_security_group" "this" {
  name        = "${var.name}-valkey"
  description = "Valkey from the tasks that use ${var.name}"
  vpc_id      = var.vpc_id
}

resource "aws_vpc_security_group_ingress_rule" "clients" {
  for_each                     = var.client_security_groups
  security_group_id            = aws_security_group.this.id
  description                  = "Valkey from ${each.key}"
  referenced_security_group_id = each.value
  from_port                    = 6379
  to_port                      = 6379
  ip_protocol                  = "tcp"
}

resource "aws_elasticache_replication_group" "this" {
  # checkov:skip=CKV_AWS_31:traffic is TLS and only the API and worker security groups reach the port; an AUTH token would put a secret into REDIS_URL, which tasks receive as plain environment
  # checkov:skip=CKV2_AWS_50:failover follows `replicas` (dev runs one node to save cost; prod has a replica, which turns automatic failover on)
  replication_group_id       = var.name
  description                = "Agent Runtime live events, run cache and rate limits"
  engine                     = "valkey"
  engine_version             = var.engine_version
  node_type                  = var.node_type
  num_cache_clusters         = 1 + var.replicas
  automatic_failover_enabled = var.replicas > 0
  multi_az_enabled           = var.replicas > 0
  port                       = 6379
  subnet_group_name          = aws_elasticache_subnet_group.this.name
  security_group_ids         = [aws_security_group.this.id]
  at_rest_encryption_enabled = true
  kms_key_id                 = var.kms_key_arn
  transit_encryption_enabled = true
  transit_encryption_mode    = "required"
  auto_minor_version_upgrade = true
  snapshot_retention_limit   = 0
  apply_immediately          = false
}
