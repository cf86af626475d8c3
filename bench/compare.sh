#!/usr/bin/env bash
# Benchmarks Sockeye beside the reference servers of ../shared/bench and HAProxy, all in one run, and prints a
# Markdown report: the tables, the ratios, PASS/FAIL lines for issue 18's acceptance checks, and a stamp (commit,
# date, machine, JVMs, command). The report goes to stdout (and --out FILE); progress goes to stderr.
#
# Usage: bench/compare.sh [--quick] [--only SECTIONS] [--servers NAMES] [--jar JAR] [--java25 JAVA] [--out FILE]
#   --quick          2 s warm-up, 3 s measured, 2,000 instead of 10,000 connections, one slowloris round: checks the
#                    script, not Sockeye (its figures are not worth comparing)
#   --only LIST      comma-separated sections, in this order (default all):
#                      single     one core each: server on core 0, loadgen on core 1; 50 and 1,000 connections (32 B),
#                                 50 x 1 KiB, 10,000 connections (p99.9, RSS); time to listening pinned; idle RSS.
#                                 The servers run side by side and take turns, SINGLE_ROUNDS rounds (medians reported)
#                      startup    time to listening on two cores (taskset -c 0,1), median of STARTS starts; also
#                                 bin/sockeye's when the launcher exists (on each JVM, its cache built first), and
#                                 the reference's: peer-si.jar with java -jar, and extracted with an AOT cache on Java 25
#                      scaling    server on both cores, loadgen on core 1: one event loop against two, Netty
#                                 (peer-netty.jar PORT 1|2) and Sockeye (--sockeye.listeners.<name>.io-threads=1|2)
#                      relay      Sockeye's relay in front of the C echo against HAProxy (tcp mode, one thread)
#                      slowloris  bench's p99 (open loop) without and with 1,000 slowloris clients (bench/slowloris.c),
#                                 for Sockeye and for the C echo, and the ratio of the two ratios
#   --servers LIST   servers of the single and startup sections (default epoll,netty,asyncio,sockeye,sockeye25); also
#                    blocking, blocking25 (Sockeye io=blocking), si-nio, si-net (peer-si.jar, fixed ports 7005/7006)
#   --jar JAR        the Sockeye jar to measure (default target/sockeye-0.1.0.jar, built if missing)
#   --java25 JAVA    a second JVM for the "Sockeye nio (Java 25)" column and rows; also JAVA25, or JAVA_HOME_25 /
#                    JAVA25_HOME (its bin/java). Without one, those columns are left out.
#   --out FILE       also write the report to FILE
# Env: SOCKEYE_BENCH_REFS (default <repo>/../shared/bench), SOCKEYE_BENCH_BIN (default $BENCH_BIN or
#      /tmp/sockeye-bench; built with the refs' build.sh when it lacks a binary), JAVA (default java), SOCKEYE_JAVA_OPTS
#      (JVM options for the Sockeye servers; default bin/sockeye's for the server, -Xms64m -XX:+UseG1GC), WARM, SECS,
#      BIG_CONNS, SCALE_SCEN (CONNS:SIZE, default 1000:32), ROUNDS (slowloris, default 5), SINGLE_ROUNDS (default 2),
#      SLOWLORIS_WARMUP, SLOWLORIS_RATE, SLOWLORIS_BENCH_WARM, STARTS.
# Every process it starts (servers, HAProxy, loadgen, attackers) is stopped on exit. Ports are picked free, in
# 21000-29999 (below the ephemeral range, so 10,000 client connections cannot take them). Traffic stays on 127.0.0.1.
set -u
set -o pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
refs=${SOCKEYE_BENCH_REFS:-$repo/../shared/bench}
bin=${SOCKEYE_BENCH_BIN:-${BENCH_BIN:-/tmp/sockeye-bench}}
JAVA=${JAVA:-java}
# the options bin/sockeye starts the server with (docs/performance.md, "Memory")
SOCKEYE_JAVA_OPTS=${SOCKEYE_JAVA_OPTS--Xms64m -XX:+UseG1GC}
jar=${SOCKEYE_JAR:-$repo/target/sockeye-0.1.0.jar}
java25=${JAVA25:-} major25=
quick=0 out= only=single,startup,scaling,relay,slowloris servers=epoll,netty,asyncio,sockeye,sockeye25
command_line="bench/compare.sh $*"

usage() { sed -n '2,/^set -u/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case $1 in
    --quick) quick=1 ;;
    --only) only=$2; shift ;;
    --servers) servers=$2; shift ;;
    --jar) jar=$2; shift ;;
    --java25) java25=$2; shift ;;
    --out) out=$2; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
if [ -z "$java25" ]; then
  for home in "${JAVA_HOME_25:-}" "${JAVA25_HOME:-}"; do
    [ -n "$home" ] && [ -x "$home/bin/java" ] && { java25=$home/bin/java; break; }
  done
fi
if [ $quick = 1 ]; then
  WARM=${WARM:-2} SECS=${SECS:-3} BIG_CONNS=${BIG_CONNS:-2000} ROUNDS=${ROUNDS:-1} SINGLE_ROUNDS=${SINGLE_ROUNDS:-1}
  SLOWLORIS_WARMUP=${SLOWLORIS_WARMUP:-3}
  SLOWLORIS_BENCH_WARM=${SLOWLORIS_BENCH_WARM:-2} STARTS=${STARTS:-1}
else
  # five slowloris rounds: on this machine one round's ratio (with / without) of the same server ranged 0.8x-2.7x,
  # and three rounds let one such round decide the check (docs/performance.md, "Under a slowloris attack")
  WARM=${WARM:-5} SECS=${SECS:-10} BIG_CONNS=${BIG_CONNS:-10000} ROUNDS=${ROUNDS:-5} SINGLE_ROUNDS=${SINGLE_ROUNDS:-2}
  SLOWLORIS_WARMUP=${SLOWLORIS_WARMUP:-30}
  SLOWLORIS_BENCH_WARM=${SLOWLORIS_BENCH_WARM:-10} STARTS=${STARTS:-3}
fi
SCALE_SCEN=${SCALE_SCEN:-1000:32} SLOWLORIS_RATE=${SLOWLORIS_RATE:-20000}
ATTACKERS=1000 MESSAGE_TIMEOUT=5s
has() { [[ ",$1," == *",$2,"* ]]; }

