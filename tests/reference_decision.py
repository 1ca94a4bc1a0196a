"""The decision kernel of version 2 (main 8adc0a8), kept as the definition the faster kernel is tested against.

It visits every quiet resister every day: a daily draw for an opportunity to leave, and the reason each one
stays counted daily. ``model.decision.decide`` draws opportunities as geometric waiting times and keeps the
reasons by event; ``tests/test_kernel_distribution.py`` compares the two in distribution. Slow on purpose: it
is the definition, not the implementation. Never edit it to follow the model: it is frozen at 8adc0a8.
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit

from defection.engine.bits import clear_bit, ctz, set_bit
from defection.engine.rng import uniform
from defection.model import decision as current
from defection.model.state import ARMY_COMBAT, COMPLIANT, DEFECTED, QUIET

NO_INTENT, WILL_GO, NEEDS_SUPPORT = 0, 1, 2
ALL_BITS = np.uint64(0xFFFFFFFFFFFFFFFF)
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


@njit(cache=True)
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
    for t in range(nt):
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


def reference_decision(sim, day: int, hazard_factor: float = 1.0) -> None:
    """The decision step of 8adc0a8: the same inputs as ``model.decision.decision``, the frozen kernel.

    ``hazard_factor`` multiplies both forces' daily chance of an opportunity: 1 is the definition; the
    distribution test's negative control raises it.
    """
    s, p = sim.state, sim.params
    o, tw, un, nat, d, sw = s.officers, s.townships, s.units, s.national, p.decision, p.switches
    weights = (d.w_shock, d.w_social, d.w_peer * sw.peer_effects, d.w_commander * sw.peer_effects,
               d.w_township * sw.township_ties)
    contact = (p.community.barracks_contact, p.predation.social_boost * sw.predation, 1.0 - nat.confinement)
    thresholds = (d.oppose_threshold, d.return_gap * sw.hysteresis, d.defect_threshold, d.logit_scale,
                  current.predation_pull(p, nat))
    hazard = np.array([d.opportunity_hazard, p.army.opportunity_hazard]) * hazard_factor
    fears, beliefs = current.force_terms(p, nat, float(s.allowance_kyat[day]))
    cascade = (d.unit_news_weight * sw.unit_news, p.support.word_of_mouth_rate * sw.word_of_mouth,
               float(sw.commander_brings_unit and sw.peer_effects), p.regime.promotion_gain * sw.promotions)
    township_pull = tw.defected / np.maximum(1, tw.officers)
    decide(
        tw.unit_start, un.start, un.size, un.branch, un.commander, un.max_static, un.max_sensitivity, un.quiet,
        un.quiet_members, un.defected, un.attempts, un.caught, un.supported, o.ident, o.state, o.static, o.sensitivity,
        o.barracks, o.alignment, o.left_day, o.family_exposure, o.livelihood_kyat, o.knows_support, tw.injury,
        tw.social, township_pull, tw.opportunity, p.army.front_pull * tw.front,
        1.0 + p.army.front_opportunity * tw.front, tw.counts, tw.hardness, tw.held, weights, contact, thresholds,
        hazard, fears, beliefs, cascade, current.perceived_support(p.support, nat), sim.keys["decision"], day, o.pull,
        o.risk, o.loss, o.intent)

