"""Support programmes, the policy levers.

* Outreach: a share of officers knows support exists (fixed per officer, drawn from a
  counter stream so that raising outreach adds officers who know and keeps those who did).
* Protection: safe passage and relocation of the family for ``protection_capacity``
  families a month, at a one-off cost per family.
* Livelihoods: a monthly stipend per family for ``livelihood_capacity`` new families a month.

Programmes open on ``start``; slots open then and on the first day of each calendar month,
and unused slots lapse. An officer who
would leave only with support takes the slots available, and goes if the support they get
is enough (same draw as their decision, so the choice is consistent). Candidates are served
in a random order drawn per (day, officer), so no township is favoured.

References
----------
.. [1] Kyed, H. M. & Nyan Corridor (2021). *Police under the military coup in Myanmar: between violence, fear
   and desertion*. DIIS.
.. [2] Radio Free Asia (2023). Report on National Unity Government support for defectors (200,000 kyat a
   month, described as not enough).
"""
from __future__ import annotations

import numpy as np
from numba import njit

from defection.engine.rng import uniform
from defection.model.decision import (
    NEEDS_SUPPORT, NO_INTENT, PROTECTED, STIPEND, WILL_GO, livelihood_fear, net_pull, takes_chance,
)

DAYS_PER_MONTH = 365.25 / 12.0


@njit(cache=True)
def allocate(candidates, intent, ident, township, pull, risk, loss, supported, fear_livelihood, efficacy, stipend, scale, slots,
             key, day, protected_out, enrolled_out):
    """Give programme slots to the officers ``candidates`` (whose intent is NEEDS_SUPPORT); return (protected,
    enrolled) today.

    ``pull``, ``risk`` and ``loss`` are today's terms of each candidate's utility (decision.py);
    ``slots`` is a (2,) float array (protection, livelihood) decremented in place; ``protected_out`` and
    ``enrolled_out`` (T,) count those served per township.
    """
    priority = np.empty(len(candidates))
    for k in range(len(candidates)):
        priority[k] = uniform(key, day, ident[candidates[k]], 3)
    protected_today = 0
    enrolled_today = 0
    for k in np.argsort(priority):
        i = candidates[k]
        protect = 1.0 if slots[0] >= 1.0 else 0.0
        enrol = 1.0 if slots[1] >= 1.0 else 0.0
        utility = net_pull(pull[i], risk[i], loss[i], fear_livelihood, efficacy, stipend, protect, enrol)
        if (protect + enrol) > 0 and takes_chance(uniform(key, day, ident[i], 1), utility, scale):
            intent[i] = WILL_GO
            slots[0] -= protect
            slots[1] -= enrol
            supported[i] = PROTECTED * int(protect) + STIPEND * int(enrol)
            protected_today += int(protect)
            enrolled_today += int(enrol)
            protected_out[township[i]] += int(protect)
            enrolled_out[township[i]] += int(enrol)
        else:
            intent[i] = NO_INTENT
    return protected_today, enrolled_today


def budget(sim, day: int) -> None:
    """Open the month's slots; pay stipends to enrolled families and outreach for the day."""
    s, sp = sim.state, sim.params.support
    nat, o = s.national, s.officers
    if s.dates[day] < np.datetime64(sp.start):
        return
    if s.month_start[day] or s.dates[day] == np.datetime64(sp.start):
        nat.slots[:] = (sp.protection_capacity, sp.livelihood_capacity)
    paid = nat.stipends_paid * sp.stipend_kyat  # families of defectors enrolled for a stipend
    nat.programme_cost += (paid + sp.outreach * o.n * sp.outreach_cost_kyat) / DAYS_PER_MONTH


def support(sim, day: int) -> None:
    """Serve today's requests for programme slots."""
    s, p = sim.state, sim.params
    o, nat, sp = s.officers, s.national, p.support
    tw = s.townships
    protected, enrolled = allocate(np.flatnonzero(o.intent == NEEDS_SUPPORT), o.intent, o.ident, o.township, o.pull, o.risk, o.loss, o.supported,
                                   livelihood_fear(p), sp.protection_efficacy, sp.stipend_kyat, p.decision.logit_scale,
                                   nat.slots, sim.keys["decision"], day, tw.protected, tw.enrolled)
    nat.protected_total += protected
    nat.enrolled_total += enrolled
    nat.programme_cost += protected * sp.protection_cost_kyat
