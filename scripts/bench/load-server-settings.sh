# Sourced by the sittings (sitting-round2.sh, cold-burst.sh): the server settings of a load run
# (docs/BENCHMARKS.md "How to measure SIP calls"), for a server whose database and recordings live in
# $1: limits far above the load tool's rates, SIP on 15060 with 4,000 RTP ports, port 18090.
load_server_settings() {  # WORK_DIR
  LOAD_SERVER_SETTINGS=(--server.port=18090
    --spring.datasource.url="jdbc:h2:file:$1/db" --callvault.recordings.dir="$1/rec"
    --callvault.recordings.min-free-space=100MB --callvault.mic-tests.min-free-disk=100MB
    --callvault.admin.password="$CALLVAULT_LOADTOOL_PASSWORD" --callvault.calls.dials-per-minute=100000
    --callvault.sockets.anonymous-per-address=100000 --callvault.calls.max-ringing=100000
    --callvault.sip.port=15060 --callvault.sip.bind=127.0.0.1 --callvault.sip.rtp-ports=30000-33999
    --callvault.sip.max-calls=5000 --callvault.sip.invites-per-second=1000)
}
