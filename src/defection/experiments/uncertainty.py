"""Uncertainty that includes parameters: ensembles over parameter draws as well as seeds, and how much of an
interval each contributes.

Without parameter draws, an ensemble's runs differ by their seeds only, and a paired effect's interval is Monte
Carlo noise at the scenario's values (docs/glossary.md, "interval over seeds only"). With ``N`` *parameter draws*
(:func:`parameter_draws`) the parameters the data cannot identify are drawn too: from a calibration's posterior
(``posterior``, read through :func:`defection.experiments.calibration.read_calibration`), or by a Latin hypercube
over the plausible ranges (:func:`defection.scenarios.schema.plausible_range`) of the parameters
:mod:`defection.experiments.optimize` draws (:data:`DEFAULT_UNCERTAIN`: the response to support and its unit
costs; :func:`defection.experiments.draws.parameter_draws` makes them). Every draw runs with the same ``R`` seeds in every arm of a comparison
(common random numbers), and the seeds differ between draws, so that the draws' noise is independent.

:func:`decompose` splits the variance of a paired effect, ``d[j, r]`` for draw ``j`` and seed ``r``, by the
one-way analysis of variance (method of moments):

* the *seed part* is the variance of a draw's mean effect over its seeds, ``W / R``, with ``W`` the variance
  over a draw's seeds averaged over the draws;
* the *parameter part* is the rest of the variance ``S²`` between the draws' mean effects, ``max(S² - W / R, 0)``.

Their shares (of their sum) are what each contributes to the interval's variance. The interval is where the
effect lies at a parameter setting drawn as the draws were, a 90% prediction interval over the draws' mean
effects: ``mean ± t(0.95, N - 1) · S · √(1 + 1/N)``. More seeds shrink only its seed part.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from defection.errors import DefectionError

LEVEL = 0.90

# Parameters the observed series (defections, killings, arrests before the programmes open) cannot
# pin down: how officers respond to support, and what support costs. The Latin hypercube spans their plausible
# ranges, so a plan's cost is uncertain too: a draw's dearer protection buys fewer families with the same budget.
RESPONSE_TO_SUPPORT = ("support.protection_efficacy", "decision.w_family", "decision.w_livelihood",
                       "livelihood.outside_option_kyat", "decision.w_peer", "regime.adapt_rate")
# The unit costs of the levers (docs/sources.md, Support costs). Not the stipend: it is the amount a family
# receives, which the programme sets and officers weigh, so drawing it would vary the offer, not its price.
SUPPORT_COSTS = ("support.protection_cost_kyat", "support.outreach_cost_kyat")
DEFAULT_UNCERTAIN = RESPONSE_TO_SUPPORT + SUPPORT_COSTS


def check_parameter_draws(n: int, option: str = "--parameter-draws") -> int:
    """``n`` if it is 0 (seeds only) or at least 2; one draw has no spread to tell from the seeds'."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or (n != 0 and n < 2):
        raise DefectionError(f"{option} {n}: give 0 (seeds only, the default) or at least 2 draws of the parameters "
                             "the data cannot identify; one draw has no spread to tell from the seeds'.")
    return int(n)


