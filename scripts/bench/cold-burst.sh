#!/usr/bin/env bash
# A burst of calls at once on a node just started with the fast start (README "Fast start";
# docs/BENCHMARKS.md "Fast start: a burst at once after the start"): N calls (half of them SIP),
# ramped at 100 a second as soon as /actuator/health/readiness answers 200, measured for 20 s with
# no warm-up; then the same burst again on the same node, now warm. The load tool is a new JVM both
# times, so its own cold start weighs the same on both: the difference is the node's.
# Hold the Maven lock (flock /tmp/mvn.lock ...): nothing else may run on the machine.
#
#   JAVA_HOME=<JDK 25> scripts/build-fast-start.sh target/callvault-*.jar target/fast-start
#   JAVA_HOME=<JDK 25> scripts/bench/cold-burst.sh OUT_DIR [N] [FAST_START_DIR]
# Needs loadtool/target/callvault-loadtool.jar.
set -uo pipefail
cd "$(dirname "$0")/../.."
out="$(realpath -m "${1:?output folder}")"; n="${2:-100}"; fast="$(realpath "${3:-target/fast-start}")"
mkdir -p "$out"
export CALLVAULT_LOADTOOL_PASSWORD=loadtool-owner-pw
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
work=/tmp/lt-cold; rm -rf "$work" && mkdir -p "$work"
start=$(date +%s%N)
. scripts/bench/load-server-settings.sh
load_server_settings "$work"
"$java_bin" -XX:AOTCache="$fast/callvault.aot" -Dspring.aot.enabled=true -XX:MaxGCPauseMillis=10 -Xms1g -Xmx2g \
    -jar "$fast/callvault.jar" "${LOAD_SERVER_SETTINGS[@]}" > "$out/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null' EXIT
until curl -sf -o /dev/null http://127.0.0.1:18090/actuator/health/readiness; do
  kill -0 $pid 2>/dev/null || { echo "the server exited; see $out/server.log" >&2; exit 1; }
  sleep 0.05
done
echo "# $(date -u +%H:%M:%S) ready after $(( ($(date +%s%N) - start) / 1000000 )) ms (curl every 50 ms)" | tee -a "$out/lines.txt"
for phase in cold warm; do
  java -XX:MaxGCPauseMillis=10 -jar loadtool/target/callvault-loadtool.jar --url http://127.0.0.1:18090 \
    --calls "$n" --ramp 100 --warm-up 0 --settle 0 --run 20 --sip 127.0.0.1:15060 --sip-share 50 --codec pcm \
    --recordings $work/rec --server-pid $pid --json "$out/$phase.json" > "$out/$phase.out" 2>&1
  echo "# $phase: $(tail -2 "$out/$phase.out" | head -1)" | tee -a "$out/lines.txt"
done
