"""Scale: results do not depend on agent granularity, thread count or work split; per-region records.

The full-size checks (k = 1 against k = 10 over 334 days, wall time, memory per agent) are in
``bench/scale.py``; these are their reduced-size versions, fast enough for CI.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pyarrow.parquet as pq
import pytest
from scipy.stats import ks_2samp

from common import ensemble, final, run_cli
from defection import api
from defection.model.protest import segments
from defection.model.state import STATE_NAMES


@pytest.mark.slow  # an ensemble of 10 seeds at 10 times the civilians
def test_coarser_and_finer_civilians_agree_in_distribution():
    """k = 100 and k = 1000 give the same distribution of day-334 defections and killings (KS, p > 0.01).

    Every count in the national series (civilians killed, arrested, active; officers) is already
    in people, whatever k: k only sets how many people one civilian agent stands for. So "once
    the counts are scaled" is the identity here, and the series are compared as they are. This
    is the CI-sized version of the k = 1 against k = 10 comparison in ``bench/scale.py``.
    """
    coarse = ensemble()  # k = 1000, seeds 0-9 (shared with the other tests of the session)
    fine = ensemble(("run.scale=100",), seeds=tuple(range(100, 110)))
    for name in ("defected", "civilians_killed"):
        a, b = final(coarse, name), final(fine, name)
        p = ks_2samp(a, b).pvalue
        assert p > 0.01, f"{name}: k=1000 mean {a.mean():.0f}, k=100 mean {b.mean():.0f}, KS p = {p:.4f}"


def test_segments_cover_each_township_in_bounded_pieces():
    rng = np.random.default_rng(1)
    sizes = rng.integers(0, 300, 50)
    sizes[[3, 17]] = 0  # empty townships are allowed
    starts = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    lo, town = segments(starts, 64)
    assert lo[0] == 0 and lo[-1] == starts[-1] and (np.diff(lo) > 0).all() and (np.diff(lo) <= 64).all()
    for s in range(len(town)):
        t = town[s]
        assert starts[t] <= lo[s] and lo[s + 1] <= starts[t + 1]
    assert set(town.tolist()) == {t for t in range(50) if sizes[t] > 0}


THREADS_CHECK = """
import json
import numba
from defection import api

used, results = {}, {}
for threads in (1, 2):
    seen = set()
    results[threads] = api.run(seed=7, days=4, overrides=["run.scale=2"], threads=threads,
                               progress=lambda day: seen.add(numba.get_num_threads()))
    used[threads] = sorted(seen)
print(json.dumps({"used": used, "same": results[1].timeseries.equals(results[2].timeseries),
                  "arrested": float(results[1].series("civilians_arrested")[-1])}))
"""


def test_one_or_two_threads_agree_when_townships_are_split_across_threads():
    """At k = 2 a township (~78,000 agents) spans two work segments, so both threads may share one.

    Numba caps the thread count at NUMBA_NUM_THREADS, which defaults to the number of CPUs: on a
    1-CPU runner ``threads=2`` would silently run one thread. The runs therefore happen in a
    subprocess with NUMBA_NUM_THREADS=2 (two threads can share one CPU), which reports the thread
    count each run actually used."""
    env = {**os.environ, "NUMBA_NUM_THREADS": "2"}
    done = subprocess.run([sys.executable, "-c", THREADS_CHECK], env=env, capture_output=True, text=True,
                          timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["used"] == {"1": [1], "2": [2]}, report  # really one thread, then really two
    assert report["same"], report
    assert report["arrested"] > 0


@pytest.fixture(scope="module")
def regional():
    return api.run(seed=3, days=120, record_regions=True)


def test_regions_add_up_to_the_national_series(regional):
    t = regional.regions
    assert t.column_names[:2] == ["date", "region"]
    assert set(t.column_names[2:]) == set(regional.timeseries.column_names) - {"date", "day"}
    assert t.num_rows == 120 * 15 and len(set(t.column("region").to_pylist())) == 15
    for name in ("defected", "defected_civilian", "defected_paramilitary", "defected_police", "defected_army",
                 "quiet_resisters", "compliant", "caught", "coercive_capacity", "coercive_capacity_army",
                 "civilians_active", "civilians_armed", "civilians_killed", "civilians_killed_operations",
                 "civilians_arrested", "families_protected", "families_enrolled", "held_by_fear"):
        by_region = t.column(name).to_numpy().reshape(120, 15).sum(axis=1)
        assert np.allclose(by_region, regional.series(name)), name
    detained = t.column("civilians_detained").to_numpy().reshape(120, 15).sum(axis=1)
    assert np.abs(detained - regional.series("civilians_detained")).max() <= 15  # each region rounds
    assert t.column("programme_cost").null_count == t.num_rows  # national only
    assert sum(regional.summary["states"][s] for s in STATE_NAMES) == 80_000 + 150_000


def test_recording_regions_changes_nothing_else(regional):
    assert api.run(seed=3, days=120).timeseries.equals(regional.timeseries)


def test_cli_record_regions_writes_regions_parquet(tmp_path, monkeypatch, capsys):
    out = tmp_path / "r"
    code, _ = run_cli(["run", "--days", "10", "--record", "regions", "--out", str(out)], monkeypatch, capsys)
    assert code == 0
    assert (out / "regions.parquet").is_file() and (out / "manifest.json").is_file()
    table = pq.read_table(out / "regions.parquet")
    assert table.column_names[:2] == ["date", "region"] and table.num_rows == 10 * 15

    code, text = run_cli(["run", "--days", "3", "--record", "towns", "--out", str(tmp_path / "bad")], monkeypatch,
                         capsys)
    assert code == 2 and "regions" in text and "Traceback" not in text
    assert not (tmp_path / "bad").exists()
