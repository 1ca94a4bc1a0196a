"""The report's reading part: the question, the scenario and its sources, what happened in key numbers,
simulated against observed, the DIIS / Nyan Corridor report's findings, policies, and caveats.

Every number comes from the files of the results directory (:class:`~defection.report.results.Results`);
every label from :mod:`defection.i18n`. Names (scenarios, policies, parameter keys) are shown as written.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pyarrow.compute as pc

from defection.experiments import findings as finding_checks
from defection.formatting import rate_sentence, usd_text
from defection.i18n import TEXT, digits, fmt_date, fmt_int, fmt_number, t
from defection.report.markup import Raw, esc, fill, flatten, name, para, table
from defection.report.results import Results, finite
from defection.vocabulary import (FORMER_BASELINE, baseline_label, capacity_weights, capacity_weights_text,
                                  weights_sentence)

WIDE_POSTERIOR = 0.7  # a 90% posterior interval wider than this share of the prior range: the data say little
OBSERVED_SERIES = {"police_defected": "defected", "defected": "defected", "civilians_killed": "civilians_killed",
                   "civilians_arrested": "civilians_arrested", "civilians_detained": "civilians_detained"}


# -- numbers with units ----------------------------------------------------------------------------
def officers(value: float, lang: str) -> str:
    return f"{fmt_int(value, lang)} {t('unit.officer' if round(value) == 1 else 'unit.officers', lang)}"


def people(value: float, lang: str) -> str:
    return f"{fmt_int(value, lang)} {t('unit.people', lang)}"


def percent(share: float, lang: str) -> str:
    return f"{fmt_number(100 * share, lang, 1)}%"


def mkyat(value: float, lang: str) -> str:
    """Money in million kyat with its US$ equivalent; the section states the rate once (:func:`money_note`)."""
    return f"{fmt_number(value / 1e6, lang, 1)} {t('unit.mkyat', lang)} ({usd_text(value, lang)})"


def money_note(rows: list[list[Any]], lang: str) -> list[str]:
    """The exchange rate as a note, if any cell of ``rows`` shows US dollars; else nothing."""
    return [para(rate_sentence(lang), "note")] if any("US$" in str(cell) for row in rows for cell in row) else []


def quantiles(values: np.ndarray) -> tuple[float, float, float] | None:
    """(median, 5th, 95th percentile) of the finite values, or None."""
    values = values[np.isfinite(values)]
    if not len(values):
        return None
    lo, mid, hi = np.percentile(values, [5, 50, 95])
    return float(mid), float(lo), float(hi)


def _h2(anchor: str, key: str, lang: str) -> str:
    return f'<h2 id="{anchor}">{esc(t(key, lang))}</h2>'


def outcome_label(column: str, lang: str, force: str | None = None) -> str:
    text = t(f"key.{column}" if f"key.{column}" in TEXT else f"out.{column}", lang)
    return f"{text}{t('punct.comma', lang)}{t(f'force.{force}', lang)}" if force else text


# -- the question and the scenario ---------------------------------------------------------------
def question(res: Results, lang: str) -> str:
    return (f'<section class="question">{_h2("question", "brief.question_title", lang)}'
            + para(t("brief.question", lang)) + para(t("brief.question_threshold", lang), "note") + "</section>")


def _changed(res: Results) -> list[str]:
    """``key=value`` for each scenario parameter that differs from the built-in scenario of the same name."""
    from defection import scenarios

    try:
        builtin = scenarios.load(str(res.scenario.get("name"))).model_dump(mode="json")
    except Exception:  # noqa: BLE001 - not a built-in scenario, or one this version no longer knows
        return []
    ours, theirs = dict(flatten(res.scenario)), dict(flatten(builtin))
    return [k if isinstance(ours[k], (list, dict)) else f"{k}={ours[k]}"
            for k in ours if k in theirs and ours[k] != theirs[k] and k != "run.seed"]


def _source_counts() -> tuple[int, int]:
    """(parameters citing a public source, parameters in all) of the scenario schema."""
    from defection.scenarios.schema import parameters

    fields = parameters()
    sourced = sum(1 for f in fields.values()
                  if not str((f.json_schema_extra or {}).get("source", "assumed")).startswith("assumed"))
    return sourced, len(fields)


def _runs_text(res: Results, lang: str) -> str:
    spec = res.manifest.get("spec") if isinstance(res.manifest.get("spec"), dict) else {}
    if res.kind == "compare" and res.compare:
        return t("brief.runs_compare", lang).format(n=fmt_int(res.compare.get("replicates", 0), lang),
                                                    p=fmt_int(len(res.compare.get("policies", [])), lang))
    if res.runs is not None:
        return t("brief.runs_ensemble", lang).format(n=fmt_int(res.runs.num_rows, lang))
    if res.kind == "forecast":
        return t("brief.runs_forecast", lang).format(n=fmt_int(res.manifest.get("draws", 0), lang))
    if res.kind == "calibration" and res.posterior:
        return t("brief.runs_calibration", lang).format(n=fmt_int(res.posterior.get("simulations", 0), lang))
    if res.kind == "optimize":
        from defection.report.policy import runs_text

        return runs_text(res, lang)
    seed = res.manifest.get("seed", spec.get("seed"))
    return t("brief.runs_single", lang).format(seed=fmt_int(seed, lang) if finite(seed) else "-")


def scenario(res: Results, lang: str) -> str:
    sc = res.scenario
    items = []
    if sc:
        start, days = res.start, res.days
        period = ""
        if start and days:
            end = start + dt.timedelta(days=days - 1)
            if res.kind == "forecast":  # a forecast runs its scenario to --until, not to run.days
                try:
                    end = dt.date.fromisoformat(str(res.manifest.get("until", ""))[:10])
                    days = (end - start).days + 1
                except ValueError:
                    pass
            period = t("brief.period", lang).format(start=fmt_date(start, lang), end=fmt_date(end, lang),
                                                    days=fmt_int(days, lang))
        items.append(f"{esc(t('brief.scenario', lang))}: {name(sc.get('name', '?'))}"
                     + (f" · {esc(period)}" if period else ""))
        n, scale = res.param("force", "n_officers"), res.param("run", "scale")
        soldiers = res.param("army", "n_soldiers") if res.param("switches", "army") is not False else None
        if finite(n):
            forces = t("brief.force", lang).format(n=fmt_int(n, lang))
            if finite(soldiers) and soldiers > 0:
                forces += " · " + t("brief.army", lang).format(n=fmt_int(soldiers, lang))
            items.append(esc(forces + (" · " + t("brief.scale", lang).format(k=fmt_int(scale, lang))
                                       if finite(scale) else "")))
        items.append(esc(_runs_text(res, lang)))
        changed = _changed(res)
        if changed:
            items.append(f"{esc(t('brief.changed', lang))}: " + ", ".join(name(c) for c in changed[:12])
                         + (" …" if len(changed) > 12 else ""))
    sourced, total = _source_counts()
    items.append(esc(t("brief.sources", lang).format(sourced=fmt_int(sourced, lang), total=fmt_int(total, lang),
                                                     assumed=fmt_int(total - sourced, lang))))
    return (f'<section class="scenario-brief">{_h2("scenario-brief", "brief.scenario_title", lang)}<ul>'
            + "".join(f"<li>{i}</li>" for i in items) + "</ul></section>")


# -- key numbers ------------------------------------------------------------------------------------
RUN_OUTCOMES = ("defected", "quiet_resisters", "caught", "coercive_capacity", "coercive_capacity_min_share",
                "day_capacity_below_half", "civilians_killed", "civilians_arrested", "programme_cost")
ENSEMBLE_OUTCOMES = ("defected", "quiet_resisters", "caught", "coercive_capacity_min_share", "day_capacity_below_half",
                     "civilians_killed", "civilians_arrested", "programme_cost")
BARE = {"officers": lambda v, lang: fmt_int(v, lang), "people": lambda v, lang: fmt_int(v, lang),
        "mkyat": lambda v, lang: f"{fmt_number(v / 1e6, lang, 1)} ({usd_text(v, lang)})", "percent": percent}
UNITS = {"defected": officers, "quiet_resisters": officers, "caught": officers, "civilians_killed": people,
         "civilians_arrested": people, "civilians_detained": people, "programme_cost": mkyat,
         "coercive_capacity_min_share": percent}


def _force_size(res: Results) -> float | None:
    by_branch = (res.summary or {}).get("force_by_branch")
    if isinstance(by_branch, dict) and by_branch and all(finite(v) for v in by_branch.values()):
        return float(sum(by_branch.values()))
    n = res.param("force", "n_officers")
    return float(n) if finite(n) and not res.forces_of("defected") else None


def _capacity_share(res: Results, force: str | None) -> float | None:
    """A run's coercive capacity on its last day as a share of its first day's."""
    column = f"coercive_capacity_{force}" if force else "coercive_capacity"
    series = res.run_series
    if series is not None and column in series.column_names and series.num_rows:
        first, last = series.column(column)[0].as_py(), series.column(column)[-1].as_py()
        if finite(first) and finite(last) and first:
            return last / first
    initial = (res.summary or {}).get(f"{column}_initial")
    last = res.final(column)
    return last / initial if finite(initial) and initial and last is not None else None


def _day_text(res: Results, day: Any, lang: str) -> str:
    if not finite(day):
        return t("brief.never_below_half", lang)
    start = res.start
    when = fmt_date(start + dt.timedelta(days=int(day)), lang) if start else ""
    return f"{when} ({t('unit.day', lang)} {fmt_int(day, lang)})"


def run_rows(res: Results, lang: str) -> list[list[Any]]:
    """(outcome, value) of a single run, with per-force rows where the run records them."""
    rows: list[list[Any]] = []
    force_size = _force_size(res)
    for column in RUN_OUTCOMES:
        for force in (None, *res.forces_of(column)):
            col = f"{column}_{force}" if force else column
            if column == "coercive_capacity":
                share = _capacity_share(res, force)
                if share is not None:
                    rows.append([t("key.capacity_end", lang)
                                 + (f"{t('punct.comma', lang)}{t(f'force.{force}', lang)}" if force else ""),
                                 f"{percent(share, lang)} {t('unit.of_day0', lang)}"])
                continue
            if column == "day_capacity_below_half":
                if res.summary and column in res.summary and not force:
                    rows.append([t("key.day_below_half", lang), _day_text(res, res.summary[column], lang)])
                continue
            value = res.final(col)
            if value is None:
                continue
            text = UNITS[column](value, lang)
            if column == "coercive_capacity_min_share":
                text += f" {t('unit.of_day0', lang)}"
            if column == "defected" and not force and force_size:
                text += " " + t("key.of_force", lang).format(share=percent(value / force_size, lang),
                                                            n=fmt_int(force_size, lang))
            rows.append([outcome_label(column, lang, force) if column != "coercive_capacity_min_share"
                         else t("key.capacity_min", lang), text])
    return rows


def ensemble_rows(res: Results, lang: str) -> list[list[Any]]:
    """(outcome, median, 90% interval) over an ensemble's runs (a comparison's reference policy)."""
    rows: list[list[Any]] = []
    for column in ENSEMBLE_OUTCOMES:
        for force in (None, *res.forces_of(column)):
            col = f"{column}_{force}" if force else column
            values = res.ensemble_values(col)
            if values is None or not len(values):
                continue
            if column == "day_capacity_below_half":
                happened = np.isfinite(values)
                text = t("key.below_half_runs", lang).format(k=fmt_int(happened.sum(), lang),
                                                             n=fmt_int(len(values), lang))
                rows.append([t("key.day_below_half", lang), text, ""])
                continue
            q = quantiles(values)
            if q is None:
                continue
            unit = UNITS[column]
            label_text = t("key.capacity_min", lang) if column == "coercive_capacity_min_share" \
                else outcome_label(column, lang, force)
            suffix = f" {t('unit.of_day0', lang)}" if column == "coercive_capacity_min_share" else ""
            bare = BARE[unit.__name__]
            rows.append([label_text, unit(q[0], lang) + suffix, f"{bare(q[1], lang)} – {bare(q[2], lang)}"])
    return rows


FORECAST_OUTCOMES = ("defected", "quiet_resisters", "coercive_capacity", "civilians_killed", "civilians_arrested",
                     "civilians_detained")


def forecast_rows(res: Results, lang: str) -> tuple[list[list[Any]], str | None]:
    """(outcome, median, 90% interval) on the forecast's last day, and that day."""
    table = res.forecast
    if table is None or not {"date", "series", "q05", "q50", "q95"} <= set(table.column_names):
        return [], None
    series = np.array(table.column("series").to_pylist(), dtype=object)
    dates = table.column("date").to_numpy().astype("datetime64[D]")
    rows: list[list[Any]] = []
    last = None
    for column in FORECAST_OUTCOMES:
        sel = np.flatnonzero(series == column)
        if not len(sel):
            continue
        order = sel[np.argsort(dates[sel])]
        end = order[-1]
        last = str(dates[end])
        q = {k: float(table.column(k)[int(end)].as_py()) for k in ("q05", "q50", "q95")}
        if column == "coercive_capacity":
            first = float(table.column("q50")[int(order[0])].as_py())
            if not first:
                continue
            unit = bare = lambda v, lang_, first=first: percent(v / first, lang_)
            label_text, suffix = t("key.capacity_end", lang), f" {t('unit.of_day0', lang)}"
        else:
            unit, label_text, suffix = UNITS[column], outcome_label(column, lang), ""
            bare = BARE[unit.__name__]
        rows.append([label_text, unit(q["q50"], lang) + suffix, f"{bare(q['q05'], lang)} – {bare(q['q95'], lang)}"])
    return rows, last


