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
is one Numba kernel, and it never scans a neighbourhood cell by cell. It keeps indexes up to
date instead: for every cell, the number of cops and of active citizens within citizen
vision (so a citizen's C and A are two loads); the active citizens as bit rows padded by a
halo of ``max(vision)`` cells, so a cop counts and picks one with 2·vision+1 popcounts; and
a padded occupancy grid, in which a random empty cell within vision is found by rejection
sampling (exactly uniform, with an exact scan as fall-back). All random draws come from
:mod:`defection.engine.rng`, keyed by (stream, step, agent, slot), an agent being
identified in draws by the cell it started in: common random numbers.
"""
from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
from numba import njit

from defection.classic._bits import ctz, popcount
from defection.engine.loop import Simulation, Step
from defection.engine.rng import _mix, uniform
from defection.errors import ScenarioError, did_you_mean

STREAMS = ("place", "traits", "order", "move", "arrest")
"""Random streams of the model, in the fixed order their keys are spawned from the seed."""

QUIET, ACTIVE, JAILED = 0, 1, 2
CITIZEN, COP = 0, 1
MAX_VISION = 31

# rows of the agent integer table
_CELL, _KIND, _STATE, _JAIL, _RID, _X, _Y = range(7)
# planes of the bit grid
_OCC, _COPS, _ACT = range(3)

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


@dataclass(frozen=True)
class EpsteinParams:
    """Parameters; the defaults are Mesa 3.3's ``EpsteinCivilViolence`` defaults."""

    width: int = 40
    height: int = 40
    citizen_density: float = 0.7
    cop_density: float = 0.074
    citizen_vision: int = 7
    cop_vision: int = 7
    legitimacy: float = 0.8
    max_jail_term: int = 1000
    active_threshold: float = 0.1
    arrest_prob_constant: float = 2.3
    movement: bool = True
    neighbourhood: str = "von_neumann"
    rounding: str = "round"
    jail_term: str = "inclusive"
    cop_after_arrest: str = "stay"

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        def bad(key: str, allowed: str) -> ScenarioError:
            return ScenarioError(f"epstein: {key}={getattr(self, key)!r} is not allowed; {key} must be {allowed}.")

        for key in ("citizen_density", "cop_density", "legitimacy"):
            v = getattr(self, key)
            if not (0.0 <= v <= 1.0) or math.isnan(v):
                raise bad(key, "a number between 0 and 1")
        if self.citizen_density + self.cop_density > 1.0:
            raise ScenarioError(
                f"epstein: citizen_density + cop_density = {self.citizen_density + self.cop_density:g} "
                "exceeds 1; lower one of them so that they sum to at most 1."
            )
        for key in ("citizen_vision", "cop_vision"):
            v = getattr(self, key)
            if not (1 <= v <= MAX_VISION):
                raise bad(key, f"an integer from 1 to {MAX_VISION}")
        vmax = max(self.citizen_vision, self.cop_vision)
        for key in ("width", "height"):
            v = getattr(self, key)
            if not (2 * vmax + 1 <= v <= 1 << 15):
                raise bad(key, f"an integer from 2*vision+1 = {2 * vmax + 1} to 32768 (the neighbourhood "
                               "must not wrap onto itself)")
        if not (0 <= self.max_jail_term < 1 << 30):
            raise bad("max_jail_term", "a non-negative integer")
        if self.arrest_prob_constant < 0 or math.isnan(self.arrest_prob_constant):
            raise bad("arrest_prob_constant", "a non-negative number")
        if math.isnan(self.active_threshold):
            raise bad("active_threshold", "a number")
        for key, choices in OPTIONS.items():
            if getattr(self, key) not in choices:
                raise bad(key, "one of " + ", ".join(choices))
        if self.width * self.height >= 1 << 31:
            raise ScenarioError("epstein: width*height must be below 2**31 cells.")

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_settings(cls, settings: dict[str, str] | None = None) -> "EpsteinParams":
        """Parse ``--set key=value`` strings. ``variant=mesa|netlogo`` first sets the four
        rule options; explicit option keys override it."""
        settings = dict(settings or {})
        fields = {f.name: f for f in dataclasses.fields(cls)}
        valid = sorted(list(fields) + ["variant"])
        kwargs: dict[str, Any] = {}
        if "variant" in settings:
            v = settings.pop("variant").strip().lower()
            if v not in VARIANTS:
                raise ScenarioError(
                    f"epstein: variant={v!r} is not allowed; variant must be one of "
                    f"{', '.join(VARIANTS)}.{did_you_mean(v, VARIANTS)}"
                )
            kwargs.update(VARIANTS[v])
        for key, raw in settings.items():
            if key not in fields:
                raise ScenarioError(
                    f"epstein: unknown setting {key!r} (value {raw!r}); valid keys are "
                    f"{', '.join(valid)}.{did_you_mean(key, valid)}"
                )
            kwargs[key] = _parse(key, raw, fields[key].type, OPTIONS.get(key))
        return cls(**kwargs)


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _parse(key: str, raw: Any, typ: Any, choices: dict[str, str] | None) -> Any:
    s = str(raw).strip()
    typ = typ if isinstance(typ, str) else typ.__name__
    try:
        if typ == "int":
            f = float(s)
            if not f.is_integer():
                raise ValueError
            return int(f)
        if typ == "float":
            f = float(s)
            if math.isnan(f) or math.isinf(f):
                raise ValueError
            return f
        if typ == "bool":
            if s.lower() in _TRUE:
                return True
            if s.lower() in _FALSE:
                return False
            raise ValueError
    except ValueError:
        what = {"int": "an integer", "float": "a finite number", "bool": "true or false"}[typ]
        raise ScenarioError(f"epstein: {key}={s!r} is not valid; {key} must be {what}.") from None
    assert choices is not None
    v = s.lower()
    if v not in choices:
        raise ScenarioError(
            f"epstein: {key}={s!r} is not allowed; {key} must be one of {', '.join(choices)}."
            f"{did_you_mean(v, choices)}"
        )
    return v


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


# --------------------------------------------------------------------------- kernels
_ONE = np.uint64(1)
_DRAWS = 8  # draws for rejection sampling of a random empty cell before an exact scan
_TWO53 = 9007199254740992.0
_S53 = np.uint64(53)
_MASK53 = np.uint64((1 << 53) - 1)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)  # as in defection.engine.rng
_S32 = np.uint64(32)
_S56 = np.uint64(56)
_FAST_M = 256  # neighbourhoods up to this many cells draw 8 candidates of <= 8 bits per hash


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


