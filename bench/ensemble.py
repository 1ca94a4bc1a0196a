"""Benchmark: an ensemble of the default scenario on Dask, and the parallel efficiency from 1 to 2 workers.

    python bench/ensemble.py                       # 1,000-run ensemble on 2 local workers + efficiency
    python bench/ensemble.py --runs 100            # smaller; the 1,000-run time is extrapolated linearly
    python bench/ensemble.py --quick               # 4 runs of 10 days each way: checks that it runs (CI)

Targets (issue): 1,000 runs of the default scenario in <= 20 minutes on 2 cores; parallel efficiency
from 1 to 2 local workers >= 90%. Timings are compared with a baseline measured in this same process
(one default run, in-process, one numba thread), never with fixed numbers, since machines differ.
Run it on an otherwise idle machine: efficiency cannot be measured while other jobs share the cores.
"""
from __future__ import annotations

import argparse
import logging
import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("NUMBA_NUM_THREADS", "1")


def ensemble_plan(runs: int, days: int | None, seed: int = 0, chunk: int = 4):
    from defection import api
    from defection.experiments.executor import Plan

    base = api.resolve("myanmar-2021", days=days).model_dump(mode="json")
    return Plan(kind="sweep", model="defection", base=base, points=[{}], labels={}, replicates=runs, seed=seed,
                seed_by="run", chunk=chunk, timeseries=True, spec={"bench": "ensemble"})


def timed_execute(plan, client, out: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds used by the worker processes) for running ``plan``."""
    from defection.experiments.executor import execute

    cpu0 = client.run(time.process_time)
    t0 = time.perf_counter()
    outcome = execute(plan, out, scheduler=client, force=True)
    elapsed = time.perf_counter() - t0
    cpu1 = client.run(time.process_time)
    assert outcome.ok == plan.n_runs, f"{outcome.failed} runs failed"
    return elapsed, sum(cpu1[w] - cpu0[w] for w in cpu1 if w in cpu0)


def start(workers: int):
    from distributed import Client, LocalCluster

    from defection.experiments._dask import WarmUpPlugin

    t0 = time.perf_counter()
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                           dashboard_address=None, silence_logs=logging.CRITICAL, env={"NUMBA_NUM_THREADS": "1"})
    client = Client(cluster)
    client.register_plugin(WarmUpPlugin("defection"), name="defection-warmup-defection")  # kernels loaded once
    return cluster, client, time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=1000, help="ensemble size (default 1000)")
    ap.add_argument("--workers", type=int, default=2, help="local workers for the ensemble (default 2)")
    ap.add_argument("--efficiency-runs", type=int, default=40, help="runs timed on 1 and on 2 workers (default 40)")
    ap.add_argument("--days", type=int, default=None, help="days per run (default: the scenario's 334)")
    ap.add_argument("--chunk", type=int, default=4, help="runs per Dask task (default 4, as in sweeps)")
    ap.add_argument("--skip-ensemble", action="store_true", help="only measure the efficiency")
    ap.add_argument("--quick", action="store_true", help="4 runs of 10 days for each measurement (CI; measures "
                                                         "nothing, checks that the benchmark runs)")
    args = ap.parse_args()
    if args.quick:
        args.runs, args.efficiency_runs, args.days, args.chunk = 4, 4, 10, 2

    import numba

    from defection import api

    numba.set_num_threads(1)
    api.run(days=3, overrides={"force.n_officers": 200, "run.scale": 10000})  # load kernels
    base_times, base_cpu = [], []
    for s in range(3):
        t0, c0 = time.perf_counter(), time.process_time()
        api.run("myanmar-2021", seed=s, days=args.days)
        base_times.append(time.perf_counter() - t0)
        base_cpu.append(time.process_time() - c0)
    t1, c1 = statistics.median(base_times), statistics.median(base_cpu)
    print(f"baseline: one default run in-process, 1 thread: {t1:.3f} s wall, {c1:.3f} s CPU (median of 3); "
          f"load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        # parallel efficiency: the same runs on 1 and on 2 workers (cluster start-up excluded)
        timings, cpu = {}, {}
        for w in (1, 2):
            cluster, client, startup = start(w)
            try:
                plan = ensemble_plan(args.efficiency_runs, args.days, seed=1, chunk=max(1, args.chunk // 2))
                timings[w], cpu[w] = timed_execute(plan, client, tmp / f"eff{w}")
            finally:
                client.close()
                cluster.close()
            print(f"{args.efficiency_runs} runs on {w} worker(s): {timings[w]:.1f} s wall, {cpu[w]:.1f} s worker CPU "
                  f"(cluster start {startup:.1f} s); wall {timings[w] / (args.efficiency_runs * t1 / w):.2f}x the "
                  f"baseline's ideal; load average {os.getloadavg()[0]:.1f}")
        eff = timings[1] / (2 * timings[2])
        print(f"parallel efficiency 1 -> 2 workers (wall): {eff:.0%} (target >= 90%)")
        verdict = {"efficiency": round(eff, 3), "cpu_efficiency": round(cpu[1] / cpu[2], 3)}
        # CPU accounting is insensitive to other jobs on the machine: the share of the 2 workers' CPU that
        # is simulation (baseline CPU per run x runs), relative to the same share on 1 worker
        share = {w: args.efficiency_runs * c1 / cpu[w] for w in (1, 2)}
        print(f"simulation share of worker CPU: {share[1]:.0%} on 1 worker, {share[2]:.0%} on 2; "
              f"CPU-based efficiency 1 -> 2 workers: {cpu[1] / cpu[2]:.0%} (overhead only; excludes idle time)")

        if not args.skip_ensemble:
            t0 = time.perf_counter()
            cluster, client, startup = start(args.workers)
            try:
                plan = ensemble_plan(args.runs, args.days, seed=2, chunk=args.chunk)
                run_time, run_cpu = timed_execute(plan, client, tmp / "ensemble")
            finally:
                client.close()
                cluster.close()
            total = time.perf_counter() - t0
            ideal = args.runs * t1 / args.workers
            verdict["ratio_to_baseline"] = round(run_time / ideal, 3)
            print(f"ensemble: {args.runs} runs on {args.workers} workers: {total:.1f} s wall "
                  f"({run_time:.1f} s running, {startup:.1f} s cluster start); {run_time / ideal:.2f}x the "
                  f"baseline's ideal of {ideal:.1f} s; worker CPU {run_cpu:.1f} s = "
                  f"{run_cpu / (args.runs * c1):.2f}x the baseline's CPU per run; load average "
                  f"{os.getloadavg()[0]:.1f}")
            if args.runs != 1000:
                per_run = run_time / args.runs
                print(f"extrapolated to 1,000 runs: {(1000 * per_run + startup) / 60:.1f} min "
                      f"(linear in runs; target <= 20 min)")
            else:
                print(f"1,000-run ensemble: {total / 60:.1f} min (target <= 20 min)")
        print(" ".join(f"{k}={v}" for k, v in verdict.items()))


if __name__ == "__main__":
    main()
