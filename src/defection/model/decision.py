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
from typing import NamedTuple

import numpy as np
from numba import njit

from defection.engine.bits import clear_bit, ctz, set_bit
from defection.engine.rng import uniform
from defection.model.front import FRONT_LINE
from defection.model.state import ARMY_COMBAT, COMPLIANT, DEFECTED, QUIET

NO_INTENT, WILL_GO, NEEDS_SUPPORT = 0, 1, 2
ALL_BITS = np.uint64(0xFFFFFFFFFFFFFFFF)
PROTECTED, STIPEND = 1, 2
# Why an opposed officer stays (finding F4): the smallest change that would make them go.
HELD_BY = ("fear", "livelihood", "lack_of_support", "lack_of_opportunity")
FEAR, LIVELIHOOD, LACK_OF_SUPPORT, LACK_OF_OPPORTUNITY = range(4)
NOT_HELD = 4  # ``Officers.held_reason`` of an officer who is not quietly resisting
NEVER = 1 << 30  # a wait that never ends (a clock at rate 0)
# A unit's margins must exceed the drift of its terms by this much before its scan is skipped, so that rounding
# in the order the terms are added can never hide a member who starts or returns.
MARGIN = 1e-9


# The parameters of the decision reach the kernel by name, in bundles Numba compiles as structs.
class Weights(NamedTuple):
    """Weights of the terms of disaffection D_i, ablations applied."""

    shock: float  # w_sh, moral injury
    social: float  # w_so, social punishment
    peer: float  # w_pe, defected unit-mates
    commander: float  # w_cm, a commander gone
    township: float  # w_tw, defected kin and colleagues in the township


class Contact(NamedTuple):
    """How much of the township's social punishment reaches an officer."""

    barracks: float  # the contact of an officer living in barracks (1 among citizens)
    extortion_boost: float  # extra contact of an extorting (compliant) officer
    open_share: float  # 1 - confinement: the share of contact, ties and word of mouth left open


class Thresholds(NamedTuple):
    """Thresholds of opposing and leaving, and the pull that holds officers back."""

    oppose: float  # theta_o
    return_gap: float  # an opposed officer returns at theta_o - gap
    defect: float  # theta_d
    logit_scale: float  # s of the logit choice to leave
    predation: float  # extortion income forgone, in units of disaffection


class Cascade(NamedTuple):
    """How leaving spreads through a unit."""

    unit_news: float  # k: a unit-mate's exit or capture counts k times in the belief of being caught
    word_of_mouth: float  # daily chance to hear of support from each unit-mate who left with it
    commander_brings_unit: float  # 1: a unit follows its commander out the next day
    promotion: float  # m: promotions that fill the ranks of those who left


class Forces(NamedTuple):
    """Per force (police, army), arrays of shape (2,): the chance to leave, what officers fear, what they believe."""

    hazard: np.ndarray  # daily opportunity hazard h
    prosecution: np.ndarray  # fear of prosecution and torture per unit of belief of being caught
    family: np.ndarray  # fear for the family per unit of family exposure
    livelihood: np.ndarray  # fear per kyat a month of lost livelihood
    allowance: np.ndarray  # the risk allowance forgone by leaving, kyat a month
    caught: np.ndarray  # n0 p + caught: the numerator of the belief of being caught
    attempts: np.ndarray  # n0 + attempts: its denominator


class Support(NamedTuple):
    """Promised support as officers weigh it today."""

    efficacy: float  # protection's cut of the risk
    stipend: float  # the stipend's worth, kyat a month


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
def wait_days(u, rate):
    """Days until the next event of a daily Bernoulli(``rate``) clock, counting today as 1: a geometric draw.

    It is memoryless, so a wait drawn long ago is still a fair draw of the time left (never, for rate 0)."""
    if rate >= 1.0:
        return 1
    if rate <= 0.0:
        return NEVER
    return min(NEVER, 1 + int(math.log1p(-u) / math.log1p(-rate)))


