#!/usr/bin/env bash
# script/test install: the packages as a platform team installs them. Builds
# and packs each publishable package once, then for each supported Backstage
# release (the variants below) creates a fresh app with @backstage/create-app,
# bumps it to that release with `backstage-cli versions:bump`, follows each
# package README's "Install" section (script/lib/install/readme-steps.mjs runs
# its commands and edits), checks that no @backstage package our packages use
# is installed twice, type-checks the README's legacy EntityPage.tsx, then
# starts the app against the demo clusters (free ports, a throw-away
# directory) and checks it in Chromium: the Service Mesh tab, the overview
# card, the template and its actions.
#
# The variants:
#   pinned  the release the repository is on (backstage.json); its manifest
#           is the root package.json's resolutions.
#   newest  the newest release on the registry, recorded in
#           script/lib/install/newest-release.json (each @backstage package at
#           its `latest` dist-tag, made by newest-manifest.mjs: see there).
#           Each run says when the registry has moved past it.
#
# MESH_INSTALL_VARIANTS=pinned (or newest) runs one variant;
# MESH_INSTALL_NO_SERVER=1 stops before the servers (packing, install,
# duplicates, legacy tsc); MESH_INSTALL_KEEP=1 keeps the directory of a
# failed run.
# Cached in ~/.cache/mesh-chain/install, shared by the variants: the tarballs
# (while the packages' sources do not change), Yarn's package cache, the
# output of create-app; and per variant the app bumped to its release, which
# each run uses in place (see prepare_app). One run at a time uses the cache
# (it waits for $CACHE/.lock). Nothing is left in the repository or in
# .demo/.
set -euo pipefail
source "$(dirname "$0")/env.sh"
source "$ROOT/script/lib/demo.sh"
cd "$ROOT"

CREATE_APP_VERSION=0.9.2
PINNED_RELEASE="$(node -p 'require("./backstage.json").version')"
NEWEST_MANIFEST="$ROOT/script/lib/install/newest-release.json"
read -r -a VARIANTS <<< "${MESH_INSTALL_VARIANTS:-pinned newest}"
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/mesh-chain/install"
PACKAGES=(plugins/mesh-common plugins/mesh-node plugins/mesh plugins/mesh-backend plugins/scaffolder-backend-module-mesh)
# The READMEs whose Install sections an app follows, in the order a user would.
READMES=(plugins/mesh-backend/README.md plugins/scaffolder-backend-module-mesh/README.md plugins/mesh/README.md)

WORK="$(mktemp -d "${TMPDIR:-/tmp}/mesh-install-test.XXXXXX")"
mkdir -p "$CACHE"
# The app's own Yarn (its .yarn/releases) keeps its package cache here.
export YARN_GLOBAL_FOLDER="$CACHE/yarn"
export YARN_ENABLE_GLOBAL_CACHE=1
# The app's installs change its lockfile, as a user's do: not the immutable
# installs Yarn makes the default when CI is set.
export YARN_ENABLE_IMMUTABLE_INSTALLS=false

