"""PNG figures: the run overview (English or Burmese) and the helpers every figure of the package saves with.

Burmese glyphs come from Noto Sans Myanmar (Debian: ``apt-get install fonts-noto-core``). That font
has no Latin letters, so DejaVu Sans follows it in the fallback list.

Names in a figure (a scenario's name in a title, a policy in a legend) are data: :func:`png_bytes`
draws every text literally, so ``Budget $\\foo$`` is neither parsed as mathtext nor sent to TeX.
"""
from __future__ import annotations

import glob
import io
from pathlib import Path

import numpy as np

from defection.i18n import digits, fmt_number, t

MYANMAR_FAMILY = "Noto Sans Myanmar"
FONT_DIRS = ("/usr/share/fonts/truetype/noto", "/usr/share/fonts/opentype/noto", "/usr/share/fonts",
             "/usr/local/share/fonts", str(Path.home() / ".local/share/fonts"))


def myanmar_font() -> str | None:
    """Path of the Noto Sans Myanmar file matplotlib will use, registering it if its cache predates it."""
    from matplotlib import font_manager as fm

    try:
        return fm.findfont(MYANMAR_FAMILY, fallback_to_default=False)
    except ValueError:
        pass
    for folder in FONT_DIRS:
        for path in sorted(glob.glob(f"{folder}/**/NotoSansMyanmar-*.[ot]tf", recursive=True)):
            try:
                fm.fontManager.addfont(path)
            except (OSError, RuntimeError):
                continue
    try:
        return fm.findfont(MYANMAR_FAMILY, fallback_to_default=False)
    except ValueError:
        return None


def font_family(lang: str) -> list[str]:
    """The matplotlib font list for ``lang``: Noto Sans Myanmar first for Burmese, DejaVu Sans for Latin."""
    if lang == "my" and myanmar_font() is not None:
        return [MYANMAR_FAMILY, "DejaVu Sans"]
    return ["DejaVu Sans"]


