"""Counter-based random numbers: common random numbers by construction.

A draw is a pure function of ``(stream key, day, agent id, slot)``. The stream key
is spawned once per mechanism from the run seed with :class:`numpy.random.SeedSequence`,
so streams are independent, and no draw depends on how many draws other agents made
before it. That gives (MODEL.md §7):

* paired counterfactuals: two runs that differ only in a lever share every draw the
  lever does not touch;
* determinism under any thread count or chunking: the order of evaluation is irrelevant.

The hash is SplitMix64's finaliser applied twice (Steele, Lea & Flood 2014), which passes
BigCrush when keyed by a counter.
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S11 = np.uint64(11)
_S32 = np.uint64(32)
_S56 = np.uint64(56)
_TO_UNIT = 1.0 / 9007199254740992.0  # 2**-53


@njit(cache=True, inline="always")
def _mix(z):
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    return z ^ (z >> _S31)


@njit(cache=True, inline="always")
def uniform(key, day, agent, slot):
    """One U[0, 1) draw for ``agent`` on ``day`` from the stream ``key``.

    ``key`` is a uint64 stream key; ``day`` < 2**24, ``agent`` < 2**32 and ``slot`` < 256
    index the counter. ``slot`` separates several draws a mechanism needs for one agent.
    """
    counter = (np.uint64(agent) | (np.uint64(day) << _S32)) ^ (np.uint64(slot) << _S56)
    z = _mix(key ^ _mix(counter * _GOLDEN + key))
    return float(z >> _S11) * _TO_UNIT


@njit(cache=True, inline="always")
def normal(key, day, agent, slot):
    """One standard normal draw (Box–Muller on two counter slots ``slot`` and ``slot+1``)."""
    u1 = uniform(key, day, agent, slot)
    u2 = uniform(key, day, agent, slot + 1)
    return math.sqrt(-2.0 * math.log(1.0 - u1)) * math.cos(2.0 * math.pi * u2)


@njit(cache=True)
def poisson(key, day, agent, slot, lam):
    """One Poisson(``lam``) draw. Inversion below ``lam`` = 30, a rounded normal above.

    Inversion uses a single uniform, so the draw stays a function of the counter alone.
    """
    if lam <= 0.0:
        return 0
    if lam > 30.0:
        x = lam + math.sqrt(lam) * normal(key, day, agent, slot)
        return max(0, int(x + 0.5))
    u = uniform(key, day, agent, slot)
    p = math.exp(-lam)
    cdf = p
    k = 0
    while u > cdf and k < 1000:
        k += 1
        p *= lam / k
        cdf += p
    return k


def stream_keys(seed: int, names: tuple[str, ...] | list[str]) -> dict[str, np.uint64]:
    """Spawn one independent uint64 stream key per mechanism name from the run seed.

    Keys depend on the position of a name in ``names``, so callers must pass a fixed,
    documented tuple (the engine uses :data:`defection.engine.STREAMS`); adding a stream
    at the end leaves the others unchanged.
    """
    children = np.random.SeedSequence(int(seed)).spawn(len(names))
    return {n: np.uint64(c.generate_state(1, dtype=np.uint64)[0]) for n, c in zip(names, children)}


@njit(cache=True)
def uniform_array(key, day, n, slot):
    """``n`` draws for agents ``0..n-1``: shape (n,), float64."""
    out = np.empty(n)
    for i in range(n):
        out[i] = uniform(key, day, i, slot)
    return out


@njit(parallel=True, cache=True)
def fill_uniform(out, key, day, slot):
    """Fill ``out`` (shape (n,), any float dtype) with the draws of agents ``0..n-1``, in place.

    Writing straight into the caller's array (float32 for civilians) avoids a float64
    temporary of 400 MB at full scale; each element depends on its index only, so the
    parallel loop gives the same array on any thread count.
    """
    for i in prange(len(out)):
        out[i] = uniform(key, day, i, slot)
