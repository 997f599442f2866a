#!/usr/bin/env bash
# bench/reload.sh — reloading 10,000 destinations in 1,000 sets from SQLite, sipdispatch beside Kamailio 5.6's
# dispatcher.reload of the same rows in the same run, then sipdispatch's reloads under SIPp load with its
# event loop lag probe on.
#   1. One SQLite file in Kamailio's schema (version 4): set 1 = the three SIPp backends 127.0.0.1:5071-5073,
#      sets 2-1000 = 9,997 destinations on 127.1.x.y (loopback, never called).
#   2. Kamailio (bench/kamailio-db.cfg, db_sqlite) reloads it RELOADS times over its control socket;
#      each reload is timed around kamcmd, less the median of as many kamcmd core.uptime calls (kamcmd's own
#      start and round trip).
#   3. sipdispatch (db_url on the same file) reloads it RELOADS times on SIGHUP, idle; each reload's time is
#      the one it logs (load, build, swap).
#   4. sipdispatch again, under SIPp load (RATE calls/s through set 1, round-robin), with a task every 1 ms on
#      each event loop (-Dsipdispatch.lag_probe=1ms), reloaded every 2 s: the worst lateness of any loop
#      task in the seconds with a reload, beside the worst in the seconds of load before the first reload.
# Needs sipp, kamailio, kamailio-sqlite-modules and sqlite3 (apt-get install -y sip-tester kamailio
# kamailio-sqlite-modules sqlite3) and the yardstick at BENCH (../shared/bench). Every process is bounded in
# time and stopped by its pid; traffic stays on loopback.
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
BENCH=${BENCH:-$root/../shared/bench}
RELOADS=${RELOADS:-10}; RATE=${RATE:-300}; WARM_S=${WARM_S:-10}
RUN_DIR=${RUN_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/reload-bench.XXXXXX")}
mkdir -p "$RUN_DIR"
export RUN_DIR
# shellcheck source=/dev/null
source "$BENCH/common.sh"
jar="$root/server/target/sipdispatch.jar"
[ -f "$jar" ] || "$root/mvnw" -q -B -f "$root/pom.xml" -Dmaven.test.skip=true -pl server -am package
DB="$RUN_DIR/dispatcher.db"
P=""
cleanup() {
  [ -n "$P" ] && kill "$P" 2>/dev/null || true
  "$BENCH/backends.sh" stop >/dev/null 2>&1 || true
}
trap cleanup EXIT

# shellcheck source=bench/lib/dispatcher-db.sh
source "$root/bench/lib/dispatcher-db.sh"
make_dispatcher_db "$DB"

start_kamailio_db "$DB" "$RUN_DIR" 5091
P=$KAM_PID; CTL=$KAM_CTL
kamcmd -s "unix:$CTL" dispatcher.reload >/dev/null || { echo "kamailio cannot reload:"; cat "$RUN_DIR/kamailio.log"; exit 1; }
: >"$RUN_DIR/kam-reload.ms"; : >"$RUN_DIR/kam-noop.ms"
for _ in $(seq 1 "$RELOADS"); do
  t0=$(ms); kamcmd -s "unix:$CTL" core.uptime >/dev/null; t1=$(ms); echo $((t1 - t0)) >>"$RUN_DIR/kam-noop.ms"
  t0=$(ms); kamcmd -s "unix:$CTL" dispatcher.reload >/dev/null; t1=$(ms); echo $((t1 - t0)) >>"$RUN_DIR/kam-reload.ms"
done
kill "$P"; wait "$P" 2>/dev/null || true; P=""
kam_reload=$(median <"$RUN_DIR/kam-reload.ms"); kam_noop=$(median <"$RUN_DIR/kam-noop.ms")
kam=$(awk -v a="$kam_reload" -v b="$kam_noop" 'BEGIN{printf "%.0f", a - b}')

# --- sipdispatch ---------------------------------------------------------------------------------------
cat >"$RUN_DIR/sipdispatch.yaml" <<YAML
listen: [ udp:127.0.0.1:5060 ]
dispatcher:
  db_url: sqlite://$DB
  reload_delta: 0s
routes:
  - dispatch: { set: 1, algorithm: 4 }
YAML
start_sipdispatch() { # log file
  timeout 600 java -Xms512m -Xmx512m ${GC_OPTS:--XX:+UseZGC} -Dsipdispatch.lag_probe=1ms ${JAVA_OPTS:-} -jar "$jar" \
    run "$RUN_DIR/sipdispatch.yaml" >"$1" 2>&1 &
  P=$!
  for _ in $(seq 1 300); do grep -q 'sipdispatch ready' "$1" && return 0; sleep 0.1; done
  echo "sipdispatch did not start:"; cat "$1"; exit 1
}
reload_and_wait() { # log file, reloads done before
  kill -HUP "$(pgrep -P "$P" java)" # java itself: timeout(1) passes on only the first signal it gets
  for _ in $(seq 1 300); do
    [ "$(grep -c 'reloaded 10000 destination' "$1")" -gt "$2" ] && return 0
    sleep 0.05
  done
  echo "no reload logged:"; tail -5 "$1"; exit 1
}
LOG1="$RUN_DIR/sipdispatch-idle.log"
start_sipdispatch "$LOG1"
for k in $(seq 0 $((RELOADS - 1))); do reload_and_wait "$LOG1" "$k"; done
kill "$P"; wait "$P" 2>/dev/null || true; P=""
grep -o 'reloaded 10000 destination(s) in 1000 set(s) from .* in [0-9]* ms' "$LOG1" \
  | sed 's/.* in \([0-9]*\) ms$/\1/' >"$RUN_DIR/sd-reload.ms"
sd=$(median <"$RUN_DIR/sd-reload.ms")

# --- sipdispatch under load, with the lag probe --------------------------------------------------------
"$BENCH/backends.sh" start 3 300 >/dev/null
LOG2="$RUN_DIR/sipdispatch-load.log"
start_sipdispatch "$LOG2"
CALLS=$(( RATE * (WARM_S + 2 * RELOADS + 6) ))
"$BENCH/load.sh" 127.0.0.1:5060 "$RATE" "$CALLS" reload-load >"$RUN_DIR/load.txt" 2>&1 &
LOAD=$!
sleep "$WARM_S"
first=$(grep -c 'event loop lag:' "$LOG2" || true)
for k in $(seq 0 $((RELOADS - 1))); do reload_and_wait "$LOG2" "$k"; sleep 2; done
last=$(grep -c 'event loop lag:' "$LOG2" || true)
wait "$LOAD" || true
kill "$P"; wait "$P" 2>/dev/null || true; P=""
lag() { # from, to (report lines, 1-based): worst ms of the per-second windows
  grep 'event loop lag:' "$LOG2" | sed -n "$1,$2p" | sed 's/.*worst \([0-9.]*\) ms in the last second.*/\1/' \
    | sort -g | tail -1
}
lag_before=$(lag 3 "$first")   # the first two seconds are the JIT's
lag_during=$(lag $((first + 1)) "$last")
echo
echo "reload of 10000 destinations in 1000 sets from SQLite (median of $RELOADS):"
echo "  kamailio 5.6 dispatcher.reload: ${kam} ms (kamcmd round trip ${kam_reload} ms less ${kam_noop} ms for core.uptime)"
echo "  sipdispatch reload:             ${sd} ms (all: $(tr '\n' ' ' <"$RUN_DIR/sd-reload.ms"))"
awk -v s="$sd" -v k="$kam" 'BEGIN{ if (k > 0) printf "  ratio sipdispatch/kamailio:     %.2f\n", s / k }'
echo "event loop lag under ${RATE} calls/s (a task every 1 ms per loop, worst lateness per second):"
echo "  before any reload: ${lag_before} ms; in the seconds of $RELOADS reloads: ${lag_during} ms"
echo "  load: $(cat "$RUN_DIR/load.txt" | tail -1)"
echo "files: $RUN_DIR"
