"""The brief of a ``defection optimize`` directory: policy design under a budget.

On the first screen: the question (the least budget that meets the target, or the best allocation for the
objectives), the problem posed (budget, objectives, constraints, robust statistic, decisions, draws, search),
and what was found: a lead sentence and the best candidates of the Pareto set side by side (budget, share,
start and ramp of each programme, money spent, capacity drop with its 10–90% range over the draws,
defections per force, civilians killed, probability of meeting the target, regret). Then the figures
(``pareto.png`` and ``dose_response.png``, drawn again with Burmese labels for a Burmese report) and the
caveats. Every number comes from ``manifest.json``, ``summary.json``, ``pareto.parquet`` and
``trials.parquet``, read as :class:`~defection.report.files.ResultFiles` allows; nothing is simulated.
"""
from __future__ import annotations

import re
from typing import Any

import numpy as np

from defection.formatting import rate_sentence, usd_text
from defection.i18n import TEXT, fmt_date, fmt_int, fmt_number, t
from defection.report.markup import Raw, esc, name, para, table
from defection.report.results import Results, finite
from defection.vocabulary import definition, p10_text

MAX_CANDIDATES = 4  # Pareto candidates shown side by side on the first screen (the cheapest among them)
SHARES = ("capacity_drop", "capacity_min_drop")  # outcomes that are shares (shown as %)
_CONSTRAINT = re.compile(r"^\s*([A-Za-z_]\w*)\s*(>=|<=)\s*(.+?)\s*$")


# -- what the directory holds ----------------------------------------------------------------------
def spec(res: Results) -> dict[str, Any]:
    found = res.manifest.get("spec")
    return found if isinstance(found, dict) else {}


def candidates(res: Results, rel: str) -> list[dict[str, Any]]:
    """The rows of ``trials.parquet`` or ``pareto.parquet`` that were evaluated, by budget then planned spend."""
    table_ = res.files.read_table(rel)
    if table_ is None:
        return []
    rows = [r for r in table_.to_pylist() if r.get("state") == "COMPLETE"]
    return sorted(rows, key=lambda r: (_number(r.get("budget_kyat_month")), _number(r.get("planned_kyat_month")),
                                       _number(r.get("trial"))))


def _number(value: Any) -> float:
    return float(value) if finite(value) else float("inf")


def lever_names(res: Results, rows: list[dict[str, Any]]) -> list[str]:
    """The programmes the candidates split the budget between (the manifest's levers, else the share columns)."""
    levers = [lv.get("name") for lv in spec(res).get("levers", []) if isinstance(lv, dict)]
    if levers:
        return [str(n) for n in levers if n]
    return sorted({k.removeprefix("share_") for r in rows[:1] for k in r if k.startswith("share_")} - {"reserve"})


