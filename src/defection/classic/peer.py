"""Run the peer implementation, Mesa 3.3's ``EpsteinCivilViolence``, at our parameters.

Needs the ``[peer]`` extra (``pip install -e .[peer]``). Used by the cross-check test and
the speed benchmark; imports Mesa only when called.
"""
from __future__ import annotations

import time

import numpy as np

from defection.classic.epstein import VARIANTS, EpsteinParams


def mesa_kwargs(p: EpsteinParams) -> dict:
    """Mesa's constructor arguments for ``p``; Mesa has only the default rule options."""
    for opt, val in VARIANTS["mesa"].items():
        if getattr(p, opt) != val:
            raise ValueError(f"Mesa's EpsteinCivilViolence has no option {opt}={getattr(p, opt)!r}")
    return dict(
        width=p.width, height=p.height, citizen_density=p.citizen_density, cop_density=p.cop_density,
        citizen_vision=p.citizen_vision, cop_vision=p.cop_vision, legitimacy=p.legitimacy,
        max_jail_term=p.max_jail_term, active_threshold=p.active_threshold,
        arrest_prob_constant=p.arrest_prob_constant, movement=p.movement,
    )


def mesa_model(p: EpsteinParams, seed: int):
    """Mesa's ``EpsteinCivilViolence`` at ``p``, never stopping on its own."""
    from mesa.examples.advanced.epstein_civil_violence.model import EpsteinCivilViolence

    return EpsteinCivilViolence(**mesa_kwargs(p), max_iters=10**9, seed=seed)


def run_mesa(p: EpsteinParams, steps: int, seed: int) -> dict:
    """Columns ``step, quiet, active, jailed`` (step 0 = initial state), plus the number of
    citizens and agents and the wall-clock and CPU (this thread) seconds spent stepping."""
    from mesa.examples.advanced.epstein_civil_violence.agents import Citizen

    m = mesa_model(p, seed)
    t0 = time.perf_counter()
    c0 = time.thread_time()
    for _ in range(steps):
        m.step()
    secs = time.perf_counter() - t0
    cpu = time.thread_time() - c0
    mv = m.datacollector.model_vars
    return {
        "step": np.arange(steps + 1),
        "quiet": np.asarray(mv["quiet"], np.int64),
        "active": np.asarray(mv["active"], np.int64),
        "jailed": np.asarray(mv["arrested"], np.int64),
        "n_citizens": len(m.agents_by_type[Citizen]),
        "n_agents": len(m.agents),
        "seconds": secs,
        "cpu_seconds": cpu,
    }
