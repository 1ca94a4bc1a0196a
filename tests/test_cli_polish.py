"""CLI and API polish (issue 14): --version, the compile notice, classic outputs, `report --force`, a short
`Result` repr with `to_pandas()` and named profile records, compare's formatting, discover's refusals, and the
DIIS / Nyan Corridor preset's name."""
from __future__ import annotations

import json
import re
import warnings
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pyarrow as pa
import pytest

from common import run_cli
from defection import __version__, api, cli

SMALL = ["force.n_officers=3000", "run.scale=10000"]


@pytest.fixture(scope="module")
def small_result():
    return api.run("myanmar-2021", seed=3, days=12, overrides=SMALL)


# ------------------------------------------------------------------ --version
def test_version_prints_the_package_version_and_commit(monkeypatch, capsys):
    from defection.engine.outputs import git_commit

    code, text = run_cli(["--version"], monkeypatch, capsys)
    assert code == 0
    assert text.startswith(f"defection {__version__}")
    commit = git_commit()
    if commit is not None:
        assert f"(git {commit})" in text


# ------------------------------------------------------------------ compile notice
@pytest.fixture
def terminal(monkeypatch):
    """The CLI's console as if on a terminal, where the compile notice is shown on the bar."""
    from rich.console import Console

    monkeypatch.setattr(cli, "console", Console(stderr=True, force_terminal=True))


def test_compile_notice_shows_only_while_numba_compiles(terminal):
    import numba

    bar = cli._run_progress_bar()
    task = bar.add_task("myanmar-2021 seed 0", total=3, rate="")

    def description() -> str:
        return bar.tasks[0].description

    compiled = numba.njit(lambda x: x + 1)
    compiled(1)  # compiled now, before the notice listens
    with cli._CompileNotice(bar, task) as notice:
        compiled(2)  # already compiled: nothing to say
        assert description() == "myanmar-2021 seed 0"
        numba.njit(lambda x: x * 3)(2)  # a new kernel: Numba compiles it
        assert description() == cli.COMPILING == "compiling (once, about 40 s)"
        notice.step_done()  # the day completed: back to the bar's own words
        assert description() == "myanmar-2021 seed 0"
    numba.njit(lambda x: x - 5)(2)  # the listener is gone with the run
    assert description() == "myanmar-2021 seed 0"


def test_run_progress_restores_its_description_after_compiling(terminal):
    import numba

    bar = cli._run_progress_bar()
    task = bar.add_task("run", total=5, rate="")
    with cli._CompileNotice(bar, task) as notice:
        update = cli._rate_updater(bar, task, 100, notice)
        numba.njit(lambda x: x + 7)(1)
        assert bar.tasks[0].description == cli.COMPILING
        update(1)
    assert bar.tasks[0].description == "run" and bar.tasks[0].completed == 1


# ------------------------------------------------------------------ classic runs
def test_classic_run_writes_summary_and_figure_and_prints_a_table(tmp_path, monkeypatch, capsys):
    out = tmp_path / "ep"
    code, text = run_cli(["run", "epstein", "--steps", "20", "--seed", "1", "--out", str(out)], monkeypatch, capsys)
    assert code == 0, text
    assert {p.name for p in out.iterdir()} == {"timeseries.parquet", "summary.json", "manifest.json", "overview.png"}
    summary = json.loads((out / "summary.json").read_text())
    assert summary["model"] == "epstein" and summary["steps"] == 20
    assert (out / "overview.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "{'model'" not in text and "'final_active'" not in text  # a table, not a raw dict
    assert "final active" in text and f"{summary['citizens']:,}" in text and str(out) in text


def test_classic_figure_draws_a_name_as_plain_text(tmp_path):
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"step": [0, 1, 2], "active": [0, 3, 1]}), tmp_path / "t.parquet")
    cli._classic_overview(tmp_path / "t.parquet", tmp_path / "o.png", title="epstein $\\foo{$, seed 0")
    assert (tmp_path / "o.png").stat().st_size > 1000


# ------------------------------------------------------------------ report --force
def test_report_refuses_an_existing_file_without_force(small_result, tmp_path, monkeypatch, capsys):
    run_dir = small_result.save(tmp_path / "run")
    out = tmp_path / "report.html"
    out.write_text("an earlier report")
    code, text = run_cli(["report", str(run_dir), "--out", str(out)], monkeypatch, capsys)
    assert code == 2 and text.startswith("error:") and "already exists" in text and "--force" in text, text
    assert out.read_text() == "an earlier report"
    code, text = run_cli(["report", str(run_dir), "--out", str(out), "--force"], monkeypatch, capsys)
    assert code == 0, text
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


