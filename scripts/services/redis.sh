# Redis from Debian (redis-server 7.0), one instance on loopback, no persistence.
redis_install() {
  command -v redis-server >/dev/null || apt_install redis-server
}

redis_start() {
  local dir=$1 port
  port=$(free_port)
  start_daemon "$dir" "$dir/redis.log" redis-server --bind 127.0.0.1 --port "$port" \
    --dir "$dir" --save '' --appendonly no --daemonize no --protected-mode yes
  wait_port 127.0.0.1 "$port" 30 || die "redis did not start (see $dir/redis.log)"
  printf 'SONDE_TEST_REDIS_URL=redis://127.0.0.1:%s\n' "$port" > "$SONDE_SERVICES_DIR/redis.env"
}
