"""``defection optimize``: policy design under a monthly budget, robust to what the data cannot identify.

A *candidate* is a monthly budget, its allocation across the scenario's support levers (and, when
spending is judged, an unspent reserve), the month each programme starts and each lever's ramp (the months
over which it rises linearly to its amount, written as dated changes in ``support.schedule``:
:func:`ramp_schedule`). :func:`candidate_overrides` is the one place
that turns a candidate into scenario overrides; it reads the levers from the schema's ``Support``
section (:func:`levers`), so a lever added to the model joins without code changes here.

Every candidate is evaluated on the same N *draws* of what is uncertain (posterior draws of a
calibration, or a Latin hypercube over the plausible ranges of parameters the data cannot
identify). Draw ``d`` runs with the same seed for the candidate and for *no programmes* (no
programme), so each outcome is a paired difference (common random numbers). A robust statistic
over the draws (``mean``, ``p10`` or ``probability``) is what the optimiser sees. Candidates are judged in
stages (:func:`successive_halving`): all of a generation on the first ``min_draws`` draws, the better half on
twice as many, up to every draw; the study is told only values on every draw, the others as PRUNED. With
``--target``, :func:`answer` reads off the least monthly budget whose statistic reaches it.

The optimiser is Optuna's NSGA-II, with its SQLite storage as the record. The study lives in a
work directory beside ``--out`` (``.<name>.optimize/study.db``) while it runs; the finished results
(tables, figures, manifest and a copy of ``study.db``) are written through
:func:`defection.engine.outputs.results_dir`, so ``--out`` is complete or absent. Determinism and
resume: candidates are asked in fixed batches of ``population`` (one NSGA-II generation), each
asked with a sampler seeded from (seed, trial number), all evaluated (on Dask, or in-process), and
told in trial order, each evaluation written to the study before the next is told. A driver killed
at any point resumes with the same command: trials asked but not told are evaluated again (their
draws and seeds depend only on the seed and the draw index, so the values are the same), nothing
is asked or enqueued twice, and the study ends as an uninterrupted one would.
"""
from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import json
import math
import os
import re
import shutil
import sqlite3
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from defection.errors import DefectionError, did_you_mean
from defection.experiments.design import run_seed
from defection.experiments.runner import failure
from defection.experiments.size import Gate, plural, work_of
from defection.experiments.uncertainty import DEFAULT_UNCERTAIN, RESPONSE_TO_SUPPORT, SUPPORT_COSTS

__all__ = ["DEFAULT_UNCERTAIN", "RESPONSE_TO_SUPPORT", "SUPPORT_COSTS"]  # re-exported: their former home

STATISTICS = ("mean", "p10", "probability")
DEFAULT_STATISTIC = "p10"  # robust: the outcome a candidate reaches in 9 draws out of 10
DEFAULT_OBJECTIVES = ("capacity_drop:max", "cost:min")
DEFAULT_PROBABILITY = 0.9  # --statistic probability: a constraint must hold in this share of draws
RESERVE = "reserve"  # the share of the budget left unspent
# bump when a change would give a resumed study different candidates (6: halving; 7: costs in the default draws)
ALGORITHM_VERSION = 7
# Bytes the search keeps in memory per evaluation: its draw's parameters, and each candidate's results per draw as
# the study holds them (optuna's trials, read back whole to write trials.parquet)
HELD_PER_EVALUATION = 2048
DEFAULT_DRAWS = 16
# Successive halving over draws: every candidate of a generation runs on the first DEFAULT_MIN_DRAWS draws, the
# better half on twice as many, and so on up to --draws. Four draws already tell a hopeless candidate from a
# promising one on the models tried; fewer make p10 the minimum of too few values to rank by.
DEFAULT_MIN_DRAWS = 4
PROMOTION_FACTOR = 2  # each rung keeps the better 1/PROMOTION_FACTOR and gives them PROMOTION_FACTOR x the draws
# A lever's ramp: the months over which it rises linearly, in monthly steps, to its chosen amount (0: all at
# once). Half a year lets a programme grow with its staff and credibility; --max-ramp-months changes it.
DEFAULT_MAX_RAMP_MONTHS = 6
DEFAULT_MAX_DELAY_MONTHS = 12  # assumed: a lever may open up to a year after the programmes' first opening
RAMP_MONTHS_CEILING = 120  # --max-ramp-months above ten years is a typo, not a policy
LOST_WORKER_ATTEMPTS = 3

# What the data cannot identify, and so what the draws span by default: defined once, in experiments/uncertainty.py
# (the response to support and what support costs), shared with compare's and forecast's --parameter-draws.

# Metric -> (higher is better, what it is). Each is computed per draw on the last day, paired with no programmes
# (every lever at zero, the run the code calls the status quo: docs/glossary.md).
METRICS: dict[str, tuple[bool, str]] = {
    "capacity_drop": (True, "1 - combined coercive capacity on the last day / no programmes'"),
    "capacity_min_drop": (True, "1 - minimum combined coercive capacity / no programmes'"),
    "defections": (True, "defections over the horizon minus no programmes'"),
    "cost": (False, "money actually spent over the horizon, kyat"),
    "civilians_killed": (False, "civilians killed minus no programmes' (reported; its sign is not asserted)"),
}
FORCE_SUFFIXES = ("_police", "_army")  # per-force breakdowns of a total (the model's convention)


class OptimizeError(DefectionError):
    """An --objective, --constraint, --budget-kyat-month or other optimize option that cannot be used."""


def rungs(draws: int, min_draws: int) -> list[int]:
    """Draws a candidate has run on at each rung of successive halving: ``min_draws``, then
    ``PROMOTION_FACTOR`` times as many at each rung, and ``draws`` at the top (one rung when ``min_draws >= draws``).
    The draws are nested (rung r runs the first ``rungs[r]``), so a promoted candidate only adds draws."""
    counts = [max(1, min(int(min_draws), int(draws)))]
    while counts[-1] < draws:
        counts.append(min(int(draws), counts[-1] * PROMOTION_FACTOR))
    return counts


