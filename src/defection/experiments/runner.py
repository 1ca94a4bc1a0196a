"""Running a plan's chunks: the task itself, in-process or on Dask, and telling a lost worker from a bug.

A run that raises is a result: its row carries the error and its traceback, and the other runs go
on. A task that raises outside the runs (a bug in the task, a result that cannot be sent back) is
recorded the same way for each of its runs. Only a lost worker (``KilledWorker``, a closed
connection, a cancelled task) is not the task's fault: its chunk is submitted again, up to
``LOST_WORKER_ATTEMPTS`` times, and then left for a re-run of the command.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa

from defection.errors import DefectionError
from defection.experiments import models
from defection.experiments.plan import Plan

LOST_WORKER_ATTEMPTS = 3  # submissions of a chunk whose worker keeps being lost, before it is left to a re-run

ChunkResult = tuple[list[dict[str, Any]], pa.Table | None]  # one row per run, and their time series
OnChunk = Callable[[int, list[dict[str, Any]], "pa.Table | None"], None]


# -- the task --------------------------------------------------------------------------------

def failure(exc: BaseException) -> dict[str, str]:
    """A run that raised, as a result: a one-line ``error`` (type, message, where) and the full ``traceback``."""
    last = traceback.extract_tb(exc.__traceback__)[-1:]
    where = f" (at {Path(last[0].filename).name}:{last[0].lineno})" if last else ""
    return {"error": f"{type(exc).__name__}: {exc}{where}", "traceback": "".join(traceback.format_exception(exc))}


def failure_row(run: int, exc: BaseException) -> dict[str, Any]:
    """The row of a run that raised: its :func:`failure` and no time series."""
    return {"run": run, **failure(exc), "ts_rows": 0}


def run_chunk(model_name: str, base: dict[str, Any], items: list[tuple[int, int, dict[str, Any]]],
              timeseries: bool, single_thread: bool = False) -> ChunkResult:
    """Run a chunk's runs; return one row per run (outcomes, or error and traceback) and their time series.

    Runs in a Dask worker (``single_thread``: the model holds itself to one thread, since
    parallelism comes from the workers) or in-process.
    """
    model = models.get(model_name)
    if single_thread:
        model.single_thread()
    rows: list[dict[str, Any]] = []
    tables: list[pa.Table] = []
    for run, seed, point in items:
        try:
            values, ts = model.run(base, point, seed)
            row = {**values, "run": run, "error": None, "traceback": None, "ts_rows": 0}
            if timeseries and ts is not None:
                ts = ts.add_column(0, "run", pa.array([run] * ts.num_rows, pa.int64()))
                tables.append(ts)
                row["ts_rows"] = ts.num_rows
        except Exception as exc:  # noqa: BLE001 - any failure of one run is recorded, not fatal
            row = failure_row(run, exc)
        rows.append(row)
    return rows, (pa.concat_tables(tables) if tables else None)


def task_failed(plan: Plan, c: int, exc: BaseException) -> ChunkResult:
    """A chunk whose task raised outside its runs: every run of it is recorded as failed with that error."""
    return [failure_row(run, exc) for run in plan.chunk_runs(c)], None


def is_lost_worker(exc: BaseException) -> bool:
    """Did the task fail because its worker or connection was lost (retry), rather than by raising (record)?"""
    import concurrent.futures

    from distributed import KilledWorker
    from distributed.comm.core import CommClosedError

    return isinstance(exc, (KilledWorker, CommClosedError, asyncio.CancelledError, concurrent.futures.CancelledError))


# -- running a plan's chunks ---------------------------------------------------------------------

def run_in_process(plan: Plan, chunks: list[int], on_chunk: OnChunk) -> None:
    """Run ``chunks`` one after another in this process (``--workers 0``, for debugging)."""
    for c in chunks:
        try:
            rows, ts = run_chunk(plan.model, plan.base, plan.chunk_items(c), plan.timeseries)
        except Exception as exc:  # noqa: BLE001 - as on Dask: a task that raises is recorded, not fatal
            rows, ts = task_failed(plan, c, exc)
        on_chunk(c, rows, ts)


def run_on_dask(client: Any, plan: Plan, chunks: list[int], on_chunk: OnChunk) -> list[int]:
    """Run ``chunks`` as Dask tasks, handing each result to ``on_chunk`` as it arrives.

    Returns the chunks still lost after ``LOST_WORKER_ATTEMPTS`` submissions.
    """
    from distributed import as_completed

    from defection.experiments._dask import WarmUpPlugin

    client.register_plugin(WarmUpPlugin(plan.model), name=f"defection-warmup-{plan.model}")
    tag = plan.spec_hash()[:12]

    def submit(c: int, attempt: int):
        return client.submit(run_chunk, plan.model, plan.base, plan.chunk_items(c), plan.timeseries, True,
                             key=f"defection-{plan.kind}-{tag}-chunk-{c}-attempt-{attempt}", pure=False, retries=0)

    attempts = {c: 1 for c in chunks}
    futures = {submit(c, 1): c for c in chunks}
    lost: list[int] = []
    pending = as_completed(list(futures))
    for fut in pending:
        c = futures.pop(fut)
        try:
            rows, ts = fut.result()
        except (Exception, asyncio.CancelledError) as exc:  # noqa: BLE001 - a lost worker, or the task's own error
            if not is_lost_worker(exc):
                rows, ts = task_failed(plan, c, exc)
            elif attempts[c] < LOST_WORKER_ATTEMPTS:
                attempts[c] += 1
                again = submit(c, attempts[c])
                futures[again] = c
                pending.add(again)
                continue
            else:
                lost.append(c)
                continue
        finally:
            fut.release()
        on_chunk(c, rows, ts)
    return lost


# -- connecting ----------------------------------------------------------------------------

def check_connection(scheduler: Any, workers: int | None) -> None:
    """Validate --scheduler and --workers before anything is written."""
    if workers is not None and workers < 0:
        raise DefectionError(f"--workers {workers}: give a number of worker processes, 1 or more (0 runs in-process).")
    if isinstance(scheduler, str) and not scheduler.startswith(("tcp://", "tls://", "inproc://", "ucx://", "ws://",
                                                                  "wss://")):
        raise DefectionError(f"--scheduler {scheduler}: give the scheduler's address as tcp://HOST:PORT.")


@contextlib.contextmanager
def connect(scheduler: Any = None, workers: int | None = None) -> Iterator[Any]:
    """A Dask client: ``scheduler`` may be an address ('tcp://host:port'), a Client, or None for an
    embedded LocalCluster of ``workers`` processes (default: the machine's cores). ``workers=0``
    without a scheduler runs in-process, without Dask (for debugging; the results are the same).
    A client or cluster opened here is closed on leaving."""
    check_connection(scheduler, workers)
    if scheduler is None and workers == 0:
        yield None
        return
    from distributed import Client, LocalCluster

    if scheduler is not None and not isinstance(scheduler, str):
        yield scheduler  # a Client the caller owns
        return
    if scheduler is not None:
        try:
            client = Client(scheduler, timeout="15s")
        except (OSError, TimeoutError) as exc:
            raise DefectionError(f"--scheduler {scheduler}: cannot connect ({exc}). Start the scheduler with "
                                 f"`dask scheduler` and workers with `dask worker {scheduler}`, or drop "
                                 f"--scheduler to use a local cluster.") from None
        with client:
            yield client
        return
    n = workers or os.cpu_count() or 1
    env = {"NUMBA_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    with LocalCluster(n_workers=n, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None,
                      silence_logs=logging.CRITICAL, env=env) as cluster, Client(cluster) as client:
        yield client
