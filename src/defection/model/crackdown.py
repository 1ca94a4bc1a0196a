"""Crackdown and army operations: deployment to protesting townships, arrests and killings.

Deployment: paramilitary units go first (share ``deploy_paramilitary``),
the civilian branch in support (``deploy_civilian``), and a share of the army's combat troops
with them (``army.deploy_combat``); quiet resisters turn up at a lower rate (``deploy_quiet``).
Deployed strength C_t weights officers by branch effectiveness; a_t is the soldiers' share of it.

Daily arrests and killings in township t are Poisson with means

    arrests_t = a * E_t * (k A_t / 1000) * g(x_t)
    deaths_t  = d * E_t * (k A_t / 1000) * g(x_t) * m_t / m_0
    g(x) = (1 + h) x / (x + h),  x_t = C_t / C_t(day 0)

E_t is the regime's intensity (threat-driven, times any dated events), h the saturation of output
in strength, and m_t the mean lethality of those deployed: branch lethality (paramilitary
``lethality_paramilitary``, soldiers ``army.lethality``) times hardness (1 - alignment)/2 for
compliant officers, and (1 - w (1 - c a_t)) times that for quiet resisters, who warn protesters
and avoid the violence (w = ``quiet_warning``) except as far as soldiers watch them
(c = ``army.warning_cut``). Two channels follow: fewer officers lower g, while a more hardline
remainder raises m_t (docs/model.md, Two channels).

Army operations against armed resistance kill civilians where it is strong:

    operations_deaths_t ~ Poisson(o * E_t * (k Z_t / 1000) * K_army / K_army(day 0))

with Z_t the township's agents in armed resistance and K_army the army's coercive capacity
(so desertions weaken operations). These deaths are counted, not drawn from the agents (a
death is a small share of an agent's people at the default scale).

References
----------
.. [1] Epstein, J. M. (2002). Modeling civil violence: an agent-based computational approach. *PNAS* 99(suppl.
   3), 7243-7250.
.. [2] Kyed, H. M. & Nyan Corridor (2021). *Police under the military coup in Myanmar: between violence, fear
   and desertion*. DIIS.
.. [3] Selth, A. (2021). Myanmar's police forces: coup enforcers. *The Interpreter*, Lowy Institute, 19
   February 2021.
"""
from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numba import njit, prange

from defection.engine.kernels import serial_or_parallel
from defection.engine.rng import poisson, uniform
from defection.model.protest import SEGMENT, segments
from defection.model.state import ARMY_COMBAT, KILLED, PROTESTING


class Deployment(NamedTuple):
    """Who turns out for crackdowns and with what weight, by name (module docstring)."""

    deploy: np.ndarray  # (4,) per branch: the share of compliant officers deployed
    effectiveness: np.ndarray  # (4,) per branch: coercive weight
    lethality: np.ndarray  # (4,) per branch: lethality of the hardest officer
    quiet_turnout: float  # quiet resisters turn out at this times ``deploy``
    quiet_warning: float  # w: how much quiet resisters warn protesters and avoid the violence
    warning_cut: float  # c: the cut of the warning per unit of the soldiers' share of the strength


