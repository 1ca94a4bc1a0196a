"""Decision: each officer complies, quietly resists or defects.

Disaffection of officer i on day t (all terms documented in docs/model.md):

    D_i = w_tr training_i + w_ti ties_i + w_al alignment_i + e_i
          + w_sh shock_i + w_so social_i + w_pe peers_i + w_cm commander_i

where e_i ~ N(0, sd) is a fixed personal disposition, peers_i the share of the unit that
has defected and commander_i = 1 once the unit's commander has. The officer opposes the
regime, and quietly resists, when D_i > theta_oppose. Fear acts on defecting only:

    U_i = D_i - theta_defect - w_pred * income
          - pi * S (w_pros years/y_ref + w_tort torture)   prosecution and torture
          - w_fam * S * pressure * family_i (1 - e P_i)      the family
          - w_liv * max(0, loss_i - stipend L_i) / ref       livelihood

pi is the officers' belief about the chance of being caught, S the regime's punishment
multiplier, y_ref the years of prison that count as one unit of fear
(``prosecution_reference_years``), ref the kyat that count as one unit (``reference_kyat``),
P_i and L_i whether the officer has protection (efficacy e) and a stipend; protection also
cuts the prosecution term by (1 - e P_i) since safe passage evades detection. An opposed officer gets a chance to leave with daily probability h (the
opportunity hazard) and takes it with logit probability 1 / (1 + exp(-U_i / s)).
An officer who would go only with support (and knows of it) asks for a programme slot.

References
----------
.. [1] Granovetter, M. (1978). Threshold models of collective behavior. *American Journal of Sociology* 83(6),
   1420-1443.
.. [2] Kuran, T. (1991). Now out of never: the element of surprise in the East European revolution of 1989.
   *World Politics* 44(1), 7-48.
.. [3] McLauchlin, T. (2010). Loyalty strategies and military defection in rebellion. *Comparative Politics*
   42(3), 333-350.
.. [4] Koehler, K., Ohl, D. & Albrecht, H. (2016). From disaffection to desertion: how networks facilitate
   military insubordination in civil conflict. *Comparative Politics* 48(4), 439-457.
.. [5] Kyed, H. M. & Nyan Corridor (2021). *Police under the military coup in Myanmar: between violence, fear
   and desertion*. DIIS.
"""
from __future__ import annotations

import math

from numba import njit, prange

from defection.engine.rng import uniform
from defection.model.state import COMPLIANT, DEFECTED, QUIET

NO_INTENT, WILL_GO, NEEDS_SUPPORT = 0, 1, 2
PROTECTED, STIPEND = 1, 2


@njit(cache=True, inline="always")
def net_pull(pull, family, loss, fear_prosecution, fear_family, fear_livelihood, efficacy, stipend, protected,
             stipend_on):
    """U_i given the officer's base pull (D_i - theta_defect - predation) and the support they hold."""
    shield = 1.0 - efficacy * protected
    remaining = loss - stipend * stipend_on
    if remaining < 0.0:
        remaining = 0.0
    return pull - fear_prosecution * shield - fear_family * family * shield - fear_livelihood * remaining


@njit(cache=True, inline="always")
def takes_chance(u, utility, scale):
    return u * (1.0 + math.exp(-utility / scale)) < 1.0


@njit(parallel=True, cache=True)
def decide(officer_start, state, training, ties, alignment, disposition, shock, social, unit, unit_size,
           unit_defected, commander, family, livelihood, knows, weights, thresholds, fears, support, key, day,
           pull_out, intent_out):
    """Set each staying officer's state (compliant/quiet) and intent to leave today.

    weights: (w_tr, w_ti, w_al, w_sh, w_so, w_pe, w_cm); thresholds: (oppose, defect,
    predation cost, logit scale, hazard); fears: (prosecution, family, livelihood per kyat,
    allowance kyat); support: (efficacy, stipend kyat).
    """
    w_tr, w_ti, w_al, w_sh, w_so, w_pe, w_cm = weights
    oppose, defect, predation, scale, hazard = thresholds
    f_pros, f_fam, f_liv, allowance = fears
    efficacy, stipend = support
    nt = len(officer_start) - 1
    for t in prange(nt):
        for i in range(officer_start[t], officer_start[t + 1]):
            intent_out[i] = NO_INTENT
            if state[i] > QUIET:
                continue
            u_ = unit[i]
            c = commander[i]
            d = (w_tr * training[i] + w_ti * ties[i] + w_al * alignment[i] + disposition[i] + w_sh * shock[i]
                 + w_so * social[i] + w_pe * unit_defected[u_] / unit_size[u_]
                 + w_cm * (c != i and state[c] == DEFECTED))
            if d <= oppose:
                state[i] = COMPLIANT
                continue
            state[i] = QUIET
            if uniform(key, day, i, 0) >= hazard:
                continue
            pull = d - defect - predation
            pull_out[i] = pull
            loss = livelihood[i] + allowance
            u = uniform(key, day, i, 1)
            alone = net_pull(pull, family[i], loss, f_pros, f_fam, f_liv, efficacy, stipend, 0.0, 0.0)
            if takes_chance(u, alone, scale):
                intent_out[i] = WILL_GO
            elif knows[i]:
                helped = net_pull(pull, family[i], loss, f_pros, f_fam, f_liv, efficacy, stipend, 1.0, 1.0)
                if takes_chance(u, helped, scale):
                    intent_out[i] = NEEDS_SUPPORT


def fear_terms(sim, day: int) -> tuple[float, float, float, float]:
    """(prosecution, family, livelihood per kyat, allowance kyat) for today, with ablations applied."""
    s, p = sim.state, sim.params
    r, d, sw, nat = p.regime, p.decision, p.switches, s.national
    belief = (r.news_prior * r.p_detect + nat.caught) / (r.news_prior + nat.attempts)
    prosecution = belief * nat.severity * (d.w_prosecution * r.prosecution_years / r.prosecution_reference_years + d.w_torture * r.torture_risk)
    family = d.w_family * r.family_pressure * nat.severity
    livelihood = d.w_livelihood / p.livelihood.reference_kyat
    return (prosecution * sw.fear_prosecution, family * sw.fear_family, livelihood * sw.fear_livelihood,
            float(s.allowance_kyat[day]))


def decision(sim, day: int) -> None:
    s, p = sim.state, sim.params
    o, d, sw = s.officers, p.decision, p.switches
    weights = (d.w_training, d.w_ties, d.w_alignment, d.w_shock, d.w_social, d.w_peer * sw.peer_effects,
               d.w_commander * sw.peer_effects)
    predation = d.w_predation * p.predation.income_share * sw.predation
    thresholds = (d.oppose_threshold, d.defect_threshold, predation, d.logit_scale, d.opportunity_hazard)
    support = (p.support.protection_efficacy, p.support.stipend_kyat)
    decide(s.townships.officer_start, o.state, o.training, o.ties, o.alignment, o.disposition, o.shock, o.social,
           o.unit, s.units.size, s.units.defected, o.commander, o.family_exposure, o.livelihood_kyat,
           o.knows_support, weights, thresholds, fear_terms(sim, day), support, sim.keys["decision"], day,
           o.pull, o.intent)
