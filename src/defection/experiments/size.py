"""How big a job is, said before it starts: its runs, an estimated time and the memory it needs (issue 28, item 5).

``compare``, ``sweep``, ``forecast``, ``optimize`` and ``calibrate`` each describe the work they are about to do
as a :class:`Work` (how many model runs, how large each is, what the command keeps in memory per run) as soon as
their options are checked, before anything large is allocated or run. :func:`estimate_job`, the one estimate,
turns it into a :class:`JobSize`, and a :class:`SizeGate` given by the command line prints it or refuses it:

- more than :data:`MAX_RUNS` runs (an extra zero typed by accident) is refused unless ``--yes`` confirms it;
- more memory than the machine has available is refused, ``--yes`` or not: such a job could not finish.

**Time.** Estimated from the runs' agent-days at rates measured on the development machine (below), not by a
probe run. A probe would cost a whole run of the scenario (and, on a cold cache, some 40 s of compiling) before
the first word, so a job refused for its size could not be refused at once; and a run's time is near-linear in
its days, officers and civilian agents (docs/performance.md), so the rates predict a run within a small factor,
which is what catching an extra zero needs. A busy or slower machine takes longer; the figure says "about".
"""
from __future__ import annotations

import contextlib
import math
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from defection.errors import ResourceError

MAX_RUNS = 100_000  # runs a job may have without --yes

# Seconds of one run: days x (a fixed cost per day, the eleven mechanism calls; plus a cost per officer-day and
# per civilian-agent-day), building included. Measured with api.run on the 2-core development machine (load
# about 1.5, 2026-12-08): 500 officers and 5,141 civilian agents, 730 days, 0.54 s; the default (230,000 officers,
# 51,530 civilian agents), 730 days, 1.50 s; the default at run.scale = 100 (514,865 civilian agents), 100 days,
# 0.32 s. The same rates give 43 s for the full-scale run of docs/performance.md (measured: 44 s).
SECONDS_PER_DAY = 7.2e-4
SECONDS_PER_OFFICER_DAY = 5.3e-9
SECONDS_PER_CIVILIAN_DAY = 2.5e-9
SECONDS_PER_RUN = 0.02  # an experiment's own work per run: the task, its summary row, its series on disk

# Bytes the process that runs the command keeps per run, by what it gathers (measured: a comparison's design
# table of 200,000 runs took 71 MB; a summary row is some 30 numbers). A forecast keeps every draw's series.
HELD_PER_EXPERIMENT_RUN = 2048


@dataclass(frozen=True)
class Work:
    """What a job will run, known once its options are checked and before it starts.

    ``officers``, ``civilians`` and ``days`` describe one run (the largest, where runs differ); ``held_per_run``
    is what the command's own process keeps for each run until the end; ``knob`` names the options that set the
    size, for the message; ``parallel`` is False for a command that runs its runs one by one in its own process.
    """

    command: str
    runs: int
    how: str
    officers: int
    civilians: int
    days: int
    held_per_run: int = HELD_PER_EXPERIMENT_RUN
    knob: str = ""
    parallel: bool = True


def work_of(command: str, runs: int, how: str, scenario: Any, *, days: int | None = None, knob: str,
            held_per_run: int = HELD_PER_EXPERIMENT_RUN, parallel: bool = True) -> Work:
    """The :class:`Work` of ``runs`` runs of ``scenario`` (a Scenario, or None for a test function that simulates
    nothing), each ``days`` long (default: the scenario's)."""
    if scenario is None:
        return Work(command, int(runs), how, 0, 0, 0, held_per_run, knob, parallel)
    from defection.api import agent_count

    officers, civilians = agent_count(scenario)
    return Work(command, int(runs), how, officers, civilians, int(days if days is not None else scenario.run.days),
                held_per_run, knob, parallel)


# The parameters that set a run's size (api.agent_count), and which end of a swept range makes the run larger
SIZE_KEYS = {"run.days": "hi", "force.n_officers": "hi", "army.n_soldiers": "hi", "run.scale": "lo"}


