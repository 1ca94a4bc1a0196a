"""Speed of ``defection.classic.epstein`` against Mesa 3.3's EpsteinCivilViolence.

Both run in this one process, at the same parameters (Mesa's defaults, on a 40×40 and a
100×100 torus), over the same steps from step 0, with random sequential activation; ours
also runs alone at 1000×1000 and 4000×4000. Only stepping is timed (not model construction,
not Numba's one-off cache load, which a warm-up run absorbs).

The two are interleaved: in each round Mesa's model advances a step or two, then ours runs
a few fresh seeds over all the steps Mesa covers in the whole benchmark. The machine's
speed drifts by tens of per cent over seconds when it is shared, and interleaving exposes
both to the same drift, so the ratio stays fair. The per-round ratios printed in brackets
also carry Mesa's step-to-step variation (a round times only one or two of its steps).

Speed is agent-steps per second: agents (citizens, jailed included, and cops) × steps /
seconds. Seconds are the CPU time of the running thread (``time.thread_time``): both
implementations are single-threaded. Wall-clock rates are printed too, and the spread of
the ratio over the rounds. The last line is ``ratio_40=<x> ratio_100=<y>`` (CPU-time
ratios over all rounds).

    python bench/epstein_vs_mesa.py            # about 1–2 minutes
    python bench/epstein_vs_mesa.py --quick    # a few steps, ours alone only up to 1000×1000 (CI; ~15 s)
"""
from __future__ import annotations

import argparse
import datetime as dt
import functools
import os
import platform
import time
from dataclasses import dataclass

from defection.classic import epstein
from defection.classic.peer import mesa_model


@dataclass
class Clock:
    """Agent-steps and seconds (thread CPU time and wall clock) accumulated over rounds."""

    agent_steps: int = 0
    cpu: float = 0.0
    wall: float = 0.0

    def time(self, fn, agent_steps: int) -> float:
        """Run ``fn()``, add its cost; returns its CPU-time rate."""
        t0, c0 = time.perf_counter(), time.thread_time()
        fn()
        cpu = time.thread_time() - c0
        self.wall += time.perf_counter() - t0
        self.cpu += cpu
        self.agent_steps += agent_steps
        return agent_steps / cpu

    @property
    def rate(self) -> float:
        return self.agent_steps / self.cpu

    @property
    def wall_rate(self) -> float:
        return self.agent_steps / self.wall


def shared_size(size: int, rounds: int, steps_per_round: int, seeds: int) -> tuple[Clock, Clock, list[float], int]:
    """Mesa and ours, interleaved; (mesa, ours, per-round ratios, Mesa's agents).

    Mesa's one model advances ``steps_per_round`` steps a round, so that over all rounds it
    covers steps 1..rounds·steps_per_round once. In each round ours runs ``seeds`` fresh
    models (new seeds each round) over that whole range: the same steps, averaged the same
    way, and each model keeps its data in cache while it runs, as Mesa's does."""
    p = epstein.EpsteinParams(width=size, height=size)
    mesa = mesa_model(p, seed=0)
    n_mesa = len(mesa.agents)
    steps = rounds * steps_per_round
    mclock, oclock, ratios = Clock(), Clock(), []

    def mesa_steps():
        for _ in range(steps_per_round):
            mesa.step()

    for r in range(rounds):
        ours = [epstein.build(p, seed=r * seeds + s) for s in range(seeds)]
        n_ours = sum(sim.state.n_agents for sim in ours)
        m = mclock.time(mesa_steps, n_mesa * steps_per_round)
        o = oclock.time(functools.partial(run_all, ours, steps), n_ours * steps)
        ratios.append(o / m)
    return mclock, oclock, ratios, n_mesa


def run_all(sims: list, steps: int) -> None:
    for sim in sims:
        sim.run(steps)


def alone(size: int, steps: int) -> tuple[Clock, int]:
    sim = epstein.build(epstein.EpsteinParams(width=size, height=size), seed=0)
    clock = Clock()
    clock.time(lambda: sim.run(steps), sim.state.n_agents * steps)
    return clock, sim.state.n_agents


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="a few steps: checks that the benchmark runs (CI), "
                                                         "measures nothing")
    q = ap.parse_args().quick
    # (size, rounds, steps per round, our seeds): 60 steps at 40×40, 12 at 100×100
    shared = [(40, 4 if q else 30, 2, 2), (100, 2 if q else 12, 1, 1)]
    big = [(1000, 3)] if q else [(1000, 20), (4000, 3)]

    import mesa

    print(f"# Epstein civil violence I: defection vs Mesa {mesa.__version__}, {dt.date.today().isoformat()}, "
          f"{platform.machine()}, {os.cpu_count()} cpus, python {platform.python_version()}")
    epstein.run(epstein.EpsteinParams(), 2, seed=0)  # warm-up: load the cached kernels
    print("# agent-steps per second of CPU time (wall-clock in brackets); ratio over all rounds "
          "[lowest-highest round]")
    print(f"{'grid':>11} {'agents':>10} {'mesa':>20} {'ours':>26} {'ratio':>24}")
    total = {}
    for size, rounds, per_round, seeds in shared:
        m, o, ratios, n = shared_size(size, rounds, per_round, seeds)
        total[size] = o.rate / m.rate
        print(f"{size:>5}x{size:<5} {n:>10,} {m.rate:>9,.0f} ({m.wall_rate:>8,.0f}) {o.rate:>12,.0f} "
              f"({o.wall_rate:>11,.0f}) {total[size]:>7,.0f}x [{min(ratios):,.0f}-{max(ratios):,.0f}]  "
              f"({rounds * per_round} steps)", flush=True)
    for size, steps in big:
        t0 = time.perf_counter()
        o, n = alone(size, steps)
        print(f"{size:>5}x{size:<5} {n:>10,} {'-':>20} {o.rate:>12,.0f} ({o.wall_rate:>11,.0f}) {'-':>24}  "
              f"({steps} steps, {time.perf_counter() - t0:.1f} s with set-up)", flush=True)
    print(f"ratio_40={total[40]:.0f} ratio_100={total[100]:.0f}")


if __name__ == "__main__":
    main()