@njit(cache=True, inline="always")
def ratio_rounded(cops, actives, use_floor):
    """floor(C/A), or round(C/A) exactly as Python's ``round`` (half to even), in integers."""
    m = cops // actives
    if not use_floor:
        r2 = 2 * (cops - m * actives)
        if r2 > actives or (r2 == actives and (m & 1) == 1):
            m += 1
    return m


@njit(cache=True, inline="always")
def _setbit(bits, y, x, halo, W):
    # the cell and its halo copy (the cell itself again if it has none): no branches, as a
    # third of the cells of a small grid lie in the halo and the branch would mispredict
    p = x + halo
    bits[y, p >> 6] |= _ONE << np.uint64(p & 63)
    p = x + halo + W * (np.int64(x < halo) - np.int64(x >= W - halo))
    bits[y, p >> 6] |= _ONE << np.uint64(p & 63)


@njit(cache=True, inline="always")
def _clrbit(bits, y, x, halo, W):
    p = x + halo
    bits[y, p >> 6] &= ~(_ONE << np.uint64(p & 63))
    p = x + halo + W * (np.int64(x < halo) - np.int64(x >= W - halo))
    bits[y, p >> 6] &= ~(_ONE << np.uint64(p & 63))


@njit(cache=True, inline="always")
def _field(bits, y, s, L):
    """The L (< 64) bits of row y starting at padded position s."""
    w = s >> 6
    o = s & 63
    v = bits[y, w] >> np.uint64(o)
    if o != 0:
        v |= bits[y, w + 1] << np.uint64(64 - o)
    return v & ((_ONE << np.uint64(L)) - _ONE)


@njit(cache=True, inline="always")
def _wrap(v, n):
    if v < 0:
        return v + n
    if v >= n:
        return v - n
    return v


