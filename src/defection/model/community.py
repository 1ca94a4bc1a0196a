"""Community: social punishment of officers who stay (finding F3 of the DIIS / Nyan Corridor report).

Exposure on social media and refusal to sell food fall on officers still on the force.
In township t the daily intensity is

    S_t = s * min(cap, a_t / a_ref) * (1 + b * V_t)

with a_t the protesting share of the population, cap = ``protest_cap``, V_t recent local killings
(exponentially weighted, fading by ``violence_decay`` a day, updated in crackdown.py), s the
base intensity and b the boost from violence. The township accumulates

    P_t <- (1 - delta) P_t + S_t

and an officer on the force bears ``contact_i (1 - c) P_t``, where contact is 1 for officers
living among citizens and ``barracks_contact`` < 1 for those in barracks, times 1 + ``social_boost``
for extorting (compliant, predation on) officers, and c is the regime's confinement to
barracks (decision.py applies it).

References
----------
.. [1] Kyed, H. M. & Nyan Corridor (2021). *Police under the military coup in Myanmar: between violence, fear
   and desertion*. Danish Institute for International Studies.
.. [2] Epstein, J. M. (2002). Modeling civil violence: an agent-based computational approach. *PNAS* 99(suppl.
   3), 7243-7250.
"""
from __future__ import annotations

import numpy as np


def intensity(active_agents: np.ndarray, population: np.ndarray, violence: np.ndarray, scale: float, p) -> np.ndarray:
    """S_t of each township, shape (T,)."""
    c = p.community
    share = scale * active_agents / population
    return c.intensity * np.minimum(c.protest_cap, share / p.civilians.active_ref_share) * (1.0 + c.violence_boost * violence)


def community(sim, day: int) -> None:
    s, p = sim.state, sim.params
    if not p.switches.social_punishment:
        return
    tw = s.townships
    tw.social *= 1.0 - p.community.decay
    tw.social += intensity(tw.active_agents, tw.population, tw.violence, float(p.run.scale), p)
