#!/usr/bin/env bash
# Installs the real protocol peers integration tests and benchmarks talk to (Debian packages).
#
#   scripts/peers.sh install [NAME…]    NAME is a function suffix below (peer_<name>); none = all
#
# Several agents append here: add one `peer_<name>()` function per peer, nothing else global.
set -euo pipefail
SONDE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=lib/service-common.sh
source "$SONDE_ROOT/scripts/lib/service-common.sh"

# apt under the shared lock so parallel installs do not collide on dpkg's lock.
peer_apt() { ( flock 9; apt_install "$@" ) 9>/tmp/sonde-apt.lock; }

# syslog: util-linux `logger` (RFC 3164/5424, --octet-count), rsyslog with its TLS driver.
# rsyslog is only run as an unprivileged forwarder/bench peer with its own -f config and
# -i pidfile; the Debian service is not started (no systemd here) and never touched.
peer_syslog() {
  peer_apt bsdutils rsyslog
  # gnutls network stream driver for omfwd/imtcp over TLS (RFC 5425); optional
  peer_apt rsyslog-gnutls || log "rsyslog-gnutls not installable: TLS forwarding tests cannot run"
}

# snmp: net-snmp 5.9 tools (snmptrap, snmpinform, snmptranslate, snmpget…), the trap daemon for
# bench/traps, and libsnmp-base's IETF MIB files (/usr/share/snmp/mibs) that snmptranslate reads.
peer_snmp() {
  peer_apt snmp snmptrapd libsnmp-base
}

# snmpd: Debian's net-snmp 5.9 agent, started by the snmp-poller tests on a free loopback port
# with its own config in a temp dir (the Debian service is never started), plus the command-line
# tools (snmpbulkwalk, snmpget) the tests and bench/snmp-poller compare against.
peer_snmpd() {
  peer_apt snmpd snmp
}

# icmp: Debian's fping 5.1 (RTT comparison in services/icmp-prober/test and bench/icmp) and
# iproute2 (ip netns, veth, tc) and nftables (reject with icmp …) for the namespaces those tests
# build; util-linux for setpriv (dropping CAP_NET_RAW).
peer_icmp() {
  peer_apt fping iproute2 nftables libcap2-bin util-linux
}

# syslog-kafka: rsyslog's omkafka output (librdkafka) — bench/syslog's rsyslog-kafka target
# (imudp → omkafka) next to the Sonde receiver publishing to the same broker.
peer_syslog_kafka() {
  peer_apt rsyslog rsyslog-kafka
}

# kafka: kcat 1.7 (librdkafka) — bench/bus's C client floor on the same broker. Kafka's own
# perf tools (kafka-tools jar) come from Maven Central: kafka_tools_install in services/kafka.sh.
peer_kafka() {
  peer_apt kcat
}

# alertmanager: Debian's prometheus-alertmanager 0.25 (and its amtool), the peer of the alert
# engine's `alertmanager` notifier and of its Alertmanager-compatible API; prometheus 2.42 for
# bench/alerts. Both run on free loopback ports with their own data dirs; the Debian services
# are never started.
peer_alertmanager() {
  peer_apt prometheus-alertmanager prometheus
}

