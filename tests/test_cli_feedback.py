"""Feedback on long work (issue 27, item 4): optimize counts evaluations of a search whose size is known in
advance and estimates the time left from them; calibrate keeps pyabc's log in calibrate.log and says what it
does after the last generation; the compile notice reaches a log too; a forecast ends on the scenario's horizon.

The optimiser's tests use the toy evaluator; the calibration is tiny (one generation of 4 particles)."""
from __future__ import annotations

import datetime as dt
import io
import json
import logging
import os
import shutil
import subprocess
import sys

import numba
import pyarrow.parquet as pq
import pytest
from rich.console import Console
from rich.progress import Progress

from common import run_cli
from defection import cli
from defection.experiments import optimize as opt
from defection.scenarios.schema import Scenario

TINY = ["run.scale=5000", "force.n_officers=1500", "army.n_soldiers=2500"]


def toy_problem(**kw):
    options = dict(objectives=["capacity_drop"], draws=4, min_draws=2, candidates=8, population=4, seed=1,
                   evaluator=opt.ToyEvaluator())
    return opt.plan_optimize(Scenario(), "5e7", **(options | kw))


# ------------------------------------------------------------------ optimize: evaluations and the time left
def test_a_search_knows_its_evaluations_in_advance():
    # rungs of 2 and 4 draws: 4 candidates on 2 draws, the better 2 on 2 more; the status quo on all 4
    assert toy_problem().rungs == [2, 4]
    assert toy_problem().n_evaluations == 4 + 2 * (4 * 2 + 2 * 2)
    # the docs' example: 20 candidates on 4 draws, 10 on 8, 5 on 16 = 160 runs a generation, and 16 for the status quo
    big = toy_problem(draws=16, min_draws=4, population=20, candidates=40)
    assert big.evaluations_per_generation == 160 and big.n_evaluations == 16 + 2 * 160
    assert toy_problem(min_draws=4).n_evaluations == 4 + 2 * 4 * 4  # no halving: every candidate on every draw


def test_optimize_reports_progress_after_every_evaluation(tmp_path):
    problem, calls = toy_problem(), []
    opt.optimize(problem, tmp_path / "out", workers=0, progress=lambda done, total: calls.append((done, total)))
    total = 4 + 2 * (4 * 2 + 2 * 2)  # the status quo on 4 draws, then 2 generations of 4 candidates (see above)
    assert calls[0] == (0, total), "the first call says where the search starts, before any run"
    assert calls[-1] == (total, total)
    assert {t for _, t in calls} == {total}
    steps = [b - a for (a, _), (b, _) in zip(calls, calls[1:])]
    assert all(step in (0, 1) for step in steps), steps  # one evaluation at a time, never a generation at once
    assert steps.count(1) == total


def test_a_model_batch_tells_of_each_candidate_including_one_that_cannot_be_built():
    problem = opt.plan_optimize("myanmar-2021", "1e8", draws=1, candidates=4, population=4,
                                overrides=TINY + ["run.days=20"])
    sq = opt.status_quo_overrides(problem.base)
    told: list[int] = []
    results = opt.evaluate_draw(opt.ModelEvaluator(), problem.base, problem.draws[0], sq,
                                [sq, {"run.days": -5}, sq], problem.seeds[0], told.append)
    assert "outcome" in results[0] and "error" in results[1] and "outcome" in results[2]
    assert told == [1, 1, 1]


def eta_bar(clock: list[float]) -> Progress:
    return Progress(*cli.evaluations_bar().columns, get_time=lambda: clock[0], console=Console(file=io.StringIO()))


def test_the_time_left_comes_from_the_evaluations_run_so_far():
    clock = [0.0]
    bar = eta_bar(clock)
    task = bar.add_task("optimize", total=110, start=False, resumed=0)
    update = cli._evaluations_progress(bar, task)
    column = bar.columns[-1]
    update(10, 110)  # a resumed search found 10 done: they took no time now, so they set no pace
    assert column.render(bar.tasks[0]).plain == "-:--:--"
    clock[0] = 100.0
    update(20, 110)  # 10 run in 100 s: the 90 left take 900 s
    assert column.render(bar.tasks[0]).plain == "0:15:00"
    clock[0] = 400.0  # slower than that since: the estimate follows the mean of every run, not the last batch
    update(30, 110)
    assert column.render(bar.tasks[0]).plain == str(dt.timedelta(seconds=round(400 * 80 / 20)))


def test_the_optimize_command_counts_evaluations(tmp_path, monkeypatch, capsys):
    bars: list[Progress] = []
    real_plan = opt.plan_optimize
    monkeypatch.setattr(opt, "plan_optimize", lambda *a, **kw: real_plan(*a, **kw | {"evaluator": opt.ToyEvaluator()}))
    monkeypatch.setattr(cli, "evaluations_bar", lambda real=cli.evaluations_bar: bars.append(real()) or bars[-1])
    code, text = run_cli(["optimize", "--budget-kyat-month", "5e7", "--out", str(tmp_path / "o"), "--objective",
                          "capacity_drop", "--draws", "4", "--min-draws", "2", "--population", "4", "--candidates",
                          "8", "--workers", "0"], monkeypatch, capsys)
    assert code == 0, text
    [task] = bars[0].tasks
    assert task.total == task.completed == toy_problem().n_evaluations == 28
    assert "evaluations" in [getattr(c, "text_format", "") for c in bars[0].columns]


