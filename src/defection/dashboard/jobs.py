"""Background ensembles for the dashboard: a server-side queue, one worker process, per-job cancel.

The web server never simulates in its own process. Jobs wait in a queue kept by the server
(:class:`JobManager`) and run one at a time in a single spawned worker process (numba limited
to one thread there, so it does not oversubscribe the machine); the page polls
:meth:`JobManager.status`. Every limit is enforced here, on the server, whatever the browser sends:

* each browser tab (its ``owner`` key) has at most one job queued or running;
* at most :data:`MAX_ACTIVE_JOBS` jobs are queued or running in all;
* one run has at most :data:`MAX_AGENTS` agents and one job at most :data:`MAX_AGENT_DAYS`
  agent-days (agents x days x seeds x settings);
* a job starts from a built-in scenario, by name, or from uploaded TOML text of at most
  :data:`MAX_UPLOAD_BYTES`: never from a path.

Cancelling a queued job drops it from the queue. Cancelling the running job sets a flag that
only that job's progress callback reads, every simulated day; the worker then reports it
cancelled and takes the next job. :meth:`JobManager.shutdown` stops the worker at once.
"""
from __future__ import annotations

import collections
import contextlib
import itertools
import multiprocessing as mp
import os
import queue
import signal
import threading
import time
from multiprocessing.process import BaseProcess
from typing import Any

from defection.errors import DefectionError

# Series kept from each run (the rest of the timeseries stays in the worker).
SERIES = ("defected", "defected_civilian", "defected_paramilitary", "quiet_resisters", "compliant", "caught",
          "coercive_capacity", "civilians_killed", "civilians_arrested", "programme_cost")
# Per-force and per-branch series (``defected_police``, ``coercive_capacity_army``, ``defected_<branch>``) are
# kept too, whichever forces and branches the model records.
FORCE_SERIES_PREFIXES = ("defected_", "quiet_resisters_", "coercive_capacity_")
BREAKDOWNS = ("defected_by_branch", "defected_by_rank", "defected_by_tenure_band", "defected_by_region",
              "force_by_region")

# Server limits (not model parameters: they bound what one local user can ask of the machine).
MAX_ACTIVE_JOBS = 4  # queued + running, over all tabs
MAX_AGENTS = 2_000_000  # officers + civilian agents in one run: about 0.2 GB of agent arrays
MAX_AGENT_DAYS = 4_000_000_000  # per job; about 5 minutes on one core of a 2-vCPU VM
MAX_UPLOAD_BYTES = 1_000_000  # an uploaded scenario's TOML text, UTF-8
MAX_PARAMETER_DRAWS = 16  # draws of what the data cannot identify in one job (each runs with every seed)
KEEP_TABLES = 5  # finished jobs whose every daily series (downloads, map) the server keeps in memory
ACTIVE = ("queued", "running")
FINISHED = ("done", "cancelled", "error")


class Cancelled(Exception):
    """Raised inside the worker when the job it is running was cancelled."""


class JobRefused(DefectionError):
    """A job the server will not queue: the message states the limit it breaks."""


# ---------------------------------------------------------------------------------------- scenarios


def builtin_scenario(name: Any):
    """A built-in scenario by name only: anything else (a path above all) is refused unread."""
    from defection import scenarios

    names = scenarios.builtin_names()
    if not isinstance(name, str) or name not in names:  # the same answer whatever the name: no file oracle
        raise JobRefused(f"unknown scenario: the dashboard runs a built-in scenario ({', '.join(names)}) "
                         f"or an uploaded .toml file, never a file named by the page.")
    return scenarios.load(name)


def check_upload_size(text: str, filename: str = "scenario") -> None:
    size = len(text.encode("utf-8", errors="replace"))
    if size > MAX_UPLOAD_BYTES:
        raise JobRefused(f"'{filename}' is {size:,} bytes; uploads are limited to {MAX_UPLOAD_BYTES:,} bytes.")


