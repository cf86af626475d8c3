#!/usr/bin/env python3
"""Measures Sockeye's defences against hostile clients, on real sockets, and prints the figures.

Starts the jar (./mvnw package -DskipTests first) with three listeners, then, in order:
  slowloris   bench p99 (open loop, 20,000 req/s over 50 connections) without and with 1,000 slowloris clients (a byte a second, no delimiter,
              reconnecting when closed; bench/slowloris.c, built with gcc); how long after its first byte each attacker
              was closed. ATTACK_MODE=burst connects them all at once (default spread), ROUNDS=n (default 3),
              ATTACK_CORE=0 puts the attacker on the server's core (default 1, the load generator's); first an
              unmeasured attack under load, WARM_UP_SECONDS long (default 60), so that the JIT has compiled its paths;
              each bench warms up for 10 s, and each round's attackers outlast it, so that their exit is not measured.
              Then the same rounds against reference servers of ../shared/bench (REFERENCES, default "epoll netty";
              built by its build.sh into BENCH_BIN, default /tmp/sockeye-bench), which close no attacker, and the
              ratios side by side
  oversize    10 MB without a delimiter and a 4-byte length header claiming 2 GB: time from crossing the limit to
              the close, heap after GC before and after, a bystander's worst echo latency meanwhile
  deaf        a client that writes requests and never reads: bytes it got in, server RSS/heap, time to its close
  handshakes  1,000 TCP connections to the TLS listener that never handshake: time to their close
  hold        10,000 idle connections held, then served by bench: RSS and heap per connection
  sigterm     SIGTERM during bench with 500 connections: replies lost, readiness before the listener closed, exit
              (on a fresh server, so that its counts are the bench's alone)
Usage: bench/defences.py [step ...]   (default: all, in that order)
Pins the server to core 0 and the clients to core 1 (taskset). Traffic stays on 127.0.0.1. The server runs with
-Xmx512m and then SERVER_JAVA_OPTS (e.g. SERVER_JAVA_OPTS='-Xmx4g -Xmn2g').
"""
import glob
import json
import os
import re
import select
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
JAR = sorted(glob.glob(os.path.join(HERE, 'target', 'sockeye-*.jar')))[0]
TLS = os.path.join(HERE, 'src', 'test', 'resources', 'tls')
LINE, LENGTH, SECURE = 18901, 18902, 18903
MESSAGE_TIMEOUT, WRITE_TIMEOUT, HANDSHAKE_TIMEOUT = 5, 5, 5
WARM_UP_SECONDS = int(os.environ.get('WARM_UP_SECONDS', '60'))
BENCH_WARM_UP = 10
SERVER_JAVA_OPTS = os.environ.get('SERVER_JAVA_OPTS', '').split()
LIMIT = 64 * 1024
LOG = '/tmp/sockeye-defences.log'
SHARED_BENCH = os.environ.get('SHARED_BENCH', os.path.join(HERE, '..', 'shared', 'bench'))
BENCH_BIN = os.environ.get('BENCH_BIN', '/tmp/sockeye-bench')
REFERENCE_PORT = 18904


def start_server():
    args = ['taskset', '-c', '0', 'java', '-Xmx512m', *SERVER_JAVA_OPTS, '-jar', JAR, '--server.port=18980',
            '--logging.level.org.springframework.boot.availability=DEBUG',
            f'--spring.ssl.bundle.pem.server.keystore.certificate=file:{TLS}/server.crt',
            f'--spring.ssl.bundle.pem.server.keystore.private-key=file:{TLS}/server.key']
    for name, port, extra in (('line', LINE, []), ('length', LENGTH, ['framing=length-header-4']),
                              ('secure', SECURE, ['tls.bundle=server'])):
        args += [f'--sockeye.listeners.{name}.port={port}',
                 f'--sockeye.listeners.{name}.message-timeout={MESSAGE_TIMEOUT}s',
                 f'--sockeye.listeners.{name}.write-timeout={WRITE_TIMEOUT}s',
                 f'--sockeye.listeners.{name}.handshake-timeout={HANDSHAKE_TIMEOUT}s',
                 f'--sockeye.listeners.{name}.max-connections=20000',
                 f'--sockeye.listeners.{name}.max-connections-per-client=0']
        args += [f'--sockeye.listeners.{name}.{e}' for e in extra]
    return accepting(subprocess.Popen(args, stdout=open(LOG, 'w'), stderr=subprocess.STDOUT), SECURE,
                     'server did not start; see ' + LOG)