@njit(cache=True, inline="always")
def schedule(head, link, next_chance, i, day):
    """Put officer i in the calendar's list of ``day`` (a day past the horizon is only noted)."""
    next_chance[i] = day
    if day < len(head):
        link[i] = head[day]
        head[day] = i


@njit(cache=True)
def open_today(head, link, next_chance, state, due, day):
    """Mark as due the quiet resisters whose opportunity clock rings today; forget the clocks of the others."""
    i = head[day]
    head[day] = -1
    while i >= 0:
        following = link[i]
        if state[i] == QUIET:
            set_bit(due, i)
        else:
            next_chance[i] = -1  # their clock is drawn afresh if they come to oppose again
        i = following


@njit(cache=True, inline="always")
def next_visit(quiet_members, due, start, hi, every_from):
    """The first quiet member at or after ``start`` and before ``hi`` whose clock rings today (bit set in
    ``due``) or who stands at or after ``every_from``; ``hi`` if there is none. Bits are read a word at a time."""
    w = start >> 6
    word = quiet_members[w] & (ALL_BITS << np.uint64(start & 63))
    while True:
        base = w << 6
        if base + 64 <= every_from:
            word &= due[w]
        elif base < every_from:
            word &= due[w] | (ALL_BITS << np.uint64(every_from & 63))
        if word != 0:
            i = base + np.int64(ctz(word))
            return i if i < hi else hi
        w += 1
        if (w << 6) >= hi:
            return hi
        word = quiet_members[w]


@njit(cache=True, inline="always")
def any_bit(bits, lo, hi):
    """Whether any bit of the indices [lo, hi) is set (``hi`` > ``lo``)."""
    first, last = lo >> 6, (hi - 1) >> 6
    for w in range(first, last + 1):
        word = bits[w]
        if w == first:
            word &= ALL_BITS << np.uint64(lo & 63)
        if w == last:
            word &= ALL_BITS >> np.uint64(63 - ((hi - 1) & 63))
        if word != 0:
            return True
    return False


@njit(cache=True, inline="always")
def hold(held, held_reason, t, i, reason):
    """Officer i, quietly resisting in township t, stays for ``reason`` (NOT_HELD: no longer quietly resisting)."""
    old = held_reason[i]
    if old != reason:
        if old != NOT_HELD:
            held[t, old] -= 1
        if reason != NOT_HELD:
            held[t, reason] += 1
        held_reason[i] = reason


@njit(cache=True, inline="always")
def scan_unit(state, static, sensitivity, barracks, lo, hi, c, base, shock, shared, barracks_contact, boosted,
              w_cm, gone, oppose, low):
    """One pass without branches over the members [lo, hi) of a unit: how many compliant members start opposing
    today and how many quiet members return to compliance, the least disaffection of a quiet member and the
    largest of a compliant one (infinite where there is none). ``base`` holds the terms all members share."""
    starting = 0
    returning = 0
    least_quiet = math.inf
    most_compliant = -math.inf
    for i in range(lo, hi):
        contact = barracks_contact if barracks[i] else 1.0
        d = static[i] + shock * sensitivity[i] + base + w_cm * gone * (c != i)
        quiet = d + contact * shared
        compliant = d + contact * boosted * shared
        is_quiet = state[i] == QUIET
        is_compliant = state[i] == COMPLIANT
        starting += is_compliant & (compliant > oppose)
        returning += is_quiet & (quiet <= low)
        least_quiet = min(least_quiet, quiet if is_quiet else math.inf)
        most_compliant = max(most_compliant, compliant if is_compliant else -math.inf)
    return starting, returning, least_quiet, most_compliant


