"""The dashboard's job queue: bounded per tab and in all, limits on job size, per-job cancel, and a
worker that neither outlives the server nor keeps it from stopping. Jobs are started with raw HTTP
requests to the callback endpoint (helpers in ``dashboard_server.py``), as a hostile page could."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest
from dashboard_server import Dash, alive, descendants, job_of, message, start_server, stop_server

from defection import scenarios
from defection.dashboard.jobs import MAX_ACTIVE_JOBS, MAX_AGENT_DAYS, MAX_AGENTS

# a job that runs for minutes on one core (1.8e9 agent-days, under the limit): it is always cancelled
LONG = {"run__days": 700, "seeds": 20}
SHORT = {"run__days": 20, "seeds": 1}

SERVER = """
import sys, time
from defection.dashboard.jobs import JobManager
jobs = JobManager()
jobs.warm()
print(*jobs.worker_pids(), flush=True)
time.sleep(600)
"""


@pytest.fixture
def jobs(served):
    """(tab, job) pairs a test started; cancelled afterwards so the next test finds the queue empty."""
    started: list[tuple[str, int]] = []
    yield started
    for tab, job in started:
        served["dash"].cancel(tab, job)
    for tab, job in started:
        served["dash"].wait_for(tab, job, ("Finished", "Cancelled", "Failed"))


def _start(dash: Dash, started: list, tab: str, **levers) -> int:
    response = dash.start(tab, **levers)
    job = job_of(response)
    assert job is not None, message(response)
    started.append((tab, job))
    return job


def test_worker_exits_when_the_server_is_killed():
    server = subprocess.Popen([sys.executable, "-c", SERVER], stdout=subprocess.PIPE, text=True)
    try:
        workers = [int(p) for p in server.stdout.readline().split()]
        assert len(workers) == 1 and alive(workers[0])
        os.kill(server.pid, signal.SIGKILL)  # no shutdown code runs in the server
        server.wait(10)
        deadline = time.monotonic() + 20
        while alive(workers[0]) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not alive(workers[0]), "the worker outlived the server"
    finally:
        if server.poll() is None:
            server.kill()


def test_one_job_per_tab_and_a_bounded_queue(served, jobs):
    dash = served["dash"]
    first = _start(dash, jobs, "tab-1", **LONG)
    again = dash.start("tab-1", **SHORT)  # the page's own check is bypassed: the server refuses
    assert job_of(again) is None and f"job #{first}" in message(again) and "one job at a time" in message(again)
    for k in range(2, MAX_ACTIVE_JOBS + 1):
        _start(dash, jobs, f"tab-{k}", **LONG)
    over = dash.start("tab-extra", **SHORT)
    assert job_of(over) is None, "a job beyond the server's limit was queued"
    assert f"limit ({MAX_ACTIVE_JOBS})" in message(over)
    dash.wait_for("tab-1", first, ("Running",))
    assert all(dash.status(tab, job)[0] == "Waiting for the worker" for tab, job in jobs[1:])


def test_a_job_over_the_limits_is_refused_stating_the_limit(served, jobs):
    dash = served["dash"]
    text = scenarios.source_text("myanmar-2021")[0]
    text = text.replace("scale = 1000 ", "scale = 1 ").replace("n_officers = 80000 ", "n_officers = 2000000 ")
    status, body = dash.upload(text, filename="huge.toml")
    assert status == 200, body
    store = json.loads(body)["response"]["scenario-store"]["data"]  # a valid scenario: accepted as data
    assert "scale = 1 " in store["toml"]
    response = dash.start("huge", store=store, **SHORT)
    assert job_of(response) is None, "a run of 53 million agents was queued"
    assert f"{MAX_AGENTS:,} agents" in message(response), message(response)
    # the same limit holds for a comparison whose setting the page never offered
    response = dash.start("huge-b", compare=({"overrides": {}}, {"overrides": {"force.paramilitary_share": 0.3}}),
                          store=store, **SHORT)
    assert job_of(response) is None and f"{MAX_AGENTS:,}" in message(response, "compare-message")
    # many seeds x many days of the default scenario: over the agent-days budget
    response = dash.start("long", run__days=3650, seeds=50)
    assert job_of(response) is None and f"{MAX_AGENT_DAYS:,}" in message(response), message(response)
    assert dash.status("huge", None)[0] == "unknown"


def test_cancel_stops_that_job_only(served, jobs):
    dash = served["dash"]
    a = _start(dash, jobs, "tab-a", **LONG)
    dash.wait_for("tab-a", a, ("Running",))
    b = _start(dash, jobs, "tab-b", **LONG)
    c = _start(dash, jobs, "tab-c", **SHORT)
    dash.cancel("tab-b", b)  # queued: dropped
    assert dash.status("tab-b", b)[0] == "Cancelled"
    dash.cancel("tab-b", a)  # another tab's job: not this tab's to cancel
    dash.cancel("tab-c", a)
    state, before = dash.wait_for("tab-a", a, ("Running",))
    deadline = time.monotonic() + 60
    while (after := dash.status("tab-a", a)) == ("Running", before) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert after[0] == "Running" and after[1] > before, f"cancelling other jobs stopped job A: {after}"
    assert dash.status("tab-c", c)[0] == "Waiting for the worker"

    dash.cancel("tab-a", a)  # running: stopped within a simulated day, then C runs on the one worker
    state, stopped_at = dash.wait_for("tab-a", a, ("Cancelled", "Finished", "Failed"), timeout=30)
    assert state == "Cancelled"
    assert dash.wait_for("tab-c", c, ("Finished", "Failed", "Cancelled"))[0] == "Finished"
    assert dash.status("tab-a", a) == ("Cancelled", stopped_at)
    assert dash.status("tab-b", b)[0] == "Cancelled"
    # results belong to their job and their tab
    response = dash.call("results-body.children", "result-store.data",
                         {"result-store.data": c, "lang.value": "en", "tab-id.data": "tab-c"})
    assert f'"data-job":"{c}"' in response[1], response[1][:300]
    response = dash.call("results-body.children", "result-store.data",
                         {"result-store.data": c, "lang.value": "en", "tab-id.data": "tab-a"})
    assert "data-job" not in response[1]


def test_ctrl_c_during_a_job_stops_server_and_worker_within_5_s(tmp_path):
    proc, port, log = start_server(tmp_path)
    try:
        dash = Dash(port)
        job = job_of(dash.start("tab", **LONG))
        dash.wait_for("tab", job, ("Running",))
        children = descendants(proc.pid)
        assert children, "no worker process found"
        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal does: the whole process group
        proc.wait(timeout=5)
        deadline = time.monotonic() + 2
        while any(alive(p) for p in children) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not [p for p in children if alive(p)], "a worker outlived the server"
        text = log.read_text(errors="replace")
        assert "Traceback" not in text and "KeyboardInterrupt" not in text, text
        assert proc.returncode == 0, text
    finally:
        stop_server(proc)