# ------------------------------------------------------------------ Result
def test_result_repr_is_one_short_line(small_result):
    text = repr(small_result)
    assert "\n" not in text and len(text) < 250, text
    defected = small_result.summary["final"]["defected"]
    for part in ("scenario='myanmar-2021'", "seed=3", "days=12", f"defected={defected:,.0f}"):
        assert part in text, (part, text)
    assert "pyarrow" not in text and "support" not in text  # neither the table nor the scenario


def test_result_to_pandas_is_the_daily_series_by_date(small_result):
    import pandas as pd

    df = small_result.to_pandas()
    assert isinstance(df, pd.DataFrame) and isinstance(df.index, pd.DatetimeIndex)
    assert len(df) == 12 and str(df.index[0].date()) == "2021-02-01"
    assert np.array_equal(df["defected"].to_numpy(), small_result.series("defected"))
    assert list(df["day"]) == list(range(12))


def test_profile_is_named_records_and_prints(small_result, capsys):
    assert small_result.profile, "a run records its schedule"
    first = small_result.profile[0]
    assert isinstance(first, api.Timing)
    assert isinstance(first.mechanism, str) and first.seconds >= 0 and 0 <= first.share <= 1
    assert sum(t.share for t in small_result.profile) == pytest.approx(1.0)
    cli._print_profile(small_result.profile)
    assert first.mechanism in capsys.readouterr().out


# ------------------------------------------------------------------ compare formatting
def _fake_compare(rows_by_policy: dict[str, dict[str, dict]], seen: dict):
    """A stand-in for experiments.compare.compare that returns a finished comparison without running it."""
    outcome = SimpleNamespace(ok=4, runs=4, failed=0, resumed=0, seconds=1.0, out=Path("runs/c"),
                              raise_for_failures=lambda: None)

    def fake(scenario, policies, **kwargs):
        seen.update(kwargs)
        rows, policies_out = [], []
        for name, outcomes in rows_by_policy.items():
            for o in ("defected", "defected_civilian", "defected_paramilitary", "coercive_capacity_min_share",
                      "civilians_killed", "day_capacity_below_half"):
                row = {"policy": name, "outcome": o, "n": 2, "censored": 0, "mean": 10.0, "p05": 9.0, "p95": 11.0,
                       "diff_mean": 0.0, "diff_lo": 0.0, "diff_hi": 0.0}
                row.update(outcomes.get(o, {}))
                rows.append(row)
            policies_out.append({"policy": name, "cost_mean": 0.0, "extra_defections": 0.0,
                                 "cost_per_additional_defection": None})
        return {"outcome": outcome, "rows": rows, "policies": policies_out, "baseline": "status-quo",
                "replicates": 2}

    return fake


def test_compare_shows_never_and_no_negative_zero(monkeypatch, capsys):
    from defection.experiments import compare as compare_module

    never = {"day_capacity_below_half": {"mean": 120.0, "p05": 120.0, "p95": 120.0, "censored": 2}}
    tiny = {"coercive_capacity_min_share": {"mean": 0.9, "p05": 0.89, "p95": 0.91, "diff_mean": -1e-6,
                                            "diff_lo": -2e-6, "diff_hi": -1e-7}}
    monkeypatch.setattr(compare_module, "compare",
                        _fake_compare({"status-quo": never, "more-outreach": {**never, **tiny}}, {}))
    code, text = run_cli(["compare", "--policy", "more-outreach:support.outreach=0.5", "--workers", "0"],
                         monkeypatch, capsys)
    assert code == 0, text
    assert "-0.0" not in text and "+0.0 pp [+0.0, +0.0]" in text, text
    assert re.search(r"day capacity <50% │ never", text) and not re.search(r"day capacity <50% │ 120", text), text


def test_numbers_never_show_a_negative_zero():
    assert cli._number(-0.0001, "+.1f") == "+0.0" and cli._number(-0.04, ".1f") == "0.0"
    assert cli._number(-0.06, "+.1f") == "-0.1" and cli._number(-1234.0, ",.0f") == "-1,234"


