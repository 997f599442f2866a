#!/usr/bin/env bash
# bench/soak.sh — a long run of sipdispatch (stateful, bench/proxy.sh) under SIPp: steady calls for SOAK_MIN
# minutes while backends are killed and brought back and the table is reloaded. Needs sipp (sip-tester),
# curl and a JDK's jcmd.
#
#   - backends: SIPp UAS on 127.0.0.1:5071..5074; the table holds 5071..5073 and, every other reload, 5074;
#   - every FAIL_EVERY s one of 5071..5073 in turn is killed (SIGKILL) and started again DOWN_FOR s later, so
#     that at least two healthy destinations are always there;
#   - every RELOAD_EVERY s the list file is rewritten (5074 in or out) and reloaded over the management API;
#   - the caller (bench/soak-uac.xml) makes RATE calls/s, each held HOLD_MS, for SOAK_MIN minutes.
#
# Reported: calls offered, completed, lost (failed although a healthy destination was there: the figure that
# must be 0) and dialogs whose backend was killed under them (their BYE answered with an error: no healthy
# destination could save them); reloads and kills done; and, after WARMUP_S seconds, every SAMPLE_EVERY s
# and at the end: heap used after a full collection (jcmd GC.run, then GC.heap_info), native memory committed
# (NMT summary, with and without the fixed heap), Netty's direct memory (the /metrics gauge) and the resident
# size; growth from the first sample to the last; GC pauses (p50, p99, p99.9, max) from the GC log, the
# collections jcmd asked for excluded.
#
# Env: SOAK_MIN (30) or SOAK_S (seconds), RATE (200), HOLD_MS (2000), WARMUP_S (180), SAMPLE_EVERY (300), FAIL_EVERY (60),
#      DOWN_FOR (20), RELOAD_EVERY (45), GC_OPTS (-XX:+UseZGC, as ./sipdispatch runs it; -XX:+UseG1GC is the
#      JVM's default), MGMT_PORT (18898). The heap is proxy.sh's fixed 512 MiB, touched at start.
# Everything is bounded in time and stopped by pid; traffic stays on 127.0.0.1. Needs root for jcmd only if
# the proxy runs as another user.
set -u
here="$(cd "$(dirname "$(readlink -f "$0")")" && pwd)"
export RUN_DIR=${RUN_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/sipdispatch-soak.XXXXXX")}
mkdir -p "$RUN_DIR"
# shellcheck source=bench/lib/processes.sh
source "$here/lib/processes.sh"
# The end-to-end tests' backend: INVITE -> 100, 180, 200; BYE -> 200; OPTIONS -> 200.
UAS_XML="$here/../server/src/test/resources/sipp/uas.xml"
SOAK_MIN=${SOAK_MIN:-30}; SOAK_S=${SOAK_S:-$((SOAK_MIN * 60))}
RATE=${RATE:-200}; HOLD_MS=${HOLD_MS:-2000}; WARMUP_S=${WARMUP_S:-180}
SAMPLE_EVERY=${SAMPLE_EVERY:-300}; FAIL_EVERY=${FAIL_EVERY:-60}; DOWN_FOR=${DOWN_FOR:-20}
RELOAD_EVERY=${RELOAD_EVERY:-45}; MGMT_PORT=${MGMT_PORT:-18898}
MAXT=$((SOAK_S + 600))
CALLS=$((RATE * SOAK_S))

cleanup() {
  stop_pid uac
  stop_pid proxy
  for k in 1 2 3 4; do stop_pid "uas$k"; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start_backend() { # K -> a SIPp UAS on 5070+K
  start_bg "uas$1" "$MAXT" sipp -sf "$UAS_XML" -i 127.0.0.1 -p $((5070 + $1)) -t u1 -nostdin \
    -buff_size 4194304 -timeout "${MAXT}s" -trace_stat -stf "$RUN_DIR/uas$1.stat.csv" -fd 5
  disown # killed on purpose later: no job notice
  wait_udp 127.0.0.1 $((5070 + $1)) 10 || { echo "backend $1 did not start"; cat "$RUN_DIR/uas$1.log"; exit 1; }
}
for k in 1 2 3 4; do start_backend "$k"; done

export N=3 MANAGEMENT="127.0.0.1:$MGMT_PORT" GC_OPTS=${GC_OPTS:--XX:+UseZGC}
# The heap touched at start, so that the resident size shows what grows besides it.
export JAVA_OPTS="-XX:+AlwaysPreTouch -XX:NativeMemoryTracking=summary -Xlog:gc,gc+phases:file=$RUN_DIR/gc.log:uptime ${JAVA_OPTS:-}"
start_bg proxy "$MAXT" "$here/proxy.sh" stateful
PROXY_PID=$(cat "$RUN_DIR/proxy.pid")
wait_udp 127.0.0.1 5060 60 || { echo "proxy did not start"; tail -20 "$RUN_DIR/proxy.log"; exit 1; }
JPID=""
for p in $(tree_pids "$PROXY_PID"); do
  [ "$(cat /proc/$p/comm 2>/dev/null)" = java ] && JPID=$p
done
[ -n "$JPID" ] || { echo "no java process under the proxy"; exit 1; }
LIST="$RUN_DIR/sipdispatch-stateful/dispatcher.list"

metric() { # NAME -> the value of an unlabelled sample of the proxy's /metrics
  curl -s "http://127.0.0.1:$MGMT_PORT/metrics" | awk -v n="$1" '$1 == n {printf "%d", $2; exit}'
}
rpc() { # METHOD -> the JSON-RPC answer
  curl -s -X POST -H 'Content-Type: application/json' "http://127.0.0.1:$MGMT_PORT/rpc" \
    -d "{\"jsonrpc\":\"2.0\",\"method\":\"$1\",\"id\":1}"
}
SAMPLES="$RUN_DIR/samples.txt"; : >"$SAMPLES"
sample() { # LABEL -> one line: heap after a full GC, NMT committed (total, heap, other), direct, RSS, all in KiB
  jcmd "$JPID" GC.run >/dev/null
  local heap nmt total jheap direct rss
  # G1 says "used 18432K", ZGC "used 20M": in KiB either way.
  heap=$(jcmd "$JPID" GC.heap_info | awk '{for(i=1;i<NF;i++) if ($i=="used") {v=$(i+1); sub(/,$/,"",v); u=substr(v,length(v)); v+=0
         print (u=="G" ? v*1048576 : u=="M" ? v*1024 : v); exit}}')
  nmt=$(jcmd "$JPID" VM.native_memory summary)
  total=$(echo "$nmt" | awk '/^Total:/{for(i=1;i<=NF;i++) if ($i ~ /^committed=/) {v=$i; gsub(/[^0-9]/,"",v); print v}}')
  jheap=$(echo "$nmt" | awk '/Java Heap \(reserved/{for(i=1;i<=NF;i++) if ($i ~ /^committed=/) {v=$i; gsub(/[^0-9]/,"",v); print v}}')
  direct=$(metric sipdispatch_netty_direct_memory_bytes); direct=$(( ${direct:-0} / 1024 ))
  rss=$(awk '/^VmRSS:/{print $2}' /proc/"$JPID"/status)
  printf '%-8s heap_after_gc=%s nmt_committed=%s nmt_heap=%s nmt_other=%s netty_direct=%s rss=%s\n' \
    "$1" "$heap" "$total" "$jheap" $((total - jheap)) "$direct" "$rss" | tee -a "$SAMPLES"
}
write_list() { # WITH_4TH (0|1)
  : >"$LIST.new"
  for i in 1 2 3; do echo "1 sip:127.0.0.1:$((5070 + i)) 0 0 duid=b$i" >>"$LIST.new"; done
  [ "$1" = 1 ] && echo "1 sip:127.0.0.1:5074 0 0 duid=b4" >>"$LIST.new"
  mv "$LIST.new" "$LIST"
}

echo "# soak: sipdispatch stateful (${GC_OPTS}), $RATE calls/s held ${HOLD_MS} ms for ${SOAK_S} s; a backend killed every ${FAIL_EVERY}s for ${DOWN_FOR}s, a reload every ${RELOAD_EVERY}s; run dir $RUN_DIR"
UAC_DIR="$RUN_DIR/uac"; mkdir -p "$UAC_DIR"
( cd "$UAC_DIR" && exec timeout -k 5 "$MAXT" sipp 127.0.0.1:5060 -sf "$here/soak-uac.xml" -s soak -i 127.0.0.1 \
    -p 5080 -t u1 -r "$RATE" -rp 1000 -m "$CALLS" -d "$HOLD_MS" -l $((RATE * (HOLD_MS / 1000 + 10))) -nostdin \
    -buff_size 4194304 -recv_timeout 40000 -timeout "${MAXT}s" -trace_stat -stf stat.csv -fd 10 \
    -trace_err -max_log_size 2000000 ) >"$RUN_DIR/uac.log" 2>&1 </dev/null &
echo $! >"$RUN_DIR/uac.pid"

start=$(date +%s); kills=0; reloads=0; reload_failed=0; with4=0; victim=0; down=""; down_since=0
next_fail=$FAIL_EVERY; next_reload=$RELOAD_EVERY; next_sample=$WARMUP_S; sampled=0
while kill -0 "$(cat "$RUN_DIR/uac.pid")" 2>/dev/null; do
  sleep 1
  t=$(( $(date +%s) - start ))
  if [ -n "$down" ] && [ $((t - down_since)) -ge "$DOWN_FOR" ]; then
    start_backend "$down"; down=""
  fi
  if [ "$t" -ge "$next_fail" ] && [ "$t" -lt $((SOAK_S - DOWN_FOR)) ] && [ -z "$down" ]; then
    victim=$(( victim % 3 + 1 )); down=$victim; down_since=$t
    kill_tree "uas$victim"; kills=$((kills + 1))
    next_fail=$((t + FAIL_EVERY))
  fi
  if [ "$t" -ge "$next_reload" ] && [ "$t" -lt "$SOAK_S" ]; then
    with4=$((1 - with4)); write_list "$with4"
    answer=$(rpc dispatcher.reload)
    if echo "$answer" | grep -q '"result"'; then
      reloads=$((reloads + 1))
    else
      reload_failed=$((reload_failed + 1)); echo "reload at t=${t}s refused: $answer"
    fi
    # From now, not from the schedule: a late loop must not bunch reloads under reload_delta (5 s by default).
    next_reload=$((t + RELOAD_EVERY))
  fi
  if [ "$t" -ge "$next_sample" ] && [ "$t" -lt "$SOAK_S" ]; then
    sample "t=${t}s"; sampled=$((sampled + 1)); next_sample=$((t + SAMPLE_EVERY))
  fi
done
[ -z "$down" ] || start_backend "$down"
sample "end"

stat() { # COLUMN -> the last value of a cumulative column of the caller's stat file
  awk -F';' -v c="$1" 'NR==1{for(i=1;i<=NF;i++) if ($i==c) k=i; next} {v=$k} END{print v+0}' "$UAC_DIR/stat.csv"
}
made=$(stat "OutgoingCall(C)"); ok=$(stat "SuccessfulCall(C)"); failed=$(stat "FailedCall(C)")
gone=$(stat "GenericCounter1(C)")
echo "calls: offered=$made completed=$((ok - gone)) lost_with_a_healthy_destination=$failed dialogs_whose_backend_was_killed=$gone (of $made)"
echo "       failures by kind: $(awk -F';' 'NR==1{for(i=1;i<=NF;i++) h[i]=$i; next} {last=$0} END{n=split(last,f,";"); for(i=1;i<=n;i++) if (h[i] ~ /^Failed.*\(C\)$/ && f[i]+0 > 0) printf "%s=%s ", h[i], f[i]}' "$UAC_DIR/stat.csv")"
echo "events: backends killed=$kills, reloads done=$reloads, reloads refused=$reload_failed"
awk '
  function kb(line, key,   i, n, a, v) { n = split(line, a, " "); for (i = 1; i <= n; i++) if (index(a[i], key "=") == 1) { v = a[i]; sub(/^[^=]*=/, "", v); return v + 0 } return 0 }
  NR == 1 { for (k = 1; k <= 5; k++) first[k] = 0; split("heap_after_gc nmt_committed nmt_other netty_direct rss", names, " ")
            for (k = 1; k <= 5; k++) first[k] = kb($0, names[k]) }
  { for (k = 1; k <= 5; k++) last[k] = kb($0, names[k]) }
  END { if (NR < 2) { print "growth: fewer than two samples"; exit }
        printf "growth from the first sample to the last:"
        for (k = 1; k <= 5; k++) printf " %s %+.1f%% (%d -> %d KiB)", names[k], first[k] ? 100 * (last[k] - first[k]) / first[k] : 0, first[k], last[k]
        print "" }' "$SAMPLES"
# Pauses as the collector logs them, G1 ("GC(4) Pause Young (Normal) (...) 55M->20M(512M) 10.056ms", Remark,
# Cleanup, Full) or ZGC ("GC(4) Pause Mark Start 0.012ms", Mark End, Relocate Start); not those of the
# collections jcmd asked for to measure the heap (cause "Diagnostic Command").
# Two passes: ZGC names a cycle's cause only in its last line.
awk '
  { id = ""; if (match($0, /GC\([0-9]+\)/)) id = substr($0, RSTART, RLENGTH) }
  FNR == NR { if (/Diagnostic Command|System\.gc\(\)/) asked[id] = 1; next }
  / Pause / && /[0-9.]+ms$/ { if (!(id in asked)) { v = $NF; sub(/ms$/, "", v); print v + 0 } }' \
  "$RUN_DIR/gc.log" "$RUN_DIR/gc.log" | sort -n | awk '
  { v[NR] = $1 }
  END { if (NR == 0) { print "gc pauses: none logged"; exit }
        printf "gc pauses: %d, p50 %.3f ms, p99 %.3f ms, p99.9 %.3f ms, max %.3f ms\n", NR,
          v[rank(0.5)], v[rank(0.99)], v[rank(0.999)], v[NR] }
  function rank(q,   r) { r = int(q * NR); if (r < q * NR) r++; return r < 1 ? 1 : r }'
echo "proxy counters at the end: failovers=$(metric sipdispatch_failovers_total) live transactions=$(metric sipdispatch_transactions_live) netty leaks=$(metric sipdispatch_netty_leaks_total)"
