"""Protest: public mood and civilians' activation (Epstein 2002, civil violence model I).

Each civilian agent j in township t is active when

    G_j - R_j * (P_t + F) > T,   G_j = H_j * (1 - L)
    P_t = 1 - exp(-kappa * reach * C_t / (k * A_t + 1))

with L the regime's legitimacy, F the fear built up by killings, C_t the effectiveness-
weighted officers deployed in the township, A_t yesterday's active agents there and k the
people each agent stands for. ``reach`` converts an officer into Epstein cops (the army's
presence behind the police is folded into it; assumed). F extends Epstein's net risk R*P
with the risk of being killed: fear built up by killings, which unlike P is not capped at 1,
so sustained killing can end protest altogether.

Public mood: killings lower legitimacy (backlash), which recovers towards
its base; killings also build fear, which fades slowly. Backlash is fast and fear is slow,
so fear wins over weeks and protest declines after April.

References
----------
.. [1] Epstein, J. M. (2002). Modeling civil violence: an agent-based computational approach. *PNAS* 99(suppl.
   3), 7243-7250.
.. [2] Kyed, H. M. & Nyan Corridor (2021). *Police under the military coup in Myanmar: between violence, fear
   and desertion*. DIIS.
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

from defection.model.state import COMPLIANT


def update_mood(legitimacy: float, fear: float, deaths: int, compliant_share: float, p, predation: bool):
    """Tomorrow's (legitimacy, fear) from today's killings. ``p`` is the civilians section."""
    target = p.civilians.legitimacy_base
    if predation:
        target -= p.predation.legitimacy_cost * compliant_share
    legitimacy += p.civilians.legitimacy_recovery * (target - legitimacy) - p.civilians.backlash_per_death * deaths
    fear = fear * (1.0 - p.civilians.fear_decay) + p.civilians.fear_per_death * deaths
    return min(1.0, max(0.0, legitimacy)), max(0.0, fear)


@njit(cache=True, inline="always")
def arrest_probability(kappa, reach, deployed, active_people):
    """Epstein's P = 1 - exp(-kappa * C/A), with C in Epstein cops and A counting the chooser."""
    return 1.0 - math.exp(-kappa * reach * deployed / (active_people + 1.0))


SEGMENT = 1 << 16  # agents per work unit of the parallel loops over civilians


@njit(cache=True)
def segments(starts, size):
    """Work units for ``prange``: each township's range ``starts[t]:starts[t+1]`` cut at multiples of ``size``.

    Returns (lo, town): segment s covers agents ``lo[s]:lo[s+1]`` of township ``town[s]``. Numba
    splits a ``prange`` statically into one contiguous block of iterations per thread; over
    townships that gives threads unequal numbers of agents (townships differ in size), over
    segments of at most ``size`` agents the blocks are equal to within a few segments.
    """
    nt = len(starts) - 1
    count = 0
    for t in range(nt):
        if starts[t + 1] > starts[t]:
            count += (starts[t + 1] - 1) // size - starts[t] // size + 1
    lo = np.empty(count + 1, np.int64)
    town = np.empty(count, np.int64)
    k = 0
    for t in range(nt):
        a, b = starts[t], starts[t + 1]
        while a < b:
            lo[k] = a
            town[k] = t
            k += 1
            a = min(b, (a // size + 1) * size)
    lo[count] = starts[nt]
    return lo, town


@njit(parallel=True, cache=True)
def activate(civ_start, hardship, risk, jailed_until, active, deployed, active_agents, legitimacy, fear,
             scale, threshold, kappa, reach, day):
    """Update ``active`` (M,) in place; write each township's active agents into ``active_agents`` (T,).

    The loop over agents is branch-free (so it vectorises) and runs over :func:`segments`, balanced
    across threads; each agent's outcome depends only on its own draws and its township's values,
    so the result is the same for any thread count.
    """
    nt = len(civ_start) - 1
    risk_t = np.empty(nt)
    for t in range(nt):
        risk_t[t] = arrest_probability(kappa, reach, deployed[t], scale * active_agents[t]) + fear
    grievance = 1.0 - legitimacy
    lo, town = segments(civ_start, SEGMENT)
    ns = len(town)
    counts = np.zeros(ns, np.int64)
    for s in prange(ns):
        r = risk_t[town[s]]
        a, b = lo[s], lo[s + 1]
        # views starting at 0 let LLVM prove the accesses contiguous and vectorise (~3x faster)
        h, rk, jail, act = hardship[a:b], risk[a:b], jailed_until[a:b], active[a:b]
        count = 0
        for j in range(b - a):
            on = (jail[j] <= day) & (h[j] * grievance - rk[j] * r > threshold)
            act[j] = on
            count += on
        counts[s] = count
    active_agents[:] = 0
    for s in range(ns):
        active_agents[town[s]] += counts[s]


def protest(sim, day: int) -> None:
    s, p = sim.state, sim.params
    nat, civ, tw = s.national, s.civilians, s.townships
    compliant_share = float(np.count_nonzero(s.officers.state == COMPLIANT)) / max(1, s.officers.n)
    nat.legitimacy, nat.fear = update_mood(
        nat.legitimacy, nat.fear, nat.deaths_yesterday, compliant_share, p, p.switches.predation
    )
    activate(
        tw.civ_start, civ.hardship, civ.risk_aversion, civ.jailed_until, civ.active, tw.deployed, tw.active_agents,
        nat.legitimacy, nat.fear, float(p.run.scale), p.civilians.threshold, p.civilians.arrest_constant,
        p.civilians.reach, day,
    )
