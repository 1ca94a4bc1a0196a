"""Granovetter (1978) thresholds: the exact equilibrium and the network variant on the engine."""
from __future__ import annotations

import numpy as np
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from defection.classic import run_classic
from defection.classic.granovetter import (
    NetworkParams,
    build_network,
    cascade,
    equilibrium,
    run_network,
    to_csr,
)
from defection.errors import ScenarioError


def naive(thresholds) -> int:
    """The cascade by definition: repeat 'everyone whose threshold ≤ number joined joins'."""
    t = list(thresholds)
    joined = [False] * len(t)
    while True:
        r = sum(joined)
        new = [i for i, ti in enumerate(t) if not joined[i] and ti <= r]
        if not new:
            return r
        for i in new:
            joined[i] = True


# ---------------------------------------------------------------- the textbook riot
def test_riot_all_join():
    assert equilibrium(np.arange(100)) == 100


def test_riot_collapses_when_threshold_one_moves_to_two():
    t = np.arange(100)
    t[1] = 2
    assert equilibrium(t) == 1  # only the instigator acts


def test_riot_order_does_not_matter():
    t = np.random.default_rng(0).permutation(100)
    assert equilibrium(t) == 100
    t[t == 1] = 2
    assert equilibrium(t) == 1


# ---------------------------------------------------------------- cases computed by hand
@pytest.mark.parametrize(
    "thresholds, expected",
    [
        ([], 0),  # nobody
        ([0], 1),  # a lone instigator
        ([1, 1, 1], 0),  # nobody goes first
        ([0, 0, 0, 0, 0], 5),  # everyone goes first
        ([0, 1, 1, 3], 4),  # 0 → two 1s (3 joined) → the 3 joins
        ([0, 2, 2, 2], 1),  # after the instigator nobody has 2 others
        ([0, 0, 2, 5, 5], 3),  # two instigators pull in the 2; the 5s need 5 others, only 3 joined
        ([0, 1, 2, 3, 5], 4),  # the chain breaks at 5 > 4
        ([0, 1, 2, 4, 4], 3),  # 3 joined, the 4s need 4
        ([5, 4, 3, 2, 1, 0], 6),  # unsorted riot of 6
        ([-3, 1, 10**9], 2),  # thresholds below 0 act like 0; huge ones never join
        ([0, 1, 1, 1, 4, 4, 4, 7], 8),  # 0 → three 1s (4 joined) → three 4s (7) → the 7 joins
        ([0, 1, 1, 1, 4, 4, 4, 8], 7),  # ... but a threshold of 8 would need 8 others among 7
    ],
)
def test_hand_computed_cases(thresholds, expected):
    assert equilibrium(np.array(thresholds, dtype=np.int64)) == expected
    assert naive(thresholds) == expected


def test_cascade_rounds_of_the_riot():
    # synchronous rounds: each round everyone with threshold ≤ current count joins
    assert cascade(np.arange(5)).tolist() == [0, 1, 2, 3, 4, 5]
    assert cascade([0, 0, 2, 2, 4, 9]).tolist() == [0, 2, 4, 5]
    assert cascade([1, 2]).tolist() == [0]


def test_rejects_fractional_thresholds():
    with pytest.raises(ValueError):
        equilibrium([0.5, 1.0])
    assert equilibrium([0.0, 1.0]) == 2  # integral floats are fine


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(min_value=-2, max_value=40), max_size=40))
def test_equilibrium_equals_the_cascade_by_definition(thresholds):
    assert equilibrium(np.array(thresholds, dtype=np.int64)) == naive(thresholds)
    assert cascade(np.array(thresholds, dtype=np.int64))[-1] == naive(thresholds)


def test_equilibrium_is_fast_and_exact_at_scale():
    # a million people, thresholds uniform 0..n-1 except one hole: the cascade stops at the hole
    n = 1_000_000
    t = np.arange(n)
    t[500_000] = 500_001
    assert equilibrium(t) == 500_000


# ---------------------------------------------------------------- network variant
def ring(n: int, half: int):
    i = np.repeat(np.arange(n), half)
    d = np.tile(np.arange(1, half + 1), n)
    return to_csr(n, i, (i + d) % n)


def test_ring_cascade_by_hand_one_seed_low_threshold():
    # ring of 20, 2 neighbours each side; φ = 1/4: one joined neighbour is enough, so the
    # cascade spreads two cells each way per round: 1, 5, 9, 13, 17, 20
    indptr, indices = ring(20, 2)
    init = np.zeros(20, bool)
    init[0] = True
    r = run_network(NetworkParams(nodes=20), 50, 0, indptr=indptr, indices=indices,
                    thresholds=np.full(20, 0.25), initial=init)
    assert r["active"].tolist() == [1, 5, 9, 13, 17, 20, 20]
    assert r["new_active"].tolist()[1:] == [4, 4, 4, 4, 3, 0]


