#!/usr/bin/env bash
# Installs what is missing (Node 24, npm packages, the Temporal CLI), puts the agent-runtime
# CLI on PATH, and runs the whole runtime on its embedded defaults: PGlite and a Temporal dev
# server under .agent-runtime/.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ensure_node
ensure_npm_packages
ensure_console
ensure_cli_on_path
[ -n "${TEMPORAL_ADDRESS:-}" ] || ensure_temporal_cli
# A relative AR_AGENTS_MODULE means relative to where this script was started from.
if [ -n "${AR_AGENTS_MODULE:-}" ] && [[ "$AR_AGENTS_MODULE" != /* ]]; then
  export AR_AGENTS_MODULE="$PWD/$AR_AGENTS_MODULE"
fi
cd "$repo_root"
exec node services/embedded/src/main.ts
