"""Draw docs/img/tipping.png: where the split tips, from two grid sweeps over the cascade weights.

Run the two sweeps of ``docs/model.md`` ("Where the split tips"), then::

    python scripts/tipping_figure.py runs/tipping-grid runs/tipping-grid-noadapt docs/img/tipping.png

Each panel shows combined coercive capacity at the end of the horizon (share of day 0) over
``decision.w_peer`` and ``decision.w_township``; the dashed rectangle is their plausible box, and a
cell is marked where capacity fell below half at some day. Reads only each sweep's
``summary.parquet``.
"""
from __future__ import annotations

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

from defection.scenarios.schema import parameters  # noqa: E402

X, Y = "decision.w_township", "decision.w_peer"


def grid(summary: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(x levels, y levels, mean capacity share at the end (y, x), share of runs below half (y, x))."""
    table = pq.read_table(summary).to_pandas()
    table["collapsed"] = table["day_capacity_below_half"].notna().astype(float)
    share = table.pivot_table(index=Y, columns=X, values="coercive_capacity_end_share")
    collapsed = table.pivot_table(index=Y, columns=X, values="collapsed")
    return share.columns.to_numpy(), share.index.to_numpy(), share.to_numpy(), collapsed.to_numpy()


def box(key: str) -> tuple[float, float]:
    return tuple((parameters()[key].json_schema_extra or {})["plausible"])


def main(with_adaptation: str, without_adaptation: str, out: str) -> None:
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.6), sharey=True, constrained_layout=True)
    for ax, directory, title in ((axes[0], with_adaptation, "the regime adapts (default)"),
                                 (axes[1], without_adaptation, "adaptation switched off")):
        x, y, share, collapsed = grid(Path(directory) / "summary.parquet")
        mesh = ax.pcolormesh(x, y, share, vmin=0.0, vmax=1.0, cmap="viridis", shading="nearest")
        for j, yy in enumerate(y):
            for i, xx in enumerate(x):
                ax.text(xx, yy, f"{share[j, i]:.2f}", ha="center", va="center", fontsize=7,
                        color="white" if share[j, i] < 0.6 else "black",
                        fontweight="bold" if collapsed[j, i] > 0 else "normal")
        (x0, x1), (y0, y1) = box(X), box(Y)
        ax.add_patch(plt.Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, ls="--", lw=1.5, ec="red"))
        ax.set_title(title)
        ax.set_xlabel("w_township (pull of the township's defections)")
    axes[0].set_ylabel("w_peer (pull of the unit's defections)")
    fig.colorbar(mesh, ax=axes, label="coercive capacity at the end (share of day 0)")
    fig.suptitle("Where the split tips: bold, capacity fell below half; dashed, the plausible box")
    fig.savefig(out, dpi=110)


if __name__ == "__main__":
    missing = [d for d in sys.argv[1:3] if not (Path(d) / "summary.parquet").is_file()]
    if len(sys.argv) != 4 or missing:
        print(f"error: {'no summary.parquet in ' + ', '.join(missing) if missing else 'three arguments needed'}."
              f"\n{__doc__}", file=sys.stderr)
        sys.exit(2)
    main(*sys.argv[1:])