def cheapest_feasible(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The feasible candidate with the least planned monthly spend (the least budget that meets the target)."""
    feasible = [r for r in rows if r.get("feasible")]
    return min(feasible, key=lambda r: (_number(r.get("planned_kyat_month")), _number(r.get("trial")))) \
        if feasible else None


def shown(front: list[dict[str, Any]], cheapest: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Up to :data:`MAX_CANDIDATES` candidates of the front, spread evenly by budget from the cheapest to the
    strongest; the cheapest feasible candidate is always among them."""
    picks = front if len(front) <= MAX_CANDIDATES else \
        [front[round(k)] for k in np.linspace(0, len(front) - 1, MAX_CANDIDATES)]
    if cheapest is not None and all(r["trial"] != cheapest["trial"] for r in picks):
        picks = [cheapest, *picks[: MAX_CANDIDATES - 1]] if len(picks) >= MAX_CANDIDATES else [cheapest, *picks]
    return sorted({r["trial"]: r for r in picks}.values(),
                  key=lambda r: (_number(r.get("budget_kyat_month")), _number(r.get("planned_kyat_month")),
                                 r["trial"]))


# -- outcomes with units ---------------------------------------------------------------------------
def percent(share: float, lang: str) -> str:
    return f"{fmt_number(100 * share, lang, 1)}%"


def mkyat(value: float, lang: str) -> str:
    """Money in million kyat with its US$ equivalent; the section states the rate once (:func:`rate_sentence`)."""
    return f"{fmt_number(value / 1e6, lang, 1)} {t('unit.mkyat', lang)} ({usd_text(value, lang)})"


def usd_spread(row: dict[str, Any], metric: str, lang: str) -> Raw:
    """:func:`spread` of a money outcome in US dollars."""
    mean, lo, hi = (row.get(f"{metric}_{k}") for k in ("mean", "p10", "p90"))
    if not finite(mean):
        return Raw("–")
    band = f" <br>[{esc(usd_text(lo, lang))} – {esc(usd_text(hi, lang))}]" if finite(lo) and finite(hi) else ""
    return Raw(esc(usd_text(mean, lang)) + band)


def _base(metric: str) -> str:
    return "defections" if metric.startswith("defections") else metric


def value_text(metric: str, value: Any, lang: str, unit: bool = True) -> str:
    """An outcome's value in its unit: a share as %, money in million kyat, people and officers as counts."""
    if not finite(value):
        return "–"
    base = _base(metric)
    if base in SHARES:
        return percent(value, lang)
    if base == "cost":
        return mkyat(value, lang) if unit else fmt_number(value / 1e6, lang, 1)
    number = fmt_number(value, lang, 1)
    if not unit:
        return number
    return f"{number} {t('unit.officers' if base == 'defections' else 'unit.people', lang)}"


def spread(row: dict[str, Any], metric: str, lang: str, unit: bool = True) -> Raw:
    """The mean over the draws and, in brackets below it, the 10th to 90th percentile."""
    mean = row.get(f"{metric}_mean")
    if not finite(mean):
        return Raw("–")
    lo, hi = row.get(f"{metric}_p10"), row.get(f"{metric}_p90")
    band = f" <br>[{esc(value_text(metric, lo, lang, False))} – {esc(value_text(metric, hi, lang, False))}]" \
        if finite(lo) and finite(hi) else ""
    return Raw(esc(value_text(metric, mean, lang, unit)) + band)


def metric_label(metric: str, lang: str) -> str:
    force = metric.removeprefix("defections_") if metric.startswith("defections_") else None
    key = f"opt.metric.{_base(metric)}"
    text = t(key, lang) if key in TEXT else metric
    return f"{text}{t('punct.comma', lang)}{t(f'force.{force}', lang)}" if force else text


def lever_label(lever: str, lang: str) -> Raw:
    key = f"opt.lever.{lever}"
    return Raw(esc(t(key, lang))) if key in TEXT else name(lever)


def constraint_text(label: str, lang: str) -> Raw:
    """``capacity_drop>=0.1`` as "the drop in ... ≥ 10.0%"; a label that does not parse is shown as a name."""
    match = _CONSTRAINT.match(str(label))
    try:
        bound = float(match.group(3)) if match else None
    except ValueError:
        bound = None
    if bound is None:
        return name(label)
    metric, op = match.group(1), match.group(2)
    return Raw(esc(f"{metric_label(metric, lang)} {'≥' if op == '>=' else '≤'} {value_text(metric, bound, lang)}"))


def objective_text(label: str, lang: str) -> str:
    metric, _, direction = str(label).partition(":")
    return t("opt.min" if direction == "min" else "opt.max", lang).format(metric=metric_label(metric, lang))


def _joined(parts: list[Any], lang: str) -> Raw:
    return Raw(esc(t("opt.and", lang)).join(p if isinstance(p, Raw) else esc(p) for p in parts))


def targets(res: Results) -> list[str]:
    return [str(c) for c in spec(res).get("constraints", [])]


# -- the question and the problem posed ------------------------------------------------------------
def question(res: Results, lang: str) -> str:
    s = spec(res)
    if targets(res):
        text = _template(t("opt.question_target", lang), target=_joined([constraint_text(c, lang)
                                                                          for c in targets(res)], lang))
    else:
        text = _template(t("opt.question_best", lang),
                         objectives=_joined([objective_text(o, lang) for o in s.get("objectives", [])], lang))
    return (f'<section class="question"><h2 id="question">{esc(t("brief.question_title", lang))}</h2>'
            + para(text) + f"<h3>{esc(t('opt.setup_title', lang))}</h3><ul>"
            + "".join(f"<li>{item}</li>" for item in setup(res, lang)) + "</ul></section>")


def _template(template: str, **values: Any) -> Raw:
    """``template`` with each ``{field}`` replaced by markup (``Raw``, kept) or text (escaped)."""
    import string

    out = []
    for literal, field, _spec, _conv in string.Formatter().parse(template):
        out.append(esc(literal))
        if field is not None:
            value = values.get(field, "")
            out.append(value if isinstance(value, Raw) else esc(value))
    return Raw("".join(out))


def setup(res: Results, lang: str) -> list[Raw]:
    """The problem posed, item by item: budget, objectives, constraints, statistic, decisions, search."""
    s = spec(res)
    items: list[Raw] = []
    budget = s.get("budget_kyat_month") or []
    if len(budget) == 2 and all(finite(b) for b in budget):
        lo, hi = budget
        items.append(_template(t("opt.budget_fixed", lang), budget=mkyat(lo, lang)) if lo == hi else
                     _template(t("opt.budget_range", lang), lo=mkyat(lo, lang), hi=mkyat(hi, lang)))
        items.append(Raw(esc(rate_sentence(lang))))
    if s.get("objectives"):
        items.append(_template(t("opt.objectives", lang),
                               objectives=_joined([objective_text(o, lang) for o in s["objectives"]], lang)))
    items.append(_template(t("opt.constraints", lang),
                           constraints=_joined([constraint_text(c, lang) for c in targets(res)], lang))
                 if targets(res) else Raw(esc(t("opt.no_constraints", lang))))
    statistic = str(s.get("statistic", ""))
    if f"opt.stat.{statistic}" in TEXT:
        p = s.get("probability")
        items.append(_template(t("opt.statistic", lang), statistic=t(f"opt.stat.{statistic}", lang).format(
            p=percent(p, lang) if finite(p) else "–")))
    levers = _joined([lever_label(n, lang) for n in lever_names(res, [])], lang)
    ramp = s.get("max_ramp_months")
    items.append(_template(t("opt.decisions", lang), levers=levers, ramp=fmt_int(ramp, lang))
                 if finite(ramp) and ramp > 0 else _template(t("opt.decisions_no_ramp", lang), levers=levers))
    if finite(s.get("generations")) and finite(s.get("population")):
        items.append(_template(t("opt.search", lang), method=name("NSGA-II"), library=name("Optuna"),
                               g=fmt_int(s["generations"], lang), p=fmt_int(s["population"], lang),
                               seed=fmt_int(s.get("seed", 0), lang)))
    return items


def runs_text(res: Results, lang: str) -> str:
    """The scenario section's line on what was run."""
    summary = res.summary or {}
    return t("brief.runs_optimize", lang).format(c=fmt_int(summary.get("evaluated", 0), lang),
                                                 d=fmt_int(summary.get("draws", len(spec(res).get("draws", []))), lang))


# -- what was found --------------------------------------------------------------------------------
def lead(res: Results, trials: list[dict[str, Any]], front: list[dict[str, Any]], lang: str) -> str:
    cheapest = cheapest_feasible(trials)
    budget = spec(res).get("budget_kyat_month") or [None, None]
    if targets(res) and cheapest is not None:
        return t("opt.found_target", lang).format(
            k=fmt_int(sum(1 for r in trials if r.get("feasible")), lang), n=fmt_int(len(trials), lang),
            budget=mkyat(cheapest["budget_kyat_month"], lang), trial=fmt_int(cheapest["trial"], lang),
            drop=percent(cheapest["capacity_drop_mean"], lang), lo=percent(cheapest["capacity_drop_p10"], lang),
            hi=percent(cheapest["capacity_drop_p90"], lang), spent=mkyat(cheapest["cost_mean"], lang))
    if targets(res) and trials:
        return str(_template(t("opt.not_met", lang), target=_joined([constraint_text(c, lang) for c in targets(res)],
                                                                    lang),
                             hi=mkyat(budget[-1], lang) if finite(budget[-1]) else "–"))
    if front:
        best = max(front, key=lambda r: _number(r.get("capacity_drop")) if finite(r.get("capacity_drop")) else -1)
        return t("opt.found_best", lang).format(
            k=fmt_int(len(front), lang), n=fmt_int(len(trials), lang), drop=percent(best["capacity_drop_mean"], lang),
            lo=percent(best["capacity_drop_p10"], lang), hi=percent(best["capacity_drop_p90"], lang),
            budget=mkyat(best["budget_kyat_month"], lang), trial=fmt_int(best["trial"], lang))
    return ""


def candidate_rows(res: Results, picks: list[dict[str, Any]], lang: str) -> list[list[Any]]:
    """One row per quantity, one column per candidate."""
    def row(label: Any, cell) -> list[Any]:
        return [label, *[cell(r) for r in picks]]

    money = f"{t('punct.comma', lang)}{t('unit.mkyat', lang)}"  # money in the row's label, bare in its cells
    dollars = f"{t('punct.comma', lang)}{t('effects.cost_usd', lang)}"
    rows = [row(t("opt.row.budget", lang) + money, lambda r: fmt_number(r["budget_kyat_month"] / 1e6, lang, 1)),
            row(t("opt.row.budget", lang) + dollars, lambda r: usd_text(r["budget_kyat_month"], lang))]
    levers = lever_names(res, picks)
    listed = Raw(" / ".join(lever_label(lv, lang) for lv in levers))  # one row per decision, levers in order
    rows.append(row(_template(t("opt.row.shares", lang), levers=listed),
                    lambda r: " / ".join(percent(r[f"share_{lv}"], lang) if finite(r.get(f"share_{lv}")) else "–"
                                         for lv in levers)))
    if any(finite(r.get("share_reserve")) and r["share_reserve"] > 0 for r in picks):
        rows.append(row(t("opt.row.reserve", lang), lambda r: percent(r.get("share_reserve") or 0.0, lang)))
    for key in sorted({k for r in picks for k in r if k.startswith("start_")}):
        rows.append(row(t("opt.row.start", lang) if key == "start_start" else name(key),
                        lambda r, k=key: fmt_date(r[k], lang) if r.get(k) else "–"))
    if any(f"opens_{lv}" in r for r in picks for lv in levers):
        rows.append(row(_template(t("opt.row.opens", lang), levers=listed),
                        lambda r: " / ".join(fmt_date(r[f"opens_{lv}"], lang) if r.get(f"opens_{lv}") else "–"
                                             for lv in levers)))
    if any(f"ramp_{lv}" in r for r in picks for lv in levers):
        rows.append(row(_template(t("opt.row.ramps", lang), levers=listed),
                        lambda r: " / ".join(fmt_int(r.get(f"ramp_{lv}") or 0, lang) for lv in levers)))
    rows.append(row(t("opt.row.spent", lang) + money, lambda r: spread(r, "cost", lang, unit=False)))
    rows.append(row(t("opt.row.spent", lang) + dollars, lambda r: usd_spread(r, "cost", lang)))
    judged = {str(x).partition(":")[0] for x in spec(res).get("objectives", [])} | {
        m.group(1) for m in map(_CONSTRAINT.match, targets(res)) if m}
    for metric in ("capacity_drop", "capacity_min_drop", "defections", "defections_police", "defections_army",
                   "civilians_killed"):
        if metric == "capacity_min_drop" and metric not in judged:
            continue  # the lowest capacity is shown when it was an objective or a constraint
        if any(f"{metric}_mean" in r for r in picks):
            label = t(f"opt.row.{_base(metric)}", lang)
            if metric.startswith("defections_"):
                label += f"{t('punct.comma', lang)}{t('force.' + metric.removeprefix('defections_'), lang)}"
            rows.append(row(label, lambda r, m=metric: spread(r, m, lang)))
    if targets(res):
        rows.append(row(t("opt.row.target_probability", lang),
                        lambda r: percent(r["target_probability"], lang) if finite(r.get("target_probability")) else "–"))
    first = str((spec(res).get("objectives") or [""])[0]).partition(":")[0]
    if first and any(finite(r.get(f"regret_{first}_mean")) for r in picks):
        rows.append(row(t("opt.row.regret", lang),
                        lambda r: f"{_regret(first, r.get(f'regret_{first}_mean'), lang)}; "
                                  f"{_regret(first, r.get(f'regret_{first}_max'), lang)}"))
    return rows


def _regret(metric: str, value: Any, lang: str) -> str:
    """A shortfall: in percentage points for a share, else in the outcome's unit."""
    if not finite(value):
        return "–"
    if _base(metric) in SHARES:
        return f"{fmt_number(100 * value, lang, 1)} {t('opt.pp', lang)}"
    return value_text(metric, value, lang)


def key_numbers(res: Results, lang: str) -> str:
    trials = candidates(res, "trials.parquet")
    front = candidates(res, "pareto.parquet")
    parts = [f'<h2 id="key-numbers">{esc(t("report.key_numbers", lang))}</h2>']
    sentence = lead(res, trials, front, lang)
    if sentence:
        parts.append(para(sentence, "lead"))
    picks = shown(front, cheapest_feasible(trials))
    if picks:
        headers = [t("opt.quantity", lang), *[t("opt.candidate", lang).format(trial=fmt_int(r["trial"], lang))
                                              for r in picks]]
        first = str((spec(res).get("objectives") or [""])[0]).partition(":")[0]
        parts.append(para(t("opt.front_note", lang) + " " + t("opt.regret_note", lang).format(
            metric=metric_label(first, lang)), "note"))
        terms = [definition("capacity_drop", lang)] + ([p10_text(lang)] if spec(res).get("statistic", "p10") == "p10"
                                                       else [])
        parts.append(para(" ".join(terms), "note"))  # what the drop and "with 90% probability" mean
        parts.append(table(headers, candidate_rows(res, picks, lang), "key-numbers candidates",
                           tuple(range(1, len(picks) + 1))))
    else:
        parts.append(para(t("opt.no_front", lang), "note"))
    if sentence or picks:
        parts.append(para(rate_sentence(lang), "note"))  # for the US$ in the lead and in the table
    return "".join(parts)


# -- figures drawn in the report's language ----------------------------------------------------------
def drawn_figures(res: Results, lang: str) -> list[tuple[bytes, str]]:
    """(PNG, caption key) of the Pareto front and, with a budget range, the dose–response, labelled in ``lang``."""
    from defection.report.figures import dose_response_png, pareto_png

    rows = candidates(res, "trials.parquet")
    needed = ("cost_mean", "cost_p10", "cost_p90", "capacity_drop", "capacity_drop_mean", "capacity_drop_p10",
              "capacity_drop_p90", "pareto", "budget_kyat_month")
    rows = [r for r in rows if all(r.get(k) is not None for k in needed)]
    if not rows:
        return []
    s = spec(res)
    bounds = [m.groups() for m in map(_CONSTRAINT.match, targets(res)) if m]
    goals = [float(b) for metric, op, b in bounds if metric == "capacity_drop" and op == ">=" and _float(b)]
    out = [(pareto_png(rows, int((res.summary or {}).get("draws") or len(s.get("draws", []))),
                       str(s.get("statistic", "mean")), goals, lang), "fig.caption.pareto")]
    budget = s.get("budget_kyat_month") or []
    if len(budget) == 2 and all(finite(b) for b in budget) and budget[1] > budget[0]:
        out.append((dose_response_png(rows, (float(budget[0]), float(budget[1])), goals, lang),
                    "fig.caption.dose_response"))
    return out


def _float(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


# -- caveats ---------------------------------------------------------------------------------------
def caveats(res: Results, lang: str) -> str:
    s = spec(res)
    how = s.get("draws_how") if isinstance(s.get("draws_how"), dict) else {}
    n = int((res.summary or {}).get("draws") or len(s.get("draws", [])) or 0)
    what: list[Raw] = []
    if isinstance(how.get("posterior"), dict):
        what.append(_template(t("opt.cav.posterior", lang), dir=name(how["posterior"].get("dir", "?"))))
    lhs = [v.get("key") for v in how.get("latin_hypercube", []) if isinstance(v, dict)]
    if lhs:
        what.append(_template(t("opt.cav.lhs", lang), keys=Raw(", ".join(name(k) for k in lhs))))
    parts = [f'<h2 id="caveats">{esc(t("cav.title", lang))}</h2>']
    if n:
        parts.append(para(_template(t("opt.cav.draws", lang), n=fmt_int(n, lang), step=percent(1 / n, lang),
                                    what=_joined(what, lang) if what else t("opt.cav.nothing", lang))))
    evaluated = (res.summary or {}).get("evaluated")
    if finite(evaluated):
        parts.append(para(t("opt.cav.search", lang).format(n=fmt_int(evaluated, lang))))
    parts.append(para(t("opt.cav.spend", lang)))
    failed = (res.summary or {}).get("failed")
    if finite(failed) and failed > 0:
        parts.append(para(_template(t("opt.cav.failed", lang), n=fmt_int(failed, lang), file=name("trials.parquet"))))
    parts += [para(t("cav.data", lang)), para(t("cav.synthetic", lang))]
    return "".join(parts)