def _sentence(res: Results, lang: str) -> str:
    """One or two sentences on what happened."""
    if res.kind == "calibration" and res.posterior:
        post = res.posterior["posterior"]
        narrowed = [k for k, s in post.items() if _width(s) is not None and _width(s) <= WIDE_POSTERIOR]
        return t("brief.happened_calibration", lang).format(
            g=fmt_int(res.posterior.get("generations", 0), lang), s=fmt_int(res.posterior.get("simulations", 0), lang),
            k=fmt_int(len(narrowed), lang), m=fmt_int(len(post), lang))
    if res.summary and not res.is_ensemble:
        defected, share = res.final("defected"), _capacity_share(res, None)
        start, days = res.start, res.days
        if defected is None or share is None or not (start and days):
            return ""
        below = res.summary.get("day_capacity_below_half")
        below_text = (t("brief.never_fell", lang) if not finite(below) else
                      t("brief.fell_on", lang).format(date=fmt_date(start + dt.timedelta(days=int(below)), lang)))
        return t("brief.happened_run", lang).format(
            end=fmt_date(start + dt.timedelta(days=days - 1), lang), defected=officers(defected, lang),
            capacity=percent(share, lang), below=below_text, killed=fmt_int(res.final("civilians_killed") or 0, lang))
    values = res.ensemble_values("defected")
    if values is not None and len(values):
        q = quantiles(values)
        below = res.ensemble_values("day_capacity_below_half")
        k = int(np.isfinite(below).sum()) if below is not None else 0
        key = "brief.happened_compare" if res.kind == "compare" else "brief.happened_ensemble"
        return t(key, lang).format(n=fmt_int(len(values), lang), median=officers(q[0], lang),
                                   lo=fmt_int(q[1], lang), hi=fmt_int(q[2], lang), k=fmt_int(k, lang))
    return ""


