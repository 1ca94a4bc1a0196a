"""Numba kernels of :mod:`defection.classic.epstein`: one step of the whole model.

The sweep never scans a neighbourhood cell by cell. It keeps indexes up to date instead:
for every cell, the number of cops and of active citizens within citizen vision (so a
citizen's C and A are two loads); the active citizens as bit rows padded by a halo of
``max(vision)`` cells, so a cop counts and picks one with 2·vision+1 popcounts; and a padded
occupancy grid, in which a random empty cell within vision is found by rejection sampling
(exactly uniform, with an exact scan as fall-back).

Every function here is compiled with Numba's ``_nrt=False`` (no reference counting: the
kernels allocate nothing). With it on, each inlined helper that takes an array added atomic
``NRT_incref``/``NRT_decref`` calls to the loop, about a sixth of the step's cost. The
kernel takes plain contiguous arrays (no named tuples, no views) and indexes the hot ones
with unsigned integers, for which Numba adds no negative-index wrap.
"""
from __future__ import annotations

import numpy as np
from numba import njit

from defection.engine.bits import add16, ctz, popcount, sub16
from defection.engine.rng import _mix, uniform

QUIET, ACTIVE, JAILED = 0, 1, 2
CITIZEN, COP = 0, 1

# columns of the agent integer table ``ai`` (agent-major, so one agent's fields share a cache line)
CELL, KIND, STATE, JAIL, RID, X, Y = range(7)
AI_COLUMNS = 8
# columns of the agent float table ``af``
GRIEVANCE, RISK = range(2)
# rows of the neighbourhood table ``nb``: citizens' (…_C) and cops' (…_P) neighbourhoods
SPAN_C, MASK_C, OFF_C, DX_C, DY_C, SPAN_P, OFF_P, DX_P, DY_P = range(9)
# entries of the integer parameters ``ip``
(P_W, P_H, P_HALO, P_VC, P_VP, P_MAXJAIL, P_MOVEMENT, P_INCLUSIVE, P_COPMOVE, P_MC, P_MP, P_BITS_C,
 P_BITS_P, P_SEEN) = range(14)
N_IP = 14

FAST_M = 256  # neighbourhoods up to this many cells draw 8 candidates of <= 8 bits per hash
_DRAWS = 8  # hashes for rejection sampling of a random empty cell before an exact scan
_ONE = np.uint64(1)
_TWO53 = 9007199254740992.0
_S53 = np.uint64(53)
_MASK53 = np.uint64((1 << 53) - 1)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)  # as in defection.engine.rng
_S32 = np.uint64(32)
_S56 = np.uint64(56)


@njit(cache=True, inline="always", _nrt=False)
def arrest_probability(fp, stride, cops, seen):
    """P for C cops and A active citizens in vision: from the (C, A) table at
    ``fp[1 + C·stride + A]`` if there is one (stride > 0: no division, no branch), else
    from P(m) at ``fp[1 + m]``, m = round(C/A) half to even, or floor(C/A) if stride = −1."""
    if stride > 0:
        P = fp[np.uint64(1 + cops * stride + seen)]
    else:
        m = cops // seen
        r2 = 2 * (cops - m * seen)
        if stride == 0 and (r2 > seen or (r2 == seen and (m & 1) == 1)):
            m += 1
        P = fp[1 + m]
    return P


@njit(cache=True, inline="always", _nrt=False)
def _wrap(v, n):
    # branch-free: on small grids a third of the moves cross an edge, which would mispredict
    return v + n * (np.int64(v < 0) - np.int64(v >= n))


@njit(cache=True, inline="always", _nrt=False)
def _halo_copy(x, halo, W):
    """Padded column of the halo copy of column x; x + halo itself when it has none."""
    return x + halo + W * (np.int64(x < halo) - np.int64(x >= W - halo))


@njit(cache=True, inline="always", _nrt=False)
def set_bit(bits, y, x, halo, W):
    """Set cell (x, y) and its halo copy in the padded bit rows (branch-free)."""
    p = x + halo
    bits[y, p >> 6] |= _ONE << np.uint64(p & 63)
    p = _halo_copy(x, halo, W)
    bits[y, p >> 6] |= _ONE << np.uint64(p & 63)


@njit(cache=True, inline="always", _nrt=False)
def _clear_bit(bits, y, x, halo, W):
    p = x + halo
    bits[y, p >> 6] &= ~(_ONE << np.uint64(p & 63))
    p = _halo_copy(x, halo, W)
    bits[y, p >> 6] &= ~(_ONE << np.uint64(p & 63))


