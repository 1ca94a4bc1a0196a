"""The DIIS / Nyan Corridor report's findings, as checks that can fail, and the plausible box they are checked over.

Each check takes results of one scenario (one or several seeds; anything with ``series(name)``,
``summary`` and ``timeseries``, such as :class:`defection.api.Result`) and returns a :class:`Check`:
whether the finding holds, the statistic it rests on, and the threshold. They are used by the
tests (default scenario over 10 seeds, and failing regions), by :func:`box` (a Latin hypercube
over every parameter with a plausible range, one run per point) and by the README.

F1  Defectors come mostly from the civilian branch: its police defection rate is at least 3x the
    paramilitary's.
F2  Defectors include higher ranks and long-serving police: senior share of police defectors >= 5%.
F3  Quiet resisters outnumber defectors (police, at the end and threefold on 27 April 2021) and
    bear social punishment.
F4  Fear is the main thing that holds opposed officers back: the largest share of quiet-resister
    days in the decomposition of why they stay (decision.HELD_BY).
F5  Growing splits: the split (quiet resisters plus defectors, a share of both forces) grows in
    every half-year while violence continues.

References
----------
.. [1] Kyed, H. M. & Nyan Corridor (2021). *Police under the military coup in Myanmar: between violence, fear
   and desertion*. DIIS.
.. [2] McKay, M. D., Beckman, R. J. & Conover, W. J. (1979). A comparison of three methods for selecting values of
   input variables in the analysis of output from a computer code. *Technometrics* 21(2), 239-245.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from defection.model.decision import HELD_BY

OFFICER_RANKS = ("sub_lieutenant", "lieutenant", "captain", "major", "lt_colonel_plus")
LONG_SERVING = ("15-19", "20+")
EARLY_DATE = dt.date(2021, 4, 27)
HALF_YEAR_DAYS = 182
PUNISHED = 0.01  # mean social punishment borne by quiet resisters (community.intensity's units) that counts as borne


@dataclass(frozen=True)
class Check:
    """A finding checked on some results: does it hold, on what statistic, against what threshold."""

    finding: str
    holds: bool
    statistic: float
    threshold: float
    meaning: str

    def __str__(self) -> str:
        verdict = "holds" if self.holds else "FAILS"
        return f"{self.finding} {verdict}: {self.meaning} = {self.statistic:.3g} (needs {self.threshold:.3g})"


def _day(result, date: dt.date) -> int:
    """The index of ``date`` in a result's time series."""
    dates = result.timeseries.column("date").to_numpy(zero_copy_only=False).astype("datetime64[D]")
    return int(np.searchsorted(dates, np.datetime64(date)))


def f1_civilian_branch(results: Sequence) -> Check:
    """F1: the civilian branch's mean police defection rate over the paramilitary's."""
    def rate(branch: str) -> float:
        return float(np.mean([r.summary["defected_by_branch"][branch] / max(1, r.summary["force_by_branch"][branch])
                              for r in results]))
    ratio = rate("civilian") / max(rate("paramilitary"), 1e-12)
    return Check("F1", ratio >= 3.0, ratio, 3.0, "civilian / paramilitary defection rate")


def f2_senior_defectors(results: Sequence) -> Check:
    """F2: the mean senior share of police defectors (officer ranks or long service)."""
    share = float(np.mean([r.summary["senior_share_of_defectors"] for r in results]))
    officers = sum(r.summary["defected_by_rank"][k] for r in results for k in OFFICER_RANKS)
    long_serving = sum(r.summary["defected_by_tenure_band"][b] for r in results for b in LONG_SERVING)
    return Check("F2", share >= 0.05 and officers > 0 and long_serving > 0, share, 0.05,
                 "senior share of police defectors")


def f3_quiet_resisters(results: Sequence) -> Check:
    """F3: the smallest ratio of quiet resisters to defectors (police; at the end, and a third of it on 27 April)."""
    ratios, punished = [], []
    for r in results:
        quiet, defected = r.series("quiet_resisters_police"), r.series("defected_police")
        early = _day(r, EARLY_DATE)
        ratios.append(min(quiet[-1] / max(1, defected[-1]), quiet[early] / max(1, 3 * defected[early])))
        punished.append(r.series("social_punishment_quiet").mean())
    ratio = float(min(ratios))
    return Check("F3", ratio > 1.0 and min(punished) > PUNISHED, ratio, 1.0, "quiet resisters / defectors (police)")


def held_shares(results: Sequence) -> dict[str, float]:
    """F4's decomposition: the share of quiet-resister days held back by each reason, over the run and the seeds."""
    totals = np.array([sum(r.series(f"held_by_{reason}").sum() for r in results) for reason in HELD_BY], float)
    return {reason: float(v) for reason, v in zip(HELD_BY, totals / max(totals.sum(), 1.0))}


def f4_fear_holds_back(results: Sequence) -> Check:
    """F4: fear's share of the decomposition, which must be the largest."""
    shares = held_shares(results)
    others = max(v for k, v in shares.items() if k != "fear")
    return Check("F4", shares["fear"] > others, shares["fear"], others, "fear's share of why opposed officers stay")


def split_at_half_years(result) -> np.ndarray:
    """The split share at the end of each half-year of the run, shape (half-years,)."""
    split = result.series("split_share")
    return split[np.arange(HALF_YEAR_DAYS - 1, len(split), HALF_YEAR_DAYS)]


def f5_growing_splits(results: Sequence) -> Check:
    """F5: the smallest half-year growth of the mean split share (share of both forces)."""
    marks = np.mean([split_at_half_years(r) for r in results], axis=0)
    growth = float(np.diff(np.concatenate([[0.0], marks])).min())
    return Check("F5", growth > 0.0, growth, 0.0, "smallest half-year growth of the split")


CHECKS: dict[str, Callable[[Sequence], Check]] = {
    "F1": f1_civilian_branch, "F2": f2_senior_defectors, "F3": f3_quiet_resisters, "F4": f4_fear_holds_back,
    "F5": f5_growing_splits,
}


def check_all(results: Sequence) -> dict[str, Check]:
    """Every finding on ``results``."""
    return {name: check(results) for name, check in CHECKS.items()}


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


if __name__ == "__main__":  # python -m defection.experiments.findings [POINTS]: the README's box shares
    import sys

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 128
    for name, share in box_shares(box(n)).items():
        print(f"{name}: holds in {share:.0%} of {n} points")
