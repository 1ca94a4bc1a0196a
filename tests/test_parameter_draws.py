"""Uncertainty that includes parameters (issue 26, item 3): `compare`, `forecast`, the dose-response curve and the
dashboard draw what the data cannot identify as well as seeds, paired across arms, and say how much of each
interval is parameters and how much seeds. `--parameter-draws 0` (the default) is today's behaviour."""
from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from common import assert_one_paragraph, run_cli_raw
from scipy import stats
from typer.testing import CliRunner

from defection import api, cli
from defection.engine.outputs import write_json, write_parquet
from defection.errors import DefectionError
from defection.experiments import dose, uncertainty
from defection.experiments.compare import plan_compare
from defection.experiments.design import run_seed

# A few thousand agents; support opens on day 0 so that a short run sees it work
TINY = ["run.scale=10000", "force.n_officers=1500", "army.n_soldiers=1000", "support.start=2021-02-01"]
SETS = [arg for item in TINY for arg in ("--set", item)]
MORE = "more:support.protection_capacity=2000,support.livelihood_capacity=6000,support.outreach=0.8"
FIT = {"key": "crackdown.deaths_per_1000_active", "lo": 0.0003, "hi": 0.004, "integer": False}


# ------------------------------------------------------------------ the decomposition
def test_decompose_splits_the_variance_between_draws_and_seeds():
    rng = np.random.default_rng(3)
    n, r = 400, 5
    effects = rng.normal(10.0, 3.0, n)  # the parameters: sd 3 between draws
    values = effects[:, None] + rng.normal(0.0, 2.0, (n, r))  # the seeds: sd 2 within a draw
    split = uncertainty.decompose(values)
    assert split["within"] == pytest.approx(4.0, rel=0.1)
    assert split["between"] == pytest.approx(9.0 + 4.0 / r, rel=0.15)
    assert split["parameter_share"] == pytest.approx(9.0 / (9.0 + 4.0 / r), abs=0.03)
    assert split["parameter_share"] + split["seed_share"] == pytest.approx(1.0)
    # the interval: mean ± t(0.95, N - 1) · S · √(1 + 1/N), over the draws' means
    means = values.mean(axis=1)
    half = stats.t.ppf(0.95, n - 1) * means.std(ddof=1) * np.sqrt(1 + 1 / n)
    assert (split["lo"], split["hi"]) == pytest.approx((means.mean() - half, means.mean() + half))
    # one run's variance (an ensemble's 5-95% interval): parameters 9 against seeds 4
    params, seeds = uncertainty.spread_shares(values)
    assert params == pytest.approx(9 / 13, abs=0.04) and params + seeds == pytest.approx(1.0)


def test_parameters_that_do_not_matter_get_no_share():
    rng = np.random.default_rng(4)
    values = 5.0 + rng.normal(0.0, 1.0, (300, 4))  # every draw the same: only seeds vary
    assert uncertainty.decompose(values)["parameter_share"] < 0.1
    flat = uncertainty.decompose(np.full((3, 2), 7.0))  # nothing varies: an interval of one point, no shares
    assert flat["lo"] == flat["hi"] == 7.0 and flat["parameter_share"] is None


def test_parameter_draws_are_none_or_at_least_two():
    assert uncertainty.check_parameter_draws(0) == 0 and uncertainty.check_parameter_draws(4) == 4
    for bad in (1, -2, True, 2.5):
        with pytest.raises(DefectionError, match="--parameter-draws"):
            uncertainty.check_parameter_draws(bad)


