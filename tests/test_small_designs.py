"""Designs too small to mean anything are said so, in one sentence on the command line and in the report, and the
command still succeeds (issue 26): wide sensitivity intervals, a calibration still converging, paired effects
whose interval contains 0 (with the replicates that would tell them)."""
from __future__ import annotations

import json

import numpy as np
import pytest
from common import run_cli

from defection.experiments import small_designs
from defection.experiments.sweep import sweep
from defection.report.html import build

SMALL = ["--set", "run.scale=5000", "--set", "force.n_officers=2000"]


def caveats(directory) -> str:
    return " ".join(build(directory, "en").split('<h2 id="caveats">')[1].split("<h2")[0].split())


def test_an_undersized_sobol_sweep_warns_and_still_succeeds(tmp_path, monkeypatch, capsys):
    out = tmp_path / "sobol"
    sweep(None, ["x1", "x2", "x3"], out=out, design="sobol", samples=8, seed=11, model="ishigami", workers=0)
    code, text = run_cli(["sensitivity", str(out), "--output", "y"], monkeypatch, capsys)
    assert code == 0
    assert "warning: 6 of 6 Sobol indices have a 95% interval wider than the index itself" in text
    assert "sweep again with more --samples than 8." in text
    [warning] = json.loads((out / "sensitivity.json").read_text())["design_warnings"]
    assert warning["samples"] == 8 and 2 * warning["conf"] > abs(warning["value"])
    assert "too small to rank the parameters" in caveats(out)


def test_morris_indices_wider_than_themselves_are_flagged_and_negligible_ones_are_not():
    outputs = {"y": {"names": ["a", "b", "c"], "mu_star": [10.0, 4.0, 0.1], "mu_star_conf": [1.0, 3.0, 0.3]}}
    warning = small_designs.wide_indices("morris", outputs, 0.95)
    assert (warning["count"], warning["total"], warning["parameter"]) == (1, 3, "b")  # c is below 5% of a
    outputs["y"]["mu_star_conf"][1] = 1.9
    assert small_designs.wide_indices("morris", outputs, 0.95) is None


def test_a_calibration_whose_epsilon_still_fell_is_flagged():
    warning = small_designs.epsilon_still_falling([5.0, 2.0, 1.0])
    assert warning["drop"] == pytest.approx(0.5) and warning["generations"] == 3
    assert small_designs.epsilon_still_falling([5.0, 1.0, 0.9]) is None  # 10%: settled
    assert small_designs.epsilon_still_falling([5.0]) is None


def test_the_calibrate_command_prints_the_warning_and_the_report_shows_it(tmp_path, monkeypatch, capsys):
    from defection.experiments import calibration

    summary = {"generations": 2, "simulations": 20, "epsilon": 0.28, "epsilons": [0.41, 0.28],
               "posterior": {"decision.w_family": {"median": 1.0, "q05": 0.5, "q95": 1.5, "prior_lo": 0.0,
                                                   "prior_hi": 2.0}},
               "design_warnings": [small_designs.epsilon_still_falling([0.41, 0.28])]}
    monkeypatch.setattr(calibration, "calibrate", lambda *args, **kwargs: summary)
    code, text = run_cli(["calibrate", "--generations", "2", "--out", str(tmp_path)], monkeypatch, capsys)
    assert code == 0
    assert "warning: The last of 2 generations cut epsilon by 32% (0.41 to 0.28)" in text
    assert "run more --generations." in text
    (tmp_path / "posterior_summary.json").write_text(json.dumps(summary))
    assert "so the fit had not settled" in caveats(tmp_path)


def test_replicates_needed_is_the_paired_normal_approximation():
    differences = np.array([1.0, -1.0, 3.0, -1.0, 3.0])  # mean 1, sd 2
    # normal: ((z_0.95 + z_0.80) * 2 / 1)^2 = 24.7; Student's t at 26 degrees of freedom: 2.562 * 2 < sqrt(27)
    assert small_designs.replicates_needed(differences, 0.90) == 27
    assert small_designs.replicates_needed(differences - 1.0, 0.90) is None


def test_a_comparison_with_too_few_replicates_warns_with_the_replicates_needed(tmp_path, monkeypatch, capsys):
    out = tmp_path / "cmp"
    code, text = run_cli(["compare", "--policy", "a-little:decision.w_family=1.05", "--replicates", "3",
                          "--days", "60", "--workers", "0", "--out", str(out), *SMALL], monkeypatch, capsys)
    assert code == 0
    [warning] = json.loads((out / "compare.json").read_text())["design_warnings"]
    assert warning["lo"] <= 0 <= warning["hi"] and warning["needed"] > 3 and warning["replicates"] == 3
    assert "paired effects have a 90% interval that contains 0 at 3 replicates" in text
    assert f"about {warning['needed']:,} replicates" in text and "80% probability" in text
    assert "were that effect as estimated" in caveats(out)
