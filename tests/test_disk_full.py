"""A full disk is an error, not a crash (issue 28, item 6).

``ENOSPC`` or ``EDQUOT`` from any writer (Python's own files, SQLite under pyabc or optuna, Arrow) ends a command
with one paragraph naming the directory and exit 2, never a traceback. A results directory is then complete or
absent, and a resumable command's record (a sweep's parts, a calibration's history.db) is kept as it was and
resumes once space is freed. One set of tests fakes the full disk (the writer raises); the other fills a real
2 MiB tmpfs, where the machine allows mounting one (as root, in CI).
"""
from __future__ import annotations

import errno
import os
import sqlite3
import stat
import subprocess
from pathlib import Path

import pytest
from common import assert_one_paragraph, run_cli_raw

from defection.errors import DefectionError, disk_full

TINY = ["--set", "run.scale=20000", "--set", "force.n_officers=300", "--set", "army.n_soldiers=300"]


def no_staging_left(out: Path) -> None:
    left = [p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}.tmp-")]
    assert not left, left


@pytest.fixture
def full_disk(monkeypatch):
    """Every fsync of a regular file fails with ENOSPC (as it does on a full disk), until ``free()`` is called."""
    real = os.fsync
    state = {"full": True}

    def fsync(fd):
        if state["full"] and stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    return lambda: state.update(full=False)


def test_a_full_disk_during_a_run_gives_a_paragraph_and_leaves_no_directory(full_disk, tmp_path, monkeypatch,
                                                                               capsys):
    out = tmp_path / "r"
    code, text = run_cli_raw(["run", "--days", "3", *TINY, "--out", out], monkeypatch, capsys)
    assert_one_paragraph(code, text, "is full", str(out), "No space left on device", "Free some space")
    assert not out.exists()
    no_staging_left(out)
    full_disk()
    code, text = run_cli_raw(["run", "--days", "3", *TINY, "--out", out], monkeypatch, capsys)
    assert code == 0 and (out / "manifest.json").is_file(), text


def test_a_full_disk_during_a_sweep_keeps_its_record_and_it_resumes(full_disk, tmp_path, monkeypatch, capsys):
    out = tmp_path / "s"
    args = ["sweep", "--model", "ishigami", "--vary", "x1", "--vary", "x2", "--vary", "x3", "--samples", "8",
            "--workers", "0", "--out", out]
    code, text = run_cli_raw(args, monkeypatch, capsys)
    assert_one_paragraph(code, text, "is full", str(out), "resumes")
    full_disk()
    code, text = run_cli_raw(args, monkeypatch, capsys)
    assert code == 0 and (out / "summary.parquet").is_file(), text


@pytest.mark.parametrize("make", [
    lambda: OSError(errno.ENOSPC, "No space left on device"),
    lambda: OSError(errno.EDQUOT, "Disk quota exceeded"),
    lambda: sqlite3.OperationalError("database or disk is full"),
    lambda: OSError("[Errno 28] Error writing bytes to file. Detail: No space left on device"),  # Arrow's words
], ids=["ENOSPC", "EDQUOT", "sqlite", "arrow"])
def test_each_library_s_full_disk_is_recognised_through_its_wrappers(make):
    import optuna
    import sqlalchemy.exc

    inner = make()
    assert disk_full(inner) is inner
    wrapped = sqlalchemy.exc.OperationalError("INSERT ...", {}, inner)  # SQLAlchemy keeps it as .orig
    assert disk_full(wrapped) is inner
    try:
        try:
            raise wrapped
        except sqlalchemy.exc.SQLAlchemyError as exc:
            raise optuna.exceptions.StorageInternalError("commit failed") from exc
    except optuna.exceptions.StorageInternalError as outer:
        assert disk_full(outer) is inner
    try:
        try:
            raise inner
        except Exception:
            raise DefectionError("cannot be resumed") from None  # the context is suppressed, but still there
    except DefectionError as refusal:
        assert disk_full(refusal) is inner
    assert disk_full(OSError(errno.ENOENT, "No such file or directory")) is None
    assert disk_full(ValueError("a full house")) is None