say() { echo "[compare $(date -u +%T)] $*" >&2; }
die() { say "$*"; exit 1; }

# ---------------------------------------------------------------------------------------------------------------
# processes: every one started is tracked and stopped on exit

work=$(mktemp -d /tmp/sockeye-compare.XXXXXX)
PIDS=() HAPROXY_PIDFILE=
cleanup() {
  local p
  [ -n "$HAPROXY_PIDFILE" ] && [ -s "$HAPROXY_PIDFILE" ] && kill $(cat "$HAPROXY_PIDFILE") 2>/dev/null
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${PIDS[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$p" 2>/dev/null
  done
  wait 2>/dev/null
}
trap cleanup EXIT
trap 'say "interrupted"; exit 130' INT TERM
forget() { local p keep=(); for p in "${PIDS[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done; PIDS=("${keep[@]}"); }
child() { # OUTPUT COMMAND...: runs COMMAND in the background and waits, so that a signal stops the run at once
  local out=$1 p
  shift
  "$@" > "$out" 2>> "$work/stderr.log" &
  p=$!
  PIDS+=("$p")
  wait "$p"
  forget "$p"
}
stop() { # PID: SIGTERM, SIGKILL after 10 s
  local pid=$1
  kill "$pid" 2>/dev/null
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  forget "$pid"
}

TAKEN=" "
pick_port() { # VAR: a port nobody listens on or connects from, not handed out earlier in this run
  local used p
  used=$(ss -Htan | awk '{n = split($4, a, ":"); print a[n]}' | sort -u)
  for _ in $(seq 1 500); do
    p=$((21000 + RANDOM % 9000))
    if ! grep -qx "$p" <<< "$used" && [[ $TAKEN != *" $p "* ]]; then TAKEN+="$p "; printf -v "$1" %s "$p"; return; fi
  done
  die "no free port found in 21000-29999"
}

# Waiting for a server to listen starts no process: a fork and exec costs milliseconds of CPU on this virtual
# machine, and the loop this replaces (a subshell, date and sleep every 10 ms) took about half a core from the server
# it timed, on two (docs/performance.md, "Start-up"). A connect from the shell itself, bash's clock, and a read with a
# timeout on a pipe that never has data, opened read-write so that it never ends, instead of sleep.
[ -n "${EPOCHREALTIME:-}" ] || die "bash 5 or later is needed (EPOCHREALTIME)"
exec {PAUSE_FD}<> <(:)
pause() { read -r -t "$1" -u "$PAUSE_FD" _ || :; }
listening() { local fd; { exec {fd}<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null || return 1; exec {fd}>&-; }
SRV_PID= SRV_SECS=
start_server() { # NAME CPUS PORT COMMAND...: sets SRV_PID and SRV_SECS (start to accepting); fails if it died
  local name=$1 cpus=$2 port=$3 t0 now
  shift 3
  echo "== $(date -u +%T) taskset -c $cpus $*" >> "$work/$name.log"
  t0=${EPOCHREALTIME//[!0-9]/}
  taskset -c "$cpus" "$@" >> "$work/$name.log" 2>&1 &
  SRV_PID=$! SRV_SECS=
  PIDS+=("$SRV_PID")
  until listening "$port"; do
    now=${EPOCHREALTIME//[!0-9]/}
    if ! kill -0 "$SRV_PID" 2>/dev/null || [ $((now - t0)) -gt 90000000 ]; then
      say "$name did not start on port $port; see $work/$name.log"
      stop "$SRV_PID"
      return 1
    fi
    pause 0.01
  done
  now=${EPOCHREALTIME//[!0-9]/}
  SRV_SECS=$(awk -v d=$((now - t0)) 'BEGIN { printf "%.2f", d / 1e6 }')
}
rss_kib() { awk '/VmRSS/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }

# ---------------------------------------------------------------------------------------------------------------
# numbers

declare -A D
field() { sed -n "s/.*\<$2=\([^ ]*\).*/\1/p" <<< "$1"; }
num() { awk -v v="$1" 'BEGIN { printf "%.0f", v }' | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta'; }
lat() { # microseconds, as read
  awk -v u="$1" 'BEGIN { if (u == "") print "–"; else if (u < 1000) printf "%.0f us", u; else if (u < 10000) printf "%.2f ms", u / 1000;
    else if (u < 1e6) printf "%.0f ms", u / 1000; else printf "%.2f s", u / 1e6 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b + 0 == 0) print ""; else printf "%.2f", a / b }'; }
median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) print ""; else if (NR % 2) print a[(NR + 1) / 2];
  else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
CHECKS=()
round_list() { # SERVER SCENARIO [FIELD]: each round's req/s (or FIELD, e.g. p999) over Netty's, single section
  local r out= f=${3:-rps}
  [ "$SINGLE_ROUNDS" -gt 1 ] || return 0
  for r in $(seq 1 "$SINGLE_ROUNDS"); do
    out="$out${out:+, }$(ratio "${D[single.$1.$2.$r.$f]:-}" "${D[single.netty.$2.$r.$f]:-}")x"
  done
  echo "$out"
}
round_ratios() { local l; l=$(round_list "$@"); echo "${l:+round by round $l}"; }
floor_note() { # SCENARIO: the C echo's req/s over Netty's there: how far a server with no runtime gets
  local c l
  c=$(ratio "${D[single.epoll.$1.rps]:-}" "${D[single.netty.$1.rps]:-}")
  [ -n "$c" ] || return 0
  l=$(round_list epoll "$1")
  echo "the C echo ${c}x${l:+ ($l)}"
}
slowloris_rounds() { # each round's Sockeye ratio (with / without) over the C echo's ratio in the same round
  local r out=
  [ "$ROUNDS" -gt 1 ] || return 0
  for r in $(seq 1 "$ROUNDS"); do
    out="$out${out:+, }$(awk -v a="${D[slowloris.sockeye.$r.1]:-}" -v b="${D[slowloris.sockeye.$r.0]:-}" \
      -v c="${D[slowloris.epoll.$r.1]:-}" -v d="${D[slowloris.epoll.$r.0]:-}" \
      'BEGIN { if (a == "" || b + 0 == 0 || c + 0 == 0 || d + 0 == 0) print "–"; else printf "%.2fx", (a / b) / (c / d) }')"
  done
  echo "round by round $out"
}
check() { # DESCRIPTION VALUE OP LIMIT [NOTE] [UNIT]: a PASS/FAIL/SKIP line; VALUE empty = not measured
  local desc=$1 v=$2 op=$3 limit=$4 note=${5:-} unit=${6:-x} verdict
  if [ -z "$v" ]; then
    verdict=SKIP
  elif awk -v v="$v" -v l="$limit" -v op="$op" 'BEGIN { exit !((op == ">=") ? v >= l : v <= l) }'; then
    verdict=PASS
  else
    verdict=FAIL
  fi
  CHECKS+=("- $verdict $desc: ${v:-not measured}${v:+$unit} (needs $op ${limit}$unit)${note:+; $note}")
}

# ---------------------------------------------------------------------------------------------------------------
# what to run

[ "$(nproc)" -ge 2 ] || die "needs two cores (server on core 0, load generator on core 1); nproc says $(nproc)"
hard=$(ulimit -Hn)
[ "$hard" = unlimited ] && hard=1048576
ulimit -n "$hard" 2>/dev/null || true
if [ "$(ulimit -n)" -lt $((BIG_CONNS + 200)) ]; then
  BIG_CONNS=$(( $(ulimit -n) - 200 ))
  say "open files limited to $(ulimit -n): the big run uses $BIG_CONNS connections"
fi
[ -d "$refs" ] || die "no reference harness at $refs (set SOCKEYE_BENCH_REFS)"
for b in loadgen peer_epoll peer-netty.jar peer_asyncio.py; do
  if [ ! -e "$bin/$b" ]; then
    say "building the reference harness into $bin ($refs/build.sh)"
    BENCH_BIN=$bin "$refs/build.sh" >&2 || die "$refs/build.sh failed"
    break
  fi
done
if [ ! -f "$jar" ]; then
  [ "$jar" = "$repo/target/sockeye-0.1.0.jar" ] || die "no jar at $jar"
  say "building $jar"
  (cd "$repo" && ./mvnw -B -q package -DskipTests -Dspring-javaformat.skip=true) >&2 || die "the build failed"
fi
java_major() { "$1" -XshowSettings:properties -version 2>&1 | awk -F' = ' '/java.specification.version/ { print $2 }'; }
java_build() { "$1" -XshowSettings:properties -version 2>&1 | awk -F' = ' '/java.vm.vendor/ { v = $2 } /java.runtime.version/ { r = $2 }
  END { print v " " r }'; }
major17=$(java_major "$JAVA")
[ -n "$major17" ] || die "$JAVA does not run"
java_home_of() { local j; j=$(command -v "$1") && j=$(readlink -f "$j") && (cd "$(dirname "$j")/.." && pwd); }
java17_home=$(java_home_of "$JAVA") java25_home=
if [ -n "$java25" ]; then
  major25=$(java_major "$java25")
  [ -n "$major25" ] || die "$java25 does not run"
  java25_home=$(java_home_of "$java25")
else
  servers=$(tr , "\n" <<< "$servers" | grep -v "25$" | paste -sd, -)
fi
# the per-listener io-threads property is new: a jar without it refuses it (unknown sockeye.* keys stop the
# application), so pass it only to a jar whose classes name it, and fall back once if the start still fails
io_threads=0
python3 - "$jar" <<'EOF' && io_threads=1
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
# Sockeye's classes: at the root of the flat jar, under BOOT-INF/classes/ in the repackaged jars before 4f3b650
sys.exit(0 if any(b'ioThreads' in z.read(n) for n in z.namelist()
                  if n.startswith(('dev/sockeye/', 'BOOT-INF/classes/')) and n.endswith('.class')) else 1)
EOF
started=$(date -u '+%Y-%m-%d %H:%M UTC')
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
awk -v l="${load_start%% *}" -v n="$(nproc)" 'BEGIN { exit !(l > n / 2) }' &&
  say "warning: load average ${load_start%% *} on $(nproc) cores: other work shares the cores, the figures will be noisy"
say "sections $only; servers $servers; warm-up ${WARM}s, measured ${SECS}s; logs in $work"

label() {
  case $1 in
    epoll) echo "C epoll" ;;
    netty) echo "Netty" ;;
    asyncio) echo "Python asyncio" ;;
    sockeye) echo "Sockeye nio (Java $major17)" ;;
    sockeye25) echo "Sockeye nio (Java $major25)" ;;
    blocking) echo "Sockeye blocking (Java $major17)" ;;
    blocking25) echo "Sockeye blocking (Java $major25)" ;;
    si-nio) echo "Spring Integration NIO" ;;
    si-net) echo "Spring Integration NET" ;;
  esac
}
SCMD=()
sockeye_cmd() { # JAVA PORT [EXTRA...]: the Sockeye command in SCMD, one listener 'bench' (CRLF echo) on PORT
  local j=$1 port=$2
  shift 2
  # shellcheck disable=SC2206
  SCMD=("$j" ${SOCKEYE_JAVA_OPTS:-} -jar "$jar" --server.port=0 --sockeye.drain-timeout=1s
    --sockeye.listeners.bench.port="$port" --sockeye.listeners.bench.max-connections=0
    --sockeye.listeners.bench.max-connections-per-client=0 "$@")
}
io_arg() { [ $io_threads = 1 ] && echo "--sockeye.listeners.bench.io-threads=$1"; }
CMD=()
server_cmd() { # NAME PORT [LOOPS]: the command in CMD
  local loops=${3:-1}
  case $1 in
    epoll) CMD=("$bin/peer_epoll" "$2") ;;
    netty) CMD=("$JAVA" -jar "$bin/peer-netty.jar" "$2" "$loops") ;;
    asyncio) CMD=(python3 "$bin/peer_asyncio.py" "$2") ;;
    sockeye) sockeye_cmd "$JAVA" "$2" $(io_arg "$loops"); CMD=("${SCMD[@]}") ;;
    sockeye25) sockeye_cmd "$java25" "$2" $(io_arg "$loops"); CMD=("${SCMD[@]}") ;;
    blocking) sockeye_cmd "$JAVA" "$2" --sockeye.listeners.bench.io=blocking; CMD=("${SCMD[@]}") ;;
    blocking25) sockeye_cmd "$java25" "$2" --sockeye.listeners.bench.io=blocking; CMD=("${SCMD[@]}") ;;
    si-nio|si-net) CMD=("$JAVA" -jar "$bin/peer-si.jar" --server.port="$2") ;;  # management port; echo on 7005/7006
    launcher) CMD=(env SOCKEYE_JAR="$jar" JAVA_HOME="$java17_home" "$repo/bin/sockeye" --server.port=0
      --sockeye.listeners.bench.port="$2") ;;
    launcher25) CMD=(env SOCKEYE_JAR="$jar" JAVA_HOME="$java25_home" "$repo/bin/sockeye" --server.port=0
      --sockeye.listeners.bench.port="$2") ;;
    si-aot) CMD=("$java25" -XX:AOTCache="$work/si-aot/peer-si.aot" -Xms64m -jar "$work/si-aot/app/peer-si.jar"
      --server.port="$2") ;;
  esac
}
echo_port() { # NAME PORT: the port the server echoes on (peer-si.jar has fixed ones; PORT is its management port)
  case $1 in si-nio|si-aot) echo 7005 ;; si-net) echo 7006 ;; *) echo "$2" ;; esac
}
start_named() { # NAME CPUS PORT [LOOPS]: start_server, retrying a Sockeye start once without io-threads
  server_cmd "$1" "$3" "${4:-1}"
  start_server "$1" "$2" "$(echo_port "$1" "$3")" "${CMD[@]}" && return 0
  if [[ $1 == sockeye* ]] && [ $io_threads = 1 ] && grep -q 'io-threads' "$work/$1.log"; then
    say "this jar refuses io-threads: measuring without it"
    io_threads=0
    server_cmd "$1" "$3" "${4:-1}"
    start_server "$1" "$2" "$3" "${CMD[@]}"
  else
    return 1
  fi
}