def _scenario(res: Results) -> dict[str, Any]:
    found = res.manifest.get("scenario") if isinstance(res.manifest, dict) else None
    return found if isinstance(found, dict) else {}


def capacity_note(res: Results, lang: str) -> str:
    """What coercive capacity counts, with this result's weights (read from its scenario), and how it is shown."""
    return t("vocab.capacity_shown", lang) + " " + capacity_weights_text(_scenario(res), lang)


def run_note(res: Results, lang: str) -> Raw:
    """A single run's baseline: it has the scenario's programmes, and its changes are from its own day 0."""
    start, days = res.start, res.days
    end = start + dt.timedelta(days=days - 1) if start and days else None
    cost = res.final("programme_cost")
    return fill(t("vocab.run_note", lang), {"command": "defection compare --preset diis-policy"},
                cost=mkyat(cost, lang) if finite(cost) else "–", start=fmt_date(start, lang) if start else "–",
                end=fmt_date(end, lang) if end else "–")


def key_numbers(res: Results, lang: str) -> str:
    parts = [_h2("key-numbers", "report.key_numbers", lang)]
    sentence = _sentence(res, lang)
    if sentence:
        parts.append(para(sentence, "lead"))
    outcome, value, interval = t("key.outcome", lang), t("report.value", lang), t("key.interval", lang)
    if res.kind == "forecast":
        rows, last = forecast_rows(res, lang)
        if rows:
            parts.append(para(t("key.forecast_on", lang).format(date=fmt_date(last, lang)), "note"))
            parts.append(table([outcome, t("key.median", lang), interval], rows, "key-numbers", (1, 2)))
            parts += money_note(rows, lang)
            parts.append(para(capacity_note(res, lang), "note"))
    elif res.is_ensemble:
        rows = ensemble_rows(res, lang)
        if rows:
            if res.kind == "compare":
                reference = (res.compare or {}).get("baseline", FORMER_BASELINE)
                parts.append(para(fill(t("key.reference_policy", lang), {"policy": reference},
                                       label=baseline_label(reference, lang)), "note"))
            parts.append(table([outcome, t("key.median", lang), interval], rows, "key-numbers", (1, 2)))
            parts += money_note(rows, lang)
            parts.append(para(capacity_note(res, lang), "note"))
    elif res.summary:
        rows = run_rows(res, lang)
        if rows:
            parts.append(table([outcome, value], rows, "key-numbers", (1,)))
            parts += money_note(rows, lang)
            parts.append(para(run_note(res, lang), "note"))
            parts.append(para(capacity_note(res, lang), "note"))
    elif res.kind == "calibration":
        parts.append(calibration(res, lang, heading=False))
    if (len(parts) == 1 or (len(parts) == 2 and sentence)) and res.kind != "calibration":
        parts.append(para(t("brief.no_brief", lang), "note"))
    return "".join(parts)


