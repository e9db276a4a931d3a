#!/usr/bin/env bash
# Measures what docs/SCALING.md reports: per-call database writes (PostgreSQL pg_stat_database of a
# database of its own), Redis commands and pub/sub messages (INFO commandstats of a redis-server of
# its own) and CPU, for one node direct and two nodes behind HAProxy, with the load tool.
# Run it under the shared lock (it starts JVMs):
#   flock /tmp/mvn.lock scripts/scaling-measure.sh CALLS RUN_SECONDS
# Needs: target/callvault-*.jar and loadtool/target/callvault-loadtool.jar built, PostgreSQL on
# 127.0.0.1:5432 (user postgres, trust), redis-server and haproxy on the PATH (/usr/sbin).
# Ports of its own: Redis 16391, nodes 18191/18192, HAProxy 18190, single node 18193.
set -euo pipefail
CALLS=${1:-20}
RUN=${2:-30}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
JAR=$(ls "$ROOT"/target/callvault-*.jar | head -1)
LT="$ROOT/loadtool/target/callvault-loadtool.jar"
W=${SCALING_DIR:-/tmp/scaling}
DB=scaling_cv
PW=scaling-owner-pw
REDIS_PORT=16391
mkdir -p "$W"
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
if ! redis-cli -p $REDIS_PORT ping >/dev/null 2>&1; then
  redis-server --port $REDIS_PORT --save '' --appendonly no --daemonize yes \
    --pidfile "$W/redis.pid" --logfile "$W/redis.log"
  sleep 1
fi
redis-cli -p $REDIS_PORT flushall >/dev/null

COMMON=(--spring.datasource.url=jdbc:postgresql://127.0.0.1:5432/$DB --spring.datasource.username=postgres
  --spring.datasource.password= --callvault.admin.password=$PW --callvault.calls.dials-per-minute=100000
  --callvault.sockets.anonymous-per-address=100000 --callvault.calls.max-ringing=100000
  --callvault.trusted-proxies=127.0.0.1 --callvault.sip.enabled=false)

start_node() { # name port redis(yes|no)
  local name=$1 port=$2 extra=()
  [ "$3" = yes ] && extra=(--callvault.redis.url=redis://127.0.0.1:$REDIS_PORT --callvault.redis.key-prefix=scaling:
    --callvault.node.id=$name)
  # a fresh database each run: recordings left from a previous run would be orphans (refused at start)
  rm -rf "$W/$name/rec"; mkdir -p "$W/$name"
  (cd "$W/$name" && exec java -XX:MaxGCPauseMillis=10 -Xms512m -Xmx1g -jar "$JAR" --server.port=$port \
    --callvault.recordings.dir="$W/$name/rec" "${COMMON[@]}" "${extra[@]}" >"$W/$name/server.log" 2>&1) &
  PIDS+=($!)
  for _ in $(seq 1 120); do
    curl -fs "http://127.0.0.1:$port/actuator/health/readiness" >/dev/null 2>&1 && return 0
    sleep 1
  done
  echo "node $name did not become ready" >&2; exit 1
}
java_pid() { ss -ltnpH "sport = :$1" | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -1; }
cpu_s() { local t=0 p; for p in "$@"; do t=$((t + $(awk '{print $14+$15}' /proc/$p/stat))); done; echo "scale=2; $t/$(getconf CLK_TCK)" | bc; }
pg() { sleep 2; psql -At -h 127.0.0.1 -U postgres -c "select xact_commit, tup_inserted, tup_updated, tup_deleted from pg_stat_database where datname='$DB'"; }
redis_stats() { redis-cli -p $REDIS_PORT info commandstats | tr -d '\r' | grep cmdstat | sed 's/cmdstat_\([a-z|]*\):calls=\([0-9]*\).*/\1 \2/' | sort; }
delta() { # before after (lines "name n")
  join -a2 -e0 -o 0,1.2,2.2 <(echo "$1") <(echo "$2") | awk -v c=$CALLS '{d=$3-$2; if (d>0) printf "  %-22s %7d  %.2f/call\n", $1, d, d/c}'
}
run_tool() { # url label server-pid
  CALLVAULT_LOADTOOL_PASSWORD=$PW java -jar "$LT" --url "$1" --calls $CALLS --ramp 50 --run $RUN \
    --server-pid "$3" --json "$W/$2.json" >"$W/$2.out" 2>&1 || echo "(load tool exit $?)"
  grep '^server=' "$W/$2.out" || tail -5 "$W/$2.out"
}
measure() { # label url tool-pid node-pids...
  local label=$1 url=$2 tpid=$3; shift 3
  local pg0 r0 c0 pg1 r1 c1
  pg0=$(pg); r0=$(redis_stats); c0=$(cpu_s "$@")
  run_tool "$url" "$label" "$tpid"
  pg1=$(pg); r1=$(redis_stats); c1=$(cpu_s "$@")
  echo "== $label: $CALLS calls, ${RUN}s window"
  echo "  nodes' CPU over the run: $(echo "$c1 - $c0" | bc) s (pids $*)"
  paste -d' ' <(echo "$pg0" | tr '|' '\n') <(echo "$pg1" | tr '|' '\n') |
    awk -v c=$CALLS 'BEGIN{split("commits inserted updated deleted",n," ")} {d=$2-$1; printf "  pg %-10s %7d  %.2f/call\n", n[NR], d, d/c}'
  delta "$r0" "$r1"
}

