"""Experiments record both forces (issue 12): a sweep's per-run summary and a comparison's outcomes have the
police's and the army's defections, quiet resisters and coercive capacity beside the totals."""
from __future__ import annotations

import numpy as np
import pyarrow.parquet as pq
import pytest

from defection.experiments.compare import compare
from defection.experiments.sweep import sweep

TINY = ["run.scale=5000", "force.n_officers=1500", "army.n_soldiers=2500"]
PER_FORCE = ("defected_police", "defected_army", "quiet_resisters_police", "quiet_resisters_army",
             "coercive_capacity_end_share_police", "coercive_capacity_end_share_army")


def test_a_sweep_summary_has_each_force(tmp_path):
    outcome = sweep("myanmar-2021", ["support.outreach=0:1"], out=tmp_path / "s", samples=2, days=20,
                    overrides=TINY, workers=0)
    assert outcome.ok == 2
    summary = pq.read_table(tmp_path / "s" / "summary.parquet")
    for column in (*PER_FORCE, "coercive_capacity_end_share"):
        assert column in summary.column_names, column
    col = lambda name: summary.column(name).to_numpy().astype(float)
    assert np.array_equal(col("defected_police") + col("defected_army"), col("defected"))
    assert np.array_equal(col("quiet_resisters_police") + col("quiet_resisters_army"), col("quiet_resisters"))
    for force in ("police", "army"):  # the share of day 0's capacity left on the last day
        share = col(f"coercive_capacity_end_share_{force}")
        assert ((share > 0) & (share <= 1.0 + 1e-12)).all(), share
    # the timeseries hold the same per-force series, so a run's share can be read back
    ts = pq.read_table(tmp_path / "s" / "timeseries").sort_by([("run", "ascending"), ("day", "ascending")])
    first = ts.filter(ts.column("run").to_numpy() == 0).column("coercive_capacity_army").to_numpy()
    assert col("coercive_capacity_end_share_army")[0] == pytest.approx(first[-1] / first[0])


def test_a_comparison_has_outcomes_per_force(tmp_path):
    res = compare("myanmar-2021", ["more:support.outreach=0.9"], out=tmp_path / "c", replicates=2, days=20,
                  overrides=TINY, workers=0, plot=False)
    rows = {(r["policy"], r["outcome"]): r for r in res["rows"]}
    for policy in ("scenario-programmes", "more"):
        for outcome in PER_FORCE:
            assert rows[(policy, outcome)]["mean"] is not None, (policy, outcome)
        assert rows[(policy, "defected_police")]["mean"] + rows[(policy, "defected_army")]["mean"] == \
            pytest.approx(rows[(policy, "defected")]["mean"])
