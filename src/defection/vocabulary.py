"""The project's words, defined once: the baselines a change is measured from, coercive capacity and its weights,
the intervals and what they include, and "with 90% probability".

The names and definitions themselves are entries of :data:`defection.i18n.TEXT` (``term.<key>`` and
``def.<key>``, in English and Burmese), so that the CLI, the report and the dashboard print the same words;
``docs/glossary.md`` states every definition of :data:`GLOSSARY` as written there (a test holds the page to it).
This module sits at the bottom layer, beside :mod:`defection.i18n`: it imports no model, and reads a scenario
(a :class:`~defection.scenarios.schema.Scenario` or its dict, as a manifest records it) only for the weights of
coercive capacity.

    >>> baseline_label("no-programmes")
    'no programmes'
    >>> capacity_weights({"force": {"effectiveness_civilian": 1.0, "effectiveness_paramilitary": 1.5,
    ...                             "quiet_weight": 0.5}, "switches": {"army": False}})
    {'civilian': 1.0, 'paramilitary': 1.5, 'quiet': 0.5}
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from defection.i18n import TEXT, digits, t

# The two baselines, as the policy names a comparison gives them (data: never translated in a table's first column).
NO_PROGRAMMES = "no-programmes"              # every support lever at zero: no protection, no stipends, no outreach
SCENARIO_PROGRAMMES = "scenario-programmes"  # the support programmes as the scenario (with any --set) defines them
BASELINES = (NO_PROGRAMMES, SCENARIO_PROGRAMMES)
# The reference's name before the baselines were named apart; a comparison written then still reads.
FORMER_BASELINE = "status-quo"

# Every term of the glossary, in the order of docs/glossary.md: ``term.<key>`` is its name, ``def.<key>`` its
# definition (placeholders, where there are any, are filled from the default scenario on the page).
GLOSSARY = ("no_programmes", "scenario_programmes", "day0", "last_day", "change", "percentage_points",
            "coercive_capacity", "capacity_drop", "paired", "seed", "interval_runs", "interval_seeds", "parameter_draw",
            "interval_parameters", "shares", "p10", "unidentified")

# The branch weights of coercive capacity: (branch, scenario section, field); the quiet resisters' factor is
# force.quiet_weight, for both forces (defection.model.metrics.capacity).
WEIGHT_FIELDS = (("civilian", "force", "effectiveness_civilian"), ("paramilitary", "force", "effectiveness_paramilitary"),
                 ("army_combat", "army", "effectiveness_combat"), ("army_support", "army", "effectiveness_support"))
QUIET_FIELD = ("force", "quiet_weight")


def term(key: str, lang: str = "en") -> str:
    """The name of glossary term ``key`` (``"no_programmes"`` -> "no programmes")."""
    return t(f"term.{key}", lang)


def definition(key: str, lang: str = "en", **values: Any) -> str:
    """The definition of glossary term ``key``, with its placeholders (if any) filled from ``values``."""
    text = t(f"def.{key}", lang)
    return text.format(**values) if values else text


def baseline_label(name: Any, lang: str = "en") -> str:
    """What a comparison's reference is, in words: "no programmes", "the scenario's programmes", or, for a
    reference of an older comparison or of another name, the name as written."""
    if name == NO_PROGRAMMES:
        return term("no_programmes", lang)
    if name == SCENARIO_PROGRAMMES:
        return term("scenario_programmes", lang)
    return str(name)


def _field(scenario: Any, section: str, key: str) -> Any:
    part = scenario.get(section) if isinstance(scenario, Mapping) else getattr(scenario, section, None)
    if part is None:
        return None
    return part.get(key) if isinstance(part, Mapping) else getattr(part, key, None)


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) \
        else None


def has_army(scenario: Any) -> bool:
    """Whether the scenario's army is present (``switches.army``; a scenario without the switch has none)."""
    return _field(scenario, "switches", "army") is True


