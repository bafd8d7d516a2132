#!/usr/bin/env bash
# script/test production: the production build (script/lib/production.sh,
# the steps of the Dockerfile), two backend replicas on one PostgreSQL and
# the demo clusters, all on free ports and in a throw-away directory, then
# e2e/production in Playwright against them. Leaves nothing behind: not in
# .demo/, not in the system.
set -euo pipefail
source "$(dirname "$0")/env.sh"
source "$ROOT/script/lib/demo.sh"
source "$ROOT/script/lib/production.sh"
cd "$ROOT"

production_build
production_install

# Readable by the `postgres` user, which runs PostgreSQL when this runs as root.
MESH_DEMO_DIR="$(mktemp -d "${TMPDIR:-/tmp}/mesh-production-test.XXXXXX")"
chmod 755 "$MESH_DEMO_DIR"
export MESH_DEMO_DIR

pids=()
passed=""
cleanup() {
  stop_pids
  "$ROOT/script/lib/postgres.sh" stop "$MESH_DEMO_DIR/postgres" || true
  if [ -z "$passed" ]; then
    for f in "$MESH_DEMO_DIR"/backend-*.log; do
      [ -f "$f" ] || continue
      log "The last lines of $(basename "$f"):"
      grep -v '"level":"debug"' "$f" | tail -25 | cut -c1-600 >&2
    done
  fi
  rm -rf "$MESH_DEMO_DIR"
}
trap cleanup EXIT INT TERM

demo_dir_prepare
MESH_DEMO_DEV_PORT="$(free_port)" MESH_DEMO_PROD_PORT="$(free_port)" \
  MESH_DEMO_DEV_METRICS_PORT="$(free_port)" MESH_DEMO_PROD_METRICS_PORT="$(free_port)" demo_clusters_start

postgres_env="$(MESH_POSTGRES_THROWAWAY=1 "$ROOT/script/lib/postgres.sh" start "$MESH_DEMO_DIR/postgres" "$(free_port)")"
set -a
eval "$postgres_env"
set +a

replicas=()
for name in a b; do
  export MESH_BACKEND_PORT
  MESH_BACKEND_PORT="$(free_port)"
  log "Starting backend replica $name on :$MESH_BACKEND_PORT"
  production_backend_start "$MESH_DEMO_DIR/backend-$name.log"
  pids+=("$backend_pid")
  production_backend_wait "$backend_pid" "$MESH_DEMO_DIR/backend-$name.log" "$MESH_BACKEND_PORT"
  replicas+=("http://localhost:$MESH_BACKEND_PORT")
done

MESH_PRODUCTION_REPLICAS="$(IFS=,; echo "${replicas[*]}")" \
  yarn playwright test -c playwright.production.config.ts
passed=1
