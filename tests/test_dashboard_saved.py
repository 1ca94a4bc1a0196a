"""Saved runs (`defection serve --runs DIR`): the server lists the run directories it finds itself and opens
only an id from that list; a path, a link or an unlisted name sent by the page is refused unread."""
from __future__ import annotations

import json
import os

import pytest
from dashboard_server import Dash, start_server, stop_server

from defection import api
from defection.dashboard.saved import SavedRuns, UnknownRun

TINY = {"run.scale": 5000, "force.n_officers": 1500, "army.n_soldiers": 2500}
SECRET = "TOKEN-5d1e0c"


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    """A runs root with one complete run, an incomplete one, a link to a run outside it, a run whose summary is
    a link to a secret file, and that secret file beside the root."""
    base = tmp_path_factory.mktemp("saved")
    runs = base / "runs"
    runs.mkdir()
    api.run(seed=4, days=12, overrides=TINY, record_regions=True).save(runs / "run-a", plot=False)
    (runs / "half").mkdir()
    (runs / "half" / "summary.json").write_text("{}")
    outside = base / "outside-run"
    api.run(seed=5, days=12, overrides=TINY).save(outside, plot=False)
    (runs / "linked").symlink_to(outside, target_is_directory=True)
    secret = base / "secret.json"
    secret.write_text(json.dumps({"seed": SECRET}))
    sneaky = runs / "sneaky"
    sneaky.mkdir()
    for name in ("timeseries.parquet", "manifest.json"):
        os.link(outside / name, sneaky / name)
    (sneaky / "summary.json").symlink_to(secret)
    return runs


CRAFTED = ["../outside-run", "/etc", "run-a/../run-a", "linked", "sneaky", "half", "", "..", 7, None,
           {"saved": "run-a"}, "../secret.json"]


def test_only_complete_run_directories_are_listed(root):
    assert SavedRuns(root).ids() == ["run-a"]
    assert SavedRuns(None).ids() == []


@pytest.mark.parametrize("crafted", CRAFTED)
def test_a_crafted_id_is_refused_unread(root, crafted):
    with pytest.raises(UnknownRun) as refused:
        SavedRuns(root).load(crafted)
    assert "unknown saved run" in str(refused.value)
    assert SECRET not in str(refused.value)


def test_a_listed_run_loads_with_its_manifest_and_regions(root):
    data = SavedRuns(root).load("run-a")
    runs = data["runs"]["run"]
    assert data["seeds"] == [4] and data["days"] == 12 and len(runs[0]["series"]["defected"]) == 12
    assert data["manifest"]["kind"] == "run" and data["tables"]["run"][0].num_rows == 12
    assert data["regions"]["run"][0] is not None and data["job"] == "saved:run-a"


def test_the_server_opens_listed_runs_only(root, tmp_path):
    proc, port, log = start_server(tmp_path, "--runs", str(root))
    try:
        dash = Dash(port)
        status, page = dash.call("saved-message.children", "saved-load.n_clicks",
                                 {"saved-load.n_clicks": 1, "saved-select.value": "run-a", "lang.value": "en"})
        assert status == 200 and json.loads(page)["response"]["result-store"]["data"] == {"saved": "run-a"}
        answers = set()
        for crafted in CRAFTED:
            status, text = dash.call("saved-message.children", "saved-load.n_clicks",
                                     {"saved-load.n_clicks": 1, "saved-select.value": crafted, "lang.value": "en"})
            assert status == 200 and "result-store" not in text and SECRET not in text, (crafted, text)
            answers.add(json.loads(text)["response"]["saved-message"]["children"]["props"]["children"])
        assert len(answers) == 1 and "unknown saved run" in answers.pop()  # the same answer whatever was sent
        for crafted in CRAFTED:  # a crafted reference in the results store shows nothing either
            status, text = dash.call("results-body.children", "result-store.data",
                                     {"result-store.data": {"saved": crafted}, "lang.value": "en", "tab-id.data": "t"})
            assert status == 200 and "data-job" not in text and SECRET not in text, (crafted, text[:300])
        status, text = dash.call("results-body.children", "result-store.data",
                                 {"result-store.data": {"saved": "run-a"}, "lang.value": "en", "tab-id.data": "t"})
        assert '"data-job":"saved:run-a"' in text.replace(" ", "")
        status, layout = dash_layout(port)
        assert "run-a" in layout and "linked" not in layout and "sneaky" not in layout
    finally:
        stop_server(proc)
    assert "Traceback" not in log.read_text(errors="replace")


