#!/usr/bin/env bash
# Installs Node 24 and the npm dependencies when missing or stale, then builds.
# Quick when nothing changed. Used by ./sonde and by npm test.
set -euo pipefail
SONDE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$SONDE_ROOT"
# shellcheck source=lib/node24.sh
source scripts/lib/node24.sh
stamp=node_modules/.sonde-install-stamp
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ] || [ package.json -nt "$stamp" ]; then
  echo "sonde: installing dependencies (npm ci) with Node $(node --version)" >&2
  node scripts/lock-platform-packages.js >&2
  npm ci --no-audit --no-fund --loglevel=error >&2
  touch "$stamp"
fi
if [ "${SONDE_SKIP_BUILD:-}" != 1 ]; then
  node node_modules/typescript/bin/tsc -b tsconfig.build.json >&2
fi
