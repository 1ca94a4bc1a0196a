"""Policy comparison: paired ensembles find the sign of levers built to have one; the preset asks the seed's
question; discovery and the EMA workbench export work on real sweeps."""
from __future__ import annotations

import importlib.util
import json

import numpy as np
import pyarrow.parquet as pq
import pytest

from common import run_cli
from defection.errors import DefectionError
from defection.experiments.compare import PRESETS, compare, parse_policy, plan_compare

SMALL = {"force.n_officers": 4000, "run.scale": 10000}
MORE_SUPPORT = "more-support:support.protection_capacity=2000,support.livelihood_capacity=6000,support.outreach=0.8"
MORE_FEAR = "more-fear:regime.p_detect=0.4"
NUDGE = "nudge:support.outreach=0.4"  # a small lever: its effect is within the seed-to-seed spread




@pytest.fixture(scope="module")
def comparison(tmp_path_factory):
    out = tmp_path_factory.mktemp("cmp") / "c"
    return out, compare("myanmar-2021", [MORE_SUPPORT, MORE_FEAR, NUDGE], out=out, replicates=6, seed=3, days=150,
                        overrides=SMALL, workers=0)


def test_compare_finds_the_sign_of_levers_built_to_have_one(comparison):
    out, res = comparison
    rows = {(r["policy"], r["outcome"]): r for r in res["rows"]}
    # support makes leaving safer and cheaper: more defections, lower minimum coercive capacity, higher cost
    assert rows[("more-support", "defected")]["diff_lo"] > 0
    assert rows[("more-support", "coercive_capacity_min_share")]["diff_hi"] < 0
    assert rows[("more-support", "programme_cost")]["diff_lo"] > 0
    # a higher chance of being caught deters: fewer defections (its cost is not asserted: fewer stipends to
    # pay, but more officers who would leave only with protection)
    assert rows[("more-fear", "defected")]["diff_hi"] < 0
    # the scenario as given, with its own programmes, is the reference, named for what it is
    assert res["baseline"] == "scenario-programmes" and rows[("scenario-programmes", "defected")]["diff_mean"] == 0
    pol = {p["policy"]: p for p in res["policies"]}
    s = pol["more-support"]
    assert s["cost_per_additional_defection"] == pytest.approx(s["extra_cost"] / s["extra_defections"])
    assert pol["more-fear"]["cost_per_additional_defection"] is None  # it adds no defections
    # means and 90% intervals are those of the ensemble
    summary = pq.read_table(out / "summary.parquet").to_pydict()
    mine = [d for d, p in zip(summary["defected"], summary["policy"]) if p == "more-support"]
    r = rows[("more-support", "defected")]
    assert r["mean"] == pytest.approx(np.mean(mine)) and r["p05"] <= r["mean"] <= r["p95"]
    assert (out / "compare.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert json.loads((out / "manifest.json").read_text())["kind"] == "compare"


def test_paired_seeds_make_effects_tighter_than_unpaired_ensembles(comparison):
    out, _ = comparison
    d = pq.read_table(out / "summary.parquet").to_pydict()
    base = np.array([x for x, p in zip(d["defected"], d["policy"]) if p == "scenario-programmes"], float)
    nudge = np.array([x for x, p in zip(d["defected"], d["policy"]) if p == "nudge"], float)
    seeds = {p: [s for s, q in zip(d["seed"], d["policy"]) if q == p] for p in set(d["policy"])}
    assert seeds["scenario-programmes"] == seeds["more-fear"] == seeds["more-support"] == seeds["nudge"]  # paired
    paired_sd = np.std(nudge - base, ddof=1)
    unpaired_sd = np.sqrt(np.var(nudge, ddof=1) + np.var(base, ddof=1))
    assert paired_sd < 0.5 * unpaired_sd


def test_paired_intervals_are_scipy_t_intervals_equal_to_the_textbook_formula():
    from scipy import stats

    from defection.experiments.compare import paired_interval

    rng = np.random.default_rng(5)
    for n in (2, 3, 6, 40):
        d = rng.normal(3.0, 2.0, n)
        half = stats.t.ppf(0.95, n - 1) * d.std(ddof=1) / np.sqrt(n)  # the hand computation it replaces
        lo, hi = paired_interval(d)
        assert lo == pytest.approx(d.mean() - half, rel=1e-12) and hi == pytest.approx(d.mean() + half, rel=1e-12)
        ci = stats.ttest_1samp(d, 0.0).confidence_interval(0.90)
        assert (lo, hi) == pytest.approx((ci.low, ci.high), rel=1e-12)
    assert paired_interval(np.full(5, 2.0)) == (2.0, 2.0)  # identical differences: the mean, exactly
    assert paired_interval(np.array([1.0])) == (None, None)


def test_diis_policy_preset_asks_the_reports_question(monkeypatch, capsys, tmp_path):
    plan = plan_compare("myanmar-2021", preset="diis-policy", replicates=2)
    names = plan.labels["policy"][1]
    assert names == ["no-programmes", "protection-only", "livelihoods-only", "both", "both-5x"]
    pts = dict(zip(names, plan.points))
    assert pts["no-programmes"]["support.protection_capacity"] == "0" and pts["no-programmes"]["support.outreach"] == "0"
    assert pts["both-5x"]["support.protection_capacity"] == "100" and pts["both-5x"]["support.livelihood_capacity"] == "300"
    assert pts["protection-only"]["support.livelihood_capacity"] == "0"
    assert pts["livelihoods-only"]["support.protection_capacity"] == "0"
    assert len(PRESETS["diis-policy"]) == 5
    out = tmp_path / "preset"
    code, text = run_cli(["compare", "myanmar-2021", "--preset", "diis-policy", "--replicates", "2", "--days", "120",
                          "--set", "force.n_officers=3000", "--set", "run.scale=10000", "--workers", "0",
                          "--out", str(out)], monkeypatch, capsys)
    assert code == 0, text
    for name in names:
        assert name in text
    assert "kyat per extra defection" in text
    table = pq.read_table(out / "compare.parquet").to_pydict()
    assert set(table["policy"]) == set(names)


@pytest.mark.parametrize("args, words", [
    (["--policy", "nocolon"], ["NAME:key=value"]),
    (["--policy", "x:support.outreech=0.5"], ["--policy x", "support.outreech", "outreach"]),
    (["--policy", "x:support.outreach=2"], ["--policy x", "support.outreach", "less than or equal to 1"]),
    (["--policy", "x:support.outreach=0.5", "--policy", "x:support.outreach=0.6"], ["given twice"]),
    (["--preset", "seed-polcy"], ["--preset 'seed-polcy'", "seed-policy"]),
    (["--policy", "x:support.outreach=0.5", "--replicates", "1"], ["--replicates 1"]),
    ([], ["nothing to compare"]),
])
def test_bad_policies_give_one_clean_error(args, words, monkeypatch, capsys, tmp_path):
    code, text = run_cli(["compare", *args, "--workers", "0", "--out", str(tmp_path / "c")], monkeypatch, capsys)
    assert code == 2 and text.startswith("error:"), text
    for w in words:
        assert w in text, (w, text)


def test_policy_values_may_be_lists():
    name, settings = parse_policy("p:force.rank_shares=[0.5, 0.2, 0.1, 0.06, 0.05, 0.04, 0.03, 0.01, 0.01],support.outreach=0.5")
    assert name == "p" and settings["support.outreach"] == "0.5" and settings["force.rank_shares"].startswith("[0.5, 0.2")


@pytest.fixture(scope="module")
def cascade_sweep(tmp_path_factory):
    from defection.experiments.sweep import sweep

    out = tmp_path_factory.mktemp("disc") / "s"
    sweep("myanmar-2021", ["decision.defect_threshold", "regime.p_detect", "crackdown.capacity_half"], out=out,
          design="lhs", samples=80, seed=5, days=120, overrides=SMALL, workers=0, timeseries=False)
    return out


@pytest.mark.slow  # an 80-point sweep (the cascade_sweep fixture)
def test_discover_finds_the_parameter_ranges_of_a_cascade(cascade_sweep, monkeypatch, capsys):
    pytest.importorskip("ema_workbench")
    d = pq.read_table(cascade_sweep / "summary.parquet").to_pydict()
    cut = float(np.percentile(d["defected"], 75))
    code, text = run_cli(["discover", str(cascade_sweep), "--outcome", "defected", "--above", str(cut)],
                         monkeypatch, capsys)
    assert code == 0, text
    res = json.loads((cascade_sweep / "discover.json").read_text())
    assert res["met_threshold"] and res["density"] >= 0.8 and res["coverage"] >= 0.5
    box = {b["parameter"]: b for b in res["box"]}
    # cascades need a low bar to defect: the box caps decision.defect_threshold well below its swept maximum
    assert "decision.defect_threshold" in box
    assert box["decision.defect_threshold"]["hi"] < box["decision.defect_threshold"]["swept_hi"] - 0.1
    # and the box really is denser in cascades than the whole sweep
    x = np.array(d["decision.defect_threshold"])
    y = np.array(d["defected"]) > cut
    inside = np.ones(len(x), bool)
    for k, b in box.items():
        v = np.array(d[k])
        inside &= (v >= b["lo"]) & (v <= b["hi"])
    assert y[inside].mean() == pytest.approx(res["density"]) and y[inside].mean() > 2 * y.mean()
    assert "decision.defect_threshold" in text
    with pytest.raises(DefectionError, match="nothing to discover"):
        from defection.experiments.discover import discover

        discover(cascade_sweep, "defected", above=1e9, plot=False)


def test_export_ema_drives_the_model_with_perform_experiments(monkeypatch, capsys, tmp_path):
    pytest.importorskip("ema_workbench")
    path = tmp_path / "ema_model.py"
    code, text = run_cli(["export-ema", "myanmar-2021", "--vary", "decision.w_ties", "--vary", "force.unit_size",
                          "--lever", "support.outreach=0.1:0.8", "--days", "30", "--set", "force.n_officers=1000",
                          "--set", "run.scale=10000", "--out", str(path)], monkeypatch, capsys)
    assert code == 0, text
    spec = importlib.util.spec_from_file_location("ema_model_test", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench import perform_experiments

        experiments, outcomes = perform_experiments(module.get_model(), scenarios=3, policies=2)
    assert len(experiments) == 6
    assert {"decision.w_ties", "force.unit_size", "support.outreach"} <= set(experiments.columns)
    assert experiments["force.unit_size"].between(20, 120).all()
    assert outcomes["defected"].shape == (6,) and outcomes["defected_series"].shape == (6, 30)
    assert np.all(outcomes["defected_series"][:, -1] == outcomes["defected"])
    # same scenario, different policy, same seed: the model is deterministic
    from defection import api

    row = experiments.iloc[0]
    direct = api.run(module.SCENARIO["name"], days=30, seed=0,
                     overrides={"force.n_officers": 1000, "run.scale": 10000, "decision.w_ties": row["decision.w_ties"],
                                "force.unit_size": int(row["force.unit_size"]), "support.outreach": row["support.outreach"]})
    assert direct.summary["final"]["defected"] == outcomes["defected"][0]
    code, text = run_cli(["export-ema", "--out", str(path)], monkeypatch, capsys)
    assert code == 2 and "exists" in text
