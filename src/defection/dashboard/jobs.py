"""Background ensembles for the dashboard: a server-side queue, one worker process, per-job cancel.

The web server never simulates in its own process. Jobs wait in a queue kept by the server
(:class:`JobManager`) and run one at a time in a single spawned worker process (numba limited
to one thread there, so it does not oversubscribe the machine); the page polls
:meth:`JobManager.status`. Every limit is enforced here, on the server, whatever the browser sends:

* each browser session (a cookie the server sets and signs, :mod:`defection.dashboard.sessions`) has at
  most one job queued or running, whatever tab ids its requests invent;
* at most :data:`MAX_ACTIVE_JOBS` jobs are queued or running in all;
* one run has at most :data:`MAX_AGENTS` agents and one job at most :data:`MAX_AGENT_DAYS`
  agent-days (agents x days x seeds x settings);
* a job's memory is estimated before it is queued (:func:`job_memory`: what the worker holds and what the
  server keeps of its results) and refused above :data:`MAX_JOB_BYTES`, or when the jobs queued or running
  would need more than :data:`MAX_TOTAL_BYTES` together, or more than the machine has available;
* finished results are kept up to :data:`MAX_KEPT_BYTES` in all (the oldest daily tables go first, then the
  oldest jobs), and the worker is replaced by a fresh process after a job that made it large, so memory
  freed inside it is given back to the machine;
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
from dataclasses import dataclass
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
# Memory (issue 28, item 8): the limits above bound work, these bound memory. A job of the default scenario
# (20 seeds x 730 days) needs about 30 MiB; 50 seeds x 3,650 days of a tiny scenario about 0.6 GiB.
MAX_JOB_BYTES = 2**30  # one job: the worker's share and the server's copy of its results, at their peak
MAX_TOTAL_BYTES = 2 * 2**30  # every job queued or running, together
MAX_KEPT_BYTES = 512 * 2**20  # finished jobs' results the server keeps, together
RECYCLE_ABOVE = 256 * 2**20  # a job whose worker share is larger is followed by a fresh worker process
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


def officers_and_civilians(scenario) -> tuple[int, int]:
    from defection.api import agent_count as count

    return count(scenario)


def agent_count(scenario) -> int:
    """Police officers, soldiers and civilian agents (one per ``run.scale`` people, at least one per township)."""
    return sum(officers_and_civilians(scenario))


def _soldiers(scenario) -> int:
    army = getattr(scenario, "army", None)
    return int(army.n_soldiers) if army is not None else 0


def check_limits(spec: dict[str, Any]) -> JobMemory:
    """Refuse a job whose runs, total work or memory exceed the documented limits, naming the limit; the
    job's memory estimate otherwise."""
    from defection import scenarios
    from defection.api import BYTES_PER_CIVILIAN_AGENT, BYTES_PER_OFFICER

    base = base_scenario(spec).model_dump(mode="json")
    runs = len(spec["seeds"])
    draws = spec.get("parameter_draws", 0)
    if isinstance(draws, bool) or not isinstance(draws, int) or not (draws == 0 or 2 <= draws <= MAX_PARAMETER_DRAWS) \
            or runs % max(draws, 1):
        raise JobRefused(f"parameter draws: give 0 (seeds only) or 2 to {MAX_PARAMETER_DRAWS}, each run with the "
                         "same number of seeds.")
    total = 0
    largest = 0
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
        officers, civilians = officers_and_civilians(sc)
        largest = max(largest, officers * BYTES_PER_OFFICER + civilians * BYTES_PER_CIVILIAN_AGENT)
    if total > MAX_AGENT_DAYS:
        raise JobRefused(
            f"this job is {total:,} agent-days (agents x days x seeds x settings); the dashboard runs at most "
            f"{MAX_AGENT_DAYS:,} per job. Use fewer seeds or days, or `defection sweep` on the command line.")
    need = job_memory(largest, int(spec["days"]), runs, len(spec["settings"]))
    check_memory(need)
    return need


