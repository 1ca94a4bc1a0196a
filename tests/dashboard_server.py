"""Start `defection serve` and speak raw HTTP to it, as a browser (or a hostile page) would.

Shared by the dashboard's security, job-queue and browser tests: each writes the JSON that a
browser would POST to Dash's callback endpoint, ``/_dash-update-component``, so the server is
tested on what it enforces, not on what the page happens to send.
"""
from __future__ import annotations

import base64
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from common import default_sigint

from defection import scenarios
from defection.dashboard.layout import ALL_KEYS, SWITCH_KEYS, lever_values

PATTERN_KEYS = {"lever-input": ALL_KEYS, "lever-slider": ALL_KEYS, "switch": SWITCH_KEYS}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"  # a zombie has exited
    except FileNotFoundError:
        return False


def descendants(pid: int) -> list[int]:
    """Every live descendant of ``pid`` (the worker and multiprocessing's resource tracker)."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    parents[int(entry)] = int(fh.read().split(")")[-1].split()[1])
            except (FileNotFoundError, ProcessLookupError, IndexError):
                pass
    found, frontier = [], [pid]
    while frontier:
        kids = [p for p, pp in parents.items() if pp in frontier]
        found += kids
        frontier = kids
    return [p for p in found if alive(p)]


def job_worker(server_pid: int) -> int:
    """The server's worker: multiprocessing's spawned child (the resource tracker is not it)."""
    workers = [p for p in descendants(server_pid) if b"spawn_main" in Path(f"/proc/{p}/cmdline").read_bytes()]
    assert len(workers) == 1, workers
    return workers[0]


def start_server(tmp: Path, *args: str) -> tuple[subprocess.Popen, int, Path]:
    """``defection serve`` on a free port in its own process group; (process, port, stderr log)."""
    port = free_port()
    exe = Path(sys.executable).with_name("defection")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "defection.cli"]
    log = tmp / f"serve-{port}.log"
    with open(log, "wb") as err:
        proc = subprocess.Popen([*cmd, "serve", "--port", str(port), *args], stdout=err, stderr=subprocess.STDOUT,
                                env={**os.environ, "NUMBA_NUM_THREADS": "1"}, start_new_session=True,
                                preexec_fn=default_sigint)
    deadline = time.monotonic() + 90
    while True:
        try:
            if request(port, "GET", "/")[0] == 200:
                return proc, port, log
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"defection serve did not start:\n{log.read_text(errors='replace')}")
        time.sleep(0.3)


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)


def request(port: int, method: str, path: str, body: bytes | None = None, host: str | None = None,
            headers: dict | None = None) -> tuple[int, str]:
    """One raw HTTP request; ``host`` overrides the Host header."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        conn.putheader("Host", f"127.0.0.1:{port}" if host is None else host)
        for key, value in {**(headers or {}), **({"Content-Type": "application/json"} if body else {})}.items():
            conn.putheader(key, value)
        conn.putheader("Content-Length", str(len(body or b"")))
        conn.endheaders(body)
        resp = conn.getresponse()
        return resp.status, resp.read().decode("utf-8", errors="replace")
    finally:
        conn.close()


