"""Results that stream in while the ensemble runs, and that carry their settings and manifest into every
download (Parquet, CSV, PNG, manifest)."""
from __future__ import annotations

import io
import json

import numpy as np
import pyarrow.parquet as pq
import pytest

from defection import api, scenarios
from defection.dashboard import export, figures, jobs

TINY = {"run.scale": 5000, "force.n_officers": 1500, "army.n_soldiers": 2500}
DAYS = 30


class Events(list):
    def put(self, item):
        self.append(item)


@pytest.fixture(scope="module")
def streamed():
    """A two-seed job of a tiny scenario run as the worker runs it, with every event it sends."""
    text = scenarios.source_text("myanmar-2021")[0]
    spec = {"name": None, "toml": text, "filename": "tiny.toml", "seeds": [0, 1], "days": DAYS,
            "settings": [{"label": "run", "overrides": {**TINY, "support.protection_capacity": 150.0}}]}
    events = Events()
    result = jobs.run_ensemble(7, spec, events)
    return spec, events, result


def test_the_streamed_run_is_the_library_run():
    base = scenarios.load("myanmar-2021")
    seen = []
    mine = jobs.simulate(base, 3, DAYS, TINY, lambda day, sim: seen.append(jobs.live_series(sim, day)))
    theirs = api.run(base, seed=3, days=DAYS, overrides=TINY, record_regions=True)
    assert mine.timeseries.equals(theirs.timeseries) and mine.summary == theirs.summary
    assert mine.regions.equals(theirs.regions)
    assert [len(s["series"]["defected"]) for s in seen] == list(range(1, DAYS + 1))
    np.testing.assert_array_equal(seen[-1]["series"]["defected"], theirs.series("defected"))


def test_progress_events_carry_the_series_so_far(streamed):
    _, events, _ = streamed
    progress = [payload for kind, _, payload in events if kind == "progress"]
    lengths = [len(p["live"]["series"]["defected"]) for p in progress]
    assert progress[-1]["done"] == 2 * DAYS and lengths[-1] == DAYS
    assert all(p["live"]["start"] == "2021-02-01" for p in progress)
    seeds = [payload for kind, _, payload in events if kind == "seed"]
    assert len(seeds) == 2 and all(len(s["series"]["defected"]) == DAYS for s in seeds)


def test_the_server_keeps_the_live_series_of_the_running_job_only(streamed):
    _, events, result = streamed
    manager = jobs.JobManager.__new__(jobs.JobManager)  # its bookkeeping only: no worker process
    manager._jobs, manager._lock, manager._sent, manager._pending = {}, __import__("threading").RLock(), None, []
    manager._dispatch = lambda: None
    manager._keep, manager._kept_bytes = 20, jobs.MAX_KEPT_BYTES
    manager._jobs[7] = {"id": 7, "owner": "tab", "session": "tab", "state": "queued", "done": 0, "total": 2 * DAYS,
                        "error": None, "result": None, "spec": {"days": DAYS}, "memory": jobs.JobMemory(0, 0),
                        "kept": 0, "finished_seeds": [], "current": None}
    half = [e for e in events if e[0] == "seed"][0]
    for kind, job, payload in events[: events.index(half) + 1]:  # the first seed, finished
        manager._apply(kind, job, payload)
    last = [p for kind, _, p in events if kind == "progress"][-1]["live"]  # the second seed, ten days in
    manager._apply("progress", 7, {"done": DAYS + 10, "live": {"start": last["start"],
                                                               "series": {k: v[:10] for k, v in last["series"].items()}}})
    live = manager.live(7, "tab")
    assert live["days"] == DAYS and len(live["runs"]) == 2  # one finished seed and the running one
    assert len(live["runs"][0]["series"]["defected"]) == DAYS > len(live["runs"][1]["series"]["defected"])
    assert manager.live(7, "another tab") is None
    fig = figures.live_figure(live, "en")
    medians = [trace for trace in fig["data"] if trace["mode"] == "lines"]
    assert medians and fig["layout"]["xaxis"]["range"][-1] == "2021-03-02"  # the axis spans the whole run
    assert len(medians[0]["x"]) == DAYS  # the finished seed covers every day
    import plotly.graph_objects as go

    go.Figure(fig)  # a valid figure
    assert "tickvals" in figures.live_figure(live, "my")["layout"]["yaxis"]  # Myanmar digits on the axis
    manager._apply("done", 7, result)
    assert manager.live(7, "tab") is None and manager._jobs[7]["finished_seeds"] == []


def test_a_result_carries_its_settings_and_manifest(streamed):
    spec, _, result = streamed
    assert result["changed"]["run"] == {**TINY, "support.protection_capacity": 150.0}
    manifest = result["manifest"]
    assert manifest["kind"] == "dashboard" and manifest["seeds"] == [0, 1] and manifest["days"] == DAYS
    assert manifest["scenario"]["support"]["protection_capacity"] == 150.0 and "version" in manifest


def test_parquet_and_csv_hold_every_run_and_the_settings(streamed):
    _, _, result = streamed
    table = pq.read_table(io.BytesIO(export.parquet_bytes(result)))
    assert table.num_rows == 2 * DAYS and table.column_names[:4] == ["setting", "seed", "date", "day"]
    assert sorted(set(table.column("seed").to_pylist())) == [0, 1]
    meta = table.schema.metadata
    assert json.loads(meta[b"defection.settings"])["job"] == "7"
    assert json.loads(meta[b"defection.manifest"])["scenario"]["support"]["protection_capacity"] == 150.0
    csv = export.csv_bytes(result).decode()
    first, header = csv.splitlines()[:2]
    assert first.startswith("# settings: ") and '"support.protection_capacity": 150.0' in first
    assert header.startswith('"setting","seed","date","day"') and len(csv.splitlines()) == 2 + 2 * DAYS
    assert json.loads(export.manifest_bytes(result))["dashboard"]["seeds"] == [0, 1]


def test_the_png_is_the_main_figure(streamed):
    from PIL import Image

    _, _, result = streamed
    png = export.png_bytes(result, "en")
    image = Image.open(io.BytesIO(png))
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and image.width > 800 and image.height > 300


def test_starting_a_run_replaces_the_previous_results_with_its_own_label(served):
    """The race behind a flaky browser test: the view showed the previous run's results after the status said
    the new run had finished. Now pressing Run clears the results and labels the view with the new run at once,
    and the results that replace the label are that run's, with its settings."""
    from dashboard_server import job_of

    dash = served["dash"]
    first = dash.start("race", run__days=5, seeds=1)
    job = job_of(first)
    assert first["result-store"]["data"] is None and first["results-graphs"]["children"] == []
    assert f'"data-job": "{job}"' in json.dumps(first["results-body"])
    assert dash.wait_for("race", job, ("Finished", "Failed"))[0] == "Finished"
    assert dash.poll("race", job)["result-store"]["data"] == job
    status, text = dash.call("results-body.children", "result-store.data",
                             {"result-store.data": job, "lang.value": "en", "tab-id.data": "race"})
    body = json.dumps(json.loads(text)["response"]["results-body"])
    assert f'"data-job": "{job}"' in body and '"run.days"' in body