# snmpd-rmon: net-snmp's own RMON agent (agent/mibgroup/Rmon: etherStats, history, alarm, event
# with EntryStatus row creation, RFC 2819) — an RMON agent we did not write. Debian's snmpd is
# built without it, so this builds snmpd from Debian's net-snmp source package
# (`apt-get source`, a deb-src entry for the same archive as the system's sources) with
# --with-mib-modules=Rmon, and caches the result under ~/.cache/sonde/net-snmp-rmon (like the
# Kafka jars) so later runs only check for the binary. Tests find it at
# $SONDE_CACHE_DIR/net-snmp-rmon/sbin/snmpd. The build takes several minutes on 2 cores.
#
# Patches: scripts/patches/net-snmp-rmon-*.patch are applied on top of Debian's (like a distro
# patch, each with a DEP-3 header saying why). Today one: alarmTable.c's GET handler dereferences
# a NULL row for a GETNEXT/GETBULK varbind that ran past the table while another varbind of the
# same PDU still had a row (the last step of any column-parallel walk) and snmpd dies with
# SIGSEGV. The cache records the patch set (PATCHES); a cached build made with another set is
# rebuilt.
peer_snmpd_rmon() {
  local cache="${SONDE_CACHE_DIR:-$HOME/.cache/sonde}/net-snmp-rmon"
  local patches=("$SONDE_ROOT"/scripts/patches/net-snmp-rmon-*.patch)
  local stamp; stamp=$(cat "${patches[@]}" | sha256sum | cut -d' ' -f1)
  if [ -x "$cache/sbin/snmpd" ] && [ "$(cat "$cache/PATCHES" 2>/dev/null)" = "$stamp" ]; then return 0; fi
  [ -x "$cache/sbin/snmpd" ] && log "cached snmpd with Rmon was built with another patch set: rebuilding"
  (
    flock 9
    local src=/etc/apt/sources.list.d/sonde-deb-src.sources
    if [ ! -f "$src" ]; then
      # the same URIs/suites as the binary entries, as deb-src
      sed -n 's/^Types: deb$/Types: deb-src/p; /^URIs:/p; /^Suites:/p; /^Components:/p; /^Signed-By:/p; /^$/p' \
        /etc/apt/sources.list.d/debian.sources > "$src"
      DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 || die "apt-get update (deb-src) failed"
    fi
    # the minimal build set for an agent without Perl/Python bindings
    apt_install dpkg-dev build-essential libssl-dev
  ) 9>/tmp/sonde-apt.lock
  local work; work=$(mktemp -d /tmp/sonde-net-snmp.XXXXXX)
  log "building net-snmp snmpd with Rmon in $work (several minutes)"
  ( cd "$work" && apt-get source -qq net-snmp >&2 ) || die "apt-get source net-snmp failed"
  local dir; dir=$(find "$work" -maxdepth 1 -type d -name 'net-snmp-*' | head -1)
  [ -n "$dir" ] || die "net-snmp source not unpacked in $work"
  local p
  for p in "${patches[@]}"; do
    log "applying $(basename "$p")"
    patch -d "$dir" -p1 --forward --quiet < "$p" >&2 || die "patch $(basename "$p") does not apply to $(basename "$dir")"
  done
  (
    cd "$dir"
    ./configure --prefix="$cache" --with-defaults --with-mib-modules=Rmon \
      --without-perl-modules --disable-embedded-perl --without-python-modules \
      --disable-manuals --disable-scripts --with-persistent-directory="$cache/var" \
      --enable-ipv6 >"$work/configure.log" 2>&1 || { tail -30 "$work/configure.log" >&2; exit 1; }
    # only the library and the agent: Debian's patched apps/Makefile links snmpusm against an
    # unsubstituted @LIBCRYPTO@ outside Debian's own build, and the tests need only snmpd
    for sub in snmplib agent; do
      make -C "$sub" -j2 >>"$work/make.log" 2>&1 || { tail -40 "$work/make.log" >&2; exit 1; }
    done
    for sub in snmplib agent; do
      make -C "$sub" install >>"$work/install.log" 2>&1 || { tail -30 "$work/install.log" >&2; exit 1; }
    done
  ) || die "net-snmp build failed (logs in $work)"
  [ -x "$cache/sbin/snmpd" ] || die "net-snmp build produced no $cache/sbin/snmpd"
  echo "$stamp" > "$cache/PATCHES"
  rm -rf "$work"
  log "snmpd with Rmon cached at $cache/sbin/snmpd"
}

cmd="${1:-}"; shift || true
case "$cmd" in
  install)
    names=("$@")
    if [ ${#names[@]} -eq 0 ]; then
      mapfile -t names < <(declare -F | awk '{print $3}' | sed -n 's/^peer_\(.*\)$/\1/p' | grep -v '^apt$')
    fi
    for n in "${names[@]}"; do "peer_$n"; done
    ;;
  *) die "usage: scripts/peers.sh install [NAME…]" ;;
esac
