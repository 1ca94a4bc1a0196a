"""Both forces on every surface (issue 12): the run summary, `Result.by_force()`, compare's outcomes and its
effects table, and the memory check that counts soldiers."""
from __future__ import annotations

import json
import re
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from common import run_cli

from defection import api

TINY = ["run.scale=5000", "force.n_officers=1500", "army.n_soldiers=2500"]


@pytest.fixture(scope="module")
def tiny_result():
    return api.run("myanmar-2021", days=30, overrides=TINY)


# ------------------------------------------------------------------ defection run
def test_run_summary_shows_police_army_and_total(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    args = ["run", "--out", "r"] + [arg for item in TINY + ["run.days=30"] for arg in ("--set", item)]
    code, text = run_cli(args, monkeypatch, capsys)
    assert code == 0, text
    assert re.search(r"outcome ┃ police ┃ army ┃ total", text), text
    for label in ("defected", "quiet resisters", "coercive capacity on the last day, % of day 0", "army combat",
                  "army support"):
        assert f"│ {label} " in text, (label, text)
    final = json.loads(Path("r/summary.json").read_text())["final"]  # the table shows the run's numbers
    row = re.search(r"│ defected │ ([\d,]+) │ ([\d,]+) │ ([\d,]+) │", text)
    assert row, text
    assert [int(v.replace(",", "")) for v in row.groups()] == [final["defected_police"], final["defected_army"],
                                                               final["defected"]]


# ------------------------------------------------------------------ Result.by_force
def test_by_force_has_a_row_per_force_and_a_total(tiny_result):
    table = tiny_result.by_force()
    assert list(table.index) == ["police", "army", "total"]
    assert list(table.columns) == ["defected", "quiet_resisters", "caught", "coercive_capacity", "defected_share"]
    final, by_force = tiny_result.summary["final"], tiny_result.summary["by_force"]
    for force in ("police", "army"):
        assert table.loc[force, "defected"] == final[f"defected_{force}"] == by_force[force]["defected"]
        assert table.loc[force, "quiet_resisters"] == final[f"quiet_resisters_{force}"]
        assert table.loc[force, "caught"] == by_force[force]["caught"]
        assert table.loc[force, "coercive_capacity"] == pytest.approx(final[f"coercive_capacity_{force}"])
        share = final[f"defected_{force}"] / by_force[force]["force"]
        assert table.loc[force, "defected_share"] == pytest.approx(share)
    assert by_force["police"]["force"] == 1500 and by_force["army"]["force"] == 2500
    for column in ("defected", "quiet_resisters", "caught", "coercive_capacity"):
        assert table.loc["total", column] == pytest.approx(table.loc["police", column] + table.loc["army", column])
    assert table.loc["total", "defected_share"] == pytest.approx(final["defected"] / 4000)


def test_memory_check_counts_soldiers():
    sc = api.resolve(overrides=TINY)
    officers, _ = api.agent_count(sc)
    assert officers == 1500 + 2500


# ------------------------------------------------------------------ compare
def _plan(names=("status-quo", "p"), replicates=2):
    return SimpleNamespace(labels={"policy": (pa.string(), list(names))}, replicates=replicates,
                           base={"run": {"days": 30}}, points=[{} for _ in names],
                           spec={"policies": [{"description": ""} for _ in names]})


def test_compare_analyses_each_force():
    from defection.experiments.compare import OUTCOMES, analyse

    for outcome in ("defected_police", "defected_army", "quiet_resisters_police", "quiet_resisters_army",
                    "coercive_capacity_end_share_police", "coercive_capacity_end_share_army"):
        assert outcome in OUTCOMES
    columns = {o: [1.0, 2.0, 3.0, 5.0] for o in OUTCOMES}
    columns["defected_army"] = [10.0, 20.0, 13.0, 27.0]
    summary = pa.table({"point": [0, 0, 1, 1], "replicate": [0, 1, 0, 1], **columns})
    rows = {(r["policy"], r["outcome"]): r for r in analyse(_plan(), summary)["rows"]}
    assert rows[("p", "defected_army")]["mean"] == 20.0
    assert rows[("p", "defected_army")]["diff_mean"] == pytest.approx(5.0)  # paired: (3 + 7) / 2


def test_compare_without_per_force_outcomes_leaves_their_rows_empty():
    """A sweep summary of a one-force model (or written before the army) still analyses."""
    from defection.experiments.compare import OUTCOMES, analyse

    columns = {o: [1.0, 2.0, 3.0, 4.0] for o in OUTCOMES if not o.endswith(("_police", "_army"))}
    summary = pa.table({"point": [0, 0, 1, 1], "replicate": [0, 1, 0, 1], **columns})
    rows = {(r["policy"], r["outcome"]): r for r in analyse(_plan(), summary)["rows"]}
    assert rows[("p", "defected_police")]["mean"] is None and rows[("p", "defected")]["mean"] == 3.5


def test_compare_table_has_rows_for_each_force(monkeypatch, capsys):
    from defection.experiments import compare as compare_module
    from defection.experiments.compare import OUTCOMES, analyse

    columns = {o: [1.0, 2.0, 3.0, 4.0] for o in OUTCOMES}
    columns.update({"defected_police": [101.0, 103.0, 111.0, 113.0], "defected_army": [7.0, 9.0, 17.0, 19.0],
                    "coercive_capacity_end_share_police": [0.8, 0.8, 0.7, 0.7],
                    "coercive_capacity_end_share_army": [0.95, 0.95, 0.9, 0.9], "day_capacity_below_half": [None] * 4})
    summary = pa.table({"point": [0, 0, 1, 1], "replicate": [0, 1, 0, 1], **columns})
    res = analyse(_plan(("status-quo", "more")), summary)
    res["outcome"] = SimpleNamespace(ok=4, runs=4, failed=0, resumed=0, seconds=1.0, out=Path("runs/c"),
                                     raise_for_failures=lambda: None)
    monkeypatch.setattr(compare_module, "compare", lambda *a, **k: res)
    code, text = run_cli(["compare", "--policy", "more:support.outreach=0.5", "--workers", "0"], monkeypatch, capsys)
    assert code == 0, text
    assert re.search(r"│ police │ 112 │ 111–113 │ \+10 \[\+10, \+10\] │", text), text
    assert re.search(r"│ army │ 18 │ 17–19 │ \+10 \[\+10, \+10\] │", text), text
    assert re.search(r"│ police │ 70\.0% │ 70\.0–70\.0 │ -10\.0 pp \[-10\.0, -10\.0\] │", text), text
    assert re.search(r"│ army │ 90\.0% │", text), text


def test_effects_table_leaves_out_forces_a_comparison_lacks():
    """A compare.json written before the army has no per-force rows, and shows none."""
    from defection.formatting import effects_table

    rows = [{"policy": p, "outcome": o, "n": 2, "censored": 0, "mean": 1.0, "p05": 1.0, "p95": 1.0,
             "diff_mean": 0.0, "diff_lo": 0.0, "diff_hi": 0.0}
            for p in ("status-quo", "p") for o in ("defected", "defected_civilian", "defected_paramilitary",
                                                   "coercive_capacity_min_share", "civilians_killed",
                                                   "day_capacity_below_half")]
    _, table, _ = effects_table({"rows": rows, "policies": [{"policy": "status-quo"}, {"policy": "p"}],
                                 "baseline": "status-quo"})
    labels = [row[0].strip() for row in table]
    assert "police" not in labels and "army" not in labels
    assert labels.count("defected") == 2


def test_compare_figure_draws_each_force(tmp_path, monkeypatch):
    """compare.png has panels for the police's and the army's defections when the series have them."""
    from defection.experiments import compare as compare_module
    from defection.report import figures

    days, names = 5, ["status-quo", "p"]
    tables = [pa.table({"run": np.full(days, run), "day": np.arange(days),
                        "date": pa.array(np.datetime64("2021-02-01") + np.arange(days), pa.date32()),
                        **{s: np.arange(days, dtype=float) + run for s in compare_module.SERIES_BY_FORCE}})
              for run in range(4)]
    (tmp_path / "timeseries" / "chunk=000000").mkdir(parents=True)
    pq.write_table(pa.concat_tables(tables), tmp_path / "timeseries" / "chunk=000000" / "part-0.parquet")
    plan = SimpleNamespace(base={"run": {"days": days}, "name": "x"}, replicates=2,
                           labels={"policy": (pa.string(), names)})
    titles = []

    def keep_titles(fig, path, **kwargs):
        titles.extend(ax.get_title() for ax in fig.axes)
        figures.pyplot().close(fig)

    monkeypatch.setattr(figures, "write_png", keep_titles)
    compare_module.figure(plan, tmp_path, tmp_path / "compare.png")
    assert {"defected police", "defected army", "coercive capacity police", "coercive capacity army"} <= set(titles)
