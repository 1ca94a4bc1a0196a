"""A job's size is said before it starts, and an absurd one is refused (issue 28, item 5).

``compare``, ``sweep``, ``forecast``, ``optimize`` and ``calibrate`` print their runs, an estimated time and the
memory before any work, through one estimate (:func:`defection.experiments.size.estimate_job`). More than 100,000
runs is refused unless ``--yes`` confirms it; more memory than the machine has is refused, ``--yes`` or not. The
huge jobs are never run here: a refusal comes before anything is allocated, and past the gate the next step is
replaced by one that stops the command.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest
from common import run_cli

from defection import cli
from defection.errors import DefectionError
from defection.experiments import size

TINY = ["--set", "run.scale=10000", "--set", "force.n_officers=200", "--set", "army.n_soldiers=300"]


@pytest.fixture(scope="module")
def calibration(tmp_path_factory) -> Path:
    """A finished tiny calibration (what `forecast` reads), made by the command line."""
    out = tmp_path_factory.mktemp("cal") / "cal"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(sys, "argv", ["defection", "calibrate", "--fit", "decision.w_ties", "--population", "2",
                                 "--generations", "1", "--workers", "1", *TINY, "--out", str(out)])
        with pytest.raises(SystemExit) as exc:
            cli.main()
    assert not exc.value.code
    return out


def absurd(calibration: Path) -> dict[str, tuple[list[str], str]]:
    """Each command with an extra zero or three (the issue's examples), and the run count it must name."""
    return {
        "compare": (["compare", "--policy", "p:support.outreach=0.5", "--replicates", "10000000"], "20,000,000 runs"),
        "sweep": (["sweep", "--vary", "support.outreach", "--samples", "500000"], "500,000 runs"),
        "forecast": (["forecast", str(calibration), "--draws", "100000000"], "100,000,000 runs"),
        "optimize": (["optimize", "--budget-kyat-month", "1e8", "--candidates", "1000000000"], "8,000,000,016 runs"),
        "calibrate": (["calibrate", "--population", "1000000"], "12,500,040 runs"),
    }


@pytest.mark.parametrize("command", ["compare", "sweep", "forecast", "optimize", "calibrate"])
def test_an_absurd_size_is_refused_at_once_naming_the_size_and_yes(command, calibration, in_tmp, monkeypatch,
                                                                    capsys):
    args, runs = absurd(calibration)[command]
    started = time.perf_counter()
    code, text = run_cli([*args, "--out", "o"], monkeypatch, capsys)
    assert code == 2 and text.startswith("error:") and "Traceback" not in text, text
    assert f"{command} size: {runs}" in text and "--yes" in text and "the runs take about" in text, text
    assert "memory about" in text, text
    assert not (in_tmp / "o").exists()
    assert time.perf_counter() - started < 60  # refused before the work: a started job would take years


class Reached(DefectionError):
    """Raised in place of the first step after the gate: the command got past it."""


def _reached(*_args, **_kwargs):
    raise Reached("past the size gate")


@pytest.mark.parametrize("command", ["compare", "sweep", "forecast", "optimize", "calibrate"])
def test_yes_lifts_the_run_count_limit(command, calibration, in_tmp, monkeypatch, capsys):
    """Each command with more than 100,000 runs (and memory to spare) passes the gate with --yes, and not without;
    past the gate, its next step is replaced, so that the job is never run."""
    from defection.experiments import calibration as cal, compare, design, optimize

    monkeypatch.setattr(size, "memory_available", lambda: 2**50)  # memory is not what this test is about
    args = {
        "compare": ["compare", "--policy", "p:support.outreach=0.5", "--replicates", "200000", "--workers", "0"],
        "sweep": ["sweep", "--vary", "support.outreach", "--samples", "200000", "--workers", "0"],
        "forecast": ["forecast", str(calibration), "--draws", "200000", "--until", "2021-02-05"],
        "optimize": ["optimize", "--budget-kyat-month", "1e8", "--candidates", "200000", "--workers", "0"],
        "calibrate": ["calibrate", "--population", "100000", "--workers", "1"],
    }[command]
    monkeypatch.setattr(*{"compare": (compare, "execute"), "sweep": (design, "sample"),
                          "forecast": (cal, "draw_particles"), "optimize": (optimize, "uncertain_draws"),
                          "calibrate": (cal, "existing_results")}[command], _reached)
    code, text = run_cli([*args, "--out", "o"], monkeypatch, capsys)
    assert code == 2 and "--yes" in text and "past the size gate" not in text, text
    code, text = run_cli([*args, "--out", "o", "--yes"], monkeypatch, capsys)
    assert code == 2 and "past the size gate" in text, text
    assert f"{command} size: " in text and "runs take about" in text, text


def test_a_normal_size_runs_and_says_its_size_first(in_tmp, monkeypatch, capsys):
    code, text = run_cli(["compare", "--policy", "p:support.outreach=0.5", "--replicates", "2", "--days", "2",
                          "--workers", "0", *TINY, "--out", "c"], monkeypatch, capsys)
    assert code == 0, text
    said = text.index("compare size: 4 runs (2 policies x 2 paired seeds), each 2 days of 5,641 agents; the runs "
                      "take about")
    assert said < text.index("compare: 4 of 4 runs succeeded") and "in this process; memory about" in text, text
    code, text = run_cli(["sweep", "--model", "ishigami", "--vary", "x1", "--samples", "4", "--workers", "0",
                          "--out", "s"], monkeypatch, capsys)
    assert code == 0 and "sweep size: 4 runs (4 points of the lhs design x 1 seed); the runs take about" in text


def test_forecast_and_calibrate_say_their_size(calibration, in_tmp, monkeypatch, capsys):
    code, text = run_cli(["forecast", str(calibration), "--draws", "2", "--until", "2021-02-05", "--out", "f"],
                         monkeypatch, capsys)
    assert code == 0 and "forecast size: 2 runs (2 posterior draws, one run each), each 5 days of" in text, text
    log = []
    gate = size.SizeGate(workers=0, say=log.append)
    from defection.experiments.calibration import calibrate

    monkeypatch.setattr("defection.experiments.calibration.existing_results", _reached)
    with pytest.raises(Reached):
        calibrate("myanmar-2021", "myanmar-2021-early", ["decision.w_ties"], 10, 3, Path("cal"), gate=gate)
    assert log[0].startswith("calibrate size: 115 runs (10 particles x 3 generations, about 2.5 simulations a "
                             "particle, and 40 for the fit figure)"), log


def tiny_work(runs: int, **kw) -> size.Work:
    return size.Work("sweep", runs, "a design", officers=500, civilians=5_141, days=730, knob="--samples", **kw)


def test_one_estimate_for_time_and_memory():
    one = size.estimate_job(tiny_work(1), workers=0)
    assert 0.3 < one.seconds < 1.0  # measured: 0.54 s for this run on the development machine
    hundred = size.estimate_job(tiny_work(100), workers=0)
    assert hundred.seconds == pytest.approx(100 * one.seconds)
    assert size.estimate_job(tiny_work(100), workers=4).seconds == pytest.approx(25 * one.seconds)
    # memory: this process (the interpreter and what it keeps per run), plus each worker process with its agents
    from defection.api import BYTES_BASE, BYTES_PER_CIVILIAN_AGENT, BYTES_PER_OFFICER

    agents = 500 * BYTES_PER_OFFICER + 5_141 * BYTES_PER_CIVILIAN_AGENT
    assert hundred.memory == BYTES_BASE + 100 * size.HELD_PER_EXPERIMENT_RUN + agents
    assert size.estimate_job(tiny_work(100), workers=4).memory == \
        BYTES_BASE + 100 * size.HELD_PER_EXPERIMENT_RUN + 4 * (BYTES_BASE + agents)
    on_cluster = size.estimate_job(tiny_work(100), scheduler="tcp://127.0.0.1:8786")
    assert on_cluster.processes is None and "Dask cluster" in on_cluster.sentence()
    assert size.estimate_job(tiny_work(100, parallel=False), workers=8).processes == 1
    from defection.api import resolve

    default = size.estimate_job(size.work_of("compare", 40, "x", resolve("myanmar-2021"), knob="--replicates"),
                                workers=0)
    assert 30 < default.seconds < 120  # 40 runs of the default, about 1.5 s each


def test_the_gate_refuses_over_100000_runs_unless_confirmed_and_memory_always(monkeypatch):
    monkeypatch.setattr(size, "memory_available", lambda: 64 * 2**30)
    said: list[str] = []
    size.SizeGate(workers=0, say=said.append)(tiny_work(size.MAX_RUNS))  # the limit itself is allowed
    assert said and said[0].startswith("sweep size: 100,000 runs (a design), each 730 days of 5,641 agents")
    with pytest.raises(size.JobTooLarge, match=r"100,001 runs.*--yes"):
        size.SizeGate(workers=0)(tiny_work(size.MAX_RUNS + 1))
    confirmed = size.SizeGate(workers=0, confirmed=True)(tiny_work(10 * size.MAX_RUNS))
    assert confirmed.work.runs == 1_000_000
    monkeypatch.setattr(size, "memory_available", lambda: 2**30)  # 1 GiB left: 4 workers of 256 MiB and more don't fit
    with pytest.raises(size.JobTooLarge, match=r"more than the 1.0 GiB this machine has available.*--workers.*"
                                                r"--yes does not lift"):
        size.SizeGate(workers=4, confirmed=True)(tiny_work(10))


def test_a_sweep_is_sized_by_its_largest_run():
    from defection.experiments.sweep import plan_sweep

    seen: list[size.Work] = []
    plan_sweep("myanmar-2021", ["run.scale=100:10000", "run.days=10:40"], samples=4,
               overrides=["force.n_officers=200", "army.n_soldiers=300"], gate=seen.append)
    [work] = seen
    assert (work.runs, work.days, work.officers) == (4, 40, 500)
    assert work.civilians > 500_000  # one agent per 100 people, the lower end of run.scale


def test_the_machines_memory_is_read():
    free = size.memory_available()
    assert free is None or 0 < free
    assert size.gib(3 * 2**30) == "3.0 GiB" and size.gib(300 * 2**20) == "300 MiB"
    assert [size.duration(s) for s in (40, 720, 5 * 3600, 20 * 86400, 10 * 365.25 * 86400)] == \
        ["40 s", "12 min", "5.0 h", "20 days", "10 years"]