# ------------------------------------------------------------------ compare's plan
def test_each_draw_pairs_the_policies_by_parameters_and_seed():
    plan = plan_compare("myanmar-2021", ["eff:support.protection_efficacy=0.55"], replicates=2, seed=5, days=10,
                        overrides=TINY, parameter_draws=3)
    assert plan.replicates == 6 and plan.per_draw == 2 and len(plan.draws) == 3
    items = [item for c in range(plan.n_chunks) for item in plan.chunk_items(c)]
    by_policy = [items[:6], items[6:]]
    for k in range(6):
        (_, seed_a, over_a), (_, seed_b, over_b) = by_policy[0][k], by_policy[1][k]
        draw = plan.draws[k // 2]
        assert seed_a == seed_b == run_seed(5, k)  # the same seed in both arms, a different one for every run
        assert {key: over_a[key] for key in draw} == draw  # the baseline runs the draw
        assert over_b["support.protection_efficacy"] == "0.55"  # a policy's own setting is a decision: it wins
        assert all(over_b[key] == value for key, value in draw.items() if key != "support.protection_efficacy")
    assert len({seed for _, seed, _ in by_policy[0]}) == 6
    assert set(plan.draws[0]) == set(uncertainty.DEFAULT_UNCERTAIN)  # the list optimize draws
    assert plan.full_spec()["uncertainty"]["parameter_draws"] == 3


def test_no_parameter_draws_is_todays_plan():
    plan = plan_compare("myanmar-2021", [MORE], replicates=3, seed=2, days=10, overrides=TINY)
    assert plan.draws == [] and plan.replicates == 3
    assert "uncertainty" not in plan.full_spec() and "parameter_draws" not in plan.full_spec()
    assert [seed for _, seed, _ in plan.chunk_items(0)] == [run_seed(2, k % 3) for k in range(plan.chunk)]
    assert plan.chunk_items(0)[0][2] == plan.points[0]  # the point's overrides, and nothing drawn


def test_draws_from_a_calibrations_posterior(tmp_path):
    calibration = fake_calibration(tmp_path / "cal")
    plan = plan_compare("myanmar-2021", [MORE], replicates=2, days=10, overrides=TINY, parameter_draws=4,
                        posterior=calibration)
    assert {d[FIT["key"]] for d in plan.draws} <= {0.001, 0.002, 0.003}
    assert all(set(d) == {FIT["key"]} for d in plan.draws)
    assert plan.spec["uncertainty"]["posterior"]["keys"] == [FIT["key"]]
    with pytest.raises(DefectionError, match="--posterior draws parameters only with --parameter-draws"):
        plan_compare("myanmar-2021", [MORE], replicates=2, overrides=TINY, posterior=calibration)


def test_compare_refuses_one_parameter_draw_in_one_paragraph(monkeypatch, capsys, tmp_path):
    monkeypatch.chdir(tmp_path)
    code, text = run_cli_raw(["compare", "--policy", MORE, "--parameter-draws", "1", "--workers", "0"],
                             monkeypatch, capsys)
    assert_one_paragraph(code, text, "--parameter-draws 1", "at least 2")


# ------------------------------------------------------------------ compare, run
def _compare(tmp_path: Path, monkeypatch, out: str, draws: int) -> tuple[str, dict]:
    monkeypatch.chdir(tmp_path)
    args = ["compare", "--policy", MORE, "--replicates", "3", "--days", "75", "--workers", "0", "--seed", "1",
            "--out", out, *SETS] + (["--parameter-draws", str(draws)] if draws else [])
    result = CliRunner().invoke(cli.app, args, env={"COLUMNS": "200"})
    assert result.exit_code == 0, (result.output, result.exception)
    return " ".join(result.output.split()), json.loads((tmp_path / out / "compare.json").read_text())


def test_compare_with_parameter_draws_gives_wider_intervals_and_prints_both_shares(tmp_path, monkeypatch):
    seeds_text, seeds_only = _compare(tmp_path, monkeypatch, "seeds", 0)
    text, drawn = _compare(tmp_path, monkeypatch, "drawn", 4)

    def row(result, outcome="defected"):
        return next(r for r in result["rows"] if r["policy"] == "more" and r["outcome"] == outcome)

    for outcome in ("defected", "coercive_capacity_end_share"):
        assert row(drawn, outcome)["diff_hi"] - row(drawn, outcome)["diff_lo"] > \
            row(seeds_only, outcome)["diff_hi"] - row(seeds_only, outcome)["diff_lo"], outcome
    effect = row(drawn)
    assert effect["n"] == 12 and effect["diff_parameter_share"] + effect["diff_seed_share"] == pytest.approx(1.0)
    assert drawn["parameter_draws"] == 4 and drawn["replicates"] == 3 and seeds_only["parameter_draws"] == 0
    # the terminal: both shares in a column of their own, what the draws are, and the baseline by name
    assert "params / seeds" in text and "params / seeds" not in seeds_text
    shares = f"{effect['diff_parameter_share']:.0%} / {effect['diff_seed_share']:.0%}"
    assert re.search(rf"│ defected │ [\d,]+ │ [\d,–]+ │ [^│]+ │ {re.escape(shares)} │", text), text
    assert "over 4 parameter draws x 3 paired seeds each" in text and "Intervals include 4 Latin-hypercube draws" in text
    assert "Intervals are over seeds only" in seeds_text
    # paired: the same seeds in both policies; each draw its own seeds
    summary = pq.read_table(tmp_path / "drawn" / "summary.parquet").to_pydict()
    seeds = {p: [s for s, q in zip(summary["seed"], summary["policy"]) if q == p] for p in set(summary["policy"])}
    assert seeds["scenario-programmes"] == seeds["more"] and len(set(seeds["more"])) == 12


# ------------------------------------------------------------------ forecast
def fake_calibration(out: Path) -> Path:
    """The files of a finished calibration that `forecast` and `--posterior` read (no ABC-SMC run)."""
    out.mkdir(parents=True)
    sc = api.resolve("myanmar-2021", TINY + ["run.days=30"])
    obs = {"series": "civilians_killed", "date": "2021-02-20", "day": 19, "value": 183.0, "lower_bound": False}
    write_json(out / "manifest.json", {"kind": "calibration", "package": "defection", "seed": 0,
                                       "scenario": sc.model_dump(mode="json"), "fits": [FIT], "observations": [obs]})
    write_parquet(out / "posterior.parquet", pa.table({FIT["key"]: [0.001, 0.002, 0.003], "weight": [0.2, 0.3, 0.5]}))
    return out


def test_forecast_with_parameter_draws_gives_the_shares_of_each_band(tmp_path, monkeypatch, capsys):
    from defection.experiments.calibration import forecast

    calibration = fake_calibration(tmp_path / "cal")
    for out in ("f", "g"):
        (tmp_path / out).mkdir()
    table = forecast(calibration, None, 4, tmp_path / "f", parameter_draws=2)
    assert {"parameter_share", "seed_share"} <= set(table.column_names)
    p, s = (table.column(c).to_numpy(zero_copy_only=False).astype(float) for c in ("parameter_share", "seed_share"))
    varies = ~np.isnan(p)
    assert varies.any() and np.allclose(p[varies] + s[varies], 1.0)
    manifest = json.loads((tmp_path / "f" / "manifest.json").read_text())
    assert manifest["uncertainty"]["parameter_draws"] == 2 and manifest["uncertainty"]["seeds_per_draw"] == 2
    plain = forecast(calibration, None, 4, tmp_path / "g")
    assert "parameter_share" not in plain.column_names  # without draws: as before
    monkeypatch.chdir(tmp_path)
    code, text = run_cli_raw(["forecast", str(calibration), "--draws", "5", "--parameter-draws", "2"],
                             monkeypatch, capsys)
    assert_one_paragraph(code, text, "--draws 5", "multiple of 2")


# ------------------------------------------------------------------ the dose-response curve
def test_the_dose_response_curve_with_parameter_draws_widens_and_splits_its_intervals():
    def fake_run(budget, seed, overrides):
        given = dict(o.split("=", 1) for o in overrides)
        efficacy = float(given.get("support.protection_efficacy", "0.8"))
        noise = np.random.default_rng(seed).normal(0.0, 1.0)
        extra = budget / 1e8 * 100 * efficacy  # what support buys depends on a parameter the data cannot identify
        return 1000 + extra + noise, 1 - extra / 1e5, budget

    budgets, seeds = (dose.NO_SUPPORT, 1e8, 1e9), (0, 1, 2)
    alone = dose.dose_response(budgets, seeds, workers=1, run=fake_run)
    drawn = dose.dose_response(budgets, seeds, workers=1, run=fake_run, parameter_draws=4)
    assert drawn["defected"].shape == (3, 12) and int(drawn["parameter_draws"]) == 4
    width = lambda curve: np.diff(dose.paired(curve, "defected")[:, 1:], axis=1).ravel()
    assert (width(drawn)[1:] > width(alone)[1:]).all()
    assert (dose.parameter_shares(drawn, "defected")[1:] > 0.9).all()
    table = dose.table(drawn)
    assert "parameters / seeds" in table and "pp of day 0" in table


# ------------------------------------------------------------------ the dashboard
def test_the_dashboard_pairs_its_settings_on_each_draw_and_bounds_the_draws():
    from defection.dashboard import jobs

    base = api.resolve("myanmar-2021")
    spec = {"name": "myanmar-2021", "settings": [], "seeds": [7, 8, 9, 10], "days": 30, "parameter_draws": 2}
    draws = jobs.draw_overrides(base, spec)
    assert len(draws) == 4 and draws[0] == draws[1] != draws[2] == draws[3]  # two seeds on each draw
    levers = {"support.protection_efficacy": 0.8, "support.outreach": 0.3}  # the scenario's values: drawn
    assert jobs.with_draw(base, levers, draws[0])["support.protection_efficacy"] == draws[0]["support.protection_efficacy"]
    chosen = {**levers, "support.protection_efficacy": 0.6}  # a lever the setting changed: kept
    assert jobs.with_draw(base, chosen, draws[0])["support.protection_efficacy"] == 0.6
    spec["settings"] = [{"label": "run", "overrides": {}}]
    for bad in (1, 17, "2"):
        with pytest.raises(jobs.JobRefused, match="parameter draws"):
            jobs.check_limits({**spec, "parameter_draws": bad})
    with pytest.raises(jobs.JobRefused, match="parameter draws"):
        jobs.check_limits({**spec, "seeds": [1, 2, 3]})  # 3 seeds do not share evenly among 2 draws
