#!/usr/bin/env bash
# Installs what is missing (Node 24, npm packages, the Temporal CLI) and runs the whole
# runtime on its embedded defaults: PGlite and a Temporal dev server under .agent-runtime/.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ensure_node
ensure_npm_packages
[ -n "${TEMPORAL_ADDRESS:-}" ] || ensure_temporal_cli
cd "$repo_root"
exec node services/embedded/src/main.ts
