"""Community: social punishment of officers who stay (finding F3 of the DIIS / Nyan Corridor report).

Exposure on social media and refusal to sell food fall on officers still on the force.
In township t the daily intensity is

    S_t = s * min(cap, a_t / a_ref) * (1 + b * V_t)

with a_t the active share of the population, cap = ``protest_cap``, V_t recent local killings
(exponentially weighted, fading by ``violence_decay`` a day, updated in crackdown.py), s the
base intensity and b the boost from violence. An officer's
accumulated punishment decays at rate delta and grows by S_t * contact, where contact is 1
for officers living among citizens and ``barracks_contact`` < 1 for those in barracks.
Extorting (compliant, predation on) officers draw an extra ``social_boost``.

References
----------
.. [1] Kyed, H. M. & Nyan Corridor (2021). *Police under the military coup in Myanmar: between violence, fear
   and desertion*. Danish Institute for International Studies.
.. [2] Epstein, J. M. (2002). Modeling civil violence: an agent-based computational approach. *PNAS* 99(suppl.
   3), 7243-7250.
"""
from __future__ import annotations

from numba import njit, prange

from defection.model.state import COMPLIANT, QUIET


@njit(parallel=True, cache=True)
def punish(officer_start, state, barracks, social, active_agents, population, scale, intensity, reference_share,
           protest_cap, violence_boost, violence, barracks_contact, decay, extortion_boost):
    nt = len(officer_start) - 1
    for t in prange(nt):
        share = scale * active_agents[t] / population[t]
        s_t = intensity * min(protest_cap, share / reference_share) * (1.0 + violence_boost * violence[t])
        for i in range(officer_start[t], officer_start[t + 1]):
            st = state[i]
            if st > QUIET:
                continue
            contact = barracks_contact if barracks[i] else 1.0
            if st == COMPLIANT:
                contact *= 1.0 + extortion_boost
            social[i] = social[i] * (1.0 - decay) + s_t * contact


def community(sim, day: int) -> None:
    s, p = sim.state, sim.params
    if not p.switches.social_punishment:
        return
    o, tw, c = s.officers, s.townships, p.community
    boost = p.predation.social_boost if p.switches.predation else 0.0
    punish(tw.officer_start, o.state, o.barracks, o.social, tw.active_agents, tw.population, float(p.run.scale),
           c.intensity, p.civilians.active_ref_share, c.protest_cap, c.violence_boost, tw.violence, c.barracks_contact,
           c.decay, boost)
