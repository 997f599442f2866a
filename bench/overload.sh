#!/usr/bin/env bash
# bench/overload.sh — sipdispatch past its capacity, on the SIPp yardstick (../shared/bench).
#
#  1. Finds R, the highest call rate sipdispatch (MODE, default stateful, bench/proxy.sh) completes with under 1% of the
#     calls failed, over RATES, with the proxy pinned to PROXY_CPUS and SIPp (caller and backends) to the
#     other core.
#  2. Offers about 2R (FACTOR) for DUR seconds and reports: calls completed per second against R, calls
#     refused with 503 (the proxy's refused_overload counter and the caller's count of 503s),
#     calls left without any final answer, retransmissions, and the proxy's live transactions, heap and
#     resident memory at the end, against their configured bounds.
#
# SIPp on one core generates about as many calls per second as sipdispatch handles on the other, so 2R is
# out of its reach; PROXY_QUOTA (default 50) caps the proxy's core to that percentage of its time with a
# cgroup (cpu.cfs_quota_us over a 10 ms period): a slower core, which SIPp can then overload. 100 = no cap.
# Env: RATES ("1000 1500 2000 …"), DUR (10), FACTOR (2.0), R (skip step 1 with this R), SHED_AFTER (20ms;
#      0s = no shedding, to compare), QUEUE_FILL (unset: the default), PROXY_CPUS (0), UAC_CPUS (1), UAS_CPUS (1), N (3).
# Everything is bounded in time and stopped by pid; traffic stays on 127.0.0.1.
set -u  # not -e: a process gone while /proc is read must not end the report
here="$(cd "$(dirname "$(readlink -f "$0")")" && pwd)"
shared=${SHARED_BENCH:-$here/../../shared/bench}
[ -f "$shared/common.sh" ] || { echo "overload.sh: the yardstick scripts are not at $shared (set SHARED_BENCH)" >&2; exit 2; }
source "$shared/common.sh"
RATES=${RATES:-"1000 1500 2000 2500 3000 3500 4000 5000 6000 7000 8000"}
DUR=${DUR:-10}; FACTOR=${FACTOR:-2.0}; N=${N:-3}; MODE=${MODE:-stateful}
PROXY_CPUS=${PROXY_CPUS:-0}; export UAC_CPUS=${UAC_CPUS:-1} UAS_CPUS=${UAS_CPUS:-1}
MGMT_PORT=${MGMT_PORT:-18899}
MAXT=$(( (DUR * 3 + 40) * ($(echo $RATES | wc -w) + 2) + 120 ))

PROXY_QUOTA=${PROXY_QUOTA:-50}
cg=""
if [ "$PROXY_QUOTA" -lt 100 ]; then
  cg=/sys/fs/cgroup/cpu/sipdispatch-overload-$$
  mkdir "$cg" || { echo "overload.sh: cannot create the cgroup $cg (needs root and the cgroup v1 cpu controller)"; exit 2; }
  echo 10000 >"$cg/cpu.cfs_period_us"
  echo $((PROXY_QUOTA * 100)) >"$cg/cpu.cfs_quota_us"
