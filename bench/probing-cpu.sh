#!/usr/bin/env bash
# bench/probing-cpu.sh — the CPU cost of keepalive probing alone, sipdispatch beside Kamailio 5.6's dispatcher:
# 1000 destinations sip:dK@127.0.0.1:5071 (K = 1…1000) in set 1, all answered by one SIPp backend running the
# yardstick's uas.xml, OPTIONS every 1 s (mode all, threshold 1), no calls. Each proxy runs alone in turn;
# its CPU (utime+stime of its process tree) is measured over MEASURE_S seconds after WARMUP_S seconds.
# Needs sipp and kamailio (apt-get install -y sip-tester kamailio) and the yardstick at BENCH (../shared/bench).
# Every process is bounded in time and stopped by its pid; traffic stays on loopback.
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
BENCH=${BENCH:-$root/../shared/bench}
N=${N:-1000}; WARMUP_S=${WARMUP_S:-10}; MEASURE_S=${MEASURE_S:-20}
RUN_DIR=${RUN_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/probing-cpu.XXXXXX")}
mkdir -p "$RUN_DIR"
LIFE=$((WARMUP_S + MEASURE_S + 60))

# The yardstick's helpers: tree_pids (a process and its descendants, processes only) and cpu_ticks.
export RUN_DIR
# shellcheck source=/dev/null
source "$BENCH/common.sh"
ticks() { cpu_ticks $(tree_pids "$1"); }

: >"$RUN_DIR/dispatcher.list"
for k in $(seq 1 "$N"); do echo "1 sip:d$k@127.0.0.1:5071 0 0" >>"$RUN_DIR/dispatcher.list"; done

timeout $((LIFE * 2 + 30)) sipp -sf "$BENCH/uas.xml" -i 127.0.0.1 -p 5071 -t u1 -nostdin -buff_size 4194304 \
  -timeout "$((LIFE * 2 + 20))s" >"$RUN_DIR/uas.log" 2>&1 &
UAS=$!
trap 'kill $UAS 2>/dev/null || true; [ -n "${P:-}" ] && kill $P 2>/dev/null || true' EXIT

measure() { # label, pid
  sleep "$WARMUP_S"
  local t0 t1
  t0=$(ticks "$2"); sleep "$MEASURE_S"; t1=$(ticks "$2")
  awk -v a="$t0" -v b="$t1" -v hz="$CLK_TCK" -v s="$MEASURE_S" -v l="$1" -v n="$N" \
    'BEGIN{printf "%s: %.2f %% of one core probing %d destinations every 1 s\n", l, 100*(b-a)/hz/s, n}'
}

mkdir -p "$RUN_DIR/kam-rt"
timeout "$LIFE" kamailio -f "$BENCH/kamailio-ds-tm.cfg" -DD -E -n 4 -m 256 -M 8 -Y "$RUN_DIR/kam-rt" \
  -A "DS_LIST=\"$RUN_DIR/dispatcher.list\"" -A DS_PING=1 >"$RUN_DIR/kamailio.log" 2>&1 &
P=$!
measure "kamailio 5.6 dispatcher" "$P"
kill "$P"; wait "$P" 2>/dev/null || true

cat >"$RUN_DIR/sipdispatch.yaml" <<YAML
listen: [ udp:127.0.0.1:5060 ]
dispatcher:
  list_file: dispatcher.list
  probing: { interval: 1s, from: 'sip:dispatcher@127.0.0.1', reply_codes: class=2, mode: all, threshold: 1 }
routes:
  - dispatch: { set: 1, algorithm: 4 }
YAML
timeout "$LIFE" java -Xms512m -Xmx512m -XX:+UseParallelGC -jar "$root/server/target/sipdispatch.jar" \
  run "$RUN_DIR/sipdispatch.yaml" >"$RUN_DIR/sipdispatch.log" 2>&1 &
P=$!
measure "sipdispatch" "$P"
kill "$P"; wait "$P" 2>/dev/null || true
grep -a 'probes_sent' "$RUN_DIR/sipdispatch.log" | sed 's/.*\(probes_sent=[0-9]*, probes_answered=[0-9]*, probes_failed=[0-9]*\).*/sipdispatch counters: \1/' || true
