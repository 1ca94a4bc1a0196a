"""A results directory is complete or absent: concurrent writers, kill -9 during the save, --force, Ctrl-C.

A complete run directory holds exactly the four files of one run (five with --record regions), and
its manifest and its data come from the same run: the seeds agree and re-running the manifest gives
the same timeseries, byte for byte.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from common import default_sigint

from defection import api
from defection.engine.outputs import results_dir
from defection.errors import OutputError

EXE = Path(sys.executable).with_name("defection")
RUN_FILES = {"manifest.json", "summary.json", "overview.png", "timeseries.parquet"}
DAYS = "5"


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(EXE), "run", *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def _seed_of_complete(d: Path, files: set[str] = RUN_FILES) -> int:
    """The seed of the one run a complete directory holds; fails on a missing, extra or mixed file."""
    assert {p.name for p in d.iterdir()} == files
    manifest = json.loads((d / "manifest.json").read_text(encoding="utf-8"))
    summary = json.loads((d / "summary.json").read_text(encoding="utf-8"))
    assert manifest["seed"] == summary["seed"]
    return manifest["seed"]


def _rerun_matches(d: Path, tmp: Path) -> bool:
    again = tmp / f"again-{d.name}"
    res = _run("--from", str(d / "manifest.json"), "--out", str(again), cwd=tmp)
    assert res.returncode == 0, res.stderr
    return (again / "timeseries.parquet").read_bytes() == (d / "timeseries.parquet").read_bytes()


def _leftovers(d: Path) -> list[str]:
    """Staging or set-aside siblings of ``d`` (the lock file may stay)."""
    return sorted(p.name for p in d.parent.iterdir() if p.name.startswith(f".{d.name}.") and not
                  p.name.endswith(".lock"))


def _why_the_kill_missed_the_save(returncode: int | None, d: Path) -> str | None:
    """None if a SIGKILL landed mid-save: the writer died of it and left a staging or set-aside sibling of ``d``,
    which only a writer killed inside ``results_dir`` does; otherwise why not (it checks the tests' own timing)."""
    if returncode != -signal.SIGKILL:
        return f"the writer exited with {returncode}, not by the SIGKILL: the kill came after the save"
    if not _leftovers(d):
        return "the writer left no staging directory: the SIGKILL came before the save began or after it ended"
    return None


@pytest.mark.parametrize("force", [False, True], ids=["plain", "force"])
def test_two_concurrent_runs_never_mix(tmp_path: Path, force: bool):
    out = tmp_path / "D"
    extra = ["--force"] if force else []
    procs = [subprocess.Popen([str(EXE), "run", "--days", DAYS, "--seed", str(seed), "--out", str(out), *extra],
                              cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for seed in (1, 2)]
    results = [(p.wait(timeout=300), p.stderr.read()) for p in procs]
    for p in procs:
        p.stdout.close(), p.stderr.close()
    ok = [rc == 0 for rc, _ in results]
    assert any(ok), results
    for rc, err in results:
        if rc != 0:  # refused: another writer holds the lock, or (it finished first) the directory is full
            assert rc == 2 and "Traceback" not in err, err
            assert "being written by another" in err or "not empty" in err, err
    if not force:
        assert ok.count(True) == 1  # never both "succeeded" into one directory
    seed = _seed_of_complete(out)
    assert seed in (1, 2)
    assert _rerun_matches(out, tmp_path)
    assert _leftovers(out) == []


# A stand-in for the CLI's save that kills itself with SIGKILL at one point of the save.
KILLER = r"""
import os, signal, sys
from pathlib import Path
from defection import api
from defection.engine.outputs import results_dir
from defection.errors import OutputError
from defection.engine import outputs

point, out = sys.argv[1], Path(sys.argv[2])
result = api.run("myanmar-2021", seed=2, days=3)

def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)

real_exchange, real_rename = outputs._exchange, os.rename
if point == "writing":          # after timeseries.parquet, before summary.json and the manifest
    outputs.write_json = die
elif point == "before-swap":    # every file written, nothing moved yet
    outputs._exchange = die
elif point == "after-swap":     # new directory in place, old one not yet deleted
    def exchange_then_die(a, b):
        assert real_exchange(a, b)
        die()
    outputs._exchange = exchange_then_die
elif point == "between-renames":  # a system without an atomic exchange: old moved aside, new not yet in
    outputs._exchange = lambda a, b: False
    def rename_once(src, dst):
        real_rename(src, dst)
        if ".old-" in str(dst):
            die()
    os.rename = rename_once
result.save(out, force=True)
if point == "after-save":       # too late: the save is over (the tests must see that this kill missed it)
    die()
"""


@pytest.fixture(scope="module")
def old_run(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("old") / "D"
    api.run("myanmar-2021", seed=1, days=3).save(out)
    return out


def _killed_at(point: str, out: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", KILLER, point, str(out)], cwd=out.parent, capture_output=True,
                          text=True, timeout=300)


@pytest.mark.parametrize("point,survivor", [("writing", 1), ("before-swap", 1), ("after-swap", 2),
                                            ("between-renames", 1)])
def test_kill_9_during_save_leaves_old_or_new_complete(tmp_path: Path, old_run: Path, point: str, survivor: int):
    out = tmp_path / "D"
    shutil.copytree(old_run, out)
    res = _killed_at(point, out)
    assert _why_the_kill_missed_the_save(res.returncode, out) is None, res.stderr
    if point == "between-renames":
        assert not out.exists()  # the only window without a target; the next writer puts the old one back
        with pytest.raises(OutputError, match="not empty"), results_dir(out):
            pass
    assert _seed_of_complete(out) == survivor
    # what the killed writer left does not confuse the next one, which clears it
    api.run("myanmar-2021", seed=3, days=3).save(out, force=True)
    assert _seed_of_complete(out) == 3 and _leftovers(out) == []


def test_kill_9_at_a_real_moment_of_the_save(tmp_path: Path, old_run: Path):
    """SIGKILL the CLI as soon as its staging directory holds a file: the save is under way."""
    out = tmp_path / "D"
    shutil.copytree(old_run, out)
    proc = subprocess.Popen([str(EXE), "run", "--days", DAYS, "--seed", "2", "--out", str(out), "--force"],
                            cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while proc.poll() is None and not any(tmp_path.glob(".D.tmp-*/*")):
        time.sleep(0.0005)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    assert _why_the_kill_missed_the_save(proc.returncode, out) is None
    assert _seed_of_complete(out) in (1, 2)


def test_a_kill_after_the_save_is_told_apart_from_one_during_it(tmp_path: Path, old_run: Path):
    """The check above fails a kill that came too late: one after the save, and a writer never killed."""
    out = tmp_path / "D"
    shutil.copytree(old_run, out)
    res = _killed_at("after-save", out)
    assert "after it ended" in _why_the_kill_missed_the_save(res.returncode, out), res.stderr
    assert _seed_of_complete(out) == 2
    assert "not by the SIGKILL" in _why_the_kill_missed_the_save(0, out)


def test_force_leaves_no_stale_file(tmp_path: Path):
    out = tmp_path / "D"
    res = _run("--days", DAYS, "--seed", "1", "--record", "regions", "--out", str(out), cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert _seed_of_complete(out, RUN_FILES | {"regions.parquet"}) == 1
    res = _run("--days", DAYS, "--seed", "2", "--out", str(out), "--force", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert _seed_of_complete(out) == 2  # regions.parquet of the first run is gone
    assert _leftovers(out) == []


def test_ctrl_c_before_the_save_leaves_no_directory(tmp_path: Path):
    out = tmp_path / "D"
    proc = subprocess.Popen([str(EXE), "run", "--out", str(out)], cwd=tmp_path, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, preexec_fn=default_sigint)
    while proc.poll() is None and not any(tmp_path.glob(".D.tmp-*")):
        time.sleep(0.001)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert not out.exists() and _leftovers(out) == []


def test_default_out_is_a_new_timestamped_directory(tmp_path: Path):
    res = _run("--days", DAYS, cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    (made,) = [p for p in (tmp_path / "runs").iterdir() if not p.name.startswith(".")]
    assert _seed_of_complete(made) == 0


def test_second_writer_is_refused_while_the_first_holds_the_lock(tmp_path: Path):
    """In one process too (a library user, the dashboard): the second gets a clear error at once."""
    out = tmp_path / "D"
    with results_dir(out) as first:
        (first.staging / "manifest.json").write_text(json.dumps({"package": "defection", "kind": "run"}))
        with pytest.raises(OutputError, match="being written by another"):
            with results_dir(out, force=True):
                pass
    assert [p.name for p in out.iterdir()] == ["manifest.json"] and _leftovers(out) == []
    with pytest.raises(OutputError, match="not empty"), results_dir(out):
        pass
    with pytest.raises(ZeroDivisionError), results_dir(out, force=True) as second:
        (second.staging / "summary.json").write_text("second")
        1 / 0
    assert [p.name for p in out.iterdir()] == ["manifest.json"] and _leftovers(out) == []
    assert os.path.exists(tmp_path / ".D.lock")  # kept on purpose: see outputs._claim