def accepting(process, port, failure):
    """Waits up to 30 s for the process to accept connections on the port; exits with the failure otherwise."""
    for _ in range(300):
        try:
            socket.create_connection(('127.0.0.1', port), timeout=1).close()
            return process
        except OSError:
            time.sleep(0.1)
    process.terminate()
    raise SystemExit(failure)


def jcmd(pid, *command):
    return subprocess.run(['jcmd', str(pid), *command], capture_output=True, text=True).stdout


def heap_after_gc_kib(pid):
    jcmd(pid, 'GC.run')
    info = jcmd(pid, 'GC.heap_info')
    # Serial/Parallel print a line per generation, G1 one for the heap
    return sum(int(used) for used in re.findall(r'(?:generation|heap|PSYoungGen|ParOldGen)\s+total \d+K, used (\d+)K', info))


def rss_mib(pid):
    with open(f'/proc/{pid}/status') as status:
        return int(re.search(r'VmRSS:\s+(\d+)', status.read()).group(1)) / 1024


def threads(pid):
    with open(f'/proc/{pid}/status') as status:
        return int(re.search(r'Threads:\s+(\d+)', status.read()).group(1))


def bench(port, *options, seconds=20, connections=50, warmup=3):
    with tempfile.NamedTemporaryFile(suffix='.json') as out:
        run = subprocess.run(['taskset', '-c', '1', 'java', '-jar', JAR, 'bench', '--port', str(port),
                              '--connections', str(connections), '--duration', f'{seconds}s', '--warmup', f'{warmup}s',
                              '--connect-timeout', '30s', '--json', out.name, *options],
                             capture_output=True, text=True)
        try:
            return json.load(open(out.name)), run
        except ValueError:
            return None, run


def ready(readers, writers=(), timeout=0.5):
    """select() without its 1,024-descriptor limit: the readable and the writable sockets."""
    poller, by_fd = select.poll(), {}
    for sock in readers:
        by_fd[sock.fileno()] = sock
        poller.register(sock, select.POLLIN)
    for sock in writers:
        by_fd[sock.fileno()] = sock
        poller.register(sock, select.POLLOUT | (select.POLLIN if sock in readers else 0))
    readable, writable = [], []
    for fd, events in poller.poll(timeout * 1000):
        if events & (select.POLLIN | select.POLLHUP | select.POLLERR):
            readable.append(by_fd[fd])
        if events & select.POLLOUT:
            writable.append(by_fd[fd])
    return readable, writable, []


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))] if values else float('nan')


class Bystander(threading.Thread):
    """Echoes a line every 10 ms on its own connection; records the worst round trip."""

    def __init__(self, port):
        super().__init__(daemon=True)
        self.port, self.stop, self.worst, self.count, self.errors = port, False, 0.0, 0, 0

    def run(self):
        s = socket.create_connection(('127.0.0.1', self.port))
        s.settimeout(5)
        while not self.stop:
            start = time.monotonic()
            try:
                s.sendall(b'still here\r\n')
                got = b''
                while len(got) < 12:
                    got += s.recv(12 - len(got))
                self.worst = max(self.worst, time.monotonic() - start)
                self.count += 1
            except OSError:
                self.errors += 1
                s = socket.create_connection(('127.0.0.1', self.port))
                s.settimeout(5)
            time.sleep(0.01)