pids=()
passed=""
# What failed, and a file with its details, printed again at the end.
failure=""
failure_details=""
cleanup() {
  stop_app
  stop_pids
  if [ -z "$passed" ]; then
    local app_log="${VWORK:-$WORK}/app.log"
    [ -f "$app_log" ] && { log "The last lines of the app's log:"; tail -40 "$app_log" | cut -c1-600 >&2; }
    # Why it failed, last: what a CI log's tail shows.
    [ -n "$failure" ] && { log "[${VARIANT:-packages}] Failed: $failure"; [ -f "$failure_details" ] && cat "$failure_details" >&2; }
    if [ -n "${MESH_INSTALL_KEEP:-}" ]; then log "Kept $WORK (the app is in $CACHE)"; return; fi
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

app_pgid=""
stop_app() {
  [ -n "$app_pgid" ] || return 0
  kill -- "-$app_pgid" 2>/dev/null || true
  for _ in $(seq 1 20); do kill -0 -- "-$app_pgid" 2>/dev/null || break; sleep 0.5; done
  kill -9 -- "-$app_pgid" 2>/dev/null || true
  app_pgid=""
}

# Runs a step and logs how long it took; fails as the step does (also where
# set -e does not apply, as in an `if`).
timed() {
  local what="$1" t=$SECONDS rc=0
  shift
  "$@" || rc=$?
  log "[${VARIANT:-packages}] $what: $((SECONDS - t))s"
  return "$rc"
}

# The cache is changed in place: one run at a time. The wait is bounded, as
# a caller holding /tmp/e2e.lock may be waited for by the run holding this.
lock_cache() {
  exec 8>"$CACHE/.lock"
  if ! flock -n 8; then
    log "Waiting for another install run to finish with $CACHE (up to 30 min)"
    flock -w 1800 8 || { log "$CACHE is still in use by another run; set XDG_CACHE_HOME to use another cache"; return 1; }
  fi
}

# What the tarballs are made of: the packages' files, the template, the
# lockfile and the build configuration.
sources_key() {
  {
    cat yarn.lock package.json tsconfig.json
    find "${PACKAGES[@]}" examples/template -type f -not -path '*/node_modules/*' \
      -not -path '*/dist/*' -not -path '*/templates/*' -print0 | sort -z | xargs -0 sha256sum
  } | sha256sum | cut -c1-16
}

# Each package built with backstage-cli and packed with yarn pack, as for
# publishing, into $CACHE/tarballs-KEY (KEY: sources_key), which the apps'
# resolutions point at: a new build is a new path, so Yarn never takes an
# older tarball for it. Checks what ends up in each tarball.
build_and_pack() {
  local key dir name file
  key="$(sources_key)"
  TARBALLS="$CACHE/tarballs-$key"
  if [ -f "$TARBALLS/.complete" ]; then
    log "Packages unchanged since the last run: reusing their tarballs"
  else
    rm -rf "$TARBALLS.tmp" && mkdir -p "$TARBALLS.tmp"
    log "yarn tsc (the declarations backstage-cli package build bundles)"
    yarn tsc
    for dir in "${PACKAGES[@]}"; do
      name="$(node -p "require('./$dir/package.json').name")"
      file="$TARBALLS.tmp/$(basename "$dir").tgz"
      log "Building and packing $name"
      (cd "$dir" && yarn backstage-cli package build >/dev/null && yarn pack --out "$file" >/dev/null)
    done
    touch "$TARBALLS.tmp/.complete"
    find "$CACHE" -maxdepth 1 -name 'tarballs-*' ! -name "tarballs-$key.tmp" -exec rm -rf {} +
    mv "$TARBALLS.tmp" "$TARBALLS"
  fi
  for file in "$TARBALLS"/*.tgz; do
    node "$ROOT/script/lib/install/check-tarball.cjs" "$file"
  done
}

# The output of `npx @backstage/create-app` (no install), shared by the
# variants; cached per create-app version. Copied to $1 (a few MB).
create_app() {
  local cached="$CACHE/create-app-$CREATE_APP_VERSION"
  if [ ! -f "$cached/.complete" ]; then
    log "npx @backstage/create-app@$CREATE_APP_VERSION"
    rm -rf "$cached" "$cached.tmp" "$WORK/created"
    (cd "$WORK" && BACKSTAGE_APP_NAME=mesh-install-test \
      npx -y "@backstage/create-app@$CREATE_APP_VERSION" --path "$WORK/created" --skip-install </dev/null >"$WORK/create-app.log" 2>&1) ||
      { cat "$WORK/create-app.log" >&2; return 1; }
    touch "$WORK/created/.complete" && mv "$WORK/created" "$cached"
  fi
  cp -a "$cached" "$1" && rm "$1/.complete"
}

# The app as the README's first steps leave it: create-app's output, brought
# to the variant's release with `yarn backstage-cli versions:bump --release
# $RELEASE` (which installs). Cached per create-app version, release and
# variant with its node_modules (a cold install takes minutes, its native
# addons most), and used in place: it is a git repository (create-app makes
# one) whose commit `mesh-prepared` is the bumped app, so each run first puts
# back every file but node_modules as that commit has it (the READMEs' edits,
# the last run's package.json and yarn.lock, its app-config.local.yaml and
# dist-types go), and the READMEs' `yarn add`s then bring node_modules in
# line with that lockfile plus what they add, as for any user (Yarn's
# node_modules/.yarn-state.yml says what is installed: a package the READMEs
# no longer add, or our tarballs of the last run, are removed or replaced).
# `.complete` says node_modules is as the last Yarn command of a run left
# it: a run removes it before its first Yarn command and writes it back when
# the READMEs' installs are done, so an app a run broke off in is made again.
# A variant's older apps are dropped.
prepare_app() {
  APP="$CACHE/app-$CREATE_APP_VERSION-$RELEASE-$VARIANT"
  if [ -f "$APP/.complete" ] && timed "reset the cached app to its bumped state" reset_app; then
    log "[$VARIANT] The app create-app $CREATE_APP_VERSION wrote, bumped to $RELEASE: from the cache"
    return
  fi
  find "$CACHE" -maxdepth 1 -name "app-*-$VARIANT*" -exec rm -rf {} +
  create_app "$APP"
  timed "versions:bump and its yarn install" bump_app
  (cd "$APP" && git add -A && git -c user.name=mesh-install-test -c user.email=mesh-install-test@localhost \
    commit -q -m "versions:bump --release $RELEASE" && git tag -f mesh-prepared >/dev/null)
  touch "$APP/.complete"
}

reset_app() {
  (cd "$APP" && git reset -q --hard mesh-prepared &&
    git clean -q -fdx -e node_modules -e /.yarn/install-state.gz -e /.complete)
}

# The README's first step: bring the app to one release. Users run
# `yarn backstage-cli versions:bump --release $RELEASE`, which reads the
# release manifest from versions.backstage.io; where that host is out of
# reach the manifest is handed over as BACKSTAGE_MANIFEST_FILE: for the pinned
# release made from the root package.json's resolutions (the same release,
# pinned there), for the newest script/lib/install/newest-release.json.
pinned_manifest() {
  node -e '
    const r = require(process.argv[1]).resolutions;
    const packages = Object.entries(r).filter(([n]) => n.startsWith("@backstage/")).map(([name, version]) => ({ name, version }));
    require("fs").writeFileSync(process.argv[2], JSON.stringify({ releaseVersion: process.argv[3], packages }));
  ' "$ROOT/package.json" "$1" "$PINNED_RELEASE"
}

bump_app() {
  log "[$VARIANT] backstage-cli versions:bump --release $RELEASE, and its yarn install (in the app)"
  # The app's own CLI is not installed yet (create-app --skip-install, so that
  # the app is installed once); the repository's is the same version. The
  # bump's own `yarn install` drops every npm_* variable, npm_config_nodedir
  # with it, so native addons would fetch Node's headers from nodejs.org:
  # the install that follows is the same command with the environment kept.
  # The bump writes caret ranges, which a first install (create-app leaves no
  # lockfile) resolves to the newest release: the app is then on no release
  # at all. An app on a release has each @backstage package at that release's
  # version, as the Backstage Yarn plugin (`backstage:^`, which needs
  # versions.backstage.io) pins them: the manifest's versions as resolutions.
  (cd "$APP" && BACKSTAGE_MANIFEST_FILE="$MANIFEST" \
    "$ROOT/node_modules/.bin/backstage-cli" versions:bump --release "$RELEASE" --skip-install >"$VWORK/bump.log" 2>&1 &&
    node -e '
      const fs = require("fs");
      const { packages } = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
      const pkg = JSON.parse(fs.readFileSync("package.json", "utf8"));
      pkg.resolutions = { ...pkg.resolutions, ...Object.fromEntries(packages.map(p => [p.name, p.version])) };
      fs.writeFileSync("package.json", JSON.stringify(pkg, null, 2) + "\n");
    ' "$MANIFEST" &&
    yarn install >>"$VWORK/bump.log" 2>&1) ||
    { tail -40 "$VWORK/bump.log" >&2; return 1; }
}

# Points @mesh-chain/* at the tarballs (they stand in for the registry),
# then follows the READMEs.
install_packages() {
  local versions
  versions="$(node -e '
    const fs = require("fs"), path = require("path"), dir = process.argv[1], app = process.argv[2];
    const pkg = JSON.parse(fs.readFileSync(path.join(app, "package.json"), "utf8"));
    const versions = {};
    for (const f of fs.readdirSync(dir).filter(f => f.endsWith(".tgz"))) {
      const m = JSON.parse(fs.readFileSync(path.join(dir, f + ".json"), "utf8"));
      versions[m.name] = m.version;
      pkg.resolutions[m.name] = "file:" + path.join(dir, f);
    }
    fs.writeFileSync(path.join(app, "package.json"), JSON.stringify(pkg, null, 2) + "\n");
    console.log(JSON.stringify(versions));
  ' "$TARBALLS" "$APP")"
  local readme
  for readme in "${READMES[@]}"; do
    node "$ROOT/script/lib/install/readme-steps.mjs" "$ROOT/$readme" "$APP" "$versions"
  done
}

# The legacy frontend system: the README's EntityPage.tsx compiles in the app.
check_legacy_entity_page() {
  local file="$APP/packages/app/src/components/catalog/EntityPage.tsx"
  mkdir -p "$(dirname "$file")"
  {
    echo "import Grid from '@material-ui/core/Grid';"
    echo "import { EntityLayout, EntitySwitch } from '@backstage/plugin-catalog';"
    node "$ROOT/script/lib/install/readme-steps.mjs" "$ROOT/plugins/mesh/README.md" --extract \
      packages/app/src/components/catalog/EntityPage.tsx | tail -n +2
    echo 'export { serviceEntityPage };'
  } > "$file"
  log "[$VARIANT] yarn tsc in the app, with the README's legacy EntityPage.tsx"
  (cd "$APP" && yarn tsc)
}

start_app() {
  local fe be
  fe="$(free_port)"
  be="$(free_port)"
  APP_URL="http://localhost:$fe"
  cat > "$APP/app-config.local.yaml" <<YAML
app:
  baseUrl: http://localhost:$fe
backend:
  baseUrl: http://localhost:$be
  listen:
    port: $be
  cors:
    origin: http://localhost:$fe
YAML
  # The component to look at, added to the catalog like any other.
  node -e '
    const YAML = require("yaml"), fs = require("fs");
    const docs = YAML.parseAllDocuments(fs.readFileSync(process.argv[1], "utf8")).map(d => d.toJS());
    const checkout = docs.find(d => d && d.kind === "Component" && d.metadata.name === "checkout");
    delete checkout.spec.system;
    fs.writeFileSync(process.argv[2], YAML.stringify(checkout));
  ' "$ROOT/examples/entities.yaml" "$VWORK/checkout.yaml"
  printf 'catalog:\n  locations:\n    - type: file\n      target: %s\n' "$VWORK/checkout.yaml" > "$VWORK/catalog.yaml"
  node "$ROOT/script/lib/install/readme-steps.mjs" - --merge-yaml "$APP/app-config.yaml" "$VWORK/catalog.yaml"
  log "[$VARIANT] yarn start (app on :$fe, backend on :$be)"
  # `exec setsid`: the background job is the new process group itself, so
  # stop_app's kill reaches yarn start and everything it started.
  (cd "$APP" && K8S_URL="https://127.0.0.1:$MESH_DEMO_DEV_PORT" K8S_TOKEN=demo-viewer-token \
    K8S_CA_FILE="$MESH_DEMO_DIR/ca.crt" BROWSER=none exec setsid yarn start >"$VWORK/app.log" 2>&1) &
  app_pgid=$!
  local attempt
  for attempt in $(seq 1 360); do
    curl -fsS --max-time 2 "http://localhost:$be/.backstage/health/v1/readiness" >/dev/null 2>&1 && break
    kill -0 "$app_pgid" 2>/dev/null || { log "The app exited"; return 1; }
    [ "$attempt" -eq 360 ] && { log "The backend was not ready within 180 s"; return 1; }
    sleep 0.5
  done
  log "Backend ready"
}

# A backend that starts but fails a plugin (mixed releases, a missing
# service) is a failed install: a startup failure or a missing events backend
# anywhere in the log, any line logged at level error, or a frontend that
# does not compile. Warnings (a watch of the demo cluster retried on a busy
# machine, say) are listed, not failed on.
check_backend_log() {
  local plain="$VWORK/app.plain.log"
  sed 's/\x1b\[[0-9;]*m//g' "$VWORK/app.log" >"$plain"
  grep -E '^[^ ]+ ([^ ]+ )?warn ' "$plain" | cut -c1-400 >"$VWORK/log-warnings.txt" || true
  if [ -s "$VWORK/log-warnings.txt" ]; then
    log "[$VARIANT] The app's log has warnings (not failed on):"
    head -20 "$VWORK/log-warnings.txt" >&2
  fi
  grep -E 'startup failed|addWebSocketHandler is not a function|events backend not found|^[^ ]+ ([^ ]+ )?error |Failed to compile|ERROR in ' "$plain" \
    | grep -v 'deprecat' | cut -c1-400 >"$VWORK/log-problems.txt" || true
  if [ -s "$VWORK/log-problems.txt" ]; then
    failure="the app's log has errors:"
    sed -i '21,$d' "$VWORK/log-problems.txt"
    failure_details="$VWORK/log-problems.txt"
    return 1
  fi
}

# The variant's release and manifest (RELEASE, MANIFEST), and its own
# directory VWORK for logs, screenshots and its demo clusters.
select_variant() {
  VARIANT="$1"
  VWORK="$WORK/$VARIANT"
  mkdir -p "$VWORK/screenshots"
  case "$VARIANT" in
    pinned)
      RELEASE="$PINNED_RELEASE"
      MANIFEST="$VWORK/manifest.json"
      pinned_manifest "$MANIFEST" ;;
    newest)
      MANIFEST="$NEWEST_MANIFEST"
      RELEASE="$(node -p 'require(process.argv[1]).releaseVersion' "$MANIFEST")"
      node "$ROOT/script/lib/install/newest-manifest.mjs" check "$MANIFEST" ;;
    *) log "Unknown variant '$VARIANT' (pinned, newest)"; return 1 ;;
  esac
}

# The app on the variant's release with the packages installed as the
# READMEs say: no duplicate, the legacy EntityPage.tsx compiles.
install_variant() {
  local t0=$SECONDS
  prepare_app
  rm "$APP/.complete"
  timed "the READMEs' installs" install_packages
  touch "$APP/.complete"
  log "[$VARIANT] Installed on release $RELEASE in $((SECONDS - t0))s"
  node "$ROOT/script/lib/install/check-duplicates.cjs" "$APP"
  timed "yarn tsc with the legacy EntityPage.tsx" check_legacy_entity_page
}

# The app started against demo clusters of its own and checked in Chromium;
# what it started is stopped again.
check_variant() {
  local t0=$SECONDS
  MESH_DEMO_DIR="$VWORK/demo"
  demo_dir_prepare
  MESH_DEMO_DEV_PORT="$(free_port)" MESH_DEMO_PROD_PORT="$(free_port)" \
    MESH_DEMO_DEV_METRICS_PORT="$(free_port)" MESH_DEMO_PROD_METRICS_PORT="$(free_port)" demo_clusters_start
  start_app
  failure="the check in Chromium:"
  failure_details="$VWORK/check-app.log"
  node "$ROOT/script/lib/install/check-app.cjs" "$APP_URL" "$VWORK/screenshots" 2>&1 | tee "$VWORK/check-app.log"
  failure=""
  check_backend_log
  stop_app
  stop_pids
  pids=()
  log "[$VARIANT] The app on release $RELEASE passed in Chromium in $((SECONDS - t0))s"
}

t0=$SECONDS
lock_cache
build_and_pack
log "Packed in $((SECONDS - t0))s"
# Servers run one at a time on this machine: callers hold /tmp/e2e.lock
# (`flock /tmp/e2e.lock script/test install`); MESH_INSTALL_LOCK=1 takes it
# here instead, only while a variant's servers run.
for variant in "${VARIANTS[@]}"; do
  select_variant "$variant"
  install_variant
  if [ -z "${MESH_INSTALL_NO_SERVER:-}" ]; then
    if [ -n "${MESH_INSTALL_LOCK:-}" ]; then
      log "Waiting for /tmp/e2e.lock"
      exec 9>/tmp/e2e.lock
      timed "waited for /tmp/e2e.lock" flock 9
    fi
    check_variant
    if [ -n "${MESH_INSTALL_LOCK:-}" ]; then exec 9>&-; fi
  fi
done
log "Passed on ${VARIANTS[*]} in $((SECONDS - t0))s"
passed=1