def promoted_count(entered: int) -> int:
    """How many of the ``entered`` candidates of a rung go on to the next one (the better half, rounded up)."""
    return -(-int(entered) // PROMOTION_FACTOR)


def evaluations_per_generation(population: int, draws: int, min_draws: int) -> int:
    """Runs of one generation (a candidate on a draw each): every candidate on the first rung's draws, then the
    better half of those on the draws each further rung adds. Failed candidates make it fewer, never more."""
    entered, ran, total = int(population), 0, 0
    for r, n in enumerate(rungs(draws, min_draws)):
        entered = promoted_count(entered) if r else entered
        total, ran = total + entered * (n - ran), n
    return total


def planned_evaluations(population: int, generations: int, draws: int, min_draws: int) -> int:
    """Runs of a whole search, known before it starts: the status quo on every draw, then every generation."""
    return int(draws) + int(generations) * evaluations_per_generation(population, draws, min_draws)


# -- levers and candidates ---------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Lever:
    """A support lever: an amount field (a share of officers reached, or families a month) and its unit cost."""

    name: str            # e.g. "protection"
    amount_key: str      # e.g. "support.protection_capacity"
    cost_key: str        # e.g. "support.protection_cost_kyat"
    reach: bool          # the amount is a share of the force reached (paid monthly per officer reached)
    recurring: bool      # each family taken on is paid every month from then on (a stipend)
    upper: float         # the amount's hard upper bound
    start_key: str       # the date the lever opens (its own, or the section's shared start)


UNIT_COST_ALIASES = {"livelihood_capacity": "stipend_kyat"}  # a lever whose cost field is not named after it


def levers() -> list[Lever]:
    """The support levers of the scenario schema, read generically from its ``Support`` section.

    A lever is a numeric field with a unit cost field: ``<field>_cost_kyat``, ``<prefix>_cost_kyat``
    for ``<prefix>_capacity``, or the field named by its ``unit_cost`` schema extra. A lever bounded
    by 1 is a reach (a share of the force); otherwise a capacity (families a month), recurring when
    its cost is monthly. Its start is ``<prefix>_start`` if the section has one, else ``start``.
    """
    from defection.scenarios.schema import Support

    fields = Support.model_fields
    found = []
    for name, field in fields.items():
        if field.annotation not in (int, float) or name.endswith("_kyat"):
            continue
        prefix = name.removesuffix("_capacity")
        extra = field.json_schema_extra or {}
        cost = next((c for c in (extra.get("unit_cost"), f"{name}_cost_kyat", f"{prefix}_cost_kyat",
                                 UNIT_COST_ALIASES.get(name)) if c and c in fields), None)
        if cost is None:
            continue
        upper = _upper_bound(field)
        reach = upper <= 1.0
        monthly = "monthly" in (fields[cost].description or "").lower()
        start = f"{prefix}_start" if f"{prefix}_start" in fields else "start"
        found.append(Lever(prefix, f"support.{name}", f"support.{cost}", reach, monthly and not reach, upper,
                           f"support.{start}"))
    return found


def _upper_bound(field) -> float:
    for meta in field.metadata:
        le = getattr(meta, "le", None)
        if le is not None:
            return float(le)
    return math.inf


def _get(scenario: dict[str, Any], key: str) -> Any:
    section, name = key.split(".", 1)
    return scenario[section][name]


def headcount(scenario: dict[str, Any]) -> float:
    """Officers and soldiers an outreach share applies to (every force's strength; counting a force that is
    switched off only overstates the planned spend, so the budget still holds)."""
    return float(sum(v for sec in scenario.values() if isinstance(sec, dict)
                     for k, v in sec.items() if k in ("n_officers", "n_soldiers") and isinstance(v, (int, float))))


def horizon_end(scenario: dict[str, Any]) -> dt.date:
    return dt.date.fromisoformat(str(scenario["run"]["start"])) + dt.timedelta(days=int(scenario["run"]["days"]) - 1)


def start_date(scenario: dict[str, Any], month: int) -> dt.date:
    """The date a programme opens ``month`` months into the run: the run's first day, or a month's first day."""
    first = dt.date.fromisoformat(str(scenario["run"]["start"]))
    if month <= 0:
        return first
    m = first.month - 1 + month
    return dt.date(first.year + m // 12, m % 12 + 1, 1)


def months_open(start: dt.date, end: dt.date) -> int:
    """Monthly openings of a programme from ``start`` to ``end``: the start itself and each first of a month."""
    if start > end:
        return 0
    return (end.year - start.year) * 12 + end.month - start.month + 1


def horizon_months(scenario: dict[str, Any]) -> int:
    return months_open(start_date(scenario, 0), horizon_end(scenario))


def peak_monthly_spend(lever: Lever, amount: float, unit_cost: float, heads: float, months: int) -> float:
    """The most a lever can spend in any month: reach x force x cost; families x cost (one-off); families x
    cost x months open (a stipend paid to every family taken on so far)."""
    if months <= 0:
        return 0.0
    if lever.reach:
        return amount * heads * unit_cost
    return amount * unit_cost * (months if lever.recurring else 1)


def candidate_overrides(scenario: dict[str, Any], budget_kyat_month: float, allocation: dict[str, float],
                        starts: dict[str, int], ramps: dict[str, int] | None = None,
                        delays: dict[str, int] | None = None) -> dict[str, Any]:
    """Scenario overrides of a candidate: each lever's amount, start, ramp, and the budget (where the model has one).

    Parameters
    ----------
    scenario : dict
        The resolved scenario (``Scenario.model_dump(mode="json")``).
    budget_kyat_month : float
        The monthly budget; no lever mix planned here can spend more in any month.
    allocation : dict
        Share of the budget per lever name (and ``reserve``, unspent); normalised to sum to 1.
    starts : dict
        Months after the run's start at which each start key (``support.start``...) opens.
    ramps : dict, optional
        Months over which each lever (by name) rises to its amount (:func:`ramp_schedule`); 0 or absent: at once.
    delays : dict, optional
        Months after the programmes open (its start key) at which each lever (by name) opens; 0 or absent: then.
    """
    weights = {k: max(0.0, float(v)) for k, v in allocation.items()}
    total = sum(weights.values())
    heads, end = headcount(scenario), horizon_end(scenario)
    out: dict[str, Any] = {}
    for key, month in starts.items():
        out[key] = start_date(scenario, int(month))
    for lever in levers():
        money = budget_kyat_month * weights.get(lever.name, 0.0) / total if total > 0 else 0.0
        opened = out.get(lever.start_key, dt.date.fromisoformat(str(_get(scenario, lever.start_key))))
        months = months_open(opened, end)
        unit = peak_monthly_spend(lever, 1.0, float(_get(scenario, lever.cost_key)), heads, months)
        amount = 0.0 if months == 0 or money <= 0 else (lever.upper if unit == 0 else money / unit)
        out[lever.amount_key] = min(lever.upper, amount * (1 - 1e-12))  # never a rounding error over budget
    fields = _support_fields()
    budget_field = next((k for k in fields if "budget" in k), None)
    if budget_field:
        # the model buys support with its budget, by allocation shares, and never spends more in a month
        out[f"support.{budget_field}"] = float(budget_kyat_month)
        for lever in levers():
            share_key = f"allocation_{lever.name}"
            if share_key in fields:
                share = weights.get(lever.name, 0.0) / total if total > 0 else 0.0
                out[f"support.{share_key}"] = share * (1 - 1e-9)
    schedule = ramp_schedule(scenario, out, ramps or {}, delays or {})
    if schedule != scenario["support"].get("schedule", []):
        out["support.schedule"] = schedule
    return out


def scheduled_keys(lever: Lever, overrides: dict[str, Any]) -> list[str]:
    """The fields of ``lever`` that a candidate sets and the schema's dated schedules can change (its amount and,
    with a budget, its allocation share): what a ramp raises month by month."""
    from defection.scenarios.schema import SCHEDULED_LEVERS

    keys = [lever.amount_key, f"support.allocation_{lever.name}"]
    return [k for k in keys if k in overrides and k.split(".", 1)[1] in SCHEDULED_LEVERS]


def month_openings(first: dt.date, count: int) -> list[dt.date]:
    """``first`` and the first days of the ``count - 1`` calendar months after it: when the programmes buy."""
    dates = [first]
    for _ in range(count - 1):
        m = dates[-1].month  # the next month's first day
        dates.append(dt.date(dates[-1].year + m // 12, m % 12 + 1, 1))
    return dates


def ramp_schedule(scenario: dict[str, Any], overrides: dict[str, Any], ramps: dict[str, int],
                  delays: dict[str, int] | None = None) -> list[dict[str, Any]]:
    """The dated lever changes (``support.schedule``) of a candidate's own starts and ramps.

    A lever with delay ``d`` stays at 0 when the programmes open (its start key) and opens at the ``d``-th month
    opening after that: its own start. With ramp ``r`` it opens at ``1 / (r + 1)`` of its amount on its own start and rises by the same step
    at each of the next ``r`` month openings, reaching its amount in the ``r``-th month after its start: at the
    ``k``-th opening it stands at ``min(1, (k + 1) / (r + 1))`` of it. Each scheduled field of the lever
    (:func:`scheduled_keys`) rises so. The scenario's own changes of fields the candidate sets are dropped (the
    candidate decides them); its other changes are kept. No step exceeds the amount, so with a budget the
    allocation shares still add up to at most 1 in every month and the model never spends more than the budget.
    A lever that opens after the run's first day stands at 0 from that day (a step dated then) until its own
    start: nothing of a candidate is in force before it opens, not even officers' knowledge of its outreach,
    which the model draws on day 0 from the outreach then in force. So until the programmes open, a candidate's
    run is its status quo's, which :class:`ModelEvaluator` uses to start candidates from there.
    """
    decided = {k.split(".", 1)[1] for lever in levers() for k in scheduled_keys(lever, overrides)}
    kept = [dict(c) for c in scenario["support"].get("schedule", []) if c["lever"] not in decided]
    first = dt.date.fromisoformat(str(scenario["run"]["start"]))
    steps = []
    for lever in levers():
        r, d = int(ramps.get(lever.name, 0)), int((delays or {}).get(lever.name, 0))
        keys, opens = scheduled_keys(lever, overrides), own_start(scenario, overrides, lever, d)
        if not keys or (opens <= first and r <= 0):
            continue
        if opens > first:  # closed until its own start: nobody learns of it or is served before then
            steps += [{"date": first, "lever": key.split(".", 1)[1], "value": 0.0} for key in keys]
        for k, date in enumerate(month_openings(opens, r + 1)):
            steps += [{"date": date, "lever": key.split(".", 1)[1], "value": float(overrides[key]) * (k + 1) / (r + 1)}
                      for key in keys]
    return kept + steps


def lever_start(scenario: dict[str, Any], overrides: dict[str, Any], lever: Lever) -> dt.date:
    """The date the programmes open for ``lever`` (its start key, as the candidate or the scenario sets it)."""
    start = overrides.get(lever.start_key, _get(scenario, lever.start_key))
    return start if isinstance(start, dt.date) else dt.date.fromisoformat(str(start))


def own_start(scenario: dict[str, Any], overrides: dict[str, Any], lever: Lever, delay: int) -> dt.date:
    """The date ``lever`` opens: ``delay`` month openings after the programmes open."""
    return month_openings(lever_start(scenario, overrides, lever), int(delay) + 1)[-1]


def lever_levels(scenario: dict[str, Any], overrides: dict[str, Any], lever: Lever) -> list[float]:
    """At each month opening of the horizon, ``lever``'s level as a share of the amount ``overrides`` give it:
    0 before its start, then as its schedule says (1 from the start without a ramp)."""
    start = lever_start(scenario, overrides, lever)
    keys = scheduled_keys(lever, overrides)
    field = (keys[0] if keys else lever.amount_key).split(".", 1)[1]
    full = float(overrides.get(f"support.{field}", 0.0))
    changes = sorted((c for c in overrides.get("support.schedule", scenario["support"].get("schedule", []))
                      if c["lever"] == field), key=lambda c: str(c["date"]))
    opened = months_open(start, horizon_end(scenario))
    levels = [0.0] * (horizon_months(scenario) - opened)
    for date in month_openings(start, opened):
        value = full
        for change in changes:  # the last change on or before the date holds, as the model reads a schedule
            if str(change["date"]) <= date.isoformat():
                value = float(change["value"])
        levels.append(min(1.0, value / full) if full > 0 else 0.0)
    return levels[-horizon_months(scenario):]  # a start before the run's first day counts from that day


def _support_fields() -> list[str]:
    from defection.scenarios.schema import Support

    return list(Support.model_fields)


def planned_spend(scenario: dict[str, Any], overrides: dict[str, Any]) -> dict[str, float]:
    """Each lever's peak monthly spend under ``overrides`` (what the budget constraint bounds)."""
    heads, end = headcount(scenario), horizon_end(scenario)
    spend = {}
    for lever in levers():
        start = lever_start(scenario, overrides, lever)
        amount = float(overrides.get(lever.amount_key, _get(scenario, lever.amount_key)))
        spend[lever.name] = peak_monthly_spend(lever, amount, float(_get(scenario, lever.cost_key)), heads,
                                               months_open(start, end))
    return spend


def start_keys() -> list[str]:
    return sorted({lever.start_key for lever in levers()})


def status_quo_overrides(scenario: dict[str, Any]) -> dict[str, Any]:
    """No programme: every lever at zero."""
    return {lever.amount_key: 0.0 for lever in levers()}


# -- objectives and constraints -------------------------------------------------------------------

def higher_is_better(metric: str) -> bool:
    return METRICS.get(metric, (True, ""))[0] if not metric.startswith("defections_") else True


def metric_values(outcome: dict[str, float], status_quo: dict[str, float]) -> dict[str, float]:
    """The metrics of one draw: the candidate's outcome paired with the status quo's under the same seed."""
    def drop(key: str) -> float:
        sq = status_quo[key]
        return 1.0 - outcome[key] / sq if sq else 0.0

    values = {"capacity_drop": drop("capacity_end"), "capacity_min_drop": drop("capacity_min"),
              "defections": outcome["defected"] - status_quo["defected"], "cost": outcome["programme_cost"],
              "civilians_killed": outcome["civilians_killed"] - status_quo["civilians_killed"]}
    for key in outcome:
        if key.startswith("defected_") and key.endswith(FORCE_SUFFIXES) and key in status_quo:
            values["defections" + key[len("defected"):]] = outcome[key] - status_quo[key]
    return values


@dataclasses.dataclass(frozen=True)
class Objective:
    metric: str
    maximize: bool

    def label(self) -> str:
        return f"{self.metric}:{'max' if self.maximize else 'min'}"


@dataclasses.dataclass(frozen=True)
class Constraint:
    metric: str
    at_least: bool  # ">=" (else "<=")
    bound: float

    def label(self) -> str:
        return f"{self.metric}{'>=' if self.at_least else '<='}{self.bound:g}"


@dataclasses.dataclass(frozen=True)
class Target:
    """``--target metric=value``: the answer is the least monthly budget whose statistic reaches ``value``
    (at least it for an outcome to maximise, at most for one to minimise)."""

    metric: str
    value: float

    @property
    def at_least(self) -> bool:
        return higher_is_better(self.metric)

    def label(self) -> str:
        return f"{self.metric}{'>=' if self.at_least else '<='}{self.value:g}"


def _known(metric: str, what: str, spec: str) -> None:
    if metric in METRICS or re.fullmatch(r"defections_(police|army)", metric):
        return
    raise OptimizeError(f"{what} '{spec}': '{metric}' is not an outcome.{did_you_mean(metric, METRICS)} "
                        f"Outcomes: {', '.join(METRICS)}, and defections_police / defections_army where the model "
                        "has both forces.")


def parse_objective(spec: str) -> Objective:
    """``metric`` or ``metric:max`` / ``metric:min`` (the default direction is the metric's better one)."""
    text = str(spec).strip()
    metric, sep, direction = text.partition(":")
    metric = metric.strip()
    _known(metric, "--objective", text)
    direction = direction.strip().lower()
    if sep and direction not in ("max", "min"):
        raise OptimizeError(f"--objective '{text}': the direction must be max or min, e.g. {metric}:max.")
    return Objective(metric, direction == "max" if sep else higher_is_better(metric))


_CONSTRAINT = re.compile(r"^\s*([A-Za-z_]\w*)\s*(>=|<=)\s*([-+]?[0-9.eE_+-]+)\s*(%?)\s*$")


def parse_constraint(spec: str) -> Constraint:
    """``metric>=value`` or ``metric<=value``; a value may end with % (``capacity_drop>=10%``)."""
    text = str(spec)
    match = _CONSTRAINT.match(text)
    if not match:
        raise OptimizeError(f"--constraint '{text}' needs the form OUTCOME>=VALUE or OUTCOME<=VALUE, e.g. "
                            f"\"capacity_drop>=0.10\" (quote it in the shell: > redirects).")
    metric, op, number, percent = match.groups()
    _known(metric, "--constraint", text)
    try:
        bound = float(number.replace("_", ""))
    except ValueError:
        raise OptimizeError(f"--constraint '{text}': '{number}' is not a number.") from None
    if not math.isfinite(bound):
        raise OptimizeError(f"--constraint '{text}': the bound must be finite.")
    return Constraint(metric, op == ">=", bound / 100 if percent else bound)


_TARGET = re.compile(r"^\s*([A-Za-z_]\w*)\s*=\s*([^=<>]+?)\s*(%?)\s*$")


def parse_target(spec: str) -> Target:
    """``metric=value`` (a value may end with %: ``capacity_drop=5%``)."""
    text = str(spec)
    match = _TARGET.match(text)
    if not match:
        raise OptimizeError(f"--target '{text}' needs the form OUTCOME=VALUE, e.g. capacity_drop=0.05 (or 5%): "
                            "the answer is the least monthly budget whose robust statistic reaches VALUE.")
    metric, number, percent = match.groups()
    _known(metric, "--target", text)
    try:
        value = float(number.replace("_", ""))
    except ValueError:
        raise OptimizeError(f"--target '{text}': '{number}' is not a number; write e.g. {metric}=0.05.") from None
    if not math.isfinite(value):
        raise OptimizeError(f"--target '{text}': the value must be finite.")
    return Target(metric, value / 100 if percent else value)


def parse_budget(text: str | float) -> tuple[float, float]:
    """``B`` (a fixed monthly budget) or ``LO:HI`` (the budget is a decision: the dose-response)."""
    raw = str(text).strip()
    parts = raw.split(":")
    try:
        values = [float(p.replace("_", "").strip()) for p in parts]
    except ValueError:
        raise OptimizeError(f"--budget-kyat-month '{raw}' is not a number or a range LO:HI, e.g. 50000000 or "
                            "0:200000000.") from None
    if len(values) not in (1, 2) or not all(math.isfinite(v) and v >= 0 for v in values):
        raise OptimizeError(f"--budget-kyat-month '{raw}': give a non-negative number of kyat a month, or a range "
                            "LO:HI.")
    lo, hi = values[0], values[-1]
    if lo > hi:
        raise OptimizeError(f"--budget-kyat-month {raw}: LO is above HI; write {hi:g}:{lo:g}.")
    return lo, hi


def robust(values: np.ndarray, higher_better: bool, statistic: str) -> float:
    """The robust statistic of a metric over the draws: the mean, or its pessimistic 10% end (``p10``: the
    10th percentile of a gain, the 90th of a cost); ``probability`` scores constrained metrics elsewhere."""
    if statistic == "p10":
        return float(np.percentile(values, 10 if higher_better else 90))
    return float(values.mean())


def constraint_value(values: np.ndarray, c: Constraint, statistic: str, probability: float) -> float:
    """Optuna's convention: <= 0 is feasible."""
    if statistic == "probability":
        met = (values >= c.bound) if c.at_least else (values <= c.bound)
        return probability - float(met.mean())
    stat = robust(values, c.at_least, statistic)
    return c.bound - stat if c.at_least else stat - c.bound


# -- what is uncertain --------------------------------------------------------------------------

def uncertain_draws(base: dict[str, Any], n: int, seed: int, posterior: Path | None,
                    uncertain: list[str] | None) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """N draws of the uncertain parameters (overrides), and how they were made (for the manifest): made by
    :func:`defection.experiments.draws.make_draws`, as ``compare --parameter-draws`` makes them."""
    from defection.experiments import design, models
    from defection.experiments.draws import make_draws

    if n < 1:
        raise OptimizeError(f"--draws {n}: give at least 1 draw.")
    keys = list(uncertain) if uncertain is not None else ([] if posterior is not None else list(DEFAULT_UNCERTAIN))
    lever_keys = {k for lever in levers() for k in (lever.amount_key, lever.start_key)}
    varies = design.parse_varies(keys, models.get("defection")) if keys else []
    clash = [v.key for v in varies if v.key in lever_keys]
    if clash:
        raise OptimizeError(f"--uncertain {clash[0]} is a decision of the optimiser, not an uncertainty.")
    return make_draws(base, n, seed, posterior, keys)


# -- evaluating a candidate ---------------------------------------------------------------------

class ModelEvaluator:
    """Runs the agent-based model: outcomes of one run with ``overrides`` and ``seed``.

    :meth:`batch` runs several candidates on one draw, each from its status quo's state on the day its
    programmes open (they agree until then, :func:`ramp_schedule`): the same outcomes as whole runs, for less.
    """

    name = "defection"
    warm_model = "defection"  # models.MODELS key whose warm-up loads the kernels in each Dask worker

    def __call__(self, base: dict[str, Any], overrides: dict[str, Any], seed: int) -> dict[str, float]:
        from defection import api

        return outcomes_of(api.run(self.scenario(base, overrides, seed)))

    @staticmethod
    def scenario(base: dict[str, Any], overrides: dict[str, Any], seed: int):
        from defection import scenarios

        texts = override_texts(overrides) + [f"run.seed={int(seed)}"]
        return scenarios.from_dict(base, texts, origin="optimize candidate")

    def batch(self, base: dict[str, Any], status_quo: dict[str, Any], candidates: list[dict[str, Any]],
              seed: int, evaluated: Callable[[int], None] | None = None) -> list[dict[str, Any]]:
        """Each candidate's ``{"outcome": ...}`` (or ``{"error", "traceback"}``) on one draw, in order.

        ``status_quo`` and ``candidates`` are whole overrides of the draw. One status-quo simulation advances
        to each candidate's opening day, in order, and a copy of it runs on with the candidate's scenario.
        ``evaluated(1)`` is called as each candidate's run ends.
        """
        import copy

        from defection import api, model

        try:
            sq = self.scenario(base, status_quo, seed)
        except Exception as exc:  # noqa: BLE001 - every candidate of the draw fails with it
            return [failure(exc)] * len(candidates)
        scenarios, opening = [], []
        for overrides in candidates:
            try:
                scenarios.append(self.scenario(base, overrides, seed))
                opening.append(shared_days(sq, scenarios[-1]))
            except Exception as exc:  # noqa: BLE001 - a failed evaluation is a result, not fatal
                scenarios.append(failure(exc))
                opening.append(0)
        results: list[dict[str, Any]] = [{}] * len(candidates)
        shared = None  # the status quo's simulation, built for the first candidate that starts from it
        for k in sorted(range(len(candidates)), key=lambda k: opening[k]):
            if isinstance(scenarios[k], dict):
                results[k] = scenarios[k]
                continue
            if opening[k] > 0 and shared is None:
                shared = model.build(sq)
            try:
                if opening[k] > 0:
                    shared.run(opening[k] - shared.day)
                    sim = copy.deepcopy(shared)
                else:
                    sim = model.build(scenarios[k])
                sim.params = scenarios[k]
                sim.run(scenarios[k].run.days - sim.day)
                results[k] = {"outcome": outcomes_of(api.result_of(scenarios[k], sim))}
            except Exception as exc:  # noqa: BLE001
                results[k] = failure(exc)
            if evaluated is not None:  # a scenario that failed to build is told by evaluate_draw, at the end
                evaluated(1)
        return results


def shared_days(status_quo, candidate) -> int:
    """Days at the start of a run in which ``candidate`` (a Scenario) runs as its ``status_quo`` does: up to the
    day its programmes open, when the two differ only in what a candidate decides (:func:`candidate_overrides`),
    agree on what officers know of support on day 0, and the status quo's programmes buy nothing (every lever
    at 0, no budget, no dated change of a lever), so that opening them changes nothing; else 0."""
    from defection.model.support import outreach_on_first_day

    sq, cand = status_quo.model_dump(), candidate.model_dump()
    decided = {"support.schedule"} | {f"support.{k}" for k in _support_fields() if "budget" in k}
    decided |= {k for lever in levers()
                for k in (lever.amount_key, lever.start_key, f"support.allocation_{lever.name}")}
    flat_sq, flat_cand = _flat(sq), _flat(cand)
    differ = {k for k, v in flat_sq.items() if flat_cand.get(k) != v}
    levers_at_zero = all(_get(sq, lever.amount_key) == 0 for lever in levers())
    no_budget = all(sq["support"][k] == 0 for k in _support_fields() if "budget" in k)
    scheduled = {c["lever"] for c in sq["support"]["schedule"]}
    if (not differ <= decided or not levers_at_zero or not no_budget
            or scheduled & {k.split(".", 1)[1] for k in decided}
            or outreach_on_first_day(status_quo) != outreach_on_first_day(candidate)):
        return 0
    opens = min(dt.date.fromisoformat(str(_get(cand, lever.start_key))) for lever in levers())
    return max(0, min(candidate.run.days, (opens - candidate.run.start).days))


def _flat(dump: dict[str, Any]) -> dict[str, Any]:
    """A scenario's fields by ``section.key`` (top-level values by their name)."""
    out: dict[str, Any] = {}
    for name, section in dump.items():
        out |= {f"{name}.{k}": v for k, v in section.items()} if isinstance(section, dict) else {name: section}
    return out


def override_texts(overrides: dict[str, Any]) -> list[str]:
    """A candidate's overrides as ``--set`` texts (TOML values; a schedule as an array of inline tables)."""
    from defection.experiments.models import format_value

    def toml(value: Any) -> str:
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, str):
            return json.dumps(value)  # a TOML basic string
        if isinstance(value, dict):
            return "{" + ", ".join(f"{k} = {toml(v)}" for k, v in value.items()) + "}"
        if isinstance(value, list):
            return "[" + ", ".join(toml(v) for v in value) + "]"
        return format_value(value)

    def change(c: dict[str, Any]) -> dict[str, Any]:  # a kept change from the scenario has its date as text
        return {**c, "date": c["date"] if isinstance(c["date"], dt.date) else dt.date.fromisoformat(str(c["date"]))}

    return [f"{k}={toml([change(c) for c in v] if k == 'support.schedule' else v)}" for k, v in overrides.items()]


def outcomes_of(result) -> dict[str, float]:
    """The outcomes an optimisation needs from one run (per-force defections where the model has them)."""
    final = result.summary["final"]
    capacity = np.asarray(result.series("coercive_capacity"), dtype=float)
    out = {"capacity_end": float(capacity[-1]), "capacity_min": float(capacity.min()),
           "defected": float(final["defected"]), "programme_cost": float(final["programme_cost"]),
           "civilians_killed": float(final["civilians_killed"])}
    names = result.timeseries.column_names
    for name in names:
        if name.startswith("defected_") and name.endswith(FORCE_SUFFIXES):
            out[name] = float(result.series(name)[-1])
    return out


class ToyEvaluator:
    """A model with a known optimum, for tests and benchmarks (nothing is simulated).

    Capacity falls by ``sum_i w_i sqrt(x_i / budget_scale) h_i t_i``, where ``x_i`` is lever i's planned
    monthly spend, ``w`` are ``weights`` (levers in schema order; others 0), ``h_i`` the share of the horizon
    the lever runs (each month at the level its start and ramp give it) and ``t_i`` its timing: 1 without
    ``best_open_months``, else ``max(0, 1 - |o_i - b_i| / timing_months)`` for a lever that opens in month
    ``o_i`` of the horizon and is best opened in month ``b_i``. Under a budget B the drop is largest with
    nothing in reserve, each lever opening in its best month at its full level (no ramp), and ``x_i``
    proportional to ``(w_i h_i)**2`` (:meth:`optimal_shares`). ``noise`` multiplies it by ``1 + noise z``
    with z drawn from the seed; ``delay`` seconds of sleep make a run slow enough to be interrupted.
    """

    name = "toy"
    warm_model = None

    def __init__(self, weights=(3.0, 2.0, 1.0), budget_scale: float = 1e8, noise: float = 0.05, delay: float = 0.0,
                 best_open_months: tuple[int, ...] | None = None, timing_months: float = 6.0):
        self.weights, self.budget_scale, self.noise, self.delay = tuple(weights), budget_scale, noise, delay
        self.best_open_months, self.timing_months = best_open_months, timing_months

    def _weight(self, i: int) -> float:
        return self.weights[i] if i < len(self.weights) else 0.0

    def optimal_shares(self, horizon: int = 24) -> dict[str, float]:
        """The best allocation, for a horizon of ``horizon`` months (the default scenario's is 24)."""
        names = [lever.name for lever in levers()]
        best = self.best_open_months or (0,) * len(names)
        w2 = [(self._weight(i) * (horizon - best[i]) / horizon) ** 2 for i in range(len(names))]
        return {n: v / sum(w2) for n, v in zip(names, w2)}

    def _timing(self, i: int, levels: list[float]) -> float:
        if self.best_open_months is None:
            return 1.0
        opened = next((m for m, level in enumerate(levels) if level > 0), len(levels))
        return max(0.0, 1.0 - abs(opened - self.best_open_months[i]) / self.timing_months)

    def __call__(self, base, overrides, seed):
        if self.delay:
            time.sleep(self.delay)
        spend = planned_spend(base, overrides)
        gain = 0.0
        for i, lever in enumerate(levers()):
            levels = lever_levels(base, overrides, lever)
            share_open = sum(levels) / max(1, horizon_months(base))
            gain += self._weight(i) * math.sqrt(spend[lever.name] / self.budget_scale) * share_open * self._timing(
                i, levels)
        z = np.random.default_rng(int(seed) % 2**63).standard_normal()
        drop = min(0.9, 0.1 * gain * (1 + self.noise * z))
        months = horizon_months(base)
        return {"capacity_end": 1000.0 * (1 - drop), "capacity_min": 1000.0 * (1 - drop), "defected": 1000.0 * drop,
                "programme_cost": sum(spend.values()) * months, "civilians_killed": 0.0}


def evaluate_draw(evaluator: Callable, base: dict[str, Any], draw: dict[str, Any], status_quo: dict[str, Any],
                  candidates: list[dict[str, Any]], seed: int,
                  evaluated: Callable[[int], None] | None = None) -> list[dict[str, Any]]:
    """Run candidates (overrides, or the status quo's) on one draw: per candidate ``{"outcome": ...}`` or
    ``{"error", "traceback"}``. An evaluator with a ``batch`` method runs them together (:class:`ModelEvaluator`).
    ``evaluated(n)`` is told of each candidate's run as it ends (in-process only: it is not sent to Dask)."""
    merged = [{**draw, **c} for c in candidates]
    batch = getattr(evaluator, "batch", None)
    if batch is not None:
        told = [0]

        def tell_once(n: int) -> None:
            told[0] += n
            if evaluated is not None:
                evaluated(n)

        results = batch(base, {**draw, **status_quo}, merged, seed, evaluated=tell_once)
        tell_once(len(merged) - told[0])  # a batch that failed as a whole, or told nothing, still ended them all
        return results
    results = []
    for overrides in merged:
        try:
            results.append({"outcome": evaluator(base, overrides, seed)})
        except Exception as exc:  # noqa: BLE001 - a failed evaluation is a result (a FAIL trial), not fatal
            results.append(failure(exc))
        if evaluated is not None:
            evaluated(1)
    return results


def gather(per_draw: list[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """Per candidate, from each draw's results: ``{"outcomes": [one per draw]}``, or its first draw's error."""
    results = []
    for cells in zip(*per_draw):
        error = next((c for c in cells if "error" in c), None)
        results.append(error or {"outcomes": [c["outcome"] for c in cells]})
    return results


# -- the problem -----------------------------------------------------------------------------

@dataclasses.dataclass
class Problem:
    """Everything that defines an optimisation's results (hashed to recognise a resume)."""

    base: dict[str, Any]
    budget: tuple[float, float]
    objectives: list[Objective]
    constraints: list[Constraint]
    statistic: str
    probability: float
    draws: list[dict[str, Any]]
    draws_how: dict[str, Any]
    seed: int
    population: int
    generations: int
    evaluator: Any
    max_ramp_months: int = DEFAULT_MAX_RAMP_MONTHS
    max_delay_months: int = 0
    min_draws: int = DEFAULT_MIN_DRAWS
    targets: list[Target] = dataclasses.field(default_factory=list)

    @property
    def n_candidates(self) -> int:
        return self.population * self.generations

    @property
    def rungs(self) -> list[int]:
        """Draws at each rung of successive halving; the last is every draw (full fidelity)."""
        return rungs(len(self.draws), self.min_draws)

    @property
    def evaluations_per_generation(self) -> int:
        """Runs of one generation (:func:`evaluations_per_generation`)."""
        return evaluations_per_generation(self.population, len(self.draws), self.min_draws)

    @property
    def n_evaluations(self) -> int:
        """Runs of the whole search, known before it starts (:func:`planned_evaluations`)."""
        return planned_evaluations(self.population, self.generations, len(self.draws), self.min_draws)

    @property
    def survivors(self) -> int:
        """Candidates of a whole generation that reach full fidelity: the study is told only their values, so
        they are NSGA-II's population (one generation of the driver is one of the sampler's)."""
        n = self.population
        for _ in self.rungs[1:]:
            n = promoted_count(n)
        return max(2, n)  # NSGA-II needs 2 parents; a generation of 2 that keeps 1 still moves on

    @property
    def seeds(self) -> list[int]:
        """Draw d's seed, the same for every candidate and the status quo (common random numbers)."""
        return [run_seed(self.seed, d) for d in range(len(self.draws))]

    @property
    def keeps_reserve(self) -> bool:
        """Can a candidate leave part of a fixed budget unspent? Only worth it when spending is judged (a
        ``cost`` objective or constraint); with a budget range, the budget itself trades money for effect."""
        judged = {o.metric for o in self.objectives} | {c.metric for c in self.constraints}
        return "cost" in judged and self.budget[1] == self.budget[0]

    def lever_names(self) -> list[str]:
        return [lever.name for lever in levers()]

    def distributions(self) -> dict[str, Any]:
        """The decision variables: a weight per lever and the reserve, a start month per start key, the budget."""
        import optuna.distributions as od

        # the allocation by stick-breaking: "spend" is the share of the budget used (the rest is the reserve),
        # "split.<lever>" the share of what is left that goes to each lever but the last, which takes the rest;
        # every point of the unit cube is one allocation, and every allocation has one point
        dists: dict[str, Any] = {"spend": od.FloatDistribution(0.0, 1.0)} if self.keeps_reserve else {}
        dists |= {f"split.{n}": od.FloatDistribution(0.0, 1.0) for n in self.lever_names()[:-1]}
        last = max(0, horizon_months(self.base) - 1)
        for key in start_keys():
            dists[f"start.{key}"] = od.IntDistribution(0, last)
        if self.max_ramp_months > 0:
            dists |= {f"ramp.{n}": od.IntDistribution(0, self.max_ramp_months) for n in self.ramped_levers()}
        if self.max_delay_months > 0:
            dists |= {f"delay.{n}": od.IntDistribution(0, self.max_delay_months) for n in self.ramped_levers()}
        if self.budget[1] > self.budget[0]:
            dists["budget"] = od.FloatDistribution(*self.budget)
        return dists

    def candidate(self, params: dict[str, Any]) -> tuple[float, dict[str, float], dict[str, int]]:
        """(budget, allocation, starts) of a trial's parameters."""
        budget = float(params.get("budget", self.budget[0]))
        spend = float(params.get("spend", 1.0))
        allocation, left = {RESERVE: 1.0 - spend}, spend
        for name in self.lever_names():
            allocation[name] = left * float(params.get(f"split.{name}", 1.0))  # the last lever takes the rest
            left -= allocation[name]
        starts = {k.removeprefix("start."): int(v) for k, v in params.items() if k.startswith("start.")}
        return budget, allocation, starts

    def ramped_levers(self) -> list[str]:
        """Levers whose amount a schedule can raise month by month (a ramp is a decision only for them)."""
        probe = candidate_overrides(self.base, 1.0, {n: 1.0 for n in self.lever_names()}, {})
        return [lever.name for lever in levers() if scheduled_keys(lever, probe)]

    def ramps(self, params: dict[str, Any]) -> dict[str, int]:
        """Each lever's ramp in months (0 when it is not a decision)."""
        return {n: int(params.get(f"ramp.{n}", 0)) for n in self.lever_names()}

    def delays(self, params: dict[str, Any]) -> dict[str, int]:
        """Months each lever opens after the programmes do (0 when it is not a decision), cut so that it opens
        at the latest at the horizon's last month opening: a lever that would open after the run ends would
        spend nothing and do nothing, so it is not a candidate, and such points of the space are this one."""
        last = horizon_months(self.base) - 1
        out = {}
        for lever in levers():
            room = max(0, last - int(params.get(f"start.{lever.start_key}", 0)))
            out[lever.name] = min(int(params.get(f"delay.{lever.name}", 0)), room)
        return out

    def overrides(self, params: dict[str, Any]) -> dict[str, Any]:
        return candidate_overrides(self.base, *self.candidate(params), ramps=self.ramps(params),
                                   delays=self.delays(params))

    def spec(self) -> dict[str, Any]:
        return {"kind": "optimize", "algorithm": ALGORITHM_VERSION, "scenario": self.base,
                "budget_kyat_month": list(self.budget), "objectives": [o.label() for o in self.objectives],
                "constraints": [c.label() for c in self.constraints], "statistic": self.statistic,
                "probability": self.probability, "draws": self.draws, "draws_how": self.draws_how,
                "seed": int(self.seed), "population": int(self.population), "generations": int(self.generations),
                "max_ramp_months": int(self.max_ramp_months), "max_delay_months": int(self.max_delay_months),
                "min_draws": int(self.rungs[0]), "rungs": self.rungs, "targets": [t.label() for t in self.targets],
                "evaluator": getattr(self.evaluator, "name", type(self.evaluator).__name__),
                "levers": [dataclasses.asdict(lever) for lever in levers()]}

    def spec_hash(self) -> str:
        text = json.dumps(self.spec(), sort_keys=True, default=str, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()


def score(problem: Problem, outcomes: list[dict[str, float]], status_quo: list[dict[str, float]]
          ) -> tuple[list[float], list[float], dict[str, list[float]]]:
    """(objective values, constraint values, per-draw metrics) of a candidate's outcomes on the draws."""
    per_draw = [metric_values(o, s) for o, s in zip(outcomes, status_quo)]
    metrics = {m: [d[m] for d in per_draw] for m in per_draw[0]}
    for o in problem.objectives:
        if o.metric not in metrics:
            raise OptimizeError(f"--objective {o.metric}: this model does not report it (it reports "
                                f"{', '.join(metrics)}).")
    constrained = {c.metric: c for c in problem.constraints}
    values = []
    for o in problem.objectives:
        v = np.asarray(metrics[o.metric], dtype=float)
        if problem.statistic == "probability" and o.metric in constrained:
            values.append(1.0 - constraint_value(v, constrained[o.metric], "probability", 1.0))  # P(met)
        else:
            values.append(robust(v, o.maximize, "mean" if problem.statistic == "probability" else problem.statistic))
    limits = [constraint_value(np.asarray(metrics[c.metric], dtype=float), c, problem.statistic, problem.probability)
              for c in problem.constraints]
    return values, limits, metrics


def directions(problem: Problem) -> list[str]:
    constrained = {c.metric for c in problem.constraints}
    return ["maximize" if (o.maximize or (problem.statistic == "probability" and o.metric in constrained))
            else "minimize" for o in problem.objectives]


# -- the study ----------------------------------------------------------------------------------

def _constraints_of(trial) -> list[float]:
    return list(trial.user_attrs.get("constraint_values", []))


def make_sampler(problem: Problem, trial_index: int):
    """NSGA-II seeded from (seed, trial index): the same candidate whether or not the driver was restarted."""
    import warnings

    import optuna

    seed = run_seed(problem.seed, 10**9 + trial_index) % 2**32  # the legacy RandomState takes 32 bits
    with warnings.catch_warnings():  # constraints_func has been "experimental" since optuna 2.5
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        return optuna.samplers.NSGAIISampler(population_size=problem.survivors, seed=seed,
                                             constraints_func=_constraints_of if problem.constraints else None)


def open_study(problem: Problem, db: Path):
    """Create or reopen the study in ``db``; a study of another problem is refused."""
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    storage = optuna.storages.RDBStorage(f"sqlite:///{db}", engine_kwargs={"connect_args": {"timeout": 60}})
    study = optuna.create_study(storage=storage, study_name="optimize", directions=directions(problem),
                                sampler=make_sampler(problem, 0), load_if_exists=True)
    digest = problem.spec_hash()
    found = study.user_attrs.get("spec_hash")
    if found is None:
        study.set_user_attr("spec_hash", digest)
    elif found != digest:
        raise OptimizeError(f"{db} holds another optimisation (an interrupted one with different options). Re-run "
                            "its own command to finish it, or pass --force to discard it.")
    return study


def _live(study) -> list:
    """Trials that count, in order: all but those left half-created by a killed driver."""
    return [t for t in study.get_trials(deepcopy=False) if not t.user_attrs.get("interrupted")]


def candidate_numbers(study) -> dict[int, int]:
    """Each live trial's candidate number: its place among the trials that count. A driver killed inside ``ask``
    leaves a trial that is discarded on resuming, so Optuna's own numbers skip one there; the candidates, their
    samplers' seeds (:func:`make_sampler`) and so these numbers are those of an uninterrupted search."""
    return {t.number: k for k, t in enumerate(_live(study))}


def _discard_half_created(study, problem: Problem) -> None:
    """A driver killed inside ``ask`` can leave a running trial without all its parameters: mark it failed."""
    import optuna

    names = set(problem.distributions())
    for t in _live(study):
        if t.state == optuna.trial.TrialState.RUNNING and set(t.params) != names:
            study._storage.set_trial_user_attr(t._trial_id, "interrupted", True)
            study.tell(t.number, state=optuna.trial.TrialState.FAIL)


def _ask_batch(study, problem: Problem) -> bool:
    """Ask trials up to the end of the current batch; False when every batch has been asked."""
    import optuna

    asked = [t for t in _live(study) if t.state != optuna.trial.TrialState.WAITING]
    running = [t for t in asked if t.state == optuna.trial.TrialState.RUNNING]
    if len(asked) % problem.population == 0 and not running:
        if len(asked) >= problem.n_candidates:
            return False
        want = problem.population
    else:
        want = (-len(asked)) % problem.population
    dists = problem.distributions()
    for k in range(want):
        study.sampler = make_sampler(problem, len(asked) + k)
        study.ask(dists)
    return True


def status_quo(study, problem: Problem, run: Callable) -> list[dict[str, float]]:
    """The status quo's outcome on each draw: run once, kept in the study."""
    if "status_quo" in study.user_attrs:
        return study.user_attrs["status_quo"]
    result = run([(-1, status_quo_overrides(problem.base))], range(len(problem.draws)))[-1]
    if "error" in result:
        raise OptimizeError(f"the run with no programmes failed on a draw: {result['error']}. Fix the scenario "
                            "or the --uncertain ranges; nothing was optimised yet.")
    reported = metric_values(result["outcomes"][0], result["outcomes"][0])
    for metric in [o.metric for o in problem.objectives] + [c.metric for c in problem.constraints] + [
            t.metric for t in problem.targets]:
        if metric not in reported:
            raise OptimizeError(f"'{metric}': this model does not report it (it reports {', '.join(reported)}).")
    study.set_user_attr("status_quo", result["outcomes"])
    return result["outcomes"]


class EvaluationTally:
    """Evaluations (a candidate's run on one draw) done of a whole search, told to ``progress(done, total)`` as each
    ends, so that a caller can show progress and a time estimate within a generation, not only after it."""

    def __init__(self, problem: Problem, study, progress: Callable[[int, int], None] | None) -> None:
        self.total, self.progress = problem.n_evaluations, progress
        self.done = min(self.total, evaluations_done(study, problem))

    def add(self, n: int) -> None:
        # failed candidates skip rungs, so the runs can end below the total, never above it
        self.done = min(self.total, self.done + n)
        if self.progress is not None:
            self.progress(self.done, self.total)

    def finish(self) -> None:
        """Every generation is told: what a failed candidate did not run is no longer to come."""
        self.add(self.total - self.done)


def evaluations_done(study, problem: Problem) -> int:
    """Evaluations a resumed search finds stored: the status quo's draws and each trial's draws so far."""
    done = len(problem.draws) if "status_quo" in study.user_attrs else 0
    return done + sum(len(t.user_attrs.get("outcomes", [])) for t in _live(study))


def drive(study, problem: Problem, run: Callable) -> None:
    """Ask, evaluate by successive halving and tell, generation by generation, until every candidate is told
    (resuming what is there)."""
    import optuna

    _discard_half_created(study, problem)
    if not study.get_trials(deepcopy=False):
        names = problem.lever_names()
        even = ({"spend": 1.0} if problem.keeps_reserve else {}) | {
            f"split.{n}": 1.0 / (len(names) - i) for i, n in enumerate(names[:-1])}
        study.enqueue_trial(even | {f"start.{k}": 0 for k in start_keys()}
                            | {k: 0 for k in problem.distributions() if k.startswith(("ramp.", "delay."))}
                            | ({"budget": problem.budget[1]} if problem.budget[1] > problem.budget[0] else {}))
    sq = status_quo(study, problem, run)
    while _ask_batch(study, problem):
        generation = current_generation(study, problem)
        results = successive_halving(study, problem, generation, run, sq)
        for t in generation:  # told in trial order, each written before the next
            if t.state == optuna.trial.TrialState.RUNNING:
                _tell(study, problem, t, results[t.number], sq)


def current_generation(study, problem: Problem) -> list:
    """The last ``population`` trials asked, told or not (:func:`_ask_batch` asks whole generations): after a
    kill, some may be told already, and their stored draws still decide who else is promoted."""
    import optuna

    asked = [t for t in _live(study) if t.state != optuna.trial.TrialState.WAITING]
    return asked[-problem.population:]


def successive_halving(study, problem: Problem, generation: list, run: Callable,
                       sq: list[dict[str, float]]) -> dict[int, dict[str, Any]]:
    """Each trial's result at the rung it reached: ``{"outcomes": [one per draw run]}`` or its error.

    Every candidate runs on the first ``rungs[0]`` draws; at each further rung the better half of those that
    entered the previous one (:func:`promotion_order`) add the draws up to ``rungs[r]``. All candidates of a rung
    run the same draws with the same seeds (common random numbers). Each trial's draws are written to the study
    as they come (``user_attrs["outcomes"]``), so a resumed driver runs only what is missing and, the runs being
    deterministic, promotes the same candidates."""
    results = {t.number: stored_result(t) for t in generation}
    entered = list(generation)
    for r, n in enumerate(problem.rungs):
        if r:
            order = promotion_order(problem, [results[t.number] for t in entered], sq, problem.rungs[r - 1])
            ok = [entered[i] for i in order if "error" not in results[entered[i].number]]
            entered = sorted(ok[:promoted_count(len(entered))], key=lambda t: t.number)
        first = problem.rungs[r - 1] if r else 0
        todo = [t for t in entered if "error" not in results[t.number] and len(results[t.number]["outcomes"]) < n]
        if not todo:
            continue
        fresh = run([(t.number, problem.overrides(t.params)) for t in todo], range(first, n))
        for t, result in zip(todo, fresh):
            results[t.number] = _store_draws(study, t, results[t.number], result)
    return results


def stored_result(trial) -> dict[str, Any]:
    """What the study holds of a trial's runs: its error, or its outcomes on the draws run so far."""
    if "error" in trial.user_attrs:
        return {"error": trial.user_attrs["error"], "traceback": trial.user_attrs.get("traceback", "")}
    return {"outcomes": list(trial.user_attrs.get("outcomes", []))}


def _store_draws(study, trial, have: dict[str, Any], fresh: dict[str, Any]) -> dict[str, Any]:
    storage, tid = study._storage, trial._trial_id
    if "error" in fresh:
        storage.set_trial_user_attr(tid, "error", fresh["error"])
        storage.set_trial_user_attr(tid, "traceback", fresh["traceback"])
        return fresh
    merged = {"outcomes": have["outcomes"] + fresh["outcomes"]}
    storage.set_trial_user_attr(tid, "outcomes", merged["outcomes"])
    return merged


def promotion_order(problem: Problem, results: list[dict[str, Any]], sq: list[dict[str, float]],
                    draws: int) -> list[int]:
    """Indices of ``results`` from the most to the least promising on their first ``draws`` draws, as NSGA-II
    ranks: those meeting the constraints first, the others by their total shortfall; then by non-dominated rank
    and crowding distance (the ends and sparse parts of a front first); then by trial order. Failed last."""
    ok = [i for i, res in enumerate(results) if "error" not in res]
    if not ok:
        return list(range(len(results)))
    scored = [score(problem, results[i]["outcomes"][:draws], sq[:draws]) for i in ok]
    values = np.array([v for v, _, _ in scored], dtype=float).reshape(len(ok), -1)
    shortfall = np.array([sum(max(0.0, c) for c in limits) for _, limits, _ in scored])
    maximize = [d == "maximize" for d in directions(problem)]
    rank, crowd = np.zeros(len(ok)), np.zeros(len(ok))
    feasible = np.flatnonzero(shortfall <= 0)
    if feasible.size:
        rank[feasible], crowd[feasible] = ranks_and_crowding(values[feasible], maximize)
    key = sorted(range(len(ok)), key=lambda j: (shortfall[j] > 0, shortfall[j], rank[j], -crowd[j], j))
    return [ok[j] for j in key] + [i for i in range(len(results)) if i not in ok]


def ranks_and_crowding(points: np.ndarray, maximize: list[bool]) -> tuple[np.ndarray, np.ndarray]:
    """Each point's non-dominated rank (0: the front) and its crowding distance within its rank."""
    rank = np.full(len(points), -1)
    crowd = np.zeros(len(points))
    level = 0
    while (rank < 0).any():
        left = np.flatnonzero(rank < 0)
        front = left[non_dominated(points[left], maximize)]
        rank[front] = level
        crowd[front] = crowding(points[front])
        level += 1
    return rank, crowd


def crowding(points: np.ndarray) -> np.ndarray:
    """NSGA-II's crowding distance: per objective, the gap between a point's neighbours over the range (the
    two ends infinite), summed."""
    n, distance = len(points), np.zeros(len(points))
    if n <= 2:
        return np.full(n, np.inf)
    for k in range(points.shape[1]):
        order = np.argsort(points[:, k], kind="stable")
        span = points[order[-1], k] - points[order[0], k]
        distance[order[[0, -1]]] = np.inf
        if span > 0:
            distance[order[1:-1]] += (points[order[2:], k] - points[order[:-2], k]) / span
    return distance


def _work_left(study, problem: Problem) -> bool:
    finished = [t for t in _live(study) if t.state.is_finished()]
    return "status_quo" not in study.user_attrs or len(finished) < problem.n_candidates


def _tell(study, problem: Problem, trial, result: dict[str, Any], sq: list[dict[str, float]]) -> None:
    """FAIL for a candidate whose runs raised; PRUNED, with its metrics on its draws, for one dropped before the
    top rung (NSGA-II in optuna 4 picks parents among COMPLETE trials only); else its values on every draw."""
    import optuna

    storage, tid = study._storage, trial._trial_id
    if "error" in result:
        study.tell(trial.number, state=optuna.trial.TrialState.FAIL)
        return
    values, limits, metrics = score(problem, result["outcomes"], sq[:len(result["outcomes"])])
    storage.set_trial_user_attr(tid, "metrics", metrics)
    storage.set_trial_user_attr(tid, "constraint_values", limits)
    if len(result["outcomes"]) < len(problem.draws):
        study.tell(trial.number, state=optuna.trial.TrialState.PRUNED)
    else:
        study.tell(trial.number, values)


# -- running evaluations -----------------------------------------------------------------------

Job = tuple[int, dict[str, Any]]  # (trial number, the candidate's overrides; each draw's own are added)


Runner = Callable[[list[Job], range], list[dict[str, Any]]]


def runner_for(problem: Problem, client: Any, evaluated: Callable[[int], None] | None = None) -> Runner:
    """A function evaluating jobs on a range of draws (in-process when ``client`` is None, else on Dask), results
    in job order, each with its outcomes on those draws in order.

    Each draw is one task running every job of the batch (:func:`evaluate_draw`), so that candidates can
    start from their draw's status quo. ``evaluated(n)`` hears of runs as they end: in-process each candidate's,
    on Dask a draw's batch of them as its task returns."""
    seeds, base, evaluator, draws = problem.seeds, problem.base, problem.evaluator, problem.draws
    sq = status_quo_overrides(base)
    if client is None:
        return lambda jobs, which: gather([evaluate_draw(evaluator, base, draws[d], sq, [o for _, o in jobs],
                                                         seeds[d], evaluated) for d in which])
    if getattr(evaluator, "warm_model", None):
        from defection.experiments._dask import WarmUpPlugin

        client.register_plugin(WarmUpPlugin(evaluator.warm_model), name=f"defection-warmup-{evaluator.warm_model}")
    tag = problem.spec_hash()[:12]
    [base_future] = client.scatter([base], broadcast=True)

    def run_on_dask(jobs: list[Job], which: range) -> list[dict[str, Any]]:
        from distributed import as_completed

        from defection.experiments.runner import is_lost_worker

        candidates = [o for _, o in jobs]
        batch = "-".join(str(n) for n, _ in jobs[:1] + jobs[-1:]) + f"-n{len(jobs)}"
        results: dict[int, list[dict[str, Any]]] = {}
        for attempt in range(1, LOST_WORKER_ATTEMPTS + 1):
            todo = [d for d in which if d not in results]
            if not todo:
                break
            futures = {d: client.submit(evaluate_draw, evaluator, base_future, draws[d], sq, candidates, seeds[d],
                                        pure=False, key=f"defection-optimize-{tag}-trials-{batch}-draw-{d}-"
                                                        f"attempt-{attempt}")
                       for d in todo}
            draw_of = {fut.key: d for d, fut in futures.items()}
            for fut in as_completed(list(futures.values())):  # as each draw ends, so progress moves within a rung
                try:
                    results[draw_of[fut.key]] = fut.result()
                except (Exception, BaseException) as exc:
                    if not is_lost_worker(exc):
                        raise
                else:
                    if evaluated is not None:
                        evaluated(len(jobs))
                fut.release()
        if len(results) < len(which):
            raise OptimizeError(f"{len(which) - len(results)} draws of a batch were lost with their Dask worker "
                                f"{LOST_WORKER_ATTEMPTS} times. Every finished evaluation is saved; re-run the same "
                                "command to finish the rest.")
        return gather([results[d] for d in which])

    return run_on_dask


# -- results -----------------------------------------------------------------------------------

def non_dominated(points: np.ndarray, maximize: list[bool]) -> np.ndarray:
    """Mask of the rows of ``points`` (candidates x objectives) that no other row dominates."""
    signed = np.where(maximize, points, -points)  # larger is better in every column
    keep = np.ones(len(points), bool)
    for i in range(len(points)):
        better_eq = np.all(signed >= signed[i], axis=1)
        strictly = np.any(signed > signed[i], axis=1)
        keep[i] = not np.any(better_eq & strictly)
    return keep


def trials_table(study, problem: Problem) -> pa.Table:
    """One row per candidate: state, decision, overrides, planned spend, each metric's statistic and spread,
    feasibility, regret and whether it is on the Pareto front."""
    from defection.experiments.compare import paired_interval

    trials = [t for t in _live(study) if t.state.is_finished()]
    number = candidate_numbers(study)
    rows: list[dict[str, Any]] = []
    for t in trials:
        budget, allocation, starts = problem.candidate(t.params)
        total = sum(allocation.values())
        overrides = problem.overrides(t.params)
        spend = planned_spend(problem.base, overrides)
        row: dict[str, Any] = {"trial": number[t.number], "state": t.state.name,
                               "draws": len(t.user_attrs.get("outcomes", [])),  # fewer than all: PRUNED
                               "budget_kyat_month": budget,
                               **{f"share_{k}": (v / total if total else (1.0 if k == RESERVE else 0.0))
                                  for k, v in allocation.items()},
                               **{f"start_{k.split('.')[-1]}": start_date(problem.base, m).isoformat()
                                  for k, m in starts.items()},
                               **{f"ramp_{n}": months for n, months in problem.ramps(t.params).items()},
                               **{f"opens_{lever.name}": own_start(problem.base, overrides, lever,
                                                                   problem.delays(t.params)[lever.name]).isoformat()
                                  for lever in levers()},
                               **{lever.amount_key.split(".")[-1]: float(overrides[lever.amount_key]) for lever in levers()},
                               "planned_kyat_month": float(sum(spend.values())),
                               "error": t.user_attrs.get("error")}
        for m, values in t.user_attrs.get("metrics", {}).items():
            v = np.asarray(values, dtype=float)
            lo, hi = paired_interval(v)
            row |= {f"{m}": robust(v, higher_is_better(m), "mean" if problem.statistic == "probability"
                                   else problem.statistic),
                    f"{m}_mean": float(v.mean()), f"{m}_p10": float(np.percentile(v, 10)),
                    f"{m}_p90": float(np.percentile(v, 90)), f"{m}_ci_lo": lo, f"{m}_ci_hi": hi}
        for o, value in zip(problem.objectives, t.values or [None] * len(problem.objectives)):
            row[f"objective_{o.metric}"] = value
        row["target_probability"] = target_probability(t.user_attrs.get("metrics"), problem.constraints)
        limits = t.user_attrs.get("constraint_values")
        row["feasible"] = t.state.name == "COMPLETE" and all(c <= 0 for c in (limits or []))
        rows.append(row)
    columns = list(dict.fromkeys(k for row in rows for k in row))  # a failed trial has no metric columns
    table = pa.Table.from_pylist([{k: row.get(k) for k in columns} for row in rows])
    return _add_regret_and_front(table, trials, problem)


def target_probability(metrics: dict[str, list[float]] | None, constraints: list[Constraint]) -> float | None:
    """The share of draws in which every constraint holds at once (None without constraints or metrics)."""
    if not constraints or not metrics:
        return None
    met = np.ones(len(next(iter(metrics.values()))), bool)
    for c in constraints:
        v = np.asarray(metrics[c.metric], dtype=float)
        met &= (v >= c.bound) if c.at_least else (v <= c.bound)
    return float(met.mean())


def _add_regret_and_front(table: pa.Table, trials: list, problem: Problem) -> pa.Table:
    """Regret of the first objective against the best candidate in each draw; the Pareto flag."""
    n = table.num_rows
    first = problem.objectives[0]
    regret_mean = np.full(n, np.nan)
    regret_max = np.full(n, np.nan)
    ok = np.array([t.state.name == "COMPLETE" for t in trials], bool)
    if ok.any():
        grid = np.array([t.user_attrs["metrics"][first.metric] for t, good in zip(trials, ok) if good], dtype=float)
        best = grid.max(axis=0) if first.maximize else grid.min(axis=0)
        regret = np.abs(best - grid)  # per candidate and draw, >= 0
        regret_mean[ok], regret_max[ok] = regret.mean(axis=1), regret.max(axis=1)
    front = np.zeros(n, bool)
    feasible = np.asarray(table.column("feasible").to_pylist(), bool) if n else front
    if feasible.any():
        points = np.array([t.values for t, f in zip(trials, feasible) if f], dtype=float)
        front[feasible] = non_dominated(points, [d == "maximize" for d in directions(problem)])
    # null, not NaN, where there is no regret (a candidate not run on every draw): NaN never equals itself
    table = table.append_column(f"regret_{first.metric}_mean", pa.array(regret_mean, pa.float64(), mask=~ok))
    table = table.append_column(f"regret_{first.metric}_max", pa.array(regret_max, pa.float64(), mask=~ok))
    return table.append_column("pareto", pa.array(front, pa.bool_()))


def summarize(table: pa.Table, problem: Problem, seconds: float) -> dict[str, Any]:
    rows = table.to_pylist()
    ok = [r for r in rows if r["state"] == "COMPLETE"]
    failed = sum(1 for r in rows if r["state"] == "FAIL")
    feasible = [r for r in ok if r["feasible"]]
    first = problem.objectives[0]
    pick = (max if first.maximize else min)
    best = pick(feasible, key=lambda r: r[f"objective_{first.metric}"]) if feasible else None
    cheapest = min(feasible, key=lambda r: (r["planned_kyat_month"], r["trial"])) if feasible else None
    if problem.constraints and not feasible:
        note = (f"no candidate meets {' and '.join(c.label() for c in problem.constraints)} ({problem.statistic}) "
                f"with a budget up to {problem.budget[1]:,.0f} kyat a month")
    else:
        note = None
    return {"candidates": len(rows), "evaluated": len(ok), "failed": failed, "not_met": note,
            "pruned": len(rows) - len(ok) - failed, "rungs": problem.rungs,
            "feasible": len(feasible), "pareto": sum(1 for r in rows if r["pareto"]), "draws": len(problem.draws),
            "statistic": problem.statistic, "objectives": [o.label() for o in problem.objectives],
            "constraints": [c.label() for c in problem.constraints], "budget_kyat_month": list(problem.budget),
            f"best_{first.metric}": best, "least_planned_spend_feasible": cheapest,
            # candidate runs (one candidate on one draw), and what evaluating every one on every draw would take
            "evaluations": sum(r["draws"] for r in rows), "evaluations_full_fidelity": len(rows) * len(problem.draws),
            "seconds": seconds}


def statistic_meaning(problem: Problem) -> str:
    """The robust statistic in words, for the answer to a target."""
    n = len(problem.draws)
    if problem.statistic == "p10":
        return (f"p10: the 10th percentile over the {n} draws of an outcome to maximise (the 90th of one to "
                "minimise), the value reached in 9 draws out of 10")
    if problem.statistic == "probability":
        return f"probability: the target holds in at least {problem.probability:.0%} of the {n} draws"
    return f"mean over the {n} draws"


def target_statistic(values: list[float], target: Target, problem: Problem) -> float:
    """A candidate's statistic for ``target``: its robust statistic, or the share of draws reaching it."""
    v = np.asarray(values, dtype=float)
    if problem.statistic == "probability":
        return float(((v >= target.value) if target.at_least else (v <= target.value)).mean())
    return robust(v, target.at_least, problem.statistic)


def reaches(statistic: float, target: Target, problem: Problem) -> bool:
    if problem.statistic == "probability":
        return statistic >= problem.probability
    return statistic >= target.value if target.at_least else statistic <= target.value


def answer(problem: Problem, target: Target, rows: list[dict[str, Any]], metrics: dict[int, dict]) -> dict[str, Any]:
    """The least monthly budget (planned spend, then budget) among the candidates evaluated on every draw that
    meet the constraints and whose statistic reaches ``target``, with its allocation; or, when none does, the
    closest one."""
    judged = [r for r in rows if r["feasible"] and target.metric in metrics.get(r["trial"], {})]
    stat = {r["trial"]: target_statistic(metrics[r["trial"]][target.metric], target, problem) for r in judged}
    meeting = [r for r in judged if reaches(stat[r["trial"]], target, problem)]
    out: dict[str, Any] = {"target": target.label(), "metric": target.metric, "value": target.value,
                           "statistic": problem.statistic, "met": bool(meeting), "meeting": len(meeting),
                           "candidates": len(judged)}
    if not meeting:
        if judged:
            best = (max if target.at_least or problem.statistic == "probability" else min)(
                judged, key=lambda r: stat[r["trial"]])
            out["closest"] = {"trial": best["trial"], "statistic": stat[best["trial"]],
                              "budget_kyat_month": best["budget_kyat_month"]}
        return out
    pick = min(meeting, key=lambda r: (r["planned_kyat_month"], r["budget_kyat_month"], r["trial"]))
    names = [lever.name for lever in levers()]
    return out | {
        "trial": pick["trial"], "budget_kyat_month": pick["budget_kyat_month"],
        "planned_kyat_month": pick["planned_kyat_month"], "target_statistic": stat[pick["trial"]],
        "allocation": {k.removeprefix("share_"): v for k, v in pick.items() if k.startswith("share_")},
        "programmes_open": {k.removeprefix("start_"): v for k, v in pick.items() if k.startswith("start_")},
        "opens": {n: pick.get(f"opens_{n}") for n in names}, "ramp_months": {n: pick.get(f"ramp_{n}") for n in names},
        "amounts": {lever.amount_key: pick.get(lever.amount_key.split(".")[-1]) for lever in levers()},
        target.metric: {k: pick.get(f"{target.metric}{s}") for k, s in
                        (("statistic", ""), ("mean", "_mean"), ("p10", "_p10"), ("p90", "_p90"))},
        "cost_mean": pick.get("cost_mean")}


def answers(study, problem: Problem, table: pa.Table) -> dict[str, Any] | None:
    """answer.json: for each ``--target``, :func:`answer`; None without targets."""
    if not problem.targets:
        return None
    number = candidate_numbers(study)
    metrics = {number[t.number]: t.user_attrs.get("metrics", {}) for t in _live(study) if t.state.name == "COMPLETE"}
    rows = [r for r in table.to_pylist() if r["state"] == "COMPLETE"]
    return {"statistic": problem.statistic, "statistic_meaning": statistic_meaning(problem),
            "draws": len(problem.draws), "answers": [answer(problem, t, rows, metrics) for t in problem.targets]}


def figures(table: pa.Table, problem: Problem, out: Path) -> list[str]:
    """pareto.png (cost against capacity drop, 10-90% bands over the draws) and, when the budget varies,
    dose_response.png (in each eighth of the budget range, the candidate with the largest capacity drop
    statistic: its mean drop and 10-90% band, against its budget, with the target if there is one).
    Drawn by :mod:`defection.report.figures`, which draws them again in Burmese for the report."""
    from defection.engine.outputs import atomic_write_bytes
    from defection.report.figures import dose_response_png, pareto_png

    rows = [r for r in table.to_pylist() if r["state"] == "COMPLETE"]
    targets = sorted({c.bound for c in problem.constraints if c.metric == "capacity_drop" and c.at_least}
                     | {t.value for t in problem.targets if t.metric == "capacity_drop"})
    atomic_write_bytes(out / "pareto.png", pareto_png(rows, len(problem.draws), problem.statistic, targets))
    written = ["pareto.png"]
    if problem.budget[1] > problem.budget[0] and rows:
        atomic_write_bytes(out / "dose_response.png", dose_response_png(rows, problem.budget, targets))
        written.append("dose_response.png")
    return written


def copy_database(src: Path, dst: Path) -> None:
    """A consistent copy of the study's SQLite database (the record), whatever connections are open."""
    with contextlib.closing(sqlite3.connect(src)) as a, contextlib.closing(sqlite3.connect(dst)) as b:
        a.backup(b)


def write_outputs(study, problem: Problem, staging: Path, db: Path, seconds: float) -> dict[str, Any]:
    from defection.engine.outputs import manifest, write_json, write_parquet

    table = trials_table(study, problem)
    write_parquet(staging / "trials.parquet", table)
    write_parquet(staging / "pareto.parquet", table.filter(table.column("pareto")))
    summary = summarize(table, problem, seconds)
    summary["figures"] = figures(table, problem, staging)
    found = answers(study, problem, table)
    if found is not None:
        write_json(staging / "answer.json", found)
        summary["answer"] = found
    write_json(staging / "summary.json", summary)
    copy_database(db, staging / "study.db")
    spec = {k: v for k, v in problem.spec().items() if k != "scenario"}
    import importlib.metadata as md

    versions = {}
    for name in ("optuna", "numpy", "dask", "distributed", "pyarrow"):
        with contextlib.suppress(md.PackageNotFoundError):
            versions[name] = md.version(name)
    write_json(staging / "manifest.json", manifest("optimize", problem.base, problem.seed, spec_hash=problem.spec_hash(),
                                                  spec=spec, status="complete", command=" ".join(sys.argv),
                                                  library_versions=versions,
                                                  files=["trials.parquet", "pareto.parquet", "summary.json",
                                                         "study.db", *summary["figures"],
                                                         *(["answer.json"] if found is not None else [])]))
    return summary


# -- the command --------------------------------------------------------------------------------

def plan_optimize(scenario: Any = "myanmar-2021", budget_kyat_month: str | float = "50000000", *,
                  objectives: list[str] | None = None, constraints: list[str] | None = None,
                  statistic: str = DEFAULT_STATISTIC, probability: float = DEFAULT_PROBABILITY,
                  draws: int = DEFAULT_DRAWS,
                  posterior: Path | None = None, uncertain: list[str] | None = None, candidates: int = 200,
                  population: int = 20, seed: int = 0, days: int | None = None,
                  overrides: list[str] | None = None, evaluator: Any = None,
                  max_ramp_months: int = DEFAULT_MAX_RAMP_MONTHS,
                  max_delay_months: int = DEFAULT_MAX_DELAY_MONTHS, min_draws: int = DEFAULT_MIN_DRAWS,
                  targets: list[str] | None = None, gate: Gate | None = None) -> Problem:
    """Validate an optimisation's options and return its :class:`Problem` (nothing is run).

    ``gate`` (a :class:`~defection.experiments.size.SizeGate`) is told the search's size, its evaluations, once
    the options are checked and before the draws are made; it may refuse it.
    """
    from defection import api

    if statistic not in STATISTICS:
        raise OptimizeError(f"--statistic '{statistic}' is not one of {', '.join(STATISTICS)}."
                            f"{did_you_mean(statistic, STATISTICS)}")
    if not 0 < probability <= 1:
        raise OptimizeError(f"--probability {probability}: give a share of draws in (0, 1], e.g. 0.9.")
    objs = [parse_objective(o) for o in (objectives or DEFAULT_OBJECTIVES)]
    if len({o.metric for o in objs}) < len(objs):
        raise OptimizeError("--objective: an outcome is given twice. Give each objective once.")
    cons = [parse_constraint(c) for c in (constraints or [])]
    if statistic == "probability" and not cons:
        raise OptimizeError("--statistic probability needs a target: give one with --constraint, e.g. "
                            "\"capacity_drop>=0.10\".")
    if population < 2 or population % 2:
        raise OptimizeError(f"--population {population}: NSGA-II needs an even number of candidates per "
                            "generation, 2 or more.")
    if candidates < population:
        raise OptimizeError(f"--candidates {candidates} is fewer than one generation (--population {population}).")
    if seed < 0:
        raise OptimizeError(f"--seed {seed}: seeds are non-negative integers.")
    if not 0 <= max_ramp_months <= RAMP_MONTHS_CEILING:
        raise OptimizeError(f"--max-ramp-months {max_ramp_months}: give whole months from 0 (every lever opens at "
                            f"its full amount) to {RAMP_MONTHS_CEILING}.")
    if not 0 <= max_delay_months <= RAMP_MONTHS_CEILING:
        raise OptimizeError(f"--max-delay-months {max_delay_months}: give whole months from 0 (every lever opens "
                            f"with the programmes) to {RAMP_MONTHS_CEILING}.")
    if min_draws < 1:
        raise OptimizeError(f"--min-draws {min_draws}: give the draws every candidate runs on first, 1 or more "
                            f"(e.g. {DEFAULT_MIN_DRAWS}; --draws {draws} or more evaluates every candidate on every "
                            "draw).")
    goals = [parse_target(t) for t in (targets or [])]
    budget = parse_budget(budget_kyat_month)
    resolved = api.resolve(scenario, overrides, days=days)
    base = resolved.model_dump(mode="json")
    if not levers():
        raise OptimizeError("the scenario's support section has no lever with a unit cost, so there is nothing "
                            "to allocate.")
    if draws < 1:
        raise OptimizeError(f"--draws {draws}: give at least 1 draw.")
    if gate is not None:
        generations = -(-int(candidates) // int(population))
        gate(work_of("optimize", planned_evaluations(population, generations, draws, min_draws),
                     f"{generations * population:,} candidates on up to {plural(draws, 'draw')}, and no programmes on "
                     "each draw", resolved, knob="--candidates or --draws", held_per_run=HELD_PER_EVALUATION))
    draw_list, how = uncertain_draws(base, draws, seed, posterior, uncertain)
    return Problem(base=base, budget=budget, objectives=objs, constraints=cons, statistic=statistic,
                   probability=float(probability), draws=draw_list, draws_how=how, seed=int(seed),
                   population=int(population), generations=-(-int(candidates) // int(population)),
                   evaluator=evaluator if evaluator is not None else ModelEvaluator(),
                   max_ramp_months=int(max_ramp_months), max_delay_months=int(max_delay_months),
                   min_draws=int(min_draws), targets=goals)


def _layout():
    """What an optimisation writes in ``--out``: the only directory its --force replaces."""
    from defection.engine.outputs import Layout

    return Layout("defection optimize", ("optimize",), r"trials\.parquet|pareto\.parquet|summary\.json|study\.db|"
                  r"manifest\.json|pareto\.png|dose_response\.png")


def work_dir(out: Path) -> Path:
    """Where the study lives while it runs: beside ``out``, so that ``out`` stays complete or absent."""
    out = Path(os.path.abspath(out))
    return out.with_name(f".{out.name}.optimize")


def finished(out: Path, problem: Problem) -> dict[str, Any] | None:
    """The summary of the same optimisation already complete in ``out``, else None.

    Its files are read through :mod:`~defection.engine.readback`. A manifest that is absent or not an
    optimisation's means "not this one" (writing into ``out`` then refuses, naming why); a summary of the same
    optimisation that does not read back is refused, naming the file and the field."""
    from defection.engine.readback import OptimizeManifest, load, read_optimize_summary
    from defection.errors import ReadBackError

    if not os.path.isdir(out) or not os.path.lexists(Path(out) / "manifest.json"):
        return None
    try:
        record = load(OptimizeManifest, Path(out) / "manifest.json")
    except ReadBackError:
        return None  # existing_results names what is wrong with it
    if record.kind != "optimize" or record.spec_hash != problem.spec_hash():
        return None
    return read_optimize_summary(out).model_dump(exclude_unset=True)


def optimize(problem: Problem, out: str | Path, *, scheduler: Any = None, workers: int | None = None,
             force: bool = False, progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """Run (or resume, or find finished) ``problem`` into ``out``; return its summary.

    ``progress(done, total)`` counts evaluations, a candidate's run on one draw (:attr:`Problem.n_evaluations`):
    first the runs a resumed search finds stored, then as runs end, and ``total`` when every candidate is told.

    ``out`` is written through :func:`~defection.engine.outputs.results_dir` (complete or absent);
    the study is kept in :func:`work_dir` until then, so a killed run resumes with the same call.
    """
    from defection.engine.outputs import absolute_target, results_dir
    from defection.experiments.runner import check_connection, connect

    out = Path(out)
    check_connection(scheduler, workers)
    if not force and (done := finished(absolute_target(out), problem)) is not None:  # a link is refused first
        return {**done, "already_complete": True}
    t0 = time.perf_counter()
    with results_dir(out, force, layout=_layout()) as where:  # holds the lock on out for the whole optimisation
        work = work_dir(where.target)
        if force and work.exists():
            shutil.rmtree(work)
        work.mkdir(exist_ok=True)
        db = work / "study.db"
        study = open_study(problem, db)
        tally = EvaluationTally(problem, study, progress)
        # a study killed while its results were written has nothing left to run: no cluster is started
        with connect(scheduler, workers) if _work_left(study, problem) else contextlib.nullcontext() as client:
            tally.add(0)  # where a resumed search starts, once the workers are up: the clock starts here
            drive(study, problem, runner_for(problem, client, tally.add))
        tally.finish()
        summary = write_outputs(study, problem, where.staging, db, time.perf_counter() - t0)
    shutil.rmtree(work, ignore_errors=True)  # the record is now out/study.db
    return summary