@njit(cache=True, inline="always")
def _setocc(occ, x, y, halo, W, H, val):
    """Occupancy on the padded grid (flat, rows of W + 2·halo): cell (x, y) and its halo copies."""
    pw = W + 2 * halo
    xs0 = x + halo
    ys0 = y + halo
    xs1 = xs0 + W * (np.int64(x < halo) - np.int64(x >= W - halo))  # branch-free halo copies
    ys1 = ys0 + H * (np.int64(y < halo) - np.int64(y >= H - halo))
    occ[ys0 * pw + xs0] = val
    occ[ys0 * pw + xs1] = val
    occ[ys1 * pw + xs0] = val
    occ[ys1 * pw + xs1] = val


@njit(cache=True, inline="always")
def _hash64(key, day, agent, slot):
    """The 64 bits behind :func:`~defection.engine.rng.uniform` (same counter, same hash),
    all of them: ``uniform`` keeps the top 53."""
    counter = (np.uint64(agent) | (np.uint64(day) << _S32)) ^ (np.uint64(slot) << _S56)
    return _mix(key ^ _mix(counter * _GOLDEN + key))


@njit(cache=True, inline="always")
def _addmap16(m, x, y, mbits, vis, halo, H, d):
    """:func:`_addmap` for vision <= 7: each neighbourhood row is a fixed window of 16
    columns from x + halo − vis, masked by ``mbits[j]`` (bit k set: column k is in the
    row), so the update is one branch-free vector add per row. The map has 16 spare
    columns on the right, which the window may touch (adding 0)."""
    s = np.uint64(x + halo - vis)
    for j in range(2 * vis + 1):
        r = np.uint64(_wrap(y + j - vis, H))
        b = mbits[j]
        if d > 0:
            for k in range(16):
                m[r, s + np.uint64(k)] += np.int32((b >> k) & 1)
        else:
            for k in range(16):
                m[r, s + np.uint64(k)] -= np.int32((b >> k) & 1)


@njit(cache=True)
def _addmap(m, x, y, sp, vis, halo, H, d):
    """Add d over the neighbourhood of (x, y), centre included, to the count map m, whose
    rows are the grid rows and whose columns are padded: cell x' sits at column x' + halo
    (and at its halo copy). Only the occupant of a cell reads its entry, and it corrects
    for itself. One contiguous run per neighbourhood row, no wrapping within a row."""
    for j in range(2 * vis + 1):
        yy = _wrap(y + j - vis, H)
        r = sp[j]
        for k in range(x + halo - r, x + halo + r + 1):
            m[yy, k] += d


@njit(cache=True, inline="always")
def _addmap2(m, x, y, sp, mbits, vis, halo, H, d):
    if vis <= 7:
        _addmap16(m, x, y, mbits, vis, halo, H, d)
    else:
        _addmap(m, x, y, sp, vis, halo, H, d)


@njit(cache=True, inline="always")
def _readmap(m, x, y, halo, W):
    v = m[y, x + halo]
    if x < halo:
        v += m[y, x + halo + W]
    elif x >= W - halo:
        v += m[y, x + halo - W]
    return v


