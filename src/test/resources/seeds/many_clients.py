# Many seed-003 style clients at once, from threads as seed 003 does: each connects, sends its own message without a
# delimiter, recv(1024)s and checks the reply is its own. Prints "ok N" when all N replied correctly.
import socket
import sys
import threading

port, count = int(sys.argv[1]), int(sys.argv[2])
barrier = threading.Barrier(count)
failures = []

def client(i):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(30)
    try:
        s.connect(('localhost', port))
        barrier.wait()
        message = f"client {i}".encode()
        s.sendall(message)
        data = s.recv(1024)
        if data != message:
            failures.append((i, data))
    except Exception as e:
        failures.append((i, repr(e)))
    finally:
        s.close()

threads = [threading.Thread(target=client, args=(i,)) for i in range(count)]
for t in threads: t.start()
for t in threads: t.join()
print(f"ok {count}" if not failures else f"failed {len(failures)}: {failures[:5]}")
