"""The engine: counter-based random streams, the timed schedule and the recorder."""
from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from defection.engine import Recorder, Simulation, Step, stream_keys
from defection.engine.bits import indices_of
from defection.engine.rng import fill_uniform, poisson, uniform, uniform_array


def test_uniform_draws_are_uniform_and_reproducible():
    key = stream_keys(7, ("a",))["a"]
    u = uniform_array(key, 3, 200_000, 0)
    assert stats.kstest(u, "uniform").pvalue > 0.001
    assert np.array_equal(u, uniform_array(key, 3, 200_000, 0))
    assert 0.0 <= u.min() and u.max() < 1.0


def test_fill_uniform_writes_the_same_draws_into_any_float_array():
    key = stream_keys(7, ("a",))["a"]
    expected = uniform_array(key, 2, 10_000, 5)
    wide, narrow = np.empty(10_000), np.empty(10_000, np.float32)
    fill_uniform(wide, key, 2, 5)
    fill_uniform(narrow, key, 2, 5)
    assert np.array_equal(wide, expected)
    assert np.array_equal(narrow, expected.astype(np.float32))


def test_draw_depends_only_on_seed_stream_day_agent_slot():
    keys = stream_keys(1, ("a", "b"))
    assert keys["a"] != keys["b"]
    assert stream_keys(1, ("a", "b", "c"))["a"] == keys["a"], "appending a stream leaves the others unchanged"
    assert stream_keys(2, ("a",))["a"] != keys["a"]
    first = uniform(keys["a"], 10, 123, 0)
    assert uniform(keys["a"], 10, 123, 0) == first
    assert len({first, uniform(keys["a"], 11, 123, 0), uniform(keys["a"], 10, 124, 0), uniform(keys["a"], 10, 123, 1),
                uniform(keys["b"], 10, 123, 0)}) == 5


def test_streams_and_days_are_uncorrelated():
    keys = stream_keys(0, ("a", "b"))
    a = uniform_array(keys["a"], 0, 100_000, 0)
    assert abs(np.corrcoef(a, uniform_array(keys["b"], 0, 100_000, 0))[0, 1]) < 0.02
    assert abs(np.corrcoef(a, uniform_array(keys["a"], 1, 100_000, 0))[0, 1]) < 0.02
    assert abs(np.corrcoef(a[:-1], a[1:])[0, 1]) < 0.02


def test_poisson_has_the_right_mean_and_variance():
    key = stream_keys(3, ("p",))["p"]
    for lam in (0.3, 4.0, 80.0):
        x = np.array([poisson(key, 0, i, 0, lam) for i in range(40_000)])
        assert abs(x.mean() - lam) < 4 * np.sqrt(lam / len(x))
        assert abs(x.var() / lam - 1) < 0.05
    assert poisson(key, 0, 0, 0, 0.0) == 0


def test_schedule_is_data_runs_in_order_and_is_timed():
    calls = []
    steps = [Step("first", lambda sim, day: calls.append(("first", day))),
             Step("second", lambda sim, day: calls.append(("second", day)))]
    seen = []
    sim = Simulation(state=None, steps=steps, seed=0, streams=("x",)).run(3, progress=seen.append)
    assert sim.schedule == ["first", "second"]
    assert calls == [("first", 0), ("second", 0), ("first", 1), ("second", 1), ("first", 2), ("second", 2)]
    assert seen == [1, 2, 3]
    assert [name for name, _, _ in sim.profile()] == ["first", "second"]
    assert abs(sum(share for _, _, share in sim.profile()) - 1.0) < 1e-9


def test_recorder_fills_rows_and_builds_a_table():
    rec = Recorder(5, {"a": np.int32, "b": np.float64})
    rec.record(0, {"a": 1, "b": 0.5})
    rec.record(1, {"a": 2, "b": 1.5})
    assert list(rec["a"]) == [1, 2]
    table = rec.table({"day": np.arange(2)})
    assert table.column_names == ["day", "a", "b"]
    assert table.num_rows == 2


def test_indices_of_matches_flatnonzero():
    rng = np.random.default_rng(3)
    for n in (0, 1, 7, 8, 9, 63, 64, 65, 1000, 230_003):
        for density in (0.0, 0.001, 0.1, 0.9):
            values = np.where(rng.random(n) < density, rng.integers(1, 3, n), 0).astype(np.uint8)
            for target in (1, 2):
                assert np.array_equal(indices_of(values, target), np.flatnonzero(values == target)), (n, density)
    with pytest.raises(ValueError):
        indices_of(np.zeros(8, np.uint8), 0)
