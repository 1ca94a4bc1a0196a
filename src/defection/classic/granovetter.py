"""Granovetter (1978) threshold models of collective behaviour.

* :func:`equilibrium`: the exact final number of participants for integer thresholds,
  where person i joins once at least ``thresholds[i]`` *others* have joined. Sorting makes
  it exact and O(n log n): with thresholds sorted ascending, s₀ ≤ s₁ ≤ …, the first r people
  join in turn as long as s_j ≤ j, and the cascade stops at the first r with s_r > r,
  since everyone left then needs more than the r who have joined. That r is the least
  fixed point r* = F(r*) of F(r) = #{i : thresholds[i] ≤ r} reached from r = 0.
* The network variant (Watts 2002 style): node i joins once the *fraction* of its network
  neighbours that have joined is at least φ_i. Updates are synchronous (everyone looks at
  the previous step) and joining is permanent. It runs as a scenario on the engine: a
  :class:`~defection.engine.loop.Simulation` with one timed step, random streams from
  :mod:`defection.engine.rng` for the graph, the thresholds and the initial joiners.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal, get_args

import numpy as np
from numba import njit
from pydantic import Field, field_validator, model_validator

from defection.classic._params import ClassicParams
from defection.engine.loop import Simulation, Step
from defection.engine.rng import normal, uniform

STREAMS = ("graph", "thresholds", "seeds")


def equilibrium(thresholds) -> int:
    """Exact final number of participants (see module docstring). O(n log n).

    ``thresholds`` must be integers (any integer dtype, or floats with integral values);
    a threshold ≤ 0 means the person joins unprompted.
    """
    t = np.asarray(thresholds)
    if t.ndim != 1:
        t = t.reshape(-1)
    if t.size == 0:
        return 0
    if not np.issubdtype(t.dtype, np.integer):
        if not np.issubdtype(t.dtype, np.floating) or not np.all(np.isfinite(t)) or np.any(t != np.round(t)):
            raise ValueError("equilibrium: thresholds must be integers (number of others who must join first)")
    s = np.sort(t, kind="stable")
    # r joins as long as s[r] <= r: the answer is the first index where s[r] > r, else n
    over = np.nonzero(s > np.arange(s.size))[0]
    return int(over[0]) if over.size else int(s.size)


def cascade(thresholds) -> np.ndarray:
    """Participants after each round of the synchronous cascade r_{k+1} = F(r_k), r₀ = 0,
    until it stops; the last entry equals :func:`equilibrium`. O(n log n + rounds·log n)."""
    s = np.sort(np.asarray(thresholds).reshape(-1))
    path = [0]
    while True:
        r = int(np.searchsorted(s, path[-1], side="right"))
        if r == path[-1]:
            return np.asarray(path, np.int64)
        path.append(r)


# --------------------------------------------------------------------------- network variant
class NetworkParams(ClassicParams):
    """The network threshold model. Graph ``er``: Erdős–Rényi with mean degree ``degree``;
    ``ws``: Watts–Strogatz ring where each node links to ``degree``/2 neighbours on each side,
    each link rewired with probability ``rewire``. Thresholds φ ~ Normal(``threshold_mean``,
    ``threshold_sd``) clipped to [0, 1]; a fraction ``initial_active`` of nodes, chosen at
    random, has joined at step 0 (at least one node when ``initial_active`` > 0).

    A bad value raises :class:`~defection.errors.ScenarioError` naming the key, the value and
    what it must be."""

    label: ClassVar[str] = "granovetter-network"

    nodes: int = Field(10_000, ge=1, le=50_000_000)
    graph: Literal["er", "ws", "complete"] = "er"
    degree: float = Field(8.0, ge=0.0)  # and at most nodes - 1: checked with nodes below
    rewire: float = Field(0.1, ge=0.0, le=1.0)
    threshold_mean: float = Field(0.18, ge=0.0, le=1.0)
    threshold_sd: float = Field(0.0, ge=0.0)
    initial_active: float = Field(0.001, ge=0.0, le=1.0)

    @field_validator("graph", mode="before")
    @classmethod
    def _lower_graph(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) else value

    @model_validator(mode="after")
    def _check_degree(self) -> "NetworkParams":
        if self.degree > self.nodes - 1:
            raise ValueError(f"degree={self.degree!r} is not allowed; degree must be a number from 0 to "
                             f"nodes-1 = {self.nodes - 1}.")
        if self.graph == "ws" and (self.degree != int(self.degree) or int(self.degree) % 2):
            raise ValueError(f"degree={self.degree!r} is not allowed; degree must be an even integer for "
                             "graph=ws (degree/2 neighbours on each side).")
        return self


GRAPHS: tuple[str, ...] = get_args(NetworkParams.model_fields["graph"].annotation)
"""The graph kinds, as :class:`NetworkParams` accepts them."""


@njit(cache=True)
def _er_edges(n, p, key):
    """Erdős–Rényi G(n, p) by geometric skipping (Batagelj & Brandes 2005): O(n + m)."""
    cap = 16
    src = np.empty(cap, np.int64)
    dst = np.empty(cap, np.int64)
    m = 0
    if p <= 0.0:
        return src[:0], dst[:0]
    lp = math.log(1.0 - p) if p < 1.0 else -np.inf
    v = 1
    w = -1
    draw = 0
    while v < n:
        u = uniform(key, draw >> 32, draw & 0xFFFFFFFF, 0)
        draw += 1
        if p >= 1.0:
            w += 1
        else:
            w += 1 + int(math.floor(math.log(1.0 - u) / lp))
        while w >= v and v < n:
            w -= v
            v += 1
        if v < n:
            if m == cap:
                cap *= 2
                s2 = np.empty(cap, np.int64)
                d2 = np.empty(cap, np.int64)
                s2[:m] = src[:m]
                d2[:m] = dst[:m]
                src = s2
                dst = d2
            src[m] = v
            dst[m] = w
            m += 1
    return src[:m], dst[:m]


@njit(cache=True)
def _ws_edges(n, half, beta, key):
    """Watts–Strogatz: ring lattice, ``half`` neighbours per side, each edge's far end
    rewired with probability ``beta`` to a uniform node (no self-loops; duplicates are
    dropped later)."""
    m = n * half
    src = np.empty(m, np.int64)
    dst = np.empty(m, np.int64)
    e = 0
    for i in range(n):
        for d in range(1, half + 1):
            j = (i + d) % n
            if beta > 0.0 and uniform(key, d, i, 0) < beta:
                j = np.int64(uniform(key, d, i, 1) * n)
                if j == i:
                    j = (i + d) % n
            src[e] = i
            dst[e] = j
            e += 1
    return src, dst


def to_csr(n: int, src: np.ndarray, dst: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Undirected simple graph in CSR form (self-loops and duplicate edges removed)."""
    src = np.asarray(src, np.int64)
    dst = np.asarray(dst, np.int64)
    keep = src != dst
    a = np.concatenate([src[keep], dst[keep]])
    b = np.concatenate([dst[keep], src[keep]])
    if a.size:
        code = np.unique(a * n + b)
        a, b = code // n, code % n
    indptr = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(a, minlength=n), out=indptr[1:])
    return indptr, b.astype(np.int64)


