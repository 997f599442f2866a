# shellcheck shell=bash
# make_dispatcher_db FILE: one SQLite file in Kamailio's dispatcher schema (version 4) with 10,000 rows in
# 1,000 sets: set 1 = the three SIPp backends 127.0.0.1:5071-5073, sets 2-1000 = 9,997 destinations on
# 127.1.x.y (loopback, never called). Needs sqlite3.
make_dispatcher_db() {
  rm -f "$1"
  sqlite3 "$1" <<'SQL'
CREATE TABLE version (table_name VARCHAR(32) NOT NULL, table_version INTEGER DEFAULT 0 NOT NULL);
INSERT INTO version VALUES ('dispatcher', 4);
CREATE TABLE dispatcher (id INTEGER PRIMARY KEY AUTOINCREMENT, setid INTEGER DEFAULT 0 NOT NULL,
  destination VARCHAR(192) DEFAULT '' NOT NULL, flags INTEGER DEFAULT 0 NOT NULL,
  priority INTEGER DEFAULT 0 NOT NULL, attrs VARCHAR(128) DEFAULT '' NOT NULL,
  description VARCHAR(64) DEFAULT '' NOT NULL);
INSERT INTO dispatcher (setid, destination, attrs, description) VALUES
  (1, 'sip:127.0.0.1:5071', 'duid=b1', 'backend 1'), (1, 'sip:127.0.0.1:5072', 'duid=b2', 'backend 2'),
  (1, 'sip:127.0.0.1:5073', 'duid=b3', 'backend 3');
WITH RECURSIVE n(i) AS (SELECT 4 UNION ALL SELECT i + 1 FROM n WHERE i < 10000)
INSERT INTO dispatcher (setid, destination, priority, attrs, description)
  SELECT 2 + (i % 999), 'sip:127.1.' || (i / 200) || '.' || (1 + i % 200) || ':5060', i % 3,
         'duid=d' || i || ';weight=' || (1 + i % 10), 'destination ' || i FROM n;
SQL
  echo "rows: $(sqlite3 "$1" 'SELECT COUNT(*) FROM dispatcher') in $(sqlite3 "$1" 'SELECT COUNT(DISTINCT setid) FROM dispatcher') sets"
}

# start_kamailio_db DB RUN_DIR HTTP_PORT: Kamailio (bench/kamailio-db.cfg) on DB; sets KAM_PID and KAM_CTL.
start_kamailio_db() {
  KAM_CTL="$2/kamailio.ctl"
  mkdir -p "$2/kam-rt"
  timeout 300 kamailio -f "$(dirname "${BASH_SOURCE[0]}")/../kamailio-db.cfg" -DD -E -m 512 -M 64 -Y "$2/kam-rt" \
    -A "DS_DB=\"sqlite://$1\"" -A "CTL=\"unix:$KAM_CTL\"" -A "HTTP_PORT=$3" >"$2/kamailio.log" 2>&1 &
  KAM_PID=$!
  for _ in $(seq 1 100); do [ -S "$KAM_CTL" ] && return 0; sleep 0.1; done
  echo "kamailio did not start:"; cat "$2/kamailio.log"; return 1
}

# median: the median of the numbers on stdin, one per line.
median() { sort -n | awk '{a[NR]=$1} END{ if (NR==0) {print "NA"; exit} print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2) }'; }
ms() { echo $(( $(date +%s%N) / 1000000 )); }
