"""Decision: each officer of either force complies, quietly resists or tries to leave.

Disaffection of officer i (of branch b, unit u, township t) on day t:

    D_i = s_i + w_sh sigma_i I_tb + w_so contact_i (1 - c) P_t
          + w_pe defected_u / size_u + w_cm [commander gone] + w_tw (1 - c) defected_t / officers_t
          + w_fr f_t [combat soldier]

where s_i = w_tr training_i + w_ti ties_i + w_al alignment_i + e_i is fixed (``Officers.static``),
I_tb the township's moral injury (exposure.py), P_t its social punishment (community.py), c the
regime's confinement, the next three terms the cascade through unit peers, the commander
and kin and colleagues in the same township, and the last the front line (front.py: f_t is the
township's front-line intensity, which also multiplies a combat soldier's hazard by 1 + w_fo f_t).

**Hysteresis** (Kuran 1991): a compliant officer comes to oppose the regime, and quietly
resists, when D_i > theta_o; an opposed officer returns to compliance only when
D_i <= theta_o - gap. Fear acts on leaving only. An opposed officer gets a chance to leave with
the daily opportunity hazard h of their force, or for certain the day after their commander
left (the unit goes together), and takes it with logit probability 1 / (1 + exp(-U_i / s)):

    U_i = D_i - theta_d - w_pred * income * (1 + g conflict)       extortion income forgone
          - (R_i + w_fam S pressure_f family_i) (1 - e P_i)         prosecution, torture, the family
          - w_liv * max(0, loss_i (1 + m defected_u / size_u) + allowance - stipend L_i) / ref

    R_i = pi_i S (w_pros years_f / y_ref + w_tort torture_f)
    pi_i = (n0 p_f + caught_f + k caught_u) / (n0 + attempts_f + k attempts_u)

pi_i is the officer's belief about being caught: national news of their force, with a unit-mate's
safe exit or capture counting k times (``unit_news_weight``). S is the regime's punishment
multiplier, m the promotions that fill the ranks of those who left, P_i and L_i whether the
officer has protection (efficacy e) and a stipend. An officer who would go only with support
(and knows of it) asks for a programme slot. Officers who do not know of support may learn of
it from unit-mates who left with support (word of mouth).

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

import numpy as np
from numba import njit, prange

from defection.engine.bits import clear_bit, ctz, set_bit
from defection.engine.kernels import serial_or_parallel
from defection.engine.rng import uniform
from defection.model.state import ARMY_COMBAT, COMPLIANT, DEFECTED, QUIET

NO_INTENT, WILL_GO, NEEDS_SUPPORT = 0, 1, 2
ALL_BITS = np.uint64(0xFFFFFFFFFFFFFFFF)
PROTECTED, STIPEND = 1, 2
# Why an opposed officer stays (finding F4): the smallest change that would make them go.
HELD_BY = ("fear", "livelihood", "lack_of_support", "lack_of_opportunity")
FEAR, LIVELIHOOD, LACK_OF_SUPPORT, LACK_OF_OPPORTUNITY = range(4)


@njit(cache=True, inline="always")
def net_pull(pull, risk, loss, fear_livelihood, efficacy, stipend, protected, stipend_on):
    """U_i from the officer's base pull, shieldable risk R_i + family term, and livelihood loss, given support."""
    remaining = loss - stipend * stipend_on
    if remaining < 0.0:
        remaining = 0.0
    return pull - risk * (1.0 - efficacy * protected) - fear_livelihood * remaining


@njit(cache=True, inline="always")
def takes_chance(u, utility, scale):
    return u * (1.0 + math.exp(-utility / scale)) < 1.0


@njit(cache=True, inline="always")
def transfer(counts, hardness, t, b, barracks, alignment, old, new):
    """Move one officer between states in the township tallies (counts (T, 4, 4, 2), hardness (T, 2, 4))."""
    counts[t, old, b, barracks] -= 1
    counts[t, new, b, barracks] += 1
    if old <= QUIET:
        hardness[t, old, b] -= 1.0 - alignment
    if new <= QUIET:
        hardness[t, new, b] += 1.0 - alignment


@njit(cache=True, inline="always")
def counts_above(static, lo, hi, bound, high, low):
    """How many i in [lo, hi) have static[i] + bound > high, and how many > low; ``static`` descends over the range.

    As ``static`` descends, each count is also the offset of the first member at or below its level. One pass
    without branches reads the range in order, so the CPU fetches its cache lines together, where a binary
    search would wait for each in turn; a unit's range is short."""
    above_high = 0
    above_low = 0
    for i in range(lo, hi):
        d = static[i] + bound
        above_high += d > high
        above_low += d > low
    return above_high, above_low


