"""Epstein (2002) civil violence model I, on the engine, with Mesa's rules by default.

Rules (Epstein 2002, PNAS 99 suppl. 3, 7243–7250), as Mesa 3.3's ``EpsteinCivilViolence``
implements them (``mesa/examples/advanced/epstein_civil_violence``):

* Citizens and cops live on a torus, at most one agent per cell. Each cell independently
  holds a citizen with probability ``citizen_density``, a cop with ``cop_density``.
* A citizen has hardship H ~ U(0,1) and risk aversion R ~ U(0,1); grievance G = H·(1 − L).
* Each step every agent (citizens and cops, shuffled together) acts once, in a fresh
  random order (random sequential activation), and sees the states others have already
  taken this step.
* A citizen with a jail term left serves one step of it and does nothing else. Otherwise
  it counts the cops C and the active citizens in vision, plus itself, A; estimates
  P = 1 − exp(−k·round(C/A)); becomes active if G − R·P > T and quiet otherwise; then
  moves to a uniformly chosen empty cell within vision (if any).
* A cop picks a uniformly chosen active citizen within vision (if any), jails it for a
  term drawn uniformly from 0..max_jail_term, then moves like a citizen.
* Jailed citizens keep their cell (they block it and are seen as not active), as in Mesa.
  "jailed" in the output is the number of citizens in the arrested state: Mesa's
  ``arrested`` count, which includes citizens whose term has run out but who have not yet
  acted again.

Options switch each rule to NetLogo's "Rebellion" (Wilensky 2004): see :data:`OPTIONS`.

Speed: the whole sweep of one step (the shuffle, every agent's action in turn, the counts)
is one Numba kernel, :func:`defection.classic._epstein_kernel.sweep`, which keeps
neighbourhood counts up to date instead of scanning neighbourhoods. All random draws come
from :mod:`defection.engine.rng`, keyed by (stream, step, agent, slot), an agent being
identified in draws by the cell it started in: common random numbers.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

import numpy as np
from pydantic import Field, field_validator, model_validator

from defection.classic import _epstein_kernel as kernel
from defection.classic._epstein_kernel import ACTIVE, CITIZEN, COP, JAILED, QUIET
from defection.classic._params import ClassicParams, shown
from defection.engine.loop import Simulation, Step
from defection.errors import did_you_mean

STREAMS = ("place", "traits", "order", "move", "arrest")
"""Random streams of the model, in the fixed order their keys are spawned from the seed."""

MAX_VISION = 31

OPTIONS: dict[str, dict[str, str]] = {
    # option: {value: meaning}; the first value is Mesa's (the default), the second NetLogo's.
    "neighbourhood": {"von_neumann": "cells with |dx|+|dy| <= vision (Mesa)",
                      "euclidean": "cells with dx²+dy² <= vision² (NetLogo)"},
    "rounding": {"round": "P uses round(C/A), half to even as Python's round (Mesa)",
                 "floor": "P uses floor(C/A) (NetLogo)"},
    "jail_term": {"inclusive": "term uniform on 0..max_jail_term (Mesa)",
                  "exclusive": "term uniform on 0..max_jail_term-1 (NetLogo)"},
    "cop_after_arrest": {"stay": "the cop then moves at random like any agent (Mesa)",
                         "move": "the cop moves to the arrested citizen's cell; jailed citizens "
                                 "leave the grid until released (NetLogo)"},
}

VARIANTS = {
    "mesa": {"neighbourhood": "von_neumann", "rounding": "round", "jail_term": "inclusive",
             "cop_after_arrest": "stay"},
    "netlogo": {"neighbourhood": "euclidean", "rounding": "floor", "jail_term": "exclusive",
                "cop_after_arrest": "move"},
}


def _lower_choice(value: Any) -> Any:
    """Rule options and variants are case-insensitive words."""
    return value.strip().lower() if isinstance(value, str) else value


class EpsteinParams(ClassicParams):
    """Parameters; the defaults are Mesa 3.3's ``EpsteinCivilViolence`` defaults.

    A bad value raises :class:`~defection.errors.ScenarioError` naming the key, the value and
    what it must be. ``variant`` (``mesa`` or ``netlogo``, see :data:`VARIANTS`) sets the four
    rule options at once; explicit option keys override it."""

    label: ClassVar[str] = "epstein"
    extra_keys: ClassVar[tuple[str, ...]] = ("variant",)

    width: int = Field(40, ge=3, le=1 << 15)  # and at least 2*vision+1: checked with the visions below
    height: int = Field(40, ge=3, le=1 << 15)
    citizen_density: float = Field(0.7, ge=0.0, le=1.0)
    cop_density: float = Field(0.074, ge=0.0, le=1.0)
    citizen_vision: int = Field(7, ge=1, le=MAX_VISION)
    cop_vision: int = Field(7, ge=1, le=MAX_VISION)
    legitimacy: float = Field(0.8, ge=0.0, le=1.0)
    max_jail_term: int = Field(1000, ge=0, lt=1 << 30)
    active_threshold: float = 0.1
    arrest_prob_constant: float = Field(2.3, ge=0.0)
    movement: bool = True
    neighbourhood: Literal["von_neumann", "euclidean"] = "von_neumann"
    rounding: Literal["round", "floor"] = "round"
    jail_term: Literal["inclusive", "exclusive"] = "inclusive"
    cop_after_arrest: Literal["stay", "move"] = "stay"

    @field_validator(*OPTIONS, mode="before")
    @classmethod
    def _lower_options(cls, value: Any) -> Any:
        return _lower_choice(value)

    @model_validator(mode="before")
    @classmethod
    def _expand_variant(cls, data: Any) -> Any:
        if not isinstance(data, dict) or "variant" not in data:
            return data
        data = dict(data)
        name = _lower_choice(data.pop("variant"))
        if name not in VARIANTS:
            raise ValueError(f"variant={shown(name)} is not allowed; variant must be one of "
                             f"{', '.join(VARIANTS)}.{did_you_mean(str(name), VARIANTS)}")
        return {**VARIANTS[name], **data}

    @model_validator(mode="after")
    def _check_together(self) -> "EpsteinParams":
        total = self.citizen_density + self.cop_density
        if total > 1.0:
            raise ValueError(f"citizen_density + cop_density = {total:g} exceeds 1; lower one of them so that "
                             "they sum to at most 1.")
        least = 2 * max(self.citizen_vision, self.cop_vision) + 1
        for key in ("width", "height"):
            if getattr(self, key) < least:
                raise ValueError(f"{key}={getattr(self, key)!r} is not allowed; {key} must be an integer from "
                                 f"2*vision+1 = {least} to 32768 (the neighbourhood must not wrap onto itself).")
        return self


def spans(vision: int, neighbourhood: str) -> np.ndarray:
    """Half-width of the neighbourhood's row at dy = j − vision, for j = 0..2·vision."""
    dy = np.arange(-vision, vision + 1)
    if neighbourhood == "von_neumann":
        return (vision - np.abs(dy)).astype(np.int64)
    # largest dx with dx² + dy² <= vision², in exact integers
    out = np.empty(dy.size, np.int64)
    for j, d in enumerate(dy):
        r = math.isqrt(vision * vision - int(d) * int(d))
        out[j] = r
    return out


