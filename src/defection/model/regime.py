"""The regime: detection and punishment of those who leave, escalation, and adaptation.

**Detection.** An attempt to leave by an officer of force f in unit u is caught with probability

    min(1, p_f (1 + o [unit u has leaked]) (1 + v a_t [police]) r_t (1 - s f_t [combat soldier]) (1 - e P_i))

with o the oversight of units that leak (adaptation), a_t the soldiers' share of the strength
deployed in the officer's township and v ``army.police_oversight`` (submission to army orders
and discipline), r_t the regional multiplier of police detection (``regions.profiles``), s f_t the
safe passage of a combat soldier at the front line (``army.front_safety``, front.py), and
protection (P_i = 1, efficacy e) giving safe passage. Officers learn of
each attempt's outcome (decision.py turns the counts into beliefs).

**Escalation responds to threat.** The regime perceives a lagged threat

    theta <- theta + (x_t - theta) / lag,   x_t = (a_t + w_arm z_t) / a_ref

from the protesting share a_t and the armed share z_t of the population, and sets its intensity

    E_t = max(E_0 + (E_{t-1} - E_0)(1 - r), min(E_max, E_0 + g max(0, theta - tau)))

rising when the threat exceeds its tolerance tau, up to a ceiling, and relaxing only slowly
(a ratchet). Dated events (``regime.events``) multiply it; the default has none.

**Adaptation.**
- Punishment and family pressure scale by S = min(S_max, 1 + a * 1000 * defections_w / N), with
  defections_w those of the last ``adapt_window_days`` days.
- Confinement to barracks and control of information: c = c_max (1 - exp(-m / m_0)), with m the
  defections so far per 1,000 of both forces; it cuts social contact, news of local killings,
  township ties and word of mouth (decision.py, exposure.py).
- Oversight of units that leak (above), extortion income that grows with armed conflict
  (checkpoints), promotions and the dated risk allowance (decision.py).

References
----------
.. [1] Kyed, H. M. & Nyan Corridor (2021). *Police under the military coup in Myanmar: between violence, fear
   and desertion*. DIIS.
.. [2] McLauchlin, T. (2010). Loyalty strategies and military defection in rebellion. *Comparative Politics*
   42(3), 333-350.
.. [3] Voice of America (2023). Junta defections drop two years after Myanmar coup.
"""
from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numba import njit

from defection.engine.bits import clear_bit, indices_of
from defection.engine.rng import uniform
from defection.model.front import FRONT_LINE
from defection.model.decision import NO_INTENT, NOT_HELD, PROTECTED, STIPEND, WILL_GO, hold, transfer
from defection.model.state import ARMY_COMBAT, CAUGHT, DEFECTED, QUIET


class Detection(NamedTuple):
    """The parameters of detection, by name (module docstring), with ablations applied."""

    p_detect: np.ndarray  # (2,) per force: the base chance p_f that an attempt is caught
    oversight: float  # o: the rise of detection in a unit that has leaked
    police_oversight: float  # v: the rise of the police's detection per unit of the soldiers' share
    efficacy: float  # e: protection's cut of the chance


@njit(cache=True)
def detect(leavers, intent, ident, state, supported, branch, township, unit, barracks, alignment, unit_quiet,
           quiet_members, unit_defected, unit_attempts, unit_caught, unit_supported, township_defected, army_share,
           township_detection, front_safety, counts, hardness, held, held_reason, left_day, terms, key, day, attempts,
           caught, left_by_branch):
    """Resolve today's attempts (officers ``leavers``, whose intent is WILL_GO): each is caught or gets away.

    ``terms`` (:class:`Detection`) are the parameters; ``army_share``, ``township_detection`` and ``front_safety``
    (T,) the township's soldiers' share, regional multiplier of police detection and combat soldiers' safe passage.

    Adds to ``attempts``/``caught`` (2,) per force and ``left_by_branch`` (4,); keeps the unit and
    township tallies, why the quiet resisters stay (``held``) included. Returns the stipends that start today.
    """
    p_detect, oversight, police_oversight, efficacy = (terms.p_detect, terms.oversight, terms.police_oversight,
                                                       terms.efficacy)
    stipends = 0
    for i in leavers:
        intent[i] = NO_INTENT
        b, t, u = branch[i], township[i], unit[i]
        f = b >> 1
        p = p_detect[f] * (1.0 + oversight * (unit_defected[u] > 0)) * (1.0 - efficacy * (supported[i] & PROTECTED))
        if f == 0:
            p *= (1.0 + police_oversight * army_share[t]) * township_detection[t]
        elif b == ARMY_COMBAT:
            p *= 1.0 - front_safety[t]
        attempts[f] += 1
        unit_attempts[u] += 1
        unit_quiet[u] -= 1
        clear_bit(quiet_members, i)
        hold(held, held_reason, t, i, NOT_HELD)
        left_day[i] = day
        left_by_branch[b] += 1
        if uniform(key, day, ident[i], 0) < p:
            state[i] = CAUGHT
            caught[f] += 1
            unit_caught[u] += 1
        else:
            state[i] = DEFECTED
            unit_defected[u] += 1
            township_defected[t] += 1
            unit_supported[u] += supported[i] != 0
            stipends += (supported[i] & STIPEND) != 0
        transfer(counts, hardness, t, b, barracks[i], alignment[i], QUIET, state[i])
    return stipends