@serial_or_parallel
def decide(town_unit_start, unit_start, unit_size, unit_branch, unit_commander, unit_max_static, unit_max_sensitivity,
           unit_quiet, quiet_members, unit_defected, unit_attempts, unit_caught, unit_supported, ident, state, static,
           sensitivity, barracks, alignment, left_day, family, livelihood, knows, injury, social, township_pull,
           township_opportunity, front_pull, front_chance, counts, hardness, held, weights, contact_terms, thresholds,
           hazard, fears, beliefs, cascade, support, key, day, pull_out, risk_out, loss_out, intent_out):
    """Set each staying officer's state (compliant/quiet) and intent to leave today; keep the township tallies.

    Per-officer arrays have shape (N,), per-unit arrays (U,); ``injury`` (T, 4), ``social``,
    ``township_pull``, ``township_opportunity`` (the police's regional multiplier of the hazard), ``front_pull``
    and ``front_chance`` (combat soldiers' disaffection added and multiplier of the hazard at the front, front.py)
    (T,).
    weights: (w_sh, w_so, w_pe, w_cm, w_tw); contact_terms: (barracks contact, extortion boost, 1 - confinement);
    thresholds: (oppose, return gap, defect, logit scale, predation); hazard (2,) per force;
    fears (2, 4) per force: (prosecution per unit of belief, family, livelihood per kyat, allowance kyat);
    beliefs (2, 2) per force: (n0 p + caught, n0 + attempts); cascade: (unit news weight, word-of-mouth rate,
    commander brings unit, promotion gain); support: (efficacy, stipend kyat).

    Members of a unit are sorted by static disaffection, highest first, and the unit's upper bound on the
    dynamic terms (its largest sensitivity and contact) splits them in three, counted in one pass: those whose
    bound reaches the opposition threshold, those who cannot start opposing today but could stay opposed, and
    those who cannot even stay opposed (quiet members return to compliance). A branch-free pass over the first
    group finds whether any compliant member starts opposing today; if none does (most days, most units),
    only the quiet members are visited, found through the bit set ``quiet_members`` ((N // 64 + 1,) uint64,
    kept by every change of state); otherwise every member of the first group is. Either way members are
    handled in index order, so the tallies add up in the same order.
    Intents are zero on entry (the support and detection steps clear them). ``held`` (T, 4) counts,
    per township, the quiet resisters who stay today by the reason in :data:`HELD_BY`: they would go
    given the chance (lack of opportunity), they know of support that would be enough but have not
    had it (lack of support), or else the larger of what they fear (prosecution, torture, the family)
    and the livelihood they would lose.
    """
    w_sh, w_so, w_pe, w_cm, w_tw = weights
    barracks_contact, extortion_boost, open_share = contact_terms
    oppose, gap, defect, scale, predation = thresholds
    news, word_of_mouth, brings, promotion = cascade
    efficacy, stipend = support
    low = oppose - gap
    nt = len(town_unit_start) - 1
    for t in prange(nt):
        by_fear = by_livelihood = by_support = by_opportunity = 0  # held[t] in registers
        shared = w_so * open_share * social[t]
        kin = w_tw * open_share * township_pull[t]
        for u in range(town_unit_start[t], town_unit_start[t + 1]):
            b = unit_branch[u]
            f = b >> 1
            c = unit_commander[u]
            gone = state[c] == DEFECTED
            peers = w_pe * unit_defected[u] / unit_size[u]
            combat = b == ARMY_COMBAT
            battle = front_pull[t] if combat else 0.0
            bound = (w_sh * unit_max_sensitivity[u] * injury[t, b] + shared * (1.0 + extortion_boost) + peers
                     + w_cm * gone + kin + battle)
            lo, hi = unit_start[u], unit_start[u + 1]
            unvisited_quiet = unit_quiet[u]
            if unvisited_quiet == 0 and unit_max_static[u] + bound <= oppose:
                continue  # nobody opposes and nobody can start: nothing to do
            n_oppose, n_stay = counts_above(static, lo, hi, bound, oppose, low)
            can_oppose = lo + n_oppose  # members before it may start opposing
            can_stay = lo + n_stay  # before it, opposition may persist
            # does any compliant member start opposing today? (a pass without branches, which vectorises)
            starting = 0
            injury_tb = injury[t, b]
            boosted = 1.0 + extortion_boost
            for i in range(lo, can_oppose):
                contact = barracks_contact if barracks[i] else 1.0
                d = (static[i] + w_sh * sensitivity[i] * injury_tb + contact * boosted * shared + peers
                     + w_cm * (gone & (c != i)) + kin + battle)
                starting += (state[i] == COMPLIANT) & (d > oppose)
            everyone = starting > 0  # otherwise only the quiet members need a visit, found by their bits
            if not everyone and unvisited_quiet == 0:
                continue
            # per-unit terms of the leaving decision, hoisted out of the members' loop
            led_out = brings > 0 and gone and left_day[c] == day - 1
            chance = hazard[f] * (township_opportunity[t] if f == 0 else (front_chance[t] if combat else 1.0))
            belief = (beliefs[f, 0] + news * unit_caught[u]) / (beliefs[f, 1] + news * unit_attempts[u])
            known_risk = belief * fears[f, 0]
            growth = 1.0 + promotion * unit_defected[u] / unit_size[u]
            heard = -1.0  # the chance of hearing of support from a unit-mate who left with it, once needed
            i = lo - 1
            w = lo >> 6  # the quiet members' bits are read a word at a time
            word = quiet_members[w] & (ALL_BITS << np.uint64(lo & 63))
            while unvisited_quiet > 0 or (everyone and i + 1 < can_oppose):
                if everyone:
                    i += 1
                else:  # the unit has a quiet member not yet visited, so a set bit lies ahead, before hi
                    while word == 0:
                        w += 1
                        word = quiet_members[w]
                    i = (w << 6) + np.int64(ctz(word))
                    word &= word - np.uint64(1)
                if i >= hi:
                    break
                s = state[i]
                if i >= can_stay:
                    # nobody from here on can stay opposed: quiet members return to compliance
                    if s == QUIET:
                        unvisited_quiet -= 1
                        state[i] = COMPLIANT
                        unit_quiet[u] -= 1
                        clear_bit(quiet_members, i)
                        transfer(counts, hardness, t, b, barracks[i], alignment[i], QUIET, COMPLIANT)
                    continue
                if s == QUIET:
                    unvisited_quiet -= 1
                elif s > QUIET or i >= can_oppose:
                    continue  # defected, or compliant and unable to reach the opposition threshold today
                contact = barracks_contact if barracks[i] else 1.0
                if s == COMPLIANT:
                    contact *= 1.0 + extortion_boost
                d = (static[i] + w_sh * sensitivity[i] * injury[t, b] + contact * shared + peers
                     + w_cm * (gone and c != i) + kin + battle)
                if d <= (low if s == QUIET else oppose):
                    if s == QUIET:
                        state[i] = COMPLIANT
                        unit_quiet[u] -= 1
                        clear_bit(quiet_members, i)
                        transfer(counts, hardness, t, b, barracks[i], alignment[i], QUIET, COMPLIANT)
                    continue
                if s == COMPLIANT:
                    state[i] = QUIET
                    unit_quiet[u] += 1
                    set_bit(quiet_members, i)
                    transfer(counts, hardness, t, b, barracks[i], alignment[i], COMPLIANT, QUIET)
                me = ident[i]
                if knows[i] == 0 and unit_supported[u] > 0:
                    if heard < 0.0:
                        heard = 1.0 - (1.0 - word_of_mouth * open_share) ** unit_supported[u]
                    if uniform(key, day, me, 2) < heard:
                        knows[i] = 1
                pull = d - defect - predation
                risk = known_risk + fears[f, 1] * family[i]
                loss = livelihood[i] * growth + fears[f, 3]
                alone = net_pull(pull, risk, loss, fears[f, 2], efficacy, stipend, 0.0, 0.0)
                helped = net_pull(pull, risk, loss, fears[f, 2], efficacy, stipend, 1.0, 1.0)
                if (led_out and c != i) or uniform(key, day, me, 0) < chance:
                    pull_out[i] = pull
                    risk_out[i] = risk
                    loss_out[i] = loss
                    draw = uniform(key, day, me, 1)
                    if takes_chance(draw, alone, scale):
                        intent_out[i] = WILL_GO
                        continue
                    if knows[i] and takes_chance(draw, helped, scale):
                        intent_out[i] = NEEDS_SUPPORT
                # selects rather than branches: the reason is hard to predict from one officer to the next
                reason = FEAR if risk >= fears[f, 2] * loss else LIVELIHOOD
                reason = LACK_OF_SUPPORT if (helped > 0.0) & (knows[i] != 0) else reason
                reason = LACK_OF_OPPORTUNITY if alone > 0.0 else reason
                by_fear += reason == FEAR
                by_livelihood += reason == LIVELIHOOD
                by_support += reason == LACK_OF_SUPPORT
                by_opportunity += reason == LACK_OF_OPPORTUNITY
        held[t, FEAR], held[t, LIVELIHOOD] = by_fear, by_livelihood
        held[t, LACK_OF_SUPPORT], held[t, LACK_OF_OPPORTUNITY] = by_support, by_opportunity


