"""Synthetic officers and civilians drawn from the scenario's distributions.

No real person is represented: every agent is drawn from public aggregate figures.

Common random numbers: each trait of each agent is the inverse-CDF transform
of its own counter-based uniform u(run seed, "population" stream, agent, trait slot). A trait's
draw therefore depends on no other trait's parameters and on no other agent: changing one
branch's profile changes only the traits that profile shapes, for that branch's officers, and
leaves every other officer and every civilian as they were.
"""
from __future__ import annotations

import functools

import numpy as np
from scipy import interpolate, special

from defection.engine.bits import bitset
from defection.engine.rng import fill_uniform, uniform_array
from defection.model import support
from defection.model.decision import NOT_HELD, opportunity_ceiling
from defection.model.geography import apportion, myanmar
from defection.model.state import (
    ARMY_COMBAT, COMPLIANT, N_BRANCHES, Calendar, Civilians, National, Officers, State,
    Townships, Units,
)
from defection.scenarios.schema import BranchProfile, Scenario

# Counter slots of the population stream, one per trait. Officers and civilians are numbered
# separately, so their slots differ. Append new traits with new slots; never renumber.
RANK, TENURE, TRAINING, TIES, ALIGNMENT, BARRACKS, FAMILY, DISPOSITION = range(8)
HARDSHIP, RISK_AVERSION = 16, 17
_SMALLEST_U = 2.0 ** -54  # the counter draws lie in [0, 1); quantile functions need (0, 1)

# Beta means are kept inside [floor, 1 - floor] so that both shape parameters stay positive
# (a numerical guard: a profile mean plus the transition bonus can exceed 1).
BETA_MEAN_FLOOR = 0.01
# Beta quantiles are interpolated from a table per distinct (a, b) in the central range
# |logit u| < _TABLE_LOGIT and computed exactly in the tails: within 1e-8 of scipy's betaincinv
# (tests/test_population_crn.py), below float32 resolution, and several times faster than
# betaincinv on every officer (which alone would take about 0.3 s per trait for 80,000 officers).
_TABLE_LOGIT, _TABLE_POINTS, _MAX_TABLES = 9.0, 513, 64


def _draws(key, n: int, slot: int) -> np.ndarray:
    """The population uniforms of agents ``0..n-1`` for one trait, in (0, 1)."""
    return np.maximum(uniform_array(key, 0, n, slot), _SMALLEST_U)


@functools.lru_cache(maxsize=256)
def _beta_table(a: float, b: float) -> interpolate.CubicSpline | None:
    """The spline of logit(x) in logit(u) for Beta(a, b), or None where x underflows on the grid.

    Kept per process: the runs of a sweep, calibration or optimisation share their branch profiles.
    """
    grid = np.linspace(-_TABLE_LOGIT, _TABLE_LOGIT, _TABLE_POINTS)
    with np.errstate(divide="ignore"):  # x or 1 - x underflowing to 0 on the grid: no table, stay exact
        logit_x = (np.log(special.betaincinv(a, b, special.expit(grid)))
                   - np.log(special.betaincinv(b, a, special.expit(-grid))))
    return interpolate.CubicSpline(grid, logit_x) if np.isfinite(logit_x).all() else None


def _beta_quantiles(a: float, b: float, u: np.ndarray) -> np.ndarray:
    """Beta(a, b) quantiles of ``u``: a cubic spline of logit(x) in logit(u), exact in the tails."""
    table = _beta_table(float(a), float(b))
    if table is None:
        return special.betaincinv(a, b, u)
    z = special.logit(u)
    inner = np.abs(z) < _TABLE_LOGIT
    out = np.empty(len(u))
    out[inner] = special.expit(table(z[inner]))
    out[~inner] = special.betaincinv(a, b, u[~inner])
    return out


def beta_ppf(mean: np.ndarray, concentration: float, u: np.ndarray) -> np.ndarray:
    """Quantiles of Beta(mean * c, (1 - mean) * c) at ``u``, one per agent; ``mean`` is clipped to
    [``BETA_MEAN_FLOOR``, 1 - ``BETA_MEAN_FLOOR``]."""
    mean = np.clip(np.asarray(mean, dtype=np.float64), BETA_MEAN_FLOOR, 1.0 - BETA_MEAN_FLOOR)
    values, group = np.unique(mean, return_inverse=True)
    if len(values) > _MAX_TABLES:
        return special.betaincinv(mean * concentration, (1.0 - mean) * concentration, u)
    out = np.empty(len(u))
    for k, m in enumerate(values):
        members = group == k
        out[members] = _beta_quantiles(m * concentration, (1.0 - m) * concentration, u[members])
    return out


