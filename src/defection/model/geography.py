"""Geography: the 15 states and regions and their 330 townships (2014 census).

The census gives population and township counts per state/region only; townships in a
state/region share its population equally (assumed; no public township totals are shipped).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from defection.data import region_names, rows

_CENSUS = rows("regions-2014-census")
REGION_NAMES: tuple[str, ...] = region_names()


@dataclass(frozen=True)
class Geography:
    """Townships as arrays of shape (T,), T = 330."""

    region_names: tuple[str, ...]
    township_region: np.ndarray  # (T,) int16, index into region_names
    township_population: np.ndarray  # (T,) int64, people

    @property
    def n_townships(self) -> int:
        return len(self.township_region)


def myanmar() -> Geography:
    regions, pops = [], []
    for ri, r in enumerate(_CENSUS):
        n, pop = int(r["townships"]), int(r["population_2014"])
        share = np.full(n, pop // n, dtype=np.int64)
        share[: pop - share.sum()] += 1  # spread the remainder so totals match the census exactly
        regions.append(np.full(n, ri, dtype=np.int16))
        pops.append(share)
    return Geography(REGION_NAMES, np.concatenate(regions), np.concatenate(pops))


def apportion(total: int, weights: np.ndarray) -> np.ndarray:
    """Integer counts proportional to ``weights`` that sum exactly to ``total`` (largest remainder)."""
    w = np.asarray(weights, dtype=np.float64)
    exact = total * w / w.sum()
    counts = np.floor(exact).astype(np.int64)
    short = total - counts.sum()
    if short:
        counts[np.argsort(-(exact - counts), kind="stable")[:short]] += 1
    return counts
