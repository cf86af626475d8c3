#!/usr/bin/env bash
# Benchmarks Sockeye against the reference servers of ../shared/bench in one run (same machine, same minute), so the
# figures can be compared as ratios. Server pinned to core 0, load generator to core 1 (see ../shared/bench/README.md).
# Usage: bench/compare.sh [SCENARIOS...]   default "50:1:32 1000:1:32 50:1:1024" (CONNS:DEPTH:SIZE)
# Env: SERVERS (space-separated subset of the names below), WARM, SECS, JAVA25 (a JDK 21+ java for virtual threads).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
shared=${SHARED_BENCH:-$here/../shared/bench}
bin=${BENCH_BIN:-/tmp/sockeye-bench}
java25=${JAVA25:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
jar=$(ls "$here"/target/sockeye-*.jar | head -n 1)
# one load generator on one host opens every connection: lift the per-client cap, and the cap for 10,000-connection runs
caps="--sockeye.listeners.echo.port=8888 --sockeye.listeners.echo.max-connections=20000 --sockeye.listeners.echo.max-connections-per-client=0"
scen=${*:-"50:1:32 1000:1:32 50:1:1024"}
[ -x "$bin/loadgen" ] || "$shared/build.sh"
declare -A cmd=(
  [si-nio]="java -jar $bin/peer-si.jar --server.port=18080|7005"
  [si-net]="java -jar $bin/peer-si.jar --server.port=18080|7006"
  [asyncio]="python3 $bin/peer_asyncio.py 7002|7002"
  [netty]="java -jar $bin/peer-netty.jar 7004 1|7004"
  [epoll]="$bin/peer_epoll 7001|7001"
  [sockeye-nio-17]="java -jar $jar $caps|8888"
  [sockeye-nio-25]="$java25 -jar $jar $caps|8888"
  [sockeye-blocking-17]="java -jar $jar $caps --sockeye.listeners.echo.io=blocking|8888"
  [sockeye-blocking-25]="$java25 -jar $jar $caps --sockeye.listeners.echo.io=blocking|8888"
)
order=${SERVERS:-"si-nio si-net asyncio netty sockeye-nio-17 sockeye-nio-25 sockeye-blocking-17 sockeye-blocking-25"}
for name in $order; do
  IFS='|' read -r start port <<< "${cmd[$name]}"
  "$shared/run-peer.sh" "$name" "$port" "$start" $scen
done
