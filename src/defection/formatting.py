"""Formatting shared by the terminal and the HTML report: numbers without negative zeros, and the
effects and costs tables of a policy comparison (``compare.json``), in English or Burmese.

It sits beside :mod:`defection.i18n`, below the experiments, the report and the CLI, so that the
terminal and the report print the same table from the same numbers.
"""
from __future__ import annotations

import math
from typing import Any

from defection.currency import KYAT_PER_USD, RATE_DATE, usd
from defection.i18n import digits, fmt_date, fmt_number, t
from defection.vocabulary import baseline_label, shares_text

# (outcome in compare.json, label key, divisor, format, unit): the rows the terminal and the report show.
# Per force (police, army) under the totals; the police branches under the police.
EFFECT_ROWS = (("defected", "effects.defected", 1.0, ",.0f", ""),
               ("defected_police", "force.police", 1.0, ",.0f", ""),
               ("defected_civilian", "effects.civilian", 1.0, ",.0f", ""),
               ("defected_paramilitary", "effects.paramilitary", 1.0, ",.0f", ""),
               ("defected_army", "force.army", 1.0, ",.0f", ""),
               ("coercive_capacity_min_share", "effects.min_capacity", 0.01, ".1f", "%"),
               ("coercive_capacity_end_share", "effects.end_capacity", 0.01, ".1f", "%"),
               ("coercive_capacity_end_share_police", "force.police", 0.01, ".1f", "%"),
               ("coercive_capacity_end_share_army", "force.army", 0.01, ".1f", "%"),
               ("civilians_killed", "effects.killed", 1.0, ",.0f", ""),
               ("day_capacity_below_half", "effects.day_below_half", 1.0, ",.0f", ""))

# indentation of a row under its total (as the terminal shows them); outcomes left out when a comparison has no
# row for them (one made before the army, or a one-force model)
INDENT = {"force.police": "    ", "force.army": "    ", "effects.civilian": "      ",
          "effects.paramilitary": "      "}
OPTIONAL = {"defected_police", "defected_army", "coercive_capacity_end_share", "coercive_capacity_end_share_police",
            "coercive_capacity_end_share_army"}
SUB_ROWS = tuple(INDENT)


def number(value: float, fmt: str, lang: str = "en") -> str:
    """``value`` formatted with ``fmt``, never as a negative zero ("-0.0" is shown as "0.0", "+0.0" when
    signed), in the locale's digits. The minus is ASCII, as the terminal prints it.

    >>> number(-0.04, "+.1f")
    '+0.0'
    """
    text = format(value, fmt)
    if text.startswith("-") and not any(ch in "123456789" for ch in text):
        text = format(0.0, fmt)
    return digits(text, lang)


