#!/usr/bin/env bash
# Storage per call minute of Ogg Opus stereo and mono recordings: 10 Opus calls for 60 s each, light load.
cd "$(dirname "$0")/../.."
export CALLVAULT_LOADTOOL_PASSWORD=loadtool-owner-pw
jar=target/callvault-0.1.0-SNAPSHOT.jar
for ch in 2 1; do
  D=/tmp/lt-store-$ch; rm -rf $D; mkdir -p $D
  java -XX:MaxGCPauseMillis=10 -Xms1g -Xmx2g -jar $jar --server.port=18090 \
    --spring.datasource.url=jdbc:h2:file:$D/db --callvault.recordings.dir=$D/rec \
    --callvault.recordings.format=opus --callvault.recordings.channels=$ch \
    --callvault.recordings.min-free-space=100MB --callvault.mic-tests.min-free-disk=100MB \
    --callvault.admin.password=$CALLVAULT_LOADTOOL_PASSWORD --callvault.calls.dials-per-minute=100000 \
    --callvault.sockets.anonymous-per-address=100000 --callvault.calls.max-ringing=100000 --callvault.sip.port=0 > $D/server.log 2>&1 &
  PID=$!
  until curl -sf -o /dev/null http://127.0.0.1:18090/login; do sleep 1; done
  java -XX:MaxGCPauseMillis=10 -jar loadtool/target/callvault-loadtool.jar --url http://127.0.0.1:18090 \
    --calls 10 --ramp 100 --run 60 --codec opus --recordings $D/rec --server-pid $PID --json $D/lt.json > $D/lt.out 2>&1
  echo "channels=$ch $(tail -2 $D/lt.out | head -1 | tr ' ' '\n' | grep -E '^(recOk|recBad|durErrMaxMs|clean)=' | tr '\n' ' ')"
  find $D/rec -name '*.opus' -o -name '*.ogg' | head -3
  # bytes and seconds of audio (last page's granule position less the pre-skip, 48 kHz)
  python3 scripts/bench/ogg-per-minute.py "$D/rec"
  kill $PID; wait $PID
done
