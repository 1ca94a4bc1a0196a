"""Crackdown: deployment of officers to protesting townships, arrests and killings.

Deployment: paramilitary units go first (share ``deploy_paramilitary``),
the civilian branch in support (``deploy_civilian``); quiet resisters turn up at a lower
rate (``deploy_quiet``). Deployed strength C_t weights officers by branch effectiveness.

Daily arrests and killings in township t are Poisson with means

    arrests_t = a * E_t * (k A_t / 1000) * g(x_t)
    deaths_t  = d * E_t * (k A_t / 1000) * g(x_t) * m_t / m_0
    g(x) = (1 + h) x / (x + h),  x_t = C_t / C_t(day 0)

E_t is the regime's intensity (duration and dated events), h the saturation of output in
strength, and m_t the mean lethality of those deployed: paramilitary ``lethality_paramilitary``
times hardness (1 - alignment)/2 for compliant officers, and (1 - ``quiet_warning``) times
that for quiet resisters, who warn protesters and avoid the violence. Two channels follow:
fewer officers lower g, while a more hardline remainder raises m_t (docs/model.md, Two channels).

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

import numpy as np
from numba import njit, prange

from defection.engine.rng import poisson, uniform
from defection.model.protest import SEGMENT, segments
from defection.model.state import KILLED, QUIET


@njit(parallel=True, cache=True)
def tally_deployment(officer_start, state, branch, alignment, deploy, effectiveness, lethality, deploy_quiet,
                     quiet_warning, deployed_out, lethality_out):
    """Per township: effectiveness-weighted deployed strength and mean lethality of the deployed.

    ``deploy``, ``effectiveness`` and ``lethality`` are (2,) arrays indexed by branch.
    """
    nt = len(officer_start) - 1
    for t in prange(nt):
        strength = 0.0
        leth = 0.0
        for i in range(officer_start[t], officer_start[t + 1]):
            s = state[i]
            if s > QUIET:
                continue
            b = branch[i]
            w = deploy[b] * (deploy_quiet if s == QUIET else 1.0)
            hard = lethality[b] * 0.5 * (1.0 - alignment[i])
            if s == QUIET:
                hard *= 1.0 - quiet_warning
            strength += w * effectiveness[b]
            leth += w * hard
        deployed_out[t] = strength
        lethality_out[t] = leth / strength if strength > 0 else 0.0


@njit(parallel=True, cache=True)
def encounters(civ_start, active, jailed_until, active_agents, deployed, deployed_initial, lethality,
               escalation, scale, arrest_rate, death_rate, half, lethality_ref, jail_mean, key, day,
               arrests_out, deaths_out):
    """Draw each township's arrests and killings; jail or remove the affected civilian agents.

    The township draws are cheap and serial; the loop over agents runs over balanced
    :func:`~defection.model.protest.segments` and skips townships with nobody to hit. Every
    draw is keyed by (township or agent, day), so the result is the same for any thread count.
    """
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
            if act[i] == 0:
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


def deployment_arrays(p):
    c = p.crackdown
    deploy = np.array([c.deploy_civilian, c.deploy_paramilitary])
    effectiveness = np.array([p.force.effectiveness_civilian, p.force.effectiveness_paramilitary])
    lethality = np.array([1.0, c.lethality_paramilitary])
    return deploy, effectiveness, lethality


def deploy(sim) -> None:
    """Tally today's deployable strength from the officers' current states."""
    s, p = sim.state, sim.params
    o, tw = s.officers, s.townships
    dep, eff, leth = deployment_arrays(p)
    tally_deployment(tw.officer_start, o.state, o.branch, o.alignment, dep, eff, leth,
                     p.crackdown.deploy_quiet, p.crackdown.quiet_warning, tw.deployed, tw.lethality)


def crackdown(sim, day: int) -> None:
    s, p = sim.state, sim.params
    tw, nat, c = s.townships, s.national, p.crackdown
    deploy(sim)
    if not p.switches.crackdown:
        tw.arrests_today[:] = 0
        tw.deaths_today[:] = 0
    else:
        escalation = nat.escalation_duration * s.event_factor[day, tw.region]
        encounters(
            tw.civ_start, s.civilians.active, s.civilians.jailed_until, tw.active_agents, tw.deployed,
            tw.deployed_initial, tw.lethality, escalation, float(p.run.scale), c.arrests_per_1000_active,
            c.deaths_per_1000_active, c.capacity_half, nat.lethality_reference, c.jail_days_mean,
            sim.keys["crackdown"], day, tw.arrests_today, tw.deaths_today,
        )
    deaths, arrests = int(tw.deaths_today.sum()), int(tw.arrests_today.sum())
    tw.violence *= 1.0 - p.community.violence_decay
    tw.violence += tw.deaths_today
    nat.killed += deaths
    nat.arrested += arrests
    nat.detained = nat.detained * (1.0 - 1.0 / c.jail_days_mean) + arrests
    nat.deaths_yesterday = deaths