# 1. two nodes behind HAProxy, Redis shared
start_node a 18191 yes; start_node b 18192 yes
cat >"$W/haproxy.cfg" <<EOF
global
  maxconn 9000
defaults
  mode http
  timeout connect 5s
  timeout client 60s
  timeout server 60s
  option forwardfor
frontend callvault
  bind 127.0.0.1:18190
  default_backend callvault
backend callvault
  balance roundrobin
  option httpchk GET /actuator/health/readiness
  use-server a if { urlp(token) -m beg a. }
  use-server b if { urlp(token) -m beg b. }
  server a 127.0.0.1:18191 check inter 1s
  server b 127.0.0.1:18192 check inter 1s
EOF
/usr/sbin/haproxy -db -f "$W/haproxy.cfg" >"$W/haproxy.log" 2>&1 &
PIDS+=($!); HAPID=$!
sleep 2
A=$(java_pid 18191); B=$(java_pid 18192)
echo "idle 10 s (two nodes, no calls): background writes and Redis traffic"
r0=$(redis_stats); p0=$(pg); sleep 10; r1=$(redis_stats); p1=$(pg)
echo "  pg before $p0 after $p1"; CALLS=20 delta "$r0" "$r1"
measure two-nodes http://127.0.0.1:18190 "$A" "$A" "$B"
echo "  haproxy CPU: $(cpu_s $HAPID) s (whole life)"
echo "  rows written per table over the database's life (migrations, start-up, idle and this run):"
psql -At -h 127.0.0.1 -U postgres -d $DB -c "select relname, n_tup_ins, n_tup_upd, n_tup_del from pg_stat_user_tables where n_tup_ins + n_tup_upd + n_tup_del > 0 order by 1" | sed 's/^/    /'
redis-cli -p $REDIS_PORT info stats | tr -d '\r' | grep -E 'total_net_(input|output)_bytes' | sed 's/^/  redis (life) /'
grep -o 'sent=[0-9]* recv=[0-9]*' "$W/two-nodes.out" | sed 's/^/  frames through HAProxy: /' || true
for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; PIDS=(); sleep 3

[ "${SCALING_ONLY:-}" = two ] && exit 0
# 2. one node direct, no Redis, same database engine
start_node one 18193 no
O=$(java_pid 18193)
measure one-node http://127.0.0.1:18193 "$O" "$O"
