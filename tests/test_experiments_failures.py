"""Failures are not hidden: a run that raises is recorded with its traceback and the command says so (exit 3);
only a lost worker is retried; nothing loops forever. In-process and on a real Dask LocalCluster."""
from __future__ import annotations

import asyncio
import concurrent.futures
import json
import logging
import math
from types import SimpleNamespace

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from common import run_cli
from defection.errors import DefectionError
from defection.experiments import models, runner
from defection.experiments.executor import EXIT_RUNS_FAILED, IncompleteError, execute
from defection.experiments.plan import Plan

SMALL = ["force.n_officers=10000", "run.scale=10000"]


class AlwaysRaises(models.DefectionModel):
    """The defection model with a bug that fires every time for outreach above 0.5."""

    def run(self, base, point, seed):
        if point["support.outreach"] > 0.5:
            raise ValueError(f"outreach {point['support.outreach']:.3f} breaks the model")
        return super().run(base, point, seed)


def sweep_args(out) -> list[str]:
    return ["sweep", "--vary", "support.outreach=0.1:0.9", "--samples", "8", "--days", "20", "--chunk", "2",
            "--set", SMALL[0], "--set", SMALL[1], "--workers", "0", "--out", str(out)]


def test_runs_that_always_raise_are_recorded_with_traceback_and_the_command_says_so(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(models.MODELS, "defection", AlwaysRaises())
    out = tmp_path / "s"
    code, text = run_cli(sweep_args(out), monkeypatch, capsys)
    design = pq.read_table(out / "design.parquet").to_pydict()
    n_bad = sum(x > 0.5 for x in design["support.outreach"])
    assert 0 < n_bad < 8
    assert code == EXIT_RUNS_FAILED == 3, text
    # one paragraph: how many failed, the error, and where to look
    assert f"{n_bad} of 8 runs failed (the first: ValueError: outreach" in text
    assert f"{out / 'failures.parquet'} (columns error and traceback)" in text and "Traceback" not in text
    failures = pq.read_table(out / "failures.parquet").to_pydict()
    assert len(failures["run"]) == n_bad
    for tb in failures["traceback"]:
        assert tb.startswith("Traceback (most recent call last)") and "in run" in tb and "ValueError: outreach" in tb
    assert pq.read_table(out / "summary.parquet").num_rows == 8 - n_bad  # the other runs finished
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "complete" and manifest["runs_failed"] == n_bad

    # re-running tries only the chunks with failed runs again, fails the same way, and stops: no loop, no lie
    failed_chunks = {r // 2 for r in failures["run"]}
    code, again = run_cli(sweep_args(out), monkeypatch, capsys)
    assert code == 3 and f"{n_bad} of 8 runs failed" in again
    assert f"{8 - 2 * len(failed_chunks)} were already done" in again
    assert pq.read_table(out / "failures.parquet").to_pydict()["run"] == failures["run"]

    # once the cause is fixed, the same command finishes the failed runs only
    monkeypatch.setitem(models.MODELS, "defection", models.DefectionModel())
    code, fixed = run_cli(sweep_args(out), monkeypatch, capsys)
    assert code == 0, fixed
    assert pq.read_table(out / "summary.parquet").num_rows == 8
    assert pq.read_table(out / "failures.parquet").num_rows == 0


def test_only_lost_worker_errors_count_as_lost():
    from distributed import KilledWorker
    from distributed.client import FutureCancelledError
    from distributed.comm.core import CommClosedError

    worker = SimpleNamespace(address="tcp://127.0.0.1:1")
    lost = [KilledWorker("chunk-0", worker, 3), CommClosedError("closed"), asyncio.CancelledError(),
            concurrent.futures.CancelledError(), FutureCancelledError("k", "cancelled")]
    bugs = [ValueError("x"), RuntimeError("x"), OSError("disk"), KeyError("x"), MemoryError(), DefectionError("x")]
    assert all(runner.is_lost_worker(e) for e in lost)
    assert not any(runner.is_lost_worker(e) for e in bugs)


# -- on a real LocalCluster ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def client():
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None,
                      silence_logs=logging.ERROR) as cluster, Client(cluster) as c:
        yield c


def ishigami_plan(points: list[dict]) -> Plan:
    """A cheap plan: the Ishigami function at given points (a non-number point makes its run raise ValueError)."""
    return Plan(kind="sweep", model="ishigami", base={}, points=points,
                labels={"x1": (pa.string(), [str(p["x1"]) for p in points])}, replicates=1, seed=0, chunk=2,
                timeseries=False, spec={"test": "failures"})


def test_a_run_that_raises_on_a_dask_worker_is_recorded_not_lost(client, tmp_path):
    plan = ishigami_plan([{"x1": 0.1}, {"x1": "abc"}, {"x1": 0.3}, {"x1": 0.4}])
    outcome = execute(plan, tmp_path / "s", scheduler=client)
    assert (outcome.ok, outcome.failed) == (3, 1)
    failure = outcome.failures.to_pylist()[0]
    assert failure["run"] == 1 and "ValueError" in failure["error"] and "float" in failure["traceback"]
    assert math.isclose(outcome.summary.column("y").to_pylist()[0], math.sin(0.1) + 7 * math.sin(0.0) ** 2)
    with pytest.raises(DefectionError, match=r"1 of 4 runs failed \(the first: ValueError") as exc:
        outcome.raise_for_failures()
    assert exc.value.exit_code == 3


def test_a_task_that_raises_is_recorded_once_and_a_lost_worker_is_retried(client, tmp_path, monkeypatch):
    """A bug outside the runs (the task itself raises) is a failure of each of its runs, with the task's
    traceback, not a lost worker to re-run forever. A worker lost once is retried within the same command."""
    marker = tmp_path / "lost-once"
    real = runner.run_chunk

    def task(model_name, base, items, timeseries, single_thread=False):  # pickled by value to the worker
        from pathlib import Path

        from types import SimpleNamespace

        from distributed import KilledWorker

        if items[0][0] == 0:
            raise RuntimeError("the task itself is broken")
        if items[0][0] == 2 and not Path(marker).exists():
            Path(marker).touch()
            # what the scheduler reports when workers died under the task
            raise KilledWorker("chunk-1", SimpleNamespace(address="tcp://127.0.0.1:1"), 3)
        return real(model_name, base, items, timeseries, single_thread)

    monkeypatch.setattr(runner, "run_chunk", task)
    plan = ishigami_plan([{"x1": 0.1}, {"x1": 0.2}, {"x1": 0.3}, {"x1": 0.4}])
    outcome = execute(plan, tmp_path / "s", scheduler=client)
    assert marker.exists(), "chunk 1 was lost once"
    assert (outcome.ok, outcome.failed) == (2, 2)  # chunk 1 retried and done; chunk 0's two runs failed
    failures = outcome.failures.to_pylist()
    assert [f["run"] for f in failures] == [0, 1]
    assert all("RuntimeError: the task itself is broken" in f["traceback"] for f in failures)


def test_a_worker_lost_every_time_gives_up_after_a_few_attempts_and_resumes(client, tmp_path, monkeypatch):
    attempts = tmp_path / "attempts"
    attempts.mkdir()

    def task(model_name, base, items, timeseries, single_thread=False):
        import uuid
        from pathlib import Path

        from types import SimpleNamespace

        from distributed import KilledWorker

        if items[0][0] == 0:
            (Path(attempts) / uuid.uuid4().hex).touch()
            raise KilledWorker("chunk-0", SimpleNamespace(address="tcp://127.0.0.1:1"), 3)
        return runner_run_chunk(model_name, base, items, timeseries, single_thread)

    runner_run_chunk = runner.run_chunk
    monkeypatch.setattr(runner, "run_chunk", task)
    plan = ishigami_plan([{"x1": 0.1}, {"x1": 0.2}, {"x1": 0.3}, {"x1": 0.4}])
    with pytest.raises(IncompleteError, match="2 of 4 runs did not finish") as exc:
        execute(plan, tmp_path / "s", scheduler=client)
    assert "Re-run the same command" in str(exc.value) and getattr(exc.value, "exit_code", 2) == 2
    assert len(list(attempts.iterdir())) == runner.LOST_WORKER_ATTEMPTS
    monkeypatch.setattr(runner, "run_chunk", runner_run_chunk)
    outcome = execute(plan, tmp_path / "s", scheduler=client)
    assert (outcome.ok, outcome.failed, outcome.resumed) == (4, 0, 2)
