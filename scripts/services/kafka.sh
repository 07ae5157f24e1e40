# Apache Kafka 4.x broker from Maven Central (org.apache.kafka:kafka_2.13 + its runtime
# dependencies, resolved by scripts/kafka/pom.xml), run with the machine's Java 17 in KRaft
# mode: one process that is both broker and controller, on free loopback ports, data in DIR.
#
# Cache: ~/.cache/sonde/kafka-<version>/libs (SONDE_CACHE_DIR overrides ~/.cache/sonde);
# a second start only formats the data folder and launches the JVM.
#
# $DIR/restart.sh relaunches the broker on the same ports and data after it was killed (used
# by libs/testing `restartRealService('kafka')` to test outages); scripts/services.sh stop
# deletes everything.
KAFKA_VERSION=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$SONDE_ROOT/scripts/kafka/pom.xml")
KAFKA_HOME="${SONDE_CACHE_DIR:-$HOME/.cache/sonde}/kafka-$KAFKA_VERSION"

kafka_install() {
  [ -f "$KAFKA_HOME/libs/.complete" ] && return 0
  command -v java >/dev/null || apt_install openjdk-17-jre-headless
  command -v mvn >/dev/null || apt_install maven
  mkdir -p "$KAFKA_HOME"
  (
    # Two test runs starting at once resolve the jars once.
    flock 9
    [ -f "$KAFKA_HOME/libs/.complete" ] && exit 0
    log "resolving Apache Kafka $KAFKA_VERSION from Maven Central into $KAFKA_HOME"
    rm -rf "$KAFKA_HOME/libs.tmp"
    if ! (cd "$SONDE_ROOT/scripts/kafka" && mvn -q -B -Dstyle.color=never dependency:copy-dependencies \
      -DincludeScope=runtime -DoutputDirectory="$KAFKA_HOME/libs.tmp") >"$KAFKA_HOME/maven.log" 2>&1; then
      tail -n 30 "$KAFKA_HOME/maven.log" >&2
      die "maven could not resolve org.apache.kafka:kafka_2.13:$KAFKA_VERSION (scripts/kafka/pom.xml; log: $KAFKA_HOME/maven.log)"
    fi
    ls "$KAFKA_HOME"/libs.tmp/kafka_2.13-*.jar >/dev/null 2>&1 || die "kafka_2.13 jar missing after resolve"
    touch "$KAFKA_HOME/libs.tmp/.complete"
    rm -rf "$KAFKA_HOME/libs"
    mv "$KAFKA_HOME/libs.tmp" "$KAFKA_HOME/libs"
  ) 9>"$KAFKA_HOME/.lock" || exit 1
}

# Kafka's perf tools (kafka-tools jar + dependencies, scripts/kafka/tools-pom.xml) into
# $KAFKA_HOME/tools, cached like the broker; run with -cp "$KAFKA_HOME/tools/*".
kafka_tools_install() {
  [ -f "$KAFKA_HOME/tools/.complete" ] && return 0
  command -v java >/dev/null || apt_install openjdk-17-jre-headless
  command -v mvn >/dev/null || apt_install maven
  mkdir -p "$KAFKA_HOME"
  (
    flock 9
    [ -f "$KAFKA_HOME/tools/.complete" ] && exit 0
    log "resolving org.apache.kafka:kafka-tools:$KAFKA_VERSION from Maven Central into $KAFKA_HOME/tools"
    rm -rf "$KAFKA_HOME/tools.tmp"
    if ! (cd "$SONDE_ROOT/scripts/kafka" && mvn -q -B -Dstyle.color=never -f tools-pom.xml dependency:copy-dependencies \
      -DincludeScope=runtime -Dkafka.version="$KAFKA_VERSION" -DoutputDirectory="$KAFKA_HOME/tools.tmp") >"$KAFKA_HOME/maven-tools.log" 2>&1; then
      tail -n 30 "$KAFKA_HOME/maven-tools.log" >&2
      die "maven could not resolve org.apache.kafka:kafka-tools:$KAFKA_VERSION (scripts/kafka/tools-pom.xml; log: $KAFKA_HOME/maven-tools.log)"
    fi
    ls "$KAFKA_HOME"/tools.tmp/kafka-tools-*.jar >/dev/null 2>&1 || die "kafka-tools jar missing after resolve"
    touch "$KAFKA_HOME/tools.tmp/.complete"
    rm -rf "$KAFKA_HOME/tools"
    mv "$KAFKA_HOME/tools.tmp" "$KAFKA_HOME/tools"
  ) 9>"$KAFKA_HOME/.lock" || exit 1
}