@njit(cache=True)
def decide(town_unit_start, unit_start, unit_size, unit_branch, unit_commander, unit_max_static, unit_max_sensitivity,
           unit_quiet, quiet_members, unit_defected, unit_attempts, unit_caught, unit_supported, unit_seen,
           unit_margin, ident, state, static, sensitivity, barracks, alignment, left_day, family, livelihood, knows,
           injury, social, township_pull, township_opportunity, front_pull, front_chance, counts, hardness, held,
           held_reason, next_chance, link, head, due, ceiling, recount, weights, contact_terms, thresholds, forces,
           cascade, support, key, day, pull_out, risk_out, loss_out, intent_out):
    """Set each staying officer's state (compliant/quiet) and intent to leave today; keep the township tallies.

    Per-officer arrays have shape (N,), per-unit arrays (U,); ``injury`` (T, 4), ``social``,
    ``township_pull``, ``township_opportunity`` (the police's regional multiplier of the hazard), ``front_pull``
    and ``front_chance`` (combat soldiers' disaffection added and multiplier of the hazard at the front, front.py)
    (T,).
    The parameters come by name: ``weights`` (:class:`Weights`), ``contact_terms`` (:class:`Contact`),
    ``thresholds`` (:class:`Thresholds`), ``forces`` (:class:`Forces`, per force), ``cascade``
    (:class:`Cascade`) and ``support`` (:class:`Support`).

    **Opportunities are a calendar.** Each quiet resister's chance to leave is a clock that rings after
    geometric waits at the branch's ``ceiling`` (the largest daily chance it can have), noted in ``next_chance``
    and in the day lists ``head`` (days + 1,) and ``link`` (N,). A ring is an opportunity with probability
    chance / ceiling, which thins it to the day's chance: the same Bernoulli(chance) each day as a daily draw.

    **A unit is scanned only when its members' states could change.** A scan (one pass without branches over
    the unit) counts who starts opposing and who returns, and notes the unit's margins (``unit_margin`` (U, 2):
    its least quiet disaffection above the return threshold, its largest compliant one above the opposition
    threshold) with the shared terms they were found at (``unit_seen`` (U, 4): moral injury, social punishment,
    peers + kin + front, commander gone). While the terms have moved less than the margins since (each member's
    disaffection moves by at most the change of each term times its largest factor), nobody can start or return,
    and the unit is not scanned. If anyone starts, every member is visited; if anyone returns, every quiet member
    is; otherwise only the quiet members something happens to: whose clock rings today (bits ``due``), who may
    hear of support by word of mouth, all of them the day after their commander led the unit out, and all of
    them on a ``recount`` day. Members are handled in index order, so the tallies add up in the same order.

    Intents are zero on entry (the support and detection steps clear them). ``held`` (T, 4) counts, per
    township, the quiet resisters by the reason in :data:`HELD_BY` they stay, as last found for each
    (``held_reason``): when they start, when their clock rings, when they hear of support, and on every
    ``recount`` day. The reason: they would go given the chance (lack of opportunity), they know of support that
    would be enough but have not had it (lack of support), or else the larger of what they fear (prosecution,
    torture, the family) and the livelihood they would lose.
    """
    w_sh, w_so, w_pe, w_cm, w_tw = weights.shock, weights.social, weights.peer, weights.commander, weights.township
    barracks_contact, extortion_boost = contact_terms.barracks, contact_terms.extortion_boost
    open_share = contact_terms.open_share
    oppose, gap, defect = thresholds.oppose, thresholds.return_gap, thresholds.defect
    scale, predation = thresholds.logit_scale, thresholds.predation
    news, word_of_mouth = cascade.unit_news, cascade.word_of_mouth
    brings, promotion = cascade.commander_brings_unit, cascade.promotion
    efficacy, stipend = support.efficacy, support.stipend
    hazard, prosecution, family_fear = forces.hazard, forces.prosecution, forces.family
    livelihood_fear_f, allowance, caught_prior, attempts_prior = (forces.livelihood, forces.allowance, forces.caught,
                                                                  forces.attempts)
    low = oppose - gap
    boosted = 1.0 + extortion_boost
    open_today(head, link, next_chance, state, due, day)
    for t in range(len(town_unit_start) - 1):
        shared = w_so * open_share * social[t]
        kin = w_tw * open_share * township_pull[t]
        for u in range(town_unit_start[t], town_unit_start[t + 1]):
            b = unit_branch[u]
            f = b >> 1
            c = unit_commander[u]
            gone = 1.0 if state[c] == DEFECTED else 0.0
            peers = w_pe * unit_defected[u] / unit_size[u]
            combat = b == ARMY_COMBAT
            shock = w_sh * injury[t, b]
            base = peers + kin + (front_pull[t] if combat else 0.0)
            if unit_quiet[u] == 0 and unit_max_static[u] + shock * unit_max_sensitivity[u] + shared * boosted + base \
                    + w_cm * gone <= oppose:
                continue  # nobody opposes and nobody can start: nothing to do
            lo, hi = unit_start[u], unit_start[u + 1]
            drift = (abs(shock - unit_seen[u, 0]) * unit_max_sensitivity[u] + abs(shared - unit_seen[u, 1]) * boosted
                     + abs(base - unit_seen[u, 2]) + w_cm * abs(gone - unit_seen[u, 3]))
            starting = returning = 0
            if not (unit_margin[u, 0] - drift > MARGIN and unit_margin[u, 1] + drift < -MARGIN):
                starting, returning, least_quiet, most_compliant = scan_unit(
                    state, static, sensitivity, barracks, lo, hi, c, base, shock, shared, barracks_contact, boosted,
                    w_cm, gone, oppose, low)
                unit_seen[u, 0], unit_seen[u, 1], unit_seen[u, 2], unit_seen[u, 3] = shock, shared, base, gone
                unit_margin[u, 0], unit_margin[u, 1] = least_quiet - low, most_compliant - oppose
                if starting + returning > 0:  # states change today: scan again tomorrow
                    unit_margin[u, 0], unit_margin[u, 1] = -math.inf, math.inf
            everyone = starting > 0
            if not everyone and unit_quiet[u] == 0:
                continue
            led_out = brings > 0 and gone > 0.0 and left_day[c] == day - 1
            hearing = unit_supported[u] > 0  # word of mouth may reach quiet members who do not know of support
            all_quiet = everyone or returning > 0 or recount or led_out
            every_from = lo if (all_quiet or hearing) else hi
            if every_from == hi and not any_bit(due, lo, hi):
                continue  # no clock rings in the unit today: nothing happens to its quiet members
            # per-unit terms of the leaving decision, hoisted out of the members' loop
            chance = hazard[f] * (township_opportunity[t] if f == 0 else (front_chance[t] if combat else 1.0))
            ring = ceiling[b]
            belief = (caught_prior[f] + news * unit_caught[u]) / (attempts_prior[f] + news * unit_attempts[u])
            known_risk = belief * prosecution[f]
            growth = 1.0 + promotion * unit_defected[u] / unit_size[u]
            heard = -1.0  # the chance of hearing of support from a unit-mate who left with it, once needed
            i = lo - 1
            while True:
                if everyone:
                    i += 1
                    if i >= hi:
                        break
                else:
                    i = next_visit(quiet_members, due, i + 1, hi, every_from)
                    if i >= hi:
                        break
                s = state[i]
                if s > QUIET:
                    continue
                if not all_quiet and next_chance[i] != day and (knows[i] != 0 or not hearing):
                    continue  # nothing happens to this quiet member today
                contact = barracks_contact if barracks[i] else 1.0
                if s == COMPLIANT:
                    contact *= boosted
                d = static[i] + shock * sensitivity[i] + contact * shared + base + w_cm * gone * (c != i)
                if d <= (low if s == QUIET else oppose):
                    if s == QUIET:  # returns to compliance
                        state[i] = COMPLIANT
                        unit_quiet[u] -= 1
                        clear_bit(quiet_members, i)
                        transfer(counts, hardness, t, b, barracks[i], alignment[i], QUIET, COMPLIANT)
                        hold(held, held_reason, t, i, NOT_HELD)
                        if next_chance[i] == day:
                            clear_bit(due, i)
                            next_chance[i] = -1
                    continue
                me = ident[i]
                changed = recount or (led_out and c != i)  # whether to find again why the officer stays
                if s == COMPLIANT:
                    changed = True
                    state[i] = QUIET
                    unit_quiet[u] += 1
                    set_bit(quiet_members, i)
                    transfer(counts, hardness, t, b, barracks[i], alignment[i], COMPLIANT, QUIET)
                    # today is a day of the officer's clock: a fresh one, or one still running from an earlier
                    # spell, which rings after today (a wait drawn at the ring rate is memoryless either way)
                    rings = uniform(key, day, me, 3) < ring
                    if next_chance[i] < day:
                        schedule(head, link, next_chance, i, day + wait_days(uniform(key, day, me, 4), ring))
                elif next_chance[i] == day:  # the clock rings today: wind it again
                    rings = True
                    clear_bit(due, i)
                    schedule(head, link, next_chance, i, day + wait_days(uniform(key, day, me, 4), ring))
                else:
                    rings = False
                if knows[i] == 0 and unit_supported[u] > 0:
                    if heard < 0.0:
                        heard = 1.0 - (1.0 - word_of_mouth * open_share) ** unit_supported[u]
                    if uniform(key, day, me, 2) < heard:
                        knows[i] = 1
                        changed = True
                # a ring is an opportunity with probability chance / ring
                chanced = rings and uniform(key, day, me, 0) * ring < chance
                if not (changed or rings):
                    continue
                pull = d - defect - predation
                risk = known_risk + family_fear[f] * family[i]
                loss = livelihood[i] * growth + allowance[f]
                alone = net_pull(pull, risk, loss, livelihood_fear_f[f], efficacy, stipend, 0.0, 0.0)
                helped = net_pull(pull, risk, loss, livelihood_fear_f[f], efficacy, stipend, 1.0, 1.0)
                if (led_out and c != i) or chanced:
                    pull_out[i] = pull
                    risk_out[i] = risk
                    loss_out[i] = loss
                    draw = uniform(key, day, me, 1)
                    if takes_chance(draw, alone, scale):
                        intent_out[i] = WILL_GO
                    elif knows[i] and takes_chance(draw, helped, scale):
                        intent_out[i] = NEEDS_SUPPORT
                # selects rather than branches: the reason is hard to predict from one officer to the next
                reason = FEAR if risk >= livelihood_fear_f[f] * loss else LIVELIHOOD
                reason = LACK_OF_SUPPORT if (helped > 0.0) & (knows[i] != 0) else reason
                reason = LACK_OF_OPPORTUNITY if alone > 0.0 else reason
                hold(held, held_reason, t, i, reason)


