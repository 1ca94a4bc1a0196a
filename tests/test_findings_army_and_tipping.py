"""Where the army's reported count lies in its plausible box (docs/calibration.md) and where the
split tips (docs/model.md, "Where the split tips"), each with a region where the claim fails.

Part of the findings' tests (tests/test_findings_*.py), split so that both test processes share
them; each module runs only the ensembles it needs (``common.ensemble``, cached per process).
"""
from __future__ import annotations

import numpy as np
import pytest

from common import ADAPTATION_OFF, ensemble, final

# Ensembles over the full horizon: minutes on one process, not seconds (docs/development.md, the fast run)
pytestmark = pytest.mark.slow

ARMY_FEARS_MILD = ("army.p_detect=0.15", "army.prosecution_years=3", "army.family_pressure=0.8",
                   "army.torture_risk=0.2")
ARMY_FEARS_HARSH = ("army.p_detect=0.5", "army.prosecution_years=10", "army.family_pressure=2.0",
                    "army.torture_risk=0.6")
FRONT_STRONG = ("army.front_pull=3", "army.front_reference_share=0.003")
REPORTED_SOLDIERS = 3000  # gone by early 2023, defectors' groups (docs/sources.md 2.7): out of sample, never tuned to


def test_the_reported_army_count_lies_where_fears_are_mild_and_the_front_strong():
    """docs/calibration.md, "The army's reported count": the soldiers who left reach the reported count with the
    army's fears at the mild ends of their ranges and the front line at its strong end, and with neither alone."""
    def soldiers(*settings: tuple[str, ...]) -> float:
        return float(final(ensemble(sum(settings, ()), seeds=(0, 1, 2)), "defected_army").mean())

    assert soldiers(ARMY_FEARS_MILD, FRONT_STRONG) >= REPORTED_SOLDIERS
    assert soldiers(ARMY_FEARS_MILD) < REPORTED_SOLDIERS and soldiers(FRONT_STRONG) < REPORTED_SOLDIERS
    # with the fears at their harsh ends the strong front falls short: the claim fails there, as it should
    assert soldiers(ARMY_FEARS_HARSH, FRONT_STRONG) < REPORTED_SOLDIERS


def _capacity_kept(results) -> np.ndarray:
    """Combined coercive capacity at the end as a share of day 0's, shape (seeds,)."""
    return np.array([r.series("coercive_capacity")[-1] / r.summary["coercive_capacity_initial"] for r in results])


def test_the_regimes_adaptation_keeps_the_split_from_tipping():
    """docs/model.md, "Where the split tips": with strong cascade weights the split tips (capacity below half) only
    where the regime does not adapt; inside the plausible box it does not tip even without adaptation."""
    strong = ("decision.w_peer=4", "decision.w_township=9")
    assert (_capacity_kept(ensemble(strong, seeds=(0, 1))) > 0.75).all()
    assert (_capacity_kept(ensemble(strong + ADAPTATION_OFF, seeds=(0, 1))) < 0.5).all()
    # the corner of the plausible box: no tipping even without adaptation (a claim of collapse fails there)
    box_corner = ("decision.w_peer=4", "decision.w_township=3")
    assert (_capacity_kept(ensemble(box_corner + ADAPTATION_OFF, seeds=(0, 1))) > 0.5).all()
