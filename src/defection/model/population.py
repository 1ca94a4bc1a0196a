"""Synthetic officers and civilians drawn from the scenario's distributions.

No real person is represented: every agent is drawn from public aggregate figures.
"""
from __future__ import annotations


import numpy as np

from defection.engine.rng import uniform_array
from defection.model.geography import apportion, myanmar
from defection.model.state import (
    CIVILIAN, COMPLIANT, PARAMILITARY, Civilians, National, Officers, State, Townships, Units,
)
from defection.scenarios.schema import BranchProfile, Scenario


def _beta(rng: np.random.Generator, mean: np.ndarray, concentration: float) -> np.ndarray:
    mean = np.clip(mean, 0.01, 0.99)
    return rng.beta(mean * concentration, (1.0 - mean) * concentration).astype(np.float32)


def _by_branch(sc: Scenario, branch: np.ndarray, attr: str) -> np.ndarray:
    """A profile parameter per officer; under the F1 ablation both branches share the civilian profile."""
    civ: BranchProfile = sc.officers.civilian
    para: BranchProfile = sc.officers.paramilitary if sc.switches.branch_differences else civ
    return np.array([getattr(civ, attr), getattr(para, attr)], dtype=np.float32)[branch]


def _officer_layout(sc: Scenario, pop: np.ndarray):
    """Township, branch and unit of each officer, sorted by township then unit."""
    n = sc.force.n_officers
    per_town = apportion(n, pop)
    para_per_town = apportion(int(round(n * sc.force.paramilitary_share)), pop)
    para_per_town = np.minimum(para_per_town, per_town)
    township, branch, unit = [], [], []
    next_unit = 0
    for t, (total, para) in enumerate(zip(per_town, para_per_town)):
        for b, count in ((CIVILIAN, total - para), (PARAMILITARY, para)):
            if count == 0:
                continue
            township.append(np.full(count, t, dtype=np.int16))
            branch.append(np.full(count, b, dtype=np.uint8))
            n_units = -(-count // sc.force.unit_size)
            unit.append(next_unit + (np.arange(count) * n_units // count).astype(np.int32))
            next_unit += n_units
    return np.concatenate(township), np.concatenate(branch), np.concatenate(unit), per_town, next_unit


def _commanders(unit: np.ndarray, rank: np.ndarray, n_units: int) -> np.ndarray:
    """Each officer's commander: the highest-ranked member of the unit (first on ties)."""
    order = np.lexsort((-rank.astype(np.int16), unit))
    first = np.ones(len(unit), dtype=bool)
    first[1:] = unit[order][1:] != unit[order][:-1]
    head = np.empty(n_units, dtype=np.int32)
    head[unit[order][first]] = order[first]
    return head[unit]


def build_officers(sc: Scenario, pop: np.ndarray, rng: np.random.Generator, support_key) -> tuple[Officers, Units, np.ndarray]:
    township, branch, unit, per_town, n_units = _officer_layout(sc, pop)
    n = len(branch)
    f = sc.force
    rank = rng.choice(len(f.rank_shares), size=n, p=np.asarray(f.rank_shares)).astype(np.uint8)
    tenure = np.minimum(35.0, np.asarray(f.rank_min_tenure)[rank] + rng.exponential(f.tenure_scale, n)).astype(np.float32)
    # each attribute is cast to its compact dtype as soon as it is drawn, to keep peak memory low
    joined_in_transition = (tenure >= 0.5) & (tenure <= 10.0)  # joined 2011-2020
    training = _beta(rng, _by_branch(sc, branch, "training_mean") + f.transition_training_bonus * joined_in_transition, 6.0)
    ties = _beta(rng, _by_branch(sc, branch, "ties_mean"), 4.0)
    alignment = rng.normal(_by_branch(sc, branch, "alignment_mean"), _by_branch(sc, branch, "alignment_sd"))
    if not sc.switches.cohort_neutral_alignment:
        alignment -= sc.officers.cohort_doctrine_shift * (tenure > 10.0)  # joined under the military regime
    alignment = np.clip(alignment, -1.0, 1.0).astype(np.float32)
    barracks = (rng.random(n, dtype=np.float32) < _by_branch(sc, branch, "barracks_share")).astype(np.uint8)
    o = sc.officers
    family = rng.normal(np.where(barracks, o.family_exposure_barracks, o.family_exposure_community), 0.1)
    family = np.clip(family, 0.0, 1.0).astype(np.float32)
    lv = sc.livelihood
    pay = np.asarray(lv.salary_kyat)[rank]
    livelihood = pay * (1.0 + lv.pension_weight * np.minimum(tenure, 30.0) / 30.0) * (1.0 + lv.housing_share * barracks)
    livelihood = np.maximum(0.0, livelihood - lv.outside_option_kyat * 2.0 * ties).astype(np.float32)
    del pay
    disposition = rng.normal(0.0, sc.decision.idiosyncratic_sd, n).astype(np.float32)
    knows = (uniform_array(support_key, 0, n, 0) < sc.support.outreach).astype(np.uint8)
    officers = Officers(
        township=township, unit=unit, commander=_commanders(unit, rank, n_units), branch=branch, rank=rank,
        tenure=tenure, training=training, ties=ties, alignment=alignment, barracks=barracks,
        family_exposure=family, livelihood_kyat=livelihood, disposition=disposition, knows_support=knows,
        state=np.full(n, COMPLIANT, dtype=np.uint8), shock=np.zeros(n, np.float32), social=np.zeros(n, np.float32),
        left_day=np.full(n, -1, dtype=np.int16), supported=np.zeros(n, np.uint8),
        intent=np.zeros(n, np.uint8), pull=np.zeros(n, np.float32),
    )
    units = Units(size=np.bincount(unit, minlength=n_units).astype(np.int32), defected=np.zeros(n_units, np.int32))
    return officers, units, per_town


def build_civilians(pop: np.ndarray, scale: int, rng: np.random.Generator) -> tuple[Civilians, np.ndarray]:
    agents = np.maximum(1, np.round(pop / scale)).astype(np.int64)
    m = int(agents.sum())
    civ = Civilians(
        hardship=rng.random(m, dtype=np.float32), risk_aversion=rng.random(m, dtype=np.float32),
        jailed_until=np.zeros(m, dtype=np.int16), active=np.zeros(m, dtype=np.uint8),
    )
    return civ, agents


def _calendar(sc: Scenario, region_names: tuple[str, ...]):
    days = sc.run.days
    dates = np.datetime64(sc.run.start) + np.arange(days).astype("timedelta64[D]")
    as_date = dates.astype(object)
    month_start = np.array([d.day == 1 for d in as_date], dtype=bool)
    month_start[0] = True
    factor = np.ones((days, len(region_names)))
    for ev in sc.regime.events:
        on = dates >= np.datetime64(ev.date)
        cols = [region_names.index(r) for r in ev.regions] if ev.regions else list(range(len(region_names)))
        factor[np.ix_(on, cols)] *= ev.escalation
    allowance = np.where(dates >= np.datetime64(sc.regime.allowance_start), sc.regime.allowance_kyat, 0.0)
    return dates, month_start, factor, allowance


def build_state(sc: Scenario, seed: int, keys: dict) -> State:
    geo = myanmar()
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence([int(seed), 0xD1A5])))
    officers, units, per_town = build_officers(sc, geo.township_population, rng, keys["support"])
    civilians, agents = build_civilians(geo.township_population, sc.run.scale, rng)
    t = geo.n_townships
    townships = Townships(
        region=geo.township_region, population=geo.township_population,
        officer_start=np.concatenate([[0], np.cumsum(per_town)]).astype(np.int64),
        civ_start=np.concatenate([[0], np.cumsum(agents)]).astype(np.int64),
        active_agents=np.zeros(t, np.int32), deployed=np.zeros(t), deployed_initial=np.zeros(t),
        lethality=np.zeros(t), deaths_today=np.zeros(t, np.int64), arrests_today=np.zeros(t, np.int64),
        violence=np.zeros(t),
    )
    dates, month_start, factor, allowance = _calendar(sc, geo.region_names)
    national = National(legitimacy=sc.civilians.legitimacy_initial)
    return State(officers, civilians, townships, units, national, geo.region_names, dates, month_start, factor, allowance)


