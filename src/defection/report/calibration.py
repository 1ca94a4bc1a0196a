"""Figures of a calibration: posterior predictive fit, pairs, and forecast bands.

Plotting only: the simulations behind a figure are run by :mod:`defection.experiments.calibration`,
which passes their arrays in. Observations are any objects with ``series``, ``date``, ``value`` and
``lower_bound`` (and ``upper_bound``).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from defection.report.figures import pyplot, write_png

PANELS = (("defected_police", "Police defections"), ("civilians_killed", "Civilians killed"),
          ("civilians_arrested", "Civilians arrested (cumulative)"), ("civilians_detained", "Civilians detained"))


def _bound(o) -> str:
    """point, lower or upper: what an observation's value is (``upper_bound`` is absent from older records)."""
    return "lower" if o.lower_bound else "upper" if getattr(o, "upper_bound", False) else "point"


def _observed(ax, obs, series) -> None:
    for bound, marker, label in (("point", "o", "observed"), ("lower", "^", "observed, lower bound"),
                                 ("upper", "v", "observed, upper bound")):
        pts = [(np.datetime64(o.date), o.value) for o in obs if o.series == series and _bound(o) == bound]
        if pts:
            ax.scatter([d for d, _ in pts], [v for _, v in pts], marker=marker, color="black", zorder=3, s=25,
                       label=label)


def fit_plot(path: Path, dates: np.ndarray, sims: dict[str, np.ndarray], obs) -> None:
    """Posterior predictive 90% band and median, with the observed points.

    ``sims`` maps each series of :data:`PANELS` to simulated values of shape (draws, len(dates)).
    """
    plt = pyplot()
    fig, axes = plt.subplots(1, len(PANELS), figsize=(18, 4), constrained_layout=True)
    for ax, (series, title) in zip(axes, PANELS):
        q05, q50, q95 = np.quantile(sims[series], (0.05, 0.5, 0.95), axis=0)
        ax.fill_between(dates, q05, q95, alpha=0.3, color="tab:blue", label="posterior predictive 90%")
        ax.plot(dates, q50, color="tab:blue", label="median")
        _observed(ax, obs, series)
        ax.set_title(title)
        ax.tick_params(axis="x", labelrotation=30, labelsize=8)
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=8, loc="upper left")
    write_png(fig, path)


def pairs_plot(path: Path, fits, table) -> None:
    """Weighted marginals on the diagonal, particle scatter below, prior box as limits."""
    plt = pyplot()
    n = len(fits)
    w = table.column("weight").to_numpy()
    fig, axes = plt.subplots(n, n, figsize=(2.6 * n + 1, 2.6 * n + 1), squeeze=False, constrained_layout=True)
    for i, fi in enumerate(fits):
        xi = table.column(fi.key).to_numpy()
        for j, fj in enumerate(fits):
            ax = axes[i][j]
            if j > i:
                ax.axis("off")
                continue
            if i == j:
                ax.hist(xi, bins=20, weights=w, range=(fi.lo, fi.hi), color="tab:blue")
                ax.set_xlim(fi.lo, fi.hi)
            else:
                ax.scatter(table.column(fj.key).to_numpy(), xi, s=6 + 200 * w / w.max(), alpha=0.5)
                ax.set_xlim(fj.lo, fj.hi)
                ax.set_ylim(fi.lo, fi.hi)
            if i == n - 1:
                ax.set_xlabel(fj.key, fontsize=8)
            if j == 0:
                ax.set_ylabel(fi.key, fontsize=8)
            ax.tick_params(labelsize=7)
    write_png(fig, path)


# Forecast panels: (title, [(series, label, colour)]); each force's band where the forecast has its series.
FORECAST_PANELS = (("defections", [("defected_police", "police", "tab:blue"), ("defected_army", "army", "tab:red"),
                                   ("defected", "all", "tab:blue")]),
                   ("coercive capacity", [("coercive_capacity_police", "police", "tab:blue"),
                                          ("coercive_capacity_army", "army", "tab:red"),
                                          ("coercive_capacity", "all", "tab:blue")]),
                   ("civilians killed", [("civilians_killed", "", "tab:blue")]),
                   ("civilians arrested", [("civilians_arrested", "", "tab:blue")]))


def forecast_plot(path: Path, table, obs, fitted_until) -> None:
    """Bands (50% and 90%) and median over time, with the observations: defections and coercive capacity for
    each force (police and army) when the forecast has their series, else the totals; civilians killed and
    arrested."""
    plt = pyplot()
    series = table.column("series").to_numpy(zero_copy_only=False)
    present = set(series.tolist())
    fig, axes = plt.subplots(1, len(FORECAST_PANELS), figsize=(5.2 * len(FORECAST_PANELS), 4.2),
                             constrained_layout=True)
    for ax, (title, lines) in zip(axes, FORECAST_PANELS):
        forces = [line for line in lines[:-1] if line[0] in present] if len(lines) > 1 else []
        for name, label, color in forces or [line for line in lines[-1:] if line[0] in present]:
            sel = series == name
            dates = table.column("date").to_numpy()[sel].astype("datetime64[D]")
            q = {c: table.column(c).to_numpy()[sel] for c in ("q05", "q25", "q50", "q75", "q95")}
            prefix = f"{label}: " if forces else ""
            ax.fill_between(dates, q["q05"], q["q95"], alpha=0.2, color=color, label=f"{prefix}90%")
            ax.fill_between(dates, q["q25"], q["q75"], alpha=0.35, color=color, label=f"{prefix}50%")
            ax.plot(dates, q["q50"], color=color, label=f"{prefix}median")
            _observed(ax, obs, name)
        ax.axvline(np.datetime64(fitted_until), color="grey", ls="--", lw=1, label="end of fitted data")
        ax.set_title(title)
        ax.tick_params(axis="x", labelrotation=30, labelsize=8)
        ax.grid(alpha=0.3)
        if len(lines) > 1:
            ax.legend(fontsize=7, loc="best")
    write_png(fig, path)