def base_scenario(spec: dict[str, Any]):
    """The scenario a job starts from: uploaded TOML text (parsed as data) or a built-in name."""
    from defection import scenarios

    text = spec.get("toml")
    if text is not None:
        filename = str(spec.get("filename") or "scenario")[:100]
        if not isinstance(text, str):
            raise JobRefused("the uploaded scenario is not text. Upload the .toml file again.")
        check_upload_size(text, filename)
        try:
            return scenarios.from_toml(text, origin=f"uploaded file '{filename}'")
        except DefectionError:
            raise
        except Exception as exc:  # untrusted text: any failure to parse it is a bad upload, not a crash
            raise JobRefused(f"uploaded file '{filename}' could not be read as a scenario "
                             f"({type(exc).__name__}).") from None
    return builtin_scenario(spec.get("name"))


def agent_count(scenario) -> int:
    """Police officers, soldiers and civilian agents (one per ``run.scale`` people, at least one per township)."""
    from defection.api import agent_count as officers_and_civilians

    return sum(officers_and_civilians(scenario))


def _soldiers(scenario) -> int:
    army = getattr(scenario, "army", None)
    return int(army.n_soldiers) if army is not None else 0


def check_limits(spec: dict[str, Any]) -> None:
    """Refuse a job whose runs or total work exceed the documented limits, naming the limit."""
    from defection import scenarios

    base = base_scenario(spec).model_dump(mode="json")
    runs = len(spec["seeds"])
    draws = spec.get("parameter_draws", 0)
    if isinstance(draws, bool) or not isinstance(draws, int) or not (draws == 0 or 2 <= draws <= MAX_PARAMETER_DRAWS) \
            or runs % max(draws, 1):
        raise JobRefused(f"parameter draws: give 0 (seeds only) or 2 to {MAX_PARAMETER_DRAWS}, each run with the "
                         "same number of seeds.")
    total = 0
    for setting in spec["settings"]:
        sc = scenarios.from_dict(base, dict(setting["overrides"]), origin="the levers",
                                 override_label="lever")
        agents = agent_count(sc)
        if agents > MAX_AGENTS:
            raise JobRefused(
                f"this scenario has {agents:,} agents ({sc.force.n_officers:,} police officers and "
                f"{_soldiers(sc):,} soldiers plus one civilian agent per {sc.run.scale:,} people); the dashboard "
                f"runs at most {MAX_AGENTS:,} agents. Raise run.scale or lower force.n_officers or "
                f"army.n_soldiers, or use `defection run` on the command line.")
        total += agents * int(spec["days"]) * runs
    if total > MAX_AGENT_DAYS:
        raise JobRefused(
            f"this job is {total:,} agent-days (agents x days x seeds x settings); the dashboard runs at most "
            f"{MAX_AGENT_DAYS:,} per job. Use fewer seeds or days, or `defection sweep` on the command line.")


# ---------------------------------------------------------------------------------------- worker


def _pairs(value) -> list[list]:
    """A breakdown ({category: count} or [(category, count)]) as a list of [category, count]."""
    if isinstance(value, dict):
        return [[k, v] for k, v in value.items()]
    return [list(p) for p in value or []]


def kept_series(columns: list[str]) -> list[str]:
    """The series a run sends back to the page: :data:`SERIES` and every per-force or per-branch series."""
    return [name for name in columns if name in SERIES or name.startswith(FORCE_SERIES_PREFIXES)]


def _compact(result) -> dict[str, Any]:
    ts = result.timeseries
    return {"seed": result.seed, "start": str(ts.column("date")[0].as_py()) if ts.num_rows else None,
            "series": {name: ts.column(name).to_numpy().astype(float) for name in kept_series(ts.column_names)},
            "breakdowns": {name: _pairs(result.summary.get(name)) for name in BREAKDOWNS}}


# Series the page draws while a run is still going (the main chart): every defection series.
LIVE_PREFIX = "defected"


def simulate(base, seed: int, days: int, overrides: dict[str, Any], on_day=None, record_regions: bool = True):
    """One run of :func:`defection.api.run`, calling ``on_day(day, sim)`` after each simulated day, so that the
    page can draw the median and band from the series recorded so far."""
    from defection import api

    return api.run(base, seed=seed, days=days, overrides=overrides, record_regions=record_regions, on_day=on_day)


