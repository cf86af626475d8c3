#!/usr/bin/env bash
# Three Sockeye instances behind HAProxy on loopback, Prometheus scraping them, bench --reconnect through HAProxy,
# and one instance stopped with SIGTERM part way: does the drain lose anything? Prints the bench totals, HAProxy's
# view of the stopped server over time next to the instance's own log lines, and what Prometheus saw.
#
#   deploy/haproxy/scale-out.sh                      # 60 s of load, SIGTERM to s2 at 20 s
#   DURATION=20 KILL_AT=8 deploy/haproxy/scale-out.sh
#
# Environment: DURATION (s, 60), KILL_AT (s after the load starts, 20), CONNECTIONS (50), DEPTH (1),
# DRAIN_DELAY (3s; above HAProxy's agent-inter 500ms), JAVA (java), BENCH_ARGS (more bench options), KEEP=1 to keep
# the work directory. Needs haproxy, prometheus, socat, curl, python3. All ports are free ones picked at start.
set -euo pipefail

DURATION=${DURATION:-60}
KILL_AT=${KILL_AT:-20}
CONNECTIONS=${CONNECTIONS:-50}
DEPTH=${DEPTH:-1}
DRAIN_DELAY=${DRAIN_DELAY:-3s}
JAVA=${JAVA:-java}
BENCH_ARGS=${BENCH_ARGS:-}

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
JAR="$ROOT/target/sockeye-0.1.0.jar"
CONFIG="$ROOT/deploy/haproxy/haproxy.cfg"

for tool in haproxy prometheus socat curl python3 "$JAVA"; do
	command -v "$tool" >/dev/null || { echo "scale-out: $tool is not on the PATH" >&2; exit 2; }
