"""Benchmark: the default calibration (six parameters, 150 particles, 5 generations) on all cores.

Prints wall time and simulations per second, and the ratio of the time per simulation inside
ABC-SMC to a single simulation timed in the same run (the baseline): a ratio near 1/cores
means the sampler adds little overhead. Target: <= 30 minutes on 2 cores.

    python bench/calibrate.py [OUT_DIR]
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "runs/bench-calibrate")
    if out.exists() and any(out.iterdir()):
        sys.exit(f"{out} is not empty; give a new directory")
    from defection import api
    from defection.experiments.calibration import calibrate, load_observations

    obs_days = max(o.day for o in load_observations("myanmar-2021-early", api.resolve().run.start)) + 1
    api.run(days=5)
    t0 = time.perf_counter()
    for seed in range(3):
        api.run(seed=seed, days=obs_days)
    single = (time.perf_counter() - t0) / 3
    t0 = time.perf_counter()
    summary = calibrate("myanmar-2021", "myanmar-2021-early", [], population=150, generations=5, out=out, seed=0,
                        progress=lambda t, eps: print(f"generation {t}: epsilon {eps:.3f} "
                                                      f"({time.perf_counter() - t0:.0f} s)", flush=True))
    wall = time.perf_counter() - t0
    sims = summary["simulations"]
    print(f"cores              {os.cpu_count()}")
    print(f"simulations        {sims:,} of {obs_days} days")
    print(f"wall time          {wall / 60:.1f} min (target <= 30)")
    print(f"simulations/s      {sims / wall:.2f}")
    print(f"baseline           {single:.3f} s per simulation, one process")
    for key, s in summary["posterior"].items():
        print(f"  {key:38s} median {s['median']:.4g}  90% [{s['q05']:.4g}, {s['q95']:.4g}]")
    print(f"ratio_to_baseline={wall / sims / single:.2f} minutes={wall / 60:.1f} sims_per_s={sims / wall:.2f}")


if __name__ == "__main__":
    main()