def test_analyse_counts_runs_whose_capacity_never_fell_below_half():
    from defection.experiments.compare import OUTCOMES, analyse

    plan = SimpleNamespace(labels={"policy": (pa.string(), ["status-quo", "p"])}, replicates=2,
                           base={"run": {"days": 120}}, points=[{}, {}],
                           spec={"policies": [{"description": ""}, {"description": ""}]})
    columns = {o: [1.0, 2.0, 3.0, 4.0] for o in OUTCOMES}
    columns["day_capacity_below_half"] = [None, None, 50, None]
    summary = pa.table({"point": [0, 0, 1, 1], "replicate": [0, 1, 0, 1], **columns})
    rows = {(r["policy"], r["outcome"]): r for r in analyse(plan, summary)["rows"]}
    assert rows[("status-quo", "day_capacity_below_half")]["censored"] == 2
    assert rows[("p", "day_capacity_below_half")]["censored"] == 1
    assert rows[("p", "defected")]["censored"] == 0


# ------------------------------------------------------------------ the DIIS / Nyan Corridor preset
def test_diis_policy_preset_and_its_former_name():
    from defection.experiments.compare import PRESETS, plan_compare

    assert "diis-policy" in PRESETS and "seed-policy" not in PRESETS
    plan = plan_compare("myanmar-2021", preset="diis-policy", replicates=2)
    assert plan.labels["policy"][1] == ["no-programmes", "protection-only", "livelihoods-only", "both", "both-5x"]
    with pytest.warns(FutureWarning, match="diis-policy"):
        old = plan_compare("myanmar-2021", preset="seed-policy", replicates=2)
    assert old.points == plan.points and old.labels == plan.labels
    assert old.spec["preset"] == "seed-policy"  # as given: a comparison begun under the old name still resumes


def test_cli_accepts_the_former_preset_name_with_a_note(monkeypatch, capsys):
    from defection.experiments import compare as compare_module

    seen: dict = {}
    fake = _fake_compare({"status-quo": {}}, seen)

    def planning_compare(scenario, policies, **kwargs):
        compare_module.plan_compare(scenario, policies, preset=kwargs["preset"], replicates=2)  # warns
        return fake(scenario, policies, **kwargs)

    monkeypatch.setattr(compare_module, "compare", planning_compare)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the CLI says it once, in its own words, not as a Python warning
        code, text = run_cli(["compare", "--preset", "seed-policy", "--workers", "0"], monkeypatch, capsys)
    assert code == 0, text
    assert seen["preset"] == "seed-policy"
    assert text.count("note: --preset seed-policy is now called diis-policy") == 1, text


def test_cli_words_name_the_report_not_the_seed(monkeypatch, capsys):
    code, text = run_cli(["compare", "--help"], monkeypatch, capsys)
    assert code == 0 and "diis-policy" in text and "seed-policy" not in text
    code, text = run_cli(["compare", "--preset", "seed-polcy", "--workers", "0"], monkeypatch, capsys)
    assert code == 2 and "Did you mean 'diis-policy'" in text, text
    code, text = run_cli(["compare", "--workers", "0"], monkeypatch, capsys)
    assert code == 2 and "--preset diis-policy" in text and "seed-policy" not in text, text


# ------------------------------------------------------------------ discover
@pytest.fixture(scope="module")
def small_sweeps(tmp_path_factory):
    from defection.experiments.sweep import sweep

    root = tmp_path_factory.mktemp("sweeps")
    sweep(None, ["x1", "x2", "x3"], out=root / "few", design="lhs", samples=8, seed=1, model="ishigami", workers=0)
    sweep(None, ["x1", "x2", "x3"], out=root / "many", design="lhs", samples=100, seed=1, model="ishigami",
          workers=0)
    return root


def test_discover_on_too_few_runs_says_so(small_sweeps, monkeypatch, capsys):
    pytest.importorskip("ema_workbench")
    code, text = run_cli(["discover", str(small_sweeps / "few"), "--outcome", "y", "--above", "3"], monkeypatch,
                         capsys)
    assert code == 2 and text.startswith("error:"), text
    assert "8 runs" in text and "at least 20" in text and "Traceback" not in text
    assert not (small_sweeps / "few" / "discover.json").exists()


def test_discover_without_a_box_says_so(small_sweeps, monkeypatch, capsys):
    pytest.importorskip("ema_workbench")
    import pyarrow.parquet as pq

    y = pq.read_table(small_sweeps / "many" / "summary.parquet").column("y").to_numpy()
    low = float(np.percentile(y, 5))  # 95% of the runs are "cascades": the whole sweep is already dense
    code, text = run_cli(["discover", str(small_sweeps / "many"), "--outcome", "y", "--above", str(low)],
                         monkeypatch, capsys)
    assert code == 2 and "PRIM found no box" in text and "100 runs" in text, text
