"""The dashboard bounds memory, not only work (issue 28, item 8): a job's memory is estimated before it is
queued and refused above a per-job and a total limit; finished results are kept up to a byte budget and the
worker is replaced after a large job; job slots belong to the browser session the server set, not to a tab id
the client invents; a malformed request gets 400 and one line, never a traceback.

Sizes are compared as bytes of the objects kept (and the worker's resident memory with a generous margin),
never as timings."""
from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from dashboard_server import job_of, message, request, session_cookie

from defection import api
from defection.dashboard import jobs
from defection.dashboard.jobs import (MAX_ACTIVE_JOBS, MAX_JOB_BYTES, MAX_KEPT_BYTES, MAX_TOTAL_BYTES,
                                      JobManager, JobRefused)
from defection.dashboard.saved import SavedRuns
from defection.experiments.size import gib

# the issue's scenario: ten officers, one civilian agent per million people
TINY = {"force.n_officers": 10, "army.n_soldiers": 10, "run.scale": 1_000_000}


def spec(days: int, seeds: int, settings: int = 1, overrides: dict | None = None) -> dict:
    return {"name": "myanmar-2021", "toml": None, "filename": None, "days": days, "seeds": list(range(seeds)),
            "settings": [{"label": "run" if settings == 1 else "AB"[k], "overrides": dict(overrides or TINY)}
                         for k in range(settings)]}


def wait(manager: JobManager, job: int, owner: str, timeout: float = 240) -> str:
    deadline = time.monotonic() + timeout
    while (state := manager.status(job, owner)["state"]) in ("queued", "running"):
        assert time.monotonic() < deadline, f"job {job} still {state}"
        time.sleep(0.1)
    return state


def rss(pid: int) -> int:
    value = jobs.rss_bytes(pid)
    assert value is not None
    return value


# ---------------------------------------------------------------------------------------- the estimate


def test_the_estimate_grows_with_days_seeds_and_settings_and_states_both_parts():
    small = jobs.check_limits(spec(100, 2))
    assert small.worker > 0 and small.kept > 0 and small.total == small.worker + 2 * small.kept
    assert jobs.check_limits(spec(200, 2)).kept > 1.9 * small.kept
    assert jobs.check_limits(spec(100, 4)).kept > 1.9 * small.kept
    # the issue's job (50 seeds x 3,650 days) fits one job's limit, but not four of them together
    issue = jobs.check_limits(spec(3650, 50))
    assert issue.total < MAX_JOB_BYTES < 4 * issue.total and 3 * issue.total > MAX_TOTAL_BYTES - issue.total


def test_a_job_over_the_per_job_limit_is_refused_stating_it(monkeypatch):
    need = jobs.check_limits(spec(3650, 50))
    monkeypatch.setattr(jobs, "MAX_JOB_BYTES", need.total - 1)
    with pytest.raises(JobRefused) as refused:
        jobs.check_limits(spec(3650, 50))
    text = str(refused.value)
    assert f"at most {gib(need.total - 1)}" in text and "in the worker" in text and "\n" not in text


def test_a_job_over_the_memory_available_is_refused(monkeypatch):
    monkeypatch.setattr("defection.experiments.size.memory_available", lambda: 10 * 2**20)
    with pytest.raises(JobRefused, match="available now"):
        jobs.check_limits(spec(3650, 20))


def test_the_map_keeps_the_days_it_draws():
    from defection.dashboard.regions_map import METRICS, STEP_DAYS, sampled_days

    assert jobs.MAP_COLUMNS == tuple(METRICS) and jobs.MAP_STEP_DAYS == STEP_DAYS
    for days in (1, 2, 7, 8, 30, 731, 3650):
        assert jobs.map_days(days) == sampled_days(days)


# ---------------------------------------------------------------------------------------- jobs in a row


@pytest.fixture(scope="module")
def ran():
    """Five tiny jobs in a row through one manager whose kept results are capped at 200 kB: the kept bytes
    and the worker's resident memory after each."""
    manager = JobManager(kept_bytes=200_000)
    try:
        manager.warm()
        kept, resident, results, needs = [], [], [], []
        for k in range(5):
            job_spec = spec(120, 3)
            needs.append(jobs.check_limits(job_spec))
            job = manager.submit(job_spec, owner=f"s{k}/tab", session=f"s{k}")
            assert wait(manager, job, f"s{k}/tab") == "done"
            results.append(manager.result(job, f"s{k}/tab"))
            kept.append(manager.kept_bytes())
            resident.append(rss(manager.worker_pids()[0]) if manager.worker_pids() else None)
        yield {"manager": manager, "kept": kept, "rss": resident, "results": results, "needs": needs}
    finally:
        manager.shutdown()


def test_a_results_kept_bytes_are_within_its_estimate(ran):
    first = ran["manager"].result(1, "s0/tab")  # None once forgotten
    # the newest result is whole: compare it with its estimate
    newest, need = ran["results"][-1], ran["needs"][-1]
    assert newest is not None and newest["tables"]["run"], "the newest job's tables were dropped"
    size = jobs.held_bytes(newest)
    assert need.kept / 10 < size <= need.kept, (size, need.kept)
    assert first is None or jobs.held_bytes(first) <= size  # older results lose their tables first