def offsets(sp: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(dx, dy) of every neighbourhood cell except the centre, row by row."""
    vis = (sp.size - 1) // 2
    dx, dy = [], []
    for j, r in enumerate(sp):
        for d in range(-int(r), int(r) + 1):
            if j == vis and d == 0:
                continue
            dx.append(d)
            dy.append(j - vis)
    return np.array(dx, np.int64), np.array(dy, np.int64)


# --------------------------------------------------------------------------- model
def neighbourhood_table(p: EpsteinParams) -> tuple[np.ndarray, int, int]:
    """The kernel's neighbourhood table ``nb`` (rows SPAN_C…DY_P of :mod:`._epstein_kernel`)
    and the number of cells in the citizens' and the cops' neighbourhoods (centre excluded).

    Per neighbourhood: the half-width of each row (see :func:`spans`); the (dx, dy) of its
    cells; the same offsets in the flat padded occupancy grid (rows of width + 2·halo);
    for citizens and vision <= 7, row j as 16 flags for a window of columns from dx = −vision.
    Rows are zero-padded to a common length of at least ``FAST_M``."""
    halo = max(p.citizen_vision, p.cop_vision)
    pw = p.width + 2 * halo
    sp_c, sp_p = spans(p.citizen_vision, p.neighbourhood), spans(p.cop_vision, p.neighbourhood)
    dx_c, dy_c = offsets(sp_c)
    dx_p, dy_p = offsets(sp_p)
    vis = p.citizen_vision
    # row j as 16 flags (1: column x − vision + i is in the row), rows one after the other
    masks = [int(abs(i - vis) <= r) for r in sp_c for i in range(16)] if vis <= 7 else []
    rows = {kernel.SPAN_C: sp_c, kernel.MASK_C: masks, kernel.OFF_C: dy_c * pw + dx_c, kernel.DX_C: dx_c, kernel.DY_C: dy_c,
            kernel.SPAN_P: sp_p, kernel.OFF_P: dy_p * pw + dx_p, kernel.DX_P: dx_p, kernel.DY_P: dy_p}
    nb = np.zeros((len(rows), max(kernel.FAST_M, dx_c.size, dx_p.size)), np.int32)
    for row, values in rows.items():
        nb[row, :len(values)] = values
    return nb, int(dx_c.size), int(dx_p.size)


def arrest_probability(p: EpsteinParams, cells: int, by_seen: bool = True) -> np.ndarray:
    """P[C, A] = 1 − exp(−k·round(C/A)) (or floor, by ``p.rounding``) for C = 0..cells cops
    and A = 0..cells+1 active citizens in vision (column A = 0 unused), as Mesa computes it:
    Python's ``round`` (half to even) of the float C/A, and ``math.exp``. With ``by_seen``
    false, P[m] = 1 − exp(−k·m) for m = 0..cells."""
    per_m = np.array([1.0 - math.exp(-1 * p.arrest_prob_constant * m) for m in range(cells + 1)])
    if not by_seen:
        return per_m
    ratio = np.arange(cells + 1)[:, None] / np.arange(1, cells + 2)[None, :]
    m = np.floor(ratio) if p.rounding == "floor" else np.round(ratio)  # np.round: half to even
    return np.concatenate([np.zeros((cells + 1, 1)), per_m[m.astype(np.int64)]], axis=1)


@dataclass
class EpsteinState:
    """Agent tables and grid indexes, as the kernel :func:`~._epstein_kernel.sweep` takes
    them (its docstring gives every array's shape and meaning). ``ai`` columns: cell (−1 =
    jailed off the grid), kind, state, jail term left, draw id (starting cell), x, y; ``af``
    columns: grievance, risk aversion (16 bytes, so that more agents fit in the L1 cache)."""

    params: EpsteinParams
    ai: np.ndarray
    af: np.ndarray
    hardship: np.ndarray
    grid: np.ndarray
    occ: np.ndarray
    bits: np.ndarray
    copc: np.ndarray
    actc: np.ndarray
    nb: np.ndarray
    perm: np.ndarray
    ip: np.ndarray
    fp: np.ndarray
    counts: np.ndarray
    rows: np.ndarray
    keys: np.ndarray
    hist: np.ndarray = field(default_factory=lambda: np.zeros((64, 4), np.int64))
    n_hist: int = 0

    def record(self, step: int) -> None:
        """Append (step, quiet, active, jailed) from ``counts`` to the history."""
        if self.n_hist == self.hist.shape[0]:
            self.hist = np.concatenate([self.hist, np.zeros_like(self.hist)])
        row = self.hist[self.n_hist]
        row[0] = step
        row[1:] = self.counts
        self.n_hist += 1

    @property
    def history(self) -> np.ndarray:
        """(step, quiet, active, jailed) rows, from step 0."""
        return self.hist[: self.n_hist]

    @property
    def n_agents(self) -> int:
        return int(self.ai.shape[0])

    # column views of the agent tables
    cell = property(lambda self: self.ai[:, kernel.CELL], doc="cell y·width + x, or −1 when jailed off the grid")
    kind = property(lambda self: self.ai[:, kernel.KIND], doc="CITIZEN or COP")
    state = property(lambda self: self.ai[:, kernel.STATE], doc="QUIET, ACTIVE or JAILED (cops: QUIET)")
    jail = property(lambda self: self.ai[:, kernel.JAIL], doc="jail steps left")
    grievance = property(lambda self: self.af[:, kernel.GRIEVANCE])
    risk_aversion = property(lambda self: self.af[:, kernel.RISK])

    @property
    def n_citizens(self) -> int:
        return int((self.kind == CITIZEN).sum())

    @property
    def n_cops(self) -> int:
        return int((self.kind == COP).sum())

    def count(self) -> tuple[int, int, int]:
        st = self.state[self.kind == CITIZEN]
        return int((st == QUIET).sum()), int((st == ACTIVE).sum()), int((st == JAILED).sum())


def _step_fn(sim: Simulation, day: int) -> None:
    s: EpsteinState = sim.state
    kernel.sweep(day + 1, s.perm, s.ai, s.af, s.grid, s.occ, s.bits, s.copc, s.actc, s.nb, s.ip, s.fp, s.keys,
            s.counts, s.rows)
    s.record(day + 1)


def build(params: EpsteinParams | None = None, seed: int = 0) -> Simulation:
    """A ready-to-run :class:`~defection.engine.loop.Simulation` of the model.

    ``sim.state.history`` holds ``(step, quiet, active, jailed)``, starting with step 0
    (the initial state, all quiet, as Mesa's data collector records it).
    """
    p = params or EpsteinParams()
    sim = Simulation(state=None, steps=[Step("sweep", _step_fn)], seed=seed, streams=STREAMS, params=p)
    W, H = p.width, p.height
    halo = max(p.citizen_vision, p.cop_vision)
    ncell = W * H
    nb, m_c, m_p = neighbourhood_table(p)
    mapw = W + 2 * halo + 16  # 16 spare columns for the kernel's fixed 16-column windows
    ai = np.zeros((ncell, kernel.AI_COLUMNS), np.int32)
    af = np.zeros((ncell, 2), np.float64)
    hardship = np.zeros(ncell, np.float64)
    grid = np.full(ncell, -1, np.int32)
    occ = np.zeros((H + 2 * halo) * (W + 2 * halo), np.uint8)
    copc = np.zeros((H, mapw), np.int32)
    n = kernel.populate(W, H, halo, p.citizen_density, p.cop_density, p.legitimacy, sim.keys["place"],
                   sim.keys["traits"], ai, af, hardship, grid, occ, copc, nb, p.citizen_vision)
    ip = np.zeros(kernel.N_IP, np.int64)
    ip[[kernel.P_W, kernel.P_H, kernel.P_HALO, kernel.P_VC, kernel.P_VP, kernel.P_MAXJAIL, kernel.P_MC, kernel.P_MP, kernel.P_BITS_C, kernel.P_BITS_P]] = (
        W, H, halo, p.citizen_vision, p.cop_vision, p.max_jail_term, m_c, m_p, (m_c - 1).bit_length(),
        (m_p - 1).bit_length())
    table = m_c <= kernel.FAST_M  # a (C, A) table of at most 0.5 MB, else P by round(C/A)
    ip[[kernel.P_MOVEMENT, kernel.P_INCLUSIVE, kernel.P_COPMOVE, kernel.P_SEEN]] = (
        p.movement, p.jail_term == "inclusive", p.cop_after_arrest == "move",
        m_c + 2 if table else -int(p.rounding == "floor"))
    P = arrest_probability(p, m_c, by_seen=table)
    fp = np.concatenate([[p.active_threshold], P.ravel()])
    state = EpsteinState(
        params=p, ai=np.ascontiguousarray(ai[:n]), af=np.ascontiguousarray(af[:n]), hardship=hardship[:n].copy(),
        grid=grid, occ=occ, bits=np.zeros((H, (W + 2 * halo + 63) // 64 + 1), np.uint64), copc=copc,
        actc=np.zeros((H, mapw), np.int32), nb=nb, perm=np.empty(n, np.int64), ip=ip, fp=fp,
        counts=np.zeros(3, np.int64), rows=np.zeros(2 * halo + 1, np.int64),
        keys=np.array([sim.keys["order"], sim.keys["move"], sim.keys["arrest"]], np.uint64),
    )
    state.counts[:] = state.count()
    state.record(0)
    sim.state = state
    return sim


def run(params: EpsteinParams | None = None, steps: int = 100, seed: int = 0,
        progress: Callable[[int], None] | None = None) -> dict[str, np.ndarray]:
    """Run ``steps`` steps; columns ``step, quiet, active, jailed`` (``steps + 1`` rows,
    step 0 is the initial state)."""
    sim = build(params, seed)
    sim.run(steps, progress=progress)
    return history_columns(sim.state)


def history_columns(state: EpsteinState) -> dict[str, np.ndarray]:
    h = state.history.copy()
    return {"step": h[:, 0], "quiet": h[:, 1], "active": h[:, 2], "jailed": h[:, 3]}


def summary(active: np.ndarray, jailed: np.ndarray, n_citizens: int, burn_in: int,
            outburst_level: float = 0.1) -> dict[str, float]:
    """The cross-check statistics of one run, from per-step counts (row 0 = step 0).

    * ``mean_active``: mean active fraction of citizens over steps after ``burn_in``;
    * ``mean_jailed``: mean jailed fraction over the same steps;
    * ``outbursts``: number of upward crossings of ``outburst_level`` by the active
      fraction over the same steps (a step above the level whose predecessor was not).
    """
    a = np.asarray(active, float) / max(n_citizens, 1)
    j = np.asarray(jailed, float) / max(n_citizens, 1)
    a_post = a[burn_in + 1:]
    prev = a[burn_in:-1]
    return {
        "mean_active": float(a_post.mean()),
        "mean_jailed": float(j[burn_in + 1:].mean()),
        "outbursts": int(np.sum((a_post > outburst_level) & ~(prev > outburst_level))),
    }


def check_invariants(state: EpsteinState) -> None:
    """Recompute the grid, occupancy, neighbourhood counts, active bit rows and state counts
    from the agent table and raise AssertionError on any mismatch (a test and debugging aid)."""
    p = state.params
    W, H = p.width, p.height
    halo = int(state.ip[kernel.P_HALO])
    cell, kind, st, jail = state.cell, state.kind, state.state, state.jail
    X, Y = state.ai[:, kernel.X], state.ai[:, kernel.Y]
    grid = np.full(W * H, -1, np.int32)
    on = cell >= 0
    assert np.array_equal(cell[on], (Y * W + X)[on]), "cell and (x, y) disagree"
    assert np.all(np.bincount(cell[on], minlength=W * H) <= 1), "two agents on one cell"
    grid[cell[on]] = np.nonzero(on)[0]
    assert np.array_equal(grid, state.grid), "grid does not match the agents' cells"
    assert np.all(on[kind == COP]), "a cop is off the grid"
    assert np.all((st[kind == CITIZEN] == JAILED) | on[kind == CITIZEN]), "a free citizen is off the grid"
    assert np.all(jail >= 0) and np.all(jail[st != JAILED] == 0), "jail term without arrest"
    assert np.all(st[kind == COP] == QUIET)
    assert tuple(state.counts) == state.count(), "state counts out of date"
    occ = np.zeros_like(state.occ)
    copc = np.zeros_like(state.copc)
    actc = np.zeros_like(state.actc)
    bits = np.zeros_like(state.bits)
    for a in np.nonzero(on)[0]:
        x, y = int(X[a]), int(Y[a])
        kernel.set_occupied(occ, x, y, halo, W, H, 1)
        if kind[a] == COP:
            kernel.add_to_map(copc, x, y, state.nb, p.citizen_vision, halo, H, 1)
        elif st[a] == ACTIVE:
            kernel.add_to_map(actc, x, y, state.nb, p.citizen_vision, halo, H, 1)
            kernel.set_bit(bits, y, x, halo, W)
    assert np.array_equal(occ, state.occ), "occupancy out of date"
    assert np.array_equal(copc, state.copc), "cop counts out of date"
    assert np.array_equal(actc, state.actc), "active counts out of date"
    assert np.array_equal(bits, state.bits), "active bit rows out of date"