def pyplot():
    """matplotlib's pyplot on the Agg backend (no display needed)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def plain_text(fig) -> None:
    """Draw every text of ``fig`` literally: no mathtext, no TeX, control characters written as escapes
    (``\\x1b``; matplotlib would otherwise echo them raw to the terminal in a missing-glyph warning). Tick labels
    and axis offsets, which hold numbers formatted by matplotlib itself, keep their formatting."""
    from matplotlib.axis import Axis, Tick
    from matplotlib.text import Text

    from defection.terminal import printable

    numbers = {axis.offsetText for axis in fig.findobj(Axis)}
    for tick in fig.findobj(Tick):
        numbers.update((tick.label1, tick.label2))
    for text in fig.findobj(Text):
        if text not in numbers:
            text.set_parse_math(False)
            text.set_usetex(False)
            text.set_text(printable(text.get_text(), keep="\n"))  # line breaks are the figure's own


def png_bytes(fig, dpi: int = 100, tight: bool = False) -> bytes:
    """``fig`` as PNG bytes, its texts drawn literally (:func:`plain_text`); the figure is closed.

    ``tight`` applies ``fig.tight_layout()``, which measures the texts, so it comes after :func:`plain_text`.
    """
    plain_text(fig)
    buf = io.BytesIO()
    try:
        if tight:
            fig.tight_layout()
        fig.savefig(buf, format="png", dpi=dpi)
    finally:
        pyplot().close(fig)
    return buf.getvalue()


def write_png(fig, path: Path, dpi: int = 100, tight: bool = False) -> None:
    """Save ``fig`` as a PNG at ``path``, atomically (see :func:`png_bytes`)."""
    from defection.engine.outputs import atomic_write_bytes

    atomic_write_bytes(Path(path), png_bytes(fig, dpi, tight))


def overview_png(table, lang: str = "en", title: str = "") -> bytes:
    """Three panels (defections by branch, coercive capacity, civilians killed, with observations),
    labelled in ``lang`` with the locale's digits: overview.png of a run, and the report's figure."""
    from matplotlib.ticker import FuncFormatter

    from defection.data import observed

    dates = table.column("date").to_numpy().astype("datetime64[D]")
    col = lambda name: table.column(name).to_numpy()
    obs = observed()
    number = FuncFormatter(lambda v, _pos: fmt_number(v, lang))
    plt = pyplot()
    with plt.rc_context({"font.family": font_family(lang), "axes.unicode_minus": False}):
        fig, axes = plt.subplots(1, 3, figsize=(15, 4.6), constrained_layout=True)
        ax = axes[0]
        names = set(table.column_names)
        ax.plot(dates, col("defected"), label=t("series.all", lang), color="black")
        for column, key, color, style in (("defected_police", "force.police", "tab:green", "--"),
                                          ("defected_army", "force.army", "tab:brown", "--"),
                                          ("defected_civilian", "series.civilian", "tab:blue", "-"),
                                          ("defected_paramilitary", "series.paramilitary", "tab:red", "-")):
            if column in names:  # per-force lines once the model records them; branches as they exist
                ax.plot(dates, col(column), label=t(key, lang), color=color, ls=style)
        _observations(ax, obs.get("police_defected", []), dates, lang)
        ax.set_title(t("fig.defections_forces" if "defected_army" in names else "fig.defections", lang))
        ax.legend(loc="upper left", fontsize=8)
        ax = axes[1]
        for column, key, color in (("coercive_capacity", "series.all", "tab:purple"),
                                   ("coercive_capacity_police", "force.police", "tab:green"),
                                   ("coercive_capacity_army", "force.army", "tab:brown")):
            if column in names:
                cap = col(column).astype(float)
                ax.plot(dates, cap / cap[0] * 100 if len(cap) and cap[0] else cap, color=color, label=t(key, lang))
        if "coercive_capacity_army" in names:
            ax.legend(loc="lower left", fontsize=8)
        ax.set_title(t("fig.capacity", lang))
        ax.set_ylim(bottom=0)
        ax = axes[2]
        ax.plot(dates, col("civilians_killed"), color="tab:orange", label=t("series.simulated", lang))
        _observations(ax, obs.get("civilians_killed", []), dates, lang)
        ax.set_title(t("fig.killed", lang))
        ax.legend(loc="upper left", fontsize=8)
        for ax in axes:
            ax.yaxis.set_major_formatter(number)
            if lang == "my":
                import matplotlib.dates as mdates

                from defection.i18n import MONTHS

                span_months = max(1, int((dates[-1] - dates[0]).astype(int) // 30)) if len(dates) else 1
                ax.xaxis.set_major_locator(mdates.MonthLocator(interval=max(1, -(-span_months // 6))))
                ax.xaxis.set_major_formatter(FuncFormatter(
                    lambda v, _pos: _month_label(v, MONTHS["my"])))
            ax.tick_params(axis="x", labelrotation=30, labelsize=8)
            ax.grid(alpha=0.3)
        if title:  # a scenario's name is a name: its digits stay as written
            fig.suptitle(title)
        return png_bytes(fig)


def _month_label(value: float, months: list[str], lang: str = "my") -> str:
    import matplotlib.dates as mdates

    d = mdates.num2date(value)
    return digits(f"{months[d.month - 1]} {d.year}", lang)


def _observations(ax, points, dates, lang: str) -> None:
    inside = [(np.datetime64(d), v, b) for d, v, b in points
              if len(dates) and dates[0] <= np.datetime64(d) <= dates[-1]]
    for bound, marker, key in (("point", "o", "series.observed"), ("lower", "^", "series.observed_lower"),
                               ("upper", "v", "series.observed_upper")):
        sel = [(d, v) for d, v, b in inside if b == bound]
        if sel:
            ax.scatter([d for d, _ in sel], [v for _, v in sel], marker=marker, color="black", zorder=3, s=25,
                       label=t(key, lang))


def bands_png(panels: list[tuple[str, np.ndarray, dict[str, np.ndarray]]], lang: str = "en", title: str = "",
              percent_of_first: tuple[str, ...] = ()) -> bytes:
    """Median and 5–95% band over time of each group of runs, one panel per series.

    ``panels`` holds (title key, dates, {group label: values of shape runs x days}); a panel whose title
    key is in ``percent_of_first`` is drawn as a percentage of its first day's median. Group labels are
    names (policies) and are drawn as written; an empty label draws no legend entry.
    """
    from matplotlib.ticker import FuncFormatter

    plt = pyplot()
    number = FuncFormatter(lambda v, _pos: fmt_number(v, lang))
    with plt.rc_context({"font.family": font_family(lang), "axes.unicode_minus": False}):
        fig, axes = plt.subplots(1, len(panels), figsize=(5 * len(panels), 4.2), constrained_layout=True,
                                 squeeze=False)
        colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
        for ax, (key, dates, groups) in zip(axes[0], panels):
            for k, (group, grid) in enumerate(groups.items()):
                lo, mid, hi = np.nanpercentile(grid, [5, 50, 95], axis=0)
                if key in percent_of_first and mid[0]:
                    lo, mid, hi = (100 * x / mid[0] for x in (lo, mid, hi))
                c = colors[k % len(colors)]
                ax.fill_between(dates, lo, hi, color=c, alpha=0.2, lw=0)
                ax.plot(dates, mid, color=c, lw=1.5, label=group or None)
            ax.set_title(t(key, lang), fontsize=10)
            ax.yaxis.set_major_formatter(number)
            _month_axis(ax, dates, lang)
            ax.grid(alpha=0.3)
            if any(groups):
                ax.legend(fontsize=8, loc="upper left")
        if title:
            fig.suptitle(title, fontsize=11)
        return png_bytes(fig)


def _month_axis(ax, dates, lang: str) -> None:
    """Month ticks labelled in ``lang`` (Burmese month names and digits)."""
    import matplotlib.dates as mdates
    from matplotlib.ticker import FuncFormatter

    from defection.i18n import MONTHS

    span_months = max(1, int((dates[-1] - dates[0]).astype(int) // 30)) if len(dates) else 1
    ax.xaxis.set_major_locator(mdates.MonthLocator(interval=max(1, -(-span_months // 5))))
    months = MONTHS["my" if lang == "my" else "en"]
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: _month_label(v, months, lang)))
    ax.tick_params(axis="x", labelrotation=30, labelsize=8)


# -- policy design (defection optimize) ----------------------------------------------------------
def pareto_png(rows: list[dict], draws: int, statistic: str, targets: list[float], lang: str = "en") -> bytes:
    """Money spent against the drop in coercive capacity of each evaluated candidate, with its 10–90% range over
    the draws on both axes; the Pareto front in red; each ``targets`` drop (a share) as a dashed line.

    ``rows`` are rows of trials.parquet (``cost_*``, ``capacity_drop_*``, ``pareto``).
    """
    from matplotlib.ticker import FuncFormatter

    plt = pyplot()
    number = FuncFormatter(lambda v, _pos: fmt_number(v, lang, 1 if abs(v) < 10 and v != int(v) else 0))
    with plt.rc_context({"font.family": font_family(lang), "axes.unicode_minus": False}):
        fig, ax = plt.subplots(figsize=(7.5, 5))
        for r in rows:
            color, z = ("C3", 3) if r["pareto"] else ("0.65", 1)
            x, y = r["cost_mean"] / 1e6, r["capacity_drop_mean"] * 100
            xerr = np.clip([[x - r["cost_p10"] / 1e6], [r["cost_p90"] / 1e6 - x]], 0, None)  # the mean may lie
            yerr = np.clip([[y - r["capacity_drop_p10"] * 100], [r["capacity_drop_p90"] * 100 - y]], 0, None)  # outside
            ax.errorbar([x], [y], xerr=xerr, yerr=yerr, fmt="o", ms=4 if r["pareto"] else 3, color=color,
                        alpha=0.9 if r["pareto"] else 0.5, lw=0.8, zorder=z)
        for bound in targets:
            ax.axhline(bound * 100, color="C0", ls="--", lw=1,
                       label=t("opt.fig.target", lang).format(value=fmt_number(bound * 100, lang, 1)))
        ax.set_xlabel(t("opt.fig.spent", lang))
        ax.set_ylabel(t("opt.fig.drop", lang))
        ax.set_title(t("opt.fig.pareto_title", lang).format(n=fmt_number(len(rows), lang),
                                                            d=fmt_number(draws, lang),
                                                            statistic=t(f"opt.stat_short.{statistic}", lang)),
                     fontsize=10)
        ax.xaxis.set_major_formatter(number)
        ax.yaxis.set_major_formatter(number)
        ax.grid(alpha=0.3)
        if targets:
            ax.legend(fontsize=8)
        return png_bytes(fig, tight=True)


def dose_response_points(rows: list[dict], budget: tuple[float, float], bins: int = 8) -> list[dict]:
    """In each of ``bins`` equal parts of the budget range, the candidate with the largest capacity drop
    statistic (the dose–response's points, in budget order)."""
    from itertools import pairwise

    edges = np.linspace(budget[0], budget[1], bins + 1)
    points = []
    for a, b in pairwise(edges):
        inside = [r for r in rows if a <= r["budget_kyat_month"] <= b]
        if inside:
            points.append(max(inside, key=lambda r: r["capacity_drop"]))
    return points


def dose_response_png(rows: list[dict], budget: tuple[float, float], targets: list[float], lang: str = "en") -> bytes:
    """The dose–response: the best candidate in each eighth of the budget range (:func:`dose_response_points`),
    its mean capacity drop and 10–90% band over the draws against its monthly budget, with the targets."""
    from matplotlib.ticker import FuncFormatter

    plt = pyplot()
    number = FuncFormatter(lambda v, _pos: fmt_number(v, lang, 1 if abs(v) < 10 and v != int(v) else 0))
    points = dose_response_points(rows, budget)
    with plt.rc_context({"font.family": font_family(lang), "axes.unicode_minus": False}):
        fig, ax = plt.subplots(figsize=(7.5, 4.5))
        if points:
            xs = [p["budget_kyat_month"] / 1e6 for p in points]
            ax.fill_between(xs, [p["capacity_drop_p10"] * 100 for p in points],
                            [p["capacity_drop_p90"] * 100 for p in points], color="C0", alpha=0.2, lw=0,
                            label=t("opt.fig.band", lang))
            ax.plot(xs, [p["capacity_drop_mean"] * 100 for p in points], "o-", color="C0",
                    label=t("opt.fig.best", lang))
        for bound in targets:
            ax.axhline(bound * 100, color="C3", ls="--", lw=1,
                       label=t("opt.fig.target", lang).format(value=fmt_number(bound * 100, lang, 1)))
        if points or targets:
            ax.legend(fontsize=8)
        ax.set_xlabel(t("opt.fig.budget", lang))
        ax.set_ylabel(t("opt.fig.drop_short", lang))
        ax.set_title(t("opt.fig.dose_title", lang), fontsize=10)
        ax.xaxis.set_major_formatter(number)
        ax.yaxis.set_major_formatter(number)
        ax.grid(alpha=0.3)
        return png_bytes(fig, tight=True)
