"""Ensemble statistics and Plotly figures for the dashboard: medians, 90% bands, paired differences."""
from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import plotly.graph_objects as go

from defection.i18n import CSS_FONT_STACK, MONTHS, TEXT, digits, fmt_number, label, t

# One-sided 95% quantiles of Student's t (a two-sided 90% interval), by degrees of freedom.
_T95 = [6.314, 2.920, 2.353, 2.132, 2.015, 1.943, 1.895, 1.860, 1.833, 1.812, 1.796, 1.782, 1.771, 1.761, 1.753,
        1.746, 1.740, 1.734, 1.729, 1.725, 1.721, 1.717, 1.714, 1.711, 1.708, 1.706, 1.703, 1.701, 1.699, 1.697]
COLORS = {"defected": "#222222", "defected_civilian": "#1f77b4", "defected_paramilitary": "#d62728",
          "defected_army_combat": "#8c564b", "defected_army_support": "#bcbd22", "A": "#1f77b4", "B": "#ff7f0e",
          "police": "#2ca02c", "army": "#8c564b"}
OUTCOMES = ("defected", "defected_civilian", "defected_paramilitary", "quiet_resisters", "caught",
            "coercive_capacity", "civilians_killed", "civilians_arrested", "programme_cost")
# Outcomes the comparison table also shows for each force, when the runs record them (``<outcome>_<force>``).
FORCE_OUTCOMES = ("defected", "quiet_resisters", "coercive_capacity")

# The Results view's force selector: both forces, or one. A value from the page that is not one of these
# (or a force the runs do not record) shows both.
BOTH = "both"
# Its words, until the shared translation table (defection.i18n) carries them; that table wins when it does.
FORCE_TEXT = {"results.force": {"en": "Force shown", "my": "ပြသည့် တပ်ဖွဲ့"},
              "force.both": {"en": "police and army", "my": "ရဲနှင့် စစ်တပ်"}}


def text(key: str, lang: str) -> str:
    """A label of the force selector, from :data:`defection.i18n.TEXT` or else :data:`FORCE_TEXT`."""
    if key in TEXT or key not in FORCE_TEXT:
        return t(key, lang)
    return FORCE_TEXT[key].get(lang) or FORCE_TEXT[key]["en"]


def forces_of(runs: list[dict]) -> list[str]:
    """The forces whose series the runs record (``defected_police``, ...); none for a one-force model."""
    from defection.scenarios.schema import FORCES

    return [force for force in FORCES if runs and f"defected_{force}" in runs[0]["series"]]


def force_choice(value: Any, runs: list[dict]) -> str:
    """The selector's value if it names a force the runs record, else :data:`BOTH` (never trusted as is)."""
    return value if isinstance(value, str) and value in forces_of(runs) else BOTH


def _branches_of(runs: list[dict], force: str) -> list[str]:
    """The branches of ``force`` (from the scenario schema) whose defections the runs record."""
    from defection.scenarios.schema import BRANCH_FORCE, BRANCHES, FORCES

    return [b for b, f in zip(BRANCHES, BRANCH_FORCE)
            if FORCES[f] == force and f"defected_{b}" in runs[0]["series"]]


def force_lines(runs: list[dict], series: str, total_key: str, force: str) -> list[tuple[str, str]]:
    """(series, label key) of the lines a chart of ``series`` shows for the chosen force: the total and each
    force for :data:`BOTH`, else that force's series alone; the total for runs without per-force series."""
    forces = forces_of(runs)
    if not forces:
        return [(series, total_key)]
    if force == BOTH:
        return [(series, total_key)] + [(f"{series}_{f}", f"force.{f}") for f in forces]
    return [(f"{series}_{force}", f"force.{force}")]


def defection_lines(runs: list[dict], force: str) -> list[tuple[str, str]]:
    """The defection chart's lines: per force (and in all) for :data:`BOTH`, or one force and its branches."""
    if not forces_of(runs):
        return [("defected", "series.all"), ("defected_civilian", "series.civilian"),
                ("defected_paramilitary", "series.paramilitary")]
    lines = force_lines(runs, "defected", "series.all", force)
    if force != BOTH:
        lines += [(f"defected_{b}", f"branch.{b}") for b in _branches_of(runs, force)]
    return lines


def final_series(force: str) -> str:
    """The series whose last day the headline shows: defections of the chosen force, or of both."""
    return "defected" if force == BOTH else f"defected_{force}"


def t90(n: int) -> float:
    """Multiplier of the standard error for a two-sided 90% t-interval from ``n`` paired values."""
    df = n - 1
    return _T95[df - 1] if 1 <= df <= len(_T95) else 1.645


