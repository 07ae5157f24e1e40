#!/usr/bin/env bash
# npm run lint: eslint with the Nx project graph (module-boundary tags) computed first.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
SONDE_SKIP_BUILD=1 bash scripts/bootstrap.sh
source scripts/lib/node24.sh
export NX_DAEMON=false
npx --no-install nx show projects >/dev/null
node node_modules/eslint/bin/eslint.js --max-warnings=0 "${@:-.}"
