"""Draws of what the data cannot identify, for ``compare``, the dose-response curve and the dashboard:
from a calibration's posterior, or a Latin hypercube over plausible ranges (docs/glossary.md, "parameter draw").

:func:`make_draws` is the one implementation: ``defection optimize`` draws its uncertain parameters with it
too. It sits above :mod:`~defection.experiments.calibration` (whose posterior the draws may come from); the
statistics of an ensemble over them are in :mod:`~defection.experiments.uncertainty`.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from defection.errors import DefectionError
from defection.experiments.uncertainty import DEFAULT_UNCERTAIN, check_parameter_draws, latin_hypercube


def parameter_draws(base: dict[str, Any], n: int, seed: int, posterior: str | Path | None = None,
                    uncertain: list[str] | None = None) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """``n`` draws of what the data cannot identify, as overrides, and how they were made (for the manifest).

    Parameters
    ----------
    base : dict
        The scenario every draw applies to, as a dict (``Scenario.model_dump(mode="json")``).
    n : int
        Draws: 0 (none) or at least 2.
    seed : int
        The seed of the draws (the Latin hypercube, or the choice of posterior particles).
    posterior : str or pathlib.Path, optional
        A ``defection calibrate`` directory, read through
        :func:`defection.experiments.calibration.read_calibration`: its posterior's particles are drawn by weight,
        for the parameters it fitted. Without it, a Latin hypercube spans ``uncertain``.
    uncertain : list of str, optional
        ``KEY`` or ``KEY=lo:hi`` spanned by the Latin hypercube; by default the parameters ``defection optimize``
        draws (:data:`defection.experiments.uncertainty.DEFAULT_UNCERTAIN`), over their plausible ranges.

    Returns
    -------
    (list of dict, dict)
        Each draw's overrides (``{"section.key": value}``), and ``{"posterior": {...}}`` or
        ``{"latin_hypercube": [...]}`` saying how they were drawn.
    """
    n = check_parameter_draws(n)
    if n == 0:
        return [], {}
    if posterior is not None and not Path(posterior).is_dir():
        raise DefectionError(f"--posterior {posterior}: not a directory. Give a directory written by "
                             "`defection calibrate`.")
    return make_draws(base, n, seed, None if posterior is None else Path(posterior), uncertain)


def make_draws(base: dict[str, Any], n: int, seed: int, posterior: Path | None,
               uncertain: list[str] | None) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """:func:`parameter_draws` without its checks (any ``n`` of 1 or more): the posterior's particles drawn by
    weight with the stream ``posterior-draws`` of ``seed``, then the Latin hypercube over ``uncertain`` (by
    default :data:`~defection.experiments.uncertainty.DEFAULT_UNCERTAIN`, none with a posterior)."""
    draws: list[dict[str, Any]] = [{} for _ in range(n)]
    how: dict[str, Any] = {}
    if posterior is not None:
        from defection.experiments import calibration

        _, fits, table, _, _ = calibration.read_calibration(Path(posterior), observations=False)
        particles = calibration.draw_particles(table, n, calibration.generator(seed, "posterior-draws"))
        for d, p in enumerate(particles):
            draws[d].update({f.key: (int(round(p[f.key])) if f.integer else float(p[f.key])) for f in fits})
        how["posterior"] = {"dir": str(posterior), "keys": [f.key for f in fits]}
    keys = list(uncertain) if uncertain is not None else ([] if posterior is not None else list(DEFAULT_UNCERTAIN))
    points, how["latin_hypercube"] = latin_hypercube(keys, n, seed)
    for d in range(n):
        draws[d].update(points[d])
    return draws, how
