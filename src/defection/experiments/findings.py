"""The DIIS / Nyan Corridor report's findings, as checks that can fail: the one definition of each.

Each check takes results of one scenario (one or several seeds; anything with ``series(name)``,
``summary`` and ``timeseries``, such as :class:`defection.api.Result`) and returns a :class:`Check`:
whether the finding holds, the statistic it rests on, and the threshold. They are used by the
tests (default scenario over 10 seeds, and failing regions), by the plausible box
(:mod:`defection.experiments.findings_box`), by the HTML report's findings table (:func:`verdicts`
on the runs of a results directory) and by the README. The module imports no simulation, so the
report may use it and still only read files.

F1  Defectors come mostly from the civilian branch: its police defection rate is at least 3x the
    paramilitary's.
F2  Defectors include higher ranks and long-serving police: senior share of police defectors >= 5%.
F3  Quiet resisters outnumber defectors (police, at the end and threefold on 27 April 2021) and
    bear social punishment: a mean over the run above 0.01 (``PUNISHED``).
F4  Fear is the main thing that holds opposed officers back: the largest share of quiet-resister
    days in the decomposition of why they stay (decision.HELD_BY, recorded as the held_by_* series).
F5  Growing splits: the split (quiet resisters plus defectors, a share of both forces) grows in
    every half-year while violence continues.

References
----------
.. [1] Kyed, H. M. & Nyan Corridor (2021). *Police under the military coup in Myanmar: between violence, fear
   and desertion*. DIIS.
"""
from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

OFFICER_RANKS = ("sub_lieutenant", "lieutenant", "captain", "major", "lt_colonel_plus")
LONG_SERVING = ("15-19", "20+")
CIVILIAN_OVER_PARAMILITARY = 3.0  # F1: the civilian branch's police defection rate over the paramilitary's
SENIOR_SHARE = 0.05  # F2: officers or long-serving police among police defectors
EARLY_DATE = dt.date(2021, 4, 27)  # F3: the DIIS / Nyan Corridor report's date, when quiet resisters were many more
EARLY_RATIO = 3.0  # F3: quiet resisters per defector on EARLY_DATE
# F3: the report says quiet resisters *bear* social punishment, not how much, so the threshold only tells borne from
# not borne: the mean over the run (community.intensity's units) is about 0.03 in the default and 0 with
# switches.social_punishment=false. A higher bar (the report once used 0.05) would test a size the source never gave.
PUNISHED = 0.01
HALF_YEAR_DAYS = 182
# F4: why quiet resisters stay, one daily held_by_<reason> series each. model.decision.HELD_BY, named again here so
# that this module imports no simulation code (tests/test_findings_report.py checks the two agree).
HELD_BY = ("fear", "livelihood", "lack_of_support", "lack_of_opportunity")
# The daily series the checks read, for a reader that loads only some columns of saved runs.
SERIES = ("date", "quiet_resisters_police", "defected_police", "social_punishment_quiet", "split_share",
          *(f"held_by_{reason}" for reason in HELD_BY))


class Missing(LookupError):
    """The results lack what a finding rests on: a series, a summary entry, or enough days."""


@dataclass(frozen=True)
class Check:
    """A finding checked on some results: does it hold, on what statistic, against what threshold.

    ``detail`` holds the other figures the verdict rests on, for a reader (the report's evidence column)."""

    finding: str
    holds: bool
    statistic: float
    threshold: float
    meaning: str
    detail: dict[str, float] = field(default_factory=dict, compare=False)

    def __str__(self) -> str:
        verdict = "holds" if self.holds else "FAILS"
        return f"{self.finding} {verdict}: {self.meaning} = {self.statistic:.3g} (needs {self.threshold:.3g})"


def _series(result, name: str) -> np.ndarray:
    if name not in result.timeseries.column_names:
        raise Missing(name)
    return np.asarray(result.series(name), dtype=float)


def _entry(result, *keys: str) -> Any:
    """``result.summary[keys[0]][keys[1]]...``, or :class:`Missing`."""
    value = result.summary
    for key in keys:
        if not isinstance(value, dict) or value.get(key) is None:
            raise Missing(".".join(keys))
        value = value[key]
    return value


def _day(result, date: dt.date) -> int:
    """The index of ``date`` in a result's time series; Missing when the run does not include that day."""
    dates = result.timeseries.column("date").to_numpy(zero_copy_only=False).astype("datetime64[D]")
    k = int(np.searchsorted(dates, np.datetime64(date)))
    if k >= len(dates) or dates[k] != np.datetime64(date):
        raise Missing(f"date {date}")
    return k