def opportunity_ceiling(p, opportunity: np.ndarray) -> np.ndarray:
    """The largest daily chance of an opportunity per branch (4,), at which the calendar's clocks ring.

    The police's chance is their hazard times the township's regional multiplier (fixed for the run), a
    combat soldier's the army's hazard times 1 + front_opportunity * front, with the front below 1."""
    police = p.decision.opportunity_hazard * float(opportunity.max(initial=1.0))
    army = p.army.opportunity_hazard
    at_front = 1.0 + FRONT_LINE.params(p).front_opportunity
    return np.minimum(1.0, np.array([police, police, army * at_front, army]))


def stipend_value(sp, stipend_kyat: float) -> float:
    """What a stipend is worth to an officer, in kyat a month: it lasts ``stipend_months`` of the horizon."""
    return stipend_kyat * min(1.0, sp.stipend_months / sp.stipend_horizon_months)


def perceived_support(sp, nat) -> Support:
    """Protection efficacy and stipend kyat as officers weigh promised support today: discounted by credibility."""
    return Support(sp.protection_efficacy * nat.credibility, stipend_value(sp, nat.stipend_kyat) * nat.credibility)


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


def forces_today(p, nat, allowance_kyat: float) -> Forces:
    """Each force's opportunity hazard, fears and belief counts today (:func:`force_terms`), by name."""
    fears, beliefs = force_terms(p, nat, allowance_kyat)
    column = np.ascontiguousarray
    return Forces(hazard=np.array([p.decision.opportunity_hazard, p.army.opportunity_hazard]),
                  prosecution=column(fears[:, 0]), family=column(fears[:, 1]), livelihood=column(fears[:, 2]),
                  allowance=column(fears[:, 3]), caught=column(beliefs[:, 0]), attempts=column(beliefs[:, 1]))


