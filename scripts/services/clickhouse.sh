# ClickHouse server from Debian (clickhouse-server 18.16), one plain process on loopback with its
# own config in DIR: free HTTP and native TCP ports, data under DIR, no system service involved.
#
# Users: `default` (no password) and `sonde` with a password, so tests can prove that a wrong
# password is reported as an auth error. Debian's 18.16 rejects modern DDL (design.md §7): the
# schema is proven on chDB; this server proves the HTTP transport (batching, retries, auth, outages).
clickhouse_install() {
  command -v clickhouse-server >/dev/null || apt_install clickhouse-server
  command -v curl >/dev/null || apt_install curl
}

clickhouse_start() {
  local dir=$1 http_port tcp_port password
  http_port=$(free_port)
  tcp_port=$(free_port)
  while [ "$tcp_port" = "$http_port" ]; do tcp_port=$(free_port); done
  password=sonde-test-password
  mkdir -p "$dir/data" "$dir/tmp" "$dir/user_files" "$dir/format_schemas"
  cat > "$dir/config.xml" <<EOF
<?xml version="1.0"?>
<yandex>
    <logger>
        <level>warning</level>
        <log>$dir/clickhouse-server.log</log>
        <errorlog>$dir/clickhouse-server.err.log</errorlog>
        <size>100M</size>
        <count>2</count>
    </logger>
    <listen_host>127.0.0.1</listen_host>
    <http_port>$http_port</http_port>
    <tcp_port>$tcp_port</tcp_port>
    <max_connections>256</max_connections>
    <keep_alive_timeout>3</keep_alive_timeout>
    <max_concurrent_queries>50</max_concurrent_queries>
    <uncompressed_cache_size>67108864</uncompressed_cache_size>
    <mark_cache_size>67108864</mark_cache_size>
    <path>$dir/data/</path>
    <tmp_path>$dir/tmp/</tmp_path>
    <user_files_path>$dir/user_files/</user_files_path>
    <format_schema_path>$dir/format_schemas/</format_schema_path>
    <users_config>$dir/users.xml</users_config>
    <default_profile>default</default_profile>
    <default_database>default</default_database>
    <timezone>UTC</timezone>
    <mlock_executable>false</mlock_executable>
    <builtin_dictionaries_reload_interval>3600</builtin_dictionaries_reload_interval>
    <max_session_timeout>3600</max_session_timeout>
    <default_session_timeout>60</default_session_timeout>
</yandex>
EOF
  cat > "$dir/users.xml" <<EOF
<?xml version="1.0"?>
<yandex>
    <profiles>
        <default>
            <max_memory_usage>1000000000</max_memory_usage>
            <load_balancing>random</load_balancing>
        </default>
    </profiles>
    <users>
        <default>
            <password></password>
            <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
            <profile>default</profile>
            <quota>default</quota>
        </default>
        <sonde>
            <password_sha256_hex>$(printf '%s' "$password" | sha256sum | cut -d' ' -f1)</password_sha256_hex>
            <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
            <profile>default</profile>
            <quota>default</quota>
        </sonde>
    </users>
    <quotas>
        <default>
            <interval>
                <duration>3600</duration>
                <queries>0</queries>
                <errors>0</errors>
                <result_rows>0</result_rows>
                <read_rows>0</read_rows>
                <execution_time>0</execution_time>
            </interval>
        </default>
    </quotas>
</yandex>
EOF
  start_daemon "$dir" "$dir/stdout.log" clickhouse-server --config-file="$dir/config.xml"
  local i
  for ((i = 0; i < 600; i++)); do
    if [ "$(curl -fsS --max-time 1 "http://127.0.0.1:$http_port/ping" 2>/dev/null)" = "Ok." ]; then break; fi
    kill -0 "$(cat "$dir/pid")" 2>/dev/null || die "clickhouse-server exited (see $dir/stdout.log, $dir/clickhouse-server.err.log)"
    sleep 0.1
  done
  [ "$i" -lt 600 ] || die "clickhouse-server not ready after 60 s (see $dir/clickhouse-server.err.log)"
  {
    printf 'SONDE_TEST_CLICKHOUSE_URL=http://127.0.0.1:%s\n' "$http_port"
    printf 'SONDE_TEST_CLICKHOUSE_TCP_PORT=%s\n' "$tcp_port"
    printf 'SONDE_TEST_CLICKHOUSE_USER=sonde\n'
    printf 'SONDE_TEST_CLICKHOUSE_PASSWORD=%s\n' "$password"
    printf 'SONDE_TEST_CLICKHOUSE_DEFAULT_USER=default\n'
    printf 'SONDE_TEST_CLICKHOUSE_VERSION=%s\n' "$(curl -fsS "http://127.0.0.1:$http_port/?query=SELECT%20version()")"
  } > "$SONDE_SERVICES_DIR/clickhouse.env"
}