@njit(cache=True, inline="always", _nrt=False)
def _field(bits, y, s, L):
    """The L (< 64) bits of row y starting at padded position s."""
    w = s >> 6
    o = s & 63
    v = bits[y, w] >> np.uint64(o)
    if o != 0:
        v |= bits[y, w + 1] << np.uint64(64 - o)
    return v & ((_ONE << np.uint64(L)) - _ONE)


@njit(cache=True, inline="always", _nrt=False)
def set_occupied(occ, x, y, halo, W, H, val):
    """Occupancy on the padded grid (flat, rows of W + 2·halo): cell (x, y) and its halo copies."""
    pw = W + 2 * halo
    xs0 = x + halo
    ys0 = y + halo
    xs1 = _halo_copy(x, halo, W)
    ys1 = _halo_copy(y, halo, H)
    occ[np.uint64(ys0 * pw + xs0)] = val  # unsigned indices: Numba adds no negative-index wrap
    occ[np.uint64(ys0 * pw + xs1)] = val
    occ[np.uint64(ys1 * pw + xs0)] = val
    occ[np.uint64(ys1 * pw + xs1)] = val


@njit(cache=True, inline="always", _nrt=False)
def _hash64(key, day, agent, slot):
    """The 64 bits behind :func:`~defection.engine.rng.uniform` (same counter, same hash),
    all of them: ``uniform`` keeps the top 53."""
    counter = (np.uint64(agent) | (np.uint64(day) << _S32)) ^ (np.uint64(slot) << _S56)
    return _mix(key ^ _mix(counter * _GOLDEN + key))


@njit(cache=True, _nrt=False)
def add_to_map(m, x, y, nb, vis, halo, H, d):
    """Add d over the citizen neighbourhood of (x, y), centre included, to the count map m,
    whose rows are the grid rows and whose columns are padded: cell x' sits at column
    x' + halo (and at its halo copy). One contiguous run per neighbourhood row."""
    for j in range(2 * vis + 1):
        yy = _wrap(y + j - vis, H)
        r = nb[SPAN_C, j]
        for k in range(x + halo - r, x + halo + r + 1):
            m[yy, k] += d


@njit(cache=True, inline="always", _nrt=False)
def _update_map(m, x, y, nb, vis, halo, H, d):
    """:func:`add_to_map`; for vision <= 7 each neighbourhood row is a fixed window of 16
    columns from x + halo − vis, masked by the flags ``nb[MASK_C, 16·j:16·j + 16]``, so that
    the update is one 16-lane vector add per row (the map has 16 spare columns)."""
    if vis <= 7:
        width = m.shape[1]
        masks = MASK_C * nb.shape[1]
        for j in range(2 * vis + 1):
            at = _wrap(y + j - vis, H) * width + x + halo - vis
            if d > 0:
                add16(m, at, nb, masks + 16 * j)
            else:
                sub16(m, at, nb, masks + 16 * j)
    else:
        add_to_map(m, x, y, nb, vis, halo, H, d)


@njit(cache=True, inline="always", _nrt=False)
def read_map(m, x, y, halo, W):
    """Count at cell (x, y): its own column plus its halo copy's, if any (branch-free)."""
    p = x + halo
    c = _halo_copy(x, halo, W)
    r = np.uint64(y)
    return m[r, np.uint64(p)] + m[r, np.uint64(c)] * np.int32(c != p)