# ------------------------------------------------------------------ the compile notice
def test_the_compile_notice_is_one_plain_line_on_stderr_when_not_a_terminal(monkeypatch, capsys):
    monkeypatch.setattr(cli, "console", Console(stderr=True, force_terminal=False))  # as in a log or a CI job
    bar = cli._run_progress_bar()
    task = bar.add_task("myanmar-2021 seed 0", total=3, rate="")
    with cli._CompileNotice(bar, task):
        numba.njit(lambda x: x + 11)(1)
        numba.njit(lambda x: x * 13)(1)  # a second kernel: still one line
    err = capsys.readouterr().err
    assert err == "defection: compiling (once, about 40 s)\n", repr(err)
    assert bar.tasks[0].description == "myanmar-2021 seed 0"  # no bar is drawn to change


# ------------------------------------------------------------------ calibrate and forecast
@pytest.fixture(scope="module")
def calibration(tmp_path_factory):
    """A one-generation calibration by the CLI in a fresh process (pyabc sets up its logging when first imported,
    as for a user), with its stderr."""
    out = tmp_path_factory.mktemp("cal") / "cal"
    args = ["calibrate", "--population", "4", "--generations", "1", "--workers", "1", "--out", str(out),
            "--fit", "crackdown.deaths_per_1000_active=0.0003:0.004", *sum((["--set", s] for s in TINY), [])]
    done = subprocess.run([sys.executable, "-m", "defection.cli", *args], capture_output=True, text=True,
                          timeout=600, env=os.environ | {"PYTHONPATH": os.pathsep.join(sys.path)})
    assert done.returncode == 0, done.stderr
    return out, done.stderr


def test_calibrate_writes_pyabcs_log_to_a_file_not_the_terminal(calibration):
    out, stderr = calibration
    assert "ABC" not in stderr, stderr
    log = (out / "calibrate.log").read_text(encoding="utf-8")
    assert "ABC INFO: t: 0, eps" in log and "ABC.History INFO" in log


def test_the_log_goes_back_to_pyabcs_own_handlers_afterwards(tmp_path):
    import pyabc  # noqa: F401 - its import sets up the handlers to be restored

    from defection.experiments import calibration as cal

    logger = logging.getLogger("ABC")
    before = (logger.handlers[:], logger.level, logger.propagate)
    with cal.pyabc_log_to(tmp_path / "x.log"):
        assert [type(h) for h in logger.handlers] == [logging.FileHandler] and not logger.propagate
        logging.getLogger("ABC.Sampler").info("into the file")
    assert (logger.handlers, logger.level, logger.propagate) == before
    assert "ABC.Sampler INFO: into the file" in (tmp_path / "x.log").read_text(encoding="utf-8")


def test_calibrate_says_what_it_does_after_the_last_generation(calibration, tmp_path):
    from defection.experiments import calibration as cal

    out = tmp_path / "cal"
    shutil.copytree(calibration[0], out)  # finish() writes the results again: on a copy
    sc, fits, _, obs, seed = cal.read_calibration(out)
    told: list[tuple] = []
    cal.finish(out, sc, fits, obs, seed, predictive_draws=3, finishing=lambda *step: told.append(step))
    assert told == [("writing the posterior summary", 0, None),
                    *[("simulating posterior draws for the fit figure", k, 3) for k in range(4)],
                    ("drawing the figures", 0, None)]


def test_calibrates_bar_shows_the_step_after_the_last_generation():
    bar = cli.calibration_bar()
    bar.add_task("ABC-SMC eps=0.5", total=2, completed=2, count="2/2 generations")
    say = cli._finishing_progress(bar)
    say("writing the posterior summary", 0, None)
    say("simulating posterior draws for the fit figure", 12, 40)
    [_, step] = bar.tasks  # one line for all the steps, below the generations
    assert step.description == "simulating posterior draws for the fit figure…"
    assert (step.completed, step.total, step.fields["count"]) == (12, 40, "12/40 draws")


def test_forecast_ends_on_the_scenarios_horizon_by_default(calibration, tmp_path, monkeypatch, capsys):
    out, _ = calibration
    scenario = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["scenario"]
    last = dt.date.fromisoformat(scenario["run"]["start"]) + dt.timedelta(days=scenario["run"]["days"] - 1)
    assert last == dt.date(2023, 1, 31)  # the README's and the docs' example ends there too
    code, text = run_cli(["forecast", str(out), "--draws", "2", "--out", str(tmp_path / "f")], monkeypatch, capsys)
    assert code == 0, text
    dates = pq.read_table(tmp_path / "f" / "forecast.parquet").column("date").to_pylist()
    assert max(dates) == last and min(dates) == dt.date(2021, 2, 1)