def f1_civilian_branch(results: Sequence) -> Check:
    """F1: the civilian branch's mean police defection rate over the paramilitary's."""
    def rate(branch: str) -> float:
        return float(np.mean([_entry(r, "defected_by_branch", branch) / max(1, _entry(r, "force_by_branch", branch))
                              for r in results]))
    civilian, paramilitary = rate("civilian"), rate("paramilitary")
    ratio = civilian / max(paramilitary, 1e-12)
    return Check("F1", ratio >= CIVILIAN_OVER_PARAMILITARY, ratio, CIVILIAN_OVER_PARAMILITARY,
                 "civilian / paramilitary defection rate", {"civilian": civilian, "paramilitary": paramilitary})


def f2_senior_defectors(results: Sequence) -> Check:
    """F2: the mean senior share of police defectors (officer ranks or long service)."""
    shares = [float(_entry(r, "senior_share_of_defectors")) for r in results]
    if not shares or not all(math.isfinite(s) for s in shares):
        raise Missing("senior_share_of_defectors")  # undefined before anyone defects
    share = float(np.mean(shares))
    officers = sum(_entry(r, "defected_by_rank", k) for r in results for k in OFFICER_RANKS)
    long_serving = sum(_entry(r, "defected_by_tenure_band", b) for r in results for b in LONG_SERVING)
    return Check("F2", share >= SENIOR_SHARE and officers > 0 and long_serving > 0, share, SENIOR_SHARE,
                 "senior share of police defectors")


def f3_quiet_resisters(results: Sequence) -> Check:
    """F3: the smallest ratio of quiet resisters to defectors (police; at the end, and a third of it on 27 April),
    and the quiet resisters' mean social punishment over the run."""
    ratios, figures = [], []
    for r in results:
        quiet, defected = _series(r, "quiet_resisters_police"), _series(r, "defected_police")
        early = _day(r, EARLY_DATE)
        ratios.append(min(quiet[-1] / max(1, defected[-1]), quiet[early] / max(1, EARLY_RATIO * defected[early])))
        figures.append((quiet[-1], defected[-1], quiet[early], defected[early],
                        _series(r, "social_punishment_quiet").mean()))
    if not ratios:
        raise Missing("results")
    ratio, punished = float(min(ratios)), float(min(f[-1] for f in figures))
    names = ("quiet_end", "defected_end", "quiet_early", "defected_early")
    detail = {name: float(np.mean([f[k] for f in figures])) for k, name in enumerate(names)}
    return Check("F3", ratio > 1.0 and punished > PUNISHED, ratio, 1.0, "quiet resisters / defectors (police)",
                 {**detail, "punishment": punished, "punishment_needed": PUNISHED})


def held_shares(results: Sequence) -> dict[str, float]:
    """F4's decomposition: the share of quiet-resister days held back by each reason, over the run and the seeds."""
    if not results:
        raise Missing("results")
    totals = np.array([sum(_series(r, f"held_by_{reason}").sum() for r in results) for reason in HELD_BY], float)
    return {reason: float(v) for reason, v in zip(HELD_BY, totals / max(totals.sum(), 1.0))}


def f4_fear_holds_back(results: Sequence) -> Check:
    """F4: fear's share of the decomposition, which must be the largest."""
    shares = held_shares(results)
    others = max(v for k, v in shares.items() if k != "fear")
    return Check("F4", shares["fear"] > others, shares["fear"], others, "fear's share of why opposed officers stay",
                 shares)


def split_at_half_years(result) -> np.ndarray:
    """The split share at the end of each half-year of the run, shape (half-years,)."""
    split = _series(result, "split_share")
    return split[np.arange(HALF_YEAR_DAYS - 1, len(split), HALF_YEAR_DAYS)]


def f5_growing_splits(results: Sequence) -> Check:
    """F5: the smallest half-year growth of the mean split share (share of both forces)."""
    halves = [split_at_half_years(r) for r in results]
    if not halves or min(len(h) for h in halves) == 0:
        raise Missing("a half-year of split_share")
    marks = np.mean([h[:min(len(h) for h in halves)] for h in halves], axis=0)
    growth = float(np.diff(np.concatenate([[0.0], marks])).min())
    return Check("F5", growth > 0.0, growth, 0.0, "smallest half-year growth of the split",
                 {f"half_year_{k + 1}": float(m) for k, m in enumerate(marks)})


CHECKS: dict[str, Callable[[Sequence], Check]] = {
    "F1": f1_civilian_branch, "F2": f2_senior_defectors, "F3": f3_quiet_resisters, "F4": f4_fear_holds_back,
    "F5": f5_growing_splits,
}


def check_all(results: Sequence) -> dict[str, Check]:
    """Every finding on ``results``."""
    return {name: check(results) for name, check in CHECKS.items()}


def verdicts(results: Sequence) -> dict[str, Check | None]:
    """Every finding on ``results``, None for each that the results cannot tell (a result read from files may
    lack a series, or be too short for a half-year). The report's findings table shows these."""
    out: dict[str, Check | None] = {}
    for name, check in CHECKS.items():
        try:
            out[name] = check(results)
        except Missing:
            out[name] = None
    return out
