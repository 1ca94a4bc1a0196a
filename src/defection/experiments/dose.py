"""The policy check as a dose-response curve: defections and coercive capacity against the monthly budget.

Each budget is run over the same seeds as *no programmes* (a budget of one kyat buys nothing;
docs/glossary.md), so every difference is paired by common random numbers and measured on the last
day; capacity is a share of day 0, its change in percentage points. The tipping region, if there is
one, is the budget interval where the extra defections each extra kyat buys at least double over
the interval before: returns that accelerate, as a cascade would make them (docs/model.md).

By default the intervals are over seeds only (Monte Carlo noise at the scenario's values). With
``parameter_draws=N`` every budget runs on the same N draws of what the data cannot identify
(:mod:`defection.experiments.uncertainty`), each with the same seeds, and each interval includes the
parameters, with the shares of its variance from the parameters and from the seeds.

``python -m defection.experiments.dose`` writes the README's table and docs/img/dose_response.png;
``--parameter-draws N`` (and ``--posterior DIR``) add the parameters, written beside them with the
suffix ``_draws``.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

NO_SUPPORT = 1.0  # kyat a month: a budget that buys nothing
BUDGETS = (NO_SUPPORT, 1e7, 3e7, 1e8, 3e8, 1e9, 3e9)
TIPPING_FACTOR = 2.0  # returns per kyat that multiply by this from one interval to the next mark a tipping region


def _run(budget: float, seed: int, overrides: tuple[str, ...]):
    from defection import api

    result = api.run("myanmar-2021", seed=seed, threads=1,
                     overrides=[*overrides, f"support.budget_kyat_month={budget!r}"])
    return (result.series("defected")[-1], result.series("coercive_capacity")[-1] / result.series("coercive_capacity")[0],
            result.series("programme_cost")[-1])


def dose_response(budgets: Sequence[float] = BUDGETS, seeds: Sequence[int] = tuple(range(10)),
                  overrides: Sequence[str] = (), workers: int = 2, run: Callable | None = None,
                  parameter_draws: int = 0, posterior: str | Path | None = None,
                  draw_seed: int = 0) -> dict[str, np.ndarray]:
    """Outcomes at each budget, shape (budgets, runs): defections, capacity (share of day 0), money spent.

    ``budgets[0]`` is the comparison for the paired differences (by default, no programmes).

    Parameters
    ----------
    budgets : sequence of float, optional
        Monthly support budgets in kyat (default :data:`BUDGETS`, starting with one that buys nothing).
    seeds : sequence of int, optional
        The seeds each budget is run with, the same for every budget (default 0 to 9).
    overrides : sequence of str, optional
        Changes to the scenario for every run, ``"section.key=value"``.
    workers : int, optional
        Processes the runs are shared among (default 2; 1 runs them in this process).
    run : callable, optional
        ``run(budget, seed, overrides)`` -> (defected, capacity share, spent): one run's outcomes (for tests).
    parameter_draws : int, optional
        0 (default): seeds only. N (at least 2): every budget runs on the same N draws of what the data cannot
        identify (:func:`defection.experiments.uncertainty.parameter_draws`), draw ``j`` with the seeds
        ``seeds`` shifted by ``j * (max(seeds) + 1)``, so that no two draws share a seed.
    posterior : str or pathlib.Path, optional
        With ``parameter_draws``: a calibration whose posterior the draws come from (else a Latin hypercube).
    draw_seed : int, optional
        The seed of the draws (default 0).

    Returns
    -------
    dict of numpy.ndarray
        ``"budget"`` (shape (budgets,)), ``"defected"``, ``"capacity"`` and ``"spent"`` (shape (budgets, runs),
        runs in draw-major order: draw 0's seeds, then draw 1's) and ``"parameter_draws"`` (N, or 0).
    """
    from defection.experiments.uncertainty import check_parameter_draws
    from defection.experiments.draws import parameter_draws as draw_parameters

    run = run or _run
    n_draws = check_parameter_draws(parameter_draws)
    if n_draws:
        from defection import api

        base = api.resolve("myanmar-2021", list(overrides)).model_dump(mode="json")
        draws, _ = draw_parameters(base, n_draws, draw_seed, posterior)
        shift = max(seeds) + 1
        jobs = [(b, s + j * shift, (*overrides, *(f"{k}={v!r}" for k, v in draw.items())))
                for b in budgets for j, draw in enumerate(draws) for s in seeds]
    else:
        jobs = [(b, s, tuple(overrides)) for b in budgets for s in seeds]
    if workers > 1:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            values = list(pool.map(run, *zip(*jobs)))
    else:
        values = [run(*job) for job in jobs]
    out = np.array(values, dtype=float).reshape(len(budgets), len(jobs) // len(budgets), 3)
    return {"budget": np.asarray(budgets, float), "defected": out[..., 0], "capacity": out[..., 1],
            "spent": out[..., 2], "parameter_draws": np.asarray(n_draws)}


def paired(curve: dict[str, np.ndarray], name: str, level: float = 0.90) -> np.ndarray:
    """Mean paired difference from the first budget and its interval, shape (budgets, 3): mean, low, high. Over
    seeds only, a Student t confidence interval; with parameter draws, the interval including the parameters
    (:func:`defection.experiments.uncertainty.decompose`)."""
    from scipy import stats

    d = curve[name] - curve[name][0]
    n_draws = int(curve.get("parameter_draws", 0))
    if n_draws:
        from defection.experiments.uncertainty import by_draw, decompose

        rows = []
        for row in d:
            split = decompose(by_draw(row, n_draws))
            rows.append([split["mean"], split["lo"], split["hi"]])
        return np.array(rows, dtype=float)
    n = d.shape[1]
    half = stats.t.ppf(0.5 + level / 2, n - 1) * d.std(axis=1, ddof=1) / np.sqrt(n) if n > 1 else np.zeros(len(d))
    return np.stack([d.mean(axis=1), d.mean(axis=1) - half, d.mean(axis=1) + half], axis=1)


def parameter_shares(curve: dict[str, np.ndarray], name: str) -> np.ndarray:
    """With parameter draws, the share of each budget's effect interval's variance that comes from the parameters
    (shape (budgets,); NaN where the effect does not vary, and everywhere without draws)."""
    n_draws = int(curve.get("parameter_draws", 0))
    d = curve[name] - curve[name][0]
    if not n_draws:
        return np.full(len(d), np.nan)
    from defection.experiments.uncertainty import by_draw, decompose

    shares = [decompose(by_draw(row, n_draws))["parameter_share"] for row in d]
    return np.array([np.nan if s is None else s for s in shares], dtype=float)


def tipping(curve: dict[str, np.ndarray]) -> tuple[float, float] | None:
    """The budget interval (low, high) where the return on each extra kyat (extra defections per kyat) jumps
    most over the interval before it, if it at least multiplies by ``TIPPING_FACTOR``: returns that accelerate,
    as a cascade would make them. None for returns that are steady or diminishing."""
    budgets, extra = curve["budget"], paired(curve, "defected")[:, 0]
    if len(budgets) < 3:
        return None
    per_kyat = np.diff(extra) / np.diff(budgets)
    with np.errstate(divide="ignore", invalid="ignore"):
        jump = np.where(per_kyat[:-1] > 0, per_kyat[1:] / per_kyat[:-1], 0.0)
    k = int(np.argmax(jump))
    if jump[k] < TIPPING_FACTOR:
        return None
    return float(budgets[k + 1]), float(budgets[k + 2])


def figure(curve: dict[str, np.ndarray], path: Path) -> Path:
    """Extra defections and capacity against the monthly budget (log scale), with 90% bands and the tipping region."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    budgets = curve["budget"][1:]
    draws = int(curve.get("parameter_draws", 0))
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
    for ax, name, label in ((axes[0], "defected", "extra defections (both forces)"),
                            (axes[1], "capacity", "change in coercive capacity (pp of day 0)")):
        d = paired(curve, name)[1:] * (100 if name == "capacity" else 1)
        ax.plot(budgets, d[:, 0], marker="o", color="#1f5fa8")
        ax.fill_between(budgets, d[:, 1], d[:, 2], alpha=0.25, color="#1f5fa8",
                        label="90% interval, with parameter draws" if draws else "90% paired interval, seeds only")
        ax.set_xscale("log")
        ax.set_xlabel("monthly budget, kyat")
        ax.set_ylabel(label)
        region = tipping(curve)
        if region:
            ax.axvspan(*region, color="#d95f02", alpha=0.15, label="tipping region")
        ax.legend(fontsize=8)
    fig.suptitle("Dose-response: support budget against defections and coercive capacity on the last day (paired "
                 "with no programmes" + (f"; {draws} parameter draws)" if draws else "; seeds only)"), fontsize=10)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def table(curve: dict[str, np.ndarray]) -> str:
    """The curve as a Markdown table (the README's): effects on the last day against no programmes; capacity's
    change in percentage points of day 0. With parameter draws, a column of the shares of the defections
    interval's variance from the parameters and from the seeds."""
    draws = int(curve.get("parameter_draws", 0))
    header = ("| monthly budget (kyat) | extra defections [90%] | capacity change, pp of day 0 [90%] | "
              "spent over the horizon |")
    rule = "| ---: | ---: | ---: | ---: |"
    if draws:
        header, rule = header + " defections' variance: parameters / seeds |", rule + " ---: |"
    rows = [header, rule]
    d, c = paired(curve, "defected"), paired(curve, "capacity")
    shares = parameter_shares(curve, "defected")
    for i, b in enumerate(curve["budget"]):
        row = (f"| {b:,.0f} | {d[i, 0]:+,.0f} [{d[i, 1]:+,.0f}, {d[i, 2]:+,.0f}] | "
               f"{100 * c[i, 0]:+.2f} pp [{100 * c[i, 1]:+.2f}, {100 * c[i, 2]:+.2f}] | "
               f"{curve['spent'][i].mean() / 1e9:,.2f} bn |")
        if draws:
            row += (" – |" if np.isnan(shares[i]) else f" {shares[i]:.0%} / {1 - shares[i]:.0%} |")
        rows.append(row)
    return "\n".join(rows)


def main(argv: Sequence[str] | None = None) -> None:
    """``python -m defection.experiments.dose [--parameter-draws N] [--posterior DIR] [--seeds K] [--out DIR]``."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m defection.experiments.dose", description=__doc__.split("\n")[0])
    parser.add_argument("--parameter-draws", type=int, default=0,
                        help="draws of what the data cannot identify, each with the same seeds (0: seeds only)")
    parser.add_argument("--posterior", default=None, help="a defection calibrate directory to draw them from")
    parser.add_argument("--seeds", type=int, default=10, help="seeds (per parameter draw)")
    parser.add_argument("--out", default="docs/img", help="directory of dose_response.npz and .png")
    args = parser.parse_args(argv)
    result = dose_response(seeds=tuple(range(args.seeds)), parameter_draws=args.parameter_draws,
                           posterior=args.posterior)
    suffix = "_draws" if args.parameter_draws else ""
    arrays: dict[str, Any] = result
    np.savez(Path(args.out) / f"dose_response{suffix}.npz", **arrays)  # the figure's data, to redraw it
    print(table(result))
    print("tipping region:", tipping(result))
    print(figure(result, Path(args.out) / f"dose_response{suffix}.png"))


if __name__ == "__main__":
    main()