@dataclass(frozen=True)
class JobMemory:
    """A job's memory, estimated before it starts: ``worker`` bytes the worker process holds for it at its peak
    (above its own interpreter), ``kept`` bytes of results the server keeps once it is done."""

    worker: int
    kept: int

    @property
    def total(self) -> int:
        """Both processes at their peak: the worker's share, and the server's results twice (the pickled bytes
        it receives and the objects they become)."""
        return self.worker + 2 * self.kept


def job_memory(agent_bytes: int, days: int, seeds: int, settings: int) -> JobMemory:
    """The memory of a job of ``settings`` x ``seeds`` runs of ``days`` days whose largest run's agents take
    ``agent_bytes``: each run's recorder arrays are ``days`` x columns x 8 bytes, and a run keeps, until the job
    ends, its daily table, its chart series and (a single setting) its regions on the map's weekly frames."""
    from defection.model import COLUMNS
    from defection.model.metrics import COLUMNS as REGION_COLUMNS

    stream = settings == 1  # only a single setting records regions (the map) and streams its series
    regions = len(region_names())
    table = days * (len(COLUMNS) + 2) * 8  # the daily table, with date and day
    series = days * len(COLUMNS) * 8  # the chart's series: at most every column, as float64
    frames = len(map_days(days)) * regions * (2 + len(MAP_COLUMNS)) * 8 if stream else 0
    recorders = 2 * (table + (days * regions * (len(REGION_COLUMNS) + 2) * 8 if stream else 0))  # arrays + table
    runs = seeds * settings
    held = runs * (table + series + frames)
    # the worker: the running run's agents and recorders, every finished run, and the result pickled to send
    worker = agent_bytes + recorders + 2 * held
    # the server: every run's table and series, one median map per setting; a streamed job's series so far
    kept = runs * (table + series) + (frames + runs * series if stream else 0)
    return JobMemory(worker, kept)


def check_memory(need: JobMemory) -> None:
    """Refuse a job over :data:`MAX_JOB_BYTES` or over the memory this machine has available now."""
    from defection.experiments.size import gib, memory_available

    if need.total > MAX_JOB_BYTES:
        raise JobRefused(
            f"this job needs about {gib(need.total)} of memory ({gib(need.worker)} in the worker, "
            f"{gib(need.kept)} of results kept by the server); the dashboard runs jobs of at most "
            f"{gib(MAX_JOB_BYTES)}. Use fewer seeds or days, or `defection sweep` on the command line.")
    available = memory_available()
    if available is not None and need.total > available:
        raise JobRefused(f"this job needs about {gib(need.total)} of memory and this machine has "
                         f"{gib(available)} available now. Use fewer seeds or days.")


def region_names() -> tuple[str, ...]:
    from defection.data import region_names as names

    return names()


MAP_COLUMNS = ("defected", "defected_police", "defected_army", "civilians_killed")  # regions_map.METRICS
MAP_STEP_DAYS = 7  # regions_map.STEP_DAYS


def map_days(days: int) -> list[int]:
    """The days the map draws (one a week and the last): all that the server keeps of a run's regions."""
    return sorted({*range(0, days, MAP_STEP_DAYS), days - 1}) if days > 0 else []