def capacity_weights(scenario: Any) -> dict[str, float]:
    """The weights coercive capacity counts officers with, read from ``scenario`` (never assumed).

    Parameters
    ----------
    scenario : Scenario or dict
        A scenario, or its dict as a manifest records it.

    Returns
    -------
    dict of str to float
        Each branch's weight of a compliant officer (``civilian``, ``paramilitary``, and with the army
        ``army_combat``, ``army_support``) and ``quiet``, the factor of a quiet resister against a compliant
        officer of the same branch. A weight the scenario does not give is left out.
    """
    army = has_army(scenario)
    weights = {}
    for branch, section, key in WEIGHT_FIELDS:
        value = _number(_field(scenario, section, key))
        if value is not None and (section != "army" or army):
            weights[branch] = value
    quiet = _number(_field(scenario, *QUIET_FIELD))
    if quiet is not None:
        weights["quiet"] = quiet
    return weights


def _weight(value: float, lang: str) -> str:
    return digits(f"{value:g}", lang)


def capacity_weights_text(scenario: Any, lang: str = "en") -> str:
    """One sentence: what coercive capacity counts, with the scenario's weights (the glossary's definition)."""
    return weights_sentence(capacity_weights(scenario), lang)


def weights_sentence(weights: Mapping[str, Any], lang: str = "en") -> str:
    """One sentence: what coercive capacity counts, with ``weights`` as :func:`capacity_weights` gives them (a
    results file records them: ``capacity_weights`` in compare.json)."""
    weights = {k: float(v) for k, v in (weights or {}).items() if _number(v) is not None}
    branches = [(b, w) for b, w in weights.items() if b != "quiet"]
    if not branches:
        return definition("coercive_capacity_unknown", lang)
    sep = t("punct.comma", lang)
    parts = [t(f"weight.{b}", lang).format(w=_weight(w, lang)) for b, w in branches]
    listed = sep.join(parts[:-1]) + (t("weight.and", lang) if len(parts) > 1 else "") + parts[-1]
    quiet = weights.get("quiet")
    return definition("capacity_weights", lang, weights=listed,
                      quiet=_weight(quiet, lang) if quiet is not None else "–")


def capacity_percent(value: float | None, base: float | None, lang: str = "en", decimals: int = 1) -> str:
    """``value`` as a percentage of ``base`` ("88.6%"); an en dash when either is missing or ``base`` is 0."""
    v, b = _number(value), _number(base)
    if v is None or b is None or b == 0:
        return "–"
    return digits(f"{100 * v / b:.{decimals}f}%", lang)


def scenario_programmes_text(scenario: Any, lang: str = "en") -> str:
    """What "the scenario's programmes" are in ``scenario``: its support levers as set (the glossary's definition)."""
    from defection.i18n import fmt_date, fmt_number

    start = _field(scenario, "support", "start")
    outreach = _number(_field(scenario, "support", "outreach"))
    name = scenario.get("name") if isinstance(scenario, Mapping) else getattr(scenario, "name", "")
    return definition("scenario_programmes", lang, scenario=name or "–",
                      start=fmt_date(start, lang) if start else "–",
                      protection=fmt_number(_field(scenario, "support", "protection_capacity"), lang),
                      livelihood=fmt_number(_field(scenario, "support", "livelihood_capacity"), lang),
                      outreach=digits(f"{100 * outreach:.0f}%", lang) if outreach is not None else "–")


def definitions(scenario: Any, lang: str = "en") -> dict[str, str]:
    """Every glossary term's definition, its placeholders filled from ``scenario`` (docs/glossary.md shows them for
    the built-in scenario)."""
    filled = {"scenario_programmes": scenario_programmes_text(scenario, lang),
              "coercive_capacity": definition("coercive_capacity", lang,
                                              weights=capacity_weights_text(scenario, lang))}
    return {key: filled.get(key) or definition(key, lang) for key in GLOSSARY}


def p10_text(lang: str = "en") -> str:
    """What "with 90% probability" (the p10 over draws) means, said beside every figure that uses it."""
    return definition("p10", lang)


def shares_text(parameter_share: float | None, lang: str = "en") -> str:
    """"85% parameters, 15% seeds": the variance shares of an interval with parameter draws; "–" without."""
    p = _number(parameter_share)
    if p is None:
        return "–"
    return t("shares.value", lang).format(p=digits(f"{100 * p:.0f}%", lang), s=digits(f"{100 * (1 - p):.0f}%", lang))


def missing_terms(lang: str = "my") -> list[str]:
    """Glossary keys whose name or definition has no entry in ``lang`` (the tests: the glossary is complete)."""
    keys = [f"{kind}.{k}" for k in GLOSSARY for kind in ("term", "def")]
    return [k for k in keys if not (TEXT.get(k) or {}).get(lang)]
