#!/usr/bin/env bash
# Builds the Sonde OCI image on this machine with Debian's buildah, without any image registry:
# the base is assembled from the machine itself (no `FROM node:24-bookworm-slim` can be pulled
# here — only package registries are reachable). The image holds: Node 24 (the one
# scripts/lib/node24.sh installed from the npm registry) and the shared libraries it links
# (ldd), a copy `node-netraw` with the cap_net_raw file capability (setcap, as the Dockerfile
# does), tini-less (node handles SIGTERM itself: libs/runtime), uid/gid 10001, and /app with
# package.json, node_modules and every libs/*/dist and services/*/dist of the build.
#
#   scripts/oci-image.sh build [TAG]     build (needs the build: tsc -b tsconfig.build.json); default tag sonde:ci
#   scripts/oci-image.sh run TAG [-e K=V…] -- CMD   run CMD in a container of TAG as uid 10001
#   scripts/oci-image.sh rm TAG          remove the image
#
# deploy/docker/Dockerfile stays the way to build it with Docker/BuildKit where a registry is
# reachable; this script is what CI can prove here. Storage: vfs under $SONDE_OCI_ROOT.
set -euo pipefail
SONDE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$SONDE_ROOT"
# shellcheck source=lib/service-common.sh
source scripts/lib/service-common.sh
OCI_ROOT="${SONDE_OCI_ROOT:-$HOME/.cache/sonde/oci}"
B=(buildah --storage-driver vfs --root "$OCI_ROOT/storage" --runroot "$OCI_ROOT/run")

need() {
  command -v buildah >/dev/null && command -v crun >/dev/null && command -v setcap >/dev/null && return 0
  ( flock 9; apt_install buildah crun libcap2-bin ) 9>/tmp/sonde-apt.lock
}

# The libraries a binary links, as ldd resolves them (`name => /path (addr)` or `/path (addr)`).
# Only those lines: ldd's error lines (a musl addon beside a glibc one, as msgpackr-extract
# ships) name paths that are not libraries to copy.
ldd_paths() {
  ldd "$1" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' || true
}
build() {
  local tag=${1:-sonde:ci}
  need
  source scripts/lib/node24.sh
  local node
  node="$(command -v node)"
  [ -f services/event-writer/dist/main.js ] || die "no build: run node node_modules/typescript/bin/tsc -b tsconfig.build.json first"
  mkdir -p "$OCI_ROOT"
  local ctr mnt
  ctr=$("${B[@]}" from scratch)
  trap '"${B[@]}" rm "$ctr" >/dev/null 2>&1 || true' RETURN
  mnt=$("${B[@]}" mount "$ctr")
  # the base: node, the libraries it links, a passwd/group with the sonde user, /tmp
  mkdir -p "$mnt"/{usr/local/bin,etc,tmp,var/lib/sonde,etc/sonde,app}
  chmod 1777 "$mnt/tmp"
  cp "$node" "$mnt/usr/local/bin/node"
  cp "$node" "$mnt/usr/local/bin/node-netraw"
  setcap cap_net_raw+ep "$mnt/usr/local/bin/node-netraw"
  for lib in $(ldd_paths "$node"); do
    mkdir -p "$mnt$(dirname "$lib")"
    cp -L "$lib" "$mnt$lib"
  done
  # native addons (raw-socket, chdb) link libstdc++/libgcc too
  for addon in $(find node_modules -name '*.node' -type f); do
    for lib in $(ldd_paths "$addon"); do
      [ -e "$mnt$lib" ] && continue
      mkdir -p "$mnt$(dirname "$lib")"
      cp -L "$lib" "$mnt$lib"
    done
  done
  printf 'root:x:0:0:root:/root:/usr/sbin/nologin\nsonde:x:10001:10001:sonde:/var/lib/sonde:/usr/sbin/nologin\n' > "$mnt/etc/passwd"
  printf 'root:x:0:\nsonde:x:10001:\n' > "$mnt/etc/group"
  printf 'hosts: files dns\n' > "$mnt/etc/nsswitch.conf"
  # the application: what the Dockerfile's runtime stage copies
  cp package.json package-lock.json sonde.example.yaml "$mnt/app/"
  cp -a node_modules "$mnt/app/node_modules"
  for d in libs/*/ services/*/; do
    [ -d "$d/dist" ] || continue
    mkdir -p "$mnt/app/$d"
    cp -a "$d/dist" "$d/package.json" "$mnt/app/$d"
  done
  chown -R 10001:10001 "$mnt/var/lib/sonde" "$mnt/etc/sonde"
  "${B[@]}" umount "$ctr" >/dev/null
  "${B[@]}" config --workingdir /app --user 10001:10001 \
    --env NODE_ENV=production --env SONDE_TELEMETRY__HTTP__HOST=0.0.0.0 \
    --env SONDE_BUS__KAFKA__SPOOL__DIR=/var/lib/sonde/spool --env SONDE_STORE__CHDB__PATH=/var/lib/sonde/chdb \
    --port 9464 --volume /var/lib/sonde \
    --label org.opencontainers.image.title=sonde \
    --cmd '["node", "services/standalone/dist/main.js", "up", "--plain", "--data", "/var/lib/sonde"]' "$ctr"
  "${B[@]}" commit --quiet --rm "$ctr" "$tag" >/dev/null
  trap - RETURN
  "${B[@]}" images --format '{{.Name}}:{{.Tag}} {{.Size}}' | grep -F "${tag#*/}" || true
}

case "${1:-}" in
  build) shift; build "$@" ;;
  run)
    shift; tag=$1; shift
    envs=()
    while [ "${1:-}" = "-e" ]; do envs+=(--env "$2"); shift 2; done
    [ "${1:-}" = "--" ] && shift
    ctr=$("${B[@]}" from "$tag")
    trap '"${B[@]}" rm "$ctr" >/dev/null 2>&1 || true' EXIT
    # host networking: the test reaches the service's /health on loopback
    # chroot isolation: this machine's hybrid cgroup layout refuses crun/runc containers ("cgroups in
    # hybrid mode not supported"); the image, its user and its files are the same
    "${B[@]}" run --isolation "${SONDE_OCI_ISOLATION:-chroot}" --network host --user 10001:10001 ${envs[@]+"${envs[@]}"} "$ctr" -- "$@" &
    pid=$!
    # SIGTERM/SIGINT to this script stop the container's process (buildah run passes them on)
    trap 'kill -TERM "$pid" 2>/dev/null' TERM INT
    rc=0
    wait "$pid" || rc=$?
    # a trapped signal interrupts the first wait: wait for the container to exit
    while kill -0 "$pid" 2>/dev/null; do wait "$pid" || rc=$?; done
    exit "$rc"
    ;;
  rm) shift; "${B[@]}" rmi "$1" >/dev/null ;;
  *) echo "usage: $0 build [TAG] | run TAG -- CMD… | rm TAG" >&2; exit 2 ;;
esac