def latin_hypercube(keys: list[str], n: int, seed: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """``n`` points of a Latin hypercube over ``keys`` (``KEY`` for its plausible range, or ``KEY=lo:hi``), as
    overrides, and the ranges spanned (for the manifest). None for fewer than 2 points: one point spans nothing.

    The one implementation of the draws :mod:`~defection.experiments.optimize`, ``compare --parameter-draws`` and
    ``forecast --parameter-draws`` make (:func:`defection.experiments.design.sample`, seeded by ``seed``)."""
    from defection.experiments import design, models

    points: list[dict[str, Any]] = [{} for _ in range(n)]
    varies = design.parse_varies(list(keys), models.get("defection")) if keys else []
    if varies and n >= 2:
        X = design.sample(varies, "lhs", n, seed)
        for d in range(n):
            points[d].update({v.key: (int(X[d, j]) if v.integer else float(X[d, j])) for j, v in enumerate(varies)})
    return points, [v.to_dict() for v in varies] if n >= 2 else []


def drawn_keys(how: dict[str, Any]) -> list[str]:
    """The parameters a set of draws varies, from :func:`parameter_draws`'s ``how``."""
    if how.get("posterior"):
        return list(how["posterior"].get("keys") or [])
    return [v.get("key") for v in how.get("latin_hypercube") or [] if v.get("key")]


def _t95(df: int) -> float:
    from scipy import stats

    return float(stats.t.ppf(0.5 + LEVEL / 2, df))


def decompose(values: np.ndarray) -> dict[str, float | None]:
    """The mean of ``values`` (shape draws x seeds), its 90% interval over the draws and the variance shares.

    Parameters
    ----------
    values : numpy.ndarray
        ``values[j, r]``: a paired effect (or any outcome) of seed ``r`` on parameter draw ``j``. NaN (a failed
        run) is left out; a draw needs a value to count, and two for its seeds' variance.

    Returns
    -------
    dict
        ``mean``, ``lo`` and ``hi`` (``mean ± t(0.95, N - 1) · S · √(1 + 1/N)``, None with fewer than 2 draws),
        ``parameter_share`` and ``seed_share`` (of the variance of a draw's mean: the parameters' part
        ``max(S² - W/R, 0)`` and the seeds' ``W/R``; None when both are 0), and ``between`` (``S²``) and
        ``within`` (``W``).
    """
    v = np.asarray(values, float)
    if v.ndim != 2:
        raise ValueError("values must be a (draws, seeds) array")
    counts = np.sum(np.isfinite(v), axis=1)
    rows = v[counts > 0]
    counts = counts[counts > 0]
    if not len(rows):
        return {"mean": None, "lo": None, "hi": None, "parameter_share": None, "seed_share": None,
                "between": None, "within": None}
    means = np.nanmean(rows, axis=1)
    mean = float(np.mean(means))
    n = len(means)
    with np.errstate(invalid="ignore"):
        spread = [np.nanvar(r, ddof=1) for r, c in zip(rows, counts) if c >= 2]
    within = float(np.mean(spread)) if spread else 0.0
    seeds_part = float(np.mean([within / c for c in counts])) if spread else 0.0
    between = float(np.var(means, ddof=1)) if n >= 2 else None
    out: dict[str, float | None] = {"mean": mean, "lo": None, "hi": None, "parameter_share": None,
                                    "seed_share": None, "between": between, "within": within}
    if between is None:
        return out
    half = _t95(n - 1) * math.sqrt(between) * math.sqrt(1 + 1 / n)
    out["lo"], out["hi"] = mean - half, mean + half
    params_part = max(between - seeds_part, 0.0)
    total = params_part + seeds_part
    if total > 0:
        out["parameter_share"] = params_part / total
        out["seed_share"] = seeds_part / total
    return out


def spread_shares(values: np.ndarray) -> tuple[float | None, float | None]:
    """The shares of one run's variance (not a draw's mean's) that come from the parameters and from the seeds:
    ``max(S² - W/R, 0)`` against ``W``, for an ensemble's 5–95% interval over its runs. (None, None) with fewer
    than 2 draws or no spread."""
    v = np.asarray(values, float)
    d = decompose(v)
    if d["between"] is None or d["within"] is None:
        return None, None
    counts = np.sum(np.isfinite(v), axis=1)
    counts = counts[counts > 0]
    params = max(d["between"] - float(np.mean([d["within"] / c for c in counts])), 0.0)
    total = params + d["within"]
    return (params / total, d["within"] / total) if total > 0 else (None, None)


def by_draw(values: np.ndarray, draws: int) -> np.ndarray:
    """Runs in draw-major order (draw ``j``'s seeds together) as a (draws, seeds) array."""
    v = np.asarray(values, float)
    return v.reshape(draws, len(v) // draws)
