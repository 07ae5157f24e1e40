#!/usr/bin/env bash
# Creates (or converges the configs of) Sonde's Kafka topics with Apache Kafka's own tools.
#
#   deploy/kafka/topics.sh --bootstrap-server kafka-0.kafka:9092 --site par1 --site ams1
#   deploy/kafka/topics.sh --dry-run --site par1            # print the commands, run nothing
#
# Options:
#   --bootstrap-server HOST:PORT   (or $KAFKA_BOOTSTRAP_SERVER; default 127.0.0.1:9092)
#   --command-config FILE          client properties for SASL/TLS clusters (passed to both tools)
#   --site SITE                    one compacted sonde.targets.<SITE> topic per collector site (repeatable)
#   --replication-factor N         (or $SONDE_KAFKA_REPLICATION; default 3)
#   --prefix P                     prepended to every name = the services' bus.kafka.topicPrefix
#   --dry-run                      print the commands only
# Tools: $KAFKA_TOPICS (default kafka-topics.sh) and $KAFKA_CONFIGS (default kafka-configs.sh), from
# the Kafka distribution's bin/ (e.g. inside the apache/kafka image: /opt/kafka/bin/).
#
# Re-running is safe: topics are created with --if-not-exists, then their configs are set again
# with kafka-configs.sh --alter (so a changed retention here reaches existing topics). Partition
# counts are never changed by this script: events are keyed by device id, and adding partitions
# moves devices to other partitions (per-device order is lost across the change) and reshuffles
# target assignment — do it deliberately with kafka-topics.sh --alter --partitions.
set -euo pipefail

bootstrap="${KAFKA_BOOTSTRAP_SERVER:-127.0.0.1:9092}"
replication="${SONDE_KAFKA_REPLICATION:-3}"
prefix=""
command_config=""
dry_run=0
sites=()
while [ $# -gt 0 ]; do
  case "$1" in
    --bootstrap-server) bootstrap="${2:?--bootstrap-server needs HOST:PORT}"; shift 2 ;;
    --command-config) command_config="${2:?--command-config needs a file}"; shift 2 ;;
    --site) sites+=("${2:?--site needs a name}"); shift 2 ;;
    --replication-factor) replication="${2:?--replication-factor needs a number}"; shift 2 ;;
    --prefix) prefix="${2?--prefix needs a value}"; shift 2 ;;
    --dry-run) dry_run=1; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "topics.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
for site in "${sites[@]}"; do
  # the site rule of libs/inventory (sonde.yaml `site:`), so the topic name is the one the services use
  [[ "$site" =~ ^[a-z0-9][a-z0-9_-]*$ ]] || { echo "topics.sh: --site '$site': expected [a-z0-9][a-z0-9_-]*" >&2; exit 2; }
done
[[ "$replication" =~ ^[1-9][0-9]*$ ]] || { echo "topics.sh: --replication-factor '$replication': expected a positive integer" >&2; exit 2; }

# acks=all (the producers' setting) survives one broker down with 3 replicas and min ISR 2;
# a one-broker lab cluster gets min ISR 1.
min_isr=$(( replication >= 3 ? 2 : 1 ))
DAY=86400000

# name | partitions | configs (comma-separated key=value)
# Event topics, one per kind family (libs/events/src/event-kind.ts), keyed by device id.
# Partitions bound the parallelism of the consumer groups (event-writer, alert-engine); size them
# for the largest replica count you expect. Retention is the buffer for a ClickHouse outage:
# the event-writer resumes from its committed offsets, so anything still retained is written.
topics=(
  "sonde.icmp.v1|12|cleanup.policy=delete,retention.ms=$((3 * DAY)),min.insync.replicas=$min_isr"
  "sonde.snmp.v1|24|cleanup.policy=delete,retention.ms=$((3 * DAY)),min.insync.replicas=$min_isr"
  "sonde.syslog.v1|12|cleanup.policy=delete,retention.ms=$((3 * DAY)),min.insync.replicas=$min_isr"
  "sonde.rmon.v1|6|cleanup.policy=delete,retention.ms=$((3 * DAY)),min.insync.replicas=$min_isr"
  "sonde.alert.v1|6|cleanup.policy=delete,retention.ms=$((14 * DAY)),min.insync.replicas=$min_isr"
)
# Target assignment (design.md §5): one compacted topic per site, one record per target keyed by
# its id (a tombstone removes it). The pollers/probers of a site form one consumer group on it, so
# partition assignment is target assignment; partitions = the most replicas that can share a site.
# Compaction keeps the latest record per target forever (retention.ms=-1); tombstones live a day.
for site in "${sites[@]}"; do
  topics+=("sonde.targets.$site|12|cleanup.policy=compact,retention.ms=-1,min.compaction.lag.ms=0,min.cleanable.dirty.ratio=0.1,segment.ms=$((1 * DAY)),delete.retention.ms=$((1 * DAY)),min.insync.replicas=$min_isr")
done

kafka_topics=(${KAFKA_TOPICS:-kafka-topics.sh})
kafka_configs=(${KAFKA_CONFIGS:-kafka-configs.sh})
auth=()
[ -n "$command_config" ] && auth=(--command-config "$command_config")

run() {
  printf '%q ' "$@"; printf '\n'
  [ "$dry_run" = 1 ] || "$@"
}

for spec in "${topics[@]}"; do
  IFS='|' read -r name partitions configs <<<"$spec"
  topic="$prefix$name"
  config_args=()
  IFS=',' read -r -a pairs <<<"$configs"
  for pair in "${pairs[@]}"; do config_args+=(--config "$pair"); done
  run "${kafka_topics[@]}" --bootstrap-server "$bootstrap" "${auth[@]}" --create --if-not-exists \
    --topic "$topic" --partitions "$partitions" --replication-factor "$replication" "${config_args[@]}"
  run "${kafka_configs[@]}" --bootstrap-server "$bootstrap" "${auth[@]}" --alter \
    --entity-type topics --entity-name "$topic" --add-config "$configs"
done
[ ${#sites[@]} -gt 0 ] || echo "topics.sh: no --site given: no sonde.targets.<site> topic created" >&2
