"""The decision kernel draws opportunities as geometric waits and keeps the reasons for staying by event; it must
give the same distribution of results as the kernel of version 2, kept in ``tests/reference_decision.py``.

Rule (issue 23): across versions a run's outputs may change where their distribution does not. Both kernels run
the default scenario (police and army, 730 days) on the same 30 seeds, so the population, protest, crackdown and
support draws are common and each seed gives a pair. For each key statistic the paired differences are tested
with a t-test and a Wilcoxon signed-rank test.

**Tolerance:** every test's p-value must be at least ``P_MIN`` = 0.001. With about 40 tests, that keeps the chance of
a false alarm, if the distributions are equal, below 5% (Bonferroni). **Negative control:** the reference kernel
with a 10% higher daily chance of an opportunity, on the same seeds, must fail the same test (some p below P_MIN),
so the test has the power to see a change of that size.
"""
from __future__ import annotations

import functools

import numpy as np
import pytest
from scipy import stats

from defection import model, scenarios
from defection.engine import Step
from defection.model import decision
from defection.model.decision import HELD_BY
from reference_decision import reference_decision

SEEDS = range(30)
DATES = (120, 334, 500, 729)  # 1 Jun 2021, 31 Dec 2021, mid-June 2022, 31 Jan 2023
P_MIN = 0.001
PERTURBED_HAZARD = 1.10


def key_statistics(recorder) -> dict[str, float]:
    """Defections per force at four dates, quiet resisters per force, why they stay (F4 shares over the run),
    killings and coercive capacity on the last day."""
    out = {f"{column}@{day}": float(recorder[column][day]) for column in ("defected_police", "defected_army")
           for day in DATES}
    out |= {f"{column}@{day}": float(recorder[column][day]) for column in
            ("quiet_resisters_police", "quiet_resisters_army") for day in (334, 729)}
    held = np.array([recorder[f"held_by_{reason}"].sum() for reason in HELD_BY], float)
    out |= {f"F4 {reason}": share for reason, share in zip(HELD_BY, held / held.sum())}
    out["civilians_killed@729"] = float(recorder["civilians_killed"][729])
    out["coercive_capacity@729"] = float(recorder["coercive_capacity"][729])
    return out


def statistics(step, seed: int) -> dict[str, float]:
    sc = scenarios.load("myanmar-2021")
    sim = model.build(sc, seed=seed)
    sim.steps = tuple(Step("decision", step) if s.name == "decision" else s for s in sim.steps)
    return key_statistics(sim.run(sc.run.days).recorder)


@functools.cache
def sample(kernel: str) -> dict[str, np.ndarray]:
    step = {"current": decision.decision, "reference": reference_decision,
            "perturbed": functools.partial(reference_decision, hazard_factor=PERTURBED_HAZARD)}[kernel]
    rows = [statistics(step, seed) for seed in SEEDS]
    return {name: np.array([row[name] for row in rows]) for name in rows[0]}


def paired_p_values(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> dict[str, float]:
    """The smaller of the paired t-test's and the signed-rank test's p-value, per statistic (statistics that are
    equal in every pair, such as no soldier gone by June 2021, are left out)."""
    out = {}
    for name in a:
        diff = a[name] - b[name]
        if np.all(diff == 0):
            continue
        out[name] = min(stats.ttest_rel(a[name], b[name]).pvalue, stats.wilcoxon(a[name], b[name]).pvalue)
    return out


@pytest.mark.slow
def test_the_kernel_keeps_the_reference_distribution():
    p = paired_p_values(sample("current"), sample("reference"))
    assert len(p) >= 15
    failing = {name: value for name, value in p.items() if value < P_MIN}
    assert not failing, failing


@pytest.mark.slow
def test_a_perturbed_kernel_is_told_apart():
    """The negative control: a 10% higher chance of an opportunity fails the same test."""
    p = paired_p_values(sample("current"), sample("perturbed"))
    assert min(p.values()) < P_MIN, p