# -- simulated against observed ------------------------------------------------------------------
def _observations(res: Results) -> list[dict[str, Any]]:
    """Observations as dicts (date, series, value, lower, source): the calibration's own, or the shipped
    early series (AAPP, the DIIS / Nyan Corridor report, the press), national rows only."""
    recorded = res.manifest.get("observations") if res.kind in ("calibration",) else None
    if isinstance(recorded, list) and recorded:
        return [{"date": str(o.get("date")), "series": str(o.get("series")), "value": o.get("value"),
                 "lower": bool(o.get("lower_bound")), "upper": bool(o.get("upper_bound")), "source": ""}
                for o in recorded if isinstance(o, dict)]
    from defection import data

    try:
        rows = data.rows("myanmar-2021-early")
    except Exception:  # noqa: BLE001 - the shipped data are part of the package; a broken install says so
        return []
    return [{"date": r["date"], "series": r["series"], "value": float(r["value"]), "lower": r["bound"] == "lower",
             "upper": r["bound"] == "upper",
             "source": r.get("source", "")} for r in rows if r.get("scope", "national") == "national"]


def _simulated_at(res: Results, column: str, date: np.datetime64) -> tuple[float, float, float] | float | None:
    """The simulated value of ``column`` on ``date``: a number for a run, (median, 5%, 95%) otherwise."""
    if res.kind == "forecast" and res.forecast is not None:
        table = res.forecast
        series = np.array(table.column("series").to_pylist(), dtype=object)
        dates = table.column("date").to_numpy().astype("datetime64[D]")
        hit = np.flatnonzero((series == column) & (dates == date))
        if len(hit):
            k = int(hit[0])
            return tuple(float(table.column(c)[k].as_py()) for c in ("q50", "q05", "q95"))
        return None
    if res.run_series is not None and column in res.run_series.column_names:
        dates = res.run_series.column("date").to_numpy().astype("datetime64[D]")
        hit = np.flatnonzero(dates == date)
        return float(res.run_series.column(column)[int(hit[0])].as_py()) if len(hit) else None
    matrix = res.series_matrix(column) if res.is_ensemble else None
    if matrix is None:
        return None
    dates, grid = matrix
    hit = np.flatnonzero(dates == date)
    return quantiles(grid[:, int(hit[0])]) if len(hit) else None


