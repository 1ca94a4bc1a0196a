"""Benchmark: a default optimisation (200 candidates x 16 draws of the built-in scenario) on 2 local workers.

    python bench/optimize.py                  # 200 candidates x 16 draws (+ 16 status-quo runs), 2 workers
    python bench/optimize.py --candidates 40  # smaller; the 200-candidate time is extrapolated linearly
    python bench/optimize.py --quick          # 4 candidates x 2 draws of a tiny scenario, in-process (CI)

Target (issue 13): the default optimisation in <= 30 minutes on 2 cores. Prints evaluations (model runs)
per second, and the ratio of the optimisation's wall time to its runs' time as whole runs timed in this
same process (the baseline), shared between the workers: near 1 means Optuna, SQLite and Dask add little;
below 1, candidates started from their status quo's state on the day their programmes open
(``ModelEvaluator.batch``) skip the days before. Run it on an otherwise idle machine.
"""
from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("NUMBA_NUM_THREADS", "1")

QUICK_SETS = ["run.days=30", "run.scale=5000", "force.n_officers=1500"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--candidates", type=int, default=200, help="candidates evaluated (default 200)")
    ap.add_argument("--population", type=int, default=20, help="candidates per generation (default 20)")
    ap.add_argument("--draws", type=int, default=16, help="draws per candidate (default 16)")
    ap.add_argument("--workers", type=int, default=2, help="local Dask workers (default 2; 0 in-process)")
    ap.add_argument("--budget", default="0:200000000", help="--budget-kyat-month (default 0:200000000)")
    ap.add_argument("--quick", action="store_true", help="4 candidates x 2 draws of a tiny scenario (CI)")
    args = ap.parse_args()
    sets: list[str] = []
    if args.quick:
        args.candidates, args.population, args.draws, args.workers, sets = 4, 4, 2, 0, QUICK_SETS

    import numba

    from defection import api
    from defection.experiments import optimize as opt

    numba.set_num_threads(1)
    api.run(days=3, overrides={"force.n_officers": 200, "run.scale": 10000})  # load kernels
    times = []
    for s in range(2):
        t0 = time.perf_counter()
        api.run("myanmar-2021", seed=s, overrides=sets)
        times.append(time.perf_counter() - t0)
    t1 = statistics.median(times)
    print(f"baseline: one run in-process, 1 thread: {t1:.3f} s; load average {os.getloadavg()[0]:.1f} on "
          f"{os.cpu_count()} cores")
    problem = opt.plan_optimize("myanmar-2021", args.budget, draws=args.draws, candidates=args.candidates,
                                population=args.population, overrides=sets,
                                constraints=["capacity_drop>=0.05"])
    runs = (problem.n_candidates + 1) * args.draws  # the status quo is evaluated once per draw
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        summary = opt.optimize(problem, Path(tmp) / "optimize", workers=args.workers)
        wall = time.perf_counter() - t0
    rate = runs / wall
    ideal = runs * t1 / max(1, args.workers)
    print(f"{problem.n_candidates} candidates x {args.draws} draws + status quo = {runs} runs on "
          f"{args.workers} workers in {wall:.1f} s ({rate:.2f} evaluations/s; cluster start included); "
          f"{summary['pareto']} on the front, {summary['feasible']} feasible")
    if args.quick:
        pass  # a tiny scenario: nothing to extrapolate
    elif problem.n_candidates != 200 or args.draws != 16:
        print(f"extrapolated to 200 x 16: {(201 * 16) / rate / 60:.1f} min (linear in runs; target <= 30 min)")
    else:
        print(f"default optimisation: {wall / 60:.1f} min (target <= 30 min)")
    print(f"evaluations_per_s={rate:.4f} ratio_to_baseline={wall / ideal:.3f} minutes={wall / 60:.3f}")


if __name__ == "__main__":
    main()
