"""The findings over the plausible box: a Latin hypercube [1]_ over every parameter with a plausible range, one
run per point, and the share of the box where each finding (:mod:`defection.experiments.findings`) holds.

References
----------
.. [1] McKay, M. D., Beckman, R. J. & Conover, W. J. (1979). A comparison of three methods for selecting values of
   input variables in the analysis of output from a computer code. *Technometrics* 21(2), 239-245.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from defection.experiments.findings import CHECKS, Check, check_all

BOX_EXCLUDED = ("run.",)  # numerical choices (scale), not uncertainty about Myanmar


def box_parameters() -> list[Any]:
    """Every scalar parameter with a plausible range, as :class:`~defection.experiments.design.Vary` (integers kept)."""
    from defection.experiments.design import Vary
    from defection.scenarios.schema import parameters, plausible_range

    out = []
    for key, field in parameters().items():
        rng = plausible_range(key)
        if rng is None or key.startswith(BOX_EXCLUDED):
            continue
        out.append(Vary(key, rng[0], rng[1], integer=field.annotation is int))
    return out


def box_points(points: int = 128, seed: int = 0) -> list[list[str]]:
    """A Latin hypercube of ``points`` over :func:`box_parameters`, each point as scenario overrides."""
    from defection.experiments.design import sample

    varies = box_parameters()
    matrix = sample(varies, "lhs", points, seed)
    return [[f"{v.key}={int(round(x)) if v.integer else float(x)!r}" for v, x in zip(varies, row)] for row in matrix]


def _box_point(overrides: list[str], seed: int) -> dict[str, Check]:
    from defection import api

    return check_all([api.run("myanmar-2021", seed=seed, overrides=overrides, threads=1)])


def box(points: int = 128, seed: int = 0, workers: int = 2) -> list[dict[str, Check]]:
    """Each finding at each point of the plausible box (one run per point, seed ``seed``), on ``workers`` processes.

    The result does not depend on ``workers``: every run is a pure function of its overrides and seed.
    """
    todo = box_points(points, seed)
    if workers <= 1:
        return [_box_point(overrides, seed) for overrides in todo]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        return list(pool.map(_box_point, todo, [seed] * len(todo)))


def box_shares(checks: list[dict[str, Check]]) -> dict[str, float]:
    """The share of the box where each finding holds."""
    return {name: float(np.mean([c[name].holds for c in checks])) for name in CHECKS}


if __name__ == "__main__":  # python -m defection.experiments.findings_box [POINTS]: the README's box shares
    import sys

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 128
    for name, share in box_shares(box(n)).items():
        print(f"{name}: holds in {share:.0%} of {n} points")
