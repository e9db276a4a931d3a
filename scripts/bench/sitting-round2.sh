#!/usr/bin/env bash
# One quiet sitting for issue 15 point 7 (mixed SIP and browser calls beside the floor) and issue 18
# point 6 (the browser wire in Opus, WAV and Ogg Opus recordings, beside the floor), in that order.
# docs/BENCHMARKS.md "How to measure SIP calls" explains the server and tool settings. Hold the
# Maven lock for the whole sitting (flock /tmp/mvn.lock scripts/bench/sitting-round2.sh OUT): nothing
# else may run on the machine. Needs target/callvault-*.jar and loadtool/target/callvault-loadtool.jar.
#
#   scripts/bench/sitting-round2.sh OUT_DIR [N_BASE] [PART]
#     N_BASE (default 100): the floor's call count; PART: sip (the floor, mixed, browser, SIP at N_BASE),
#     mixed (the same without the browser-only run), siponly (SIP calls at N_BASE alone),
#     mixedonly (the mixed run alone), opus (the floor at 2 x N_BASE, Opus calls with
#     WAV and Ogg Opus recordings), lean (the floor at 2 x and 3 x N_BASE; Opus calls with stereo
#     Ogg Opus recordings, which store the talkers' own packets: 2 x N_BASE at 32 and at 16 kbit/s,
#     3 x N_BASE at 16 kbit/s), jit (the mixed run at N_BASE twice: the JIT as it is, then C1 alone,
#     -XX:TieredStopAtLevel=1, what a start without C2 would cost the media path; docs/BENCHMARKS.md
#     "Fast start: what the start's CPU goes to")
#     or all (default)
#   SERVER_JVM_OPTS: extra JVM options for every server of the sitting
set -uo pipefail
cd "$(dirname "$0")/../.."
out="$(realpath -m "${1:?output folder}")"; n="${2:-100}"; n2=$((2 * n)); part="${3:-all}"
mkdir -p "$out"
export CALLVAULT_LOADTOOL_PASSWORD=loadtool-owner-pw
jar="$(ls target/callvault-*.jar | grep -v -e '-plain\.jar$' -e '\.original$' | head -n 1)"
floor_dir="$(realpath ../shared/bench/floor)"
. scripts/bench/load-server-settings.sh

log() { echo "# $(date -u +%H:%M:%S) $*" | tee -a "$out/lines.txt"; }
machine() { echo "# load: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/lines.txt"; }

start_server() {  # FORMAT NAME [SERVER OPTIONS...]
  local format="$1" name="$2"; shift 2
  rm -rf /tmp/lt-sit && mkdir -p /tmp/lt-sit
  load_server_settings /tmp/lt-sit
  java -XX:MaxGCPauseMillis=10 -Xms1g -Xmx2g ${SERVER_JVM_OPTS:-} -jar "$jar" "${LOAD_SERVER_SETTINGS[@]}" \
    --callvault.recordings.format="$format" "$@" > "$out/server-$name.log" 2>&1 &
  SERVER_PID=$!
  until curl -sf -o /dev/null http://127.0.0.1:18090/login; do sleep 1; done
}

stop_server() {
  kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null
}

run_tool() {  # NAME N SIP_SHARE(none|P) CODEC
  local sip=""; [ "$3" != none ] && sip="--sip 127.0.0.1:15060 --sip-share $3"
  machine
  java -XX:MaxGCPauseMillis=10 -jar loadtool/target/callvault-loadtool.jar --url http://127.0.0.1:18090 \
    --calls "$2" --ramp 100 --warm-up 60 --settle 15 --run 60 $sip --codec "$4" \
    --recordings /tmp/lt-sit/rec --server-pid "$SERVER_PID" --json "$out/$1.json" > "$out/$1.out" 2>&1
  tail -2 "$out/$1.out" | head -1 | tee -a "$out/lines.txt"
  # Storage: the recordings folder after the run, per call and minute of recorded audio.
  if [ -n "$(find /tmp/lt-sit/rec -name '*.opus' | head -1)" ]; then
    echo "# $1 Ogg Opus storage: $(python3 scripts/bench/ogg-per-minute.py /tmp/lt-sit/rec)" | tee -a "$out/lines.txt"
  fi
  echo "# $1 recordings: $(du -sb /tmp/lt-sit/rec | cut -f1) bytes in $(find /tmp/lt-sit/rec -type f \( -name '*.wav' -o -name '*.opus' -o -name '*.ogg' \) | wc -l) audio files" | tee -a "$out/lines.txt"
}

floor() {  # N
  machine
  (cd "$floor_dir" && ./floor.sh "$1" 60) > "$out/floor-$1.out" 2>&1
  grep -m1 '^server=floor' "$out/floor-$1.out" | tee -a "$out/lines.txt" || tail -3 "$out/floor-$1.out" | tee -a "$out/lines.txt"
}

log "sitting on $(nproc) cores, $(java -version 2>&1 | head -1)"
if [ "$part" = siponly ]; then
log "sip $n";                   start_server wav sip; run_tool "sip-$n" "$n" 100 pcm; stop_server
log "done"; exit 0
fi
if [ "$part" = mixedonly ]; then
log "mixed $n 50% SIP pcm";     start_server wav mixed; run_tool "mixed-$n" "$n" 50 pcm; stop_server
log "done"; exit 0
fi
if [ "$part" = jit ]; then
log "mixed $n 50% SIP pcm, C1 and C2";  start_server wav jit-c2; run_tool "jit-c2-$n" "$n" 50 pcm; stop_server
log "mixed $n 50% SIP pcm, C1 alone";   SERVER_JVM_OPTS="${SERVER_JVM_OPTS:-} -XX:TieredStopAtLevel=1" start_server wav jit-c1
run_tool "jit-c1-$n" "$n" 50 pcm; stop_server
log "done"; exit 0
fi
if [ "$part" = lean ]; then
n3=$((3 * n))
log "floor $n2";                floor "$n2"
log "floor $n3";                floor "$n3"
log "opus $n2 ogg stereo 32k";  start_server opus lean-$n2 --callvault.recordings.channels=2; run_tool "lean-$n2" "$n2" none opus; stop_server
log "opus $n2 ogg stereo 16k";  start_server opus lean16-$n2 --callvault.recordings.channels=2 --callvault.media.opus-bitrate=16000; run_tool "lean16-$n2" "$n2" none opus; stop_server
log "opus $n3 ogg stereo 16k";  start_server opus lean16-$n3 --callvault.recordings.channels=2 --callvault.media.opus-bitrate=16000; run_tool "lean16-$n3" "$n3" none opus; stop_server
log "done"; exit 0
fi
if [ "$part" != opus ]; then
log "floor $n";                 floor "$n"
log "mixed $n 50% SIP pcm";     start_server wav mixed; run_tool "mixed-$n" "$n" 50 pcm; stop_server
if [ "$part" != mixed ]; then
log "browser $n pcm";           start_server wav browser; run_tool "browser-$n" "$n" none pcm; stop_server
fi
log "sip $n";                   start_server wav sip; run_tool "sip-$n" "$n" 100 pcm; stop_server
fi
if [ "$part" = opus ] || [ "$part" = all ]; then
log "floor $n2";                floor "$n2"
log "opus $n2 wav";             start_server wav opus-wav; run_tool "opus-wav-$n2" "$n2" none opus; stop_server
log "opus $n2 ogg";             start_server opus opus-ogg; run_tool "opus-ogg-$n2" "$n2" none opus; stop_server
log "opus $n ogg";              start_server opus opus-ogg-n; run_tool "opus-ogg-$n" "$n" none opus; stop_server
fi
log "done"
