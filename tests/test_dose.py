"""The dose-response curve of support (experiments/dose.py)."""
from __future__ import annotations

import numpy as np

from defection.experiments import dose


def _curve(extra_by_budget):
    budgets = np.array([1.0, 1e7, 1e8, 1e9, 1e10])
    defected = np.array(extra_by_budget, float)[:, None] + np.zeros((1, 4)) + np.arange(4)  # paired seeds
    return {"budget": budgets, "defected": defected, "capacity": -defected / 1e5, "spent": defected * 1e6}


def test_tipping_finds_a_steep_step_and_nothing_on_a_straight_line():
    assert dose.tipping(_curve([0, 10, 20, 2000, 2100])) == (1e8, 1e9)
    assert dose.tipping(_curve([0, 100, 200, 300, 400])) is None  # diminishing returns: no tipping region
    linear = _curve([0, 1, 10, 100, 1000])  # the same return on every kyat
    assert dose.tipping(linear) is None
    assert "| 1 |" in dose.table(_curve([0, 10, 20, 2000, 2100]))


def test_more_budget_buys_more_defections_and_less_capacity():
    curve = dose.dose_response(budgets=(dose.NO_SUPPORT, 3e9), seeds=(0, 1, 2),
                               overrides=("run.days=300",), workers=2)
    d, c = dose.paired(curve, "defected"), dose.paired(curve, "capacity")
    assert d[1, 1] > 0, d
    assert c[1, 2] < 0, c
    assert curve["spent"][0].max() <= 10 * dose.NO_SUPPORT  # a budget of one kyat a month buys next to nothing