kafka_start() {
  local dir=$1 port cport
  port=$(free_port)
  cport=$(free_port)
  while [ "$cport" = "$port" ]; do cport=$(free_port); done
  mkdir -p "$dir/data"

  cat > "$dir/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$cport
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport
advertised.listeners=PLAINTEXT://127.0.0.1:$port
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
log.dirs=$dir/data
# one node: internal topics cannot have more replicas than that
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
num.partitions=1
# small machine (2 cores shared): few threads, small segments
num.network.threads=2
num.io.threads=2
log.segment.bytes=67108864
log.retention.hours=6
EOF

  cat > "$dir/log4j2.properties" <<EOF
status = warn
appender.file.type = File
appender.file.name = FILE
appender.file.fileName = $dir/server.log
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = FILE
logger.kafka.name = kafka
logger.kafka.level = INFO
logger.org.name = org.apache.kafka
logger.org.level = WARN
logger.state.name = state.change.logger
logger.state.level = WARN
EOF

  local java_opts=(-Xms128m -Xmx512m -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true
    "-Dlog4j2.configurationFile=$dir/log4j2.properties" -cp "$KAFKA_HOME/libs/*")

  # kafka-storage.sh format: writes meta.properties with a fresh cluster id into log.dirs
  java "${java_opts[@]}" kafka.tools.StorageTool format -t "$(java "${java_opts[@]}" kafka.tools.StorageTool random-uuid)" \
    -c "$dir/server.properties" >"$dir/format.log" 2>&1 || die "kafka storage format failed (see $dir/format.log)"

  # restart.sh: relaunch on the same ports and data (after a kill); waits until ready
  cat > "$dir/restart.sh" <<EOF
#!/usr/bin/env bash
set -euo pipefail
export SONDE_ROOT=$(printf '%q' "$SONDE_ROOT") SONDE_SERVICES_DIR=$(printf '%q' "$SONDE_SERVICES_DIR")
source "\$SONDE_ROOT/scripts/lib/service-common.sh"
source "\$SONDE_ROOT/scripts/services/kafka.sh"
dir=$(printf '%q' "$dir")
# a killed broker may linger as a zombie until its reaper runs: that is not running
state=\$(awk '{print \$3}' "/proc/\$(cat "\$dir/pid")/stat" 2>/dev/null || true)
if [ -n "\$state" ] && [ "\$state" != Z ]; then log "kafka already running"; exit 0; fi
: > "\$dir/server.log"
start_daemon "\$dir" "\$dir/stdout.log" java $(printf '%q ' "${java_opts[@]}") kafka.Kafka "\$dir/server.properties"
kafka_wait_ready "\$dir" $port || die "kafka did not restart (see \$dir/server.log)"
log "kafka restarted on 127.0.0.1:$port"
EOF
  chmod +x "$dir/restart.sh"

  start_daemon "$dir" "$dir/stdout.log" java "${java_opts[@]}" kafka.Kafka "$dir/server.properties"
  kafka_wait_ready "$dir" "$port" || die "kafka did not start (see $dir/server.log and $dir/stdout.log)"
  printf 'SONDE_TEST_KAFKA_BROKERS=127.0.0.1:%s\n' "$port" > "$SONDE_SERVICES_DIR/kafka.env"
}

# kafka_wait_ready DIR PORT — the port accepts connections and the broker logged that it
# finished starting (it has a leader for the metadata log and serves requests).
kafka_wait_ready() {
  local dir=$1 port=$2 i
  for ((i = 0; i < 1200; i++)); do
    kill -0 "$(cat "$dir/pid")" 2>/dev/null || return 1
    if grep -q 'Kafka Server started' "$dir/server.log" 2>/dev/null && (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      return 0
    fi
    sleep 0.1
  done
  return 1
}