def _sim_column(res: Results, series: str) -> str:
    """The simulated column an observed series compares with (police defections: the police's own, once the
    army is modelled)."""
    column = OBSERVED_SERIES.get(series, series)
    if series == "police_defected" and "police" in res.forces_of("defected"):
        return "defected_police"
    return column


def observed(res: Results, lang: str) -> str:
    parts = [_h2("observed", "obs.title", lang)]
    if res.kind == "calibration":
        parts.append(para(t("obs.calibration", lang)))
    rows: list[list[Any]] = []
    for o in _observations(res):
        try:
            date = np.datetime64(o["date"][:10], "D")
        except ValueError:
            continue
        sim = _simulated_at(res, _sim_column(res, o["series"]), date) if res.kind != "calibration" else None
        if sim is None and res.kind != "calibration":
            continue
        observed_text = fmt_int(o["value"], lang)
        if o["lower"]:
            observed_text = t("obs.at_least", lang).format(n=observed_text)
        elif o["upper"]:
            observed_text = t("obs.at_most", lang).format(n=observed_text)
        if sim is None:
            sim_text, ratio = "", ""
        elif isinstance(sim, tuple):
            sim_text = f"{fmt_int(sim[0], lang)} [{fmt_int(sim[1], lang)} – {fmt_int(sim[2], lang)}]"
            ratio = f"{fmt_number(sim[0] / o['value'], lang, 2)}×" if o["value"] else ""
        else:
            sim_text = fmt_int(sim, lang)
            ratio = f"{fmt_number(sim / o['value'], lang, 2)}×" if o["value"] else ""
        series_label = t(f"obs.series.{o['series']}", lang) if f"obs.series.{o['series']}" in TEXT else \
            name(o["series"])
        rows.append([fmt_date(o["date"][:10], lang), series_label, observed_text, sim_text, ratio,
                     name(_source_name(o["source"])) if o["source"] else ""])
    if rows:
        headers = [t("axis.date", lang), t("obs.series", lang), t("obs.observed", lang),
                   t("obs.simulated_ensemble" if res.is_ensemble or res.kind == "forecast" else "obs.simulated", lang),
                   t("obs.ratio", lang), t("obs.source", lang)]
        parts.append(table(headers, rows, "observed", (2, 3, 4)))
        parts.append(para(t("obs.note", lang), "note"))
        n = res.param("force", "n_officers")
        if finite(n) and not 0.8 * 80_000 <= float(n) <= 1.2 * 80_000:
            parts.append(para(t("obs.small_force", lang).format(n=fmt_int(n, lang)), "note"))
    elif res.kind != "calibration":
        parts.append(para(t("obs.none", lang), "note"))
    return "".join(parts)


