#!/usr/bin/env bash
# bench/proxy.sh [stateless|stateful] — sipdispatch as the proxy under test of the SIPp yardstick
# (../shared/bench/run-anchor.sh and friends, or any harness with the same contract):
#   - runs in the foreground, bound on exactly udp and tcp 127.0.0.1:5060, logs on stderr;
#   - set 1 = sip:127.0.0.1:5071 … 5070+N (N from the environment, default 3);
#   - every request not routed by a Route naming sipdispatch goes to set 1 as outbound proxy (Request-URI
#     and Route untouched, like Kamailio's ds_select_dst), algorithm DS_ALG (default 4, round-robin);
#   - Record-Route on, strict compliance; no probing in stateless mode;
#   - stateful: the seed's failover configuration: transactions, a 2 s no-reply timer, a timeout, a
#     transport error (ICMP unreachable) or a 500 marks the destination inactive+probing and moves the call
#     to the next destination; 404 No destination when none is left; OPTIONS probing of every destination
#     every DS_PING s (default 1), threshold 1, class 2 replies accepted.
# Works from any directory; builds only when the runnable jar is missing or older than the sources.
# Optional: MANAGEMENT=127.0.0.1:PORT turns the management API on (counters at /metrics), SHED_AFTER=20ms
# sets limits.overload.shed_after (0s = no overload shedding), QUEUE_FILL=50 its queue_fill.
# Scratch files go to $RUN_DIR (or a fresh temporary folder). SIGTERM stops it within 5 s.
set -euo pipefail
MODE=${1:-stateless}
case "$MODE" in stateless|stateful) ;; *) echo "usage: $0 [stateless|stateful]" >&2; exit 2 ;; esac
root="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
jar="$root/server/target/sipdispatch.jar"
N=${N:-3}
DS_ALG=${DS_ALG:-4}
DS_PING=${DS_PING:-1}

stale() {
  [ ! -f "$jar" ] && return 0
  [ -n "$(find "$root/pom.xml" "$root/sip" "$root/dispatcher" "$root/server" \
            -name target -prune -o -type f -newer "$jar" -print -quit)" ]
}
if stale; then
  echo "proxy.sh: building $jar" >&2
  "$root/mvnw" -q -B -f "$root/pom.xml" -Dmaven.test.skip=true -pl server -am package >&2
fi

if [ -n "${RUN_DIR:-}" ]; then
  dir="$RUN_DIR/sipdispatch-$MODE"
  mkdir -p "$dir"
else
  dir="$(mktemp -d "${TMPDIR:-/tmp}/sipdispatch-bench.XXXXXX")"
fi

: >"$dir/dispatcher.list"
for i in $(seq 1 "$N"); do
  echo "1 sip:127.0.0.1:$((5070 + i)) 0 0 duid=b$i" >>"$dir/dispatcher.list"
done

cat >"$dir/sipdispatch.yaml" <<YAML
# Written by bench/proxy.sh ($MODE): the yardstick's proxy contract.
listen:
  - udp:127.0.0.1:5060
  - tcp:127.0.0.1:5060
compliance: strict
record_route: true
mode: $MODE
dispatcher:
  list_file: dispatcher.list
$([ "$MODE" = stateful ] && echo "  probing: { interval: ${DS_PING}s, from: 'sip:dispatcher@127.0.0.1', reply_codes: class=2, mode: all, threshold: 1, recovery_threshold: 1 }")
routes:
  - name: set-1
    dispatch:
      set: 1
      algorithm: $DS_ALG
      target: outbound-proxy
$([ "$MODE" = stateful ] && echo "      failover: { no_reply_timeout: 2s, on: [timeout, transport_error, 500], mark: inactive+probing }")
    when_none_left: { reply: $([ "$MODE" = stateful ] && echo 404 || echo 503), reason: No destination }
$([ -n "${MANAGEMENT:-}" ] && echo "management: { listen: '$MANAGEMENT' }")
$([ -n "${SHED_AFTER:-}${QUEUE_FILL:-}" ] && echo "limits: { overload: { ${SHED_AFTER:+shed_after: $SHED_AFTER, }queue_fill: ${QUEUE_FILL:-50} } }")
YAML

# A fixed heap so the figures do not move with the machine's memory; the parallel collector because young
# collections of short-lived message buffers are its best case (GC_OPTS picks another: its pauses of tens of
# milliseconds on one core are what overload shedding must not mistake for overload).
exec java -Xms512m -Xmx512m ${GC_OPTS:--XX:+UseParallelGC} ${JAVA_OPTS:-} \
  -jar "$jar" run "$dir/sipdispatch.yaml"
