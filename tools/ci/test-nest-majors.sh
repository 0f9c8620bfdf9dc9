#!/usr/bin/env bash
# The saga-core suite against every NestJS major that saga-core's peer range accepts, other than the one the
# workspace installs (that one runs in `npm test`). Each other major is installed into a scratch folder outside
# the workspace and swapped in by tools/ci/nest-major/vitest.config.mts; the workspace's node_modules is not touched.
# Needs the stack (the suite's global setup reuses or starts it), and the libraries built (npm test builds them).
set -euo pipefail
cd "$(dirname "$0")/../.."

range=$(node -p "require('./libs/saga-core/package.json').peerDependencies['@nestjs/core']")
installed=$(node -p "require('@nestjs/core/package.json').version.split('.')[0]")
majors=$(grep -oE '\^[0-9]+' <<<"$range" | tr -d '^' | sort -un)
published=$(npm view @nestjs/core versions --json)
echo "saga-core accepts @nestjs/core $range; the workspace has $installed"

scratch=$(mktemp -d "${TMPDIR:-/tmp}/sagaflow-nest-XXXXXX")
trap 'rm -rf "$scratch"' EXIT
status=0
for major in $majors; do
  [ "$major" = "$installed" ] && continue
  if ! node -e "process.exit(JSON.parse(process.argv[1]).some((v) => v.startsWith('$major.') && !v.includes('-')) ? 0 : 1)" "$published"; then
    echo "NestJS $major: no release published yet, skipped"
    continue
  fi
  dir="$scratch/nest-$major"
  mkdir -p "$dir" && echo '{"private":true}' >"$dir/package.json"
  echo "NestJS $major: installing into $dir"
  (cd "$dir" && npm install --no-audit --no-fund --no-package-lock --loglevel=error \
    "@nestjs/common@$major" "@nestjs/core@$major" "@nestjs/microservices@$major" \
    "@nestjs/testing@$major" "@nestjs/platform-express@$major" reflect-metadata@^0.2 rxjs@^7.8)
  echo "NestJS $major: $(node -p "require('$dir/node_modules/@nestjs/core/package.json').version")"
  SAGAFLOW_NEST_MODULES="$dir/node_modules" SAGAFLOW_NEST_MAJOR="$major" \
    npx vitest run --config tools/ci/nest-major/vitest.config.mts || status=1
done
exit "$status"