def weights_today(p) -> Weights:
    """The weights of disaffection, with the ablations of peer effects and township ties applied."""
    d, sw = p.decision, p.switches
    return Weights(shock=d.w_shock, social=d.w_social, peer=d.w_peer * sw.peer_effects,
                   commander=d.w_commander * sw.peer_effects, township=d.w_township * sw.township_ties)


def contact_today(p, nat) -> Contact:
    """Contact with the township's punishment: barracks life, extortion, and what confinement leaves open."""
    return Contact(barracks=p.community.barracks_contact, extortion_boost=p.predation.social_boost * p.switches.predation,
                   open_share=1.0 - nat.confinement)


def thresholds_today(p, nat) -> Thresholds:
    """The thresholds of opposing and leaving, with the hysteresis ablation and today's predation pull."""
    d = p.decision
    return Thresholds(oppose=d.oppose_threshold, return_gap=d.return_gap * p.switches.hysteresis,
                      defect=d.defect_threshold, logit_scale=d.logit_scale, predation=predation_pull(p, nat))


def cascade_today(p) -> Cascade:
    """The cascade through units, with its ablations applied."""
    sw = p.switches
    return Cascade(unit_news=p.decision.unit_news_weight * sw.unit_news,
                   word_of_mouth=p.support.word_of_mouth_rate * sw.word_of_mouth,
                   commander_brings_unit=float(sw.commander_brings_unit and sw.peer_effects),
                   promotion=p.regime.promotion_gain * sw.promotions)