LOADGEN_ERRORS=()
load() { # KEY PORT CONNS SIZE SERVER_PID: loadgen on core 1; D[KEY.rps|p99|p999|rss|ok]
  local key=$1 port=$2 conns=$3 size=$4 pid=$5 line sampler mism errs closed
  ( max=0; while kill -0 "$pid" 2>/dev/null; do r=$(rss_kib "$pid"); [ "${r:-0}" -gt $max ] && max=$r && echo $max > "$work/rss.$key"
    sleep 0.5; done ) &
  sampler=$!
  PIDS+=("$sampler")
  child "$work/loadgen.last" timeout $((WARM + SECS + 180)) taskset -c 1 "$bin/loadgen" 127.0.0.1 "$port" "$conns" "$SECS" \
    "$size" 1 crlf "$WARM"
  line=$(tail -1 "$work/loadgen.last")
  stop "$sampler"
  echo "$key: $line" >> "$work/loadgen.out"
  D[$key.rss]=$(cat "$work/rss.$key" 2>/dev/null)
  if [[ $line != conns=* ]]; then
    say "  $key: loadgen failed (see $work/stderr.log)"
    D[$key.ok]=0
    LOADGEN_ERRORS+=("$key: loadgen failed")
    return
  fi
  D[$key.rps]=$(field "$line" rps) D[$key.p99]=$(field "$line" p99_us) D[$key.p999]=$(field "$line" p999_us)
  mism=$(field "$line" mismatches) errs=$(field "$line" errors) closed=$(field "$line" closed)
  if [ "$mism$errs$closed" = 000 ] && [ "${D[$key.rps]}" != 0 ]; then D[$key.ok]=1; else
    D[$key.ok]=0
    D[$key.err]="mismatches $mism, errors $errs, closed $closed$([ "${D[$key.rps]}" = 0 ] && echo ", no reply")"
    LOADGEN_ERRORS+=("$key: ${D[$key.err]}")
  fi
  say "  $key: $(num "${D[$key.rps]}") req/s, p99 $(lat "${D[$key.p99]}"), p99.9 $(lat "${D[$key.p999]}"), ${D[$key.err]:-no errors}"
  sleep 1
}
cell() { # KEY [p99|p999]: "83,919 (1.02 ms)"
  local k=$1 p=${2:-p99}
  if [ -z "${D[$k.ok]:-}" ]; then echo "–"; return; fi
  if [ -z "${D[$k.rps]:-}" ]; then echo "failed"; return; fi
  echo "$(num "${D[$k.rps]}") ($(lat "${D[$k.$p]}"))${D[$k.err]:+ **${D[$k.err]}**}"
}