def _normal(key, n: int, slot: int, mean, sd) -> np.ndarray:
    """Normal(``mean``, ``sd``) draws of agents ``0..n-1`` for one trait, by the normal quantile."""
    return mean + sd * special.ndtri(_draws(key, n, slot))


def _profiles(sc: Scenario) -> tuple[BranchProfile, ...]:
    """The profile of each branch; under the F1 ablation both police branches share the civilian profile."""
    civ: BranchProfile = sc.officers.civilian
    para: BranchProfile = sc.officers.paramilitary if sc.switches.branch_differences else civ
    return civ, para, sc.army.combat, sc.army.support


def _by_branch(sc: Scenario, branch: np.ndarray, attr: str) -> np.ndarray:
    """A profile parameter per officer."""
    return np.array([getattr(p, attr) for p in _profiles(sc)], dtype=np.float32)[branch]


def _strengths(sc: Scenario, pop: np.ndarray) -> np.ndarray:
    """Officers of each branch in each township, shape (T, 4), in proportion to population (assumed)."""
    police, soldiers = sc.force.n_officers, sc.army.n_soldiers if sc.switches.army else 0
    per_branch = (police - round(police * sc.force.paramilitary_share), round(police * sc.force.paramilitary_share),
                  round(soldiers * sc.army.combat_share), soldiers - round(soldiers * sc.army.combat_share))
    return np.stack([apportion(int(k), pop) for k in per_branch], axis=1)


