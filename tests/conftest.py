"""Shared fixtures: ensembles of the default scenario are run once per session and reused."""
from __future__ import annotations

import functools

import numpy as np
import pytest

from defection import api

SEEDS = tuple(range(10))


@functools.lru_cache(maxsize=None)
def ensemble(overrides: tuple[str, ...] = (), seeds: tuple[int, ...] = SEEDS) -> tuple:
    """Results of the default scenario with ``overrides``, one per seed (cached for the session)."""
    return tuple(api.run("myanmar-2021", seed=s, overrides=list(overrides)) for s in seeds)


def final(results, name: str) -> np.ndarray:
    """Day-334 value of a series, shape (seeds,)."""
    return np.array([r.series(name)[-1] for r in results], dtype=float)


def paired_interval(a: np.ndarray, b: np.ndarray, z: float = 2.262) -> tuple[float, float, float]:
    """Mean of b - a and its 95% t-interval (t with 9 df for 10 seeds by default)."""
    d = np.asarray(b, float) - np.asarray(a, float)
    half = z * d.std(ddof=1) / np.sqrt(len(d))
    return d.mean(), d.mean() - half, d.mean() + half


@pytest.fixture(scope="session")
def default_runs():
    return ensemble()
