"""Every file the tool reads back comes in through one door (issue 28, items 3, 4 and the seeds of 5).

For each way a results directory can be damaged (a manifest that is a list, not JSON, without its
``problem`` or ``fits``, with an unknown field; a posterior that is not Parquet, lacks ``weight`` or
weighs nothing; a ``job.json`` that is a list; a FIFO or a directory where a file belongs), the
command that reads it exits 2 with one paragraph naming the file, and leaves the directory byte for
byte as it was. Observations are checked like scenarios, and every ``--seed`` like ``run``'s.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
import stat
from pathlib import Path

import pyarrow as pa
import pytest
from common import assert_one_paragraph, run_cli_raw

from defection import api
from defection.engine.outputs import write_json, write_parquet
from defection.errors import ReadBackError
from defection.experiments import calibration as cal
from defection.experiments.sweep import sweep

SMALL = ["run.scale=5000", "force.n_officers=1500", "army.n_soldiers=2500"]
SETS = [arg for item in SMALL for arg in ("--set", item)]
FIT = {"key": "crackdown.deaths_per_1000_active", "lo": 0.0003, "hi": 0.004, "integer": False}


def snapshot(root: Path) -> dict[str, object]:
    """Every path under ``root`` (links not followed, FIFOs not opened) with its bytes or what it is."""
    seen: dict[str, object] = {}
    for path in sorted([root, *root.rglob("*")]):
        mode = os.lstat(path).st_mode
        key = str(path.relative_to(root))
        seen[key] = path.read_bytes() if stat.S_ISREG(mode) else stat.S_IFMT(mode)
    return seen


class Hung(BaseException):
    """Raised by the alarm: a BaseException, so that no handler of the CLI turns it into an exit code."""


@pytest.fixture
def guard():
    """Fail, rather than hang, if a command opens a FIFO and waits for a writer."""
    def hung(*_):
        raise Hung("the command opened a FIFO and waited for a writer")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(60)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def refused(args, directory: Path, monkeypatch, capsys, *words: str) -> str:
    """Run ``defection ARGS``: exit 2, one paragraph holding ``words``, and ``directory`` left as it was."""
    before = snapshot(directory)
    code, text = run_cli_raw(args, monkeypatch, capsys)
    assert_one_paragraph(code, text, *words)
    assert snapshot(directory) == before
    return " ".join(text.split())


# --- the results directories, made as cheaply as their commands allow -----------------------------------------------

@pytest.fixture(scope="module")
def sobol_sweep(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sweep") / "sobol"
    sweep(None, ["x1", "x2", "x3"], out=out, design="sobol", samples=8, seed=1, model="ishigami", workers=0)
    return out


@pytest.fixture(scope="module")
def lhs_sweep(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sweep") / "lhs"
    sweep(None, ["x1", "x2", "x3"], out=out, design="lhs", samples=64, seed=1, model="ishigami", workers=0)
    return out


@pytest.fixture(scope="module")
def finished_calibration(tmp_path_factory) -> Path:
    """The files a finished calibration holds that `forecast` and `optimize --posterior` read (no ABC-SMC run)."""
    out = tmp_path_factory.mktemp("cal") / "cal"
    out.mkdir()
    sc = api.resolve("myanmar-2021", SMALL)
    obs = {"series": "civilians_killed", "date": "2021-03-15", "day": 42, "value": 183.0, "lower_bound": False}
    write_json(out / "manifest.json", {"kind": "calibration", "package": "defection", "seed": 0,
                                       "scenario": sc.model_dump(mode="json"), "fits": [FIT], "observations": [obs]})
    write_parquet(out / "posterior.parquet", pa.table({FIT["key"]: [0.001, 0.002, 0.003], "weight": [0.2, 0.3, 0.5]}))
    return out


@pytest.fixture(scope="module")
def saved_run(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("run") / "run"
    api.run("myanmar-2021", days=3, overrides=SMALL).save(out)
    return out


def copy_of(source: Path, tmp_path: Path) -> Path:
    target = tmp_path / source.name
    shutil.copytree(source, target)
    return target


def test_the_untouched_directories_read_back(sobol_sweep, lhs_sweep, finished_calibration, saved_run, tmp_path,
                                            monkeypatch, capsys):
    """The control: each command reads what its writer wrote (a copy, so the fixtures stay unchanged)."""
    sobol = copy_of(sobol_sweep, tmp_path)
    code, text = run_cli_raw(["sensitivity", str(sobol), "--output", "y"], monkeypatch, capsys)
    assert code == 0 and (sobol / "sensitivity.json").is_file(), text
    lhs = copy_of(lhs_sweep, tmp_path)
    code, text = run_cli_raw(["discover", str(lhs), "--outcome", "y", "--above", "5"], monkeypatch, capsys)
    assert code == 0 or "PRIM found no box" in text, text  # read back: what PRIM finds is another matter
    code, text = run_cli_raw(["forecast", str(finished_calibration), "--draws", "2", "--until", "2021-02-04",
                              "--out", str(tmp_path / "fc")], monkeypatch, capsys)
    assert code == 0 and (tmp_path / "fc" / "forecast.parquet").is_file(), text
    code, text = run_cli_raw(["report", str(saved_run), "--out", str(tmp_path / "r.html")], monkeypatch, capsys)
    assert code == 0, text


# --- manifests ----------------------------------------------------------------------------------------------------

def _edit(path: Path, change) -> None:
    record = json.loads(path.read_text())
    change(record)
    path.write_text(json.dumps(record))


def _drop_problem(record):
    del record["spec"]["problem"]


def _unknown_fit_field(record):
    record["fits"][0]["step"] = 0.1


def _drop_fits(record):
    del record["fits"]


MANIFEST_DAMAGE = {
    "a list": (lambda p: p.write_text("[1, 2, 3]"), ["holds a JSON list"]),
    "not JSON": (lambda p: p.write_text('{"kind": "sweep", '), ["is not valid JSON"]),
    "a directory": (lambda p: (p.unlink(), p.mkdir()), ["is a directory where a regular file belongs", "not opened"]),
}


@pytest.mark.parametrize("damage", list(MANIFEST_DAMAGE))
@pytest.mark.parametrize("command", ["sensitivity", "discover"])
def test_a_damaged_sweep_manifest_is_named(command, damage, sobol_sweep, lhs_sweep, tmp_path, monkeypatch, capsys):
    directory = copy_of(sobol_sweep if command == "sensitivity" else lhs_sweep, tmp_path)
    change, words = MANIFEST_DAMAGE[damage]
    change(directory / "manifest.json")
    extra = ["--output", "y"] if command == "sensitivity" else ["--outcome", "y", "--above", "5"]
    refused([command, str(directory), *extra], directory, monkeypatch, capsys, "manifest.json", *words)


def test_a_sweep_manifest_without_its_problem_is_named(sobol_sweep, tmp_path, monkeypatch, capsys):
    directory = copy_of(sobol_sweep, tmp_path)
    _edit(directory / "manifest.json", _drop_problem)
    refused(["sensitivity", str(directory)], directory, monkeypatch, capsys, "manifest.json", "'spec.problem'",
            "is missing", "num_vars, names and bounds")


def test_a_sweep_manifest_with_a_wrong_type_is_named(lhs_sweep, tmp_path, monkeypatch, capsys):
    directory = copy_of(lhs_sweep, tmp_path)
    _edit(directory / "manifest.json", lambda r: r["spec"]["vary"][0].update(lo="low"))
    refused(["discover", str(directory), "--outcome", "y", "--above", "5"], directory, monkeypatch, capsys,
            "manifest.json", "'spec.vary[0].lo'", "'low'")


@pytest.mark.parametrize("damage, words", [
    (lambda p: p.write_text("[]"), ["holds a JSON list"]),
    (lambda p: p.write_text("not json"), ["is not valid JSON"]),
    (lambda p: _edit(p, _drop_fits), ["the field 'fits' is missing"]),
    (lambda p: _edit(p, _unknown_fit_field), ["'fits[0]'", "unknown field 'step'", "key, lo, hi, integer"]),
    (lambda p: _edit(p, lambda r: r.update(seed=-1)), ["'seed'", "from 0"]),
    (lambda p: _edit(p, lambda r: r.update(kind="forecast")), ["'forecast' result"]),
])
@pytest.mark.parametrize("command", ["forecast", "optimize"])
def test_a_damaged_calibration_manifest_is_named(command, damage, words, finished_calibration, tmp_path,
                                                 monkeypatch, capsys):
    directory = copy_of(finished_calibration, tmp_path)
    damage(directory / "manifest.json")
    args = (["forecast", str(directory), "--draws", "1", "--out", str(tmp_path / "o")] if command == "forecast" else
            ["optimize", "--budget-kyat-month", "2e7", "--posterior", str(directory), "--draws", "1",
             "--out", str(tmp_path / "o"), "--workers", "0", *SETS])
    refused(args, directory, monkeypatch, capsys, "manifest.json", *words)
    assert not (tmp_path / "o").exists()


# --- posteriors ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("damage, words", [
    (lambda p: p.write_bytes(b"PAR1 not really"), ["is not a Parquet table"]),
    (lambda p: write_parquet(p, pa.table({FIT["key"]: [0.001]})), ["the column 'weight' is missing"]),
    (lambda p: write_parquet(p, pa.table({FIT["key"]: [0.001, 0.002], "weight": [0.0, 0.0]})),
     ["'weight' is all zero", "at least one positive weight"]),
    (lambda p: write_parquet(p, pa.table({FIT["key"]: [0.001, 0.002], "weight": [0.5, -0.1]})),
     ["'weight', row 2", "0 or more"]),
    (lambda p: write_parquet(p, pa.table({FIT["key"]: ["a", "b"], "weight": [0.5, 0.5]})),
     [f"the column '{FIT['key']}' holds string values"]),
    (lambda p: write_parquet(p, pa.table({FIT["key"]: [0.001, float("nan")], "weight": [0.5, 0.5]})),
     [f"the column '{FIT['key']}', row 2"]),
    (lambda p: write_parquet(p, pa.table({FIT["key"]: [0.001, 7.0], "weight": [0.5, 0.5]})),
     ["outside the fitted range"]),
])
@pytest.mark.parametrize("command", ["forecast", "optimize"])
def test_a_damaged_posterior_is_named(command, damage, words, finished_calibration, tmp_path, monkeypatch, capsys):
    directory = copy_of(finished_calibration, tmp_path)
    damage(directory / "posterior.parquet")
    args = (["forecast", str(directory), "--draws", "1", "--out", str(tmp_path / "o")] if command == "forecast" else
            ["optimize", "--budget-kyat-month", "2e7", "--posterior", str(directory), "--draws", "1",
             "--out", str(tmp_path / "o"), "--workers", "0", *SETS])
    refused(args, directory, monkeypatch, capsys, "posterior.parquet", *words)


# --- job.json -----------------------------------------------------------------------------------------------------

CALIBRATE = ["calibrate", "--fit", "crackdown.deaths_per_1000_active", "--population", "2", "--generations", "1",
             "--workers", "1", *SETS]


@pytest.mark.parametrize("content, words", [
    ("[1, 2]", ["holds a JSON list"]),
    ("{", ["is not valid JSON"]),
    ('{"scenario": {}}', ["the field 'data' is missing"]),
])
def test_a_damaged_job_json_is_named_and_the_calibration_kept(content, words, tmp_path, monkeypatch, capsys):
    directory = tmp_path / "cal"
    directory.mkdir()
    (directory / "job.json").write_text(content)
    (directory / "history.db").write_bytes(b"SQLite format 3\x00" + bytes(100))
    refused([*CALIBRATE, "--out", str(directory)], directory, monkeypatch, capsys, "job.json", *words,
            "left as it is")


# --- FIFOs: refused, never opened -------------------------------------------------------------------------------------

def test_a_fifo_manifest_is_refused_without_hanging(sobol_sweep, finished_calibration, saved_run, tmp_path, guard,
                                                   monkeypatch, capsys):
    sweep_dir = copy_of(sobol_sweep, tmp_path)
    (sweep_dir / "manifest.json").unlink()
    os.mkfifo(sweep_dir / "manifest.json")
    refused(["sensitivity", str(sweep_dir)], sweep_dir, monkeypatch, capsys, "manifest.json", "FIFO", "not opened")
    cal_dir = copy_of(finished_calibration, tmp_path)
    (cal_dir / "posterior.parquet").unlink()
    os.mkfifo(cal_dir / "posterior.parquet")
    refused(["forecast", str(cal_dir), "--draws", "1", "--out", str(tmp_path / "o")], cal_dir, monkeypatch, capsys,
            "posterior.parquet", "FIFO")
    run_dir = copy_of(saved_run, tmp_path)
    (run_dir / "manifest.json").unlink()
    os.mkfifo(run_dir / "manifest.json")
    refused(["report", str(run_dir), "--out", str(tmp_path / "r.html")], run_dir, monkeypatch, capsys,
            "manifest.json", "FIFO")
    os.mkfifo(tmp_path / "data.csv")
    refused([*CALIBRATE, "--data", str(tmp_path / "data.csv"), "--out", str(tmp_path / "c")], tmp_path, monkeypatch,
            capsys, "data.csv", "FIFO")


def test_run_from_a_fifo_is_refused_without_hanging(tmp_path, guard, monkeypatch, capsys):
    os.mkfifo(tmp_path / "manifest.json")
    refused(["run", "--from", str(tmp_path / "manifest.json"), "--out", str(tmp_path / "o")], tmp_path, monkeypatch,
            capsys, "manifest.json", "FIFO")


# --- report ---------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("damage, words", [
    (lambda d: (d / "manifest.json").write_text("[1]"), ["manifest.json", "holds a JSON list"]),
    (lambda d: (d / "manifest.json").write_text("{oops"), ["manifest.json", "is not valid JSON"]),
    (lambda d: _edit(d / "manifest.json", lambda r: r.update(seed="abc")), ["manifest.json", "'seed'"]),
    (lambda d: _edit(d / "manifest.json", lambda r: r.update(scenario=[1])), ["manifest.json", "'scenario'"]),
    (lambda d: ((d / "timeseries.parquet").write_bytes(b"x"), (d / "summary.json").write_text("[")),
     ["holds no result that reads back", "timeseries.parquet and summary.json"]),
])
def test_a_report_on_a_directory_without_a_valid_result_exits_2(damage, words, saved_run, tmp_path, monkeypatch,
                                                                capsys):
    directory = copy_of(saved_run, tmp_path)
    damage(directory)
    refused(["report", str(directory), "--out", str(tmp_path / "r.html")], directory, monkeypatch, capsys, *words)
    assert not (tmp_path / "r.html").exists()


def test_a_report_on_a_directory_of_other_files_exits_2(tmp_path, monkeypatch, capsys):
    directory = tmp_path / "photos"
    directory.mkdir()
    (directory / "holiday.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    refused(["report", str(directory), "--out", str(tmp_path / "r.html")], directory, monkeypatch, capsys,
            "holds no result that reads back")


# --- observations ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("row, column, words", [
    ("2021-03-15,civilians_killed,many,point", "value", ["'many' is not a number"]),
    ("2021-13-15,civilians_killed,183,point", "date", ["'2021-13-15' is not a date", "YYYY-MM-DD"]),
    ("2021-03-15,civilians_killed,NaN,point", "value", ["(NaN)"]),
    ("2021-03-15,civilians_killed,inf,point", "value", ["is infinite"]),
    ("2021-03-15,civilians_killed,-infinity,point", "value", ["is infinite"]),
    ("2021-03-15,civilians_killed,-3,point", "value", ["-3 is negative"]),
    ("2021-03-15,civilians_killed,183,lowr", "bound", ["'lowr' is not a bound word", "did you mean 'lower'",
                                                      "point", "upper"]),
    ("2021-03-15,civilians_killed", "value", ["the row ends before it"]),
])
def test_a_bad_observation_is_named_by_row_and_column(row, column, words, in_tmp, monkeypatch, capsys):
    (in_tmp / "obs.csv").write_text("date,series,value,bound\n2021-03-01,civilians_killed,50,point\n" + row + "\n")
    refused([*CALIBRATE, "--data", "obs.csv", "--out", "o"], in_tmp, monkeypatch, capsys,
            "--data obs.csv, row 2 (line 3)", f"column '{column}'", *words)
    assert not (in_tmp / "o").exists()


def test_bound_words_point_lower_and_upper_are_read_and_upper_counts_an_excess_only(tmp_path):
    data = tmp_path / "obs.csv"
    data.write_text("date,series,value,bound\n2021-02-10,civilians_killed,10,upper\n"
                    "2021-02-11,civilians_killed,20,\n2021-02-12,civilians_killed,30,lower\n"
                    "2021-02-13,civilians_killed,40,Point\n")
    obs = cal.load_observations(str(data), dt.date(2021, 2, 1))
    assert [(o.value, o.lower_bound, o.upper_bound) for o in obs] == [
        (10.0, False, True), (20.0, False, False), (30.0, True, False), (40.0, False, False)]
    distance = cal.make_distance(obs[:1])
    stat_ = obs[0].stat
    assert distance({stat_: 5.0}, {stat_: 10.0}) == 0.0  # below the upper bound: nothing to pay
    assert distance({stat_: 20.0}, {stat_: 10.0}) > 0.0


def test_the_shipped_data_sets_are_checked_by_the_same_door():
    with pytest.raises(ReadBackError, match="data set context: the CSV lacks column"):
        cal.load_observations("context", dt.date(2021, 2, 1))


# --- seeds ----------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("args", [
    ["calibrate", "--seed", "-1", "--out", "o"],
    ["forecast", "cal", "--seed", "-1", "--out", "o"],
    ["sensitivity", "sweep", "--seed", "-1"],
    ["sweep", "--seed", "-1", "--out", "o"],
    ["compare", "--seed", "-1", "--out", "o"],
    ["optimize", "--budget-kyat-month", "2e7", "--seed", "-1", "--out", "o"],
    ["run", "--seed", "-1", "--out", "o"],
])
def test_a_negative_seed_is_refused_by_every_command(args, in_tmp, monkeypatch, capsys):
    code, text = run_cli_raw(args, monkeypatch, capsys)
    assert_one_paragraph(code, text, "--seed -1", "a seed is an integer from 0")
    assert not (in_tmp / "o").exists()
