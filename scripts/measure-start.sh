#!/usr/bin/env bash
# Time to ready (docs/BENCHMARKS.md, "Start-up"): starts the server with the given JVM arguments in
# WORKDIR (its H2 database and recordings live there: a second run is a restart on an existing
# database), polls /actuator/health/readiness every 50 ms until it answers 200, prints
# "ready_ms N" (process start to ready), and kills the server. JAVA_HOME chooses the JDK.
#
#   scripts/measure-start.sh PORT WORKDIR -jar target/callvault-0.1.0-SNAPSHOT.jar
#   scripts/measure-start.sh PORT WORKDIR -XX:SharedArchiveFile=target/fast-start/callvault.jsa \
#       -jar target/fast-start/callvault.jar
set -euo pipefail
port="$1"; dir="$2"; shift 2
mkdir -p "$dir"; cd "$dir"
start=$(date +%s%N)
"${JAVA_HOME:+$JAVA_HOME/bin/}java" "$@" --server.port="$port" --callvault.sip.port=0 --callvault.admin.password=measure-start-owner \
    >>"$dir/server.log" 2>&1 &
pid=$!
trap 'kill -9 $pid 2>/dev/null || true' EXIT
until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/actuator/health/readiness")" = 200 ]; do
  kill -0 "$pid" 2>/dev/null || { echo "the server exited; see $dir/server.log" >&2; exit 1; }
  sleep 0.05
done
echo "ready_ms $(( ($(date +%s%N) - start) / 1000000 ))"
