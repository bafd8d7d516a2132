#!/usr/bin/env bash
# script/test api: the API reports of the published packages (report*.api.md
# beside each plugin, cli-report.md of packages/cli) match their code. A
# stale or missing report, or a new API Extractor warning (an export without
# a release tag, a type an export uses that the package does not export),
# fails the stage.
#
# The reports are made from the declarations tsc writes to dist-types/. They
# come from a full, non-incremental compile, as in `yarn build:api-reports`:
# an incremental one re-checks only the changed files, which can list the
# members of an inferred type in another order. So that a fresh clone and a
# worked-in tree write the same reports, exports declare the types they
# print (the actions' zod schemas are checked against declared types).
#
# API Extractor reads whatever dist-types/ holds, and tsc only adds to it: a
# declaration left by a file since removed or renamed (after a merge, say)
# would be read as if it were current. So the stage first empties dist-types/
# and compiles into it afresh, and a worked-in tree gets the same answer as a
# fresh clone. It keeps tsconfig.tsbuildinfo, which records only the sources'
# versions, so the next incremental `yarn tsc` is not a full compile again.
#
# With --write (what `yarn build:api-reports` runs) it writes the reports
# instead of comparing them.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"

remove_old_declarations() {
  if [ -d dist-types ]; then
    find dist-types -mindepth 1 -depth ! -path dist-types/tsconfig.tsbuildinfo -delete
  fi
}

remove_old_declarations
yarn tsc --incremental false
if [ "${1:-}" = --write ]; then
  exec yarn build:api-reports:only
fi
if ! yarn build:api-reports:only --ci; then
  echo >&2
  echo "The API reports do not match the packages' exports." >&2
  echo "Run \`yarn build:api-reports\` and commit the changed report*.api.md and cli-report.md files." >&2
  exit 1
fi