def stipend_value(sp, stipend_kyat: float) -> float:
    """What a stipend is worth to an officer, in kyat a month: it lasts ``stipend_months`` of the horizon."""
    return stipend_kyat * min(1.0, sp.stipend_months / sp.stipend_horizon_months)


def perceived_support(sp, nat) -> tuple[float, float]:
    """(protection efficacy, stipend kyat) as officers weigh promised support today: discounted by credibility."""
    return sp.protection_efficacy * nat.credibility, stipend_value(sp, nat.stipend_kyat) * nat.credibility


def livelihood_fear(p) -> float:
    """Fear per kyat a month of lost livelihood, with its ablation applied."""
    return p.switches.fear_livelihood * p.decision.w_livelihood / p.livelihood.reference_kyat


def force_terms(p, nat, allowance_kyat: float):
    """Per force (police, army): fears (2, 4) and belief counts (2, 2), with ablations applied."""
    r, a, d, sw = p.regime, p.army, p.decision, p.switches
    fears = np.zeros((2, 4))
    fears[:, 3] = allowance_kyat
    beliefs = np.zeros((2, 2))
    for f, (p_detect, years, torture, pressure) in enumerate(
            ((r.p_detect, r.prosecution_years, r.torture_risk, r.family_pressure),
             (a.p_detect, a.prosecution_years, a.torture_risk, a.family_pressure))):
        fears[f, 0] = sw.fear_prosecution * nat.severity * (
            d.w_prosecution * years / r.prosecution_reference_years + d.w_torture * torture)
        fears[f, 1] = sw.fear_family * d.w_family * pressure * nat.severity
        fears[f, 2] = livelihood_fear(p)
        beliefs[f] = (r.news_prior * p_detect + nat.caught[f], r.news_prior + nat.attempts[f])
    return fears, beliefs


