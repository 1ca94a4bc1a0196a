"""The dashboard shows both forces (issue 12): per-force series come back from the worker, the Results view has a
force selector (police, army, both) whose value from the page is checked, and the comparison table has a row per
force. The selector is also driven with raw HTTP against a real server, as the security tests do."""
from __future__ import annotations

import json

import pytest
from dashboard_server import job_of

from defection import api
from defection.dashboard import figures, jobs

TINY = ["run.scale=5000", "force.n_officers=1500", "army.n_soldiers=2500"]


@pytest.fixture(scope="module")
def runs():
    """Two seeds of a tiny scenario, as the worker sends them to the page."""
    return [json.loads(json.dumps(jobs._compact(api.run(seed=s, days=40, overrides=TINY)), default=list))
            for s in (0, 1)]


def _names(fig) -> list[str]:
    """The legend's entries (bands are drawn without one)."""
    return [trace.name for trace in fig.data if trace.name and trace.showlegend is not False]


def test_the_worker_sends_per_force_and_per_branch_series(runs):
    series = runs[0]["series"]
    for name in ("defected_police", "defected_army", "quiet_resisters_police", "quiet_resisters_army",
                 "coercive_capacity_police", "coercive_capacity_army", "defected_army_combat",
                 "defected_army_support", "defected"):
        assert name in series, name
    assert jobs.kept_series(["date", "legitimacy", "defected", "defected_navy"]) == ["defected", "defected_navy"]


def test_both_forces_show_the_total_and_each_force(runs):
    assert figures.forces_of(runs) == ["police", "army"]
    figs = figures.results_figures(runs, "en")
    defections = _names(figs["fig-defections"])
    assert {"all (median)", "police (median)", "army (median)"} <= set(defections), defections
    assert any(name.startswith("observed") for name in defections), "police defections have observations"
    assert {"Coercive capacity (median)", "police (median)", "army (median)"} <= set(_names(figs["fig-capacity"]))
    assert {"Quiet resisters (median)", "police (median)", "army (median)"} <= set(_names(figs["fig-quiet"]))


def test_one_force_shows_its_series_and_branches_only(runs):
    army = figures.results_figures(runs, "en", "army")
    names = _names(army["fig-defections"])
    assert names[0] == "army (median)" and "army, combat units (median)" in names, names
    assert not any("police" in n or "civilian" in n or n.startswith("observed") for n in names), names
    assert _names(army["fig-capacity"]) == ["army (median)"]
    capacity = next(trace for trace in army["fig-capacity"].data if trace.name == "army (median)")
    assert capacity.y[0] == pytest.approx(100.0), "each force's capacity is a percentage of its own day 0"
    police = _names(figures.results_figures(runs, "en", "police")["fig-defections"])
    assert "police (median)" in police and "civilian branch (median)" in police and "army (median)" not in police


@pytest.mark.parametrize("value", ["../../etc/passwd", "navy", None, 3, ["army"], "total"])
def test_a_force_value_that_is_not_a_force_shows_both(runs, value):
    assert figures.force_choice(value, runs) == figures.BOTH
    assert "all (median)" in _names(figures.results_figures(runs, "en", value)["fig-defections"])


def test_runs_without_per_force_series_keep_the_old_charts(runs):
    old = [{**r, "series": {k: v for k, v in r["series"].items() if not k.endswith(("_police", "_army"))
                            and not k.startswith("defected_army")}} for r in runs]
    assert figures.forces_of(old) == [] and figures.force_choice("army", old) == figures.BOTH
    names = _names(figures.results_figures(old, "en", "army")["fig-defections"])
    assert names[:3] == ["all (median)", "civilian branch (median)", "paramilitary (median)"], names


def test_the_comparison_table_has_a_row_per_force(runs):
    keys = [row["key"] for row in figures.compare_rows(runs, runs, "en")]
    for name in ("defected_police", "defected_army", "coercive_capacity_police", "coercive_capacity_army"):
        assert name in keys, keys
    row = next(r for r in figures.compare_rows(runs, runs, "my") if r["key"] == "defected_army")
    assert "စစ်တပ်" in row["outcome"]


def test_the_agent_limit_counts_soldiers():
    sc = api.resolve(overrides=TINY)
    assert jobs.agent_count(sc) == 1500 + 2500 + api.agent_count(sc)[1]


# ---------------------------------------------------------------------------------------- through the server


def test_the_force_selector_through_the_server(served):
    dash = served["dash"]
    job = job_of(dash.start("forces", run__days=8, seeds=1))
    assert job is not None
    assert dash.wait_for("forces", job, ("Finished", "Failed"))[0] == "Finished"

    def results(force):
        status, text = dash.call("results-body.children", "force-select.value", {
            "result-store.data": job, "lang.value": "en", "force-select.value": force, "tab-id.data": "forces"})
        assert status == 200, text
        return json.loads(text)["response"]

    army = results("army")
    assert army["force-choice"]["style"] == {"display": "block"}
    assert [o["value"] for o in army["force-select"]["options"]] == ["both", "police", "army"]
    text = json.dumps([army["results-body"], army["results-graphs"]])
    assert "army, combat units" in text and "civilian branch" not in text
    hostile = json.dumps(results("<img src=x onerror=alert(1)>/../../etc/passwd"))
    assert "etc/passwd" not in hostile and "onerror" not in hostile and '"all (median)"' in hostile
    # another tab cannot read this job's results, whatever force it asks for
    status, text = dash.call("results-body.children", "force-select.value", {
        "result-store.data": job, "lang.value": "en", "force-select.value": "army", "tab-id.data": "other"})
    assert status == 200 and "army, combat units" not in text
