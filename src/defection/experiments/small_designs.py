"""Designs too small to mean anything: the checks behind the warnings of ``sensitivity``, ``calibrate`` and
``compare`` (issue 26). Each returns the figures of its warning as a dict (written to the command's JSON, worded
by :func:`defection.formatting.design_warnings` for the command line and the report), or None.

The power estimate for a paired comparison is the usual one for a paired t-test [1]_: to exclude 0 from a
two-sided interval at level 1 - alpha with probability ``POWER``, when the true effect is the estimated mean
difference m and the differences have standard deviation s, about n = ((z_{1-alpha/2} + z_POWER) s / m)^2 pairs
(with t quantiles at n - 1 degrees of freedom in place of z, which matters at a few replicates).

References
----------
.. [1] Chow, S.-C., Shao, J. & Wang, H. (2008). *Sample Size Calculations in Clinical Research*, 2nd ed.,
   section 3.1 (one-sample / paired mean). Chapman & Hall/CRC.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

EPSILON_STILL_FALLING = 0.15  # the last generation cut epsilon by more than this share: the fit had not settled
SOBOL_NEGLIGIBLE = 0.05  # a Sobol index whose whole interval lies below this explains next to nothing: not flagged
MORRIS_NEGLIGIBLE = 0.05  # likewise a mu* below this share of the output's largest mu*
POWER = 0.8
MAX_REPLICATES = 1_000_000  # the estimate stops here (an effect near 0 needs more than anyone would run)


def wide_indices(method: str, outputs: dict[str, dict[str, Any]], conf_level: float) -> dict[str, Any] | None:
    """Indices whose confidence interval (index ± conf, so 2 conf wide) is wider than the index itself, leaving
    out those that are confidently negligible; the worst one as the example."""
    kinds = ("S1", "ST") if method == "sobol" else ("mu_star",)
    flagged, total = [], 0
    for output, r in outputs.items():
        for kind in kinds:
            values, confs = np.asarray(r[kind], float), np.asarray(r[f"{kind}_conf"], float)
            floor = SOBOL_NEGLIGIBLE if method == "sobol" else MORRIS_NEGLIGIBLE * np.nanmax(np.abs(values), initial=0)
            for name, value, conf in zip(r["names"], values, confs):
                total += 1
                if not (math.isfinite(value) and math.isfinite(conf)) or abs(value) + conf < floor:
                    continue
                if 2 * conf > abs(value):
                    flagged.append((conf / max(abs(value), 1e-300), output, kind, name, float(value), float(conf)))
    if not flagged:
        return None
    _, output, kind, name, value, conf = max(flagged)
    return {"check": "wide_indices", "count": len(flagged), "total": total, "conf_level": conf_level,
            "output": output, "index": kind, "parameter": name, "value": value, "conf": conf}


def epsilon_still_falling(epsilons: Sequence[float]) -> dict[str, Any] | None:
    """The last ABC-SMC generation cut the tolerance epsilon by more than EPSILON_STILL_FALLING."""
    if len(epsilons) < 2 or not epsilons[-2] > 0:
        return None
    drop = 1 - epsilons[-1] / epsilons[-2]
    if drop <= EPSILON_STILL_FALLING:
        return None
    return {"check": "epsilon_still_falling", "drop": float(drop), "before": float(epsilons[-2]),
            "after": float(epsilons[-1]), "generations": len(epsilons), "limit": EPSILON_STILL_FALLING}


def replicates_needed(differences: np.ndarray, level: float) -> int | None:
    """Pairs needed for the ``level`` interval to exclude 0 with probability POWER if the effect is as estimated;
    None when the estimated effect is 0.

    The normal approximation's n, then raised until Student's t quantiles at n - 1 degrees of freedom agree: at a
    few replicates the normal one would promise fewer pairs than the ones that just failed to tell."""
    from scipy import stats

    mean, sd = float(np.mean(differences)), float(np.std(differences, ddof=1))
    if mean == 0:
        return None
    ratio = sd / abs(mean)
    z = stats.norm.ppf(1 - (1 - level) / 2) + stats.norm.ppf(POWER)
    n = max(2, math.ceil((z * ratio) ** 2))
    while n < MAX_REPLICATES and (stats.t.ppf(1 - (1 - level) / 2, n - 1) + stats.t.ppf(POWER, n - 1)) * ratio \
            > math.sqrt(n):
        n += 1
    return n


def undecided_effects(effects: list[dict[str, Any]], replicates: int, level: float) -> dict[str, Any] | None:
    """Paired effects whose interval contains 0, with the replicates the example would need.

    ``effects``: one dict per policy and outcome with ``policy``, ``outcome``, ``differences`` (paired, finite),
    ``lo`` and ``hi``. Effects that are 0 in every pair (an outcome the policy cannot move) or 0 on average (no
    number of replicates would tell them from 0) are left out.
    The example is the undecided effect on defections needing the fewest replicates, else any outcome's.
    """
    undecided = []
    for e in effects:
        d = e["differences"]
        if len(d) < 2 or e["lo"] is None or not (e["lo"] <= 0 <= e["hi"]) or not np.any(d != 0):
            continue
        needed = replicates_needed(d, level)
        if needed is not None:
            undecided.append((e["outcome"] != "defected", needed, e))
    if not undecided:
        return None
    _, needed, e = min(undecided, key=lambda u: u[:2])
    return {"check": "undecided_effects", "count": len(undecided), "total": len(effects), "replicates": replicates,
            "level": level, "power": POWER, "policy": e["policy"], "outcome": e["outcome"],
            "effect": float(np.mean(e["differences"])), "lo": float(e["lo"]), "hi": float(e["hi"]), "needed": needed}