def test_ring_cascade_by_hand_needs_two_neighbours():
    indptr, indices = ring(20, 2)
    phi = np.full(20, 0.5)
    one = np.zeros(20, bool)
    one[0] = True
    r = run_network(NetworkParams(nodes=20), 50, 0, indptr=indptr, indices=indices, thresholds=phi, initial=one)
    assert r["active"][-1] == 1  # a lone seed never gives anyone 2 of 4
    two = one.copy()
    two[1] = True
    r = run_network(NetworkParams(nodes=20), 50, 0, indptr=indptr, indices=indices, thresholds=phi, initial=two)
    # two adjacent seeds: one new node on each side per round
    assert r["active"].tolist() == [2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 20]


def test_complete_graph_reproduces_the_riot():
    # on a complete graph, 'at least m of the others' is 'fraction ≥ m/(n-1)'
    n = 100
    for t, expected in ((np.arange(n), 100), (np.r_[0, 2, np.arange(2, n)], 1)):
        sim = build_network(NetworkParams(nodes=n, graph="complete"), seed=0, thresholds=t / (n - 1),
                            initial=np.zeros(n, bool))
        sim.run(n + 1)
        assert int(sim.state.active.sum()) == expected == equilibrium(t)


def test_network_is_deterministic_and_seed_dependent():
    p = NetworkParams(nodes=5000, graph="er", degree=4, threshold_mean=0.2, threshold_sd=0.05, initial_active=0.01)
    a = run_network(p, 100, seed=7)
    b = run_network(p, 100, seed=7)
    c = run_network(p, 100, seed=8)
    assert all(np.array_equal(a[k], b[k]) for k in a)
    assert not np.array_equal(build_network(p, seed=7).state.active, build_network(p, seed=8).state.active)
    assert not np.array_equal(a["active"], c["active"])
    sim = build_network(p, seed=8)
    deg = np.diff(sim.state.indptr)
    assert abs(deg.mean() - 4) < 0.2  # Erdős–Rényi mean degree
    assert np.all(np.diff(a["active"]) >= 0)  # joining is permanent


def test_watts_cascade_window():
    # Watts (2002): with φ = 0.18, a single seed sets off a global cascade on sparse random
    # graphs (mean degree ~4) but not on dense ones (mean degree ~12).
    sparse = run_network(NetworkParams(nodes=20_000, graph="er", degree=4, initial_active=0.0005), 500, seed=1)
    dense = run_network(NetworkParams(nodes=20_000, graph="er", degree=12, initial_active=0.0005), 500, seed=1)
    assert sparse["active"][-1] > 0.5 * 20_000
    assert dense["active"][-1] < 0.01 * 20_000


def test_run_classic_network_writes_outputs(tmp_path):
    summary = run_classic("granovetter-network", 30, 3, {"nodes": "2000", "graph": "ws", "degree": "6"}, tmp_path)
    t = pq.read_table(tmp_path / "timeseries.parquet")
    assert t.column_names == ["step", "active", "new_active"]
    assert summary["final_active"] == t.column("active").to_pylist()[-1]
    with pytest.raises(ScenarioError, match="Did you mean 'degree'"):
        run_classic("granovetter-network", 3, 3, {"degre": "6"}, tmp_path)
    with pytest.raises(ScenarioError, match="even integer"):
        run_classic("granovetter-network", 3, 3, {"graph": "ws", "degree": "5"}, tmp_path)
    with pytest.raises(ScenarioError, match="graph"):
        run_classic("granovetter-network", 3, 3, {"graph": "smallworld"}, tmp_path)


def test_network_parameters_validate_with_clear_messages():
    """Pydantic checks the ranges; the message names the key, the value and the allowed range."""
    with pytest.raises(ScenarioError, match=r"^granovetter-network: nodes=0 is not valid; nodes must be an integer "
                                            r"from 1 to 50,000,000\.$"):
        NetworkParams(nodes=0)
    with pytest.raises(ScenarioError, match="degree must be a number from 0 to nodes-1 = 9"):
        NetworkParams.from_settings({"nodes": "10", "degree": "12"})
    with pytest.raises(ScenarioError, match="threshold_sd='inf' is not valid"):
        NetworkParams.from_settings({"threshold_sd": "inf"})
    assert NetworkParams(graph=" WS ", degree=4).graph == "ws"
    assert NetworkParams.from_settings({"nodes": "2000"}).as_dict() == {**NetworkParams().as_dict(), "nodes": 2000}
