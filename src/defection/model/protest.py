"""Protest and armed resistance: public mood and civilians' two actions (Epstein 2002, civil violence model I).

Each civilian agent j in township t, not in jail, joins **armed resistance** when a call to arms
is in force (``resistance.events``, e.g. the People's Defence Force of 5 May 2021) and

    G_j + w_c X + call - R_j * w_r * rho * E > T_a,   G_j = H_j * (1 - L),  X = 1 - exp(-killed / K)

and otherwise **protests openly** (and joins the civil disobedience movement) when

    G_j - R_j * (P_t + F) > T,   P_t = 1 - exp(-kappa * reach * C_t / (k * A_t + 1))

with L the regime's legitimacy, X how crushed peaceful protest is (killings so far against
``crushed_reference_deaths`` K), E the regime's intensity, rho the risk of armed action, F fear
and C_t the effectiveness-weighted strength deployed in the township, A_t yesterday's
protesting agents there and k the people each agent stands for. Armed action needs more
grievance (T_a > T) and weighs risk aversion more (w_r > 1), and it grows as protest is crushed.

Public mood: the coup is a legitimacy shock on day 0 (from ``legitimacy_pre_coup``, by
``coup_shock``); killings lower legitimacy further (backlash), which recovers towards its base.
Killings build a fear stock x, which fades slowly; fear is bounded,

    F = F_max (1 - exp(-x)),

so that with arrests it ends mass street protest within months, as it did, but cannot end it
by growing without limit.

References
----------
.. [1] Epstein, J. M. (2002). Modeling civil violence: an agent-based computational approach. *PNAS* 99(suppl.
   3), 7243-7250.
.. [2] Kyed, H. M. & Nyan Corridor (2021). *Police under the military coup in Myanmar: between violence, fear
   and desertion*. DIIS.
"""
from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numba import njit, prange

from defection.engine.kernels import serial_or_parallel
from defection.model.state import ARMED, COMPLIANT  # noqa: F401 (ARMED: the value activate writes)


def update_mood(legitimacy: float, fear_stock: float, deaths: int, compliant_share: float, p, predation: bool):
    """Tomorrow's (legitimacy, fear stock, fear) from today's killings. ``p`` is the scenario."""
    c = p.civilians
    target = c.legitimacy_base
    if predation:
        target -= p.predation.legitimacy_cost * compliant_share
    legitimacy += c.legitimacy_recovery * (target - legitimacy) - c.backlash_per_death * deaths
    fear_stock = max(0.0, fear_stock * (1.0 - c.fear_decay) + c.fear_per_death * deaths)
    return min(1.0, max(0.0, legitimacy)), fear_stock, c.fear_max * -math.expm1(-fear_stock)


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


class ArmedAction(NamedTuple):
    """The terms of armed action today (module docstring)."""

    push: float  # w_c X + call
    threshold: float  # T_a; with no call in force, above any reachable value
    risk: float  # w_r rho E


class Activation(NamedTuple):
    """The parameters of civilians' choice today, by name (module docstring)."""

    legitimacy: float  # L
    fear: float  # F
    scale: float  # k: people per agent
    threshold: float  # T: the threshold of open protest
    arrest_constant: float  # kappa
    reach: float  # Epstein cops per unit of effectiveness-weighted strength
    armed: ArmedAction


@serial_or_parallel
def activate(civ_start, hardship, risk, jailed_until, active, deployed, active_agents, armed_agents, terms, day):
    """Update ``active`` (M,) in place (INACTIVE, PROTESTING or ARMED); write each township's protesting and armed
    agents into ``active_agents`` and ``armed_agents`` (T,).

    ``terms`` (:class:`Activation`) are the parameters, the terms of armed action among them.

    The loop over agents is branch-free (so it vectorises) and runs over :func:`segments`, balanced
    across threads; each agent's outcome depends only on its own draws and its township's values,
    so the result is the same for any thread count.
    """
    scale, threshold, kappa, reach = terms.scale, terms.threshold, terms.arrest_constant, terms.reach
    push, armed_threshold, armed_risk = terms.armed.push, terms.armed.threshold, terms.armed.risk
    nt = len(civ_start) - 1
    risk_t = np.empty(nt)
    for t in range(nt):
        risk_t[t] = arrest_probability(kappa, reach, deployed[t], scale * active_agents[t]) + terms.fear
    grievance = 1.0 - terms.legitimacy
    lo, town = segments(civ_start, SEGMENT)
    ns = len(town)
    counts = np.zeros(ns, np.int64)
    armed_counts = np.zeros(ns, np.int64)
    for s in prange(ns):
        r = risk_t[town[s]]
        a, b = lo[s], lo[s + 1]
        # views starting at 0 let LLVM prove the accesses contiguous and vectorise (~3x faster)
        h, rk, jail, act = hardship[a:b], risk[a:b], jailed_until[a:b], active[a:b]
        count = 0
        armed_count = 0
        for j in range(b - a):
            free = jail[j] <= day
            g = h[j] * grievance
            arms_net = g + push - rk[j] * armed_risk
            takes_arms = free & (arms_net > armed_threshold)
            protests = free & (g - rk[j] * r > threshold) & (arms_net <= armed_threshold)
            act[j] = protests + 2 * takes_arms
            count += protests
            armed_count += takes_arms
        counts[s] = count
        armed_counts[s] = armed_count
    active_agents[:] = 0
    armed_agents[:] = 0
    for s in range(ns):
        active_agents[town[s]] += counts[s]
        armed_agents[town[s]] += armed_counts[s]


NO_CALL = 1e9  # an armed-action threshold no agent can reach: nobody has called for arms yet


def armed_action(sim, day: int) -> ArmedAction:
    """The terms of armed action today; see :func:`activate`."""
    s, p = sim.state, sim.params
    r, nat = p.resistance, s.national
    call = float(s.call_to_arms[day])
    if not (p.switches.armed_resistance and call > 0.0):
        return ArmedAction(push=0.0, threshold=NO_CALL, risk=0.0)
    crushed = -math.expm1(-nat.killed / r.crushed_reference_deaths)
    return ArmedAction(push=r.crushed_weight * crushed + call, threshold=r.threshold,
                       risk=r.risk_weight * r.risk * nat.escalation)


def protest(sim, day: int) -> None:
    s, p = sim.state, sim.params
    nat, civ, tw = s.national, s.civilians, s.townships
    compliant_share = float(s.townships.counts[:, COMPLIANT].sum()) / max(1, s.officers.n)
    nat.legitimacy, nat.fear_stock, nat.fear = update_mood(
        nat.legitimacy, nat.fear_stock, nat.deaths_yesterday, compliant_share, p, p.switches.predation
    )
    terms = Activation(legitimacy=nat.legitimacy, fear=nat.fear, scale=float(p.run.scale),
                       threshold=p.civilians.threshold, arrest_constant=p.civilians.arrest_constant,
                       reach=p.civilians.reach, armed=armed_action(sim, day))
    activate.for_items(len(civ.hardship))(
        tw.civ_start, civ.hardship, civ.risk_aversion, civ.jailed_until, civ.active, tw.deployed, tw.active_agents,
        tw.armed_agents, terms, day,
    )