@njit(cache=True, inline="always")
def _rand_empty(occ, x, y, offl, odx, ody, W, H, halo, key, t, rid, slot0):
    """A uniformly chosen empty cell in the neighbourhood of (x, y) as (x', y'), or (-1, -1).

    Rejection sampling (exactly uniform) with an exact scan as fall-back: the result is a
    mixture of uniform choices, so uniform. ``offl`` are the offsets in the padded
    occupancy grid, so a candidate costs one add and one load."""
    M = odx.size
    flat = occ
    base = (y + halo) * (W + 2 * halo) + x + halo
    kk = -1
    if M <= _FAST_M:
        # the common case: one 64-bit hash gives 8 candidates of b = ceil(log2 M) bits
        # each, every one exactly uniform on 0..2^b − 1; a candidate counts if it is below M
        # (so it is exactly uniform on the M cells) and its cell is empty. The first such
        # candidate is taken: exact rejection sampling, so the cell is exactly uniform over
        # the empty ones. All 8 are tested without branches (``offl`` is padded to _FAST_M
        # entries, so out-of-range candidates load harmlessly).
        b = 0
        while (1 << b) < M:
            b += 1
        bb = np.uint64(b)
        msk = (_ONE << bb) - _ONE
        for s in range(_DRAWS):
            z = _hash64(key, t, rid, slot0 + s)
            zz = z
            e = np.uint64(0)
            for i in range(8):
                k = np.int64(zz & msk)
                zz >>= bb
                ok = (k < M) & (flat[base + offl[k]] == 0)
                e |= np.uint64(ok) << np.uint64(i)
            if e != 0:
                kk = np.int64((z >> (bb * ctz(e))) & msk)
                break
    elif M >= 2048:
        for s in range(_DRAWS):
            k = np.int64(uniform(key, t, rid, slot0 + s) * M)
            if flat[base + offl[k]] == 0:
                kk = k
                break
    else:
        # one draw, read as a 53-bit integer u, yields several candidates: u·M = k·2^53 + u',
        # and the remainder u' is again uniform, with log2(M) fewer random bits; reusing it
        # at most ``per`` times keeps every index uniform to within 2^-24 (relative)
        per = 3 if M < 512 else 2
        mm = np.uint64(M)
        for s in range(_DRAWS):
            u = np.uint64(uniform(key, t, rid, slot0 + s) * _TWO53)
            for _ in range(per):
                u *= mm
                k = np.int64(u >> _S53)
                u &= _MASK53
                if flat[base + offl[k]] == 0:
                    kk = k
                    break
            if kk >= 0:
                break
    if kk < 0:
        # exact scan: count the empty cells, draw one
        n = 0
        for k in range(M):
            if flat[base + offl[k]] == 0:
                n += 1
        if n > 0:
            kth = np.int64(uniform(key, t, rid, slot0 + _DRAWS) * n)
            for k in range(M):
                if flat[base + offl[k]] == 0:
                    if kth == 0:
                        kk = k
                        break
                    kth -= 1
    # one exit (an inlined function with several returns keeps reference-count calls)
    rx = -1
    ry = -1
    if kk >= 0:
        rx = _wrap(x + odx[kk], W)
        ry = _wrap(y + ody[kk], H)
    return rx, ry