fi
cleanup() {
  stop_pid proxy
  "$shared/backends.sh" stop >/dev/null
  [ -z "$cg" ] || rmdir "$cg" 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$shared/backends.sh" start "$N" "$MAXT" >/dev/null
export N MANAGEMENT="127.0.0.1:$MGMT_PORT" SHED_AFTER=${SHED_AFTER:-20ms} QUEUE_FILL=${QUEUE_FILL:-}
start_bg proxy "$MAXT" taskset -c "$PROXY_CPUS" bash -c "${cg:+echo \$\$ >$cg/cgroup.procs; }exec '$here/proxy.sh' $MODE"
PROXY_PID=$(cat "$RUN_DIR/proxy.pid")
wait_udp 127.0.0.1 5060 60 || { echo "proxy did not start"; tail -20 "$RUN_DIR/proxy.log"; exit 1; }

metric() { # NAME -> the value of an unlabelled sample of the proxy's /metrics
  curl -s "http://127.0.0.1:$MGMT_PORT/metrics" | awk -v n="$1" '$1 == n {print $2; exit}'
}
stat() { # DIR COLUMN -> the last value of a cumulative column of sipp's stat file
  awk -F';' -v c="$2" 'NR==1{for(i=1;i<=NF;i++) if ($i==c) k=i; next} {v=$k} END{print v+0}' "$1/stat.csv"
}
caller() { # RATE CALLS TAG -> runs one bounded sipp caller, prints its directory
  local d; d=$(mktemp -d "$RUN_DIR/$3.XXXX")
  (cd "$d" && timeout -k 5 $(( $2 / $1 * 3 + 60 )) taskset -c "$UAC_CPUS" sipp 127.0.0.1:5060 -sf "$here/overload-uac.xml" \
     -s bench -i 127.0.0.1 -p 5080 -t u1 -r "$1" -rp 1000 -m "$2" -l 100000 -nostdin -buff_size 4194304 \
     -recv_timeout 8000 -timeout $(( $2 / $1 * 3 + 40 ))s -trace_stat -stf stat.csv -fd 1 >sipp.out 2>&1 </dev/null) || true
  echo "$d"
}

# Warm-up, not recorded: until the JIT has compiled the hot paths the proxy is genuinely overloaded at a
# fraction of its capacity (and sheds, rightly).
for w in 500 1000 2000 3000; do "$shared/load.sh" 127.0.0.1:5060 "$w" $((w * 5)) warmup >/dev/null 2>&1 || true; done
echo "# sipdispatch $MODE, proxy on cpu $PROXY_CPUS (${PROXY_QUOTA}% of it), sipp on cpu $UAC_CPUS/$UAS_CPUS, $DUR s per point, shed_after=$SHED_AFTER queue_fill=${QUEUE_FILL:-default}"
if [ -z "${R:-}" ]; then
  R=0
  for rate in $RATES; do
    d=$(caller "$rate" $((rate * DUR)) "find-$rate")
    # A 503 ends a call of overload-uac.xml normally; for R it counts as a call not completed.
    refused=$(stat "$d" "GenericCounter1(C)")
    ok=$(( $(stat "$d" "SuccessfulCall(C)") - refused )); fail=$(( $(stat "$d" "FailedCall(C)") + refused ))
    pct=$(awk -v o="$ok" -v f="$fail" 'BEGIN{t=o+f; printf "%.2f", t ? 100*f/t : 100}')
    echo "  find R: offered $rate/s -> ok=$ok fail=$fail ($pct%)"
    if awk -v p="$pct" 'BEGIN{exit !(p < 1.0)}'; then R=$rate; else break; fi
  done
fi
[ "$R" -gt 0 ] || { echo "no rate completed under 1% failures"; exit 1; }
OFFER=$(awk -v r="$R" -v f="$FACTOR" 'BEGIN{printf "%d", r*f}')
echo "# R = $R calls/s; offering $OFFER calls/s (x$FACTOR) for $DUR s"
ref0=$(metric sipdispatch_refused_overload_total); ref0=${ref0:-0}
d=$(caller "$OFFER" $((OFFER * DUR)) "over-$OFFER")
ref1=$(metric sipdispatch_refused_overload_total); ref1=${ref1:-0}
unexp=$(stat "$d" "GenericCounter1(C)"); retr=$(stat "$d" "Retransmissions(C)")
ok=$(( $(stat "$d" "SuccessfulCall(C)") - unexp )); fail=$(stat "$d" "FailedCall(C)")
made=$(stat "$d" "OutgoingCall(C)")
lost=$(( made - ok - unexp ))
# The caller's own elapsed time: how long it took to offer the calls (it falls behind the rate asked when
# its core is full) and to see them end.
secs=$(awk -F';' 'NR==1{for(i=1;i<=NF;i++) if ($i=="ElapsedTime(C)") k=i; next} {v=$k} END{split(v,t,":"); printf "%.1f", t[1]*3600+t[2]*60+t[3]+("0." t[4])}' "$d/stat.csv")
cps=$(awk -v o="$ok" -v d="$secs" 'BEGIN{printf "%.0f", o/d}')
offered_cps=$(awk -v o="$made" -v d="$secs" 'BEGIN{printf "%.0f", o/d}')
live=$(metric sipdispatch_transactions_live)
heap=$(curl -s "http://127.0.0.1:$MGMT_PORT/metrics" | awk '$1 == "jvm_memory_used_bytes{area=\"heap\"}" {printf "%d", $2/1048576}')
rss=$(mem_kb $(tree_pids "$PROXY_PID") | awk '{print $1}')
echo "  offered=$made in ${secs}s (${offered_cps}/s = $(awk -v c="$offered_cps" -v r="$R" 'BEGIN{printf "%.2f", c/r}') R)  completed=$ok  refused_503=$unexp (proxy counted $((ref1 - ref0)))  without_answer=$lost  other_failures=$fail  retransmissions=$retr"
echo "  completed per second=$cps = $(awk -v c="$cps" -v r="$R" 'BEGIN{printf "%.0f", 100*c/r}')% of R"
echo "  proxy at the end: live transactions=${live:-?} (bound transactions.max=200000), heap used=${heap:-?} MiB of -Xmx512m, resident=${rss} kB"
