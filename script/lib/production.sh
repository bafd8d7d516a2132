# shellcheck shell=bash
# Sourced by script/server --production and script/test production: the
# production build of Backstage's "Building a Docker image" host build, run
# on this machine instead of in an image. The Dockerfile at the root runs
# the same steps; keep the two in step.
#
#   1. yarn tsc && yarn build:backend   -> packages/backend/dist/{skeleton,bundle}.tar.gz
#      (the backend bundle includes the frontend, served by the app backend)
#   2. skeleton + yarn.lock -> yarn workspaces focus --all --production
#   3. bundle, examples/ and app-config*.yaml unpacked beside them
#   4. node packages/backend --config ... (production_backend_start)
#
# Step 1 is skipped when the sources are unchanged since the last build, and
# the production dependencies of step 2 are kept in the user's cache
# (~/.cache/mesh-chain), keyed by the lockfile and manifests.

PRODUCTION_APP_DIR="$ROOT/.cache/production/app"
PRODUCTION_DEPS_CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/mesh-chain/production-deps"

# A hash of everything the bundle is built from.
production_sources_hash() {
  (
    cd "$ROOT"
    node --version
    cat package.json yarn.lock .yarnrc.yml backstage.json tsconfig.json
    git ls-files -z --cached --others --exclude-standard -- packages plugins ':!*.md' |
      sort -z | xargs -0 sha256sum 2>/dev/null
  ) | sha256sum | cut -c1-32
}

# Step 1: the backend bundle and skeleton, built again only when a source changed.
production_build() {
  local dist="$ROOT/packages/backend/dist" hash
  hash="$(production_sources_hash)"
  if [ -f "$dist/bundle.tar.gz" ] && [ -f "$dist/skeleton.tar.gz" ] &&
    [ "$(cat "$dist/.sources-hash" 2>/dev/null)" = "$hash" ]; then
    log "Production build is up to date (packages/backend/dist)"
    return
  fi
  log "Building for production: yarn tsc && yarn build:backend (a few minutes)"
  (cd "$ROOT" && yarn tsc && yarn build:backend)
  printf '%s' "$hash" >"$dist/.sources-hash"
}

# A hash of what the production dependencies are installed from.
production_deps_hash() {
  local dist="$ROOT/packages/backend/dist"
  (
    cd "$ROOT"
    node --version
    cat package.json yarn.lock .yarnrc.yml backstage.json
    tar -tzf "$dist/skeleton.tar.gz" | sort
    tar -xzOf "$dist/skeleton.tar.gz"
  ) | sha256sum | cut -c1-32
}

# Step 2: production dependencies, installed once per lockfile in the cache.
# The cache is shared by every checkout on the machine: callers hold its lock
# (production_install), so that two builds never install into, or prune,
# each other's directory.
production_deps() {
  local hash cached
  hash="$(production_deps_hash)"
  cached="$PRODUCTION_DEPS_CACHE/$hash"
  if [ -f "$cached/.complete" ]; then
    log "Production dependencies are installed ($cached)"
  else
    log "Installing production dependencies: yarn workspaces focus --all --production (a few minutes)"
    rm -rf "$cached.tmp"
    mkdir -p "$cached.tmp"
    cp "$ROOT/package.json" "$ROOT/yarn.lock" "$ROOT/.yarnrc.yml" "$ROOT/backstage.json" "$cached.tmp/"
    tar -xzf "$ROOT/packages/backend/dist/skeleton.tar.gz" -C "$cached.tmp"
    (cd "$cached.tmp" && yarn workspaces focus --all --production) >"$cached.tmp.log" 2>&1 || {
      tail -30 "$cached.tmp.log" >&2
      log "yarn workspaces focus failed; the whole log: $cached.tmp.log"
      return 1
    }
    touch "$cached.tmp/.complete"
    rm -rf "$cached"
    mv "$cached.tmp" "$cached"
    rm -f "$cached.tmp.log"
    # Keep the two most recent installs.
    ls -1dt "$PRODUCTION_DEPS_CACHE"/*/ 2>/dev/null | tail -n +3 | xargs -r rm -rf
  fi
  printf '%s' "$cached"
}

# Steps 2 and 3: PRODUCTION_APP_DIR holds the app as the image would.
production_install() {
  local deps lock
  mkdir -p "$PRODUCTION_DEPS_CACHE"
  exec {lock}>"$PRODUCTION_DEPS_CACHE/.lock"
  if ! flock -n "$lock"; then
    log "Waiting for another production build's dependencies ($PRODUCTION_DEPS_CACHE/.lock)"
    flock "$lock"
  fi
  deps="$(production_deps)" || { exec {lock}>&-; return 1; }
  if [ "$(cat "$PRODUCTION_APP_DIR/.deps" 2>/dev/null)" != "$deps" ]; then
    rm -rf "$PRODUCTION_APP_DIR"
    mkdir -p "$(dirname "$PRODUCTION_APP_DIR")"
    # Hard links: the dependencies are only read.
    cp -al "$deps" "$PRODUCTION_APP_DIR"
    printf '%s' "$deps" >"$PRODUCTION_APP_DIR/.deps"
  fi
  exec {lock}>&-
  rm -rf "$PRODUCTION_APP_DIR"/packages/*/dist "$PRODUCTION_APP_DIR"/plugins/*/dist "$PRODUCTION_APP_DIR/examples"
  tar -xzf "$ROOT/packages/backend/dist/bundle.tar.gz" -C "$PRODUCTION_APP_DIR"
  cp -r "$ROOT/examples" "$PRODUCTION_APP_DIR/examples"
  cp "$ROOT"/app-config*.yaml "$PRODUCTION_APP_DIR/"
  log "Production app ready in ${PRODUCTION_APP_DIR#"$ROOT/"}"
}

# Step 4: starts one backend on MESH_BACKEND_PORT with the production demo
# configuration; its log goes to $1. Sets `backend_pid`.
production_backend_start() {
  local logfile="$1"
  (
    cd "$PRODUCTION_APP_DIR"
    export NODE_ENV=production NODE_OPTIONS="--no-node-snapshot"
    exec node packages/backend --config app-config.yaml --config app-config.production-demo.yaml
  ) >"$logfile" 2>&1 &
  backend_pid=$!
}

# Waits until the backend on MESH_BACKEND_PORT is ready (or has exited).
production_backend_wait() {
  local pid="$1" logfile="$2" port="$3" attempt
  for attempt in $(seq 1 240); do
    if curl -fsS --max-time 2 "http://127.0.0.1:$port/.backstage/health/v1/readiness" >/dev/null 2>&1; then
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      log "The backend on :$port exited; the end of its log ($logfile):"
      tail -40 "$logfile" >&2
      return 1
    fi
    sleep 0.5
  done
  log "The backend on :$port was not ready within 120 s; see $logfile"
  return 1
}