def _source_name(source: str) -> str:
    """The source as the shipped data name it; "DIIS report (seed)" is the DIIS / Nyan Corridor report."""
    return source.replace("DIIS report (seed)", "DIIS / Nyan Corridor report")


# -- the DIIS / Nyan Corridor report's findings ------------------------------------------------------
# Each verdict is experiments.findings' own check (the one definition, also used by the tests and the README), run
# on the runs this directory holds: a run's files, or the reference policy's runs of an ensemble.
HOLDS, FAILS, UNKNOWN = "holds", "fails", "unknown"
NEEDED = {"F1": "find.need_branches", "F2": "find.need_senior", "F3": "find.need_quiet", "F4": "find.need_held",
          "F5": "find.need_split"}


class _SavedRun:
    """One run read from files, shaped as findings' checks read a result: ``summary``, ``timeseries``,
    ``series(name)``."""

    def __init__(self, summary: dict[str, Any], timeseries):
        self.summary, self.timeseries = summary, timeseries

    def series(self, column: str) -> np.ndarray:
        return self.timeseries.column(column).to_numpy(zero_copy_only=False).astype(float)


def _ensemble_summary(res: Results, row: dict[str, Any]) -> dict[str, Any]:
    """An ensemble run's summary as far as its row of summary.parquet tells it: defectors by branch, with each
    branch's size from the scenario (an ensemble's runs share it)."""
    n, share = res.param("force", "n_officers"), res.param("force", "paramilitary_share")
    if not (finite(n) and finite(share) and 0 < share < 1):
        return {}
    return {"defected_by_branch": {b: row.get(f"defected_{b}") for b in ("civilian", "paramilitary")},
            "force_by_branch": {"civilian": n * (1 - share), "paramilitary": n * share}}


def saved_runs(res: Results) -> list[_SavedRun]:
    """The runs the findings are checked on: a single run, or the reference policy's runs of an ensemble."""
    if not res.is_ensemble:
        return [_SavedRun(res.summary or {}, res.run_series)] if res.run_series is not None else []
    if res.runs is None:
        return []
    series = res.ensemble_series([c for c in finding_checks.SERIES if c != "date"])
    keep = res.baseline_runs()
    out = []
    for row in res.runs.to_pylist():
        if keep is not None and row["run"] not in keep:
            continue
        days = series.filter(pc.equal(series.column("run"), row["run"])) if series is not None else None
        if days is not None and days.num_rows:
            out.append(_SavedRun(_ensemble_summary(res, row), days.sort_by("date")))
    return out


def _evidence(check: finding_checks.Check, lang: str) -> str:
    """The figures a verdict rests on, for a reader."""
    d = check.detail
    if check.finding == "F1":
        return t("find.f1_evidence", lang).format(civ=percent(d["civilian"], lang), para=percent(d["paramilitary"],
                                                                                                lang))
    if check.finding == "F2":
        return t("find.f2_evidence", lang).format(share=percent(check.statistic, lang))
    if check.finding == "F3":
        return "; ".join([
            t("find.f3_end", lang).format(quiet=fmt_int(d["quiet_end"], lang), defected=fmt_int(d["defected_end"],
                                                                                                lang)),
            t("find.f3_early", lang).format(date=fmt_date(finding_checks.EARLY_DATE, lang), quiet=fmt_int(d["quiet_early"], lang),
                                            defected=fmt_int(d["defected_early"], lang),
                                            ratio=fmt_number(finding_checks.EARLY_RATIO, lang, 0)),
            t("find.f3_punished", lang).format(p=fmt_number(d["punishment"], lang, 3),
                                               needed=fmt_number(d["punishment_needed"], lang, 2))])
    if check.finding == "F4":
        return t("find.f4_shares", lang).format(fear=percent(check.statistic, lang),
                                                other=percent(check.threshold, lang))
    marks = [percent(d[k], lang) for k in sorted(d, key=lambda k: int(k.rsplit("_", 1)[1]))]
    return t("find.f5_halves", lang).format(marks=t("punct.comma", lang).join(marks))


