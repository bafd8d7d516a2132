# shellcheck shell=bash
# Sourced by script/server and the production test: the demo state directory
# and the embedded demo clusters (packages/demo-cluster).
#
# MESH_DEMO_DIR is where the demo keeps its state (cluster state, demo CA,
# kubeconfigs, components created from the template, PostgreSQL for
# --production). It defaults to .demo/ at the root; the tests use a
# throw-away one so that they never touch it. app-config.yaml reads it.

# Makes MESH_DEMO_DIR absolute (the backend runs in another directory),
# creates it and puts the catalog Location of created components in it.
demo_dir_prepare() {
  MESH_DEMO_DIR="${MESH_DEMO_DIR:-$ROOT/.demo}"
  mkdir -p "$MESH_DEMO_DIR/catalog"
  MESH_DEMO_DIR="$(cd "$MESH_DEMO_DIR" && pwd)"
  export MESH_DEMO_DIR
  cp "$ROOT/examples/template/local-components.yaml" "$MESH_DEMO_DIR/local-components.yaml"
}

# Starts the demo clusters "dev" and "prod" on MESH_DEMO_DEV_PORT and
# MESH_DEMO_PROD_PORT (default 6551, 6552) and waits until both answer.
# Appends their process ids to the caller's `pids` array.
demo_clusters_start() {
  export MESH_DEMO_DEV_PORT="${MESH_DEMO_DEV_PORT:-6551}"
  export MESH_DEMO_PROD_PORT="${MESH_DEMO_PROD_PORT:-6552}"
  local dir="$MESH_DEMO_DIR" name port i attempt
  # name:port:namespaces the template's identity may write to (prod: none):
  # namespaces whose objects owners' changes may patch (mesh.changes)
  local specs=("dev:$MESH_DEMO_DEV_PORT:apps:shop,ops,finance,messaging,docs,apps"
    "prod:$MESH_DEMO_PROD_PORT::shop,ops") demo_pids=()
  local scaffolder_namespaces changes_namespaces
  for spec in "${specs[@]}"; do
    IFS=: read -r name port scaffolder_namespaces changes_namespaces <<< "$spec"
    log "Starting demo cluster '$name' on 127.0.0.1:$port (kubeconfig: $dir/$name.kubeconfig)"
    (cd "$ROOT" && exec yarn demo-cluster --port "$port" --name "$name" --scenario "$name" \
      --scaffolder-namespaces "$scaffolder_namespaces" \
      --changes-namespaces "$changes_namespaces" \
      --state "$dir/$name.state.json" --write-kubeconfig "$dir/$name.kubeconfig") \
      >"$dir/$name.log" 2>&1 &
    pids+=($!)
    demo_pids+=($!)
  done
  # Backstage reads the clusters at start-up: wait until both answer.
  for i in "${!specs[@]}"; do
    IFS=: read -r name port _ <<< "${specs[$i]}"
    for attempt in $(seq 1 240); do
      if [ -f "$dir/ca.crt" ] && curl -fsS --max-time 2 --cacert "$dir/ca.crt" \
        "https://127.0.0.1:$port/readyz" >/dev/null 2>&1; then
        break
      fi
      if ! kill -0 "${demo_pids[$i]}" 2>/dev/null; then
        log "Demo cluster '$name' failed to start; its log ($dir/$name.log):"
        cat "$dir/$name.log" >&2
        return 1
      fi
      if [ "$attempt" -eq 240 ]; then
        log "Demo cluster '$name' did not answer on 127.0.0.1:$port within 120 s; see $dir/$name.log"
        return 1
      fi
      sleep 0.5
    done
    log "Demo cluster '$name' is ready: KUBECONFIG=$dir/$name.kubeconfig kubectl get pods -A"
  done
}

# A TCP port free on 127.0.0.1 right now.
free_port() {
  node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

# Stops the processes in the caller's `pids` array: TERM, then KILL whatever
# still runs after 10 s (a production backend waits for its open requests,
# among them the events bus's long polls of up to 55 s).
stop_pids() {
  local pid attempt alive
  for pid in "${pids[@]:-}"; do
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  done
  for attempt in $(seq 1 20); do
    alive=""
    for pid in "${pids[@]:-}"; do
      [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && alive=1
    done
    [ -z "$alive" ] && return 0
    sleep 0.5
  done
  for pid in "${pids[@]:-}"; do
    [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true
  done
}
