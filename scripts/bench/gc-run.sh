#!/usr/bin/env bash
# GC investigation run: fresh server with JFR promotion events + GC log, then load tool N calls P% SIP.
# PROMO_JFC: a copy of $JAVA_HOME/lib/jfr/default.jfc with jdk.PromoteObjectInNewPLAB and
# jdk.PromoteObjectOutsidePLAB enabled (JFR=  with an empty value runs without JFR)
# usage: gcrun.sh TAG N P [extra server jvm opts...]
set -u
TAG=$1; N=$2; P=$3; shift 3
cd "$(dirname "$0")/../.."
export CALLVAULT_LOADTOOL_PASSWORD=loadtool-owner-pw
D=/tmp/gcinv/$TAG; rm -rf $D; mkdir -p $D
java -XX:MaxGCPauseMillis=10 -Xms1g -Xmx2g -Xlog:gc*:file=$D/gc.log:uptime,level,tags \
  ${JFR--XX:StartFlightRecording=filename=$D/rec.jfr,settings=${PROMO_JFC:-/tmp/promo.jfc}} "$@" \
  ${SRVJAR:--jar target/callvault-0.1.0-SNAPSHOT.jar} --server.port=18090 \
  --spring.datasource.url=jdbc:h2:file:$D/db --callvault.recordings.dir=$D/rec \
  --callvault.recordings.min-free-space=100MB --callvault.mic-tests.min-free-disk=100MB \
  --callvault.admin.password=$CALLVAULT_LOADTOOL_PASSWORD --callvault.calls.dials-per-minute=100000 \
  --callvault.sockets.anonymous-per-address=100000 --callvault.calls.max-ringing=100000 \
  --callvault.sip.port=15060 --callvault.sip.bind=127.0.0.1 --callvault.sip.rtp-ports=30000-33999 \
  --callvault.sip.max-calls=5000 --callvault.sip.invites-per-second=1000 > $D/server.log 2>&1 &
SERVER_PID=$!
until curl -sf -o /dev/null http://127.0.0.1:18090/login; do sleep 1; done
SIP=""; [ "$P" != none ] && SIP="--sip 127.0.0.1:15060 --sip-share $P"
java -XX:MaxGCPauseMillis=10 -jar loadtool/target/callvault-loadtool.jar --url http://127.0.0.1:18090 \
  --calls $N --ramp 100 --warm-up ${WARM:-30} --settle 10 --run ${RUN:-40} $SIP \
  --recordings $D/rec --server-pid $SERVER_PID --json $D/lt.json > $D/lt.out 2> $D/lt.err
tail -2 $D/lt.out | head -1
kill $SERVER_PID; wait $SERVER_PID
