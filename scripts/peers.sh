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
