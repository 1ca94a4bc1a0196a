"""F3 (quiet resisters outnumber defectors and bear social punishment) holds in the default scenario
over seeds 0-9 and fails where it should (docs/model.md, Findings).

Part of the findings' tests (tests/test_findings_*.py), split so that both test processes share
them; each module runs only the ensembles it needs (``common.ensemble``, cached per process).
"""
from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from common import ensemble, final, paired_interval
from defection import api
from defection.experiments import findings
from defection.model.geography import myanmar

# A failing region inside the plausible box (docs/model.md, Findings)
F3_FAILS = ("decision.defect_threshold=0.6", "regime.p_detect=0.05", "decision.w_prosecution=1.5",
            "decision.w_torture=1.5", "decision.w_family=1.0", "decision.opportunity_hazard=0.05")


@pytest.mark.slow  # an ensemble of 10 seeds over the full horizon
def test_f3_quiet_resisters_outnumber_defectors_and_bear_social_punishment(default_runs):
    check = findings.f3_quiet_resisters(default_runs)
    assert check.holds, check


@pytest.mark.slow  # an ensemble of 10 seeds over the full horizon
def test_f3_fails_where_fear_and_detection_are_at_their_plausible_lows():
    """Inside the plausible box, where leaving costs little, defectors outnumber quiet resisters."""
    results = ensemble(F3_FAILS)
    assert not findings.f3_quiet_resisters(results).holds
    assert final(results, "defected_police").mean() > final(results, "quiet_resisters_police").mean()


def test_f3_quiet_resisters_bear_more_punishment_where_more_civilians_protest():
    """Across the 15 states/regions, to 27 April, quiet resisters' mean punishment rises with the protest share."""
    geo = myanmar()
    population = np.bincount(geo.township_region, weights=geo.township_population)
    regions = api.run(seed=0, days=86, record_regions=True).regions
    n = len(geo.region_names)
    assert regions.column("region").to_pylist()[:n] == list(geo.region_names)
    protest_share = regions.column("civilians_active").to_numpy().reshape(-1, n).mean(axis=0) / population
    punishment = regions.column("social_punishment_quiet").to_numpy().reshape(-1, n).mean(axis=0)
    assert punishment.min() > 0
    assert stats.spearmanr(protest_share, punishment).statistic > 0.75


@pytest.mark.slow  # an ensemble of 10 seeds over the full horizon
def test_f3_ablation_no_community_punishment():
    off = ensemble(("switches.social_punishment=false",))
    mean, lo, hi = paired_interval(final(ensemble(), "defected"), final(off, "defected"))
    assert hi < 0, "the social cost of staying pushes officers out"
