"""Benchmark: the optimiser with every candidate on every draw (single fidelity, as before issue 23) against
successive halving over draws (the default), on the built-in scenario and 2 local workers.

    python bench/optimize.py                  # 200 candidates x 16 draws each way, halving from 4 draws
    python bench/optimize.py --candidates 40  # smaller
    python bench/optimize.py --quick          # 4 candidates x 2 draws of a tiny scenario, in-process (CI)

Both searches ask the same number of candidates with the same seed and judge them on the same draws (the same
seeds: the status quo's and every candidate's), so their best fronts (capacity drop p10 against money spent,
``pareto.parquet``) are measured alike: printed side by side, and by the hypervolume each dominates between
no drop and the most a candidate can spend (the budget's ceiling over the horizon), as a share of that box.
Also printed: runs (one candidate on one draw) and wall time of each, evaluations per second of the new one,
and the ratio of its wall time to its runs' time as whole runs timed in this process (the baseline), shared
between the workers. Target (issue 23): the README's answer (both searches) in <= 15 min on 2 cores, with the
answer's p10 within the draws' noise of the single-fidelity one. Run it on an otherwise idle machine.
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


def hypervolume(front: list[dict], cost_ceiling: float) -> float:
    """Share of the box [0, 1] drop x [0, cost_ceiling] spent that the front dominates (drop p10 up, cost down)."""
    points = sorted((r["cost"], max(0.0, r["capacity_drop"])) for r in front if r["cost"] < cost_ceiling)
    area, best_drop = 0.0, 0.0
    for k, (cost, drop) in enumerate(points):  # by increasing cost: each step is held up to the next point
        best_drop = max(best_drop, drop)
        upto = points[k + 1][0] if k + 1 < len(points) else cost_ceiling
        area += best_drop * (upto - cost)
    return area / cost_ceiling


def search(problem, out: Path, workers: int) -> tuple[dict, list[dict], float]:
    import pyarrow.parquet as pq

    from defection.experiments import optimize as opt

    t0 = time.perf_counter()
    summary = opt.optimize(problem, out, workers=workers)
    return summary, pq.read_table(out / "pareto.parquet").to_pylist(), time.perf_counter() - t0


def side_by_side(fronts: dict[str, list[dict]]) -> None:
    """Each search's front, by money spent: budget, capacity drop p10 and mean, money spent (M kyat)."""
    print(f"{'search':<16}{'trial':>6}{'budget M/month':>16}{'drop p10':>10}{'drop mean':>11}{'spent M':>12}")
    for name, front in fronts.items():
        for r in sorted(front, key=lambda r: r["cost"]):
            print(f"{name:<16}{r['trial']:>6}{r['budget_kyat_month'] / 1e6:>16,.1f}{r['capacity_drop']:>10.2%}"
                  f"{r['capacity_drop_mean']:>11.2%}{r['cost_mean'] / 1e6:>12,.1f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--candidates", type=int, default=200, help="candidates evaluated (default 200)")
    ap.add_argument("--population", type=int, default=20, help="candidates per generation (default 20)")
    ap.add_argument("--draws", type=int, default=16, help="draws at full fidelity (default 16)")
    ap.add_argument("--min-draws", type=int, default=4, help="the halving search's first rung (default 4)")
    ap.add_argument("--workers", type=int, default=2, help="local Dask workers (default 2; 0 in-process)")
    ap.add_argument("--budget", default="0:200000000", help="--budget-kyat-month (default 0:200000000)")
    ap.add_argument("--quick", action="store_true", help="4 candidates x 2 draws of a tiny scenario (CI)")
    args = ap.parse_args()
    sets: list[str] = []
    if args.quick:
        args.candidates, args.population, args.draws, args.min_draws, args.workers, sets = 4, 4, 2, 1, 0, QUICK_SETS

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
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, min_draws in (("single-fidelity", args.draws), ("halving", args.min_draws)):
            problem = opt.plan_optimize("myanmar-2021", args.budget, draws=args.draws, candidates=args.candidates,
                                        population=args.population, overrides=sets, min_draws=min_draws)
            results[name] = search(problem, Path(tmp) / name, args.workers)
    ceiling = opt.parse_budget(args.budget)[1] * opt.horizon_months(problem.base)
    side_by_side({name: front for name, (_, front, _) in results.items()})
    for name, (summary, front, wall) in results.items():
        print(f"{name}: {summary['evaluated']} of {summary['candidates']} candidates on all {args.draws} draws "
              f"(rungs {summary['rungs']}), {summary['evaluations']} runs + {args.draws} status quo in {wall:.1f} s "
              f"on {args.workers} workers; hypervolume {hypervolume(front, ceiling):.5f}")
    (old, _, old_wall), (new, new_front, new_wall) = results["single-fidelity"], results["halving"]
    runs = new["evaluations"] + args.draws
    ideal = runs * t1 / max(1, args.workers)
    ratio = hypervolume(new_front, ceiling) / max(hypervolume(results["single-fidelity"][1], ceiling), 1e-300)
    saved = 1 - new["evaluations"] / old["evaluations"]
    print(f"halving: {saved:.0%} fewer runs, {1 - new_wall / old_wall:.0%} less wall time, hypervolume "
          f"{ratio:.3f}x the single-fidelity search's")
    print(f"evaluations_per_s={runs / new_wall:.4f} ratio_to_baseline={new_wall / ideal:.3f} "
          f"minutes={new_wall / 60:.3f} hypervolume_ratio={ratio:.4f} evaluations_saved={saved:.4f}")


if __name__ == "__main__":
    main()
