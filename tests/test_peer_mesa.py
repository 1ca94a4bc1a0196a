"""Statistical cross-check of ``defection.classic.epstein`` against Mesa 3.3's EpsteinCivilViolence.

Each model runs over the same 30 seeds (0..29) at two parameter sets; per run we take three
summary statistics (:func:`defection.classic.epstein.summary`): the mean active fraction
after burn-in, the mean jailed fraction after burn-in, and the number of outbursts (upward
crossings of a 10% active fraction). A two-sample Kolmogorov–Smirnov test compares each
statistic's distribution across seeds; the models must be indistinguishable (p > 0.01).
A statistic that is the same in every run of both models says nothing (KS p = 1 whatever
the models do), so each compared statistic must vary. Both implementations are seeded, so
the test is deterministic: it does not flake.

Parameter sets, and how the CI time stays under 5 minutes on a 2-core machine:

* ``DEFAULT``: Mesa's defaults (40×40, vision 7, legitimacy 0.8, ...), 50 steps, burn-in 10.
  Mesa needs about 0.07 s per step here, so 30 runs × 50 steps ≈ 105 s of CPU. The
  regime has no outbursts (0 in every run of both models), so only the active and jailed
  fractions are compared here: the arrest/jail transient and the low-level activity.
* ``OUTBURSTS``: 30×30, vision 4, cop density 0.05, legitimacy 0.70, max jail term 20,
  120 steps, burn-in 30: short jail terms give repeated outbursts (at least one in about 90%
  of runs, about 5 per run), which checks the punctuated dynamics. Vision 4 makes Mesa's
  neighbourhoods cheap: ≈ 40 s of CPU.

Negative controls, to show the test can fail: ours with one rule of the project's own
variants changed (:data:`defection.classic.epstein.OPTIONS`, or the citizens' vision)
against the same Mesa ensembles; the test must tell them apart (p < 0.01). Each costs about
a second (ours only).

Power of the test (30 runs against 30, p < 0.01), estimated from ours against ours over 12
disjoint seed blocks (docs/classic.md has the table; :func:`test_power_against_rule_variants`
re-checks two rows): round → floor of C/A, citizens' vision 4 → 3 and the whole NetLogo
variant are found every time in the outburst regime (by the jailed fraction); citizens'
vision 7 → 6 every time at the defaults; von Neumann → Euclidean about 2 times in 3 at the
defaults and 1 in 6 in the outburst regime; a jail term drawn from 0..19 instead of 0..20,
never. The outburst count has no power against any of these variants (its run-to-run spread
is too wide at 30 runs); it guards the dynamics only against gross differences.

Mesa runs in a pool of ``DEFECTION_PEER_WORKERS`` processes (default: 2). On the idle
2-core machine the file took about 2 min 15 s before the controls and the power estimate
were added (about 30 s more, ours only); with another job keeping both cores busy it took
over 7 minutes. Mesa's ensembles are computed once per session and shared by the
cross-checks and the negative controls.
"""
from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor

import mesa  # noqa: F401  (the [peer] extra is a CI requirement, not an optional skip)
import numpy as np
import pytest
from scipy.stats import ks_2samp

from defection.classic import epstein
from defection.classic.peer import run_mesa

SEEDS = range(30)
ALPHA = 0.01
DEFAULT = dict(params=epstein.EpsteinParams(), steps=50, burn_in=10)
OUTBURSTS = dict(
    params=epstein.EpsteinParams(width=30, height=30, citizen_vision=4, cop_vision=4, cop_density=0.05,
                                 legitimacy=0.70, max_jail_term=20),
    steps=120, burn_in=30,
)
STATS = ("mean_active", "mean_jailed", "outbursts")

pytestmark = pytest.mark.peer


def test_our_defaults_are_mesas_defaults():
    import inspect

    from mesa.examples.advanced.epstein_civil_violence.model import EpsteinCivilViolence

    sig = inspect.signature(EpsteinCivilViolence.__init__).parameters
    p = epstein.EpsteinParams()
    from defection.classic.peer import mesa_kwargs

    for k, v in mesa_kwargs(p).items():
        assert sig[k].default == v, (k, sig[k].default, v)


def _mesa_one(args):
    params, steps, burn_in, seed = args
    h = run_mesa(params, steps, seed)
    return epstein.summary(h["active"], h["jailed"], h["n_citizens"], burn_in)


def _mesa_ensemble(cfg) -> dict[str, np.ndarray]:
    jobs = [(cfg["params"], cfg["steps"], cfg["burn_in"], s) for s in SEEDS]
    workers = int(os.environ.get("DEFECTION_PEER_WORKERS", "2"))
    if workers > 1:
        with ProcessPoolExecutor(max_workers=workers) as ex:
            rows = list(ex.map(_mesa_one, jobs))
    else:
        rows = [_mesa_one(j) for j in jobs]
    return {k: np.array([r[k] for r in rows]) for k in STATS}


def _ours(cfg, seeds=SEEDS, **override) -> dict[str, np.ndarray]:
    params = epstein.EpsteinParams(**{**cfg["params"].as_dict(), **override})
    rows = []
    for s in seeds:
        sim = epstein.build(params, seed=s)
        sim.run(cfg["steps"])
        h = epstein.history_columns(sim.state)
        rows.append(epstein.summary(h["active"], h["jailed"], sim.state.n_citizens, cfg["burn_in"]))
    return {k: np.array([r[k] for r in rows]) for k in STATS}


@pytest.fixture(scope="session")
def mesa_default():
    return _mesa_ensemble(DEFAULT)


