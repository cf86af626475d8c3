#!/usr/bin/env python3
"""Time to listening: startup-time.py PORT -- COMMAND...

Starts COMMAND in its own process group, tries a TCP connect to 127.0.0.1:PORT every 20 ms, prints the seconds to the
first accepted connection and the user+system CPU the command used until then, and kills the group.
See docs/performance.md, "Start-up".
"""
import os
import signal
import socket
import subprocess
import sys
import time

port = int(sys.argv[1])
command = sys.argv[3:] if sys.argv[2] == "--" else sys.argv[2:]
log = open(os.environ.get("STARTUP_LOG", os.devnull), "w")
start = time.monotonic()
process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
listening = False
while time.monotonic() - start < 120 and process.poll() is None:
    with socket.socket() as probe:
        probe.settimeout(0.2)
        try:
            probe.connect(("127.0.0.1", port))
            listening = True
            break
        except OSError:
            pass
    time.sleep(0.02)
elapsed = time.monotonic() - start
if process.poll() is None:
    os.killpg(process.pid, signal.SIGKILL)
    _, _, usage = os.wait4(process.pid, 0)
    cpu = f"{usage.ru_utime + usage.ru_stime:.1f}"
else:
    cpu = "?"
print(f"{elapsed:.2f} s cpu {cpu} s" if listening else f"FAILED after {elapsed:.2f} s (exit {process.returncode})")
sys.exit(0 if listening else 1)