@njit(cache=True)
def tally_deployment(counts, hardness, terms):
    """Per township: (effectiveness-weighted deployed strength, mean lethality, soldiers' share of strength), each (T,).

    ``counts`` (T, 4, 4, 2) and ``hardness`` (T, 2, 4) are the township tallies of the officers (decision.py);
    ``terms`` (:class:`Deployment`) the parameters. Compliant officers turn out at ``deploy``, quiet resisters at
    ``quiet_turnout`` times it; the quiet warn protesters (``quiet_warning``) less where soldiers are a larger
    share of the strength (``warning_cut``).
    """
    deploy, effectiveness, lethality = terms.deploy, terms.effectiveness, terms.lethality
    deploy_quiet, quiet_warning, warning_cut = terms.quiet_turnout, terms.quiet_warning, terms.warning_cut
    nt = counts.shape[0]
    strength = np.zeros(nt)
    mean_lethality = np.zeros(nt)
    share = np.zeros(nt)
    for t in range(nt):
        total = 0.0
        army = 0.0
        hard_compliant = 0.0
        hard_quiet = 0.0
        for k in range(2):
            turnout_k = 1.0 if k == 0 else deploy_quiet
            for b in range(4):
                turnout = turnout_k * deploy[b]
                present = (counts[t, k, b, 0] + counts[t, k, b, 1]) * turnout
                total += present * effectiveness[b]
                if b >= ARMY_COMBAT:
                    army += present * effectiveness[b]
                hard = hardness[t, k, b] * turnout * lethality[b] * 0.5
                if k == 0:
                    hard_compliant += hard
                else:
                    hard_quiet += hard
        if total > 0.0:
            strength[t] = total
            share[t] = army / total
            warning = quiet_warning * (1.0 - warning_cut * share[t])
            mean_lethality[t] = (hard_compliant + hard_quiet * (1.0 - warning)) / total
    return strength, mean_lethality, share


class Encounters(NamedTuple):
    """The parameters of arrests and killings in crackdowns on protest, by name (module docstring)."""

    scale: float  # k: people per civilian agent
    arrest_rate: float  # a: arrests per 1,000 protesting people at intensity 1
    death_rate: float  # d: killings per 1,000 protesting people (0 once the regime stops killing)
    capacity_half: float  # h: the saturation of output in strength
    lethality_reference: float  # m_0: the mean lethality of the deployed on day 0
    jail_days_mean: float  # the mean stay in jail, days


@serial_or_parallel
def encounters(civ_start, active, jailed_until, active_agents, deployed, deployed_initial, lethality,
               escalation, terms, key, day, arrests_out, deaths_out):
    """Draw each township's arrests and killings; jail or remove the affected civilian agents.

    ``terms`` (:class:`Encounters`) are the parameters; ``escalation`` (T,) is each township's intensity today.

    The township draws are cheap and serial; the loop over agents runs over balanced
    :func:`~defection.model.protest.segments` and skips townships with nobody to hit. Every
    draw is keyed by (township or agent, day), so the result is the same for any thread count.
    """
    scale, arrest_rate, death_rate = terms.scale, terms.arrest_rate, terms.death_rate
    half, lethality_ref, jail_mean = terms.capacity_half, terms.lethality_reference, terms.jail_days_mean
    nt = len(civ_start) - 1
    p_dead_t = np.zeros(nt)
    p_hit_t = np.zeros(nt)  # p_dead + p_jail
    for t in range(nt):
        people = scale * active_agents[t]
        if people <= 0 or deployed[t] <= 0:
            arrests_out[t] = 0
            deaths_out[t] = 0
            continue
        x = deployed[t] / deployed_initial[t] if deployed_initial[t] > 0 else 0.0
        g = (1.0 + half) * x / (x + half) if half > 0 else 1.0
        base = escalation[t] * people / 1000.0 * g
        n_arrest = min(poisson(key, day, t, 0, arrest_rate * base), int(people))
        n_dead = min(poisson(key, day, t, 2, death_rate * base * lethality[t] / lethality_ref), int(people) - n_arrest)
        arrests_out[t] = n_arrest
        deaths_out[t] = n_dead
        p_jail = n_arrest / people
        p_dead = n_dead / people
        p_dead_t[t] = p_dead
        p_hit_t[t] = p_dead + p_jail
    lo, town = segments(civ_start, SEGMENT)
    for s in prange(len(town)):
        t = town[s]
        p_dead = p_dead_t[t]
        p_hit = p_hit_t[t]
        if p_hit <= 0.0:  # u >= 0: nobody is hit
            continue
        a = lo[s]
        act = active[a:lo[s + 1]]  # a view from 0 scans faster than indexing the whole array
        for i in range(len(act)):
            if act[i] != PROTESTING:
                continue
            j = a + i
            u = uniform(key, day, j, 4)
            if u < p_dead:
                jailed_until[j] = KILLED
                act[i] = 0
            elif u < p_hit:
                term = -jail_mean * math.log(1.0 - uniform(key, day, j, 5))
                jailed_until[j] = min(32766, day + 1 + int(term))
                act[i] = 0