def live_series(sim, day: int) -> dict[str, Any]:
    """The defection series of a running simulation up to ``day`` (its first day's date as ``start``)."""
    data = sim.recorder.data
    return {"start": str(sim.state.dates[0].astype("datetime64[D]")),
            "series": {name: data[name][:day].astype(float) for name in data if name.startswith(LIVE_PREFIX)}}


def job_manifest(base, spec: dict[str, Any]) -> dict[str, Any]:
    """What reproduces the job: each setting's scenario as resolved, the seeds, days and versions."""
    from defection import scenarios
    from defection.engine.outputs import manifest

    data = base.model_dump(mode="json")
    resolved = {s["label"]: scenarios.from_dict(data, dict(s["overrides"]), origin="the levers",
                                                override_label="lever").model_dump(mode="json")
                for s in spec["settings"]}
    first = spec["settings"][0]["label"]
    extra = {}
    if spec.get("parameter_draws"):  # each seed's draw of what the data cannot identify, as the runs had it
        extra = {"parameter_draws": int(spec["parameter_draws"]), "draws": draw_overrides(base, spec)}
    return manifest("dashboard", resolved[first], int(spec["seeds"][0]), seeds=list(spec["seeds"]),
                    days=int(spec["days"]), settings=spec["settings"], scenarios=resolved, **extra)


