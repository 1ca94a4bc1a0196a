"""Background ensembles for the dashboard: one worker process, progress by queue, cooperative cancel.

The web server never simulates in its own process: a job is sent to a single spawned worker
process (numba limited to one thread there, so it does not oversubscribe the machine) and the
page polls :meth:`JobManager.status`. Cancelling sets a shared flag that the worker checks
every simulated day; the worker then drops the job and stays warm for the next one.
"""
from __future__ import annotations

import itertools
import multiprocessing as mp
import os
import threading
import time
from concurrent.futures import CancelledError, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

# Series kept from each run (the rest of the timeseries stays in the worker).
SERIES = ("defected", "defected_civilian", "defected_paramilitary", "quiet_resisters", "compliant", "caught",
          "coercive_capacity", "civilians_killed", "civilians_arrested", "programme_cost")
BREAKDOWNS = ("defected_by_branch", "defected_by_rank", "defected_by_tenure_band", "defected_by_region",
              "force_by_region")

_QUEUE = None
_CANCEL = None


class Cancelled(Exception):
    """Raised inside the worker when the job it is running was cancelled."""


def _worker_init(queue, cancel, server: int) -> None:
    global _QUEUE, _CANCEL
    os.environ["NUMBA_NUM_THREADS"] = "1"
    _QUEUE, _CANCEL = queue, cancel
    # the server's pid comes from the server: it may be gone before this worker has started
    threading.Thread(target=_exit_with_parent, args=(server,), name="defection-parent-watch", daemon=True).start()
    try:
        import numba

        numba.set_num_threads(1)
    except Exception:  # pragma: no cover - numba is a core dependency
        pass


def _exit_with_parent(parent: int, every: float = 0.5) -> None:
    """In the worker: exit once the server that started it is gone. A server stopped by a signal
    (SIGTERM from a service manager, SIGKILL) never shuts its pool down, and the worker would
    otherwise live on as an orphan."""
    while os.getppid() == parent:
        time.sleep(every)
    os._exit(0)


def base_scenario(spec: dict[str, Any]):
    """The scenario a job starts from: a built-in name or uploaded TOML text (parsed as data)."""
    from defection import scenarios

    if spec.get("toml") is not None:
        return scenarios.from_toml(spec["toml"], origin=f"uploaded file '{spec.get('filename', 'scenario')}'")
    return scenarios.load(spec.get("name") or "myanmar-2021")


def _pairs(value) -> list[list]:
    """A breakdown ({category: count} or [(category, count)]) as a list of [category, count]."""
    if isinstance(value, dict):
        return [[k, v] for k, v in value.items()]
    return [list(p) for p in value or []]


def _compact(result) -> dict[str, Any]:
    ts = result.timeseries
    out = {"seed": result.seed, "start": str(ts.column("date")[0].as_py()) if ts.num_rows else None,
           "series": {name: ts.column(name).to_numpy().astype(float) for name in SERIES},
           "breakdowns": {name: _pairs(result.summary.get(name)) for name in BREAKDOWNS}}
    return out


def run_ensemble(job_id: int, spec: dict[str, Any]) -> dict[str, Any]:
    """In the worker: every setting x every seed, reporting simulated days done."""
    from defection import api

    base = base_scenario(spec)
    seeds, days = list(spec["seeds"]), int(spec["days"])
    done = 0
    runs: dict[str, list] = {}
    last = [0.0]

    for setting in spec["settings"]:
        runs[setting["label"]] = []
        for seed in seeds:
            offset = done

            def progress(day: int, offset=offset) -> None:
                if _CANCEL is not None and _CANCEL.value == job_id:
                    raise Cancelled()
                now = time.monotonic()
                if _QUEUE is not None and (now - last[0] > 0.2 or day == days):
                    last[0] = now
                    _QUEUE.put((job_id, offset + day))

            result = api.run(base, seed=int(seed), days=days, overrides=dict(setting["overrides"]),
                             progress=progress)
            runs[setting["label"]].append(_compact(result))
            done += days
    return {"runs": runs, "seeds": seeds, "days": days, "settings": spec["settings"]}


