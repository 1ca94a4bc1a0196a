"""``defection discover DIR``: scenario discovery with PRIM (Friedman & Fisher 1999) from ema_workbench.

Which ranges of the swept parameters produce a cascade (an outcome above, or below, a
threshold)? PRIM peels the parameter box until the share of cascades inside it (density)
reaches ``threshold``; of the boxes on its peeling trajectory we report the one with the highest
coverage (share of all cascades it captures) among those with density >= threshold.

Too few runs, or a peeling that restricts no parameter, is said in one paragraph (exit code 2),
never shown as an empty box.

ema_workbench is an optional extra: ``pip install 'defection[discover]'``.
"""
from __future__ import annotations

import math
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from defection.engine.outputs import write_json
from defection.engine.readback import read_sweep_summary, varied_keys
from defection.errors import DefectionError, did_you_mean
from defection.experiments.store import read_manifest


PRIM_MASS_MIN = 0.05  # ema_workbench's default: PRIM's smallest box holds 5% of the runs


def runs_needed(peel_alpha: float) -> int:
    """The fewest runs PRIM can work with: its smallest box (``PRIM_MASS_MIN`` of the runs) and each peel
    (``peel_alpha`` of the box) must hold at least one run."""
    return max(math.ceil(1 / PRIM_MASS_MIN - 1e-9), math.ceil(1 / peel_alpha - 1e-9))


def _prim():
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from ema_workbench.analysis import prim
    except ImportError:
        raise DefectionError("defection discover needs the optional ema_workbench package: "
                             "pip install 'defection[discover]' (ema_workbench 2.5.x).") from None
    return prim