def _statement(key: str, lang: str) -> str:
    """What the DIIS / Nyan Corridor report found, with the threshold findings checks it against."""
    return t(f"find.{key.lower()}", lang).format(ratio=fmt_number(finding_checks.CIVILIAN_OVER_PARAMILITARY, lang, 0),
                                                 share=percent(finding_checks.SENIOR_SHARE, lang))


def findings(res: Results, lang: str) -> str:
    verdicts = {HOLDS: t("find.holds", lang), FAILS: t("find.fails", lang), UNKNOWN: t("find.unknown", lang)}
    rows = []
    for key, check in finding_checks.verdicts(saved_runs(res)).items():
        verdict = UNKNOWN if check is None else HOLDS if check.holds else FAILS
        evidence = t(NEEDED[key], lang) if check is None else _evidence(check, lang)
        rows.append([Raw(f"<b>{esc(key)}</b>"), _statement(key, lang),
                     Raw(f'<span class="verdict {verdict}">{esc(verdicts[verdict])}</span>'), evidence])
    return (_h2("findings", "find.title", lang) + para(t("find.intro", lang), "note")
            + table([t("find.finding", lang), t("find.statement", lang), t("find.here", lang),
                     t("find.evidence", lang)], rows, "findings"))


# -- policies, sweeps, calibrations ----------------------------------------------------------------
def policies(res: Results, lang: str) -> str:
    from defection.formatting import costs_table, effects_table

    result = res.compare
    if not result:
        return ""
    from defection.formatting import comparison_notes

    weights = weights_sentence(result.get("capacity_weights") or capacity_weights(_scenario(res)), lang)
    notes = comparison_notes(result, weights, lang)
    parts = [_h2("policies", "pol.title", lang)]
    parts += [para(fill(template, names, **values), "note") for template, names, values in notes]
    for p in result.get("policies", [])[1:]:
        parts.append(para(_policy_sentence(result, p, lang)))
    headers, rows, censored = effects_table(result, lang)
    policy_names = {p["policy"] for p in result.get("policies", [])}
    rows = [[Raw(f"<b>{name(r[0])}</b>") if r[0] in policy_names else Raw(esc(r[0]).replace("  ", "&nbsp;&nbsp;")),
             *r[1:]] for r in rows]
    parts.append(table(headers, rows, "effects", (1, 2, 3)))
    if censored:
        parts.append(para(t("pol.censored", lang), "note"))
    headers, rows = costs_table(result, lang)
    parts.append(f"<h3>{esc(t('pol.costs', lang))}</h3>"
                 + table(headers, [[name(r[0]), *r[1:]] for r in rows], "costs", (1, 2, 3, 4, 5)))
    parts.append(para(rate_sentence(lang), "note"))  # for the US$ in the sentences above and in the table
    return "".join(parts)


def _policy_sentence(result: dict[str, Any], p: dict[str, Any], lang: str) -> Raw:
    row = next((r for r in result["rows"] if r["policy"] == p["policy"] and r["outcome"] == "defected"), {})
    extra, cost, cpd = p.get("extra_defections"), p.get("extra_cost"), p.get("cost_per_additional_defection")
    if not finite(extra):
        return Raw(name(p["policy"]) + esc(": " + t("report.none", lang)))
    interval = (f" [{fmt_number(row['diff_lo'], lang, 1)}, {fmt_number(row['diff_hi'], lang, 1)}]"
                if finite(row.get("diff_lo")) and finite(row.get("diff_hi")) else "")
    text = t("pol.sentence", lang).format(extra=fmt_number(extra, lang, 1) + interval,
                                          cost=mkyat(p.get("cost_mean") or 0, lang),
                                          extra_cost=mkyat(cost if finite(cost) else 0, lang))
    text += " " + (t("pol.per_extra", lang).format(kyat=mkyat(cpd, lang)) if finite(cpd) else t("pol.no_extra", lang))
    return Raw(f"<b>{name(p['policy'])}</b>: {esc(text)}")