@pytest.fixture(scope="session")
def mesa_outbursts():
    return _mesa_ensemble(OUTBURSTS)


def _pvalues(a, b, stats=STATS):
    """KS p-value per statistic; a statistic with one value in every run of both samples
    cannot tell anything apart, so comparing it is an error of the test, not a pass."""
    for k in stats:
        assert np.unique(np.concatenate([a[k], b[k]])).size > 1, f"{k} is constant: the KS test would be vacuous"
    return {k: float(ks_2samp(a[k], b[k]).pvalue) for k in stats}


def _report(name, ours, theirs, p):
    lines = [f"{name}:"]
    for k in p:
        lines.append(f"  {k:12s} ours {ours[k].mean():.4f}±{ours[k].std():.4f}  "
                     f"mesa {theirs[k].mean():.4f}±{theirs[k].std():.4f}  KS p={p[k]:.3g}")
    print("\n".join(lines))


def test_matches_mesa_at_mesa_defaults(mesa_default):
    ours = _ours(DEFAULT)
    # no outbursts at Mesa's defaults in either model: that statistic is compared in the
    # outburst regime below, not here, where KS would give p = 1 whatever the models did
    assert ours["outbursts"].sum() == 0 and mesa_default["outbursts"].sum() == 0
    p = _pvalues(ours, mesa_default, ("mean_active", "mean_jailed"))
    _report("defaults", ours, mesa_default, p)
    # the statistics are not degenerate: arrests happened in every run
    assert np.all(ours["mean_jailed"] > 0) and np.all(mesa_default["mean_jailed"] > 0)
    for k in p:
        assert p[k] > ALPHA, (k, p[k], ours[k], mesa_default[k])


def test_matches_mesa_in_an_outburst_regime(mesa_outbursts):
    ours = _ours(OUTBURSTS)
    p = _pvalues(ours, mesa_outbursts)
    _report("outbursts", ours, mesa_outbursts, p)
    # outbursts happen in most runs of both models, so their distributions are compared for real
    for model in (ours, mesa_outbursts):
        assert np.mean(model["outbursts"] > 0) >= 0.75, model["outbursts"]
    for k in STATS:
        assert p[k] > ALPHA, (k, p[k], ours[k], mesa_outbursts[k])


def test_negative_control_legitimacy_is_distinguishable(mesa_default):
    """Ours at legitimacy 0.6 against Mesa at 0.8: the same test must tell them apart."""
    ours = _ours(DEFAULT, legitimacy=0.6)
    p = _pvalues(ours, mesa_default, ("mean_active", "mean_jailed"))
    _report("negative control, legitimacy 0.6", ours, mesa_default, p)
    # at legitimacy 0.6 the first steps jail far more citizens; activity itself stays rare
    # at 60 steps (Mesa's long jail terms), so the jailed fraction is what tells them apart
    assert p["mean_jailed"] < ALPHA
    assert ours["mean_jailed"].mean() > 3 * mesa_default["mean_jailed"].mean()


RULE_VARIANTS = {
    # name: (parameter set, our parameters changed, statistic that must tell them apart)
    "floor of C/A": ("outbursts", dict(rounding="floor"), "mean_jailed"),
    "citizens' vision 3 instead of 4": ("outbursts", dict(citizen_vision=3), "mean_jailed"),
    "NetLogo's rules": ("outbursts", epstein.VARIANTS["netlogo"], "mean_jailed"),
    "citizens' vision 6 instead of 7": ("default", dict(citizen_vision=6), "mean_jailed"),
}


@pytest.mark.parametrize("variant", RULE_VARIANTS)
def test_negative_control_rule_variant_is_distinguishable(variant, mesa_default, mesa_outbursts):
    """Ours with one of the project's rule variants against Mesa's rules: p < 0.01."""
    regime, change, stat = RULE_VARIANTS[variant]
    cfg, theirs = (OUTBURSTS, mesa_outbursts) if regime == "outbursts" else (DEFAULT, mesa_default)
    ours = _ours(cfg, **change)
    p = _pvalues(ours, theirs, ("mean_active", "mean_jailed"))
    _report(f"negative control, {variant}", ours, theirs, p)
    assert p[stat] < ALPHA, (variant, p)


POWER_BLOCKS = 8
"""Seed blocks of 30 runs for the power estimate (about 1 s of ours per block and variant)."""


def test_power_against_rule_variants():
    """How often the KS test (30 runs against 30, p < 0.01) tells a rule variant from the base
    rules, estimated from ours against ours over disjoint seed blocks; and how often it wrongly
    tells the base rules from themselves (the false alarm rate, at most about 1%).

    Ours stands in for Mesa here, which the cross-checks above show to be indistinguishable
    from it; Mesa itself would take minutes per block."""
    def blocks(offset, **change):
        return [_ours(OUTBURSTS, range(offset + 30 * b, offset + 30 * b + 30), **change) for b in range(POWER_BLOCKS)]

    def rejections(a, b, stat):
        return sum(ks_2samp(x[stat], y[stat]).pvalue < ALPHA for x, y in zip(a, b))

    base = blocks(10_000)
    same = blocks(20_000)
    for stat in STATS:
        assert rejections(base, same, stat) <= 1, stat  # false alarms: 1% expected, 1 of 8 tolerated
    for change in (dict(rounding="floor"), dict(citizen_vision=3)):
        found = rejections(base, blocks(30_000, **change), "mean_jailed")
        print(f"power against {change}: {found}/{POWER_BLOCKS}")
        assert found >= POWER_BLOCKS - 1, (change, found)