def band(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Median and 5th/95th percentiles over the first axis (seeds)."""
    values = np.asarray(values, float)
    return (np.median(values, axis=0), np.quantile(values, 0.05, axis=0), np.quantile(values, 0.95, axis=0))


def stack(runs: list[dict], name: str) -> np.ndarray:
    """One series from every seed, shape (seeds, days); capacity in % of day 0."""
    arrs = []
    for r in runs:
        s = np.asarray(r["series"][name], float)
        if name.startswith("coercive_capacity") and len(s) and s[0]:
            s = s / s[0] * 100.0
        arrs.append(s)
    return np.vstack(arrs)


def finals(runs: list[dict], name: str) -> np.ndarray:
    return np.array([float(r["series"][name][-1]) for r in runs])


def final_shares(runs: list[dict], name: str) -> np.ndarray:
    """Each run's last day of ``name``, coercive capacity as a percentage of its own day 0 (docs/glossary.md:
    capacity is shown as a percentage of its baseline, never in index units here); other series as they are."""
    if not name.startswith("coercive_capacity"):
        return finals(runs, name)
    out = []
    for r in runs:
        s = np.asarray(r["series"][name], float)
        out.append(s[-1] / s[0] * 100.0 if len(s) and s[0] else math.nan)
    return np.array(out)


def breakdown(runs: list[dict], name: str) -> tuple[list[str], np.ndarray]:
    """Category names and a (seeds, categories) array of counts."""
    cats = [c for c, _ in runs[0]["breakdowns"][name]]
    return cats, np.array([[float(v) for _, v in r["breakdowns"][name]] for r in runs])


def dates(runs: list[dict]) -> list[str]:
    start = dt.date.fromisoformat(runs[0]["start"])
    n = len(runs[0]["series"]["defected"])
    return [(start + dt.timedelta(days=k)).isoformat() for k in range(n)]


def final_summary(runs: list[dict], name: str = "defected") -> dict[str, float]:
    med, lo, hi = band(finals(runs, name)[:, None])
    return {"median": float(med[0]), "lo": float(lo[0]), "hi": float(hi[0]), "n": len(runs)}


def paired(a_runs: list[dict], b_runs: list[dict], name: str, draws: int = 0) -> dict[str, float]:
    """Mean of B − A on the last day over paired runs (coercive capacity in percentage points of day 0) with its
    90% interval: over the seeds only, a t-interval (NaN bounds with one seed); with ``draws`` parameter draws
    (runs in draw-major order), the interval including them and ``parameter_share``, the share of its variance
    from the parameters (:func:`defection.experiments.uncertainty.decompose`)."""
    d = final_shares(b_runs, name) - final_shares(a_runs, name)
    n = len(d)
    mean = float(d.mean())
    if draws:
        from defection.experiments.uncertainty import by_draw, decompose

        split = decompose(by_draw(d, draws))
        lo, hi, share = split["lo"], split["hi"], split["parameter_share"]
        return {"mean": mean, "lo": math.nan if lo is None else lo, "hi": math.nan if hi is None else hi, "n": n,
                "parameter_share": math.nan if share is None else share}
    if n < 2:
        return {"mean": mean, "lo": math.nan, "hi": math.nan, "n": n}
    half = t90(n) * float(d.std(ddof=1)) / math.sqrt(n)
    return {"mean": mean, "lo": mean - half, "hi": mean + half, "n": n}


# ----------------------------------------------------------------------------------------------- figures


def _layout(fig: go.Figure, title: str, lang: str, height: int = 340) -> go.Figure:
    fig.update_layout(title={"text": title, "font": {"size": 15}}, height=height, template="plotly_white",
                      margin={"l": 60, "r": 20, "t": 50, "b": 50}, font={"family": CSS_FONT_STACK},
                      legend={"orientation": "h", "y": -0.18}, hovermode="x unified")
    return fig


def nice_ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    span = max(hi - lo, 1e-9)
    step = 10 ** math.floor(math.log10(span / n))
    for m in (1, 2, 2.5, 5, 10):
        if span / (m * step) <= n:
            step *= m
            break
    first = math.floor(lo / step) * step
    return [first + k * step for k in range(int(math.ceil((hi - first) / step)) + 1)]


def _localize_y(fig: go.Figure, lang: str, lo: float, hi: float, decimals: int = 0) -> None:
    """Myanmar digits on the value axis (Plotly itself only writes Latin digits)."""
    if lang != "my":
        return
    ticks = nice_ticks(lo, hi)
    fig.update_yaxes(tickmode="array", tickvals=ticks, ticktext=[fmt_number(v, lang, decimals) for v in ticks])


def _localize_x_dates(fig: go.Figure, lang: str, xs: list[str]) -> None:
    """Burmese month names and Myanmar digits on a date axis."""
    if lang != "my" or not xs:
        return
    first, last = dt.date.fromisoformat(xs[0]), dt.date.fromisoformat(xs[-1])
    months = []
    y, m = first.year, first.month
    while dt.date(y, m, 1) <= last:
        if dt.date(y, m, 1) >= first:
            months.append(dt.date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    step = max(1, math.ceil(len(months) / 8))
    months = months[::step]
    fig.update_xaxes(tickmode="array", tickvals=[d.isoformat() for d in months],
                     ticktext=[digits(f"{MONTHS['my'][d.month - 1]}<br>{d.year}", "my") for d in months])


def _band_trace(fig, xs, lo, hi, color, name, group):
    fig.add_trace(go.Scatter(x=xs + xs[::-1], y=list(hi) + list(lo[::-1]), fill="toself", fillcolor=color,
                             opacity=0.18, line={"width": 0}, hoverinfo="skip", showlegend=False,
                             legendgroup=group, name=name))


def _observed(fig, series: str, xs: list[str], lang: str) -> None:
    from defection.data import observed

    points = [(d, v, b) for d, v, b in observed().get(series, []) if xs and xs[0] <= d <= xs[-1]]
    for bound, symbol, key in (("point", "circle", "series.observed"), ("lower", "triangle-up",
                                                                        "series.observed_lower")):
        sel = [(d, v) for d, v, b in points if b == bound]
        if sel:
            fig.add_trace(go.Scatter(x=[d for d, _ in sel], y=[v for _, v in sel], mode="markers",
                                     marker={"symbol": symbol, "color": "black", "size": 8}, name=t(key, lang)))


def time_figure(runs: list[dict], names: list[tuple[str, str]], title_key: str, lang: str,
                observed_series: str | None = None, yaxis_key: str = "axis.officers") -> go.Figure:
    """Median lines with 90% bands over time for each (series, label key)."""
    xs = dates(runs)
    fig = go.Figure()
    top = 0.0
    for name, key in names:
        med, lo, hi = band(stack(runs, name))
        force = name.rsplit("_", 1)[-1]
        color = COLORS.get(name) or COLORS.get(force) or ("#6a3d9a" if name.startswith("coercive_capacity")
                                                          else "#ff7f0e")
        _band_trace(fig, xs, lo, hi, color, t(key, lang), name)
        fig.add_trace(go.Scatter(x=xs, y=med, mode="lines", line={"color": color, "width": 2},
                                 name=f"{t(key, lang)} ({t('results.median', lang)})", legendgroup=name))
        top = max(top, float(np.max(hi)) if len(hi) else 0.0)
    if observed_series:
        _observed(fig, observed_series, xs, lang)
        from defection.data import observed

        top = max([top] + [v for d, v, _ in observed().get(observed_series, []) if xs and xs[0] <= d <= xs[-1]])
    _layout(fig, t(title_key, lang), lang)
    fig.update_yaxes(title=t(yaxis_key, lang), rangemode="tozero")
    _localize_x_dates(fig, lang, xs)
    _localize_y(fig, lang, 0.0, top)
    return fig


def bar_figure(runs: list[dict], name: str, prefix: str, title_key: str, lang: str,
               horizontal: bool = False) -> go.Figure:
    """Median count per category with a 90% band as error bars."""
    cats, values = breakdown(runs, name)
    med, lo, hi = band(values)
    labels = [digits(label(prefix, c, lang), lang) for c in cats]
    err = {"type": "data", "symmetric": False, "array": list(hi - med), "arrayminus": list(med - lo)}
    text = [fmt_number(v, lang) for v in med]
    if horizontal:
        bar = go.Bar(y=labels, x=med, orientation="h", error_x=err, marker_color="#1f77b4", text=text,
                     textposition="outside", name=t("results.median", lang))
    else:
        bar = go.Bar(x=labels, y=med, error_y=err, marker_color="#1f77b4", hovertext=text,
                     name=t("results.median", lang))
    fig = go.Figure(bar)
    _layout(fig, t(title_key, lang), lang, height=460 if horizontal else 340)
    fig.update_layout(hovermode="closest", showlegend=False)
    top = float(np.max(hi)) * 1.15 if len(hi) else 1.0
    if horizontal:
        fig.update_yaxes(autorange="reversed")
        fig.update_xaxes(title=t("axis.officers", lang), range=[0, top or 1])
        if lang == "my":
            ticks = nice_ticks(0.0, top or 1)
            fig.update_xaxes(tickmode="array", tickvals=ticks, ticktext=[fmt_number(v, lang) for v in ticks])
    else:
        fig.update_yaxes(title=t("axis.officers", lang), range=[0, top or 1])
        _localize_y(fig, lang, 0.0, top or 1)
    return fig


def results_figures(runs: list[dict], lang: str, force: str = BOTH) -> dict[str, go.Figure]:
    """Every Results chart, keyed by its element id. ``force`` (police, army or :data:`BOTH`, checked with
    :func:`force_choice`) selects the lines of the defection, quiet-resister and capacity charts; the bar charts
    count both forces. Police defections are compared with their observations unless the army alone is shown."""
    force = force_choice(force, runs)
    forces = forces_of(runs)
    return {
        "fig-defections": time_figure(runs, defection_lines(runs, force),
                                      "fig.defections_forces" if forces else "fig.defections", lang,
                                      observed_series=None if force == "army" else "police_defected"),
        "fig-rank": bar_figure(runs, "defected_by_rank", "rank", "fig.rank", lang),
        "fig-tenure": bar_figure(runs, "defected_by_tenure_band", "tenure", "fig.tenure", lang),
        "fig-quiet": time_figure(runs, force_lines(runs, "quiet_resisters", "out.quiet_resisters", force),
                                 "fig.quiet", lang),
        "fig-capacity": time_figure(runs, force_lines(runs, "coercive_capacity", "out.coercive_capacity", force),
                                    "fig.capacity", lang, yaxis_key="axis.percent"),
        "fig-killed": time_figure(runs, [("civilians_killed", "series.simulated")], "fig.killed", lang,
                                  observed_series="civilians_killed", yaxis_key="axis.people"),
        "fig-region": bar_figure(runs, "defected_by_region", "region", "fig.region", lang, horizontal=True),
    }


def compare_figures(a_runs: list[dict], b_runs: list[dict], lang: str) -> dict[str, go.Figure]:
    xs = dates(a_runs)
    fig = go.Figure()
    top = 0.0
    for tag, runs in (("A", a_runs), ("B", b_runs)):
        med, lo, hi = band(stack(runs, "defected"))
        _band_trace(fig, xs, lo, hi, COLORS[tag], tag, tag)
        fig.add_trace(go.Scatter(x=xs, y=med, mode="lines", line={"color": COLORS[tag], "width": 2},
                                 name=f"{tag} ({t('results.median', lang)})", legendgroup=tag))
        top = max(top, float(np.max(hi)))
    _layout(fig, t("fig.compare", lang), lang)
    fig.update_yaxes(title=t("axis.officers", lang), rangemode="tozero")
    _localize_x_dates(fig, lang, xs)
    _localize_y(fig, lang, 0.0, top)

    d = stack(b_runs, "defected") - stack(a_runs, "defected")
    n = d.shape[0]
    mean = d.mean(axis=0)
    half = t90(n) * d.std(axis=0, ddof=1) / math.sqrt(n) if n > 1 else np.zeros_like(mean)
    diff = go.Figure()
    _band_trace(diff, xs, mean - half, mean + half, "#2ca02c", "90%", "d")
    diff.add_trace(go.Scatter(x=xs, y=mean, mode="lines", line={"color": "#2ca02c", "width": 2}, name="B − A"))
    _layout(diff, t("fig.compare_diff", lang), lang)
    diff.update_yaxes(title=t("axis.officers", lang))
    _localize_x_dates(diff, lang, xs)
    _localize_y(diff, lang, float(np.min(mean - half)), float(np.max(mean + half)))
    return {"fig-compare": fig, "fig-compare-diff": diff}


def compare_rows(a_runs: list[dict], b_runs: list[dict], lang: str, draws: int = 0) -> list[dict[str, Any]]:
    """Rows of the comparison table: outcome, A median, B median, paired difference on the last day and its
    interval (and, with parameter draws, the shares of its variance). Coercive capacity is a percentage of day 0
    and its difference is in percentage points, never index units."""
    from defection.vocabulary import shares_text

    rows = []
    named = [(name, t(f"out.{name}", lang)) for name in OUTCOMES]
    named += [(f"{name}_{force}", f"{t(f'out.{name}', lang)} ({t(f'force.{force}', lang)})")
              for force in forces_of(a_runs) for name in FORCE_OUTCOMES]
    for name, outcome in named:
        capacity = name.startswith("coercive_capacity")
        a_med, b_med = (float(np.median(final_shares(runs, name))) for runs in (a_runs, b_runs))
        d = paired(a_runs, b_runs, name, draws)
        decimals = 1 if capacity else 0
        percent, pp = ("%", f" {t('unit.pp', lang)}") if capacity else ("", "")
        if capacity:
            outcome = f"{outcome}, {t('compare.of_day0', lang)}"
        share = d.get("parameter_share", math.nan)
        rows.append({"key": name, "outcome": outcome,
                     "a": fmt_number(a_med, lang, decimals) + percent, "b": fmt_number(b_med, lang, decimals) + percent,
                     "diff": fmt_number(d["mean"], lang, decimals) + pp,
                     "interval": (f"{fmt_number(d['lo'], lang, decimals)} … {fmt_number(d['hi'], lang, decimals)}"
                                  if not math.isnan(d["lo"]) else "–"),
                     "shares": shares_text(None if math.isnan(share) else share, lang),
                     "raw": d})
    return rows


def live_lines(runs: list[dict]) -> list[tuple[str, str]]:
    """(series, label key) of the live chart: all defections and, when recorded, each force's."""
    series = runs[0]["series"] if runs else {}
    lines = [("defected", "series.all")]
    from defection.scenarios.schema import FORCES

    return lines + [(f"defected_{f}", f"force.{f}") for f in FORCES if f"defected_{f}" in series]