def map_frames(table):
    """A run's regional table on the map's days and columns only (rows are day-major, regions in census order)."""
    import numpy as np

    if table is None or not table.num_rows:
        return table
    n = len(region_names())
    days = map_days(table.num_rows // n)
    rows = (np.asarray(days)[:, None] * n + np.arange(n)).ravel()
    return table.select(["date", "region", *[c for c in MAP_COLUMNS if c in table.column_names]]).take(rows)


def held_bytes(value: Any) -> int:
    """Bytes of the arrays and tables inside ``value`` (a result), walking dicts, lists and tuples."""
    import numpy as np
    import pyarrow as pa

    if isinstance(value, np.ndarray):
        return int(value.nbytes)
    if isinstance(value, (pa.Table, pa.Array, pa.ChunkedArray)):
        return int(value.nbytes)
    if isinstance(value, dict):
        return sum(held_bytes(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return sum(held_bytes(v) for v in value)
    if isinstance(value, str):
        return len(value)
    return 0


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
            regions[label].append(map_frames(result.regions))  # the map's days and columns only
            if events is not None and stream:
                events.put(("seed", job_id, {"start": runs[label][-1]["start"],
                                             "series": live_series_of(result)}))
            del result  # the run's recorders and agents go before the next run is built
            done += days
    for label, frames in regions.items():  # the map shows the median over seeds: one table per setting
        regions[label] = [_median_map(frames)]
    return {"job": job_id, "runs": runs, "seeds": seeds, "days": days, "settings": spec["settings"],
            "parameter_draws": int(spec.get("parameter_draws") or 0), "draws": draws,
            "scenario": base.name, "tables": tables, "regions": regions, "map_step_days": 1,
            "manifest": job_manifest(base, spec),
            "changed": {s["label"]: changed_settings(base, s["overrides"]) for s in spec["settings"]}}


def _median_map(frames: list):
    """The median over seeds of the runs' map frames (None if no run recorded regions)."""
    frames = [f for f in frames if f is not None and f.num_rows]
    if not frames:
        return None
    if len(frames) == 1:
        return frames[0]
    from defection.dashboard.regions_map import median_regions

    return median_regions(frames)


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
        _release_memory()


def _release_memory() -> None:
    """In the worker, after a job: collect its objects and give pyarrow's and the C library's free pools back."""
    import gc

    gc.collect()
    with contextlib.suppress(Exception):
        import pyarrow as pa

        pa.default_memory_pool().release_unused()
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)


def rss_bytes(pid: int) -> int | None:
    """Resident memory of process ``pid`` (Linux: ``/proc/PID/statm``); None where it cannot be read."""
    try:
        with open(f"/proc/{pid}/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


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

    def __init__(self, keep: int = 20, max_active: int = MAX_ACTIVE_JOBS, kept_bytes: int = MAX_KEPT_BYTES,
                 total_bytes: int = MAX_TOTAL_BYTES, recycle_above: int = RECYCLE_ABOVE) -> None:
        self._ctx = mp.get_context("spawn")
        self._jobs: dict[int, dict[str, Any]] = {}
        self._pending: collections.deque[int] = collections.deque()
        self._ids = itertools.count(1)
        self._lock = threading.RLock()
        self._keep, self._max_active = keep, max_active
        self._kept_bytes, self._total_bytes, self._recycle_above = kept_bytes, total_bytes, recycle_above
        self._worker: BaseProcess | None = None
        self._sent: int | None = None  # the job the worker holds
        self._closed = False
        self.recycled = 0  # workers replaced after a large job
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
            job["kept"] = held_bytes(payload)
        elif active and kind == "cancelled":
            job["state"] = "cancelled"
        elif active:
            job["state"], job["error"] = "error", payload
        if job is not None:  # the live series are for a running job only
            job["finished_seeds"], job["current"] = [], None
        if self._sent == job_id:
            self._sent = None
            if job is not None and self._grown(job):
                self._recycle()
        self._trim()
        self._dispatch()

    def _grown(self, job: dict[str, Any]) -> bool:
        """Whether the worker should be replaced after ``job``: its estimated share was large, or the worker's
        resident memory is (memory a process frees is not always given back to the machine)."""
        from defection.api import BYTES_BASE

        worker = self._worker
        rss = rss_bytes(worker.pid) if worker is not None and worker.pid is not None else None
        return job["memory"].worker > self._recycle_above or (rss is not None and
                                                              rss > BYTES_BASE + self._recycle_above)

    def _recycle(self) -> None:
        """Stop the idle worker (it has just reported the end of its job) and start the next one afresh."""
        worker, self._worker = self._worker, None
        if worker is not None and worker.is_alive():
            with contextlib.suppress(Exception):
                self._tasks.put(None)
            worker.join(5)
            if worker.is_alive():
                worker.terminate()
                worker.join(2)
        self._new_channels()
        self.recycled += 1

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
    def submit(self, spec: dict[str, Any], owner: str, session: str | None = None) -> int:
        """Queue a job for ``owner`` (a browser tab of ``session``, the browser's session cookie; by default the
        owner is its own session); :class:`JobRefused` says which limit it breaks."""
        from defection.experiments.size import gib

        if not isinstance(owner, str) or not owner:
            raise JobRefused("this page has no session id. Reload the page.")
        slot = owner if session is None else session
        need = check_limits(spec)
        with self._lock:
            if self._closed:
                raise JobRefused("the dashboard is shutting down.")
            mine = [j["id"] for j in self._jobs.values() if j["session"] == slot and j["state"] in ACTIVE]
            if mine:
                raise JobRefused(f"job #{mine[0]} from this browser is still queued or running: wait for it to "
                                 f"finish or cancel it. Each browser session runs one job at a time.")
            active = sum(j["state"] in ACTIVE for j in self._jobs.values())
            if active >= self._max_active:
                raise JobRefused(f"the server already has {active} jobs queued or running, its limit "
                                 f"({self._max_active}). Wait for one to finish, or cancel one.")
            queued = sum(j["memory"].total for j in self._jobs.values() if j["state"] in ACTIVE)
            if queued + need.total > self._total_bytes:
                raise JobRefused(f"this job needs about {gib(need.total)} of memory and the jobs queued or running "
                                 f"need {gib(queued)}; together the dashboard runs at most "
                                 f"{gib(self._total_bytes)}. Wait for a job to finish, or use fewer seeds or days.")
            job_id = next(self._ids)
            total = len(spec["settings"]) * len(spec["seeds"]) * int(spec["days"])
            self._jobs[job_id] = {"id": job_id, "owner": owner, "session": slot, "state": "queued", "done": 0,
                                  "total": total, "error": None, "result": None, "spec": spec, "memory": need,
                                  "kept": 0, "finished_seeds": [], "current": None}
            self._pending.append(job_id)
            self._trim()
            self._dispatch()
        return job_id

    def _trim(self) -> None:
        """Forget the oldest finished jobs beyond ``keep``; keep the daily tables (downloads, map) of the newest
        :data:`KEEP_TABLES` results only; then, while the results kept are over ``kept_bytes``, drop the older jobs'
        tables, then the older jobs, then the newest job's tables (its chart series stay)."""
        finished = [k for k, j in self._jobs.items() if j["state"] in FINISHED]
        for k in finished[: max(0, len(self._jobs) - self._keep)]:
            del self._jobs[k]
        done = [k for k in self._jobs if self._jobs[k]["result"]]  # oldest first
        for k in done[:-KEEP_TABLES]:
            self._drop_tables(k)
        older, newest = done[:-1], done[-1:]
        steps = ([(self._drop_tables, k) for k in older] + [(self._forget, k) for k in older]
                 + [(self._drop_tables, k) for k in newest])  # older tables, then older jobs, then the newest's tables
        for drop, k in steps:
            if self.kept_bytes() <= self._kept_bytes:
                return
            drop(k)

    def _forget(self, job_id: int) -> None:
        self._jobs.pop(job_id, None)

    def _drop_tables(self, job_id: int) -> None:
        job = self._jobs.get(job_id)
        result = job["result"] if job is not None else None
        if job is not None and result and (result.get("tables") or result.get("regions")):
            result.update(tables={}, regions={})
            job["kept"] = held_bytes(result)

    def kept_bytes(self) -> int:
        """Bytes of finished jobs' results the server keeps (arrays and tables)."""
        with self._lock:
            return sum(j["kept"] for j in self._jobs.values() if j["result"])

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