@njit(cache=True)
def _sweep(t, perm, ai, af, grid, occ, bits, copc, actc, nb_c, nb_p, ip, fp, keys, counts, rows):
    """One step: shuffle all agents, let each act in turn, count citizens by state.

    ``copc``/``actc``: cops / active citizens in citizen vision of each cell (padded count
    maps, centre included); ``bits``: active citizens as padded bit rows, for cops to pick
    one; ``occ``: padded occupancy, for moves; ``grid``: the agent on each cell."""
    W = ip[0]
    H = ip[1]
    halo = ip[2]
    vc = ip[3]
    vp = ip[4]
    max_jail = ip[5]
    movement = ip[6] != 0
    use_floor = ip[7] != 0
    jail_incl = ip[8] != 0
    cop_move = ip[9] != 0
    T = fp[0]
    ptab = fp[1:]  # P = 1 − exp(−k·m) for m = 0, 1, …: computed once, by Python's math.exp
    k_order = keys[0]
    k_move = keys[1]
    k_arrest = keys[2]
    N = perm.size
    cell = ai[:, _CELL]
    kind = ai[:, _KIND]
    state = ai[:, _STATE]
    jail = ai[:, _JAIL]
    rid = ai[:, _RID]
    X = ai[:, _X]
    Y = ai[:, _Y]
    griev = af[:, 0]
    risk = af[:, 1]
    sp_c = nb_c.sp
    mb_c = nb_c.mbits
    sp_p = nb_p.sp
    offl_c = nb_c.offl
    odx_c = nb_c.odx
    ody_c = nb_c.ody
    offl_p = nb_p.offl
    odx_p = nb_p.odx
    ody_p = nb_p.ody

    for i in range(N):
        perm[i] = i
    for i in range(N - 1, 0, -1):
        j = np.int64(uniform(k_order, t, i, 0) * (i + 1))
        tmp = perm[i]
        perm[i] = perm[j]
        perm[j] = tmp

    for q in range(N):
        a = perm[q]
        x = np.int64(X[a])
        y = np.int64(Y[a])
        if kind[a] == CITIZEN:
            if jail[a] > 0:
                jail[a] -= 1
                continue
            was_active = state[a] == ACTIVE
            if cell[a] < 0:
                # released from off-grid jail (cop_after_arrest = move): back to its cell, or
                # to a random empty cell within vision of it, or it waits one more step
                if grid[y * W + x] >= 0:
                    x, y = _rand_empty(occ, x, y, offl_c, odx_c, ody_c, W, H, halo, k_move, t, rid[a], 64)
                    if x < 0:
                        continue
                cell[a] = y * W + x
                X[a] = x
                Y[a] = y
                grid[y * W + x] = a
                _setocc(occ, x, y, halo, W, H, 1)
            G = griev[a]
            new = QUIET
            if G > T:
                cops = _readmap(copc, x, y, halo, W)
                if cops == 0:
                    new = ACTIVE
                else:
                    act = _readmap(actc, x, y, halo, W) + 1  # the citizen counts herself ...
                    if was_active:
                        act -= 1  # ... once
                    P = ptab[ratio_rounded(cops, act, use_floor)]
                    if G - risk[a] * P > T:
                        new = ACTIVE
            state[a] = new
            nx = x
            ny = y
            if movement:
                nx, ny = _rand_empty(occ, x, y, offl_c, odx_c, ody_c, W, H, halo, k_move, t, rid[a], 0)
                if nx >= 0:
                    grid[y * W + x] = -1
                    _setocc(occ, x, y, halo, W, H, 0)
                    grid[ny * W + nx] = a
                    _setocc(occ, nx, ny, halo, W, H, 1)
                    cell[a] = ny * W + nx
                    X[a] = nx
                    Y[a] = ny
                else:
                    nx = x
                    ny = y
            moved = nx != x or ny != y
            if was_active and (new != ACTIVE or moved):
                _clrbit(bits, y, x, halo, W)
                _addmap2(actc, x, y, sp_c, mb_c, vc, halo, H, -1)
            if new == ACTIVE and (not was_active or moved):
                _setbit(bits, ny, nx, halo, W)
                _addmap2(actc, nx, ny, sp_c, mb_c, vc, halo, H, 1)
        else:
            act = 0
            # with equal visions, the citizens' count map says at once whether any active
            # citizen is in sight (the cop's own cell holds none), which is the common case
            if vp != vc or _readmap(actc, x, y, halo, W) > 0:
                for j in range(2 * vp + 1):
                    yy = _wrap(y + j - vp, H)
                    r = sp_p[j]
                    n = np.int64(popcount(_field(bits, yy, x - r + halo, 2 * r + 1)))
                    rows[j] = n
                    act += n
            nx = -1
            ny = -1
            if act > 0:
                kth = np.int64(uniform(k_arrest, t, rid[a], 0) * act)
                tx = -1
                ty = -1
                for j in range(2 * vp + 1):
                    if kth < rows[j]:
                        yy = _wrap(y + j - vp, H)
                        r = sp_p[j]
                        w = _field(bits, yy, x - r + halo, 2 * r + 1)
                        for _ in range(kth):
                            w &= w - _ONE
                        tx = _wrap(x - r + np.int64(ctz(w)), W)
                        ty = yy
                        break
                    kth -= rows[j]
                v = grid[ty * W + tx]
                u = uniform(k_arrest, t, rid[a], 1)
                if jail_incl:
                    jail[v] = np.int64(u * (max_jail + 1))
                else:
                    jail[v] = np.int64(u * max_jail)
                state[v] = JAILED
                _clrbit(bits, ty, tx, halo, W)
                _addmap2(actc, tx, ty, sp_c, mb_c, vc, halo, H, -1)
                if cop_move:
                    # the jailed citizen leaves the grid (X, Y keep its cell); the cop takes it
                    cell[v] = -1
                    grid[ty * W + tx] = -1
                    _setocc(occ, tx, ty, halo, W, H, 0)
                    nx = tx
                    ny = ty
            if nx < 0 and movement:
                nx, ny = _rand_empty(occ, x, y, offl_p, odx_p, ody_p, W, H, halo, k_move, t, rid[a], 0)
            if nx >= 0:
                grid[y * W + x] = -1
                _setocc(occ, x, y, halo, W, H, 0)
                grid[ny * W + nx] = a
                _setocc(occ, nx, ny, halo, W, H, 1)
                cell[a] = ny * W + nx
                X[a] = nx
                Y[a] = ny
                _addmap2(copc, x, y, sp_c, mb_c, vc, halo, H, -1)
                _addmap2(copc, nx, ny, sp_c, mb_c, vc, halo, H, 1)

    nq = 0
    na = 0
    nj = 0
    for a in range(N):
        if kind[a] == CITIZEN:
            st = state[a]
            if st == QUIET:
                nq += 1
            elif st == ACTIVE:
                na += 1
            else:
                nj += 1
    counts[0] = nq
    counts[1] = na
    counts[2] = nj