def predation_pull(p, nat) -> float:
    """Extortion income forgone by leaving, in units of disaffection; it grows with checkpoints (conflict)."""
    growth = p.regime.extortion_growth * nat.conflict * p.switches.extortion_growth
    return p.decision.w_predation * p.predation.income_share * (1.0 + growth) * p.switches.predation


def decision(sim, day: int) -> None:
    s, p = sim.state, sim.params
    o, tw, un, nat, d, sw = s.officers, s.townships, s.units, s.national, p.decision, p.switches
    weights = (d.w_shock, d.w_social, d.w_peer * sw.peer_effects, d.w_commander * sw.peer_effects,
               d.w_township * sw.township_ties)
    contact = (p.community.barracks_contact, p.predation.social_boost * sw.predation, 1.0 - nat.confinement)
    thresholds = (d.oppose_threshold, d.return_gap * sw.hysteresis, d.defect_threshold, d.logit_scale,
                  predation_pull(p, nat))
    hazard = np.array([d.opportunity_hazard, p.army.opportunity_hazard])
    fears, beliefs = force_terms(p, nat, float(s.allowance_kyat[day]))
    cascade = (d.unit_news_weight * sw.unit_news, p.support.word_of_mouth_rate * sw.word_of_mouth,
               float(sw.commander_brings_unit and sw.peer_effects), p.regime.promotion_gain * sw.promotions)
    township_pull = tw.defected / np.maximum(1, tw.officers)
    decide.for_items(o.n)(
        tw.unit_start, un.start, un.size, un.branch, un.commander, un.max_static, un.max_sensitivity, un.quiet,
        un.quiet_members, un.defected, un.attempts, un.caught, un.supported, o.ident, o.state, o.static, o.sensitivity,
        o.barracks, o.alignment, o.left_day, o.family_exposure, o.livelihood_kyat, o.knows_support, tw.injury,
        tw.social, township_pull, tw.opportunity, p.army.front_pull * tw.front,
        1.0 + p.army.front_opportunity * tw.front, tw.counts, tw.hardness, tw.held, weights, contact, thresholds,
        hazard, fears, beliefs, cascade, perceived_support(p.support, nat), sim.keys["decision"], day, o.pull, o.risk,
        o.loss, o.intent)
