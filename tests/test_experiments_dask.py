"""Sweeps on Dask: identical results whatever the executor, and lossless resume after killing a worker
and the driver mid-sweep (a real LocalCluster, real SIGKILLs)."""
from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from defection.experiments.sweep import sweep

# Machinery tests: a small force and short runs (the model is tested elsewhere).
SMALL = ["force.n_officers=10000", "run.scale=10000"]
VARY = ["decision.w_ties=0.5:2.0", "support.protection_capacity=0:200"]
SPEC = dict(design="lhs", samples=20, replicates=2, seed=7, days=150, chunk=2)  # 40 runs, 20 chunks


def cli_args(out: Path, scheduler: str) -> list[str]:
    args = [sys.executable, "-m", "defection.cli", "sweep", "myanmar-2021"]
    for v in VARY:
        args += ["--vary", v]
    for s in SMALL:
        args += ["--set", s]
    args += ["--design", SPEC["design"], "--samples", str(SPEC["samples"]), "--replicates", str(SPEC["replicates"]),
             "--seed", str(SPEC["seed"]), "--days", str(SPEC["days"]), "--chunk", str(SPEC["chunk"]),
             "--scheduler", scheduler, "--out", str(out)]
    return args


@pytest.fixture(scope="module")
def cluster():
    from distributed import Client, LocalCluster

    cl = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None,
                      silence_logs=logging.ERROR, env={"NUMBA_NUM_THREADS": "1"})
    client = Client(cl)
    yield cl, client
    client.close()
    cl.close()


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The same sweep, uninterrupted and in-process (no Dask)."""
    out = tmp_path_factory.mktemp("ref") / "sweep"
    outcome = sweep("myanmar-2021", VARY, out=out, overrides=SMALL, workers=0, **SPEC)
    assert outcome.ok == 40 and outcome.failed == 0
    return out


@pytest.mark.slow  # a local Dask cluster and a sweep on it
def test_results_identical_in_process_and_on_a_dask_cluster(cluster, reference, tmp_path):
    _, client = cluster
    outcome = sweep("myanmar-2021", VARY, out=tmp_path / "dask", overrides=SMALL, scheduler=client, **SPEC)
    assert outcome.ok == 40
    assert (tmp_path / "dask" / "summary.parquet").read_bytes() == (reference / "summary.parquet").read_bytes()
    a = pq.read_table(tmp_path / "dask" / "timeseries").sort_by([("run", "ascending"), ("day", "ascending")])
    b = pq.read_table(reference / "timeseries").sort_by([("run", "ascending"), ("day", "ascending")])
    assert a.drop(["chunk"]).equals(b.drop(["chunk"]))
    summary = pq.read_table(reference / "summary.parquet")
    assert summary.column("run").to_pylist() == list(range(40))
    # seeds: distinct per run, and the varied parameters are columns named by their keys
    assert len(set(summary.column("seed").to_pylist())) == 40
    for v in VARY:
        assert v.split("=")[0] in summary.column_names


def _chunks(out: Path) -> int:
    return len(list((out / "parts").glob("chunk-*.parquet"))) if (out / "parts").exists() else 0


@pytest.mark.slow  # a local Dask cluster, killed and resumed
def test_kill_worker_and_driver_then_resume_is_lossless(cluster, reference, tmp_path):
    cl, client = cluster
    out = tmp_path / "sweep"
    env = {**os.environ, "NUMBA_NUM_THREADS": "1"}
    driver = subprocess.Popen(cli_args(out, cl.scheduler_address), env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while _chunks(out) < 2:  # some chunks written: kill a worker process mid-sweep
            assert driver.poll() is None, driver.stdout.read().decode()
            assert time.monotonic() < deadline
            time.sleep(0.01)
        pids = client.run(os.getpid)
        os.kill(next(iter(pids.values())), signal.SIGKILL)
        while _chunks(out) < 6:  # the sweep goes on without it; then kill the driver too
            assert driver.poll() is None, driver.stdout.read().decode()
            assert time.monotonic() < deadline
            time.sleep(0.01)
        driver.send_signal(signal.SIGKILL)
        driver.wait(30)
    finally:
        if driver.poll() is None:
            driver.kill()
    done_before = _chunks(out)
    assert 6 <= done_before < 20, "the sweep should have been interrupted part-way"
    assert not (out / "summary.parquet").exists()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "running"

    # a damaged result file and a stale temporary are detected and redone / cleaned
    parts = sorted((out / "parts").glob("chunk-*.parquet"))
    damaged = parts[0]
    damaged.write_bytes(damaged.read_bytes()[:100])
    (out / "parts" / ".chunk-000019.parquet.tmp-4242").write_bytes(b"partial")

    client.wait_for_workers(2, timeout=60)  # the nanny has restarted the killed worker
    resumed = subprocess.run(cli_args(out, cl.scheduler_address), env=env, capture_output=True, text=True,
                             timeout=300)
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    # only the missing runs were run: the valid chunks were kept
    assert f"{(done_before - 1) * 2} were already done" in resumed.stderr.replace(",", "")
    assert (out / "summary.parquet").read_bytes() == (reference / "summary.parquet").read_bytes()
    assert not list((out / "parts").glob(".*tmp*"))
    summary = pq.read_table(out / "summary.parquet")
    assert summary.column("run").to_pylist() == list(range(40))  # none lost, none duplicated
    ts = pq.read_table(out / "timeseries", columns=["run", "day"])
    assert ts.num_rows == 40 * SPEC["days"]
    assert json.loads((out / "manifest.json").read_text())["status"] == "complete"


def test_embedded_local_cluster_with_one_worker_gives_the_same_bytes(tmp_path):
    """`--workers 1` starts its own LocalCluster (the default path of the CLI); results match in-process."""
    kwargs = dict(design="sobol", samples=64, seed=4, model="ishigami", chunk=40)
    local = sweep(None, ["x1", "x2", "x3"], out=tmp_path / "local", workers=1, **kwargs)
    inproc = sweep(None, ["x1", "x2", "x3"], out=tmp_path / "inproc", workers=0, **kwargs)
    assert local.ok == inproc.ok == 64 * 5
    assert (tmp_path / "local" / "summary.parquet").read_bytes() == (tmp_path / "inproc" / "summary.parquet").read_bytes()
