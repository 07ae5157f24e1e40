#!/usr/bin/env bash
# Installs (if missing) and runs the real dependencies Sonde's tests use, on loopback,
# on free ports, with data in $SONDE_SERVICES_DIR (default /tmp/sonde-services).
#
#   scripts/services.sh start [NAME…]   install if needed, start if not running, wait for ready
#   scripts/services.sh stop  [NAME…]   stop and delete the data folder
#   scripts/services.sh status [NAME…]
#   scripts/services.sh env   [NAME…]   print KEY=VALUE lines to reach them
#
# NAME is one of the files in scripts/services/ (kafka, clickhouse, redis, …); none = all.
# Each writes $SONDE_SERVICES_DIR/NAME.env; libs/testing reads those files.
set -euo pipefail
SONDE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export SONDE_ROOT
export SONDE_SERVICES_DIR="${SONDE_SERVICES_DIR:-/tmp/sonde-services}"
mkdir -p "$SONDE_SERVICES_DIR"
# shellcheck source=lib/service-common.sh
source "$SONDE_ROOT/scripts/lib/service-common.sh"

cmd="${1:-}"; shift || true
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
  names=()
  for f in "$SONDE_ROOT"/scripts/services/*.sh; do names+=("$(basename "$f" .sh)"); done
fi

for name in "${names[@]}"; do
  file="$SONDE_ROOT/scripts/services/$name.sh"
  [ -f "$file" ] || die "unknown service '$name' (no $file)"
  # shellcheck disable=SC1090
  source "$file"
  dir="$SONDE_SERVICES_DIR/$name"
  case "$cmd" in
    start)
      if svc_running "$name"; then log "$name already running"; continue; fi
      "${name}_install"
      rm -rf "$dir"; mkdir -p "$dir"
      "${name}_start" "$dir"
      log "$name ready: $(tr '\n' ' ' < "$SONDE_SERVICES_DIR/$name.env")"
      ;;
    stop) svc_stop "$name" ;;
    status) if svc_running "$name"; then echo "$name: running"; else echo "$name: stopped"; fi ;;
    env) [ -f "$SONDE_SERVICES_DIR/$name.env" ] && cat "$SONDE_SERVICES_DIR/$name.env" ;;
    *) die "usage: scripts/services.sh start|stop|status|env [NAME…]" ;;
  esac
done
