"""Benchmark: the default scenario (police and army, 730 days), on one core, with Numba's cache warm.

Prints wall time (the fastest of three runs, timed without memory tracing, which slows Python
code), agent-steps per second and peak memory per agent (a fourth run, traced), the ratio to the version-1
default measured in the same run (the police alone over 334 days: ``switches.army=false``,
``run.days=334``; the army, two years and the new mechanisms are what version 2 adds), and the
ratio of the model's time to a baseline measured in the same run: one vectorised NumPy pass that
reads and writes every agent's float32 state once a day (the cheapest possible day).

    python bench/run_default.py            # one thread (the target: <= 1 s)
    NUMBA_NUM_THREADS=2 python bench/run_default.py
    python bench/run_default.py --quick    # 20 days: checks that it runs (CI), measures nothing
"""
from __future__ import annotations

import argparse
import os

os.environ.setdefault("NUMBA_NUM_THREADS", "1")

import time  # noqa: E402
import tracemalloc  # noqa: E402

import numpy as np  # noqa: E402

from defection import api, model, scenarios  # noqa: E402


def baseline_seconds(n_agents: int, days: int) -> float:
    state = np.zeros(n_agents, np.float32)
    t0 = time.perf_counter()
    for _ in range(days):
        np.multiply(state, np.float32(0.99), out=state)
    return time.perf_counter() - t0


QUICK_DAYS = 20
REPEATS = 3


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help=f"{QUICK_DAYS} days instead of the scenario's 730 (CI)")
    quick = ap.parse_args().quick
    sc = scenarios.load("myanmar-2021")
    if quick:
        sc = api.resolve(sc, days=QUICK_DAYS)
    api.run(sc, days=5)  # warm Numba's cache and imports
    v1 = api.resolve(sc, overrides=["switches.army=false"], days=QUICK_DAYS if quick else 334)
    wall, v1_wall = float("inf"), float("inf")
    for _ in range(1 if quick else REPEATS):  # interleaved, so that a change in the machine's speed hits both
        t0 = time.perf_counter()
        result = api.run(sc)
        wall = min(wall, time.perf_counter() - t0)
        t0 = time.perf_counter()
        api.run(v1)
        v1_wall = min(v1_wall, time.perf_counter() - t0)
    tracemalloc.start()
    api.run(sc)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    sim = model.build(sc)
    agents = sim.state.officers.n + len(sim.state.civilians.hardship)
    days = sc.run.days
    base = baseline_seconds(agents, days)
    print(f"threads            {os.environ['NUMBA_NUM_THREADS']}")
    print(f"agents             {agents:,} ({sim.state.officers.n:,} officers, {agents - sim.state.officers.n:,} civilians at k={sc.run.scale})")
    print(f"days               {days}")
    print(f"wall time          {wall:.2f} s")
    print(f"agent-steps/s      {agents * days / wall:,.0f}")
    print(f"peak memory        {peak / 2**20:.1f} MiB traced = {peak / agents:.0f} bytes per agent")
    print(f"baseline           {base:.3f} s (one NumPy pass over every agent a day)")
    print(f"version-1 default  {v1_wall:.2f} s (police only, {v1.run.days} days); ratio_to_v1={wall / v1_wall:.2f}")
    print("profile            " + ", ".join(f"{n} {s:.2f}s" for n, s, _ in result.profile))
    print(f"ratio_to_baseline={wall / base:.1f} seconds={wall:.2f} bytes_per_agent={peak / agents:.0f}")


if __name__ == "__main__":
    main()
