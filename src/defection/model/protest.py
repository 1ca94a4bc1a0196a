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

Public mood (MODEL.md §2.1): killings lower legitimacy (backlash), which recovers towards
its base; killings also build fear, which fades slowly. Backlash is fast and fear is slow,
so fear wins over weeks and protest declines after April (MODEL.md §4b).
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


@njit(parallel=True, cache=True)
def activate(civ_start, hardship, risk, jailed_until, active, deployed, active_agents, legitimacy, fear,
             scale, threshold, kappa, reach, day):
    """Update ``active`` (M,) in place; write each township's active agents into ``active_agents`` (T,)."""
    nt = len(civ_start) - 1
    for t in prange(nt):
        p_arrest = arrest_probability(kappa, reach, deployed[t], scale * active_agents[t])
        risk_t = p_arrest + fear
        count = 0
        for j in range(civ_start[t], civ_start[t + 1]):
            if jailed_until[j] > day:
                active[j] = 0
                continue
            a = hardship[j] * (1.0 - legitimacy) - risk[j] * risk_t > threshold
            active[j] = a
            count += a
        active_agents[t] = count


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
