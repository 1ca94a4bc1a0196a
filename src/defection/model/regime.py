"""The regime: detection and punishment of defectors, and adaptation.

Detection: an attempted defection is caught with probability p_detect (1 - e P_i), where
protection (P_i = 1, efficacy e) gives safe passage. Caught officers are arrested and
their families pressured; officers learn of it, and their belief about being caught is

    pi = (n0 p_detect + caught) / (n0 + attempts)

(a Beta-Binomial update with prior weight n0, ``news_prior``). Adaptation: punishment and
family pressure scale by S = min(S_max, 1 + a * 1000 * defections_w / N), with defections_w
those of the last ``adapt_window_days`` days. Intensity of
the crackdown grows with how long protest lasts,

    E = min(E_max, E_0 + r * sum_days(active share / reference share)),

times the product of dated events (martial law) in force in the township's region.

References
----------
.. [1] Kyed, H. M. & Nyan Corridor (2021). *Police under the military coup in Myanmar: between violence, fear
   and desertion*. DIIS.
.. [2] McLauchlin, T. (2010). Loyalty strategies and military defection in rebellion. *Comparative Politics*
   42(3), 333-350.
.. [3] Voice of America (2023). Junta defections drop two years after Myanmar coup.
"""
from __future__ import annotations

import numpy as np
from numba import njit

from defection.engine.rng import uniform
from defection.model.decision import NO_INTENT, PROTECTED, WILL_GO
from defection.model.state import CAUGHT, DEFECTED


@njit(cache=True)
def detect(intent, state, supported, unit, unit_defected, left_day, p_detect, efficacy, key, day):
    """Resolve today's attempts: each leaver is caught or gets away. Returns (attempts, caught)."""
    attempts = 0
    caught = 0
    for i in np.flatnonzero(intent == WILL_GO):
        intent[i] = NO_INTENT
        attempts += 1
        p = p_detect * (1.0 - efficacy * (supported[i] & PROTECTED))
        left_day[i] = day
        if uniform(key, day, i, 0) < p:
            state[i] = CAUGHT
            caught += 1
        else:
            state[i] = DEFECTED
            unit_defected[unit[i]] += 1
    return attempts, caught


def detection(sim, day: int) -> None:
    s, p = sim.state, sim.params
    o, nat = s.officers, s.national
    attempts, caught = detect(o.intent, o.state, o.supported, o.unit, s.units.defected, o.left_day,
                              p.regime.p_detect, p.support.protection_efficacy, sim.keys["regime"], day)
    nat.attempts += attempts
    nat.caught += caught
    nat.daily_defections[day % len(nat.daily_defections)] = attempts - caught


def escalation(national, p) -> float:
    r = p.regime
    return min(r.escalation_max, r.escalation_initial + r.escalation_rate * national.protest_days)


def adaptation(sim, day: int) -> None:
    s, p = sim.state, sim.params
    nat, r = s.national, p.regime
    if p.switches.regime_adaptation:
        per_mille = 1000.0 * nat.daily_defections.sum() / s.officers.n
        nat.severity = min(r.adapt_max, 1.0 + r.adapt_rate * per_mille)
    active_share = p.run.scale * s.townships.active_agents.sum() / s.townships.population.sum()
    nat.protest_days += active_share / p.civilians.active_ref_share
    nat.escalation_duration = escalation(nat, p)