def time_to_close(sock, payload_chunks, limit_index):
    """Sends the chunks without blocking on the server; returns seconds from crossing the limit to the close."""
    sock.setblocking(False)
    crossed, sent, chunks = None, 0, iter(payload_chunks)
    pending = next(chunks, None)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        readable, writable, _ = ready([sock], [sock] if pending else [])
        if readable:
            try:
                if not sock.recv(65536):
                    break
            except OSError:
                break
        if writable and pending:
            try:
                n = sock.send(pending)
            except OSError:
                break
            sent += n
            if crossed is None and sent > limit_index:
                crossed = time.monotonic()
            pending = pending[n:] or next(chunks, None)
    closed = time.monotonic()
    sock.close()
    return closed - (crossed or closed), sent


def slowloris_attacker():
    """Compiles bench/slowloris.c: an epoll attacker using ~3% of a core, so it hardly competes with the bench."""
    binary = '/tmp/sockeye-slowloris'
    source = os.path.join(HERE, 'bench', 'slowloris.c')
    if not os.path.exists(binary) or os.path.getmtime(binary) < os.path.getmtime(source):
        subprocess.run(['gcc', '-O2', '-o', binary, source], check=True)
    return binary


def step_slowloris(server):
    mode = os.environ.get('ATTACK_MODE', 'spread')
    print(f'\n## slowloris: 1,000 clients ({mode}), a byte a second, message-timeout {MESSAGE_TIMEOUT}s')
    ratios = {'sockeye': slowloris_rounds(LINE, mode)}
    # the same rounds against reference servers of ../shared/bench, which close no attacker: what this machine's
    # shared cores and loopback cost the bench under the attack, whatever the server does
    for name in os.environ.get('REFERENCES', 'epoll netty').split():
        reference = start_reference(name)
        try:
            print(f'  reference {name}: {" ".join(reference.args[3:])}')
            ratios[name] = slowloris_rounds(REFERENCE_PORT, mode)
        finally:
            reference.terminate()
            reference.wait()
    print('  p99 with / without attackers (medians), same run: '
          + ', '.join(f'{name} {ratio:.3f}' for name, ratio in ratios.items()))


def start_reference(name):
    """Starts a reference server of ../shared/bench (built by its build.sh) on REFERENCE_PORT, pinned to core 0."""
    if not os.path.exists(os.path.join(BENCH_BIN, 'peer_epoll')):
        subprocess.run([os.path.join(SHARED_BENCH, 'build.sh')], check=True, stdout=subprocess.DEVNULL)
    command = {'epoll': [os.path.join(BENCH_BIN, 'peer_epoll'), str(REFERENCE_PORT)],
               'netty': ['java', '-Xmx512m', '-jar', os.path.join(BENCH_BIN, 'peer-netty.jar'), str(REFERENCE_PORT),
                         '1']}[name]
    return accepting(subprocess.Popen(['taskset', '-c', '0', *command], stdout=subprocess.DEVNULL,
                                      stderr=subprocess.STDOUT), REFERENCE_PORT, f'reference {name} did not start')


