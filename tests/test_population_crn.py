"""Common random numbers at population build (MODEL.md §7).

Every trait of every agent is an inverse-CDF transform of its own counter-based uniform,
keyed by (run seed, "population", agent, trait slot). Changing one branch's profile therefore
changes only the traits that profile shapes, for that branch's officers; every other officer
and every civilian is drawn exactly as before.
"""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from scipy import special, stats

from defection import model, scenarios
from defection.model.population import beta_ppf
from defection.model.state import CIVILIAN, PARAMILITARY

OFFICER_TRAITS = ("township", "unit", "branch", "rank", "tenure", "training", "ties", "alignment",
                  "barracks", "family_exposure", "livelihood_kyat", "disposition", "knows_support")


def population(overrides=(), seed=0):
    return model.build(scenarios.from_dict({}, list(overrides)), seed).state


def drawn(state, name: str) -> np.ndarray:
    """An officer trait in draw order (``ident``): within a unit, officers are sorted by disaffection, which a
    profile can change, so officers are compared by the counter they were drawn with."""
    o = state.officers
    return getattr(o, name)[np.argsort(o.ident)]


def changed(a, b, mask) -> set[str]:
    """Officer traits that differ between populations ``a`` and ``b`` among officers in ``mask`` (draw order)."""
    return {name for name in OFFICER_TRAITS if not np.array_equal(drawn(a, name)[mask], drawn(b, name)[mask])}


def assert_same_civilians(a, b):
    for f in dataclasses.fields(a.civilians):
        assert np.array_equal(getattr(a.civilians, f.name), getattr(b.civilians, f.name)), f.name


def test_civilian_branch_training_changes_only_civilian_branch_training():
    base = population()
    more = population(["officers.civilian.training_mean=0.6"])
    branch = drawn(base, "branch")
    assert np.array_equal(branch, drawn(more, "branch"))
    assert changed(base, more, branch != CIVILIAN) == set()
    assert changed(base, more, branch == CIVILIAN) == {"training"}
    assert drawn(more, "training")[branch == CIVILIAN].mean() > drawn(base, "training")[branch == CIVILIAN].mean()
    assert_same_civilians(base, more)


def test_paramilitary_profile_leaves_civilian_branch_and_civilians_alone():
    base = population()
    other = population(["officers.paramilitary.ties_mean=0.6", "officers.paramilitary.alignment_sd=0.3",
                        "officers.paramilitary.barracks_share=0.5"])
    branch = drawn(base, "branch")
    assert changed(base, other, branch != PARAMILITARY) == set()
    assert {"ties", "alignment", "barracks"} <= changed(base, other, branch == PARAMILITARY)
    assert_same_civilians(base, other)


def test_population_depends_on_the_seed():
    a, b = population(seed=0), population(seed=1)
    assert not np.array_equal(a.officers.training, b.officers.training)
    assert not np.array_equal(a.civilians.hardship, b.civilians.hardship)


@pytest.mark.parametrize("a, b", [(3.0, 3.0), (1.8, 4.2), (0.06, 5.94), (5.94, 0.06), (0.5, 0.5), (50.0, 50.0)])
def test_tabulated_beta_quantiles_match_scipy(a, b):
    rng = np.random.default_rng(0)
    u = np.concatenate([rng.random(20_000), 10.0 ** -rng.uniform(0, 16, 2000), 1 - 10.0 ** -rng.uniform(0, 16, 2000)])
    mean, concentration = a / (a + b), a + b
    x = beta_ppf(np.full(len(u), mean), concentration, u)
    assert np.abs(x - special.betaincinv(a, b, u)).max() < 1e-8


def test_traits_follow_their_distributions():
    """Inverse-CDF draws from the counter stream have the documented distributions (KS, 80,000 officers)."""
    sc = scenarios.from_dict({})
    o = model.build(sc, 0).state.officers
    civ = sc.officers.civilian
    f = sc.force
    outside_transition = (o.branch == CIVILIAN) & ((o.tenure < f.transition_cohort_min_tenure)
                                                    | (o.tenure > f.transition_cohort_max_tenure))
    a = civ.training_mean * sc.officers.training_concentration
    training = stats.beta(a, sc.officers.training_concentration - a)
    assert stats.kstest(o.training[outside_transition], training.cdf).pvalue > 0.001
    a = civ.ties_mean * sc.officers.ties_concentration
    assert stats.kstest(o.ties[o.branch == CIVILIAN], stats.beta(a, sc.officers.ties_concentration - a).cdf).pvalue > 0.001
    disposition = stats.norm(0, sc.decision.idiosyncratic_sd)
    assert stats.kstest(o.disposition, disposition.cdf).pvalue > 0.001
    below_cap = (o.rank == 0) & (o.tenure < f.max_tenure)  # constables: rank minimum 0, exponential capped
    years = stats.expon(scale=f.tenure_scale)
    assert stats.kstest(o.tenure[below_cap], lambda x: years.cdf(x) / years.cdf(f.max_tenure)).pvalue > 0.001
    shares = np.bincount(o.rank, minlength=len(f.rank_shares)) / o.n
    assert np.abs(shares - np.asarray(f.rank_shares)).max() < 0.005