def detection_terms(p) -> Detection:
    """The parameters of detection today, with the ablations of oversight applied."""
    sw = p.switches
    return Detection(p_detect=np.array([p.regime.p_detect, p.army.p_detect]),
                     oversight=p.regime.oversight_boost * sw.oversight,
                     police_oversight=p.army.police_oversight * sw.army_oversight_of_police,
                     efficacy=p.support.protection_efficacy)


def detection(sim, day: int) -> None:
    s, p = sim.state, sim.params
    o, un, nat = s.officers, s.units, s.national
    before = nat.attempts.sum() - nat.caught.sum()
    tw = s.townships
    nat.stipend_cohorts[0] += detect(
        indices_of(o.intent, WILL_GO), o.intent, o.ident, o.state, o.supported, o.branch, o.township, o.unit,
        o.barracks, o.alignment, un.quiet, un.quiet_members, un.defected, un.attempts, un.caught, un.supported,
        tw.defected, tw.army_share, tw.detection, FRONT_LINE.safety(sim), tw.counts, tw.hardness, tw.held,
        o.held_reason, o.left_day, detection_terms(p), sim.keys["regime"], day, nat.attempts, nat.caught,
        nat.left_by_branch)
    today = int(nat.attempts.sum() - nat.caught.sum() - before)
    nat.daily_defections[day % len(nat.daily_defections)] = today
    nat.defected_total += today
    combat = nat.initial_by_branch[ARMY_COMBAT]
    nat.army_strength = 1.0 - nat.left_by_branch[ARMY_COMBAT] / combat if combat else 0.0


def threat_today(s, p) -> tuple[float, float]:
    """(protest, armed) shares of the population, each relative to ``civilians.active_ref_share``."""
    tw, ref = s.townships, p.civilians.active_ref_share
    people = float(tw.population.sum())
    return (p.run.scale * tw.active_agents.sum() / people / ref, p.run.scale * tw.armed_agents.sum() / people / ref)


def escalate(nat, protest: float, armed: float, r) -> None:
    """Update the perceived threat, the armed-conflict level and the intensity E (module docstring)."""
    step = 1.0 / r.escalation_lag_days
    nat.threat += step * (protest + r.armed_threat_weight * armed - nat.threat)
    nat.conflict += step * (r.armed_threat_weight * armed - nat.conflict)
    target = min(r.escalation_max, r.escalation_initial + r.escalation_gain * max(0.0, nat.threat - r.threat_tolerance))
    relaxed = r.escalation_initial + (nat.escalation - r.escalation_initial) * (1.0 - r.escalation_relax)
    nat.escalation = max(target, relaxed)


def adaptation(sim, day: int) -> None:
    s, p = sim.state, sim.params
    nat, r, sw = s.national, p.regime, p.switches
    per_mille = 1000.0 / max(1, s.officers.n)
    if sw.regime_adaptation:
        nat.severity = min(r.adapt_max, 1.0 + r.adapt_rate * per_mille * nat.daily_defections.sum())
    if sw.confinement:
        nat.confinement = r.confinement_max * -math.expm1(-per_mille * nat.defected_total / r.confinement_per_mille)
    escalate(nat, *threat_today(s, p), r)
