# shellcheck shell=bash
# Background processes for the bench scripts: each bounded by coreutils' timeout, its pid in $RUN_DIR/NAME.pid,
# and stopped by that pid and its descendants only, never by name.

# start_bg NAME MAX_SECONDS CMD... : CMD in the background under timeout, output in $RUN_DIR/NAME.log.
start_bg() {
  local name=$1 max=$2; shift 2
  ( exec timeout -k 5 "$max" "$@" ) >"$RUN_DIR/$name.log" 2>&1 </dev/null &
  echo $! >"$RUN_DIR/$name.pid"
}

# tree_pids PID : PID and its descendants, from the parent field of /proc/*/stat.
tree_pids() {
  awk -v root="$1" '
    FNR == 1 { s = $0; sub(/^[0-9]+ \(.*\) /, "", s); split(s, f, " "); pid = FILENAME
               sub("/proc/", "", pid); sub("/stat", "", pid); parent[pid] = f[2] }
    END { keep[root] = 1
          for (grown = 1; grown;) { grown = 0; for (p in parent) if (!(p in keep) && (parent[p] in keep)) { keep[p] = 1; grown = 1 } }
          for (p in keep) printf "%s ", p; print "" }' /proc/[0-9]*/stat 2>/dev/null
}

# kill_tree NAME [SIGNAL] : signals the process of $RUN_DIR/NAME.pid and its descendants (default KILL).
kill_tree() {
  local f="$RUN_DIR/$1.pid" p
  [ -f "$f" ] || return 0
  for p in $(tree_pids "$(cat "$f")"); do kill -"${2:-KILL}" "$p" 2>/dev/null; done
  rm -f "$f"
}

# stop_pid NAME : SIGTERM, up to 5 s to exit, then SIGKILL for whatever of its tree is left.
stop_pid() {
  local f="$RUN_DIR/$1.pid" pid tree p
  [ -f "$f" ] || return 0
  pid=$(cat "$f")
  if kill -0 "$pid" 2>/dev/null; then
    tree=$(tree_pids "$pid")
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    for p in $tree; do kill -0 "$p" 2>/dev/null && kill -KILL "$p" 2>/dev/null; done
  fi
  rm -f "$f"
}

# wait_udp HOST PORT SECONDS : 0 once something is bound on that UDP address.
wait_udp() {
  local i
  for i in $(seq $(($3 * 10))); do
    ss -Hlun "src $1:$2" 2>/dev/null | grep -q . && return 0
    sleep 0.1
  done
  return 1
}
