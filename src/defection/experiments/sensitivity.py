"""``defection sensitivity DIR``: Sobol (S1, ST with confidence intervals) or Morris (mu*, sigma) from SALib.

The design of the sweep decides the method: a ``sobol`` sweep gives Sobol indices (Saltelli
estimators, first-order and total, bootstrap confidence intervals), a ``morris`` sweep gives
elementary-effect statistics. With replicates, each point's outcome is the mean over its seeds.
A run that never saw coercive capacity fall below half has ``day_capacity_below_half`` censored at
the run's last day.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from defection.engine.outputs import write_json, write_parquet
from defection.engine.readback import (ExperimentManifest, read_sweep_design, read_sweep_summary,
                                       sobol_or_morris_problem)
from defection.errors import DefectionError, did_you_mean
from defection.experiments.design import MORRIS_LEVELS
from defection.experiments.small_designs import wide_indices
from defection.experiments.store import read_manifest

DEFAULT_OUTPUTS = ("defected", "coercive_capacity_min_share", "civilians_killed")


def _point_means(record: ExperimentManifest, summary: pa.Table, output: str, n_points: int) -> np.ndarray:
    values = summary.column(output).to_numpy(zero_copy_only=False).astype(float)
    if output == "day_capacity_below_half":
        values = np.where(np.isnan(values), float(record.days()), values)
    points = summary.column("point").to_numpy()
    sums = np.bincount(points, weights=np.nan_to_num(values), minlength=n_points)
    counts = np.bincount(points[~np.isnan(values)], minlength=n_points)
    missing = np.flatnonzero(counts == 0)
    if len(missing):
        raise DefectionError(f"{len(missing)} of {n_points} design points have no successful run for '{output}' "
                             f"(first: point {missing[0]}); the estimators need every point. See failures.parquet, "
                             f"fix the cause and run a new sweep.")
    return sums / counts


def sensitivity(path: str | Path, outputs: list[str] | tuple[str, ...] | None = None, *, conf_level: float = 0.95,
                num_resamples: int = 1000, seed: int = 0, plot: bool = True) -> dict[str, Any]:
    """Sensitivity indices of ``outputs`` for the sweep in ``path``; writes sensitivity.parquet/.json/.png.

    Parameters
    ----------
    path : str or pathlib.Path
        The directory of a finished sweep with ``design="sobol"`` or ``design="morris"``.
    outputs : list of str, optional
        The outcomes analysed (columns of the sweep's summary); by default the usual outcomes the
        sweep recorded.
    conf_level : float, optional
        The confidence level of the intervals, between 0 and 1 (default 0.95).
    num_resamples : int, optional
        Bootstrap resamples for the intervals (default 1000).
    seed : int, optional
        The bootstrap's seed (default 0).
    plot : bool, optional
        Draw sensitivity.png (default True).

    Returns
    -------
    dict
        ``{"method", "outputs": {output: {"names", "S1", "S1_conf", "ST", "ST_conf"} or
        {"names", "mu_star", "mu_star_conf", "sigma"}}, "design_warnings", "table": pa.Table}``; a design
        warning (:func:`~defection.experiments.small_designs.wide_indices`) says the intervals are wider than
        the indices.
    """
    path = Path(path)
    if not 0 < conf_level < 1:
        raise DefectionError(f"--conf {conf_level}: a confidence level is between 0 and 1, e.g. 0.95.")
    record = read_manifest(path, kinds=("sweep",))
    spec = record.spec
    method = spec.design
    if method not in ("sobol", "morris"):
        raise DefectionError(f"{path} was swept with --design {method}; sensitivity indices need a sweep with "
                             f"--design sobol (Sobol S1/ST) or --design morris (mu*, sigma). Run one of those.")
    checked = sobol_or_morris_problem(record, str(path / "manifest.json"))
    problem, names, n_points = checked.salib(), list(checked.names), int(spec.n_points or 0)
    summary = read_sweep_summary(path, names, n_points)
    design = read_sweep_design(path, names, n_points) if method == "morris" else None
    available = [c for c in summary.column_names if c not in ("run", "seed", "point", "replicate", *names)]
    outputs = list(outputs or [o for o in DEFAULT_OUTPUTS if o in available] or available[:1])
    for o in outputs:
        if o not in available:
            raise DefectionError(f"--output {o}: not an outcome of this sweep.{did_you_mean(o, available)} "
                                 f"Outcomes: {', '.join(available)}.")
    rows: list[dict[str, Any]] = []
    results: dict[str, dict[str, Any]] = {}
    for o in outputs:
        Y = _point_means(record, summary, o, n_points)
        if method == "sobol":
            from SALib.analyze import sobol

            if np.ptp(Y) == 0:
                res = {k: np.zeros(len(names)) for k in ("S1", "S1_conf", "ST", "ST_conf")}
            else:
                res = sobol.analyze(problem, Y, calc_second_order=False, num_resamples=num_resamples,
                                    conf_level=conf_level, seed=seed)
            entry = {"names": names, **{k: np.asarray(res[k], float).tolist() for k in ("S1", "S1_conf", "ST", "ST_conf")}}
            for j, name in enumerate(names):
                rows.append({"output": o, "parameter": name, "S1": entry["S1"][j], "S1_conf": entry["S1_conf"][j],
                             "ST": entry["ST"][j], "ST_conf": entry["ST_conf"][j]})
        else:
            from SALib.analyze import morris

            assert design is not None  # read above for a Morris sweep
            X = np.column_stack([design.column(n).to_numpy().astype(float) for n in names])
            res = morris.analyze(problem, X, Y, num_resamples=num_resamples, conf_level=conf_level,
                                 num_levels=MORRIS_LEVELS, seed=seed)
            entry = {"names": names, **{k: np.asarray(res[k], float).tolist() for k in ("mu_star", "mu_star_conf", "sigma")}}
            for j, name in enumerate(names):
                rows.append({"output": o, "parameter": name, "mu_star": entry["mu_star"][j],
                             "mu_star_conf": entry["mu_star_conf"][j], "sigma": entry["sigma"][j]})
        results[o] = entry
    table = pa.Table.from_pylist(rows)
    warning = wide_indices(method, results, conf_level)
    written = {"method": method, "conf_level": conf_level, "outputs": results,
               "design_warnings": [{**warning, "samples": spec.samples}] if warning else []}
    write_parquet(path / "sensitivity.parquet", table)
    write_json(path / "sensitivity.json", written)
    if plot:
        figure(method, results, path / "sensitivity.png", conf_level)
    return {**written, "table": table}


def figure(method: str, results: dict[str, dict[str, Any]], out: Path, conf_level: float) -> None:
    from defection.report.figures import pyplot, write_png

    plt = pyplot()
    n = len(results)
    fig, axes = plt.subplots(1, n, figsize=(4.2 * n + 1, 3.6), squeeze=False)
    for ax, (output, r) in zip(axes[0], results.items()):
        names = r["names"]
        y = np.arange(len(names))
        if method == "sobol":
            ax.barh(y - 0.2, r["S1"], 0.4, xerr=r["S1_conf"], label="S1 (first order)", color="#4C72B0")
            ax.barh(y + 0.2, r["ST"], 0.4, xerr=r["ST_conf"], label="ST (total)", color="#DD8452")
            ax.set_xlabel(f"Sobol index ({conf_level:.0%} CI)")
        else:
            ax.barh(y - 0.2, r["mu_star"], 0.4, xerr=r["mu_star_conf"], label="mu* (mean |effect|)", color="#4C72B0")
            ax.barh(y + 0.2, r["sigma"], 0.4, label="sigma (interactions)", color="#DD8452")
            ax.set_xlabel(f"elementary effect ({conf_level:.0%} CI on mu*)")
        ax.set_yticks(y, names, fontsize=8)
        for label in ax.get_yticklabels():  # parameter names: drawn literally
            label.set_parse_math(False)
        ax.invert_yaxis()
        ax.set_title(output, fontsize=10)
        ax.axvline(0, color="grey", lw=0.5)
    axes[0][0].legend(fontsize=8, loc="lower right")
    write_png(fig, out, dpi=110, tight=True)