def discover(path: str | Path, outcome: str = "defected", *, above: float | None = None, below: float | None = None,
             threshold: float = 0.8, peel_alpha: float = 0.05, plot: bool = True) -> dict[str, Any]:
    """PRIM box of the swept parameters where ``outcome`` > ``above`` (or < ``below``); writes discover.json/.png.

    Parameters
    ----------
    path : str or pathlib.Path
        The directory of a finished sweep.
    outcome : str, optional
        The outcome that defines a case (a column of the sweep's summary; default ``"defected"``).
    above, below : float, optional
        A run is a case when ``outcome`` is above ``above``, or below ``below``; give exactly one.
    threshold : float, optional
        The share of cases the box should hold (its density), 0 to 1 (default 0.8).
    peel_alpha : float, optional
        The share of runs each PRIM peeling step removes (default 0.05).
    plot : bool, optional
        Draw discover.png, the peeling trajectory (default True).

    Returns
    -------
    dict
        The rule, runs, cases and base rate; the chosen box (``"box"``: each restricted parameter's
        range and its swept range) with its coverage, density and mass; and the peeling trajectory.
    """
    path = Path(path)
    record = read_manifest(path, kinds=("sweep",))
    if (above is None) == (below is None):
        raise DefectionError("give exactly one of --above X or --below X: the cascade is the outcome above (or below) X.")
    if not 0 < threshold <= 1:
        raise DefectionError(f"--threshold {threshold}: the density PRIM aims for is a share in (0, 1], e.g. 0.8.")
    if not 0 < peel_alpha < 0.5:
        raise DefectionError(f"--peel-alpha {peel_alpha}: the share peeled per step must be in (0, 0.5), e.g. 0.05.")
    import pandas as pd

    keys = varied_keys(record, str(path / "manifest.json"))
    summary = read_sweep_summary(path, keys, record.spec.n_points)
    outcomes = [c for c in summary.column_names if c not in ("run", "seed", "point", "replicate", *keys)]
    if outcome not in outcomes:
        raise DefectionError(f"--outcome {outcome}: not an outcome of this sweep.{did_you_mean(outcome, outcomes)} "
                             f"Outcomes: {', '.join(outcomes)}.")
    needed = runs_needed(peel_alpha)
    if summary.num_rows < needed:
        raise DefectionError(f"{path} has {summary.num_rows} run{'s' if summary.num_rows != 1 else ''}; PRIM needs at "
                             f"least {needed} (its smallest box holds {PRIM_MASS_MIN:.0%} of the runs, and each "
                             f"peel removes {peel_alpha:g} of the box). Run a larger sweep, e.g. --samples "
                             f"{max(64, needed)}.")
    y_raw = summary.column(outcome).to_numpy(zero_copy_only=False).astype(float)
    if outcome == "day_capacity_below_half":
        y_raw = np.where(np.isnan(y_raw), math.inf, y_raw)  # never fell below half: later than any day
    limit = above if above is not None else below
    y = y_raw > limit if above is not None else y_raw < limit
    rule = f"{outcome} {'>' if above is not None else '<'} {limit:g}"
    n_cases = int(y.sum())
    if n_cases == 0 or n_cases == len(y):
        what = "none" if n_cases == 0 else "all"
        raise DefectionError(f"{what} of the {len(y)} runs have {rule} (range {np.nanmin(y_raw):g} to "
                             f"{np.nanmax(y_raw):g}), so there is nothing to discover. Choose a threshold inside "
                             f"that range.")
    X = pd.DataFrame({k: summary.column(k).to_numpy().astype(float) for k in keys})
    prim = _prim()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        finder = prim.Prim(X, y, threshold=threshold, peel_alpha=peel_alpha)
        box = finder.find_box()
    traj = box.peeling_trajectory
    dens = traj["density"].to_numpy()
    cov = traj["coverage"].to_numpy()
    eligible = np.flatnonzero(dens >= threshold)
    chosen = int(eligible[np.argmax(cov[eligible])]) if len(eligible) else int(np.argmax(dens))
    box.select(chosen)
    lims = box.box_lims[chosen]
    restricted = []
    for k in keys:
        lo, hi = float(lims[k].iloc[0]), float(lims[k].iloc[1])
        full_lo, full_hi = float(X[k].min()), float(X[k].max())
        if lo > full_lo or hi < full_hi:
            restricted.append({"parameter": k, "lo": lo, "hi": hi, "swept_lo": full_lo, "swept_hi": full_hi})
    if not restricted:
        counts = f"{n_cases} of the {len(y)} runs have {rule} (a base rate of {n_cases / len(y):.0%})"
        if len(eligible):  # the whole sweep already reaches the density asked for
            raise DefectionError(f"PRIM found no box for {rule}: {counts}, which already reaches the density "
                                 f"asked for ({threshold:.0%}), so no range of the parameters stands out. Ask for "
                                 "a higher --threshold, or choose a rarer cascade (a higher --above, a lower --below).")
        raise DefectionError(f"PRIM found no box for {rule}: {counts}, and no range of the swept parameters holds a "
                             "larger share of them than the whole sweep. The cascade may not depend on these "
                             "parameters, or the sweep may be too small to show it: run a larger sweep (--samples) "
                             "or try a smaller --peel-alpha.")
    result = {
        "rule": rule, "runs": int(len(y)), "cases": n_cases, "base_rate": n_cases / len(y),
        "threshold": threshold, "peel_alpha": peel_alpha, "box_index": chosen,
        "coverage": float(cov[chosen]), "density": float(dens[chosen]), "mass": float(traj["mass"].iloc[chosen]),
        "met_threshold": bool(len(eligible)), "box": restricted,
        "trajectory": [{"coverage": float(c), "density": float(d), "mass": float(m), "restricted": int(r)}
                       for c, d, m, r in zip(cov, dens, traj["mass"], traj["res_dim"])],
    }
    write_json(path / "discover.json", result)
    if plot:
        figure(result, path / "discover.png")
    return result


def figure(result: dict[str, Any], out: Path) -> None:
    from defection.report.figures import pyplot, write_png

    plt = pyplot()

    traj = result["trajectory"]
    fig, ax = plt.subplots(figsize=(5.5, 4.2))
    sc = ax.scatter([t["coverage"] for t in traj], [t["density"] for t in traj], c=[t["restricted"] for t in traj],
                    cmap="viridis", s=18)
    ax.scatter([result["coverage"]], [result["density"]], s=120, facecolors="none", edgecolors="red", label="chosen box")
    ax.axhline(result["threshold"], color="grey", ls="--", lw=0.8)
    ax.set_xlabel("coverage (share of cascades inside the box)")
    ax.set_ylabel("density (share of the box that cascades)")
    ax.set_title(f"PRIM peeling trajectory: {result['rule']}", fontsize=10)
    fig.colorbar(sc, ax=ax, label="parameters restricted")
    ax.legend(fontsize=8)
    write_png(fig, out, tight=True)