def largest_run(base: dict[str, Any], varies: Any) -> Any:
    """The scenario of a sweep's largest run: ``base`` with each swept size parameter (:data:`SIZE_KEYS`) at the
    end of its range that makes the most agents and days, so that neither time nor memory is underestimated."""
    from defection import scenarios

    largest = {v.key: int(math.floor(v.hi)) if SIZE_KEYS[v.key] == "hi" else int(math.ceil(v.lo))
               for v in varies if v.key in SIZE_KEYS}
    return scenarios.from_dict(base, largest, origin="the sweep's largest run")


@dataclass(frozen=True)
class JobSize:
    """A job's size on this machine: runs, estimated wall time, memory, and the memory available."""

    work: Work
    processes: int | None  # runs at once: worker processes, 1 in this process, None on a Dask cluster
    separate: bool  # the runs happen in processes of their own (worker processes), not in this one
    seconds: float
    memory: int
    available: int | None

    def sentence(self, available: bool = True) -> str:
        """The size in one sentence: 'compare size: 40 runs (...), each ...; the runs take about 50 s on 2 worker
        processes; memory about 1.1 GiB (20.0 GiB available).'"""
        w = self.work
        each = (f", each {w.days:,} days of {w.officers + w.civilians:,} agents" if w.days else "")
        if self.processes is None:
            where = "of one worker's time, shared among the Dask cluster's workers"
        elif self.separate:
            where = f"on {plural(self.processes, 'worker process', 'worker processes')}"
        else:
            where = "in this process"
        free = f" ({gib(self.available)} available)" if available and self.available is not None else ""
        return (f"{w.command} size: {plural(w.runs, 'run')} ({w.how}){each}; the runs take about "
                f"{duration(self.seconds)} {where}; memory about {gib(self.memory)}{free}.")

    def refusal(self, confirmed: bool) -> str | None:
        """Why the job is refused, in a paragraph; None if it may start."""
        w = self.work
        unconfirmed = w.runs > MAX_RUNS and not confirmed
        if self.available is not None and self.memory > self.available:
            fewer = f"{w.knob}, or run fewer --workers at once" if self.separate and self.processes else w.knob
            also = (f" Its {w.runs:,} runs are also more than the {MAX_RUNS:,} a job may have without --yes."
                    if unconfirmed else "")
            return (f"{self.sentence(available=False)[:-1]}, more than the {gib(self.available)} this machine has "
                    f"available. Lower {fewer}; --yes does not lift this limit, since the job could not finish."
                    f"{also}")
        if unconfirmed:
            return (f"{self.sentence()} A job of more than {MAX_RUNS:,} runs starts only when confirmed: if you "
                    f"meant {w.runs:,} runs, run the same command again with --yes; otherwise lower {w.knob}.")
        return None


def estimate_job(work: Work, workers: int | None = None, scheduler: Any = None) -> JobSize:
    """The size of ``work`` run on ``workers`` local processes (None: one per core; 0: in this process) or on the
    Dask cluster at ``scheduler``: estimated wall time and peak memory on this machine (see the module's text)."""
    from defection.api import BYTES_BASE, BYTES_PER_CIVILIAN_AGENT, BYTES_PER_OFFICER

    one_run = SECONDS_PER_RUN + work.days * (SECONDS_PER_DAY + work.officers * SECONDS_PER_OFFICER_DAY
                                             + work.civilians * SECONDS_PER_CIVILIAN_DAY)
    agents = work.officers * BYTES_PER_OFFICER + work.civilians * BYTES_PER_CIVILIAN_AGENT if work.days else 0
    held = BYTES_BASE + work.runs * work.held_per_run  # this process: the interpreter and what it gathers
    processes: int | None
    if scheduler is not None and work.parallel:  # the cluster's workers run elsewhere, with their own memory
        processes, separate, memory = None, True, held
    elif not work.parallel or workers == 0:
        processes, separate, memory = 1, False, held + agents
    else:
        processes, separate = max(1, workers or os.cpu_count() or 1), True
        memory = held + processes * (BYTES_BASE + agents)
    seconds = work.runs * one_run / min(processes or 1, max(1, work.runs))
    return JobSize(work, processes, separate, seconds, memory, memory_available())