def test_optuna_s_storage_error_on_a_full_disk_gives_the_paragraph(tmp_path, monkeypatch, capsys):
    import optuna
    import sqlalchemy.exc

    from defection.experiments import optimize as opt

    def full(*args, **kwargs):
        try:
            raise sqlalchemy.exc.OperationalError("INSERT", {}, sqlite3.OperationalError("database or disk is full"))
        except sqlalchemy.exc.SQLAlchemyError as exc:
            raise optuna.exceptions.StorageInternalError("An exception is raised during the commit.") from exc

    monkeypatch.setattr(opt, "optimize", full)
    out = tmp_path / "o"
    code, text = run_cli_raw(["optimize", "--budget-kyat-month", "2e7", "--draws", "1", "--min-draws", "1",
                              "--candidates", "2", "--population", "2", "--days", "3", "--workers", "0", *TINY,
                              "--out", out], monkeypatch, capsys)
    assert_one_paragraph(code, text, "is full", str(out), "database or disk is full")


# -- a real full file system ---------------------------------------------------------------------------------------

@pytest.fixture
def small_disk(tmp_path):
    """A 2 MiB tmpfs at tmp_path/disk, and ``fill(free_kib)`` that leaves about that much space on it."""
    where = tmp_path / "disk"
    where.mkdir()
    try:
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(where)], capture_output=True,
                              text=True, timeout=20)
    except (OSError, subprocess.SubprocessError) as exc:
        pytest.skip(f"cannot mount a small tmpfs here ({exc}); the faked full disk above covers the code")
    if done.returncode != 0:
        pytest.skip(f"mounting a small tmpfs is not permitted here ({done.stderr.strip()}); the faked full disk "
                    "above covers the code")
    filler = where / "filler"

    def fill(free_kib: int) -> None:
        filler.unlink(missing_ok=True)
        avail = os.statvfs(where).f_bavail * os.statvfs(where).f_frsize
        filler.write_bytes(b"\0" * max(0, avail - free_kib * 1024))

    def free() -> None:
        filler.unlink(missing_ok=True)

    try:
        yield where, fill, free
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True, timeout=20)


def test_a_run_on_a_full_tmpfs_leaves_nothing_then_succeeds(small_disk, monkeypatch, capsys):
    where, fill, free = small_disk
    out = where / "run"
    fill(8)
    code, text = run_cli_raw(["run", "--days", "3", *TINY, "--out", out], monkeypatch, capsys)
    assert_one_paragraph(code, text, "is full", str(out))
    assert not out.exists()
    no_staging_left(out)
    free()
    code, text = run_cli_raw(["run", "--days", "3", *TINY, "--out", out], monkeypatch, capsys)
    assert code == 0 and (out / "manifest.json").is_file(), text


def test_a_calibration_on_a_full_tmpfs_is_kept_and_resumes_once_space_is_freed(small_disk, tmp_path, monkeypatch,
                                                                                capsys):
    """A disk-full calibration was later refused as 'not a pyabc history' (its schema half written)."""
    where, fill, free = small_disk
    data = tmp_path / "obs.csv"
    data.write_text("date,series,value,bound\n2021-02-08,civilians_killed,10,point\n")
    out = where / "cal"
    args = ["calibrate", "--data", data, "--fit", "crackdown.deaths_per_1000_active=0.0003:0.004", "--population",
            "2", "--generations", "1", "--seed", "1", "--workers", "1", *TINY, "--out", out]
    fill(2)
    code, text = run_cli_raw(args, monkeypatch, capsys)
    assert_one_paragraph(code, text, "is full", str(out), "resumes")
    kept = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} if out.exists() else {}
    free()
    code, text = run_cli_raw(args, monkeypatch, capsys)
    assert code == 0 and (out / "posterior.parquet").is_file(), text
    if "job.json" in kept:
        assert (out / "job.json").read_bytes() == kept["job.json"]


def test_an_optimisation_on_a_full_tmpfs_leaves_no_directory_then_completes(small_disk, monkeypatch, capsys):
    """optuna's study (SQLite) and the results both meet the full disk: a paragraph, exit 2, then a clean run."""
    where, fill, free = small_disk
    out = where / "opt"
    args = ["optimize", "--budget-kyat-month", "2e7", "--draws", "1", "--min-draws", "1", "--candidates", "2",
            "--population", "2", "--days", "3", "--workers", "0", *TINY, "--out", out]
    fill(150)
    code, text = run_cli_raw(args, monkeypatch, capsys)
    assert_one_paragraph(code, text, "is full", str(out))
    assert not out.exists()
    no_staging_left(out)
    free()
    code, text = run_cli_raw(args, monkeypatch, capsys)
    assert code == 0 and (out / "manifest.json").is_file() and (out / "study.db").is_file(), text
