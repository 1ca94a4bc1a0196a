"""Designs, seeds, bad --vary specifications, failures and resume bookkeeping of sweeps (in-process)."""
from __future__ import annotations

import json

import numpy as np
import pyarrow.parquet as pq
import pytest

from common import run_cli
from defection.errors import DefectionError
from defection.experiments import design as designs
from defection.experiments import models
from defection.experiments.sweep import plan_sweep, sweep

SMALL = ["force.n_officers=2000", "run.scale=10000"]




@pytest.mark.parametrize("args, words", [
    (["--vary", "decision.w_tiez=0.5:1"], ["decision.w_tiez", "unknown parameter", "decision.w_ties"]),
    (["--vary", "decision.w_ties=2:1"], ["lo (2) is greater than hi (1)", "decision.w_ties=1:2"]),
    (["--vary", "decision.w_ties=1:1"], ["lo equals hi", "--set decision.w_ties=1"]),
    (["--vary", "decision.w_ties=x:1"], ["lo 'x' is not a number"]),
    (["--vary", "decision.w_ties=0.5"], ["lo:hi"]),
    (["--vary", "decision.w_ties=0.5:1", "--design", "sobl"], ["--design 'sobl'", "Did you mean 'sobol'"]),
    (["--vary", "decision.w_ties=0.5:1", "--design", "sobol", "--samples", "4"],
     ["--samples 4 is too few for --design sobol", "at least 8"]),
    (["--vary", "decision.w_ties=0.5:1", "--design", "sobol", "--samples", "100"], ["not a power of 2", "64 or 128"]),
    (["--vary", "decision.w_ties=0.5:1", "--design", "morris", "--samples", "1"], ["too few for --design morris"]),
    (["--vary", "switches.predation=0:1"], ["switches.predation", "not a number"]),
    (["--vary", "force.n_officers=5:100"], ["force.n_officers", "lo is not a valid value", "greater than or equal to 10"]),
    (["--vary", "decision.w_ties=0.5:1", "--vary", "decision.w_ties=1:2"], ["given twice"]),
    (["--vary", "regime.allowance_kyat"], ["no documented plausible range", "regime.allowance_kyat=lo:hi"]),
    ([], ["no --vary given"]),
    (["--vary", "decision.w_ties", "--replicates", "0"], ["--replicates 0"]),
    (["--vary", "x9=0:1", "--model", "ishigami"], ["x1, x2, x3"]),
    (["--vary", "decision.w_ties", "--model", "ishigam"], ["--model 'ishigam'", "ishigami"]),
    (["--vary", "decision.w_ties", "--scheduler", "localhost:8786"], ["--scheduler localhost:8786", "tcp://HOST:PORT"]),
    (["--vary", "decision.w_ties", "--workers", "-1"], ["--workers -1"]),
])
def test_bad_sweep_specifications_give_one_clean_error(args, words, monkeypatch, capsys, tmp_path):
    extra = [] if "--workers" in args else ["--workers", "0"]
    code, text = run_cli(["sweep", *args, "--out", str(tmp_path / "s"), *extra], monkeypatch, capsys)
    assert code == 2, text
    assert text.startswith("error:") and "Traceback" not in text
    for w in words:
        assert w in text, (w, text)
    assert not (tmp_path / "s").exists()  # nothing is started before the specification is valid


def test_design_sizes_bounds_and_integer_parameters():
    sim = models.get("defection")
    varies = designs.parse_varies(["decision.w_ties=0.5:2", "force.unit_size=20:120"], sim)
    assert varies[1].integer and not varies[0].integer
    for name, n, expected in (("lhs", 16, 16), ("sobol", 16, 16 * 4), ("morris", 6, 6 * 3), ("grid", 3, 9)):
        X = designs.sample(varies, name, n, seed=3)
        assert X.shape == (expected, 2), name
        assert X[:, 0].min() >= 0.5 and X[:, 0].max() <= 2.0
        assert np.all(X[:, 1] == np.round(X[:, 1])) and X[:, 1].min() >= 20 and X[:, 1].max() <= 120
        assert np.array_equal(X, designs.sample(varies, name, n, seed=3))  # reproducible
    lhs = designs.sample(varies[:1], "lhs", 10, seed=1)[:, 0]
    # a Latin hypercube puts exactly one sample in each of the 10 equal strata
    assert sorted(np.floor((lhs - 0.5) / 0.15).astype(int)) == list(range(10))
    # a documented plausible range is used when no range is given
    (v,) = designs.parse_varies(["decision.w_ties"], sim)
    assert (v.lo, v.hi) == (0.5, 2.0)


def test_run_seeds_derive_from_sweep_seed_and_run_index_only():
    seeds = [designs.run_seed(7, r) for r in range(1000)]
    assert len(set(seeds)) == 1000 and all(0 <= s < 2**63 for s in seeds)
    assert seeds[:5] == [designs.run_seed(7, r) for r in range(5)]
    assert designs.run_seed(8, 0) != seeds[0]
    expected = np.random.SeedSequence(7, spawn_key=(3,)).generate_state(2, np.uint32)
    assert seeds[3] == (int(expected[0]) << 31) ^ int(expected[1])


