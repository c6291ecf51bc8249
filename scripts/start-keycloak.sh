#!/usr/bin/env bash
# Runs Keycloak locally with the realm of auth/ on http://127.0.0.1:${KEYCLOAK_PORT:-8180}
# (installing it first, see ensure_keycloak), its H2 file database under .tools/keycloak-*/data.
# For development only: plain HTTP, sample users with dev-only passwords, admin/admin unless
# KC_BOOTSTRAP_ADMIN_USERNAME/PASSWORD say otherwise. The realm is imported at the first start
# and skipped later, so delete .tools/keycloak-*/data/h2 to import a changed realm again.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ensure_keycloak
mkdir -p "$KEYCLOAK_HOME/data/import"
cp "$repo_root/auth/realm-agent-runtime.json" "$KEYCLOAK_HOME/data/import/"
port=${KEYCLOAK_PORT:-8180}
log "Keycloak on http://127.0.0.1:$port, issuer http://127.0.0.1:$port/realms/agent-runtime"
# `start --optimized` with the options ensure_keycloak built; start-dev would rebuild the shared
# installation for its dev profile under the tests' feet.
export KC_BOOTSTRAP_ADMIN_USERNAME=${KC_BOOTSTRAP_ADMIN_USERNAME:-admin}
export KC_BOOTSTRAP_ADMIN_PASSWORD=${KC_BOOTSTRAP_ADMIN_PASSWORD:-admin}
export JAVA_OPTS_APPEND=--add-opens=java.base/java.lang=ALL-UNNAMED
exec "$KEYCLOAK_HOME/bin/kc.sh" start --optimized --import-realm --http-enabled=true \
  --http-host=127.0.0.1 "--http-port=$port" --http-management-port="${KEYCLOAK_MANAGEMENT_PORT:-9180}" \
  --hostname-strict=false
