"""Speed of ``defection.classic.epstein`` against Mesa 3.3's EpsteinCivilViolence.

Both run in this one process, at the same parameters (Mesa's defaults, on a 40×40 and a
100×100 torus), from the same step 0, with random sequential activation; ours also runs
alone at 1000×1000 and 4000×4000. Only stepping is timed (not model construction, not
Numba's one-off cache load, which a warm-up run absorbs). Ours repeats each run over
several seeds so that the timed interval is long enough to measure.

Speed is agent-steps per second: agents (citizens, jailed included, and cops) × steps /
seconds. Seconds are the CPU time of the running thread (``time.thread_time``): both
implementations are single-threaded, and CPU time keeps the comparison fair when other jobs
share the machine; wall-clock rates are printed too. The last line is
``ratio_40=<x> ratio_100=<y>`` (CPU-time ratios).

    python bench/epstein_vs_mesa.py            # about 1–2 minutes
    python bench/epstein_vs_mesa.py --quick    # fewer steps
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import time

from defection.classic import epstein
from defection.classic.peer import run_mesa


def ours_rate(size: int, steps: int, seeds: int) -> tuple[float, float, int]:
    """(CPU-time rate, wall-clock rate, agents of the last run)."""
    p = epstein.EpsteinParams(width=size, height=size)
    agent_steps = 0
    secs = cpu = 0.0
    n = 0
    for s in range(seeds):
        sim = epstein.build(p, seed=s)
        n = sim.state.n_agents
        t0 = time.perf_counter()
        c0 = time.thread_time()
        sim.run(steps)
        cpu += time.thread_time() - c0
        secs += time.perf_counter() - t0
        agent_steps += n * steps
    return agent_steps / cpu, agent_steps / secs, n


def mesa_rate(size: int, steps: int) -> tuple[float, float, int]:
    h = run_mesa(epstein.EpsteinParams(width=size, height=size), steps, seed=0)
    return h["n_agents"] * steps / h["cpu_seconds"], h["n_agents"] * steps / h["seconds"], h["n_agents"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer steps (a rough number in ~30 s)")
    args = ap.parse_args()
    q = args.quick
    # (size, mesa steps, our steps per run, our runs)
    shared = [(40, 25 if q else 60, 60, 40 if q else 100), (100, 5 if q else 12, 60, 5 if q else 20)]
    alone = [(1000, 5 if q else 20, 1), (4000, 2 if q else 3, 1)]

    print(f"# Epstein civil violence I: defection vs Mesa {__import__('mesa').__version__}, "
          f"{dt.date.today().isoformat()}, {platform.machine()}, {os.cpu_count()} cpus, "
          f"python {platform.python_version()}")
    epstein.run(epstein.EpsteinParams(), 2, seed=0)  # warm-up: load the cached kernels
    print("# agent-steps per second of CPU time (wall-clock in brackets)")
    print(f"{'grid':>11} {'agents':>10} {'mesa':>20} {'ours':>26} {'ratio':>14}")
    ratios = {}
    for size, msteps, osteps, oruns in shared:
        m, mw, n = mesa_rate(size, msteps)
        o, ow, _ = ours_rate(size, osteps, oruns)
        ratios[size] = o / m
        print(f"{size:>5}x{size:<5} {n:>10,} {m:>9,.0f} ({mw:>8,.0f}) {o:>12,.0f} ({ow:>11,.0f}) "
              f"{o / m:>5,.0f}x ({ow / mw:>4,.0f}x)", flush=True)
    for size, osteps, oruns in alone:
        t0 = time.perf_counter()
        o, ow, n = ours_rate(size, osteps, oruns)
        print(f"{size:>5}x{size:<5} {n:>10,} {'-':>20} {o:>12,.0f} ({ow:>11,.0f}) {'-':>14}   "
              f"({osteps} steps, {time.perf_counter() - t0:.1f} s with set-up)", flush=True)
    print(f"ratio_40={ratios[40]:.0f} ratio_100={ratios[100]:.0f}")


if __name__ == "__main__":
    main()