def slowloris_rounds(port, mode):
    """Bench p99 without and with the attack, ROUNDS times; returns the ratio of the medians."""
    attacker, seconds = slowloris_attacker(), 15

    def attack(for_seconds, output):
        return subprocess.Popen(['taskset', '-c', os.environ.get('ATTACK_CORE', '1'), attacker, '127.0.0.1', str(port),
                                 '1000', str(for_seconds), '1000', mode], stdout=output, text=True)
    results = {'without': [], 'with': []}
    # an unmeasured minute of attack and load first, as a server in service has seen: until the JIT has compiled the
    # accept, read and close paths, its compilations share the server's only core (measured with JFR and
    # async-profiler: C2 compiles of 110-666 ms each, and the C2 thread still busier than the I/O thread a minute into
    # an attack)
    warmup = attack(WARM_UP_SECONDS + 4, subprocess.DEVNULL)
    bench(port, '--rate', '20000', seconds=WARM_UP_SECONDS)
    warmup.wait()
    for round_ in range(int(os.environ.get('ROUNDS', '3'))):
        for with_attack in (False, True):
            attack_run = None
            if with_attack:
                # outlasts the bench (its JVM's start, warm-up and run), so that the attackers' exit, 1,000 closes at
                # once, falls outside the measurement
                attack_run = attack(2 + 1 + BENCH_WARM_UP + seconds + 3, subprocess.PIPE)
                time.sleep(2)
            # the bench's own JVM needs its warm-up too: its JIT compiles on the core it measures from
            report, run = bench(port, '--rate', '20000', seconds=seconds, warmup=BENCH_WARM_UP)
            label = 'with' if with_attack else 'without'
            if attack_run:
                result = json.loads(attack_run.communicate()[0])
                time.sleep(2)
                life = result['lifetimeMillis']
                lived = (f', life after first byte: min {life["min"] / 1000:.2f}s p99 {life["p99"] / 1000:.2f}s max '
                         f'{life["max"] / 1000:.2f}s (limit {MESSAGE_TIMEOUT + 1}s)') if result['closed'] else ''
                print(f'  round {round_ + 1} attackers closed: {result["closed"]}{lived}, still open at the end: '
                      f'{result["stillOpen"]}; connect failures {result["connectFailures"]}')
            latency = report['latencyMicros']
            results[label].append(latency['p99'])
            print(f'  round {round_ + 1} bench {label} attackers: {report["requestsPerSecond"]:.0f} req/s, p50 '
                  f'{latency["p50"]} us, p99 {latency["p99"]} us, errors {report["errors"]}')
    return statistics.median(results['with']) / statistics.median(results['without'])


def step_oversize(server):
    print(f'\n## oversize: max-message-size {LIMIT} bytes')
    before = heap_after_gc_kib(server.pid)
    bystander = Bystander(LINE)
    bystander.start()
    time.sleep(0.5)
    delays = []
    for _ in range(10):
        chunk = b'y' * 65536
        delay, sent = time_to_close(socket.create_connection(('127.0.0.1', LINE)), [chunk] * 160, LIMIT)
        delays.append(delay)
    print(f'  10 MB without a delimiter, 10 connections: closed {max(delays) * 1000:.1f} ms at most after the client'
          f' crossed the limit (median {statistics.median(delays) * 1000:.1f} ms)')
    delays = []
    for _ in range(10):
        delay, sent = time_to_close(socket.create_connection(('127.0.0.1', LENGTH)),
                                    [struct.pack('>i', 0x7fffffff) + b'z' * 1024], 3)
        delays.append(delay)
    print(f'  length header claiming 2 GB, 10 connections: closed {max(delays) * 1000:.1f} ms at most after the'
          f' header (median {statistics.median(delays) * 1000:.1f} ms)')
    bystander.stop = True
    bystander.join()
    after = heap_after_gc_kib(server.pid)
    print(f'  heap after GC: {before} KiB before, {after} KiB after ({after - before:+d} KiB)')
    print(f'  bystander: {bystander.count} echoes, worst {bystander.worst * 1000:.1f} ms, errors {bystander.errors}')


def sent_bytes():
    """The server's tcp_server_sent_bytes_total for the line listener, from its Prometheus endpoint."""
    import urllib.request
    text = urllib.request.urlopen('http://127.0.0.1:18980/actuator/prometheus', timeout=5).read().decode()
    return float(re.search(r'tcp_server_sent_bytes_total\{[^}]*listener="line"[^}]*\} (\S+)', text).group(1))


def deaf_client(server, until_blocked):
    """Writes requests and never reads. With until_blocked, stops writing once the server's replies stop leaving
    (its sent-bytes counter stands still), so that only a little waits in its queue; otherwise floods."""
    s = socket.create_connection(('127.0.0.1', LINE))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.setblocking(False)
    burst = (b'a' * 1022 + b'\r\n') * 64
    written, peak_rss, stopped_at, last_sent, still_since = 0, rss_mib(server.pid), None, -1.0, None
    start = time.monotonic()
    while time.monotonic() - start < 60:
        if stopped_at is None:
            if still_since is None:
                try:
                    written += s.send(burst)
                except BlockingIOError:
                    pass
                except OSError:
                    break
            if until_blocked:
                time.sleep(0.05)
                now_sent = sent_bytes()
                if now_sent != last_sent:
                    still_since = None
                elif still_since is None:
                    still_since = time.monotonic()
                # stopped once the replies have stood still for 250 ms without more requests: a pause of the
                # server's own (a GC, say) is not the client's socket filling up
                elif time.monotonic() - still_since >= 0.25:
                    stopped_at = still_since
                last_sent = now_sent
        else:
            time.sleep(0.05)
        peak_rss = max(peak_rss, rss_mib(server.pid))
        readable, _, _ = ready([s], timeout=0)
        if readable and s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR):
            break
        try:
            s.send(b'') if stopped_at is not None else None
        except OSError:
            break
        if stopped_at is not None and probe_closed(s):
            break
    closed = time.monotonic()
    s.close()
    return written, closed - start, (closed - stopped_at) if stopped_at else None, peak_rss


