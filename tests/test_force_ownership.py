"""`--force` replaces only what the tool wrote (issue 28, item 1).

For every command that writes results, a user's file, a symbolic link and a FIFO planted at or in
``--out`` are refused with exit 2, ``--force`` or not, and left exactly as they were. A directory is
replaced only if it is a results directory of the command (its manifest, and only names it writes).
Tests run as root: a device node is made in a temporary directory, never the real ``/dev/null``.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import stat
import sys
from pathlib import Path

import pytest
from common import run_cli

from defection import cli
from defection.engine.outputs import RUN_LAYOUT, atomic_write_bytes, existing_results
from defection.errors import OutputError

SMALL = ["--set", "run.scale=5000", "--set", "force.n_officers=1500", "--set", "army.n_soldiers=2500"]
CALIBRATE = ["calibrate", "--fit", "decision.w_ties", "--population", "2", "--generations", "1", "--workers", "1",
             *SMALL]


def commands(calibration: Path) -> dict[str, list[str]]:
    """Each command that writes a results directory, as cheaply as it runs (without --out)."""
    return {
        "run": ["run", "--days", "2", *SMALL],
        "run epstein": ["run", "epstein", "--steps", "2"],
        "run granovetter-network": ["run", "granovetter-network", "--steps", "2"],
        "forecast": ["forecast", str(calibration), "--draws", "1", "--until", "2021-02-05"],
        "optimize": ["optimize", "--budget-kyat-month", "2e7", "--draws", "1", "--candidates", "2", "--population",
                     "2", "--workers", "0", "--set", "run.days=2", *SMALL],
        "sweep": ["sweep", "--vary", "support.outreach=0.1:0.9", "--samples", "2", "--days", "2", "--workers", "0",
                  *SMALL],
        "compare": ["compare", "--policy", "p:support.outreach=0.5", "--replicates", "2", "--days", "2",
                    "--workers", "0", *SMALL],
        "calibrate": CALIBRATE,  # resumable, without --force: the same rule holds
    }


@pytest.fixture(scope="module")
def calibration(tmp_path_factory) -> Path:
    """A finished (tiny) calibration: what `forecast` reads, and a calibrate directory of ours."""
    out = tmp_path_factory.mktemp("cal") / "cal"
    with pytest.MonkeyPatch.context() as mp:  # a module's fixture has no capsys: the exit code is enough
        mp.setattr(sys, "argv", ["defection", *CALIBRATE, "--out", str(out)])
        with pytest.raises(SystemExit) as exc:
            cli.main()
    assert not exc.value.code
    return out


def snapshot(root: Path) -> dict[str, object]:
    """Every path under ``root`` (links not followed) with what it is: bytes, a link's target, a FIFO."""
    seen: dict[str, object] = {}
    for path in sorted([root, *root.rglob("*")]):
        mode = os.lstat(path).st_mode
        key = str(path.relative_to(root))
        if stat.S_ISLNK(mode):
            seen[key] = ("link", os.readlink(path))
        elif stat.S_ISREG(mode):
            seen[key] = path.read_bytes()
        else:
            seen[key] = stat.S_IFMT(mode)
    return seen


def user_directory(path: Path) -> Path:
    """A directory of the user's: a thesis in a sub-folder, notes, and a FIFO."""
    (path / "docs").mkdir(parents=True)
    (path / "docs" / "thesis.txt").write_text("four years of work")
    (path / "notes.txt").write_text("keep")
    os.mkfifo(path / "pipe")
    return path


@pytest.mark.parametrize("name", ["run", "run epstein", "run granovetter-network", "forecast", "optimize", "sweep",
                                  "compare", "calibrate"])
def test_a_user_file_a_link_and_a_fifo_are_refused_and_kept(name, calibration, tmp_path, monkeypatch, capsys):
    args = commands(calibration)[name]
    force = [] if name == "calibrate" else ["--force"]
    before = snapshot(calibration)
    # a user's directory: not replaced, not written into, and the message does not invite --force
    victim = user_directory(tmp_path / "victim")
    kept = snapshot(victim)
    code, text = run_cli([*args, "--out", str(victim), *force], monkeypatch, capsys)
    assert code == 2 and "is not a results directory" in text and "Traceback" not in text, text
    assert "docs/" in text and "pass --force" not in text, text
    assert snapshot(victim) == kept
    # a link: refused, naming the real path; neither the link nor what it points to changes
    home = user_directory(tmp_path / "home")
    kept = snapshot(home)
    (tmp_path / "shared").mkdir()
    link = tmp_path / "shared" / "latest"
    link.symlink_to("../home", target_is_directory=True)
    code, text = run_cli([*args, "--out", str(link), *force], monkeypatch, capsys)
    assert code == 2 and "symbolic link" in text and str(home.resolve()) in text, text
    assert link.is_symlink() and snapshot(home) == kept
    # a FIFO where the directory belongs
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    code, text = run_cli([*args, "--out", str(fifo), *force], monkeypatch, capsys)
    assert code == 2 and "FIFO" in text and "Traceback" not in text, text
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert snapshot(calibration) == before
    assert not [p.name for p in tmp_path.rglob(".*.tmp-*")]