def draw_overrides(base, spec: dict[str, Any]) -> list[dict[str, Any]]:
    """Each seed's draw of what the data cannot identify (``spec["parameter_draws"]`` > 0): a Latin hypercube
    over the plausible ranges of the parameters ``defection optimize`` draws, seeded by the first seed; seed k
    runs on draw k // (seeds per draw). Empty without parameter draws."""
    n = int(spec.get("parameter_draws") or 0)
    if not n:
        return []
    from defection.experiments.draws import parameter_draws

    seeds = list(spec["seeds"])
    draws, _ = parameter_draws(base.model_dump(mode="json"), n, int(seeds[0]))
    per = len(seeds) // n
    return [draws[k // per] for k in range(len(seeds))]


def with_draw(base, overrides: dict[str, Any], draw: dict[str, Any]) -> dict[str, Any]:
    """A setting's overrides on a parameter draw: the drawn values, but where the setting changed a lever from
    the scenario's value, its own (a decision, not an uncertainty), so that A and B stay paired on the draw."""
    if not draw:
        return dict(overrides)
    mine = changed_settings(base, overrides)
    return {**overrides, **{k: v for k, v in draw.items() if k not in mine}}


def run_ensemble(job_id: int, spec: dict[str, Any], events=None, cancel=None) -> dict[str, Any]:
    """In the worker: every setting x every seed (and, with parameter draws, each seed on its draw: the same in
    every setting), reporting simulated days done (and, for a single setting, the series so far) to ``events``."""
    base = base_scenario(spec)
    seeds, days = list(spec["seeds"]), int(spec["days"])
    draws = draw_overrides(base, spec)
    stream = len(spec["settings"]) == 1  # a comparison shows its progress bar only
    done = 0
    runs: dict[str, list] = {}
    tables: dict[str, list] = {}
    regions: dict[str, list] = {}
    last = [0.0]
    for setting in spec["settings"]:
        label = setting["label"]
        runs[label], tables[label], regions[label] = [], [], []
        for k, seed in enumerate(seeds):
            def on_day(day: int, sim, offset=done) -> None:
                if cancel is not None and cancel.value == job_id:
                    raise Cancelled()
                now = time.monotonic()
                if events is not None and (now - last[0] > 0.3 or day == days):
                    last[0] = now
                    events.put(("progress", job_id, {"done": offset + day,
                                                     "live": live_series(sim, day) if stream else None}))

            overrides = with_draw(base, dict(setting["overrides"]), draws[k] if draws else {})
            result = simulate(base, int(seed), days, overrides, on_day, record_regions=stream)
            runs[label].append(_compact(result))
            tables[label].append(result.timeseries)
            regions[label].append(result.regions)
            if events is not None and stream:
                events.put(("seed", job_id, {"start": runs[label][-1]["start"],
                                             "series": live_series_of(result)}))
            done += days
    return {"job": job_id, "runs": runs, "seeds": seeds, "days": days, "settings": spec["settings"],
            "parameter_draws": int(spec.get("parameter_draws") or 0), "draws": draws,
            "scenario": base.name, "tables": tables, "regions": regions, "manifest": job_manifest(base, spec),
            "changed": {s["label"]: changed_settings(base, s["overrides"]) for s in spec["settings"]}}


def changed_settings(base, overrides: dict[str, Any]) -> dict[str, Any]:
    """The overrides whose value differs from the scenario's own (what this run changed)."""
    data = base.model_dump(mode="json")
    changed = {}
    for key, value in overrides.items():
        node = data
        for part in key.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        if node != value:
            changed[key] = value
    return changed


def live_series_of(result) -> dict[str, Any]:
    ts = result.timeseries
    return {name: ts.column(name).to_numpy().astype(float) for name in ts.column_names
            if name.startswith(LIVE_PREFIX)}


def warm_up() -> bool:
    """In the worker: import the model and load numba's compiled kernels before the first job."""
    from defection import api

    api.run("myanmar-2021", seed=0, days=2, threads=1, record_regions=True)
    return True


def _exit_with_parent(parent: int, every: float = 0.5) -> None:
    """In the worker: exit once the server that started it is gone. A server stopped by a signal
    (SIGTERM from a service manager, SIGKILL) never stops its worker, which would live on as an orphan."""
    while os.getppid() == parent:
        time.sleep(every)
    os._exit(0)


def _worker_main(tasks, events, cancel, parent: int) -> None:
    """The worker process: warm up, then run one job at a time until told to stop (``None``)."""
    # Ctrl-C in a terminal reaches the whole process group: the server stops the worker itself
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.environ["NUMBA_NUM_THREADS"] = "1"
    threading.Thread(target=_exit_with_parent, args=(parent,), name="defection-parent-watch", daemon=True).start()
    try:
        warm_up()
    except Exception:  # a failing warm-up shows again, with its message, in the first job
        pass
    while True:
        task = tasks.get()
        if task is None:
            return
        job_id, spec = task
        if cancel.value == job_id:
            events.put(("cancelled", job_id, None))
            continue
        events.put(("running", job_id, 0))
        try:
            events.put(("done", job_id, run_ensemble(job_id, spec, events, cancel)))
        except Cancelled:
            events.put(("cancelled", job_id, None))
        except DefectionError as exc:
            events.put(("error", job_id, str(exc)))
        except Exception as exc:  # a user-facing message, never a traceback
            events.put(("error", job_id, f"{type(exc).__name__}: {str(exc)[:300]}"))


# ---------------------------------------------------------------------------------------- server side


@contextlib.contextmanager
def _sigint_ignored_in_child():
    """Start a child with SIGINT ignored, so that a Ctrl-C while it imports cannot print a traceback
    there. An ignored signal stays ignored across exec (a handler does not); Python can only change
    it from the main thread, where the worker starts at launch; a restart from a request thread
    relies on the worker ignoring SIGINT once its code runs."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


class JobManager:
    """The server's job queue: submit, poll, cancel and shut down ensemble jobs.

    Parameters
    ----------
    keep : int
        Finished jobs (and their results) kept for polling; older ones are forgotten.
    max_active : int
        Jobs queued or running at once, over all owners.
    """

    def __init__(self, keep: int = 20, max_active: int = MAX_ACTIVE_JOBS) -> None:
        self._ctx = mp.get_context("spawn")
        self._jobs: dict[int, dict[str, Any]] = {}
        self._pending: collections.deque[int] = collections.deque()
        self._ids = itertools.count(1)
        self._lock = threading.RLock()
        self._keep, self._max_active = keep, max_active
        self._worker: BaseProcess | None = None
        self._sent: int | None = None  # the job the worker holds
        self._closed = False
        self._new_channels()
        threading.Thread(target=self._supervise, name="defection-jobs", daemon=True).start()

    # --- the worker process
    def _new_channels(self) -> None:
        self._tasks, self._events = self._ctx.Queue(), self._ctx.Queue()
        self._cancel = self._ctx.Value("q", -1, lock=False)
        for q in (self._tasks, self._events):  # never wait at exit for a pipe that a dead worker no longer reads
            q.cancel_join_thread()

    def _start_worker(self) -> None:
        if self._closed or (self._worker is not None and self._worker.is_alive()):
            return
        if self._worker is not None:  # it died: its pipes may hold half a message
            self._new_channels()
        proc = self._ctx.Process(target=_worker_main, name="defection-worker", daemon=True,
                                 args=(self._tasks, self._events, self._cancel, os.getpid()))
        with _sigint_ignored_in_child():
            proc.start()
        self._worker = proc

    def worker_pids(self) -> list[int]:
        with self._lock:
            worker = self._worker
            return [worker.pid] if worker is not None and worker.pid is not None and worker.is_alive() else []

    def warm(self) -> None:
        """Start the worker now, so the first run does not wait for imports and compilation."""
        with self._lock:
            self._start_worker()

    def _dispatch(self) -> None:
        """Send the next queued job to the worker if it holds none (call with the lock held)."""
        if self._sent is not None or not self._pending or self._closed:
            return
        self._start_worker()
        job_id = self._pending.popleft()
        self._sent = job_id
        self._cancel.value = -1
        self._tasks.put((job_id, self._jobs[job_id]["spec"]))

    def _supervise(self) -> None:
        """Apply the worker's events; notice a dead worker and fail its job instead of waiting for ever."""
        while not self._closed:
            try:
                kind, job_id, payload = self._events.get(timeout=0.25)
            except queue.Empty:
                self._check_worker()
                continue
            except (EOFError, OSError, ValueError):  # channels replaced or closed
                time.sleep(0.05)
                continue
            with self._lock:
                self._apply(kind, job_id, payload)

    def _apply(self, kind: str, job_id: int, payload) -> None:
        """One event from the worker: progress, or the end of the job it holds (then send the next)."""
        job: Any = self._jobs.get(job_id)  # None if forgotten: ``active`` implies a job (mypy cannot see that)
        active = job is not None and job["state"] in ACTIVE
        if kind in ("progress", "running"):
            if active:
                payload = payload if isinstance(payload, dict) else {"done": payload or 0, "live": None}
                job["state"] = "running"
                job["done"] = max(job["done"], payload["done"])
                if payload.get("live") is not None:
                    job["current"] = payload["live"]
            return
        if kind == "seed":
            if active:
                job["finished_seeds"].append(payload)
                job["current"] = None
            return
        if active and kind == "done":
            job["state"], job["done"], job["result"] = "done", job["total"], payload
        elif active and kind == "cancelled":
            job["state"] = "cancelled"
        elif active:
            job["state"], job["error"] = "error", payload
        if job is not None:  # the live series are for a running job only
            job["finished_seeds"], job["current"] = [], None
        if self._sent == job_id:
            self._sent = None
        self._dispatch()

    def _check_worker(self) -> None:
        with self._lock:
            if self._sent is None or self._closed or (self._worker is not None and self._worker.is_alive()):
                return
            job = self._jobs.get(self._sent)
            if job is not None and job["state"] in ACTIVE:
                code = self._worker.exitcode if self._worker is not None else None
                job["state"], job["error"] = "error", f"the worker process stopped (exit code {code})."
            self._sent = None
            self._dispatch()

    # --- the jobs
    def submit(self, spec: dict[str, Any], owner: str) -> int:
        """Queue a job for ``owner`` (a browser tab); :class:`JobRefused` says which limit it breaks."""
        if not isinstance(owner, str) or not owner:
            raise JobRefused("this page has no session id. Reload the page.")
        check_limits(spec)
        with self._lock:
            if self._closed:
                raise JobRefused("the dashboard is shutting down.")
            mine = [j["id"] for j in self._jobs.values() if j["owner"] == owner and j["state"] in ACTIVE]
            if mine:
                raise JobRefused(f"job #{mine[0]} from this page is still queued or running: wait for it to "
                                 f"finish or cancel it. Each page runs one job at a time.")
            active = sum(j["state"] in ACTIVE for j in self._jobs.values())
            if active >= self._max_active:
                raise JobRefused(f"the server already has {active} jobs queued or running, its limit "
                                 f"({self._max_active}). Wait for one to finish, or cancel one.")
            job_id = next(self._ids)
            total = len(spec["settings"]) * len(spec["seeds"]) * int(spec["days"])
            self._jobs[job_id] = {"id": job_id, "owner": owner, "state": "queued", "done": 0, "total": total,
                                  "error": None, "result": None, "spec": spec,
                                  "finished_seeds": [], "current": None}
            self._pending.append(job_id)
            self._trim()
            self._dispatch()
        return job_id

    def _trim(self) -> None:
        finished = [k for k, j in self._jobs.items() if j["state"] in FINISHED]
        for k in finished[: max(0, len(self._jobs) - self._keep)]:
            del self._jobs[k]
        # the full daily tables (for downloads and the map) of the newest few results only: the charts need less
        for k in [k for k in self._jobs if self._jobs[k]["result"]][:-KEEP_TABLES]:
            self._jobs[k]["result"].update(tables={}, regions={})

    def _own(self, job_id: Any, owner: Any) -> dict[str, Any] | None:
        job = self._jobs.get(job_id) if isinstance(job_id, int) else None
        return job if job is not None and job["owner"] == owner else None

    def status(self, job_id: Any, owner: Any) -> dict[str, Any]:
        """State, days done and total of ``owner``'s job; 'unknown' for anyone else's."""
        with self._lock:
            job = self._own(job_id, owner)
            if job is None:
                return {"id": None, "state": "unknown", "done": 0, "total": 0, "error": None, "ahead": 0}
            ahead = list(self._pending).index(job_id) + (self._sent is not None) if job_id in self._pending else 0
            return {**{k: job[k] for k in ("id", "state", "done", "total", "error")}, "ahead": ahead}

    def result(self, job_id: Any, owner: Any) -> dict[str, Any] | None:
        """The finished job's own results (each labelled with its job id), or None."""
        with self._lock:
            job = self._own(job_id, owner)
            return job["result"] if job is not None and job["state"] == "done" else None

    def live(self, job_id: Any, owner: Any) -> dict[str, Any] | None:
        """``owner``'s running job so far: its finished seeds' series and the running seed's, each with its
        start date, and the days a run will last; None for anyone else's job or a job with nothing yet."""
        with self._lock:
            job = self._own(job_id, owner)
            if job is None or job["state"] != "running":
                return None
            runs = list(job["finished_seeds"]) + ([job["current"]] if job["current"] else [])
            return {"job": job["id"], "done": job["done"], "days": int(job["spec"]["days"]), "runs": runs} if runs else None

    def cancel(self, job_id: Any, owner: Any) -> None:
        """Cancel ``owner``'s job only: dropped from the queue, or stopped within a simulated day."""
        with self._lock:
            job = self._own(job_id, owner)
            if job is None or job["state"] not in ACTIVE:
                return
            if job_id in self._pending:
                self._pending.remove(job_id)
                job["state"] = "cancelled"
            elif self._sent == job_id:
                self._cancel.value = job_id  # read by this job's progress callback only

    def shutdown(self, grace: float = 1.0) -> None:
        """Cancel every job and stop the worker (terminated, then killed, within ~``2 * grace`` s)."""
        with self._lock:
            self._closed = True
            for job in self._jobs.values():
                if job["state"] in ACTIVE:
                    job["state"] = "cancelled"
            self._pending.clear()
            worker, self._worker = self._worker, None
        if worker is not None and worker.is_alive():
            worker.terminate()
            worker.join(grace)
            if worker.is_alive():
                worker.kill()
                worker.join(grace)