class JobTooLarge(ResourceError):
    """A job over the size limits: more runs than :data:`MAX_RUNS` unconfirmed, or more memory than available."""


class SizeGate:
    """Given to a command's library function as ``gate``: estimates the :class:`Work` it is about to do, refuses
    it (:class:`JobTooLarge`, exit 2) over the limits unless ``confirmed`` (``--yes``) lifts the run count, and
    otherwise tells ``say`` its size in one sentence."""

    def __init__(self, workers: int | None = None, scheduler: Any = None, confirmed: bool = False,
                 say: Callable[[str], None] | None = None) -> None:
        self.workers, self.scheduler, self.confirmed, self.say = workers, scheduler, confirmed, say
        self.size: JobSize | None = None

    def __call__(self, work: Work) -> JobSize:
        size = self.size = estimate_job(work, self.workers, self.scheduler)
        reason = size.refusal(self.confirmed)
        if reason is not None:
            raise JobTooLarge(reason)
        if self.say is not None:
            self.say(size.sentence())
        return size


Gate = Callable[[Work], Any]


def memory_available() -> int | None:
    """Bytes of memory free for a new job now: the kernel's MemAvailable (free memory and what can be reclaimed),
    or what is left under this process's cgroup limit if that is less; None where neither can be read."""
    found: list[int] = []
    with contextlib.suppress(OSError, ValueError):
        for row in Path("/proc/meminfo").read_text().splitlines():
            if row.startswith("MemAvailable:"):
                found.append(int(row.split()[1]) * 1024)
    if not found:
        with contextlib.suppress(ValueError, OSError, AttributeError):
            found.append(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    root = Path("/sys/fs/cgroup")
    for limit, usage, cache in (("memory.max", "memory.current", "inactive_file"),  # cgroup v2, then v1
                                ("memory/memory.limit_in_bytes", "memory/memory.usage_in_bytes", "total_inactive_file")):
        with contextlib.suppress(ValueError, OSError):  # "max" (no limit) raises ValueError
            used = int((root / usage).read_text().strip())
            stat = (root / limit).parent / "memory.stat"
            for row in stat.read_text().splitlines() if stat.is_file() else []:
                if row.split(" ")[0] == cache:  # page cache the kernel gives back first: available
                    used -= int(row.split()[1])
            found.append(int((root / limit).read_text().strip()) - max(0, used))
    return max(0, min(found)) if found else None


def plural(n: int, word: str, words: str | None = None) -> str:
    """'1 run', '2 runs', '1,000 runs'."""
    return f"{n:,} {word if n == 1 else (words or word + 's')}"


def gib(n: int | None) -> str:
    """Bytes in GiB (MiB below 1 GiB): '1.4 GiB', '310 MiB'."""
    if n is None:
        return "unknown"
    return f"{n / 2**30:,.1f} GiB" if n >= 2**30 else f"{max(1, round(n / 2**20)):,} MiB"


def duration(seconds: float) -> str:
    """A time in words, rounded: '40 s', '12 min', '3.5 h', '95 days', '1,200 years'."""
    if not math.isfinite(seconds):
        return "forever"
    for unit, size, limit in (("s", 1, 90), ("min", 60, 90 * 60), ("h", 3600, 48 * 3600),
                              ("days", 86400, 730 * 86400)):
        if seconds < limit:
            value = seconds / size
            return f"{value:,.1f} {unit}" if value < 10 and unit in ("h",) else f"{max(1, round(value)):,} {unit}"
    return f"{seconds / (365.25 * 86400):,.0f} years"
