"""Exposure: moral shock from violence.

An officer on the force who is sensitive to violence against civilians accumulates shock

    shock_i <- (1 - delta) shock_i + sigma_i (l * D_t (1 + q * part_i) + n * D)

with D_t today's killings in the officer's township, D those nationwide, part_i the chance
the officer took part (their branch's deployment share, lower for quiet resisters) and
sigma_i = (1 + alignment_i) / 2: officers who hold the military doctrine that resisting
civilians are enemies of the state are not shocked by their deaths.

References
----------
.. [1] Litz, B. T. et al. (2009). Moral injury and moral repair in war veterans: a preliminary model and
   intervention strategy. *Clinical Psychology Review* 29(8), 695-706.
.. [2] Albrecht, H. & Koehler, K. (2018). Going on the run: what drives military desertion in civil war?
   *Security Studies* 27(2), 179-203.
.. [3] Kyed, H. M. & Nyan Corridor (2021). *Police under the military coup in Myanmar: between violence, fear
   and desertion*. DIIS.
"""
from __future__ import annotations

from numba import njit, prange

from defection.model.crackdown import deployment_arrays
from defection.model.state import QUIET


@njit(parallel=True, cache=True)
def accumulate_shock(officer_start, state, branch, alignment, shock, deaths_today, deaths_national, deploy,
                     deploy_quiet, per_local, per_national, participation, decay):
    nt = len(officer_start) - 1
    for t in prange(nt):
        local = deaths_today[t]
        for i in range(officer_start[t], officer_start[t + 1]):
            st = state[i]
            if st > QUIET:
                continue
            part = deploy[branch[i]] * (deploy_quiet if st == QUIET else 1.0)
            sensitivity = 0.5 * (1.0 + alignment[i])
            dose = per_local * local * (1.0 + participation * part) + per_national * deaths_national
            shock[i] = shock[i] * (1.0 - decay) + sensitivity * dose


def exposure(sim, day: int) -> None:
    s, p = sim.state, sim.params
    if not p.switches.moral_shock:
        return
    o, tw, e = s.officers, s.townships, p.exposure
    dep, _, _ = deployment_arrays(p)
    accumulate_shock(tw.officer_start, o.state, o.branch, o.alignment, o.shock, tw.deaths_today,
                     float(tw.deaths_today.sum()), dep, p.crackdown.deploy_quiet, e.shock_per_local_death,
                     e.shock_per_national_death, e.participation_multiplier, e.decay)
