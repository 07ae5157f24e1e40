#!/usr/bin/env bash
# bench/icmp: the same target list probed by the icmp-prober engine and by Debian's fping -C.
#
#   bash bench/icmp/run.sh [RATE_PPS] [REPEATS]      (root: namespaces and raw sockets)
#
# Targets: N_LOOPBACK addresses in 127.0.0.0/8 (answered by the local stack) plus N_DOWN
# addresses routed into a private network namespace, half rejected there with
# "host unreachable" (nftables), half blackholed (timeouts). Only loopback and this script's own
# namespace are ever probed: RFC 2544 benchmarking addresses behind a veth it creates and removes.
# Both tools get the same count, per-target period, timeout and global rate (fping -i = 1000/RATE).
# Writes bench/icmp/out/<run>/ and prints one JSON line per run; compare.js makes the table.
set -euo pipefail
# shellcheck source=../lib/help.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/help.sh" "$0" "$@"
SONDE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$SONDE_ROOT"
source scripts/lib/node24.sh
bash scripts/peers.sh install icmp

RATE="${1:-2000}"; REPEATS="${2:-3}"
N_LOOPBACK="${N_LOOPBACK:-5000}"; N_DOWN="${N_DOWN:-500}"
COUNT="${COUNT:-3}"; PERIOD="${PERIOD:-1000}"; TIMEOUT="${TIMEOUT:-500}"
OUT="bench/icmp/out/$(date -u +%Y%m%dT%H%M%SZ)-r$RATE"
mkdir -p "$OUT"

node node_modules/typescript/bin/tsc -b services/icmp-prober

# --- the unreachable part: a namespace behind a veth ----------------------------------------
id="$$"; ns="sonde-bench-icmp-$id"; veth="sb$id"
octet=$(( (id % 100) * 2 + 20 ))   # even: 198.19.octet.0/23 = rejected /24 + blackholed /24
cleanup() {
  ip route del "198.19.$octet.0/23" 2>/dev/null || true
  ip link del "$veth" 2>/dev/null || true
  ip netns del "$ns" 2>/dev/null || true
}
trap cleanup EXIT
ip netns add "$ns"
ip -n "$ns" link set lo up
ip link add "$veth" type veth peer name uplink netns "$ns"
ip addr add "198.18.$octet.1/30" dev "$veth"; ip link set "$veth" up
ip -n "$ns" addr add "198.18.$octet.2/30" dev uplink; ip -n "$ns" link set uplink up
ip -n "$ns" link add d0 type veth peer name d1; ip -n "$ns" link set d0 up; ip -n "$ns" link set d1 up  # (no dummy module here) a route for the rejected /24
ip netns exec "$ns" sysctl -qw net.ipv4.ip_forward=1 net.ipv4.icmp_ratelimit=0 net.ipv4.icmp_msgs_per_sec=1000000
ip -n "$ns" route add "198.19.$octet.0/24" dev d0
ip -n "$ns" route add blackhole "198.19.$((octet + 1)).0/24"
ip route add "198.19.$octet.0/23" via "198.18.$octet.2"
ip netns exec "$ns" nft -f - <<NFT
table inet sonde_bench {
  chain forward_reject {
    type filter hook forward priority 0; policy accept;
    ip daddr 198.19.$octet.0/24 reject with icmp type host-unreachable
  }
}
NFT

# --- the target list ---------------------------------------------------------------------------
targets="$OUT/targets.txt"
{
  for ((i = 0; i < N_LOOPBACK; i++)); do echo "127.20.$((i / 250)).$((i % 250 + 1))"; done
  for ((i = 0; i < N_DOWN; i++)); do echo "198.19.$((octet + i % 2)).$((i / 2 % 254 + 1))"; done
} | awk '!seen[$0]++' > "$targets"
echo "bench/icmp: $(wc -l < "$targets") targets, count $COUNT, period $PERIOD ms, timeout $TIMEOUT ms, rate $RATE pps" >&2

interval=$(awk -v r="$RATE" 'BEGIN { printf "%g", 1000 / r }')
TIMEFORMAT='%R %U %S'
for ((rep = 1; rep <= REPEATS; rep++)); do
  # alternate the order so neither tool always runs on a warmer machine
  if ((rep % 2)); then order="prober fping"; else order="fping prober"; fi
  for tool in $order; do
    # bash's `time` (no subshell: the EXIT trap must not fire) reports wall, user and sys seconds
    if [ "$tool" = fping ]; then
      { time fping -C "$COUNT" -q -p "$PERIOD" -t "$TIMEOUT" -i "$interval" -r 0 -B 1 -f "$targets" 2> "$OUT/fping-$rep.txt" || true; } 2> "$OUT/time.tmp"
    else
      { time node bench/icmp/prober-run.js "$targets" "$COUNT" "$PERIOD" "$TIMEOUT" "$RATE" > "$OUT/prober-$rep.json" 2> "$OUT/prober-$rep.txt"; } 2> "$OUT/time.tmp"
    fi
    read -r wall user sys < <(tail -n1 "$OUT/time.tmp")
    echo "{\"tool\":\"$tool\",\"rep\":$rep,\"wall\":$wall,\"user\":$user,\"sys\":$sys}" | tee -a "$OUT/times.jsonl"
  done
done
rm -f "$OUT/time.tmp"
node bench/icmp/compare.js "$OUT" "$COUNT" | tee "$OUT/summary.md"
