"""The "Policy design" panel: the candidates of a `defection optimize` results directory against a monthly
budget and a target drop in coercive capacity, with the Pareto front and the cheapest candidate that meets
the target within the budget. Reads ``trials.parquet`` only (columns written by
:mod:`defection.experiments.optimize`)."""
from __future__ import annotations

import math
from typing import Any

from defection.i18n import fmt_number, t

NEEDED = ("budget_kyat_month", "capacity_drop", "cost_mean")


def rows_of(trials) -> list[dict[str, Any]]:
    """The completed candidates of a trials table as dicts (a table without the columns needed gives none)."""
    if any(name not in trials.column_names for name in NEEDED):
        return []
    rows = trials.to_pylist()
    return [r for r in rows if r.get("state", "COMPLETE") == "COMPLETE"
            and all(isinstance(r.get(k), (int, float)) and math.isfinite(r[k]) for k in NEEDED)]


def best_within(rows: list[dict[str, Any]], budget: float, target: float) -> dict[str, Any] | None:
    """The cheapest candidate (by mean money spent) whose monthly budget is at most ``budget`` and whose capacity
    drop (the optimisation's robust statistic) is at least ``target``; None if none is."""
    meets = [r for r in rows if r["budget_kyat_month"] <= budget and r["capacity_drop"] >= target]
    return min(meets, key=lambda r: r["cost_mean"]) if meets else None


def policy_figure(rows: list[dict[str, Any]], budget: float, target: float, lang: str) -> dict[str, Any]:
    """Money spent against capacity drop for every candidate (10-90% over the draws as error bars), candidates
    within the budget highlighted, the Pareto front as a line and the target as a dashed line."""
    def trace(selected, name, color, size):
        return {"type": "scatter", "mode": "markers", "name": name,
                "x": [r["cost_mean"] for r in selected], "y": [r["capacity_drop"] * 100 for r in selected],
                "error_y": {"type": "data", "symmetric": False,
                            "array": [max(0.0, (r.get("capacity_drop_p90") or r["capacity_drop"]) - r["capacity_drop"]) * 100
                                      for r in selected],
                            "arrayminus": [max(0.0, r["capacity_drop"] - (r.get("capacity_drop_p10") or r["capacity_drop"])) * 100
                                           for r in selected], "thickness": 1, "color": color},
                "marker": {"color": color, "size": size},
                "text": [f"#{r.get('trial')} · {fmt_number(r['budget_kyat_month'], lang)}" for r in selected],
                "hovertemplate": "%{text}<br>%{x:,.0f} kyat · %{y:.1f}%<extra></extra>"}

    within = [r for r in rows if r["budget_kyat_month"] <= budget]
    beyond = [r for r in rows if r["budget_kyat_month"] > budget]
    front = sorted((r for r in rows if r.get("pareto")), key=lambda r: r["cost_mean"])
    data = [trace(beyond, t("policy.beyond", lang), "#b0b7c3", 6), trace(within, t("policy.within", lang), "#1f4e9a", 8),
            {"type": "scatter", "mode": "lines", "name": t("policy.front", lang), "line": {"color": "#d62728"},
             "x": [r["cost_mean"] for r in front], "y": [r["capacity_drop"] * 100 for r in front]}]
    layout = {"title": {"text": t("policy.title", lang), "font": {"size": 15}}, "height": 380,
              "template": "plotly_white", "margin": {"l": 60, "r": 20, "t": 50, "b": 50},
              "xaxis": {"title": {"text": t("policy.cost_axis", lang)}},
              "yaxis": {"title": {"text": t("policy.drop_axis", lang)}},
              "legend": {"orientation": "h", "y": -0.22},
              "shapes": [{"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": target * 100, "y1": target * 100,
                          "line": {"dash": "dash", "color": "#2ca02c"}}]}
    return {"data": data, "layout": layout}
