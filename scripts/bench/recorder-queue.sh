#!/usr/bin/env bash
# scrape recorder queue size + gc pause from server on 18090 every 1 s -> /tmp/gcinv/q.txt
OUT=${1:-/tmp/gcinv/q.txt}; : > $OUT
until curl -sf -o /dev/null http://127.0.0.1:18090/login; do sleep 0.5; done
J=/tmp/gcinv/cj; rm -f $J
csrf=$(curl -s -c $J -b $J http://127.0.0.1:18090/login | grep -o 'name="_csrf"[^>]*' | grep -o 'value="[^"]*"' | cut -d'"' -f2)
curl -s -c $J -b $J -o /dev/null -d "username=admin&password=loadtool-owner-pw&_csrf=$csrf" http://127.0.0.1:18090/login
T0=$(date +%s.%N)
while curl -s -b $J http://127.0.0.1:18090/actuator/prometheus > /tmp/gcinv/p.txt; do
  [ -s /tmp/gcinv/p.txt ] || break
  t=$(echo "$(date +%s.%N) - $T0" | bc)
  echo "$t $(grep -E '^callvault_recording_queue_size' /tmp/gcinv/p.txt | awk '{print $2}') $(grep -E '^callvault_recording_frames_dropped' /tmp/gcinv/p.txt | awk '{print $2}')" >> $OUT
  sleep 1
done