def test_a_user_file_added_to_a_results_directory_of_ours_is_kept(tmp_path, monkeypatch, capsys):
    """`run --force` replaces a run directory, but not one to which the user added a file."""
    out = tmp_path / "run"
    args = commands(tmp_path)["run"]
    assert run_cli([*args, "--out", str(out)], monkeypatch, capsys)[0] == 0
    (out / "my-notes.txt").write_text("keep")
    kept = snapshot(out)
    code, text = run_cli([*args, "--out", str(out), "--force"], monkeypatch, capsys)
    assert code == 2 and "my-notes.txt" in text and "not a results directory of `defection run`" in text, text
    assert snapshot(out) == kept
    (out / "my-notes.txt").unlink()
    code, text = run_cli([*args, "--seed", "1", "--out", str(out), "--force"], monkeypatch, capsys)
    assert code == 0 and json.loads((out / "manifest.json").read_text())["seed"] == 1, text


def test_a_user_file_in_a_calibration_of_ours_is_kept(calibration, tmp_path, monkeypatch, capsys):
    """Re-running a calibration resumes it; one with a user's file added is refused, not written into."""
    out = tmp_path / "cal"
    shutil.copytree(calibration, out)
    (out / "thesis.txt").write_text("keep")
    kept = snapshot(out)
    code, text = run_cli([*CALIBRATE, "--out", str(out)], monkeypatch, capsys)
    assert code == 2 and "thesis.txt" in text, text
    assert snapshot(out) == kept


def test_compare_force_discards_a_sweep_of_ours_whole_but_refuses_a_run(tmp_path, monkeypatch, capsys):
    """An experiment directory of ours is replaced with nothing of it left (not even another command's
    figure in it); a run directory is not an experiment's, so it is refused, --force or not."""
    cmds = commands(tmp_path)
    sweep, run = tmp_path / "sweep", tmp_path / "run"
    assert run_cli([*cmds["sweep"], "--out", str(sweep)], monkeypatch, capsys)[0] == 0
    (sweep / "sensitivity.png").write_bytes(b"a figure sensitivity wrote")
    code, text = run_cli([*cmds["compare"], "--out", str(sweep), "--force"], monkeypatch, capsys)
    assert code == 0, text
    assert not (sweep / "sensitivity.png").exists() and (sweep / "compare.parquet").is_file()
    assert run_cli([*cmds["run"], "--out", str(run)], monkeypatch, capsys)[0] == 0
    kept = snapshot(run)
    code, text = run_cli([*cmds["compare"], "--out", str(run), "--force"], monkeypatch, capsys)
    assert code == 2 and "not a results directory of `defection compare`" in text, text
    assert snapshot(run) == kept


def _device(path: Path) -> Path:
    """A character device like /dev/null, made inside the test's directory (root only)."""
    try:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("making a device node needs root")
    return path


@pytest.mark.parametrize("command", ["report", "export-ema"])
def test_an_output_file_is_a_regular_file_or_absent(command, calibration, tmp_path, monkeypatch, capsys):
    """`report --out FILE` (and `export-ema --out FILE`): never a link, a FIFO, a device or a directory."""
    suffix = ".html" if command == "report" else ".py"
    args = ["report", str(calibration)] if command == "report" else ["export-ema", "--days", "2"]
    secret = tmp_path / "secret.txt"
    secret.write_text("keep")
    (tmp_path / f"link{suffix}").symlink_to(secret)
    os.mkfifo(tmp_path / f"fifo{suffix}")
    user_directory(tmp_path / f"folder{suffix}")
    plants = {f"link{suffix}": f"symbolic link to {secret}", f"fifo{suffix}": "FIFO",
              f"folder{suffix}": "is a directory"}
    if os.geteuid() == 0:
        plants[_device(tmp_path / f"null{suffix}").name] = "is a device"
    kept = snapshot(tmp_path)
    for name, words in plants.items():
        code, text = run_cli([*args, "--out", str(tmp_path / name), "--force"], monkeypatch, capsys)
        assert code == 2 and words in text and "Traceback" not in text, (name, text)
    assert snapshot(tmp_path) == kept
    mine = tmp_path / f"mine{suffix}"
    mine.write_text("an earlier file")
    code, text = run_cli([*args, "--out", str(mine)], monkeypatch, capsys)
    assert code == 2 and "already exists" in text and mine.read_text() == "an earlier file", text
    code, text = run_cli([*args, "--out", str(mine), "--force"], monkeypatch, capsys)  # a regular file is replaced
    assert code == 0 and mine.read_text(encoding="utf-8") != "an earlier file", text


def test_a_fifo_named_like_the_manifest_is_refused_without_opening_it(tmp_path):
    """Reading a FIFO blocks forever: the check names it before any file is opened."""
    out = tmp_path / "run"
    out.mkdir()
    os.mkfifo(out / "manifest.json")
    (out / "summary.json").write_text("{}")
    def blocked(*_):
        raise TimeoutError("existing_results opened the FIFO and waited for a writer")

    previous = signal.signal(signal.SIGALRM, blocked)
    signal.alarm(30)
    try:
        with pytest.raises(OutputError, match="manifest.json"):
            existing_results(out, RUN_LAYOUT)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_an_atomic_write_never_replaces_a_fifo(tmp_path):
    fifo = tmp_path / "summary.json"
    os.mkfifo(fifo)
    with pytest.raises(OutputError, match="FIFO"):
        atomic_write_bytes(fifo, b"{}")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
