# The clients of the seed differential tests. Runs one kind of client against each port given, at the same time, and
# prints one JSON line per port (in the order given) with what each client saw: the bytes it received and whether
# the server closed the connection ("closed": an end of stream or a reset) or left it open ("open": nothing more for
# QUIET seconds after the last byte).
#   python3 seed_clients.py KIND PORT [PORT...]
# KIND: message   sends "Hello, Server!" at once
#       silent    sends nothing
#       split     sends "Hello, " and, 100 ms later, "Server!"
#       halfclose sends nothing and closes its sending side
#       many      200 clients at once, each sending "client <i>"; prints the sorted list of what they saw
import json
import socket
import sys
import threading
import time

QUIET = 0.5
MANY = 200


def observe(sock, quiet):
    """Reads until the server closes, or until nothing has come for `quiet` seconds."""
    received = b''
    sock.settimeout(quiet)
    while True:
        try:
            data = sock.recv(4096)
        except socket.timeout:
            return received, 'open'
        except (ConnectionResetError, BrokenPipeError):
            return received, 'closed'
        if not data:
            return received, 'closed'
        received += data


def send(sock, data):
    try:
        sock.sendall(data)
    except (ConnectionResetError, BrokenPipeError):
        pass


def one(port, kind, message=b'Hello, Server!', quiet=QUIET):
    sock = socket.create_connection(('localhost', port), timeout=30)
    try:
        if kind == 'message':
            send(sock, message)
        elif kind == 'split':
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            send(sock, b'Hello, ')
            time.sleep(0.1)
            send(sock, b'Server!')
        elif kind == 'halfclose':
            sock.shutdown(socket.SHUT_WR)
        received, end = observe(sock, quiet)
        return {'bytes': received.decode('latin-1'), 'end': end}
    finally:
        sock.close()


def many(port):
    results = [None] * MANY
    barrier = threading.Barrier(MANY)

    def client(i):
        try:
            barrier.wait()
            # long enough for a server that takes one client at a time and a kernel that retries dropped connects
            results[i] = one(port, 'message', ('client %d' % i).encode(), quiet=2.0)
        except Exception as e:
            results[i] = {'error': repr(e)}

    threads = [threading.Thread(target=client, args=(i,)) for i in range(MANY)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(results, key=lambda r: json.dumps(r, sort_keys=True))


def run(kind, port):
    try:
        return many(port) if kind == 'many' else one(port, kind)
    except Exception as e:
        return {'error': repr(e)}


kind, ports = sys.argv[1], [int(p) for p in sys.argv[2:]]
outcomes = [None] * len(ports)
workers = [threading.Thread(target=lambda i=i: outcomes.__setitem__(i, run(kind, ports[i]))) for i in range(len(ports))]
for w in workers:
    w.start()
for w in workers:
    w.join()
for outcome in outcomes:
    print(json.dumps(outcome, sort_keys=True))