done
if (( KILL_AT >= DURATION )); then
	echo "scale-out: KILL_AT ($KILL_AT) must be less than DURATION ($DURATION)" >&2
	exit 2
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/sockeye-scale-out.XXXXXX")
PIDS=()
cleanup() {
	local pid
	for pid in "${PIDS[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	for pid in "${PIDS[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
	if [[ "${KEEP:-0}" == 1 ]]; then
		echo "work directory kept: $WORK"
	else
		rm -rf "$WORK"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now_ms() { date +%s%3N; }
log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S.%3N)" "$*"; }

if [[ ! -f "$JAR" ]]; then
	log "building $JAR"
	(cd "$ROOT" && ./mvnw -q -DskipTests package)
fi

# 12 free loopback ports, all held open at once so that none is handed out twice
read -r -a PORTS < <(python3 - <<'PY'
import socket
held = []
for _ in range(12):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    held.append(s)
print(" ".join(str(s.getsockname()[1]) for s in held))
PY
)
FRONT=${PORTS[0]} STATS=${PORTS[1]} PROM=${PORTS[2]}
LISTEN=("${PORTS[3]}" "${PORTS[4]}" "${PORTS[5]}")
MGMT=("${PORTS[6]}" "${PORTS[7]}" "${PORTS[8]}")
AGENT=("${PORTS[9]}" "${PORTS[10]}" "${PORTS[11]}")
SOCKET="$WORK/haproxy.sock"

log "work directory $WORK; HAProxy on 127.0.0.1:$FRONT, stats http://127.0.0.1:$STATS/, Prometheus 127.0.0.1:$PROM"
SOCKEYE_PIDS=()
for i in 0 1 2; do
	n=$((i + 1))
	"$JAVA" -Xmx256m -XX:+UseSerialGC -jar "$JAR" \
		--server.port="${MGMT[$i]}" --server.address=127.0.0.1 \
		--sockeye.listeners.echo.port="${LISTEN[$i]}" --sockeye.listeners.echo.address=127.0.0.1 \
		--sockeye.listeners.echo.proxy-protocol=v2 --sockeye.listeners.echo.trusted-proxies=127.0.0.1/32 \
		--sockeye.agent.port="${AGENT[$i]}" --sockeye.agent.address=127.0.0.1 \
		--sockeye.drain-delay="$DRAIN_DELAY" --sockeye.drain-timeout=10s \
		>"$WORK/s$n.log" 2>&1 &
	PIDS+=($!)
	SOCKEYE_PIDS+=($!)
	log "s$n: pid $!, listener ${LISTEN[$i]}, management ${MGMT[$i]}, agent ${AGENT[$i]}"
done
for n in 1 2 3; do
	for _ in $(seq 240); do
		grep -q "listening on" "$WORK/s$n.log" && break
		kill -0 "${SOCKEYE_PIDS[$((n - 1))]}" 2>/dev/null || { echo "s$n exited:" >&2; tail -20 "$WORK/s$n.log" >&2; exit 1; }
		sleep 0.5
	done
	grep -q "listening on" "$WORK/s$n.log" || { echo "s$n did not start:" >&2; tail -20 "$WORK/s$n.log" >&2; exit 1; }
done
log "3 instances listening"

cat >"$WORK/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  scrape_timeout: 900ms
scrape_configs:
  - job_name: sockeye
    metrics_path: /actuator/prometheus
    static_configs:
      - targets: ['127.0.0.1:${MGMT[0]}']
        labels: {server: s1}
      - targets: ['127.0.0.1:${MGMT[1]}']
        labels: {server: s2}
      - targets: ['127.0.0.1:${MGMT[2]}']
        labels: {server: s3}
EOF
prometheus --config.file="$WORK/prometheus.yml" --storage.tsdb.path="$WORK/prometheus-data" \
	--web.listen-address="127.0.0.1:$PROM" >"$WORK/prometheus.log" 2>&1 &
PIDS+=($!)

HAPROXY_BIND="127.0.0.1:$FRONT" HAPROXY_STATS_BIND="127.0.0.1:$STATS" HAPROXY_STATS_SOCKET="$SOCKET" \
	S1_ADDR="127.0.0.1:${LISTEN[0]}" S2_ADDR="127.0.0.1:${LISTEN[1]}" S3_ADDR="127.0.0.1:${LISTEN[2]}" \
	S1_MGMT_PORT="${MGMT[0]}" S2_MGMT_PORT="${MGMT[1]}" S3_MGMT_PORT="${MGMT[2]}" \
	S1_AGENT_PORT="${AGENT[0]}" S2_AGENT_PORT="${AGENT[1]}" S3_AGENT_PORT="${AGENT[2]}" \
	haproxy -db -f "$CONFIG" >"$WORK/haproxy.log" 2>&1 &
PIDS+=($!)

# server rows of "show stat": name,status,weight,current sessions,check status,agent status
stat() {
	echo "show stat" | socat -t 2 - "UNIX-CONNECT:$SOCKET" 2>/dev/null | python3 -c '
import csv, sys
rows = list(csv.reader(line for line in sys.stdin if line.strip()))
if not rows:
    sys.exit(1)
head = [h.lstrip("# ") for h in rows[0]]
col = {h: i for i, h in enumerate(head)}
for r in rows[1:]:
    if r[col["pxname"]] == "sockeye" and r[col["svname"]] in ("s1", "s2", "s3"):
        print(",".join(r[col[k]] for k in ("svname", "status", "weight", "scur", "check_status", "agent_status")))
'
}
for _ in $(seq 60); do
	[[ $(stat 2>/dev/null | grep -c ',UP,') == 3 ]] && break
	sleep 0.5
done
stat | sed 's/^/  haproxy: /' || true
[[ $(stat 2>/dev/null | grep -c ",UP,") == 3 ]] || { echo "HAProxy does not see 3 servers UP" >&2; cat "$WORK/haproxy.log" >&2; exit 1; }
for _ in $(seq 30); do
	up=$(curl -s "http://127.0.0.1:$PROM/api/v1/query?query=sum(up)" | python3 -c \
		'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else 0)' || echo 0)
	[[ "$up" == 3 ]] && break
	sleep 0.5
done
log "HAProxy sees 3 servers UP; Prometheus scrapes $up of 3"

# HAProxy's view of every server, every 250 ms, with the time in ms
(
	while :; do
		t=$(now_ms)
		stat 2>/dev/null | sed "s/^/$t,/" || true
		sleep 0.25
	done
) >"$WORK/haproxy-stat.csv" &
PIDS+=($!)

log "bench --reconnect through HAProxy: $CONNECTIONS connections, depth $DEPTH, 2s warm-up, ${DURATION}s measured"
# shellcheck disable=SC2086
"$JAVA" -jar "$JAR" bench --host 127.0.0.1 --port "$FRONT" --reconnect --connections "$CONNECTIONS" \
	--depth "$DEPTH" --warmup 2s --duration "${DURATION}s" --json "$WORK/bench.json" $BENCH_ARGS \
	>"$WORK/bench.txt" 2>"$WORK/bench.err" &
BENCH=$!
PIDS+=($BENCH)
BENCH_START=$(now_ms)
sleep "$((KILL_AT - 2))"
BEFORE=$(date +%s.%3N)
sleep 2
KILL_MS=$(now_ms)
log "SIGTERM to s2 (pid ${SOCKEYE_PIDS[1]}) at $(( (KILL_MS - BENCH_START) / 1000 ))s"
kill -TERM "${SOCKEYE_PIDS[1]}"
set +e
wait "$BENCH"
BENCH_CODE=$?
set -e
END=$(date +%s.%3N)
log "bench exited with $BENCH_CODE"
sleep 2

echo
echo "== bench (through HAProxy) =="
cat "$WORK/bench.txt"
cat "$WORK/bench.err"
python3 - "$WORK/bench.json" <<'PY'
import json, sys
b = json.load(open(sys.argv[1]))
print(f"totals: requests {b['requests']}, {b['requestsPerSecond']} req/s, lost {b['requestsLost']}, "
      f"errors {b['errors']}, reconnects {b['reconnects']}, resent {b['requestsResent']}, "
      f"connections lost {b['connectionsLost']}")
PY

ms_of() { # ISO time of a Sockeye log line -> epoch ms
	date -d "$1" +%s%3N
}
line_ms() { # first log line of s2 matching $1 -> epoch ms, or empty
	local stamp
	stamp=$(grep -m1 "$1" "$WORK/s2.log" | cut -d' ' -f1 || true)
	[[ -n "$stamp" ]] && ms_of "$stamp" || true
}
DRAINING_MS=$(line_ms "Draining: readiness")
STOPPED_MS=$(line_ms "Sockeye listener 'echo' stopped")
echo
echo "== s2 as HAProxy saw it (every 250 ms; changes only; ms after the SIGTERM) =="
python3 - "$WORK/haproxy-stat.csv" "$KILL_MS" <<'PY'
import sys
kill = int(sys.argv[2])
last = None
for line in open(sys.argv[1]):
    f = line.strip().split(",")
    if len(f) < 7 or f[1] != "s2":
        continue
    state = (f[2], f[3], f[5], f[6])
    sessions = f[4]
    if state != last or (int(f[0]) - kill) in range(-300, 300):
        print(f"  {int(f[0]) - kill:+7d} ms  status {f[2]:<14} weight {f[3]:<3} sessions {sessions:<4} "
              f"check {f[5]:<8} agent {f[6]}")
        last = state
PY
FIRST_DRAIN_MS=$(awk -F, '$2 == "s2" && $3 ~ /DRAIN/ {print $1; exit}' "$WORK/haproxy-stat.csv")
echo
echo "== s2: DRAIN before its listener closed? (ms after the SIGTERM) =="
grep -E "Draining: readiness|Sockeye listener 'echo' stopped|Stopping|Shutdown" "$WORK/s2.log" | sed 's/^/  s2.log: /' | cut -c1-220
echo "  SIGTERM                                  +0 ms"
[[ -n "$DRAINING_MS" ]] && echo "  s2 log 'Draining: readiness...'         +$((DRAINING_MS - KILL_MS)) ms"
[[ -n "$FIRST_DRAIN_MS" ]] && echo "  HAProxy first shows s2 DRAIN            +$((FIRST_DRAIN_MS - KILL_MS)) ms"
[[ -n "$DRAINING_MS" ]] && echo "  s2 listener stops accepting (+drain-delay $DRAIN_DELAY after 'Draining')"
[[ -n "$STOPPED_MS" ]] && echo "  s2 log 'listener echo stopped'          +$((STOPPED_MS - KILL_MS)) ms"
if [[ -n "$FIRST_DRAIN_MS" && -n "$STOPPED_MS" ]] && (( FIRST_DRAIN_MS < STOPPED_MS )); then
	echo "  => DRAIN (agent) was shown $((STOPPED_MS - FIRST_DRAIN_MS)) ms before the listener stopped"
else
	echo "  => HAProxy did NOT show DRAIN before the listener stopped"
fi

query() { # PromQL at a time -> "server=value" lines
	curl -s "http://127.0.0.1:$PROM/api/v1/query" --data-urlencode "query=$1" --data-urlencode "time=$2" |
		python3 -c '
import json, sys
for r in sorted(json.load(sys.stdin)["data"]["result"], key=lambda r: r["metric"].get("server", "")):
    name = r["metric"].get("server", "?")
    v = float(r["value"][1])
    print("    %s: %s" % (name, ("%.0f" % v) if v >= 10 or v == int(v) else ("%.2f" % v)))
'
}
echo
echo "== Prometheus =="
echo "  up at the end:"
query 'up{job="sockeye"}' "$END"
echo "  lowest up from the start of the load to the SIGTERM (1 = never missed a scrape):"
query "min_over_time(up{job=\"sockeye\"}[$((KILL_MS / 1000 - BENCH_START / 1000))s])" "$((KILL_MS / 1000))"
echo "  connections open on the listener, 2 s before the SIGTERM:"
query 'tcp_server_connections_active{listener="echo"}' "$BEFORE"
echo "  messages received per second, over the 5 s before the SIGTERM:"
query 'rate(tcp_server_messages_received_total{listener="echo"}[5s])' "$((KILL_MS / 1000))"
echo "  connections open on the listener, at the end of the load:"
query 'tcp_server_connections_active{listener="echo"}' "$END"
echo "  messages received per second, over the last 5 s of the load:"
query 'rate(tcp_server_messages_received_total{listener="echo"}[5s])' "$END"
echo "  messages received in all, at the end:"
query 'tcp_server_messages_received_total{listener="echo"}' "$END"
echo
echo "== s2's last log lines =="
tail -5 "$WORK/s2.log" | cut -c1-220 | sed 's/^/  /'
exit "$BENCH_CODE"