def _finite(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def effects_table(result: dict[str, Any], lang: str = "en") -> tuple[list[str], list[list[str]], bool]:
    """The comparison's effects table: headers, rows of text, and whether a mean is censored.

    ``result`` is ``compare.json`` (or :func:`defection.experiments.compare.analyse`'s result): for each
    policy a title row, then per outcome the mean, the 90% ensemble interval and the paired effect
    against the baseline on the last day with its 90% interval. Coercive capacity is a percentage of
    day 0 and its effects are in percentage points (docs/glossary.md). With parameter draws a fifth
    column gives the shares of the effect's interval's variance from the parameters and from the
    seeds. A policy row's first cell is the policy's name (data, never translated); outcome rows are
    indented with two spaces, branches with four.
    """
    rows_by = {(r["policy"], r["outcome"]): r for r in result.get("rows", [])}
    baseline = result.get("baseline")
    draws = bool(result.get("parameter_draws"))
    headers = [t("effects.policy_outcome", lang), t("effects.mean", lang), t("effects.interval", lang),
               t("effects.effect", lang)] + ([t("shares.header", lang)] if draws else [])
    width = len(headers)
    rows: list[list[str]] = []
    censored = False
    for p in result.get("policies", []):
        name = p["policy"]
        rows.append([name] + [""] * (width - 1))
        for outcome, key, scale, fmt, unit in EFFECT_ROWS:
            r = rows_by.get((name, outcome))
            if outcome in OPTIONAL and (r is None or r.get("mean") is None):
                continue
            label = INDENT.get(key, "  ") + t(key, lang)
            if r is None or not _finite(r.get("mean")):
                rows.append([label] + ["-"] * (width - 1))
                continue
            if r.get("censored") and r["censored"] == r.get("n"):  # the day never came: no day to show
                rows.append([label, t("effects.never", lang), "-"] + [""] * (width - 3))
                continue
            censored = censored or bool(r.get("censored"))
            effect = ""
            effect_unit = f" {t('unit.pp', lang)}" if unit == "%" else unit  # a difference of percentages
            if name != baseline and _finite(r.get("diff_lo")) and _finite(r.get("diff_hi")):
                effect = (f"{number(r['diff_mean'] / scale, '+' + fmt, lang)}{effect_unit} "
                          f"[{number(r['diff_lo'] / scale, '+' + fmt, lang)}, "
                          f"{number(r['diff_hi'] / scale, '+' + fmt, lang)}]")
            interval = (f"{number(r['p05'] / scale, fmt, lang)}–{number(r['p95'] / scale, fmt, lang)}"
                        if _finite(r.get("p05")) and _finite(r.get("p95")) else "-")
            row = [label, f"{number(r['mean'] / scale, fmt, lang)}{unit}", interval, effect]
            if draws:
                share = r.get("diff_parameter_share")
                row.append(shares_text(share, lang) if name != baseline and _finite(share) else "")
            rows.append(row)
    return headers, rows, censored


def comparison_notes(result: dict[str, Any], weights: str, lang: str = "en"
                     ) -> list[tuple[str, dict[str, str], dict[str, str]]]:
    """The sentences said under a comparison's effects table, in the terminal and the report, as (template,
    names, values) like :func:`design_warning`: the baseline by name and the day its effects are measured on,
    what the intervals include, and what coercive capacity counts (``weights``,
    :func:`defection.vocabulary.capacity_weights_text`). :func:`note_lines` words them for the terminal."""
    baseline = result.get("baseline")
    n_draws, seeds = result.get("parameter_draws") or 0, result.get("replicates") or 0
    runs = (t("vocab.runs_draws", lang).format(n=fmt_number(n_draws, lang), r=fmt_number(seeds, lang)) if n_draws
            else t("vocab.runs_seeds", lang).format(r=fmt_number(seeds, lang)))
    end = result.get("end_date")
    notes = [(t("vocab.compare_baseline", lang), {"name": str(baseline)},
              {"baseline": baseline_label(baseline, lang), "end": fmt_date(end, lang) if end else "–", "runs": runs})]
    if n_draws:
        how = result.get("uncertainty") or {}
        if isinstance(how.get("posterior"), dict):
            notes.append((t("vocab.with_draws", lang).replace("{what}", t("vocab.draws_posterior", lang)),
                          {"dir": str(how["posterior"].get("dir", ""))}, {"n": fmt_number(n_draws, lang)}))
        else:
            keys = [str(v.get("key")) for v in how.get("latin_hypercube") or [] if isinstance(v, dict)]
            notes.append((t("vocab.with_draws", lang).replace("{what}", t("vocab.draws_lhs", lang)),
                          {"keys": ", ".join(keys) or "–"}, {"n": fmt_number(n_draws, lang)}))
    else:
        notes.append((t("vocab.seeds_only", lang), {"option": "--parameter-draws N"}, {}))
    notes.append((t("vocab.capacity_shown", lang) + " " + weights.replace("{", "{{").replace("}", "}}"), {}, {}))
    return notes


def note_lines(notes: list[tuple[str, dict[str, str], dict[str, str]]]) -> list[str]:
    """Each (template, names, values) note as one plain sentence (the terminal's wording)."""
    return [template.format(**names, **values) for template, names, values in notes]


def usd_text(kyat: float, lang: str = "en") -> str:
    """``kyat`` in US dollars (:func:`defection.currency.usd`) in the locale's digits; "-" if not a number."""
    return digits(usd(kyat), lang) if _finite(kyat) else "-"


def rate_sentence(lang: str = "en") -> str:
    """The exchange rate and its date, said once under a table or in a section that shows US$ figures."""
    return t("money.rate", lang).format(rate=fmt_number(KYAT_PER_USD, lang), date=fmt_date(RATE_DATE, lang))


def costs_table(result: dict[str, Any], lang: str = "en") -> tuple[list[str], list[list[str]]]:
    """Programme cost to the last day (million kyat, and US$), extra defections and kyat (and US$) per extra
    defection, by policy. The rate is :func:`rate_sentence`, to be shown with the table."""
    baseline = result.get("baseline")
    headers = [t("effects.policy", lang), t("effects.cost_mkyat", lang), t("effects.cost_usd", lang),
               t("effects.extra_defected", lang), t("effects.per_extra", lang), t("effects.per_extra_usd", lang)]
    rows = []
    for p in result.get("policies", []):
        cost, cpd, extra = p.get("cost_mean"), p.get("cost_per_additional_defection"), p.get("extra_defections")
        rows.append([p["policy"], number(cost / 1e6, ",.1f", lang) if _finite(cost) else "-", usd_text(cost, lang),
                     "" if p["policy"] == baseline else (number(extra, "+,.1f", lang) if _finite(extra) else "-"),
                     number(cpd, ",.0f", lang) if _finite(cpd) else "-", usd_text(cpd, lang)])
    return headers, rows


# -- designs too small to mean anything (experiments.small_designs), worded for the terminal and the report -----
POWER_FORMULA = "((z(1-a/2) + z(power)) × sd / effect)²"  # the replicates estimate, stated with the number


def _share(value: float, lang: str) -> str:
    return digits(f"{100 * value:.0f}%", lang)


def design_warning(warning: dict[str, Any], lang: str = "en") -> tuple[str, dict[str, str], dict[str, str]] | None:
    """A design warning written by an experiment as (template, names, values): names (parameters, policies,
    options) are shown as written, values are formatted numbers. None for a check this version does not know.
    The terminal prints ``template.format(**names, **values)``; the report fills names in as names."""
    check, w = warning.get("check"), warning

    def num(value: Any, fmt: str = ".3g") -> str:
        return number(float(value), fmt, lang) if _finite(value) else "–"

    if check == "wide_indices":
        names = {"method": "Sobol" if w["index"] in ("S1", "ST") else "Morris", "index": w["index"],
                 "parameter": w["parameter"], "output": w["output"], "option": "--samples"}
        values = {"count": num(w["count"], ",.0f"), "total": num(w["total"], ",.0f"),
                  "level": _share(w["conf_level"], lang), "value": num(w["value"]), "conf": num(w["conf"]),
                  "samples": num(w.get("samples"), ",.0f")}
    elif check == "epsilon_still_falling":
        names = {"epsilon": "epsilon", "option": "--generations"}
        values = {"generations": num(w["generations"], ",.0f"), "drop": _share(w["drop"], lang),
                  "before": num(w["before"]), "after": num(w["after"]), "limit": _share(w["limit"], lang)}
    elif check == "undecided_effects":
        names = {"policy": w["policy"], "outcome": w["outcome"], "formula": POWER_FORMULA}
        values = {"count": num(w["count"], ",.0f"), "total": num(w["total"], ",.0f"),
                  "level": _share(w["level"], lang), "replicates": num(w["replicates"], ",.0f"),
                  "effect": num(w["effect"], "+,.4g"), "lo": num(w["lo"], "+,.4g"), "hi": num(w["hi"], "+,.4g"),
                  "needed": num(w["needed"], ",.0f"), "power": _share(w["power"], lang)}
    else:
        return None
    return t(f"warn.{check}", lang), names, values


def design_warning_lines(warnings: Any, lang: str = "en") -> list[str]:
    """Each design warning as one plain sentence (the terminal's wording; the report marks names up itself)."""
    out = []
    for warning in warnings if isinstance(warnings, list) else []:
        parts = design_warning(warning, lang) if isinstance(warning, dict) else None
        if parts:
            template, names, values = parts
            out.append(template.format(**names, **values))
    return out