def warm_up() -> bool:
    """In the worker: import the model and load numba's compiled kernels before the first job."""
    from defection import api

    api.run("myanmar-2021", seed=0, days=2)
    return True


class JobManager:
    """Submit, poll and cancel ensemble jobs run by one background worker process."""

    def __init__(self, keep: int = 20) -> None:
        self._ctx = mp.get_context("spawn")
        self._queue = self._ctx.Queue()
        self._cancel = self._ctx.Value("q", -1)
        self._pool: ProcessPoolExecutor | None = None
        self._jobs: dict[int, dict[str, Any]] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._keep = keep
        threading.Thread(target=self._listen, name="defection-progress", daemon=True).start()

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(max_workers=1, mp_context=self._ctx, initializer=_worker_init,
                                             initargs=(self._queue, self._cancel, os.getpid()))
        return self._pool

    def _listen(self) -> None:
        while True:
            try:
                job_id, done = self._queue.get()
            except (EOFError, OSError):  # pragma: no cover - interpreter shutting down
                return
            with self._lock:
                job = self._jobs.get(job_id)
                if job is not None and job["state"] in ("queued", "running"):
                    job["state"] = "running"
                    job["done"] = max(job["done"], done)

    def warm(self) -> None:
        """Start the worker now, so the first run does not wait for imports and compilation."""
        try:
            self._executor().submit(warm_up)
        except Exception:  # pragma: no cover - best effort
            pass

    def submit(self, spec: dict[str, Any]) -> int:
        job_id = next(self._ids)
        total = len(spec["settings"]) * len(spec["seeds"]) * int(spec["days"])
        job = {"id": job_id, "state": "queued", "done": 0, "total": total, "error": None, "result": None,
               "spec": spec, "future": None}
        with self._lock:
            self._jobs[job_id] = job
            self._trim()
        try:
            future = self._executor().submit(run_ensemble, job_id, spec)
        except BrokenProcessPool:
            self._pool = None
            future = self._executor().submit(run_ensemble, job_id, spec)
        job["future"] = future
        future.add_done_callback(lambda fut, job_id=job_id: self._finish(job_id, fut))
        return job_id

    def _finish(self, job_id: int, fut) -> None:
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None:
                return
            try:
                job["result"] = fut.result()
                job["state"], job["done"] = "done", job["total"]
            except (Cancelled, CancelledError):
                job["state"] = "cancelled"
            except BrokenProcessPool as exc:
                self._pool = None
                job["state"], job["error"] = "error", f"the worker process stopped ({exc})."
            except Exception as exc:  # a user-facing message, never a traceback
                job["state"], job["error"] = "error", str(exc) or type(exc).__name__

    def _trim(self) -> None:
        finished = [k for k, j in self._jobs.items() if j["state"] in ("done", "cancelled", "error")]
        for k in finished[: max(0, len(self._jobs) - self._keep)]:
            del self._jobs[k]

    def status(self, job_id: int | None) -> dict[str, Any]:
        with self._lock:
            job = self._jobs.get(job_id) if job_id is not None else None
            if job is None:
                return {"state": "unknown", "done": 0, "total": 0, "error": None}
            return {k: job[k] for k in ("id", "state", "done", "total", "error")}

    def result(self, job_id: int | None) -> dict[str, Any] | None:
        with self._lock:
            job = self._jobs.get(job_id) if job_id is not None else None
            return job["result"] if job is not None else None

    def cancel(self, job_id: int | None) -> None:
        with self._lock:
            job = self._jobs.get(job_id) if job_id is not None else None
            if job is None or job["state"] not in ("queued", "running"):
                return
            self._cancel.value = job_id
            fut = job["future"]
        if fut is not None and fut.cancel():
            with self._lock:
                job["state"] = "cancelled"

    def shutdown(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
