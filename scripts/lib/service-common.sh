# Sourced by scripts/services.sh and scripts/services/*.sh.
log() { echo "services: $*" >&2; }
die() { echo "services: error: $*" >&2; exit 1; }

# A free TCP port on loopback, chosen by the kernel.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# wait_port HOST PORT SECONDS — until something accepts TCP connections there.
wait_port() {
  local host=$1 port=$2 secs=${3:-60} i
  for ((i = 0; i < secs * 10; i++)); do
    if (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  return 1
}

apt_updated=0
# apt_install PKG… — install Debian packages that are missing (apt-get update once).
apt_install() {
  local missing=() p
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$apt_updated" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 || die "apt-get update failed"
    apt_updated=1
  fi
  log "apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 \
    || die "apt-get install ${missing[*]} failed"
}

# The service's main process id is in $SONDE_SERVICES_DIR/NAME/pid.
svc_running() {
  local pidfile="$SONDE_SERVICES_DIR/$1/pid"
  [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null
}

svc_stop() {
  local name=$1 dir="$SONDE_SERVICES_DIR/$1" pid i
  if [ -f "$dir/pid" ]; then
    pid=$(cat "$dir/pid")
    kill "$pid" 2>/dev/null || true
    for ((i = 0; i < 150; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -rf "$dir" "$SONDE_SERVICES_DIR/$name.env"
  log "$name stopped"
}

# start_daemon DIR LOGFILE CMD… — runs CMD in the background (own session), records its pid.
start_daemon() {
  local dir=$1 logfile=$2; shift 2
  setsid "$@" >"$logfile" 2>&1 < /dev/null &
  echo $! > "$dir/pid"
}