@njit(cache=True)
def _populate(W, H, halo, cd, pd, legit, k_place, k_traits, ai, af, grid, occ, copc, sp_c, vc):
    n = 0
    for c in range(W * H):
        u = uniform(k_place, 0, c, 0)
        if u < cd + pd:
            kind = CITIZEN if u < cd else COP
            x = c % W
            y = c // W
            ai[n, _CELL] = c
            ai[n, _KIND] = kind
            ai[n, _STATE] = QUIET
            ai[n, _JAIL] = 0
            ai[n, _RID] = c
            ai[n, _X] = x
            ai[n, _Y] = y
            h = uniform(k_traits, 0, c, 0)
            af[n, 0] = h * (1.0 - legit)
            af[n, 1] = uniform(k_traits, 0, c, 1)
            af[n, 2] = h
            grid[c] = n
            _setocc(occ, x, y, halo, W, H, 1)
            if kind == COP:
                _addmap(copc, x, y, sp_c, vc, halo, H, 1)
            n += 1
    return n


# --------------------------------------------------------------------------- model
def _neighbourhood(vision: int, kind: str, padded_width: int):
    """Precomputed tables of one neighbourhood, as a named tuple the kernel can take."""
    sp = spans(vision, kind)
    dx, dy = offsets(sp)
    offl = np.zeros(max(dx.size, _FAST_M), np.int64)  # padded for _rand_empty's fast path
    offl[:dx.size] = dy * padded_width + dx
    vis = (sp.size - 1) // 2
    # row j of the neighbourhood as a 16-column window from x − vision (for vision <= 7)
    mbits = np.array([((1 << (2 * int(r) + 1)) - 1) << (vis - int(r)) for r in sp], np.int64)
    return Neighbourhood(sp=sp, offl=offl, odx=dx, ody=dy, mbits=mbits)


class Neighbourhood(NamedTuple):
    """``sp``: half-width of each row (see :func:`spans`); ``odx``/``ody``: offsets of its
    cells, centre excluded; ``offl``: the same offsets in the flat padded occupancy grid
    (padded with zeros to at least ``_FAST_M`` entries); ``mbits``: row j as a bit mask of
    a 16-column window starting at dx = −vision (used when vision <= 7)."""

    sp: np.ndarray
    offl: np.ndarray
    odx: np.ndarray
    ody: np.ndarray
    mbits: np.ndarray


@dataclass
class EpsteinState:
    """Agent tables and grid indexes. ``ai`` columns (agent-major, so one agent's fields
    share a cache line): cell (−1 = jailed off the grid), kind, state, jail term left, draw
    id (starting cell), x, y; ``af`` columns: grievance, risk aversion, hardship. ``grid`` holds the agent on each cell or −1; ``occ`` (padded occupancy),
    ``copc``/``actc`` (neighbourhood counts) and ``bits`` (active bit rows) are indexes the
    kernel keeps up to date."""

    params: EpsteinParams
    ai: np.ndarray
    af: np.ndarray
    grid: np.ndarray
    occ: np.ndarray
    bits: np.ndarray
    copc: np.ndarray
    actc: np.ndarray
    nb_c: Neighbourhood
    nb_p: Neighbourhood
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
    cell = property(lambda self: self.ai[:, _CELL], doc="cell y·width + x, or −1 when jailed off the grid")
    kind = property(lambda self: self.ai[:, _KIND], doc="CITIZEN or COP")
    state = property(lambda self: self.ai[:, _STATE], doc="QUIET, ACTIVE or JAILED (cops: QUIET)")
    jail = property(lambda self: self.ai[:, _JAIL], doc="jail steps left")
    grievance = property(lambda self: self.af[:, 0])
    risk_aversion = property(lambda self: self.af[:, 1])
    hardship = property(lambda self: self.af[:, 2])

    @property
    def n_citizens(self) -> int:
        return int((self.ai[:, _KIND] == CITIZEN).sum())

    @property
    def n_cops(self) -> int:
        return int((self.ai[:, _KIND] == COP).sum())

    def count(self) -> tuple[int, int, int]:
        cit = self.ai[:, _KIND] == CITIZEN
        st = self.ai[cit, _STATE]
        return int((st == QUIET).sum()), int((st == ACTIVE).sum()), int((st == JAILED).sum())