@njit(cache=True, inline="always", _nrt=False)
def random_empty(occ, nb, off_row, M, bits, base, key, t, rid, slot0):
    """Index k < M of a uniformly chosen empty cell of a neighbourhood, or −1 if none.

    ``base`` is the centre's index in the flat padded occupancy grid, ``nb[off_row, k]``
    the offset of neighbour k in it (0 for M <= k < 2^bits), and 2^bits >= M. Rejection sampling (exactly uniform)
    with an exact scan as fall-back: the result is a mixture of uniform choices, so uniform.
    """
    kk = -1
    if M <= FAST_M:
        # the common case: one 64-bit hash gives 8 candidates of b = ceil(log2 M) bits each,
        # every one exactly uniform on 0..2^b − 1; a candidate counts if it is below M and
        # its cell is empty, and the first that counts is taken: exact rejection sampling.
        # All 8 are tested without branches (the offsets are padded to FAST_M entries).
        # A candidate k >= M reads offset 0, the centre, which the mover occupies: rejected
        # without a test. Indices are unsigned so that Numba adds no negative-index wrap.
        bb = np.uint64(bits)
        msk = (_ONE << bb) - _ONE
        for s in range(_DRAWS):
            z = _hash64(key, t, rid, slot0 + s)
            zz = z
            e = np.uint64(0)
            for i in range(8):
                k = zz & msk
                zz >>= bb
                free = occ[np.uint64(base + nb[off_row, k])] == 0
                e |= np.uint64(free) << np.uint64(i)
            if e != 0:
                kk = np.int64((z >> (bb * ctz(e))) & msk)
                break
    elif M >= 2048:
        # (a 53-bit integer times M would overflow 64 bits: one candidate per draw)
        for s in range(_DRAWS):
            k = np.int64(uniform(key, t, rid, slot0 + s) * M)
            if occ[base + nb[off_row, k]] == 0:
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
                if occ[base + nb[off_row, k]] == 0:
                    kk = k
                    break
            if kk >= 0:
                break
    if kk < 0:
        kk = _scan_empty(occ, nb, off_row, M, base, key, t, rid, slot0 + _DRAWS)
    return kk


@njit(cache=True, _nrt=False)
def _scan_empty(occ, nb, off_row, M, base, key, t, rid, slot):
    """Exact draw among the empty cells of a neighbourhood (−1 if none): count, then pick."""
    n = 0
    for k in range(M):
        n += occ[base + nb[off_row, k]] == 0
    kk = -1
    if n > 0:
        kth = np.int64(uniform(key, t, rid, slot) * n)
        for k in range(M):
            if occ[base + nb[off_row, k]] == 0:
                if kth == 0:
                    kk = k
                    break
                kth -= 1
    return kk


@njit(cache=True, inline="always", _nrt=False)
def _vacate(grid, occ, x, y, halo, W, H):
    """Mark cell (x, y) empty."""
    grid[np.uint64(y * W + x)] = -1
    set_occupied(occ, x, y, halo, W, H, 0)


@njit(cache=True, inline="always", _nrt=False)
def _place(ai, grid, occ, a, x, y, halo, W, H):
    """Put agent a on the empty cell (x, y)."""
    grid[np.uint64(y * W + x)] = a
    set_occupied(occ, x, y, halo, W, H, 1)
    ai[a, CELL] = y * W + x
    ai[a, X] = x
    ai[a, Y] = y


@njit(cache=True, inline="always", _nrt=False)
def _relocate(ai, grid, occ, a, x, y, nx, ny, halo, W, H):
    """Move agent a from (x, y) to the empty cell (nx, ny)."""
    _vacate(grid, occ, x, y, halo, W, H)
    _place(ai, grid, occ, a, nx, ny, halo, W, H)


@njit(cache=True, inline="always", _nrt=False)
def _move_target(occ, nb, ip, cop, x, y, key, t, rid, slot0):
    """(x', y') of a uniformly chosen empty cell within vision of (x, y), or (−1, −1); in
    the cops' neighbourhood if ``cop``, else the citizens'."""
    W = ip[P_W]
    H = ip[P_H]
    halo = ip[P_HALO]
    base = (y + halo) * (W + 2 * halo) + x + halo
    if cop:
        k = random_empty(occ, nb, OFF_P, ip[P_MP], ip[P_BITS_P], base, key, t, rid, slot0)
        dx_row, dy_row = DX_P, DY_P
    else:
        k = random_empty(occ, nb, OFF_C, ip[P_MC], ip[P_BITS_C], base, key, t, rid, slot0)
        dx_row, dy_row = DX_C, DY_C
    nx = -1
    ny = -1
    if k >= 0:
        nx = _wrap(x + nb[dx_row, k], W)
        ny = _wrap(y + nb[dy_row, k], H)
    return nx, ny


@njit(cache=True, inline="always", _nrt=False)
def _return_from_jail(a, t, ai, grid, occ, nb, ip, key):
    """A citizen released from off-grid jail (cop_after_arrest = move) goes back to its cell,
    or to a random empty cell within vision of it; False if there is none (it waits)."""
    W = ip[P_W]
    H = ip[P_H]
    halo = ip[P_HALO]
    x = np.int64(ai[a, X])
    y = np.int64(ai[a, Y])
    if grid[y * W + x] >= 0:
        x, y = _move_target(occ, nb, ip, False, x, y, key, t, ai[a, RID], 64)
    if x >= 0:
        _place(ai, grid, occ, a, x, y, halo, W, H)
    return x >= 0