def _officer_layout(sc: Scenario, pop: np.ndarray):
    """Township, branch and unit of each officer, sorted by township then unit (police units, then army units)."""
    counts = _strengths(sc, pop)
    unit_size = (sc.force.unit_size, sc.force.unit_size, sc.army.unit_size, sc.army.unit_size)
    township, branch, unit = [], [], []
    next_unit = 0
    for t in range(len(pop)):
        for b in range(N_BRANCHES):
            count = int(counts[t, b])
            if count == 0:
                continue
            township.append(np.full(count, t, dtype=np.int16))
            branch.append(np.full(count, b, dtype=np.uint8))
            n_units = -(-count // unit_size[b])
            unit.append(next_unit + (np.arange(count) * n_units // count).astype(np.int32))
            next_unit += n_units
    return np.concatenate(township), np.concatenate(branch), np.concatenate(unit), counts.sum(axis=1), next_unit


def _commanders(unit: np.ndarray, rank: np.ndarray, n_units: int) -> np.ndarray:
    """Each unit's commander, shape (U,): its highest-ranked member (first on ties)."""
    order = np.lexsort((-rank.astype(np.int16), unit))
    first = np.ones(len(unit), dtype=bool)
    first[1:] = unit[order][1:] != unit[order][:-1]
    head = np.empty(n_units, dtype=np.int32)
    head[unit[order][first]] = order[first]
    return head


def _career(sc: Scenario, key, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Rank (inverse CDF of the rank pyramid) and years of service (rank minimum plus an exponential)."""
    f = sc.force
    cumulative = np.cumsum(f.rank_shares)
    rank = np.minimum(np.searchsorted(cumulative, _draws(key, n, RANK), side="right"), len(cumulative) - 1)
    extra = -f.tenure_scale * np.log1p(-_draws(key, n, TENURE))
    tenure = np.minimum(f.max_tenure, np.asarray(f.rank_min_tenure)[rank] + extra)
    return rank.astype(np.uint8), tenure.astype(np.float32)


def _per_region(sc: Scenario, region_names, field: str, neutral: float) -> np.ndarray:
    """A regional profile field per region, shape (R,): ``neutral`` where no profile names the region; profiles
    of the same region combine (shifts add, multipliers multiply)."""
    values = np.full(len(region_names), neutral)
    for prof in sc.regions.profiles:
        k = region_names.index(prof.region)
        value = getattr(prof, field)
        values[k] = values[k] + value if neutral == 0.0 else values[k] * value
    return values


def _regional_shifts(sc: Scenario, region: np.ndarray, branch: np.ndarray, region_names) -> tuple[np.ndarray, np.ndarray]:
    """(alignment shift, ties shift) of each officer: the police of a region with a profile differ."""
    police = branch < ARMY_COMBAT
    return tuple(_per_region(sc, region_names, field, 0.0)[region] * police
                 for field in ("alignment_shift", "ties_shift"))


def _regional_multipliers(sc: Scenario, township_region: np.ndarray, region_names) -> tuple[np.ndarray, np.ndarray]:
    """(opportunity, detection) multipliers of each township's police, from the regional profiles."""
    return tuple(_per_region(sc, region_names, field, 1.0)[township_region]
                 for field in ("opportunity_multiplier", "detection_multiplier"))


def _views(sc: Scenario, key, branch: np.ndarray, tenure: np.ndarray, shifts) -> dict[str, np.ndarray]:
    """Training, ties, alignment, barracks life and family exposure, from the officer's branch profile."""
    n, f, o = len(branch), sc.force, sc.officers
    transition = (tenure >= f.transition_cohort_min_tenure) & (tenure <= f.transition_cohort_max_tenure)
    training_mean = _by_branch(sc, branch, "training_mean") + f.transition_training_bonus * transition
    training = beta_ppf(training_mean, o.training_concentration, _draws(key, n, TRAINING))
    ties = beta_ppf(_by_branch(sc, branch, "ties_mean") + shifts[1], o.ties_concentration, _draws(key, n, TIES))
    alignment = _normal(key, n, ALIGNMENT, _by_branch(sc, branch, "alignment_mean") + shifts[0],
                        _by_branch(sc, branch, "alignment_sd"))
    if not sc.switches.cohort_neutral_alignment:
        alignment -= o.cohort_doctrine_shift * (tenure > f.transition_cohort_max_tenure)  # joined under the military regime
    barracks = (_draws(key, n, BARRACKS) < _by_branch(sc, branch, "barracks_share")).astype(np.uint8)
    family_mean = np.where(barracks, o.family_exposure_barracks, o.family_exposure_community)
    family_mean = np.where(branch >= ARMY_COMBAT, sc.army.family_exposure, family_mean)
    family = _normal(key, n, FAMILY, family_mean, o.family_exposure_sd)
    return dict(training=training.astype(np.float32), ties=ties.astype(np.float32),
                alignment=np.clip(alignment, -1.0, 1.0).astype(np.float32), barracks=barracks,
                family_exposure=np.clip(family, 0.0, 1.0).astype(np.float32))


def _livelihood(sc: Scenario, rank: np.ndarray, tenure: np.ndarray, barracks: np.ndarray, ties: np.ndarray) -> np.ndarray:
    """Kyat a month lost by leaving: pay, pension and housing, net of outside earnings."""
    lv = sc.livelihood
    pension = lv.pension_weight * np.minimum(tenure, lv.pension_full_years) / lv.pension_full_years
    loss = np.asarray(lv.salary_kyat)[rank] * (1.0 + pension) * (1.0 + lv.housing_share * barracks)
    return np.maximum(0.0, loss - lv.outside_option_kyat * lv.outside_ties_factor * ties).astype(np.float32)


def _static_disaffection(sc: Scenario, views: dict, disposition: np.ndarray) -> np.ndarray:
    """The fixed part of each officer's disaffection: w_tr training + w_ti ties + w_al alignment + disposition."""
    d = sc.decision
    return (d.w_training * views["training"] + d.w_ties * views["ties"] + d.w_alignment * views["alignment"]
            + disposition).astype(np.float32)


def _sensitivity(sc: Scenario, views: dict) -> np.ndarray:
    """Moral sensitivity (1 + alignment)/2 (1 + kin ties): doctrine numbs, kin among the victims sharpens."""
    return (0.5 * (1.0 + views["alignment"]) * (1.0 + sc.exposure.kin_multiplier * views["ties"])).astype(np.float32)


def _drawn_officers(sc: Scenario, keys: dict, township, branch, unit, township_region, region_names) -> dict:
    """Each officer's traits, in layout order (the order of the counters they are drawn from)."""
    n, key = len(branch), keys["population"]
    rank, tenure = _career(sc, key, n)
    views = _views(sc, key, branch, tenure, _regional_shifts(sc, township_region[township], branch, region_names))
    disposition = _normal(key, n, DISPOSITION, 0.0, sc.decision.idiosyncratic_sd).astype(np.float32)
    # outreach keeps its own stream, so that raising it adds officers who know and keeps those who did
    knows = (uniform_array(keys["support"], 0, n, 0) < support.outreach_on_first_day(sc)).astype(np.uint8)
    return dict(township=township, unit=unit, branch=branch, rank=rank, tenure=tenure, **views,
                livelihood_kyat=_livelihood(sc, rank, tenure, views["barracks"], views["ties"]), disposition=disposition,
                static=_static_disaffection(sc, views, disposition), sensitivity=_sensitivity(sc, views),
                knows_support=knows, ident=np.arange(n, dtype=np.int32))


def build_officers(sc: Scenario, pop: np.ndarray, keys: dict, township_region, region_names):
    """Both forces: layout by township, branch and unit, then each officer's traits from the population stream.

    Within a unit, officers are then sorted by static disaffection, highest first, so that the daily
    decision can stop at the first member who cannot come to oppose the regime. ``ident`` keeps each
    officer's draw counter, so the daily random numbers stay common across scenarios.
    """
    township, branch, unit, per_town, n_units = _officer_layout(sc, pop)
    traits = _drawn_officers(sc, keys, township, branch, unit, township_region, region_names)
    order = np.lexsort((-traits["static"], unit))
    position = np.empty_like(order)
    position[order] = np.arange(len(order))
    commander = position[_commanders(unit, traits["rank"], n_units)].astype(np.int32)
    traits = {name: values[order] for name, values in traits.items()}
    n = len(order)
    officers = Officers(**traits, state=np.full(n, COMPLIANT, dtype=np.uint8), left_day=np.full(n, -1, dtype=np.int16),
                        supported=np.zeros(n, np.uint8), intent=np.zeros(n, np.uint8), pull=np.zeros(n, np.float32),
                        risk=np.zeros(n, np.float32), loss=np.zeros(n, np.float32),
                        held_reason=np.full(n, NOT_HELD, np.uint8), next_chance=np.full(n, -1, np.int32))
    return officers, _units(officers, commander, n_units), per_town


def _units(o: Officers, commander: np.ndarray, n_units: int) -> Units:
    """Per-unit arrays: members' range, branch, township, commander, and the largest static terms (for bounds)."""
    size = np.bincount(o.unit, minlength=n_units).astype(np.int32)
    start = np.concatenate([[0], np.cumsum(size)]).astype(np.int64)
    first = start[:-1]
    counters = {name: np.zeros(n_units, np.int32) for name in ("quiet", "defected", "attempts", "caught", "supported")}
    return Units(size=size, start=start, branch=o.branch[first], township=o.township[first], commander=commander,
                 max_static=o.static[first], max_sensitivity=np.maximum.reduceat(o.sensitivity, first),
                 quiet_members=bitset(o.n), seen=np.zeros((n_units, 4)),
                 margin=np.tile([-np.inf, np.inf], (n_units, 1)), **counters)


def initial_counts(o: Officers, n_townships: int) -> np.ndarray:
    """Officers per (township, state, branch, barracks), shape (T, 4, 4, 2); all compliant on day 0."""
    shape = (n_townships, 4, N_BRANCHES, 2)
    flat = np.ravel_multi_index((o.township, o.state, o.branch, o.barracks), shape)
    return np.bincount(flat, minlength=int(np.prod(shape))).reshape(shape).astype(np.int64)


def initial_hardness(o: Officers, n_townships: int) -> np.ndarray:
    """Sum of (1 - alignment) of compliant and quiet officers per (township, state, branch), shape (T, 2, 4)."""
    shape = (n_townships, 2, N_BRANCHES)
    staying = o.state <= 1
    flat = np.ravel_multi_index((o.township[staying], o.state[staying], o.branch[staying]), shape)
    weights = (1.0 - o.alignment[staying]).astype(np.float64)  # differences taken in float32, then widened
    return np.bincount(flat, weights=weights, minlength=int(np.prod(shape))).reshape(shape)


def build_civilians(pop: np.ndarray, scale: int, key) -> tuple[Civilians, np.ndarray]:
    """One agent per ``scale`` people in each township, hardship and risk aversion U(0, 1) from the population stream.

    Filled in place as float32: 11 bytes per agent, about 570 MB at full scale (k = 1).
    """
    agents = np.maximum(1, np.round(pop / scale)).astype(np.int64)
    m = int(agents.sum())
    hardship, risk = np.empty(m, dtype=np.float32), np.empty(m, dtype=np.float32)
    fill_uniform(hardship, key, 0, HARDSHIP)
    fill_uniform(risk, key, 0, RISK_AVERSION)
    civ = Civilians(hardship=hardship, risk_aversion=risk, jailed_until=np.zeros(m, dtype=np.int16),
                    active=np.zeros(m, dtype=np.uint8))
    return civ, agents


def _calendar(sc: Scenario, region_names: tuple[str, ...]):
    days = sc.run.days
    dates = np.datetime64(sc.run.start) + np.arange(days).astype("timedelta64[D]")
    as_date = dates.astype(object)
    month_start = np.array([d.day == 1 for d in as_date], dtype=bool)
    month_start[0] = True
    calls = np.zeros(days)
    for call in sc.resistance.events:
        calls += np.where(dates >= np.datetime64(call.date), call.call, 0.0)
    factor = np.ones((days, len(region_names)))
    for ev in sc.regime.events:
        on = dates >= np.datetime64(ev.date)
        cols = [region_names.index(r) for r in ev.regions] if ev.regions else list(range(len(region_names)))
        factor[np.ix_(on, cols)] *= ev.escalation
    allowance = np.where(dates >= np.datetime64(sc.regime.allowance_start), sc.regime.allowance_kyat, 0.0)
    return dates, month_start, factor, calls, allowance * sc.switches.allowances


def build_state(sc: Scenario, keys: dict) -> State:
    """The initial state of a run: geography, officers, civilians and calendar; ``keys`` are the run's stream keys."""
    geo = myanmar()
    officers, units, per_town = build_officers(sc, geo.township_population, keys, geo.township_region,
                                               geo.region_names)
    civilians, agents = build_civilians(geo.township_population, sc.run.scale, keys["population"])
    t = geo.n_townships
    townships = Townships(
        region=geo.township_region, population=geo.township_population,
        officer_start=np.concatenate([[0], np.cumsum(per_town)]).astype(np.int64),
        civ_start=np.concatenate([[0], np.cumsum(agents)]).astype(np.int64),
        active_agents=np.zeros(t, np.int32), armed_agents=np.zeros(t, np.int32),
        officers=per_town.astype(np.int32), defected=np.zeros(t, np.int32), army_share=np.zeros(t),
        social=np.zeros(t), deployed=np.zeros(t), deployed_initial=np.zeros(t),
        lethality=np.zeros(t), deaths_today=np.zeros(t, np.int64), operations_deaths_today=np.zeros(t, np.int64),
        arrests_today=np.zeros(t, np.int64), violence=np.zeros(t), opportunity=np.ones(t), detection=np.ones(t),
        unit_start=np.searchsorted(units.township, np.arange(t + 1)).astype(np.int64),
        counts=initial_counts(officers, t), hardness=initial_hardness(officers, t),
        held=np.zeros((t, 4), np.int64), protected=np.zeros(t, np.int32), enrolled=np.zeros(t, np.int32),
    )
    townships.opportunity, townships.detection = _regional_multipliers(sc, geo.township_region, geo.region_names)
    dates, month_start, factor, calls, allowance = _calendar(sc, geo.region_names)
    c = sc.civilians
    national = National(legitimacy=max(0.0, c.legitimacy_pre_coup - c.coup_shock),  # the coup is a shock on day 0
                        daily_defections=np.zeros(sc.regime.adapt_window_days, dtype=np.int64),
                        credibility=sc.support.credibility_initial, stipend_kyat=sc.support.stipend_kyat,
                        stipend_cohorts=np.zeros(int(round(sc.support.stipend_months)) + 1, np.int64))
    calendar = Calendar(head=np.full(sc.run.days + 1, -1, np.int32), link=np.full(officers.n, -1, np.int32),
                        due=bitset(officers.n), ceiling=opportunity_ceiling(sc, townships.opportunity))
    return State(officers, civilians, townships, units, national, geo.region_names, dates, month_start, factor, calls,
                 allowance, calendar)