def _step_fn(sim: Simulation, day: int) -> None:
    s: EpsteinState = sim.state
    _sweep(day + 1, s.perm, s.ai, s.af, s.grid, s.occ, s.bits, s.copc, s.actc, s.nb_c, s.nb_p, s.ip,
           s.fp, s.keys, s.counts, s.rows)
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
    nwords = (W + 2 * halo + 63) // 64 + 1
    ncell = W * H
    pw = W + 2 * halo
    nb_c = _neighbourhood(p.citizen_vision, p.neighbourhood, pw)
    nb_p = _neighbourhood(p.cop_vision, p.neighbourhood, pw)
    mapw = W + 2 * halo + 16  # 16 spare columns for _addmap16's fixed windows
    ai = np.zeros((ncell, 8), np.int32)  # agent-major: one agent's fields share a cache line
    af = np.zeros((ncell, 4), np.float64)
    grid = np.full(ncell, -1, np.int32)
    occ = np.zeros((H + 2 * halo) * pw, np.uint8)
    copc = np.zeros((H, mapw), np.int32)
    n = _populate(W, H, halo, p.citizen_density, p.cop_density, p.legitimacy, sim.keys["place"],
                  sim.keys["traits"], ai, af, grid, occ, copc, nb_c.sp, p.citizen_vision)
    ai = np.ascontiguousarray(ai[:n])
    af = np.ascontiguousarray(af[:n])
    ip = np.array([W, H, halo, p.citizen_vision, p.cop_vision, p.max_jail_term, int(p.movement),
                   int(p.rounding == "floor"), int(p.jail_term == "inclusive"),
                   int(p.cop_after_arrest == "move")], np.int64)
    m_max = int(nb_c.odx.size)  # round(C/A) <= C <= cells in vision
    fp = np.array([p.active_threshold] + [1.0 - math.exp(-1 * p.arrest_prob_constant * m) for m in range(m_max + 1)],
                  np.float64)
    keys = np.array([sim.keys["order"], sim.keys["move"], sim.keys["arrest"]], np.uint64)
    state = EpsteinState(
        params=p, ai=ai, af=af, grid=grid, occ=occ, bits=np.zeros((H, nwords), np.uint64), copc=copc,
        actc=np.zeros((H, mapw), np.int32), nb_c=nb_c, nb_p=nb_p, perm=np.empty(n, np.int64), ip=ip, fp=fp,
        counts=np.zeros(3, np.int64), rows=np.zeros(2 * halo + 1, np.int64), keys=keys,
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
    """Recompute the grid, occupancy, neighbourhood counts and active bit rows from the agent
    table and raise AssertionError on any mismatch (a test and debugging aid)."""
    p = state.params
    W, H = p.width, p.height
    halo = int(state.ip[2])
    cell, kind, st, jail, X, Y = (state.ai[:, r] for r in (_CELL, _KIND, _STATE, _JAIL, _X, _Y))
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
    occ = np.zeros_like(state.occ)
    copc = np.zeros_like(state.copc)
    actc = np.zeros_like(state.actc)
    bits = np.zeros_like(state.bits)
    for a in np.nonzero(on)[0]:
        x, y = int(X[a]), int(Y[a])
        _setocc(occ, x, y, halo, W, H, 1)
        if kind[a] == COP:
            _addmap(copc, x, y, state.nb_c.sp, p.citizen_vision, halo, H, 1)
        elif st[a] == ACTIVE:
            _addmap(actc, x, y, state.nb_c.sp, p.citizen_vision, halo, H, 1)
            _setbit(bits, y, x, halo, W)
    assert np.array_equal(occ, state.occ), "occupancy out of date"
    assert np.array_equal(copc, state.copc), "cop counts out of date"
    assert np.array_equal(actc, state.actc), "active counts out of date"
    assert np.array_equal(bits, state.bits), "active bit rows out of date"
