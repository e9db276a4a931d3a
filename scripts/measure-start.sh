#!/usr/bin/env bash
# Time to ready (docs/BENCHMARKS.md, "Start-up"): starts the server with the given JVM arguments in
# WORKDIR (its H2 database and recordings live there: a second run is a restart on an existing
# database), polls /actuator/health/readiness every 20 ms until it answers 200, prints
# "ready_ms N" (process start to ready), and kills the server. JAVA_HOME chooses the JDK.
# The poll is bash's own /dev/tcp, not curl: the start is CPU-bound on this 2-core machine, and a
# curl every 50 ms took about 0.5 s of CPU from it (9 ms a curl; docs/BENCHMARKS.md, "Fast start:
# what the start's CPU goes to"), where a balancer's health check costs the node's machine nothing.
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
ready() {  # one HTTP/1.1 request, the status line read back
  exec 3<>"/dev/tcp/127.0.0.1/$port" || return 1
  printf 'GET /actuator/health/readiness HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' >&3
  local status=""; IFS= read -r -t 2 status <&3; exec 3>&-
  [[ $status == *" 200 "* ]]
}
exec 4<> <(:)  # a pipe nobody writes: read -t on it waits without a process per poll
until ready 2>/dev/null; do
  kill -0 "$pid" 2>/dev/null || { echo "the server exited; see $dir/server.log" >&2; exit 1; }
  read -r -t 0.02 -u 4 || true
done
echo "ready_ms $(( ($(date +%s%N) - start) / 1000000 ))"
