"""Benchmark: the default calibration (six parameters, 150 particles, 5 generations) on all cores.

Prints wall time and simulations per second, and the ratio of the time per simulation inside
ABC-SMC to a single simulation timed in the same run (the baseline): a ratio near 1/cores
means the sampler adds little overhead. Target: <= 15 minutes on 2 cores (issue 23).

    python bench/calibrate.py [OUT_DIR]
    python bench/calibrate.py --quick [OUT_DIR]   # small force, 2 parameters, 8 particles, 2 generations,
                                                  # one process (CI)

Without OUT_DIR the record goes to runs/bench-calibrate (a temporary directory with --quick).
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

QUICK = dict(overrides=["force.n_officers=20000", "run.scale=5000"], population=8, generations=2, predictive_draws=2,
             workers=1, fits=["crackdown.deaths_per_1000_active=0.0003:0.004", "decision.defect_threshold=0.4:1.6"])
"""The --quick calibration: it runs every step of the full one at a fraction of the cost."""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", nargs="?", help="an empty or new directory for the calibration record")
    ap.add_argument("--quick", action="store_true", help="a tiny calibration that checks the benchmark runs (CI)")
    args = ap.parse_args()
    if args.out is None and args.quick:
        args.out = tempfile.mkdtemp(prefix="bench-calibrate-")
    out = Path(args.out or "runs/bench-calibrate")
    if out.exists() and any(out.iterdir()):
        sys.exit(f"{out} is not empty; give a new directory")
    from defection import api
    from defection.experiments.calibration import calibrate, load_observations

    size = {k: v for k, v in QUICK.items() if k != "fits"} if args.quick else dict(population=150, generations=5)
    fits = QUICK["fits"] if args.quick else []
    overrides = size.get("overrides")
    obs_days = max(o.day for o in load_observations("myanmar-2021-early", api.resolve().run.start)) + 1
    api.run(days=5, overrides=overrides)
    t0 = time.perf_counter()
    for seed in range(3):
        api.run(seed=seed, days=obs_days, overrides=overrides)
    single = (time.perf_counter() - t0) / 3
    t0 = time.perf_counter()
    summary = calibrate("myanmar-2021", "myanmar-2021-early", fits, out=out, seed=0, **size,
                        progress=lambda t, eps: print(f"generation {t}: epsilon {eps:.3f} "
                                                      f"({time.perf_counter() - t0:.0f} s)", flush=True))
    wall = time.perf_counter() - t0
    sims = summary["simulations"]
    print(f"cores              {os.cpu_count()}" + (" (--quick: one worker process)" if args.quick else ""))
    print(f"simulations        {sims:,} of {obs_days} days")
    print(f"wall time          {wall / 60:.1f} min (target <= 15)")
    print(f"simulations/s      {sims / wall:.2f}")
    print(f"baseline           {single:.3f} s per simulation, one process")
    for key, s in summary["posterior"].items():
        print(f"  {key:38s} median {s['median']:.4g}  90% [{s['q05']:.4g}, {s['q95']:.4g}]")
    print(f"ratio_to_baseline={wall / sims / single:.2f} minutes={wall / 60:.1f} sims_per_s={sims / wall:.2f}")


if __name__ == "__main__":
    main()
