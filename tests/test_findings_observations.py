"""The default scenario tracks the early observations (docs/calibration.md): killings, open protest
and police defections over seeds 0-9, and Kayah's early defections.

Part of the findings' tests (tests/test_findings_*.py), split so that both test processes share
them; each module runs only the ensembles it needs (``common.ensemble``, cached per process).
"""
from __future__ import annotations

import numpy as np
import pytest

from defection import api


@pytest.mark.slow  # an ensemble of 10 seeds over the full horizon
def test_default_tracks_the_early_observations_without_dated_escalation(default_runs):
    """With regime.events = [] (the default), every dated killed point is within a factor of 2 of AAPP (mean of 10
    seeds), open protest falls below a quarter of its peak by 31 Dec 2021, police defections reach the reported lower
    bounds, and Kayah's police reach half the observed lower bound by 13 February 2021."""
    observed = {"2021-03-15": 183, "2021-03-21": 250, "2021-04-06": 581, "2021-04-20": 738, "2021-04-27": 745,
                "2021-05-20": 810, "2021-06-17": 865}
    dates = [str(d) for d in default_runs[0].timeseries.column("date").to_pylist()]
    assert default_runs[0].scenario.regime.events == []
    for date, value in observed.items():
        killed = np.mean([r.series("civilians_killed")[dates.index(date)] for r in default_runs])
        assert value / 2 <= killed <= value * 2, (date, killed, value)
    end_2021 = dates.index("2021-12-31")
    assert np.mean([r.series("civilians_active")[end_2021] / r.series("civilians_active").max()
                    for r in default_runs]) < 1 / 4
    police = np.mean([r.series("defected_police")[dates.index("2021-04-27")] for r in default_runs])
    assert police >= 600 and np.mean([r.series("defected_police")[dates.index("2021-03-04")] for r in default_runs]) >= 100


def test_kayah_police_defect_early():
    kayah = []
    for seed in range(10):
        regions = api.run(seed=seed, days=13, record_regions=True).regions.to_pandas()
        kayah.append(regions[regions["region"] == "Kayah"]["defected_police"].iloc[-1])
    assert np.mean(kayah) >= 61 / 2