def sweep(res: Results, lang: str) -> str:
    spec = res.manifest.get("spec") if isinstance(res.manifest.get("spec"), dict) else {}
    varies = [v for v in spec.get("vary", []) if isinstance(v, dict) and "key" in v]
    if res.kind != "sweep" or not varies or res.runs is None:
        return ""
    from scipy import stats

    rows = []
    for v in varies:
        row: list[Any] = [name(v["key"]), f"{fmt_number(v.get('lo'), lang, 3)} – {fmt_number(v.get('hi'), lang, 3)}"]
        for outcome in ("defected", "coercive_capacity_min_share"):
            if v["key"] in res.runs.column_names and outcome in res.runs.column_names and res.runs.num_rows > 2:
                x = res.runs.column(v["key"]).to_numpy(zero_copy_only=False).astype(float)
                y = res.runs.column(outcome).to_numpy(zero_copy_only=False).astype(float)
                rho = stats.spearmanr(x, y).statistic if np.ptp(x) and np.ptp(y) else float("nan")
                row.append(fmt_number(rho, lang, 2) if finite(rho) else "-")
            else:
                row.append("-")
        rows.append(row)
    intro = fill(t("sweep.intro", lang), {"design": spec.get("design", "?")},
                 n=fmt_int(spec.get("n_points", 0), lang), r=fmt_int(spec.get("replicates", 1), lang))
    return (_h2("sweep", "sweep.title", lang) + para(intro, "note")
            + table([t("sweep.parameter", lang), t("sweep.range", lang), t("sweep.rho_defected", lang),
                     t("sweep.rho_capacity", lang)], rows, "sweep", (2, 3)))


def _width(s: dict[str, Any]) -> float | None:
    try:
        return (s["q95"] - s["q05"]) / (s["prior_hi"] - s["prior_lo"])
    except (KeyError, TypeError, ZeroDivisionError):
        return None


def calibration(res: Results, lang: str, heading: bool = True) -> str:
    """The posterior of each fitted parameter against its prior range (on the first screen of a calibration)."""
    if not res.posterior or (heading and res.kind == "calibration"):
        return ""
    rows = []
    for key, s in res.posterior["posterior"].items():
        width = _width(s)
        if not isinstance(s, dict) or width is None:
            continue
        rows.append([name(key), digits(f"{s['median']:.4g}", lang),
                     digits(f"{s['q05']:.4g} – {s['q95']:.4g}", lang),
                     digits(f"{s['prior_lo']:.4g} – {s['prior_hi']:.4g}", lang),
                     f"{percent(width, lang)} " + (t("cal.wide", lang) if width > WIDE_POSTERIOR else t("cal.narrowed", lang))])
    return ((_h2("posterior", "cal.title", lang) if heading else f"<h3>{esc(t('cal.title', lang))}</h3>")
            + table([t("sweep.parameter", lang), t("key.median", lang), t("key.interval", lang), t("cal.prior", lang),
                     t("cal.width", lang)], rows, "posterior", (1, 2, 3)))


def design_warnings(res: Results, lang: str) -> list[str]:
    """The warnings the experiment wrote where its design is too small to mean anything (sensitivity.json,
    posterior_summary.json, compare.json), one sentence each, worded as on the command line."""
    from defection.formatting import design_warning

    sources = (res.files.read_json("sensitivity.json"), res.posterior, res.compare)
    out = []
    for source in sources:
        warnings = source.get("design_warnings") if isinstance(source, dict) else None
        for warning in warnings if isinstance(warnings, list) else []:
            parts = design_warning(warning, lang) if isinstance(warning, dict) else None
            if parts:
                label = Raw(f"<b>{esc(t('warn.label', lang))}:</b> ")
                out.append(para(Raw(label + fill(parts[0], parts[1], **parts[2])), "warning"))
    return out


def caveats(res: Results, lang: str) -> str:
    parts = [_h2("caveats", "cav.title", lang), *design_warnings(res, lang), para(t("cav.data", lang)),
             para(t("cav.synthetic", lang))]
    if res.posterior:
        wide = [k for k, s in res.posterior["posterior"].items() if (_width(s) or 0) > WIDE_POSTERIOR]
        if wide:
            parts.append(Raw(f"<p>{esc(t('cav.wide', lang))} " + ", ".join(name(k) for k in wide) + ".</p>"))
        else:
            parts.append(para(t("cav.none_wide", lang)))
    return "".join(parts)
