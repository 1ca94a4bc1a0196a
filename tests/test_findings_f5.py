"""F5 (the split grows while violence endures) holds in the default scenario over seeds 0-9, fails
once violence ends, and the regime's adaptation slows defection (docs/model.md, Findings).

Part of the findings' tests (tests/test_findings_*.py), split so that both test processes share
them; each module runs only the ensembles it needs (``common.ensemble``, cached per process).
"""
from __future__ import annotations

import numpy as np
import pytest

from common import ADAPTATION_OFF, ensemble, final, paired_interval
from defection.experiments import findings

# Ensembles over the full horizon: minutes on one process, not seconds (docs/development.md, the fast run)
pytestmark = pytest.mark.slow

VIOLENCE_ENDS = ("regime.violence_ends=2021-10-01",)


def test_f5_splits_grow_while_violence_endures(default_runs):
    check = findings.f5_growing_splits(default_runs)
    assert check.holds, check


def test_f5_fails_once_violence_ends():
    """The ablation: the regime stops killing on 1 October 2021; from then on the split stops growing."""
    results = ensemble(VIOLENCE_ENDS)
    assert not findings.f5_growing_splits(results).holds
    last_year = np.mean([findings.split_at_half_years(r)[-1] - findings.split_at_half_years(r)[1] for r in results])
    assert last_year <= 0.0


def test_f5_adaptation_slows_defection_while_the_split_still_grows(default_runs):
    """Adaptation (punishment, oversight, confinement, extortion, promotions, allowances) holds men in post."""
    off = ensemble(ADAPTATION_OFF)
    mean, lo, hi = paired_interval(final(default_runs, "defected"), final(off, "defected"))
    assert lo > 0, "more would have left without the regime's adaptation"
    assert findings.f5_growing_splits(default_runs).holds
