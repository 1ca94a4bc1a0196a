"""overview.png: defections by branch, coercive capacity, civilians killed with observations."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from defection.data import observed
from defection.engine.outputs import atomic_write_bytes


def _dates(table) -> np.ndarray:
    return table.column("date").to_numpy().astype("datetime64[D]")


def overview(table, path: Path, title: str = "") -> None:
    """Three panels from a run's timeseries table, written atomically as PNG."""
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    dates = _dates(table)
    col = lambda name: table.column(name).to_numpy()  # noqa: E731
    obs = observed()
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.2), constrained_layout=True)
    ax = axes[0]
    ax.plot(dates, col("defected"), label="all", color="black")
    ax.plot(dates, col("defected_civilian"), label="civilian branch", color="tab:blue")
    ax.plot(dates, col("defected_paramilitary"), label="paramilitary", color="tab:red")
    _observations(ax, obs.get("police_defected", []), dates)
    ax.set_title("Police defections (cumulative)")
    ax.legend(loc="upper left", fontsize=8)
    ax = axes[1]
    cap = col("coercive_capacity")
    ax.plot(dates, cap / cap[0] * 100 if len(cap) and cap[0] else cap, color="tab:purple")
    ax.set_title("Coercive capacity (% of day 0)")
    ax.set_ylim(bottom=0)
    ax = axes[2]
    ax.plot(dates, col("civilians_killed"), color="tab:orange", label="simulated")
    _observations(ax, obs.get("civilians_killed", []), dates)
    ax.set_title("Civilians killed (cumulative)")
    ax.legend(loc="upper left", fontsize=8)
    for ax in axes:
        ax.tick_params(axis="x", labelrotation=30, labelsize=8)
        ax.grid(alpha=0.3)
    if title:
        fig.suptitle(title)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    plt.close(fig)
    atomic_write_bytes(Path(path), buf.getvalue())


def _observations(ax, points, dates) -> None:
    inside = [(np.datetime64(d), v, b) for d, v, b in points if len(dates) and dates[0] <= np.datetime64(d) <= dates[-1]]
    if not inside:
        return
    for bound, marker, label in (("point", "o", "observed (AAPP)"), ("lower", "^", "observed, lower bound")):
        sel = [(d, v) for d, v, b in inside if b == bound]
        if sel:
            ax.scatter([d for d, _ in sel], [v for _, v in sel], marker=marker, color="black", zorder=3, s=25, label=label)