def dash_layout(port: int) -> tuple[int, str]:
    from dashboard_server import request

    return request(port, "GET", "/_dash-layout")


def test_runs_must_be_a_directory(tmp_path):
    from defection.errors import DefectionError

    with pytest.raises(DefectionError, match="not a directory"):
        SavedRuns(tmp_path / "missing")


def _optimisation(where):
    """A small `defection optimize`-shaped directory: four candidates, two on the front."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    where.mkdir()
    trials = pa.table({"trial": [0, 1, 2, 3], "state": ["COMPLETE"] * 3 + ["FAIL"],
                       "budget_kyat_month": [1e8, 2e8, 4e8, 1e8], "share_protection": [0.5, 0.2, 0.9, 0.0],
                       "capacity_drop": [0.04, 0.11, 0.12, None], "capacity_drop_p10": [0.03, 0.09, 0.1, None],
                       "capacity_drop_p90": [0.05, 0.13, 0.14, None], "cost_mean": [9e8, 2e9, 5e9, None],
                       "pareto": [True, True, False, False]})
    pq.write_table(trials, where / "trials.parquet")
    pq.write_table(trials.filter(trials.column("pareto")), where / "pareto.parquet")
    (where / "manifest.json").write_text('{"kind": "optimize"}')


def test_policy_design_finds_the_cheapest_candidate_meeting_the_target(tmp_path):
    from defection.dashboard import policy

    _optimisation(tmp_path / "opt")
    saved = SavedRuns(tmp_path)
    assert saved.optimize_ids() == ["opt"] and saved.ids() == []
    rows = policy.rows_of(saved.trials("opt"))
    assert [r["trial"] for r in rows] == [0, 1, 2]  # the failed candidate is left out
    assert policy.best_within(rows, 3e8, 0.10)["trial"] == 1
    assert policy.best_within(rows, 1.5e8, 0.10) is None and policy.best_within(rows, 5e8, 0.115)["trial"] == 2
    figure = policy.policy_figure(rows, 3e8, 0.10, "en")
    within, front = figure["data"][1], figure["data"][2]
    assert within["x"] == [9e8, 2e9] and front["y"] == [4.0, 11.0]
    for crafted in ("../opt", "opt/..", str(tmp_path / "opt"), None):
        with pytest.raises(UnknownRun):
            saved.trials(crafted)


def test_the_policy_panel_through_the_server(tmp_path):
    runs = tmp_path / "runs"
    runs.mkdir()
    _optimisation(runs / "opt")
    proc, port, log = start_server(tmp_path, "--runs", str(runs))
    try:
        dash = Dash(port)

        def design(run_id, budget=3e8, target=0.1):
            status, text = dash.call("policy-figure.figure", "policy-budget.value", {
                "policy-select.value": run_id, "policy-budget.value": budget, "policy-target.value": target,
                "lang.value": "en"})
            assert status == 200, text
            return json.loads(text)["response"]

        answer = json.dumps(design("opt")["policy-answer"])
        assert "Cheapest candidate" in answer and "#1" in answer
        for crafted in ("../runs/opt", str(runs / "opt"), "opt/../opt"):
            assert "unknown saved run" in json.dumps(design(crafted)["policy-answer"])
    finally:
        stop_server(proc)
    assert "Traceback" not in log.read_text(errors="replace")