@njit(cache=True, inline="always", _nrt=False)
def _citizen_acts(a, t, ai, af, grid, occ, bits, copc, actc, nb, ip, fp, key):
    """A free citizen decides to be active or quiet, then moves; a jailed one serves a step.
    Returns the change in the numbers of active and of jailed citizens."""
    W = ip[P_W]
    H = ip[P_H]
    halo = ip[P_HALO]
    vc = ip[P_VC]
    acts = ai[a, JAIL] == 0
    if not acts:
        ai[a, JAIL] -= 1
    elif ai[a, CELL] < 0:
        acts = _return_from_jail(a, t, ai, grid, occ, nb, ip, key)
    d_active = 0
    d_jailed = 0
    if acts:
        x = np.int64(ai[a, X])
        y = np.int64(ai[a, Y])
        old = ai[a, STATE]
        was_active = old == ACTIVE
        G = af[a, GRIEVANCE]
        cops = read_map(copc, x, y, halo, W)
        seen = read_map(actc, x, y, halo, W) + np.int32(not was_active)  # she counts herself once
        P = arrest_probability(fp, ip[P_SEEN], cops, seen)
        # active iff G − R·P > T, which implies G > T as R·P >= 0: no branch on G > T
        new = np.int32(ACTIVE) if G - af[a, RISK] * P > fp[0] else np.int32(QUIET)
        ai[a, STATE] = new
        nx = x
        ny = y
        if ip[P_MOVEMENT] != 0:
            nx, ny = _move_target(occ, nb, ip, False, x, y, key, t, ai[a, RID], 0)
            if nx >= 0:
                _relocate(ai, grid, occ, a, x, y, nx, ny, halo, W, H)
            else:
                nx = x
                ny = y
        moved = nx != x or ny != y
        if was_active and (new != ACTIVE or moved):
            _clear_bit(bits, y, x, halo, W)
            _update_map(actc, x, y, nb, vc, halo, H, -1)
        if new == ACTIVE and (not was_active or moved):
            set_bit(bits, ny, nx, halo, W)
            _update_map(actc, nx, ny, nb, vc, halo, H, 1)
        d_active = np.int64(new == ACTIVE) - np.int64(was_active)
        d_jailed = -np.int64(old == JAILED)
    return d_active, d_jailed


@njit(cache=True, inline="always", _nrt=False)
def _pick_active(bits, rows, x, y, nb, vp, halo, W, H, u):
    """(x', y') of a uniformly chosen active citizen within cop vision of (x, y), or (−1, −1);
    ``u`` is a U[0, 1) draw. Counts them row by row with popcounts, then takes the kth."""
    n = 0
    for j in range(2 * vp + 1):
        r = nb[SPAN_P, j]
        c = np.int64(popcount(_field(bits, _wrap(y + j - vp, H), x - r + halo, 2 * r + 1)))
        rows[j] = c
        n += c
    tx = -1
    ty = -1
    if n > 0:
        kth = np.int64(u * n)
        for j in range(2 * vp + 1):
            if kth < rows[j]:
                ty = _wrap(y + j - vp, H)
                r = nb[SPAN_P, j]
                w = _field(bits, ty, x - r + halo, 2 * r + 1)
                for _ in range(kth):
                    w &= w - _ONE
                tx = _wrap(x - r + np.int64(ctz(w)), W)
                break
            kth -= rows[j]
    return tx, ty


@njit(cache=True, inline="always", _nrt=False)
def _cop_acts(a, t, ai, grid, occ, bits, copc, actc, nb, ip, rows, k_move, k_arrest):
    """A cop arrests a random active citizen in vision, if any, then moves. Returns the
    number of arrests (0 or 1)."""
    W = ip[P_W]
    H = ip[P_H]
    halo = ip[P_HALO]
    vc = ip[P_VC]
    vp = ip[P_VP]
    x = np.int64(ai[a, X])
    y = np.int64(ai[a, Y])
    rid = ai[a, RID]
    tx = -1
    ty = -1
    # with equal visions, the citizens' count map says at once whether any active citizen is
    # in sight (the cop's own cell holds none), which is the common case
    if vp != vc or read_map(actc, x, y, halo, W) > 0:
        tx, ty = _pick_active(bits, rows, x, y, nb, vp, halo, W, H, uniform(k_arrest, t, rid, 0))
    nx = -1
    ny = -1
    if tx >= 0:
        v = np.uint64(grid[ty * W + tx])
        term = ip[P_MAXJAIL] + np.int64(ip[P_INCLUSIVE] != 0)  # 0..max or 0..max−1
        ai[v, JAIL] = np.int64(uniform(k_arrest, t, rid, 1) * term)
        ai[v, STATE] = JAILED
        _clear_bit(bits, ty, tx, halo, W)
        _update_map(actc, tx, ty, nb, vc, halo, H, -1)
        if ip[P_COPMOVE] != 0:
            # the jailed citizen leaves the grid (X, Y keep its cell); the cop takes it
            ai[v, CELL] = -1
            _vacate(grid, occ, tx, ty, halo, W, H)
            nx = tx
            ny = ty
    if nx < 0 and ip[P_MOVEMENT] != 0:
        nx, ny = _move_target(occ, nb, ip, True, x, y, k_move, t, rid, 0)
    if nx >= 0:
        _relocate(ai, grid, occ, a, x, y, nx, ny, halo, W, H)
        _update_map(copc, x, y, nb, vc, halo, H, -1)
        _update_map(copc, nx, ny, nb, vc, halo, H, 1)
    return np.int64(tx >= 0)