def session_cookie(port: int) -> str:
    """A new browser session: the ``Cookie`` header value the server sets on a page load."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", "/", headers={"Host": f"127.0.0.1:{port}"})
        resp = conn.getresponse()
        resp.read()
        cookie = resp.getheader("Set-Cookie") or ""
    finally:
        conn.close()
    assert cookie.startswith("defection_session="), cookie
    return cookie.split(";", 1)[0]


class Dash:
    """Calls the dashboard's callbacks as raw JSON POSTs to ``/_dash-update-component``. Each tab id is a tab of
    its own browser (its own session cookie, made on first use), unless ``sessions`` maps it to another tab's."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        status, text = request(port, "GET", "/_dash-dependencies")
        assert status == 200, text
        self.deps = json.loads(text)

    def _dep(self, first_output: str) -> dict:
        matches = [d for d in self.deps if d["output"].lstrip(".").startswith(first_output)]
        assert len(matches) == 1, (first_output, [d["output"] for d in self.deps])
        return matches[0]

    @staticmethod
    def _outputs(output: str) -> list:
        parts = output[2:-2].split("...") if output.startswith("..") else [output]
        outs = []
        for part in parts:
            ident, prop = part.rsplit("}.", 1) if part.startswith("{") else part.rsplit(".", 1)
            prop = prop.split("@")[0]
            if part.startswith("{"):  # an ALL pattern: the levers or the switches, in layout order
                pattern = json.loads(ident + "}")
                outs.append([{"id": {**pattern, "key": k}, "property": prop} for k in PATTERN_KEYS[pattern["type"]]])
            else:
                outs.append({"id": ident, "property": prop})
        return outs

    def body(self, first_output: str, trigger: str, values: dict) -> bytes:
        """The request for the callback whose outputs start with ``first_output``; ``values`` maps
        'id.property' to a value, or for a pattern (the levers) to its list of entries."""
        dep = self._dep(first_output)

        def entry(item):
            key = f"{item['id']}.{item['property']}"
            if item["id"].startswith("{"):
                return values.get(key, [])
            return {"id": item["id"], "property": item["property"], "value": values.get(key)}

        outs = self._outputs(dep["output"])
        return json.dumps({"output": dep["output"], "outputs": outs if len(outs) > 1 else outs[0],
                           "inputs": [entry(i) for i in dep["inputs"]], "state": [entry(s) for s in dep["state"]],
                           "changedPropIds": [trigger]}).encode()

    def cookie(self, tab: str) -> str:
        """The session cookie of the browser that ``tab`` belongs to (a new browser for a new tab id)."""
        if tab not in self.cookies:
            self.cookies[tab] = session_cookie(self.port)
        return self.cookies[tab]

    def call(self, first_output: str, trigger: str, values: dict, host: str | None = None,
             cookie: str | None = None) -> tuple[int, str]:
        """One callback; with the session cookie of the browser of the ``tab-id`` sent (``cookie``: this one
        instead, "" for none)."""
        tab = values.get("tab-id.data")
        if cookie is None:
            cookie = self.cookie(tab) if isinstance(tab, str) and tab else ""
        return request(self.port, "POST", "/_dash-update-component", self.body(first_output, trigger, values),
                       host=host, headers={"Cookie": cookie} if cookie else None)

    # --- the callbacks the tests use
    def upload(self, text: bytes | str, filename: str = "up.toml") -> tuple[int, str]:
        raw = text.encode() if isinstance(text, str) else text
        contents = "data:application/octet-stream;base64," + base64.b64encode(raw).decode()
        return self.call("scenario-store.data", "scenario-upload.contents", {
            "scenario-upload.contents": contents, "scenario-upload.filename": filename, "lang.value": "en",
            '{"key":["ALL"],"type":"lever-input"}.id': levers()[0],
            '{"key":["ALL"],"type":"switch"}.id': switches()[0]})

    def choose(self, name: str) -> tuple[int, str]:
        return self.call("scenario-store.data", "scenario-select.value", {
            "scenario-select.value": name, "lang.value": "en",
            '{"key":["ALL"],"type":"lever-input"}.id': levers()[0],
            '{"key":["ALL"],"type":"switch"}.id': switches()[0]})

    def start(self, tab: str, store: dict | None = None, compare: tuple | None = None, cookie: str | None = None,
              **lever) -> dict:
        """Press Run (or Run comparison, with ``compare=(a, b)``); the response's outputs by id."""
        ids, vals = levers(**lever)
        switch_ids, switch_vals = switches()
        a, b = compare or (None, None)
        status, text = self.call("job-store.data", "compare-run.n_clicks" if compare else "run-button.n_clicks", {
            "run-button.n_clicks": 1, "compare-run.n_clicks": 1 if compare else 0,
            '{"key":["ALL"],"type":"lever-input"}.value': vals, '{"key":["ALL"],"type":"lever-input"}.id': ids,
            "scenario-store.data": store or {"name": "myanmar-2021", "toml": None, "filename": None},
            "compare-a.data": a, "compare-b.data": b, "tab-id.data": tab, "lang.value": "en",
            '{"key":["ALL"],"type":"switch"}.value': switch_vals, '{"key":["ALL"],"type":"switch"}.id': switch_ids},
            cookie=cookie)
        assert status == 200, text
        return json.loads(text)["response"]

    def poll(self, tab: str, job: int | None, kind: str = "run") -> dict:
        status, text = self.call("progress-fill.style", "poll.n_intervals", {
            "poll.n_intervals": 1, "lang.value": "en", "job-store.data": {"job": job, "kind": kind},
            "tab-id.data": tab, "live-store.data": None, "result-store.data": None})
        assert status == 200, text
        return json.loads(text)["response"]

    def status(self, tab: str, job: int | None) -> tuple[str, int]:
        """(state word, simulated days done) from the run-status line."""
        text = self.poll(tab, job)["run-status"]["children"]
        match = re.search(r"(Waiting for the worker|Running|Finished|Cancelled|Failed): ([\d,]+) /", text)
        return (match.group(1), int(match.group(2).replace(",", ""))) if match else ("unknown", 0)

    def cancel(self, tab: str, job: int | None) -> None:
        status, text = self.call("run-message.children", "cancel-button.n_clicks", {
            "cancel-button.n_clicks": 1, "job-store.data": {"job": job, "kind": "run"}, "tab-id.data": tab})
        assert status in (200, 204), text

    def wait_for(self, tab: str, job: int, states: tuple[str, ...], timeout: float = 120) -> tuple[str, int]:
        deadline = time.monotonic() + timeout
        while True:
            state, done = self.status(tab, job)
            if state in states:
                return state, done
            assert time.monotonic() < deadline, f"job {job} still {state} ({done} days)"
            time.sleep(0.2)


def levers(**changes) -> tuple[list, list]:
    """The lever ids and values of the default page, with ``changes`` (dots as '__')."""
    values = lever_values(scenarios.load("myanmar-2021"))
    values.update({k.replace("__", "."): v for k, v in changes.items()})
    ids = [{"type": "lever-input", "key": k} for k in ALL_KEYS]
    return ([{"id": i, "property": "id", "value": i} for i in ids],
            [{"id": i, "property": "value", "value": values[i["key"]]} for i in ids])


def switches(**changes) -> tuple[list, list]:
    """The switch ids and values (ticked: ["on"]) of the default page, with ``changes`` (key without 'switches.')."""
    values = lever_values(scenarios.load("myanmar-2021"))
    values.update({f"switches.{k}": v for k, v in changes.items()})
    ids = [{"type": "switch", "key": k} for k in SWITCH_KEYS]
    return ([{"id": i, "property": "id", "value": i} for i in ids],
            [{"id": i, "property": "value", "value": ["on"] if values[i["key"]] else []} for i in ids])


def message(response: dict, box: str = "run-message") -> str:
    return json.dumps(response.get(box, {}).get("children", ""))


def job_of(response: dict) -> int | None:
    return (response.get("job-store") or {}).get("data", {}).get("job")
