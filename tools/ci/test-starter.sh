#!/usr/bin/env bash
# examples/starter as a user's repository would have it: pack the libraries, copy the starter to a fresh folder
# outside the workspace, `npm install` the tarballs there (nothing from the workspace), type-check it against the
# packed declarations and run its tests (in memory, then against the stack). A broken package fails here.
# Needs the stack up (KAFKA_BROKERS, SCHEMA_REGISTRY_URL, POSTGRES_URL; the defaults are the local stack).
set -euo pipefail
cd "$(dirname "$0")/../.."
started=$(date +%s)
say() { echo "starter: $* ($(($(date +%s) - started)) s)"; }

work=$(mktemp -d "${TMPDIR:-/tmp}/sagaflow-starter-XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/packs"

# prepack empties dist and builds; outbox-relay first, since saga-core's build reads its declarations
for lib in outbox-relay saga-core; do
  (cd "libs/$lib" && npm pack --silent --pack-destination "$work/packs" >/dev/null)
done
say "packed $(cd "$work/packs" && echo *.tgz)"

cp -R examples/starter "$work/starter"
rm -rf "$work/starter/node_modules" "$work/starter/dist" "$work/starter/package-lock.json"
cd "$work/starter"
npm install --no-audit --no-fund --loglevel=error "$work"/packs/sagaflow-outbox-relay-*.tgz "$work"/packs/sagaflow-saga-core-*.tgz
# both Sagaflow packages must come from the tarballs, never from a registry or the workspace
node -e '
  const lock = require("./package-lock.json").packages;
  for (const name of ["@sagaflow/outbox-relay", "@sagaflow/saga-core"]) {
    const entry = lock["node_modules/" + name];
    if (!entry || !String(entry.resolved).startsWith("file:")) {
      console.error(`starter: ${name} was not installed from its tarball: ${JSON.stringify(entry)}`);
      process.exit(1);
    }
  }
  if (Object.keys(lock).some((k) => /node_modules\/@sagaflow\/.+\/node_modules\/@sagaflow\//.test(k))) {
    console.error("starter: a second copy of a Sagaflow package was installed");
    process.exit(1);
  }'
say "installed in $work/starter"

npx tsc -p tsconfig.json --noEmit
say "type-checks against the packed declarations"
npx vitest run
say "done"