def probe_closed(sock):
    """True once the server has closed: a peek past the unread replies is not possible, so ask the kernel."""
    import fcntl
    info = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 8)
    return info[0] in (7, 8, 9)  # TCP_CLOSE, TCP_CLOSE_WAIT, TCP_LAST_ACK


def step_deaf(server):
    print(f'\n## a client that never reads: write-timeout {WRITE_TIMEOUT}s, reply backlog bound 256 KiB')
    before_rss, before_heap = rss_mib(server.pid), heap_after_gc_kib(server.pid)
    written, life, _, peak = deaf_client(server, False)
    print(f'  flooding: wrote {written / 1e6:.1f} MB, closed after {life:.1f} s; server RSS {before_rss:.0f} MiB'
          f' before, {peak:.0f} MiB at most')
    print('    ' + (grep(r"does not read its replies") or 'no backlog line in the log')[-150:])
    written, life, after_stop, peak = deaf_client(server, True)
    print(f'  writing until the replies stop leaving, then holding: wrote {written / 1e6:.1f} MB, closed '
          f'{after_stop:.1f} s after it stopped writing; server RSS {peak:.0f} MiB at most')
    time.sleep(1)
    print('    ' + (grep(r"closed \d+ connection\(s\) on timeouts") or 'no timeout line in the log')[-170:])
    print(f'  heap after GC: {before_heap} KiB before, {heap_after_gc_kib(server.pid)} KiB after')


def step_handshakes(server):
    print(f'\n## 1,000 stalled TLS handshakes: handshake-timeout {HANDSHAKE_TIMEOUT}s')
    socks = []
    opened = {}
    for _ in range(1000):
        s = socket.create_connection(('127.0.0.1', SECURE))
        opened[s] = time.monotonic()
        socks.append(s)
    lives = []
    pending = set(socks)
    deadline = time.monotonic() + HANDSHAKE_TIMEOUT + 10
    while pending and time.monotonic() < deadline:
        readable, _, _ = ready(list(pending))
        for s in readable:
            try:
                data = s.recv(1024)
            except OSError:
                data = b''
            if not data:
                lives.append(time.monotonic() - opened[s])
                pending.discard(s)
                s.close()
    print(f'  closed {len(lives)} of 1000; life min {min(lives):.2f}s, p99 {percentile(lives, 0.99):.2f}s, max '
          f'{max(lives):.2f}s (limit {HANDSHAKE_TIMEOUT + 1}s); still open {len(pending)}')
    for s in pending:
        s.close()
    good = subprocess.run(['openssl', 's_client', '-connect', f'127.0.0.1:{SECURE}', '-CAfile', f'{TLS}/ca.crt',
                           '-servername', 'localhost', '-brief', '-verify_return_error'],
                          input=b'hello\r\n', capture_output=True, timeout=20)
    summary = [line for line in good.stderr.decode().splitlines() + good.stdout.decode().splitlines()
               if 'Protocol' in line or 'Verification' in line or 'hello' in line]
    print(f'  openssl s_client afterwards: exit {good.returncode}; {"; ".join(summary)}')