# ---------------------------------------------------------------------------------------------------------------
# sections

SCENARIOS=("50:32" "1000:32" "50:1024" "$BIG_CONNS:32")
# All servers run side by side, pinned to core 0 (an idle one costs the measured one nothing), and each scenario runs
# on every server in turn, SINGLE_ROUNDS times, starting each round one server further along: the servers of a ratio
# are measured seconds apart, in the same phase of a noisy machine. Measured one server after the other, Netty's and
# Sockeye's figures came minutes apart, and the 1 KiB ratio of the same jar went from 0.74x to 1.70x over four runs.
section_single() {
  local s port sc round i n key rps p99 p999 rss ok err
  local -a up=()
  for s in ${servers//,/ }; do
    [ "$s" = launcher ] && continue
    pick_port port
    say "single core: $(label "$s") on port $port"
    start_named "$s" 0 "$port" 1 || { D[single.$s.failed]=1; continue; }
    D[single.$s.listen]=$SRV_SECS D[single.$s.pid]=$SRV_PID D[single.$s.port]=$(echo_port "$s" "$port")
    sleep 1
    D[single.$s.idle]=$(rss_kib "$SRV_PID")
    up+=("$s")
  done
  n=${#up[@]}
  for sc in "${SCENARIOS[@]}"; do
    for round in $(seq 1 "$SINGLE_ROUNDS"); do
      for i in $(seq 0 $((n - 1))); do
        s=${up[$(((i + round - 1) % n))]}
        say "single core: $(label "$s"), ${sc%%:*} x ${sc##*:} B, round $round of $SINGLE_ROUNDS"
        load "single.$s.$sc.$round" "${D[single.$s.port]}" "${sc%%:*}" "${sc##*:}" "${D[single.$s.pid]}"
      done
    done
    for s in "${up[@]}"; do
      rps=() p99=() p999=() rss=0 ok=1 err=
      for round in $(seq 1 "$SINGLE_ROUNDS"); do
        key=single.$s.$sc.$round
        [ -n "${D[$key.rps]:-}" ] && rps+=("${D[$key.rps]}") p99+=("${D[$key.p99]}") p999+=("${D[$key.p999]}")
        [ "${D[$key.rss]:-0}" -gt $rss ] && rss=${D[$key.rss]}
        [ "${D[$key.ok]:-0}" = 1 ] || ok=0
        [ -n "${D[$key.err]:-}" ] && err="$err${err:+; }round $round: ${D[$key.err]}"
      done
      key=single.$s.$sc
      D[$key.ok]=$ok D[$key.rss]=$rss
      [ -n "$err" ] && D[$key.err]=$err
      [ ${#rps[@]} -gt 0 ] && D[$key.rps]=$(median "${rps[@]}") D[$key.p99]=$(median "${p99[@]}") \
        D[$key.p999]=$(median "${p999[@]}")
    done
  done
  for s in "${up[@]}"; do stop "${D[single.$s.pid]}"; done
}

section_startup() {
  local s port times n
  local list=${servers//,/ }
  if [ -x "$repo/bin/sockeye" ]; then
    # the launchers' start-up caches are built before, not timed (bin/sockeye cache: docs/performance.md)
    SOCKEYE_JAR=$jar JAVA_HOME=$java17_home "$repo/bin/sockeye" cache --server.port=0 >> "$work/launcher.log" 2>&1 \
      && list+=" launcher" || say "bin/sockeye cache failed; see $work/launcher.log"
    if [ -n "$java25" ]; then
      SOCKEYE_JAR=$jar JAVA_HOME=$java25_home "$repo/bin/sockeye" cache --server.port=0 >> "$work/launcher25.log" 2>&1 \
        && list+=" launcher25" || say "bin/sockeye cache on Java $major25 failed; see $work/launcher25.log"
    fi
  fi
  # the reference: the Spring Integration echo of the refs (Spring Boot, Spring Integration, web, actuator,
  # Prometheus: what Sockeye is built on), with java -jar and the way bin/sockeye starts Sockeye on Java 25
  [[ " $list " == *" si-nio "* ]] || list+=" si-nio"
  if [ -n "$java25" ] && "$java25" -Djarmode=tools -jar "$bin/peer-si.jar" extract --destination "$work/si-aot/app" \
      >> "$work/si-aot.log" 2>&1 \
    && "$java25" -XX:AOTCacheOutput="$work/si-aot/peer-si.aot" -Dspring.context.exit=onRefresh \
      -jar "$work/si-aot/app/peer-si.jar" --server.port=0 >> "$work/si-aot.log" 2>&1; then
    list+=" si-aot"
  elif [ -n "$java25" ]; then
    say "could not build the reference's AOT cache; see $work/si-aot.log"
  fi
  for s in $list; do
    times=()
    for n in $(seq 1 "$STARTS"); do
      pick_port port
      start_named "$s" 0,1 "$port" 1 || break
      times+=("$SRV_SECS")
      stop "$SRV_PID"
    done
    D[startup.$s]=$(median "${times[@]}")
    say "to listening on two cores: $s ${D[startup.$s]:-failed} s (${times[*]})"
  done
}

section_scaling() {
  local conns=${SCALE_SCEN%%:*} size=${SCALE_SCEN##*:} s loops port
  for s in netty sockeye; do
    if [ "$s" = sockeye ] && [ $io_threads = 0 ]; then
      say "scaling: this jar has no io-threads property: Sockeye's gain not measured"
      D[scaling.sockeye.unsupported]=1
      continue
    fi
    for loops in 1 2; do
      pick_port port
      say "two cores: $s, $loops loop(s), port $port"
      start_named "$s" 0,1 "$port" "$loops" || continue
      [ "$s" = sockeye ] && [ $io_threads = 0 ] && { D[scaling.sockeye.unsupported]=1; stop "$SRV_PID"; break; }
      load "scaling.$s.$loops" "$port" "$conns" "$size" "$SRV_PID"
      stop "$SRV_PID"
    done
    D[scaling.$s.gain]=$(ratio "${D[scaling.$s.2.rps]:-}" "${D[scaling.$s.1.rps]:-}")
  done
}

section_relay() {
  local echo_port hport rport epid s j cfg=$work/haproxy.cfg
  pick_port echo_port
  say "relay: C echo on core 1, port $echo_port"
  start_server relay-echo 1 "$echo_port" "$bin/peer_epoll" "$echo_port" || return
  epid=$SRV_PID
  pick_port hport
  printf 'global\n  nbthread 1\n  maxconn 1000\ndefaults\n  mode tcp\n  timeout connect 5s\n  timeout client 60s\n  timeout server 60s\nlisten r\n  bind 127.0.0.1:%s\n  server e 127.0.0.1:%s\n' \
    "$hport" "$echo_port" > "$cfg"
  HAPROXY_PIDFILE=$work/haproxy.pid
  say "relay: HAProxy on core 0, port $hport"
  if taskset -c 0 haproxy -f "$cfg" -D -p "$HAPROXY_PIDFILE" >> "$work/haproxy.log" 2>&1; then
    for _ in $(seq 1 300); do listening "$hport" && break; pause 0.01; done
    load relay.haproxy "$hport" 50 32 "$(cat "$HAPROXY_PIDFILE")"
    kill "$(cat "$HAPROXY_PIDFILE")" 2>/dev/null
    for _ in $(seq 1 50); do kill -0 "$(cat "$HAPROXY_PIDFILE")" 2>/dev/null || break; sleep 0.1; done
    HAPROXY_PIDFILE=
  else
    say "HAProxy did not start; see $work/haproxy.log"
  fi
  D[relay.haproxy.version]=$(haproxy -v 2>/dev/null | head -1 | awk '{ print $3 }')
  for s in sockeye sockeye25; do
    [ "$s" = sockeye25 ] && [ -z "$java25" ] && continue
    j=$JAVA; [ "$s" = sockeye25 ] && j=$java25
    pick_port rport
    say "relay: $(label "$s") on core 0, port $rport"
    sockeye_cmd "$j" "$rport" --sockeye.listeners.bench.service=relay \
      --sockeye.listeners.bench.relay.upstreams="127.0.0.1:$echo_port"
    start_server "relay-$s" 0 "$rport" "${SCMD[@]}" || continue
    load "relay.$s" "$rport" 50 32 "$SRV_PID"
    stop "$SRV_PID"
  done
  stop "$epid"
}

bench_json() { # PORT SECONDS WARMUP FILE: the jar's bench, open loop, on core 1
  child "$work/bench.last" taskset -c 1 "$JAVA" -jar "$jar" bench --port "$1" --connections 50 --rate "$SLOWLORIS_RATE" \
    --duration "${2}s" --warmup "${3}s" --connect-timeout 30s --json "$4"
  cat "$work/bench.last" >> "$work/bench.out"
}
json() { python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
for k in sys.argv[2:]:
    d = d.get(k) if isinstance(d, dict) else None
print("" if d is None else d)' "$@" 2>/dev/null; }
section_slowloris() {
  local attacker=$work/slowloris s port round with f a apid without withs closed
  gcc -O2 -o "$attacker" "$repo/bench/slowloris.c" || { say "cannot build bench/slowloris.c"; return; }
  attack() { # PORT SECONDS OUTPUT
    taskset -c 1 "$attacker" 127.0.0.1 "$1" "$ATTACKERS" "$2" 1000 spread > "$3" 2>> "$work/slowloris.err" &
    apid=$!
    PIDS+=("$apid")
  }
  # both servers run side by side (on core 0, the idle one costs nothing) and their rounds alternate, so each pair of
  # rounds sees the same phase of a noisy machine: measured one after the other, the two ratios came minutes apart
  local -A sport spid
  for s in sockeye epoll; do
    pick_port port
    sport[$s]=$port
    say "slowloris: $s on port $port; unmeasured attack and load for ${SLOWLORIS_WARMUP}s"
    if [ "$s" = sockeye ]; then
      sockeye_cmd "$JAVA" "$port" --sockeye.listeners.bench.message-timeout=$MESSAGE_TIMEOUT
      start_server slowloris-sockeye 0 "$port" "${SCMD[@]}" || continue
    else
      start_server slowloris-epoll 0 "$port" "$bin/peer_epoll" "$port" || continue
    fi
    spid[$s]=$SRV_PID
    # a server in service has compiled its accept, read and close paths: warm them up under attack first
    attack "$port" $((SLOWLORIS_WARMUP + 4)) /dev/null
    bench_json "$port" "$SLOWLORIS_WARMUP" 1 "$work/warm.json"
    wait "$apid" 2>/dev/null; forget "$apid"
  done
  local -A withouts withss closeds
  for round in $(seq 1 "$ROUNDS"); do
    for s in sockeye epoll; do
      [ -n "${spid[$s]:-}" ] || continue
      port=${sport[$s]}
      for with in 0 1; do
        f=$work/slowloris.$s.$round.$with.json
        rm -f "$f"
        if [ $with = 1 ]; then
          # the attack outlasts the bench (its JVM's start, warm-up and run): the attackers' exit is not measured
          attack "$port" $((2 + 2 + SLOWLORIS_BENCH_WARM + SECS + 3)) "$work/attack.$s.$round.json"
          sleep 2
        fi
        bench_json "$port" "$SECS" "$SLOWLORIS_BENCH_WARM" "$f"
        a=$(json "$f" latencyMicros p99)
        if [ "$(json "$f" requests)" = 0 ] || [ -z "$a" ]; then
          a=  # measured nothing (the server was too far behind, or bench failed): left out of the medians
          D[slowloris.$s.errors]="${D[slowloris.$s.errors]:-}${D[slowloris.$s.errors]:+, }round $round $([ $with = 1 ] && echo with || echo without): no reply measured"
        elif [ "$(json "$f" errors)" != 0 ]; then
          D[slowloris.$s.errors]="${D[slowloris.$s.errors]:-}${D[slowloris.$s.errors]:+, }round $round $([ $with = 1 ] && echo with || echo without): bench errors $(json "$f" errors)"
        fi
        D[slowloris.$s.$round.$with]=$a
        if [ $with = 1 ]; then
          wait "$apid" 2>/dev/null; forget "$apid"
          closed=$(json "$work/attack.$s.$round.json" closed)
          closeds[$s]="${closeds[$s]:-}${closeds[$s]:+ }${closed:-?}"
          [ -n "$a" ] && withss[$s]="${withss[$s]:-} $a"
          sleep 2
        else
          [ -n "$a" ] && withouts[$s]="${withouts[$s]:-} $a"
        fi
        say "  $s round $round $( [ $with = 1 ] && echo with || echo without) attackers: $(num "$(json "$f" requestsPerSecond)") req/s, p99 $(lat "$a")$([ $with = 1 ] && echo ", attackers closed ${closed:-?}")"
      done
    done
  done
  for s in sockeye epoll; do
    [ -n "${spid[$s]:-}" ] || continue
    stop "${spid[$s]}"
    read -r -a without <<< "${withouts[$s]:-}"
    read -r -a withs <<< "${withss[$s]:-}"
    read -r -a closed <<< "${closeds[$s]:-}"
    D[slowloris.$s.without]=$(median "${without[@]}")
    D[slowloris.$s.with]=$(median "${withs[@]}")
    D[slowloris.$s.ratio]=$(ratio "${D[slowloris.$s.with]}" "${D[slowloris.$s.without]}")
    D[slowloris.$s.closed]=${closed[*]}
  done
}

for section in single startup scaling relay slowloris; do
  has "$only" "$section" && "section_$section"
done

# ---------------------------------------------------------------------------------------------------------------
# the report

report() {
  local s sc k cols=() big
  big=$(num "$BIG_CONNS")
  for s in ${servers//,/ }; do [ "$s" != launcher ] && cols+=("$s"); done
  echo "<!-- bench/compare.sh output: begin -->"
  if has "$only" single || has "$only" startup; then
    echo "### One core each"
    echo
    echo "Server pinned to core 0, loadgen (../shared/bench) on core 1; 32 B CRLF echo, depth 1, ${SECS} s measured after a ${WARM} s warm-up; req/s (p99). The servers run side by side and take turns: each figure is the median of $SINGLE_ROUNDS round(s), and a ratio's two servers are measured seconds apart."
    echo
    printf '| |'; for s in "${cols[@]}"; do printf ' %s |' "$(label "$s")"; done; echo
    printf '|---|'; for s in "${cols[@]}"; do printf -- '---|'; done; echo
    row() { local title=$1 fn=$2; printf '| %s |' "$title"; for s in "${cols[@]}"; do printf ' %s |' "$($fn "$s")"; done; echo; }
    c50() { cell "single.$1.50:32"; }
    c1k() { cell "single.$1.1000:32"; }
    ckib() { cell "single.$1.50:1024"; }
    cbig() { cell "single.$1.$BIG_CONNS:32" p999 | sed 's/(/(p99.9 /'; }
    rbig() { local r=${D[single.$1.$BIG_CONNS:32.rss]:-}; [ -n "$r" ] && echo "$((r / 1024)) MiB" || echo "–"; }
    tl() { echo "${D[single.$1.listen]:-–}${D[single.$1.listen]:+ s} / ${D[startup.$1]:-–}${D[startup.$1]:+ s}"; }
    idle() { local r=${D[single.$1.idle]:-}; [ -n "$r" ] && echo "$((r / 1024)) MiB" || echo "–"; }
    row "50 conns" c50
    row "1,000 conns" c1k
    row "50 x 1 KiB" ckib
    row "$big conns, req/s (p99.9)" cbig
    row "RSS at $big conns (peak)" rbig
    row "to listening, pinned / 2 cores" tl
    row "idle RSS" idle
    echo
    if [ -n "${D[startup.launcher]:-}" ]; then
      echo "bin/sockeye to listening on two cores: ${D[startup.launcher]} s on Java $major17 (CDS archive)${D[startup.launcher25]:+, ${D[startup.launcher25]} s on Java $major25 (AOT cache)} (java -jar: ${D[startup.sockeye]:-–} s)."
      echo
    elif has "$only" startup; then
      echo "bin/sockeye: $([ -x "$repo/bin/sockeye" ] && echo "did not start" || echo "not in this checkout, not measured")."
    fi
    if has "$only" startup; then
      echo "The reference, the Spring Integration echo of ../shared/bench (peer-si.jar: Spring Boot with Spring Integration, web, actuator and Prometheus, which Sockeye is built on, with their defaults), to listening on two cores: ${D[startup.si-nio]:-–} s with java -jar on Java $major17${D[startup.si-aot]:+, ${D[startup.si-aot]} s extracted with an AOT cache on Java $major25 (as bin/sockeye starts Sockeye)}."
      echo
    fi
    if [ "$STARTS" -gt 1 ] && has "$only" startup; then
      echo "Two-core times are medians of $STARTS starts (taskset -c 0,1); pinned times are one start."
      echo
    fi
  fi
  if has "$only" scaling; then
    echo "### Two cores: one event loop against two"
    echo
    echo "Server allowed both cores (taskset -c 0,1), loadgen on core 1; $(num "${SCALE_SCEN%%:*}") connections, ${SCALE_SCEN##*:} B; req/s (p99)."
    echo
    echo "| | 1 loop | 2 loops | gain |"
    echo "|---|---|---|---|"
    echo "| Netty (peer-netty.jar PORT 1 / 2) | $(cell scaling.netty.1) | $(cell scaling.netty.2) | ${D[scaling.netty.gain]:-–}${D[scaling.netty.gain]:+x} |"
    if [ -n "${D[scaling.sockeye.unsupported]:-}" ]; then
      echo "| $(label sockeye) (io-threads=1 / 2) | not measured: this jar has no io-threads | | |"
    else
      echo "| $(label sockeye) (io-threads=1 / 2) | $(cell scaling.sockeye.1) | $(cell scaling.sockeye.2) | ${D[scaling.sockeye.gain]:-–}${D[scaling.sockeye.gain]:+x} |"
    fi
    echo
  fi
  if has "$only" relay; then
    echo "### Relay in front of the C echo"
    echo
    echo "C echo (peer_epoll) and loadgen on core 1, the relay on core 0; 50 connections, 32 B; req/s (p99)."
    echo
    echo "| relay | req/s (p99) | against HAProxy |"
    echo "|---|---|---|"
    echo "| HAProxy ${D[relay.haproxy.version]:-} (tcp mode, nbthread 1) | $(cell relay.haproxy) | 1 |"
    for s in sockeye sockeye25; do
      [ "$s" = sockeye25 ] && [ -z "$java25" ] && continue
      k=$(ratio "${D[relay.$s.rps]:-}" "${D[relay.haproxy.rps]:-}")
      echo "| $(label "$s" | sed 's/ nio/ relay/') | $(cell "relay.$s") | ${k:-–}${k:+x req/s, }$(ratio "${D[relay.$s.p99]:-}" "${D[relay.haproxy.p99]:-}")${k:+x p99} |"
    done
    echo
  fi
  if has "$only" slowloris; then
    echo "### Under $(num $ATTACKERS) slowloris clients"
    echo
    echo "bench (the jar's, open loop, $(num "$SLOWLORIS_RATE") req/s over 50 connections, ${SECS} s after ${SLOWLORIS_BENCH_WARM} s) and the attackers (bench/slowloris.c: a byte a second, no delimiter, reconnecting) on core 1, both servers on core 0, started together; after ${SLOWLORIS_WARMUP} s of unmeasured attack on each, the rounds alternate between them; medians of $ROUNDS round(s). Sockeye: message-timeout $MESSAGE_TIMEOUT; the C echo closes no attacker."
    echo
    echo "| server | p99 without | p99 with | with / without | attackers closed per round |"
    echo "|---|---|---|---|---|"
    for s in sockeye epoll; do
      echo "| $(label "$s" | sed 's/ nio//') | $(lat "${D[slowloris.$s.without]:-}") | $(lat "${D[slowloris.$s.with]:-}") | ${D[slowloris.$s.ratio]:-–}${D[slowloris.$s.ratio]:+x} | ${D[slowloris.$s.closed]:-–}${D[slowloris.$s.errors]:+; **${D[slowloris.$s.errors]}**} |"
    done
    echo
  fi

  echo "### Checks"
  echo
  if has "$only" single; then
    for s in sockeye sockeye25; do
      [[ ",$servers," == *",$s,"* ]] || continue
      local L n1 n2 n3 worst
      L=$(label "$s")
      check "$L: req/s at 50 conns / Netty's" "$(ratio "${D[single.$s.50:32.rps]:-}" "${D[single.netty.50:32.rps]:-}")" ">=" 0.8 \
        "$(round_ratios "$s" 50:32)"
      check "$L: req/s at 1,000 conns / Netty's" "$(ratio "${D[single.$s.1000:32.rps]:-}" "${D[single.netty.1000:32.rps]:-}")" ">=" 0.8 \
        "$(round_ratios "$s" 1000:32)"
      n1=$(round_ratios "$s" 50:1024) n2=$(floor_note 50:1024)
      check "$L: req/s at 50 x 1 KiB / Netty's" "$(ratio "${D[single.$s.50:1024.rps]:-}" "${D[single.netty.50:1024.rps]:-}")" ">=" 1 \
        "$n1${n1:+${n2:+; }}$n2"
      n1=$(ratio "${D[single.$s.50:32.p99]:-}" "${D[single.netty.50:32.p99]:-}")
      n2=$(ratio "${D[single.$s.1000:32.p99]:-}" "${D[single.netty.1000:32.p99]:-}")
      n3=$(ratio "${D[single.$s.50:1024.p99]:-}" "${D[single.netty.50:1024.p99]:-}")
      worst=
      [ -n "$n1" ] && [ -n "$n2" ] && [ -n "$n3" ] && worst=$(printf '%s\n' "$n1" "$n2" "$n3" | sort -g | tail -1)
      check "$L: p99 / Netty's, worst of 50, 1,000 and 50 x 1 KiB" "$worst" "<=" 2 "${n1:-–}x, ${n2:-–}x, ${n3:-–}x"
      k="single.$s.$BIG_CONNS:32"
      if [ -n "${D[$k.ok]:-}" ]; then
        CHECKS+=("- $([ "${D[$k.ok]}" = 1 ] && echo PASS || echo FAIL) $L: 0 errors at $big connections${D[$k.err]:+ (${D[$k.err]})}$([ -z "${D[$k.rps]:-}" ] && echo " (loadgen failed)")")
      else
        CHECKS+=("- SKIP $L: 0 errors at $big connections: not measured")
      fi
      check "$L: p99.9 at $big conns / Netty's" "$(ratio "${D[$k.p999]:-}" "${D[single.netty.$BIG_CONNS:32.p999]:-}")" "<=" 2 \
        "$(round_ratios "$s" "$BIG_CONNS:32" p999)"
      check "$L: RSS at $big conns / Netty's" "$(ratio "${D[$k.rss]:-}" "${D[single.netty.$BIG_CONNS:32.rss]:-}")" "<=" 1.5
    done
  fi
  if has "$only" startup; then
    check "To listening on two cores, java -jar on Java $major17" "${D[startup.sockeye]:-}" "<=" 4 \
      "the Spring Integration reference ${D[startup.si-nio]:-–} s" " s"
    check "To listening on two cores, bin/sockeye on Java ${major25:-$major17}" "${D[startup.launcher25]:-${D[startup.launcher]:-}}" "<=" 2 \
      "the Spring Integration reference with an AOT cache ${D[startup.si-aot]:-–} s" " s"
  fi
  if has "$only" scaling; then
    check "Two cores: Sockeye's gain from 1 to 2 loops / Netty's" "$(ratio "${D[scaling.sockeye.gain]:-}" "${D[scaling.netty.gain]:-}")" ">=" 0.8 \
      "$([ -n "${D[scaling.sockeye.unsupported]:-}" ] && echo "this jar has no io-threads" || echo "gains ${D[scaling.sockeye.gain]:-–}x and ${D[scaling.netty.gain]:-–}x")"
  fi
  if has "$only" relay; then
    for s in sockeye sockeye25; do
      [ "$s" = sockeye25 ] && [ -z "$java25" ] && continue
      check "Relay, $(label "$s"): req/s / HAProxy's" "$(ratio "${D[relay.$s.rps]:-}" "${D[relay.haproxy.rps]:-}")" ">=" 0.5
      check "Relay, $(label "$s"): p99 / HAProxy's" "$(ratio "${D[relay.$s.p99]:-}" "${D[relay.haproxy.p99]:-}")" "<=" 3
    done
  fi
  if has "$only" slowloris; then
    check "Slowloris: Sockeye's p99 ratio (with / without) / the C echo's" \
      "$(ratio "${D[slowloris.sockeye.ratio]:-}" "${D[slowloris.epoll.ratio]:-}")" "<=" 1.5 \
      "Sockeye ${D[slowloris.sockeye.ratio]:-–}x, C echo ${D[slowloris.epoll.ratio]:-–}x$(l=$(slowloris_rounds); echo "${l:+; $l}")"
  fi
  if [ ${#LOADGEN_ERRORS[@]} -eq 0 ]; then
    CHECKS+=("- PASS every loadgen run: 0 mismatches, 0 errors, 0 lost connections")
  else
    CHECKS+=("- FAIL loadgen runs with errors: $(IFS=';'; echo "${LOADGEN_ERRORS[*]}")")
  fi
  printf '%s\n' "${CHECKS[@]}"
  echo
  echo "### Stamp"
  echo
  echo "- Commit: $(git -C "$repo" rev-parse --short HEAD)$(git -C "$repo" diff --quiet HEAD -- src pom.xml 2>/dev/null || echo ' with local changes to src or pom.xml') ($(git -C "$repo" log -1 --format=%s)); jar $(basename "$jar"), built $(date -u -r "$jar" '+%Y-%m-%d %H:%M UTC')"
  echo "- Date: $started to $(date -u '+%H:%M UTC'); load average $load_start at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end"
  echo "- Machine: $(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), Linux $(uname -r)"
  echo "- JVMs: $JAVA: $(java_build "$JAVA") (Netty, bench, Sockeye Java $major17)${java25:+; $java25: $(java_build "$java25")}${SOCKEYE_JAVA_OPTS:+; Sockeye JVM options: $SOCKEYE_JAVA_OPTS}"
  echo "- Command: \`$command_line\`$([ $quick = 1 ] && echo " (quick: figures for checking the script only)")"
  echo "<!-- bench/compare.sh output: end -->"
}
if [ -n "$out" ]; then report | tee "$out"; else report; fi
say "done; logs in $work"