def make_graph(p: NetworkParams, key: np.uint64) -> tuple[np.ndarray, np.ndarray]:
    n = p.nodes
    if p.graph == "er":
        src, dst = _er_edges(n, p.degree / max(n - 1, 1), key)
    elif p.graph == "ws":
        src, dst = _ws_edges(n, int(p.degree) // 2, p.rewire, key)
    else:  # complete
        i, j = np.triu_indices(n, 1)
        src, dst = i, j
    return to_csr(n, src, dst)


@njit(cache=True)
def _activate(indptr, indices, phi, active, new, count):
    """One synchronous round: inactive i joins if (joined neighbours)/degree >= phi[i].
    Returns the number who joined; ``new`` marks them."""
    n = active.size
    k = 0
    for i in range(n):
        new[i] = False
        if active[i]:
            continue
        deg = indptr[i + 1] - indptr[i]
        c = 0
        for e in range(indptr[i], indptr[i + 1]):
            if active[indices[e]]:
                c += 1
        count[i] = c
        if deg > 0:
            if c / deg >= phi[i]:
                new[i] = True
                k += 1
        elif phi[i] <= 0.0:
            new[i] = True
            k += 1
    for i in range(n):
        if new[i]:
            active[i] = True
    return k


@njit(cache=True)
def _thresholds(n, mean, sd, key):
    out = np.empty(n)
    for i in range(n):
        v = mean + sd * normal(key, 0, i, 0) if sd > 0.0 else mean
        out[i] = min(1.0, max(0.0, v))
    return out


@dataclass
class NetworkState:
    indptr: np.ndarray
    indices: np.ndarray
    phi: np.ndarray
    active: np.ndarray
    new: np.ndarray = field(init=False)
    count: np.ndarray = field(init=False)
    history: list = field(default_factory=list)

    def __post_init__(self) -> None:
        self.new = np.zeros(self.active.size, np.bool_)
        self.count = np.zeros(self.active.size, np.int64)
        self.history.append((0, int(self.active.sum()), int(self.active.sum())))

    @property
    def settled(self) -> bool:
        return len(self.history) > 1 and self.history[-1][2] == 0


def _network_step(sim: Simulation, day: int) -> None:
    s: NetworkState = sim.state
    k = _activate(s.indptr, s.indices, s.phi, s.active, s.new, s.count)
    s.history.append((day + 1, s.history[-1][1] + k, k))


def build_network(p: NetworkParams | None = None, seed: int = 0, *, indptr=None, indices=None,
                  thresholds=None, initial=None) -> Simulation:
    """A Simulation of the network model. ``indptr``/``indices`` (CSR), ``thresholds`` (φ)
    and ``initial`` (bool mask of step-0 joiners) override the random ones from ``p``."""
    p = p or NetworkParams()
    sim = Simulation(state=None, steps=[Step("activate", _network_step)], seed=seed, streams=STREAMS, params=p)
    if indptr is None:
        indptr, indices = make_graph(p, sim.keys["graph"])
    n = len(indptr) - 1
    phi = (np.asarray(thresholds, float) if thresholds is not None
           else _thresholds(n, p.threshold_mean, p.threshold_sd, sim.keys["thresholds"]))
    if initial is not None:
        active = np.asarray(initial, np.bool_).copy()
    else:
        key = sim.keys["seeds"]
        u = _uniforms(key, n)
        active = u < p.initial_active
        if p.initial_active > 0 and not active.any():
            active[int(np.argmin(u))] = True
    sim.state = NetworkState(np.asarray(indptr, np.int64), np.asarray(indices, np.int64), phi, active)
    return sim


@njit(cache=True)
def _uniforms(key, n):
    out = np.empty(n)
    for i in range(n):
        out[i] = uniform(key, 0, i, 0)
    return out


def run_network(p: NetworkParams | None = None, steps: int = 100, seed: int = 0,
                progress: Callable[[int], None] | None = None, **overrides) -> dict[str, np.ndarray]:
    """Run up to ``steps`` rounds (stops early once a round adds nobody); columns
    ``step, active, new_active`` with step 0 the initial joiners."""
    sim = build_network(p, seed, **overrides)
    for _ in range(steps):
        sim.step()
        if progress is not None:
            progress(sim.day)
        if sim.state.settled:
            break
    h = np.asarray(sim.state.history, np.int64).reshape(-1, 3)
    return {"step": h[:, 0], "active": h[:, 1], "new_active": h[:, 2]}