def step_hold(server):
    print('\n## 10,000 connections held, each served, then bench over 10,000 connections')
    time.sleep(1)
    base_rss, base_heap, base_threads = rss_mib(server.pid), heap_after_gc_kib(server.pid), threads(server.pid)
    held = []
    for _ in range(10000):
        held.append(socket.create_connection(('127.0.0.1', LINE)))
    served = 0
    for s in held:
        s.sendall(b'hello\r\n')
    for s in held:
        s.settimeout(10)
        got = b''
        while len(got) < 7:
            got += s.recv(7 - len(got))
        served += got == b'hello\r\n'
    time.sleep(1)
    rss, heap, count = rss_mib(server.pid), heap_after_gc_kib(server.pid), threads(server.pid)
    print(f'  {len(held)} open, {served} echoed: RSS {base_rss:.0f} -> {rss:.0f} MiB'
          f' ({(rss - base_rss) * 1024 * 1024 / 10000:.0f} B per connection), heap after GC {base_heap} -> {heap} KiB'
          f' ({(heap - base_heap) * 1024 / 10000:.0f} B per connection), threads {base_threads} -> {count}')
    for s in held:
        s.close()
    time.sleep(2)
    report, run = bench(LINE, seconds=10, connections=10000)
    after_rss, after_heap = rss_mib(server.pid), heap_after_gc_kib(server.pid)
    print(f'  bench 10,000 connections: {report["requestsPerSecond"]:.0f} req/s, p99 '
          f'{report["latencyMicros"]["p99"]} us, errors {report["errors"]}, lost {report["connectionsLost"]}; RSS'
          f' after {after_rss:.0f} MiB, heap after GC {after_heap} KiB')


def grep(pattern):
    with open(LOG) as log:
        lines = [line.strip() for line in log if re.search(pattern, line)]
    return lines[-1] if lines else None


def step_sigterm(server):
    print('\n## SIGTERM during bench with 500 connections')
    out = tempfile.NamedTemporaryFile(suffix='.json')
    load = subprocess.Popen(['taskset', '-c', '1', 'java', '-jar', JAR, 'bench', '--port', str(LINE),
                             '--connections', '500', '--duration', '20s', '--warmup', '0s', '--json', out.name],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    time.sleep(8)
    signalled = time.monotonic()
    server.send_signal(signal.SIGTERM)
    code = server.wait(timeout=60)
    exited = time.monotonic() - signalled
    output, _ = load.communicate(timeout=60)
    with open(LOG) as log:
        lines = log.read().splitlines()
    readiness = next((i for i, line in enumerate(lines) if 'REFUSING_TRAFFIC' in line), None)
    closed = next((i for i, line in enumerate(lines) if "stopped:" in line and "'line'" in line), None)
    print(f'  server exited with {code} {exited:.2f} s after SIGTERM (drain-timeout 30s)')
    print(f'  log: readiness REFUSING_TRAFFIC at line {readiness}, listener stopped at line {closed}')
    for index in (readiness, closed):
        if index is not None:
            print('    ' + lines[index].strip()[:220])
    stopped = re.search(r'(\d+) messages received, (\d+) sent', lines[closed]) if closed is not None else None
    if stopped:
        print(f'  server: {stopped.group(1)} requests read, {stopped.group(2)} replies written, lost '
              f'{int(stopped.group(1)) - int(stopped.group(2))}')
    tail = [line for line in output.splitlines() if re.search(r'requests|replies|errors|lost|closed', line)]
    print('  bench: ' + ' | '.join(tail[-6:]))


STEPS = {'slowloris': step_slowloris, 'oversize': step_oversize, 'deaf': step_deaf,
         'handshakes': step_handshakes, 'hold': step_hold, 'sigterm': step_sigterm}

if __name__ == '__main__':
    chosen = sys.argv[1:] or list(STEPS)
    server = start_server()
    try:
        time.sleep(3)
        print(f'server pid {server.pid}: RSS {rss_mib(server.pid):.0f} MiB, threads {threads(server.pid)}')
        for name in chosen:
            if name == 'sigterm' and name != chosen[0]:
                server.terminate()
                server.wait()
                server = start_server()
                time.sleep(3)
            STEPS[name](server)
    finally:
        if server.poll() is None:
            server.terminate()
            server.wait()
