"""Whole-model invariants, determinism and common random numbers."""
from __future__ import annotations

import numpy as np
import pytest

from common import ensemble
from defection import api

CUMULATIVE = ("defected", "defected_civilian", "defected_paramilitary", "defected_police", "defected_army", "caught",
              "civilians_killed", "civilians_killed_operations",
              "civilians_arrested", "programme_cost", "families_protected", "families_enrolled")


def test_officers_are_conserved_across_states(default_runs):
    for r in default_runs[:3]:
        total = sum(r.series(k) for k in ("compliant", "quiet_resisters", "defected", "caught"))
        assert (total == r.scenario.force.n_officers + r.scenario.army.n_soldiers).all()
        assert (r.series("defected") == r.series("defected_police") + r.series("defected_army")).all()
        assert (r.series("defected_police") == r.series("defected_civilian") + r.series("defected_paramilitary")).all()
        assert (r.series("defected_army") == r.series("defected_army_combat") + r.series("defected_army_support")).all()
        capacity = r.series("coercive_capacity_police") + r.series("coercive_capacity_army")
        assert np.allclose(r.series("coercive_capacity"), capacity)


def test_cumulative_series_never_decrease_and_counts_are_never_negative(default_runs):
    for r in default_runs[:3]:
        for name in CUMULATIVE:
            assert (np.diff(r.series(name)) >= 0).all(), name
        for name in r.timeseries.column_names:
            if name != "date":
                assert (r.series(name) >= 0).all(), name
        assert (r.series("legitimacy") <= 1).all()


def test_summary_breakdowns_add_up(default_runs):
    s = default_runs[0].summary
    d = s["final"]["defected"]
    for key in ("defected_by_branch", "defected_by_rank", "defected_by_tenure_band", "defected_by_region"):
        assert sum(s[key].values()) == d, key
        assert sum(s[key.replace("defected", "force")].values()) == 80_000 + 150_000
    assert sum(f["defected"] for f in s["by_force"].values()) == d
    assert len(s["defected_by_region"]) == 15


def test_same_seed_same_numbers_and_other_seed_other_numbers():
    a, b = api.run(seed=3, days=60), api.run(seed=3, days=60)
    assert a.timeseries.equals(b.timeseries)
    assert not a.timeseries.equals(api.run(seed=4, days=60).timeseries)


@pytest.mark.slow  # an ensemble of 10 seeds over the full horizon, for its first run
def test_common_random_numbers_pair_runs_until_the_lever_acts():
    """A support lever changes nothing before the programmes open (16 April 2021, day 74)."""
    base = ensemble()[0]
    lever = ensemble(("support.protection_capacity=100", "support.livelihood_capacity=300"))[0]
    opens = 74
    for name in ("defected", "quiet_resisters", "civilians_killed"):
        assert np.array_equal(base.series(name)[:opens], lever.series(name)[:opens]), name
    assert not np.array_equal(base.series("defected"), lever.series("defected"))


def test_results_are_identical_on_one_or_two_threads(monkeypatch):
    """The serial build on one thread and the parallel build on two give the same run."""
    import numba

    from defection.engine import kernels

    assert numba.config.NUMBA_NUM_THREADS >= 2, "this check needs a machine with two cores"
    one = api.run(seed=5, days=60, threads=1)
    monkeypatch.setattr(kernels, "PARALLEL_MIN_ITEMS", 0)  # the default is too small to go parallel
    two = api.run(seed=5, days=60, threads=2)
    assert one.timeseries.equals(two.timeseries)
    assert one.summary == two.summary


def test_full_scale_civilians_work():
    """k = 1 (one agent per person) runs; checked on a short horizon to keep the suite fast."""
    r = api.run(days=3, overrides=["run.scale=1"])
    assert r.series("civilians_active")[-1] > 1_000_000