def ragged_band(runs: list[dict], name: str, days: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Median and 90% band on each day over the seeds that have reached it; and the number of days with data."""
    values = np.full((len(runs), days), np.nan)
    for k, run in enumerate(runs):
        s = np.asarray(run["series"].get(name, []), float)[:days]
        values[k, : len(s)] = s
    reached = int(np.max(np.sum(~np.isnan(values), axis=1))) if runs else 0
    values = values[:, :reached]
    with np.errstate(all="ignore"):
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            med = np.nanmedian(values, axis=0)
            lo = np.nanquantile(values, 0.05, axis=0)
            hi = np.nanquantile(values, 0.95, axis=0)
    return med, lo, hi, reached


class _Axes:
    """Collects axis settings from :func:`_localize_x_dates` and :func:`_localize_y` for a figure kept as a dict."""

    def __init__(self) -> None:
        self.x: dict[str, Any] = {}
        self.y: dict[str, Any] = {}

    def update_xaxes(self, **kwargs) -> None:
        self.x.update(kwargs)

    def update_yaxes(self, **kwargs) -> None:
        self.y.update(kwargs)


def live_figure(live: dict[str, Any], lang: str) -> dict[str, Any]:
    """The defection chart of a running job: median and band over the seeds so far, day by day, on the axis
    of the whole run (so the lines visibly grow). A plain dict, not a ``go.Figure``: the page polls every
    0.4 s and Plotly's validation of a figure object would cost more than the poll's budget on a busy machine."""
    runs, days = live["runs"], int(live["days"])
    start = dt.date.fromisoformat(runs[0]["start"])
    xs = [(start + dt.timedelta(days=k)).isoformat() for k in range(days)]
    data: list[dict[str, Any]] = []
    top = 1.0
    for name, key in live_lines(runs):
        med, lo, hi, reached = ragged_band(runs, name, days)
        if not reached:
            continue
        color = COLORS.get(name) or COLORS.get(name.rsplit("_", 1)[-1], "#ff7f0e")
        shown = xs[:reached]
        data.append({"type": "scatter", "x": shown + shown[::-1], "y": list(hi) + list(lo[::-1]), "fill": "toself",
                     "fillcolor": color, "opacity": 0.18, "line": {"width": 0}, "hoverinfo": "skip",
                     "showlegend": False, "legendgroup": name, "mode": "none"})
        data.append({"type": "scatter", "x": shown, "y": list(med), "mode": "lines", "legendgroup": name,
                     "line": {"color": color, "width": 2},
                     "name": f"{t(key, lang)} ({t('results.median', lang)})"})
        top = max(top, float(np.nanmax(hi)))
    axes = _Axes()
    _localize_x_dates(axes, lang, xs)
    _localize_y(axes, lang, 0.0, top * 1.1)
    layout = {"title": {"text": t("results.live", lang), "font": {"size": 15}}, "height": 340,
              "template": "plotly_white", "margin": {"l": 60, "r": 20, "t": 50, "b": 50},
              "font": {"family": CSS_FONT_STACK}, "legend": {"orientation": "h", "y": -0.18},
              "hovermode": "x unified", "xaxis": {"range": [xs[0], xs[-1]], **axes.x},
              "yaxis": {"title": {"text": t("axis.officers", lang)}, "range": [0, top * 1.1], **axes.y}}
    return {"data": data, "layout": layout}
