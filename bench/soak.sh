#!/usr/bin/env bash
# Soak: a Sockeye server under steady load with periodic attackers, reporting heap after GC, threads and open file
# descriptors at the start and the end. Bounded: it stops by itself after DURATION.
# Usage: bench/soak.sh [DURATION (default 10m)] [RATE req/s for bench (default 20000)]
# Needs the jar (./mvnw package -DskipTests), python3 and the JDK's jcmd. Traffic stays on 127.0.0.1.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
jar=$(ls "$here"/target/sockeye-*.jar | head -n 1)
duration=${1:-10m}
rate=${2:-20000}
port=${PORT:-18888}
seconds=$(python3 -c "import re,sys; m=re.fullmatch(r'(\d+)(ms|s|m|h)?', sys.argv[1]); n=int(m[1]); print({None:1,'s':1,'ms':0.001,'m':60,'h':3600}[m[2]]*n)" "$duration")
java -Xmx512m -jar "$jar" --server.port=0 --sockeye.listeners.soak.port=$port \
  --sockeye.listeners.soak.message-timeout=2s --sockeye.listeners.soak.max-message-size=4KB \
  --sockeye.listeners.soak.max-connections-per-client=0 > /tmp/sockeye-soak.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; kill $(jobs -p) 2>/dev/null || true' EXIT
for i in $(seq 1 300); do grep -q "listener 'soak' listening" /tmp/sockeye-soak.log && break; sleep 0.1; done
if ! kill -0 $server 2>/dev/null || ! grep -q "listener 'soak' listening" /tmp/sockeye-soak.log; then
  echo "the server did not start (is port $port free? set PORT=...); see /tmp/sockeye-soak.log" >&2
  exit 1
fi

sample() {
  jcmd $server GC.run > /dev/null
  local heap threads fds
  heap=$(jcmd $server GC.heap_info | awk '/used/ {for (i=1;i<=NF;i++) if ($i=="used") {print $(i+1); exit}}')
  threads=$(awk '/Threads/ {print $2}' /proc/$server/status)
  fds=$(ls /proc/$server/fd | wc -l)
  echo "$1: heap used after GC $heap, threads $threads, open fds $fds, RSS $(( $(awk '/VmRSS/ {print $2}' /proc/$server/status) / 1024 )) MiB"
}

sleep 5
sample start
attackers() {
  # every 30 s: 200 slowloris connections (a byte a second, never a delimiter) and 50 oversize frames
  while true; do
    python3 - "$port" <<'PY' &
import socket, sys, time
port = int(sys.argv[1])
conns = []
for _ in range(200):
    try:
        conns.append(socket.create_connection(('127.0.0.1', port)))
    except OSError:
        pass
for _ in range(5):
    for c in conns:
        try: c.send(b'x')
        except OSError: pass
    time.sleep(1)
for _ in range(50):
    try:
        s = socket.create_connection(('127.0.0.1', port)); s.sendall(b'y' * 8192); s.close()
    except OSError:
        pass
PY
    sleep 30
  done
}
attackers &
attacker_pid=$!
java -jar "$jar" bench --port $port --connections 50 --duration "${seconds}s" --warmup 5s --rate "$rate"
kill $attacker_pid 2>/dev/null || true
sleep 3
sample end
grep -E "closed [0-9]+ connection|refused" /tmp/sockeye-soak.log | tail -3 || true
