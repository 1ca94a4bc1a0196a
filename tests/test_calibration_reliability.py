"""A calibration never destroys its record: a history.db it cannot resume is left byte for byte as it was and
refused with the reason (exit 2, one paragraph); one it can resume is resumed. Seeds are passed explicitly,
the Dask client is opened once and closed, and the figures get arrays, not simulations."""
from __future__ import annotations

import shutil
import sqlite3
import time

import numpy as np
import pytest

from common import run_cli
from defection.experiments import calibration as cal

SMALL = ["force.n_officers=20000", "run.scale=5000"]
FIT = "crackdown.deaths_per_1000_active=0.0003:0.004"
GENERATIONS = 3


def cal_args(out) -> list[str]:
    return ["calibrate", "myanmar-2021", "--data", "myanmar-2021-early", "--fit", FIT, "--population", "3",
            "--generations", str(GENERATIONS), "--seed", "1", "--workers", "1", "--set", SMALL[0], "--set", SMALL[1],
            "--out", str(out)]


@pytest.fixture(scope="module")
def started(tmp_path_factory):
    """A calibration stopped after its first generation: its job.json and a real one-generation history.db."""
    out = tmp_path_factory.mktemp("cal") / "started"

    class Stop(Exception):
        pass

    def stop(t, eps):
        raise Stop

    with pytest.raises(Stop):
        cal.calibrate("myanmar-2021", "myanmar-2021-early", [FIT], 3, GENERATIONS, out, seed=1, workers=1,
                      overrides=SMALL, progress=stop)
    assert cal.read_history(out / "history.db")[1] == 1
    return out


@pytest.fixture
def copy(started, tmp_path):
    out = tmp_path / "cal"
    shutil.copytree(started, out)
    return out


def _garbage(db):
    db.write_bytes(np.random.default_rng(0).bytes(8192))


def _foreign(db):
    db.unlink()
    with sqlite3.connect(db) as con:
        con.execute("CREATE TABLE notes (text TEXT)")
        con.execute("INSERT INTO notes VALUES ('my own data')")


def _truncated(db):
    db.write_bytes(db.read_bytes()[:3000])


def _other_pyabc_version(db):
    with sqlite3.connect(db) as con:
        con.execute("UPDATE version SET version_num = '1'")


@pytest.mark.parametrize("damage, words", [
    (_garbage, "is not an SQLite database"),
    (_foreign, "is not a pyabc history"),
    (_truncated, "history.db"),
    (_other_pyabc_version, "database version 1"),
])
def test_a_history_that_cannot_be_resumed_is_kept_byte_identical_and_refused(copy, damage, words, monkeypatch,
                                                                              capsys):
    db = copy / "history.db"
    damage(db)
    before = db.read_bytes()
    code, text = run_cli(cal_args(copy), monkeypatch, capsys)
    assert code == 2, text
    assert words in text and "left as it is" in text and "Traceback" not in text
    assert db.read_bytes() == before
    assert not (copy / "posterior.parquet").exists()


@pytest.mark.slow  # a calibration resumed to its end
def test_a_locked_history_is_refused_then_resumed_with_one_sampler_and_the_global_state_untouched(
        copy, monkeypatch, capsys):
    db = copy / "history.db"
    before = db.read_bytes()
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another process writing it
    try:
        code, text = run_cli(cal_args(copy), monkeypatch, capsys)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert code == 2 and "another process is writing it" in text and "Traceback" not in text, text
    assert db.read_bytes() == before

    entered = []
    real = cal.sampler

    def counting(*args):
        entered.append(args)
        return real(*args)

    monkeypatch.setattr(cal, "sampler", counting)
    np.random.seed(12345)
    state = np.random.get_state()
    code, text = run_cli(cal_args(copy), monkeypatch, capsys)
    assert code == 0, text
    assert len(entered) == 1, "one sampler for the whole calibration, not one per generation"
    after = np.random.get_state()
    assert state[0] == after[0] and np.array_equal(state[1], after[1]) and state[2:] == after[2:], \
        "pyabc's global state is restored after each generation"
    assert cal.read_history(db)[1] == GENERATIONS and (copy / "posterior.parquet").is_file()


def test_another_calibrate_on_the_same_directory_is_refused(copy, monkeypatch, capsys):
    from filelock import FileLock

    before = (copy / "history.db").read_bytes()
    with FileLock(copy / cal.LOCK_NAME):
        code, text = run_cli(cal_args(copy), monkeypatch, capsys)
    assert code == 2 and "another `defection calibrate` is writing" in text, text
    assert (copy / "history.db").read_bytes() == before


def test_negative_workers_are_refused(tmp_path, monkeypatch, capsys):
    code, text = run_cli([*cal_args(tmp_path / "c"), "--workers", "-2"], monkeypatch, capsys)
    assert code == 2 and "--workers -2" in text, text


def test_a_dask_sampler_opens_one_client_and_closes_it():
    from distributed import LocalCluster

    with LocalCluster(n_workers=1, processes=False, dashboard_address=None) as cluster:
        clients = cluster.scheduler.clients
        baseline = len(clients)
        with cal.sampler(2, cluster.scheduler_address) as s:
            assert type(s).__name__ == "DaskDistributedSampler"
            assert len(clients) == baseline + 1
        deadline = time.monotonic() + 10
        while len(clients) > baseline and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(clients) == baseline, "the client is closed when the calibration ends"


def test_random_streams_are_explicit_and_independent():
    a = cal.generator(1, "posterior-draws").integers(0, 2**62, 4)
    assert np.array_equal(a, cal.generator(1, "posterior-draws").integers(0, 2**62, 4))
    assert not np.array_equal(a, cal.generator(1, "predictive-runs").integers(0, 2**62, 4))
    assert not np.array_equal(a, cal.generator(2, "posterior-draws").integers(0, 2**62, 4))
    assert cal.stream(1, "abc-generation", 3).spawn_key == (0, 3)
    with pytest.raises(ValueError):
        cal.stream(1, "no-such-stream")
