#!/usr/bin/env bash
# bench/list.sh — dispatcher.list of 10,000 destinations in 1,000 sets, sipdispatch beside Kamailio 5.6 in the
# same run, on the table bench/reload.sh uses (bench/lib/dispatcher-db.sh):
#   - Kamailio over its control socket: `kamcmd dispatcher.list` (kamcmd gives up on an answer this big with
#     "reply too big" once Kamailio has made it; the time is until then);
#   - Kamailio over JSON-RPC on HTTP (jsonrpcs on xhttp), with curl;
#   - sipdispatch over its JSON-RPC API, with curl.
# Each is called LISTS (10) times after two warm-up calls; the median is reported, with the size and the
# number of destinations of each answer.
# Needs kamailio, kamailio-sqlite-modules, sqlite3 and curl. Everything stays on loopback and stops by itself.
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
LISTS=${LISTS:-10}
RUN_DIR=${RUN_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/list-bench.XXXXXX")}
mkdir -p "$RUN_DIR"
jar="$root/server/target/sipdispatch.jar"
[ -f "$jar" ] || "$root/mvnw" -q -B -f "$root/pom.xml" -Dmaven.test.skip=true -pl server -am package
# shellcheck source=bench/lib/dispatcher-db.sh
source "$root/bench/lib/dispatcher-db.sh"
DB="$RUN_DIR/dispatcher.db"
P=""
trap '[ -n "$P" ] && kill "$P" 2>/dev/null || true' EXIT
make_dispatcher_db "$DB"

timed() { # file-of-ms, command...: runs the command 2 + LISTS times, records the last LISTS
  local f=$1; shift
  : >"$f"
  for k in $(seq 1 $((LISTS + 2))); do
    t0=$(ms); "$@" >"$RUN_DIR/answer" 2>&1 || true; t1=$(ms)
    [ "$k" -gt 2 ] && echo $((t1 - t0)) >>"$f"
  done
}
post() { curl -s -X POST -d '{"jsonrpc":"2.0","method":"dispatcher.list","id":1}' "$1"; }
count() { grep -o '"URI"' "$RUN_DIR/answer" | wc -l; }

start_kamailio_db "$DB" "$RUN_DIR" 5091
P=$KAM_PID
timed "$RUN_DIR/kamcmd.ms" kamcmd -s "unix:$KAM_CTL" dispatcher.list
kamcmd_said=$(head -c 60 "$RUN_DIR/answer" | head -1)
timed "$RUN_DIR/kam-http.ms" post http://127.0.0.1:5091/RPC
kam_http_n=$(count); kam_http_b=$(wc -c <"$RUN_DIR/answer")
kill "$P"; wait "$P" 2>/dev/null || true; P=""

cat >"$RUN_DIR/sipdispatch.yaml" <<YAML
listen: [ udp:127.0.0.1:5060 ]
dispatcher:
  db_url: sqlite://$DB
management: { listen: '127.0.0.1:8899' }
routes:
  - dispatch: { set: 1, algorithm: 4 }
YAML
timeout 300 java -Xms512m -Xmx512m -XX:+UseZGC -jar "$jar" run "$RUN_DIR/sipdispatch.yaml" \
  >"$RUN_DIR/sipdispatch.log" 2>&1 &
P=$!
for _ in $(seq 1 300); do grep -q 'sipdispatch ready' "$RUN_DIR/sipdispatch.log" && break; sleep 0.1; done
timed "$RUN_DIR/sipdispatch.ms" post http://127.0.0.1:8899/RPC
sd_n=$(count); sd_b=$(wc -c <"$RUN_DIR/answer")
kill "$P"; wait "$P" 2>/dev/null || true; P=""

kc=$(median <"$RUN_DIR/kamcmd.ms"); kh=$(median <"$RUN_DIR/kam-http.ms"); sd=$(median <"$RUN_DIR/sipdispatch.ms")
echo
echo "dispatcher.list of 10000 destinations in 1000 sets (median of $LISTS, ms):"
echo "  kamailio 5.6, kamcmd:            $kc ms (kamcmd said: $kamcmd_said)"
echo "  kamailio 5.6, jsonrpcs on HTTP:  $kh ms ($kam_http_n destinations, $kam_http_b bytes)"
echo "  sipdispatch, JSON-RPC on HTTP:   $sd ms ($sd_n destinations, $sd_b bytes)"
awk -v s="$sd" -v a="$kc" -v b="$kh" 'BEGIN{ printf "  ratio sipdispatch/kamcmd: %.3f; sipdispatch/jsonrpcs: %.2f\n", s/a, s/b }'
echo "files: $RUN_DIR"