def effectiveness(p) -> np.ndarray:
    """Coercive weight of each branch, shape (4,)."""
    return np.array([p.force.effectiveness_civilian, p.force.effectiveness_paramilitary, p.army.effectiveness_combat,
                     p.army.effectiveness_support])


def deployment_arrays(p):
    """(deploy share, effectiveness, lethality), each of shape (4,) indexed by branch."""
    c, sw = p.crackdown, p.switches
    deploy = np.array([c.deploy_civilian, c.deploy_paramilitary, p.army.deploy_combat * sw.army_in_crackdowns, 0.0])
    lethality = np.array([1.0, c.lethality_paramilitary, p.army.lethality, 0.0])
    return deploy, effectiveness(p), lethality


def deploy(sim) -> None:
    """Tally today's deployable strength from the officers' current states."""
    s, p = sim.state, sim.params
    tw = s.townships
    dep, eff, leth = deployment_arrays(p)
    terms = Deployment(deploy=dep, effectiveness=eff, lethality=leth, quiet_turnout=p.crackdown.deploy_quiet,
                       quiet_warning=p.crackdown.quiet_warning,
                       warning_cut=p.army.warning_cut * p.switches.army_limits_warning)
    tw.deployed[:], tw.lethality[:], tw.army_share[:] = tally_deployment(tw.counts, tw.hardness, terms)


@njit(cache=True)
def operations(armed_agents, escalation, scale, rate, strength, key, day, deaths_out):
    """Civilians killed in army operations in each township (T,), Poisson around the mean in the module docstring."""
    for t in range(len(armed_agents)):
        mean = rate * escalation[t] * scale * armed_agents[t] / 1000.0 * strength
        deaths_out[t] = poisson(key, day, t, 6, mean) if mean > 0 else 0


def encounter_terms(p, nat, killing) -> Encounters:
    """The parameters of today's encounters; ``killing`` is whether the regime still kills protesters."""
    c = p.crackdown
    return Encounters(scale=float(p.run.scale), arrest_rate=c.arrests_per_1000_active,
                      death_rate=c.deaths_per_1000_active * killing, capacity_half=c.capacity_half,
                      lethality_reference=nat.lethality_reference, jail_days_mean=c.jail_days_mean)


def crackdown(sim, day: int) -> None:
    s, p = sim.state, sim.params
    tw, nat, c = s.townships, s.national, p.crackdown
    deploy(sim)
    killing = s.dates[day] < np.datetime64(p.regime.violence_ends)
    escalation = nat.escalation * s.event_factor[day, tw.region]
    if not p.switches.crackdown:
        tw.arrests_today[:] = 0
        tw.deaths_today[:] = 0
    else:
        encounters.for_items(len(s.civilians.active))(
            tw.civ_start, s.civilians.active, s.civilians.jailed_until, tw.active_agents, tw.deployed,
            tw.deployed_initial, tw.lethality, escalation, encounter_terms(p, nat, killing), sim.keys["crackdown"], day,
            tw.arrests_today, tw.deaths_today,
        )
    tw.operations_deaths_today[:] = 0
    if p.switches.army_operations and killing:
        operations(tw.armed_agents, escalation, float(p.run.scale), p.resistance.operations_deaths_per_1000_armed,
                   nat.army_strength, sim.keys["crackdown"], day, tw.operations_deaths_today)
    operations_deaths = int(tw.operations_deaths_today.sum())
    deaths, arrests = int(tw.deaths_today.sum()) + operations_deaths, int(tw.arrests_today.sum())
    tw.violence *= 1.0 - p.community.violence_decay
    tw.violence += tw.deaths_today + tw.operations_deaths_today
    nat.killed_operations += operations_deaths
    nat.killed += deaths
    nat.arrested += arrests
    nat.detained = nat.detained * (1.0 - 1.0 / c.jail_days_mean) + arrests
    nat.deaths_yesterday = deaths