def test_kept_results_stay_under_their_budget(ran):
    one = jobs.held_bytes(ran["results"][-1])
    assert one < 200_000 < 5 * one, one  # the budget holds some jobs, not all five
    assert all(k <= 200_000 + one for k in ran["kept"]), ran["kept"]
    assert ran["kept"][-1] <= 200_000 or len([r for r in ran["results"] if r]) == 1


def test_the_worker_does_not_grow_job_after_job(ran):
    resident = [r for r in ran["rss"] if r is not None]
    assert len(resident) >= 3, ran["rss"]
    assert max(resident[1:]) <= resident[0] + 150 * 2**20, [gib(r) for r in resident]


def test_a_large_job_is_followed_by_a_fresh_worker():
    manager = JobManager(recycle_above=0)  # every job is large
    try:
        manager.warm()
        first = manager.submit(spec(20, 1), owner="a/t", session="a")
        assert wait(manager, first, "a/t") == "done"
        before = manager.recycled
        assert before == 1
        second = manager.submit(spec(20, 1), owner="a/t", session="a")
        assert wait(manager, second, "a/t") == "done" and manager.result(second, "a/t") is not None
        assert manager.recycled == 2
    finally:
        manager.shutdown()


def test_the_jobs_queued_together_are_bounded_by_their_memory():
    manager = JobManager(total_bytes=jobs.check_limits(spec(3650, 50)).total * 2 + 1, max_active=10)
    try:
        queued = [manager.submit(spec(3650, 50), owner=f"s{k}/t", session=f"s{k}") for k in range(2)]
        with pytest.raises(JobRefused, match="jobs queued or running need"):
            manager.submit(spec(3650, 50), owner="s9/t", session="s9")
        for k, job in enumerate(queued):
            manager.cancel(job, f"s{k}/t")
    finally:
        manager.shutdown()


# ---------------------------------------------------------------------------------------- through the server


def test_slots_belong_to_the_browser_session_not_to_tab_ids(served):
    dash = served["dash"]
    long = {"run__days": 700, "seeds": 20}
    cookie = dash.cookies["mine-1"] = session_cookie(served["port"])
    first = job_of(dash.start("mine-1", cookie=cookie, **long))
    assert first is not None
    try:
        for k in range(2, MAX_ACTIVE_JOBS + 2):  # new tab ids from the same browser get nothing
            response = dash.start(f"mine-{k}", cookie=cookie, run__days=5, seeds=1)
            assert job_of(response) is None and f"job #{first}" in message(response), message(response)
        # a request without the server's cookie, or with a forged one, starts no job
        for forged in ("", "defection_session=abc.def", cookie + "0"):
            response = dash.start("forged", cookie=forged, run__days=5, seeds=1)
            assert job_of(response) is None and "Reload the page" in message(response), message(response)
        # another browser still can
        other = job_of(dash.start("theirs", run__days=5, seeds=1))
        assert other is not None
        dash.cancel("theirs", other)
    finally:
        dash.cancel("mine-1", first)
        dash.wait_for("mine-1", first, ("Cancelled", "Finished", "Failed"))


MALFORMED = [b"{", b"[]", b"{}", b'{"output": "x"}', b'{"output": "run-message.children", "outputs": 3}',
             json.dumps({"output": "job-store.data", "outputs": [], "inputs": [], "state": [],
                         "changedPropIds": []}).encode()]


@pytest.mark.parametrize("body", MALFORMED, ids=range(len(MALFORMED)))
def test_a_malformed_callback_gets_400_and_one_line(served, body):
    status, text = request(served["port"], "POST", "/_dash-update-component", body)
    assert status == 400, (status, text[:300])
    assert text.count("\n") <= 1 and len(text) < 300 and "Traceback" not in text, text
    log = served["log"].read_text(errors="replace")
    assert "Traceback" not in log, log[-2000:]


def test_a_broken_saved_run_is_named_in_one_line(tmp_path):
    runs = tmp_path / "runs"
    runs.mkdir()
    api.run(seed=1, days=5, overrides={"run.scale": 5000, "force.n_officers": 1500,
                                       "army.n_soldiers": 2500}).save(runs / "good", plot=False)
    for name, damage in (("bad-parquet", ("timeseries.parquet", b"not parquet")),
                         ("bad-summary", ("summary.json", b"{")), ("list-manifest", ("manifest.json", b"[1]"))):
        (runs / name).mkdir()
        for file in ("timeseries.parquet", "summary.json", "manifest.json"):
            (runs / name / file).write_bytes((runs / "good" / file).read_bytes())
        (runs / name / damage[0]).write_bytes(damage[1])
        with pytest.raises(jobs.DefectionError) as refused:
            SavedRuns(runs).load(name)
        assert damage[0] in str(refused.value) and "\n" not in str(refused.value)


def test_the_limits_are_in_the_docs():
    doc = (Path(__file__).resolve().parents[1] / "docs" / "dashboard.md").read_text(encoding="utf-8")
    for limit in (MAX_JOB_BYTES, MAX_TOTAL_BYTES, MAX_KEPT_BYTES):
        assert gib(limit) in doc, gib(limit)
