"""The dashboard's background worker does not outlive the server that started it."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

SERVER = """
import sys, time
from defection.dashboard.jobs import JobManager
jobs = JobManager()
jobs.warm()
print(*jobs._executor()._processes, flush=True)
time.sleep(600)
"""


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"  # a zombie has exited
    except FileNotFoundError:
        return False


def test_worker_exits_when_the_server_is_killed():
    server = subprocess.Popen([sys.executable, "-c", SERVER], stdout=subprocess.PIPE, text=True)
    try:
        workers = [int(p) for p in server.stdout.readline().split()]
        assert len(workers) == 1 and _alive(workers[0])
        os.kill(server.pid, signal.SIGKILL)  # no shutdown code runs in the server
        server.wait(10)
        deadline = time.monotonic() + 20
        while _alive(workers[0]) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _alive(workers[0]), "the worker outlived the server"
    finally:
        if server.poll() is None:
            server.kill()