def forget_margins_if_changed(units, weights: Weights, contact: Contact, thresholds: Thresholds) -> None:
    """Have every unit scanned again when the terms its margins were found with have changed."""
    terms = (weights, contact.barracks, contact.extortion_boost, thresholds.oppose, thresholds.return_gap)
    if units.seen_with != terms:
        units.margin[:, 0], units.margin[:, 1] = -np.inf, np.inf
        units.seen_with = terms


def decision(sim, day: int) -> None:
    s, p = sim.state, sim.params
    o, tw, un, nat, cal = s.officers, s.townships, s.units, s.national, s.calendar
    weights, contact, thresholds = weights_today(p), contact_today(p, nat), thresholds_today(p, nat)
    forget_margins_if_changed(un, weights, contact, thresholds)
    if cal.checked_for is not p:  # a run continued with other parameters (the optimiser's candidates)
        if np.any(cal.ceiling < opportunity_ceiling(p, tw.opportunity)):
            raise ValueError("the daily chance of an opportunity is above the calendar's ceiling")
        cal.checked_for = p
    township_pull = tw.defected / np.maximum(1, tw.officers)
    decide(
        tw.unit_start, un.start, un.size, un.branch, un.commander, un.max_static, un.max_sensitivity,
        un.quiet, un.quiet_members, un.defected, un.attempts, un.caught, un.supported, un.seen, un.margin, o.ident,
        o.state, o.static, o.sensitivity, o.barracks, o.alignment, o.left_day, o.family_exposure, o.livelihood_kyat,
        o.knows_support, tw.injury, tw.social, township_pull, tw.opportunity, FRONT_LINE.pull(sim),
        FRONT_LINE.chance(sim), tw.counts, tw.hardness, tw.held, o.held_reason, o.next_chance,
        cal.link, cal.head, cal.due, cal.ceiling, day % p.decision.reason_recount_days == 0, weights, contact,
        thresholds, forces_today(p, nat, float(s.allowance_kyat[day])), cascade_today(p),
        perceived_support(p.support, nat), sim.keys["decision"], day, o.pull, o.risk, o.loss, o.intent)