def test_sweep_writes_summary_timeseries_manifest_and_resumes_without_rerunning(tmp_path):
    out = tmp_path / "s"
    kwargs = dict(design="lhs", samples=5, replicates=2, seed=1, days=40, overrides=SMALL, workers=0, chunk=3)
    first = sweep("myanmar-2021", ["support.outreach=0.1:0.8"], out=out, **kwargs)
    assert (first.runs, first.ok, first.failed, first.resumed) == (10, 10, 0, 0)
    summary = pq.read_table(out / "summary.parquet")
    assert summary.column_names[:3] == ["run", "seed", "support.outreach"]
    for col in ("defected", "defected_civilian", "defected_paramilitary", "coercive_capacity_min",
                "coercive_capacity_min_share", "civilians_killed", "programme_cost", "day_capacity_below_half"):
        assert col in summary.column_names
    d = summary.to_pydict()
    assert all(a == b + c for a, b, c in zip(d["defected"], d["defected_civilian"], d["defected_paramilitary"]))
    # replicates of a point share its parameters, not their seeds
    assert d["support.outreach"][0] == d["support.outreach"][1] and d["seed"][0] != d["seed"][1]
    ts = pq.read_table(out / "timeseries")
    assert ts.num_rows == 10 * 40 and set(ts.column("run").to_pylist()) == set(range(10))
    assert len(list((out / "timeseries").glob("chunk=*/part-0.parquet"))) == 4  # partitioned by chunk
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["kind"] == "sweep" and manifest["status"] == "complete" and manifest["runs_failed"] == 0
    assert manifest["spec"]["vary"][0]["key"] == "support.outreach" and manifest["spec"]["design"] == "lhs"
    assert manifest["scenario"]["run"]["days"] == 40 and "git_commit" in manifest and manifest["version"]
    # one run of the sweep, re-run alone from the manifest's scenario and the summary's seed, gives the same result
    from defection import api, scenarios

    sc = scenarios.from_dict(manifest["scenario"], [f"support.outreach={d['support.outreach'][3]!r}"])
    again = api.run(sc, seed=d["seed"][3])
    assert again.summary["final"]["defected"] == d["defected"][3]

    before = (out / "summary.parquet").read_bytes()
    second = sweep("myanmar-2021", ["support.outreach=0.1:0.8"], out=out, **kwargs)
    assert second.resumed == 10 and (out / "summary.parquet").read_bytes() == before
    with pytest.raises(DefectionError, match="holds a different sweep"):
        sweep("myanmar-2021", ["support.outreach=0.1:0.9"], out=out, **kwargs)


def test_a_run_that_raises_is_recorded_and_the_sweep_goes_on(tmp_path, monkeypatch, capsys):
    real = models.MODELS["defection"]

    class Flaky(models.DefectionModel):
        def run(self, base, point, seed):
            if point["support.outreach"] > 0.6:
                raise FloatingPointError("simulated blow-up")
            return real.run(base, point, seed)

    monkeypatch.setitem(models.MODELS, "defection", Flaky())
    out = tmp_path / "s"
    code, text = run_cli(["sweep", "--vary", "support.outreach=0.1:0.8", "--samples", "8", "--days", "30",
                          "--set", SMALL[0], "--set", SMALL[1], "--workers", "0", "--out", str(out)],
                         monkeypatch, capsys)
    assert code == 3, text  # finished, with failed runs: its own exit code, after the summary line
    design = pq.read_table(out / "design.parquet").to_pydict()
    n_bad = sum(x > 0.6 for x in design["support.outreach"])
    assert 0 < n_bad < 8
    failures = pq.read_table(out / "failures.parquet").to_pydict()
    assert len(failures["run"]) == n_bad and all(x > 0.6 for x in failures["support.outreach"])
    assert all("FloatingPointError: simulated blow-up" in e for e in failures["error"])
    assert all("Traceback (most recent call last)" in tb and "in run" in tb for tb in failures["traceback"])
    assert pq.read_table(out / "summary.parquet").num_rows == 8 - n_bad
    assert json.loads((out / "manifest.json").read_text())["runs_failed"] == n_bad
    assert f"{8 - n_bad} of 8 runs succeeded, {n_bad} failed" in text


def test_plan_is_cheap_and_needs_no_runs():
    plan = plan_sweep("myanmar-2021", ["decision.w_ties", "regime.p_detect"], design="sobol", samples=8,
                      replicates=3)
    assert plan.n_runs == 8 * 4 * 3 and plan.n_chunks == -(-plan.n_runs // 4)
    assert plan.spec_hash() == plan_sweep("myanmar-2021", ["decision.w_ties", "regime.p_detect"], design="sobol",
                                          samples=8, replicates=3).spec_hash()
