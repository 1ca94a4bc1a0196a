"""Running an experiment's :class:`~defection.experiments.plan.Plan` into a directory, resumably.

The jobs are split by module: :mod:`.plan` (what to run), :mod:`.runner` (the task, in-process
or on Dask, and telling a lost worker from a bug), :mod:`.store` (the directory: chunk files,
manifest, assembled tables). This module puts them together: run every chunk not yet done,
write each as it arrives, then assemble ``summary.parquet`` and ``failures.parquet``.

Outcomes beyond success are errors with a paragraph: :class:`IncompleteError` (a worker was lost
too often; re-running finishes the missing runs) and :class:`RunsFailedError` (some runs raised;
their tracebacks are in ``failures.parquet``; the CLI exits with :data:`EXIT_RUNS_FAILED`).
"""
from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from defection.errors import DefectionError
from defection.experiments import runner, store
from defection.experiments.plan import Plan, Progress
from defection.experiments.runner import connect, run_chunk
from defection.experiments.store import assemble, read_manifest

__all__ = ["EXIT_RUNS_FAILED", "IncompleteError", "Outcome", "Plan", "Progress", "RunsFailedError", "assemble",
           "connect", "execute", "read_manifest", "run_chunk"]

EXIT_RUNS_FAILED = 3  # the exit code of a sweep or comparison that finished with failed runs


class IncompleteError(DefectionError):
    """Some chunks did not finish (their worker was lost); re-running the same command finishes them."""


class RunsFailedError(DefectionError):
    """Every run was tried and some raised; their errors and tracebacks are in failures.parquet."""

    exit_code = EXIT_RUNS_FAILED


@dataclass
class Outcome:
    out: Path
    runs: int
    ok: int
    failed: int
    resumed: int                # runs found already done on disk
    seconds: float
    summary: pa.Table
    failures: pa.Table
    manifest: dict[str, Any]

    def failure_error(self) -> RunsFailedError | None:
        """The paragraph for failed runs (how many, the first error, where the tracebacks are), or None."""
        if not self.failed:
            return None
        first = self.failures.column("error")[0].as_py()
        first = first if len(first) <= 300 else first[:297] + "..."  # the paragraph stays short; the file has it all
        return RunsFailedError(
            f"{self.failed:,} of {self.runs:,} runs failed (the first: {first}). Each failed run's parameters, "
            f"error and full traceback are in {self.out / 'failures.parquet'} (columns error and traceback); the "
            f"{self.ok:,} runs that succeeded are in {self.out / 'summary.parquet'}. Fix the cause, then re-run "
            f"the same command: it runs again only the chunks that hold failed runs.")

    def raise_for_failures(self) -> None:
        error = self.failure_error()
        if error is not None:
            raise error


def execute(plan: Plan, out: Path | None, *, force: bool = False, scheduler: Any = None, workers: int | None = None,
            progress: Progress | None = None) -> Outcome:
    """Run every chunk of ``plan`` not yet done in ``out``; assemble summary.parquet and failures.parquet.

    Raises :class:`IncompleteError` when chunks are still missing (lost workers). Failed runs do not
    raise: they are counted in the :class:`Outcome` (see :meth:`Outcome.raise_for_failures`).
    """
    t0 = time.perf_counter()
    # the default directory is named by the specification, so re-running the same command resumes it
    out = Path(out) if out is not None else Path("runs") / f"{plan.kind}-{plan.spec_hash()[:12]}"
    runner.check_connection(scheduler, workers)
    resumed, design = store.prepare(plan, out, force)
    store.clean_temporaries(out)
    (out / "parts").mkdir(exist_ok=True)
    todo = [c for c in range(plan.n_chunks) if not (resumed and store.chunk_done(plan, out, c))]
    already = plan.n_runs - sum(len(plan.chunk_runs(c)) for c in todo)
    counts = {"done": already, "failed": 0}
    if progress:
        progress(already, plan.n_runs, 0)

    def on_chunk(c: int, rows: list[dict[str, Any]], ts: pa.Table | None) -> None:
        counts["failed"] += store.write_chunk(plan, out, c, rows, ts, design)
        counts["done"] += len(plan.chunk_runs(c))
        if progress:
            progress(counts["done"], plan.n_runs, counts["failed"])

    lost: list[int] = []
    # nothing left to run (a finished experiment re-run): no cluster is started
    with connect(scheduler, workers) if todo else contextlib.nullcontext() as client:
        if client is None:
            runner.run_in_process(plan, todo, on_chunk)
        else:
            lost = runner.run_on_dask(client, plan, todo, on_chunk)
    if lost:
        n_lost = sum(len(plan.chunk_runs(c)) for c in lost)
        store.write_manifest(plan, out, status="incomplete", runs_missing=n_lost)
        failed = f" ({counts['failed']:,} others failed: see the parts in {out / 'parts'})" if counts["failed"] else ""
        raise IncompleteError(f"{n_lost} of {plan.n_runs} runs did not finish because their Dask worker was lost "
                              f"{runner.LOST_WORKER_ATTEMPTS} times (the other {plan.n_runs - n_lost} are saved in "
                              f"{out}){failed}. Re-run the same command to finish only the missing runs.")
    summary, failures = assemble(plan, out)
    record = store.write_manifest(plan, out, status="complete", runs_ok=summary.num_rows,
                                  runs_failed=failures.num_rows, runs_resumed=already)
    return Outcome(out, plan.n_runs, summary.num_rows, failures.num_rows, already, time.perf_counter() - t0,
                   summary, failures, record)
