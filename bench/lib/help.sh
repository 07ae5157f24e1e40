# Sourced by bench/*/run.sh as `source bench/lib/help.sh "$0" "$@"`: with -h or --help among
# the arguments, prints the script's leading comment block (its usage) and exits, before a
# benchmark starts anything.
_bench_script="$1"
shift
for _bench_arg in "$@"; do
  if [ "$_bench_arg" = "--help" ] || [ "$_bench_arg" = "-h" ]; then
    sed -n '2,/^set -euo/p' "$_bench_script" | sed '$d' | sed 's/^# \{0,1\}//'
    exit 0
  fi
done
unset _bench_script _bench_arg
