"""F4 (fear is the largest reason opposed officers stay) holds in the default scenario over seeds 0-9
and fails where it should (docs/model.md, Findings); each fear alone holds officers back.

Part of the findings' tests (tests/test_findings_*.py), split so that both test processes share
them; each module runs only the ensembles it needs (``common.ensemble``, cached per process).
"""
from __future__ import annotations

import pytest

from common import ensemble, final, paired_interval
from defection.experiments import findings

# Ensembles over the full horizon: minutes on one process, not seconds (docs/development.md, the fast run)
pytestmark = pytest.mark.slow

NO_FEAR = ("switches.fear_prosecution=false", "switches.fear_family=false", "switches.fear_livelihood=false")
# A failing region inside the plausible box (docs/model.md, Findings)
F4_FAILS = ("decision.w_prosecution=1.5", "decision.w_torture=1.5", "decision.w_family=1.0",
            "regime.p_detect=0.05", "decision.w_livelihood=1.5", "livelihood.outside_option_kyat=50000",
            "support.outreach=0.8")


def test_f4_fear_is_the_largest_reason_opposed_officers_stay(default_runs):
    check = findings.f4_fear_holds_back(default_runs)
    assert check.holds, check


def test_f4_fails_where_fear_is_weak_and_livelihood_and_support_matter_more():
    check = findings.f4_fear_holds_back(ensemble(F4_FAILS))
    assert not check.holds, check


def test_f4_without_fear_the_decomposition_has_no_fear_and_more_leave(default_runs):
    off = ensemble(NO_FEAR)
    assert findings.held_shares(off)["fear"] == 0.0
    mean, lo, hi = paired_interval(final(default_runs, "defected"), final(off, "defected"))
    assert lo > 0


def test_f4_each_fear_alone_holds_officers_back(default_runs):
    base = final(default_runs, "defected")
    for switch in NO_FEAR:
        mean, lo, hi = paired_interval(base, final(ensemble((switch,)), "defected"))
        assert lo > 0, f"{switch}: {mean:.0f} [{lo:.0f}, {hi:.0f}]"
