"""Support programmes, the policy levers, and the demand for them.

* **Outreach**: broadcast reaches a share of officers and soldiers (``outreach``), less what
  confinement and control of information cut; who is reached is drawn from a counter stream,
  so that raising outreach adds people and keeps those already reached. **Word of mouth** from
  defectors who used support is free (decision.py).
* **Protection**: safe passage and relocation of the family for ``protection_capacity``
  families a month, at a one-off cost per family.
* **Livelihoods**: a monthly stipend per family for ``livelihood_capacity`` new families a
  month, paid for ``stipend_months``; officers weigh it as stipend · min(1, months / horizon).
* **Credibility** k: officers weigh promised support at k times its value. Each month
  k <- k + r (delivered - k), with delivered the share of last month's requests that were
  served and of the stipends due that were paid: full waiting lists and stipends that stop
  lower take-up.
* **Budget**: with ``budget_kyat_month`` > 0 a policy is a monthly budget and its allocation.
  At each month start the programmes buy protection slots (allocation_p B / cost), stipends
  (the families already enrolled first, then new slots, within allocation_l B) and broadcast
  reach (within allocation_o B). Spending in a calendar month never exceeds B.
* **Schedules**: ``schedule`` changes any lever on a date, from the next month start.

Programmes open on ``start``; slots open then and on the first day of each calendar month, and
unused slots lapse. Stipends and outreach are paid at month starts. An officer who would leave
only with support takes the slots available, and goes if the support they get is enough (same
draw as their decision, so the choice is consistent). Candidates are served in a random order
drawn per (day, officer), so no township is favoured.

References
----------
.. [1] Kyed, H. M. & Nyan Corridor (2021). *Police under the military coup in Myanmar: between violence, fear
   and desertion*. DIIS.
.. [2] Radio Free Asia (2023). Report on National Unity Government support for defectors (200,000 kyat a
   month, described as not enough).
.. [3] Voice of America (2023). Junta defections drop two years after Myanmar coup (People's Embrace; support
   that fell short).
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit

from defection.engine.bits import indices_of
from defection.engine.rng import uniform, uniform_array
from defection.model.decision import (
    NEEDS_SUPPORT, NO_INTENT, PROTECTED, STIPEND, WILL_GO, livelihood_fear, net_pull, stipend_value, takes_chance,
)


class Offer(NamedTuple):
    """What a candidate weighs when offered a slot, by name (decision.py)."""

    fear_livelihood: float  # fear per kyat a month of lost livelihood
    efficacy: float  # protection's cut of the risk
    stipend: float  # the stipend's worth, kyat a month
    logit_scale: float  # s of the logit choice to leave


@njit(cache=True)
def allocate(candidates, intent, ident, township, pull, risk, loss, supported, offer, slots, key, day, protected_out,
             enrolled_out):
    """Give programme slots to the officers ``candidates`` (whose intent is NEEDS_SUPPORT); return (protected,
    enrolled, refused) today, refused being those who found no slot open.

    ``offer`` (:class:`Offer`) is what a slot is worth to them; ``pull``, ``risk`` and ``loss`` are today's terms of
    each candidate's utility (decision.py);
    ``slots`` is a (2,) float array (protection, livelihood) decremented in place; ``protected_out`` and
    ``enrolled_out`` (T,) count those served per township.
    """
    fear_livelihood, efficacy, stipend, scale = offer.fear_livelihood, offer.efficacy, offer.stipend, offer.logit_scale
    priority = np.empty(len(candidates))
    for k in range(len(candidates)):
        priority[k] = uniform(key, day, ident[candidates[k]], 3)
    protected_today = 0
    enrolled_today = 0
    refused = 0
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
            refused += (protect + enrol) == 0
    return protected_today, enrolled_today, refused


def lever(sp, name: str, date) -> float:
    """A support lever's value on ``date``: its last scheduled change on or before it, else the scenario's value."""
    value = float(getattr(sp, name))
    for change in sorted(sp.schedule, key=lambda c: c.date):
        if change.lever == name and np.datetime64(change.date) <= date:
            value = change.value
    return value


def outreach_on_first_day(sc) -> float:
    """The outreach in force on the run's first day (a dated change included): the share of officers and
    soldiers who know of support from the start. A programme scheduled to open later is not known of before."""
    return lever(sc.support, "outreach", np.datetime64(sc.run.start))


def reach_outreach(sim, share: float) -> None:
    """Broadcast reaches ``share`` of both forces (less confinement); reached people know of support from now on."""
    s = sim.state
    o = s.officers
    u = uniform_array(sim.keys["support"], 0, o.n, 0)[o.ident]  # the draw each person was built with
    o.knows_support |= (u < share * (1.0 - s.national.confinement)).astype(np.uint8)


def month_plan(sim, date) -> dict[str, float]:
    """The month's slots, stipends to pay and outreach share, from the levers (and the budget, if any)."""
    s, sp = sim.state, sim.params.support
    nat, n = s.national, s.officers.n
    stipend = lever(sp, "stipend_kyat", date)
    due = int(nat.stipend_cohorts[1:].sum())
    plan = dict(protection=lever(sp, "protection_capacity", date), livelihood=lever(sp, "livelihood_capacity", date),
                outreach=lever(sp, "outreach", date), stipend=stipend, due=due, paid=due)
    budget = lever(sp, "budget_kyat_month", date)
    if budget > 0:
        share = {k: lever(sp, f"allocation_{k}", date) for k in ("protection", "livelihood", "outreach")}
        stipends_affordable = int(share["livelihood"] * budget // stipend) if stipend > 0 else 10**12
        plan["paid"] = min(due, stipends_affordable)
        plan["protection"] = (share["protection"] * budget // sp.protection_cost_kyat
                              if sp.protection_cost_kyat > 0 else 10**12)
        plan["livelihood"] = max(0, stipends_affordable - due)
        plan["outreach"] = (min(plan["outreach"], share["outreach"] * budget / (n * sp.outreach_cost_kyat))
                            if sp.outreach_cost_kyat > 0 else plan["outreach"])
    return plan


def budget(sim, day: int) -> None:
    """At each month start: update credibility, open the month's slots, pay stipends and outreach."""
    s, sp = sim.state, sim.params.support
    nat, o = s.national, s.officers
    date = s.dates[day]
    if date < np.datetime64(sp.start):
        return
    if not (s.month_start[day] or date == np.datetime64(sp.start)):
        return
    # last month's enrolments become due; those older than stipend_months end
    nat.stipend_cohorts[1:] = nat.stipend_cohorts[:-1].copy()
    nat.stipend_cohorts[0] = 0
    plan = month_plan(sim, date)
    asked = nat.requests + plan["due"]
    if asked > 0:
        delivered = 1.0 - (nat.refused + plan["due"] - plan["paid"]) / asked
        nat.credibility += sp.credibility_rate * (delivered - nat.credibility)
    nat.requests, nat.refused = 0, 0
    nat.slots[:] = (plan["protection"], plan["livelihood"])
    nat.stipend_kyat = plan["stipend"]
    reach_outreach(sim, plan["outreach"])
    nat.programme_cost += plan["paid"] * plan["stipend"] + plan["outreach"] * o.n * sp.outreach_cost_kyat


def support(sim, day: int) -> None:
    """Serve today's requests for programme slots."""
    s, p = sim.state, sim.params
    o, nat, sp = s.officers, s.national, p.support
    tw = s.townships
    candidates = indices_of(o.intent, NEEDS_SUPPORT)
    offer = Offer(fear_livelihood=livelihood_fear(p), efficacy=sp.protection_efficacy,
                  stipend=stipend_value(sp, nat.stipend_kyat), logit_scale=p.decision.logit_scale)
    protected, enrolled, refused = allocate(
        candidates, o.intent, o.ident, o.township, o.pull, o.risk, o.loss, o.supported, offer, nat.slots,
        sim.keys["decision"], day, tw.protected, tw.enrolled)
    nat.requests += len(candidates)
    nat.refused += refused
    nat.protected_total += protected
    nat.enrolled_total += enrolled
    nat.programme_cost += protected * sp.protection_cost_kyat
