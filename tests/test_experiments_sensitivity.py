"""Sensitivity analysis through the whole sweep pipeline: Sobol indices of the Ishigami function come out
at their known values; Morris ranks its parameters correctly; clean errors otherwise."""
from __future__ import annotations

import json

import numpy as np
import pyarrow.parquet as pq
import pytest

from common import run_cli
from defection.errors import DefectionError
from defection.experiments.models import Ishigami
from defection.experiments.sensitivity import sensitivity
from defection.experiments.sweep import sweep




@pytest.fixture(scope="module")
def ishigami_sobol(tmp_path_factory):
    out = tmp_path_factory.mktemp("ishigami") / "sobol"
    outcome = sweep(None, ["x1", "x2", "x3"], out=out, design="sobol", samples=2048, seed=11, model="ishigami",
                    workers=0)
    assert outcome.ok == 2048 * 5
    return out


def test_sobol_indices_of_ishigami_match_the_analytic_values(ishigami_sobol, monkeypatch, capsys):
    code, text = run_cli(["sensitivity", str(ishigami_sobol), "--output", "y"], monkeypatch, capsys)
    assert code == 0, text
    assert "warning" not in text  # 2048 base samples: every interval narrower than its index, or negligible
    res = json.loads((ishigami_sobol / "sensitivity.json").read_text())["outputs"]["y"]
    truth = Ishigami.indices()
    for k in ("S1", "ST"):
        got, conf = np.array(res[k]), np.array(res[f"{k}_conf"])
        assert np.all(np.abs(got - truth[k]) < 0.05), (k, got, truth[k])
        assert np.all(conf > 0) and np.all(conf < 0.12)
        # the 95% intervals cover the truth (with a little slack for bootstrap noise)
        assert np.all(np.abs(got - truth[k]) <= 1.5 * conf + 0.01), (k, got, conf, truth[k])
    # x3 acts only through its interaction with x1: S1 near 0 but ST clearly positive
    assert res["S1"][2] < 0.05 < 0.15 < res["ST"][2]
    assert "x1" in text and "S1" in text and "ST" in text
    assert (ishigami_sobol / "sensitivity.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    table = pq.read_table(ishigami_sobol / "sensitivity.parquet").to_pydict()
    assert table["parameter"] == ["x1", "x2", "x3"]


def test_morris_screening_ranks_ishigami_parameters(tmp_path):
    out = tmp_path / "morris"
    sweep(None, ["x1", "x2", "x3"], out=out, design="morris", samples=200, seed=2, model="ishigami", workers=0)
    res = sensitivity(out, ["y"], plot=False)["outputs"]["y"]
    mu, sigma = np.array(res["mu_star"]), np.array(res["sigma"])
    assert np.all(mu > 0) and np.all(np.array(res["mu_star_conf"]) > 0)
    # x3 has no main effect: its effects change sign with x1, so sigma exceeds mu* for x3 only
    assert sigma[2] > mu[2] and sigma[0] < mu[0] * 1.2
    # x2 enters through 7 sin^2(x2): symmetric, purely non-linear, no interaction
    assert mu[1] > mu[2]


def test_sensitivity_errors_name_the_problem(ishigami_sobol, tmp_path):
    with pytest.raises(DefectionError, match="not an outcome of this sweep"):
        sensitivity(ishigami_sobol, ["defected"], plot=False)
    lhs = tmp_path / "lhs"
    sweep(None, ["x1", "x2"], out=lhs, design="lhs", samples=10, model="ishigami", workers=0)
    with pytest.raises(DefectionError, match="--design sobol"):
        sensitivity(lhs, ["y"], plot=False)
    with pytest.raises(DefectionError, match="no manifest.json"):
        sensitivity(tmp_path, ["y"], plot=False)