@njit(cache=True, inline="always", _nrt=False)
def _shuffle(perm, key, t):
    """perm ← a uniformly random permutation of 0..N−1 (Fisher–Yates on stream ``key``)."""
    N = perm.size
    for i in range(N):
        perm[i] = i
    for i in range(N - 1, 0, -1):
        j = np.int64(uniform(key, t, i, 0) * (i + 1))
        tmp = perm[i]
        perm[i] = perm[j]
        perm[j] = tmp


@njit(cache=True, _nrt=False)
def sweep(t, perm, ai, af, grid, occ, bits, copc, actc, nb, ip, fp, keys, counts, rows):
    """Step t: shuffle all agents, let each act in turn (random sequential activation),
    and update ``counts`` (quiet, active, jailed citizens).

    ``ai`` (N, 8) int32 and ``af`` (N, 2) float64: agent tables (columns CELL…Y and
    GRIEVANCE, RISK); ``grid`` (W·H,): agent on each cell or −1; ``occ``: padded
    occupancy; ``bits`` (H, words): active citizens as padded bit rows; ``copc``/``actc``
    (H, W + 2·halo + 16): cops / active citizens within citizen vision of each cell, centre
    included; ``nb``: neighbourhood tables (rows SPAN_C…DY_P); ``ip``: integer parameters
    (P_W…P_SEEN); ``fp``: threshold T, then arrest probabilities (see
    :func:`arrest_probability`); ``keys``:
    the order, move and arrest streams; ``rows`` (2·vision+1,): scratch."""
    total = counts[0] + counts[1] + counts[2]
    active = counts[1]
    jailed = counts[2]
    _shuffle(perm, keys[0], t)
    for q in range(perm.size):
        a = np.uint64(perm[q])  # unsigned: no negative-index wrap on the many ai[a, …]
        if ai[a, KIND] == CITIZEN:
            d_active, d_jailed = _citizen_acts(a, t, ai, af, grid, occ, bits, copc, actc, nb, ip, fp, keys[1])
            active += d_active
            jailed += d_jailed
        else:
            arrests = _cop_acts(a, t, ai, grid, occ, bits, copc, actc, nb, ip, rows, keys[1], keys[2])
            active -= arrests
            jailed += arrests
    counts[0] = total - active - jailed
    counts[1] = active
    counts[2] = jailed


@njit(cache=True, _nrt=False)
def populate(W, H, halo, cd, pd, legit, k_place, k_traits, ai, af, hardship, grid, occ, copc, nb, vc):
    """Place agents cell by cell (citizen with probability cd, cop with pd) and draw traits;
    returns the number of agents."""
    n = 0
    for c in range(W * H):
        u = uniform(k_place, 0, c, 0)
        if u < cd + pd:
            kind = CITIZEN if u < cd else COP
            x = c % W
            y = c // W
            ai[n, CELL] = c
            ai[n, KIND] = kind
            ai[n, STATE] = QUIET
            ai[n, JAIL] = 0
            ai[n, RID] = c
            ai[n, X] = x
            ai[n, Y] = y
            h = uniform(k_traits, 0, c, 0)
            af[n, GRIEVANCE] = h * (1.0 - legit)
            af[n, RISK] = uniform(k_traits, 0, c, 1)
            hardship[n] = h
            grid[c] = n
            set_occupied(occ, x, y, halo, W, H, 1)
            if kind == COP:
                add_to_map(copc, x, y, nb, vc, halo, H, 1)
            n += 1
    return n
