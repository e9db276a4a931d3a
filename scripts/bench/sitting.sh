#!/usr/bin/env bash
# One benchmark sitting: each argument is one run on a fresh server, results in $OUT (default /tmp/bench).
#   floor:N            the floor (../shared/bench/floor/floor.sh N 60)
#   pcm:N:P            CallVault, N calls, P % over SIP (P=none: browser only), PCM browser legs
#   opus:N:P           the same with the browser legs on Opus (--codec opus)
#   oggsize:N          N Opus calls recorded as stereo Ogg Opus for 60 s: bytes per call minute
# Run it under the Maven lock with nothing else on the machine.
set -u
cd "$(dirname "$0")/../.."
OUT=${OUT:-/tmp/bench}; mkdir -p "$OUT"
FLOOR=${FLOOR:-../shared/bench/floor}
export CALLVAULT_LOADTOOL_PASSWORD=loadtool-owner-pw
start_server() {  # extra server args...
  rm -rf /tmp/lt-sit && mkdir -p /tmp/lt-sit
  java -XX:MaxGCPauseMillis=10 -Xms1g -Xmx2g -Xlog:gc:file=/tmp/lt-sit/gc.log -jar target/callvault-0.1.0-SNAPSHOT.jar \
    --server.port=18090 --spring.datasource.url=jdbc:h2:file:/tmp/lt-sit/db --callvault.recordings.dir=/tmp/lt-sit/rec \
    --callvault.recordings.min-free-space=100MB --callvault.mic-tests.min-free-disk=100MB \
    --callvault.admin.password=$CALLVAULT_LOADTOOL_PASSWORD --callvault.calls.dials-per-minute=100000 \
    --callvault.sockets.anonymous-per-address=100000 --callvault.calls.max-ringing=100000 \
    --callvault.sip.port=15060 --callvault.sip.bind=127.0.0.1 --callvault.sip.rtp-ports=30000-33999 \
    --callvault.sip.max-calls=5000 --callvault.sip.invites-per-second=1000 "$@" > /tmp/lt-sit/server.log 2>&1 &
  SERVER_PID=$!
  until curl -sf -o /dev/null http://127.0.0.1:18090/login; do sleep 1; done
}
stop_server() { kill $SERVER_PID; wait $SERVER_PID 2>/dev/null; }
tool() {  # N P CODEC [extra tool args]
  local n=$1 p=$2 codec=$3; shift 3
  local sip=""; [ "$p" != none ] && sip="--sip 127.0.0.1:15060 --sip-share $p"
  java -XX:MaxGCPauseMillis=10 -jar loadtool/target/callvault-loadtool.jar --url http://127.0.0.1:18090 \
    --calls $n --ramp 100 --warm-up 60 --settle 15 --run 60 $sip --codec $codec \
    --server-pid $SERVER_PID "$@"
}
for run in "$@"; do
  IFS=: read -r kind a b <<< "$run"
  echo "== $run $(date -u +%H:%M:%S)" | tee -a "$OUT/sitting.txt"
  case $kind in
    floor) (cd "$FLOOR" && ./floor.sh "$a" 60) | tail -1 | tee -a "$OUT/sitting.txt" ;;
    pcm|opus)
      start_server
      tool "$a" "$b" "$kind" --recordings /tmp/lt-sit/rec --json "$OUT/$kind-$a-$b.json" > "$OUT/$kind-$a-$b.out" 2> "$OUT/$kind-$a-$b.err"
      tail -2 "$OUT/$kind-$a-$b.out" | head -1 | tee -a "$OUT/sitting.txt"
      grep -E "Pause Young" /tmp/lt-sit/gc.log | awk '{ms=$NF; sub("ms","",ms); n++; if (ms+0>max) max=ms+0} END {print "gc: " n " young pauses, max " max " ms"}' | tee -a "$OUT/sitting.txt"
      stop_server ;;
    oggsize)
      start_server --callvault.recordings.format=opus --callvault.recordings.channels=2
      java -XX:MaxGCPauseMillis=10 -jar loadtool/target/callvault-loadtool.jar --url http://127.0.0.1:18090 \
        --calls "$a" --ramp 100 --run 60 --codec opus --server-pid $SERVER_PID > "$OUT/oggsize.out" 2> "$OUT/oggsize.err"
      tail -2 "$OUT/oggsize.out" | head -1 | tee -a "$OUT/sitting.txt"
      stop_server
      curl -s -o /dev/null http://127.0.0.1:18090/ 2>/dev/null
      find /tmp/lt-sit/rec -name '*.opus' -printf '%s\n' | awk -v n="$a" '{s+=$1; c++} END {print "ogg files: " c ", bytes " s}' | tee -a "$OUT/sitting.txt" ;;
  esac
done
