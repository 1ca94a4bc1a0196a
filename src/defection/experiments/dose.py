"""The policy check as a dose-response curve: defections and coercive capacity against the monthly budget.

Each budget is run over the same seeds as the status quo without support (a budget of one kyat buys
nothing), so every difference is paired by common random numbers. The tipping region, if there is
one, is the budget interval where the extra defections each extra kyat buys at least double over
the interval before: returns that accelerate, as a cascade would make them (docs/model.md).

``python -m defection.experiments.dose`` writes the README's table and docs/img/dose_response.png.
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
                  overrides: Sequence[str] = (), workers: int = 2, run: Callable | None = None) -> dict[str, np.ndarray]:
    """Outcomes at each budget, shape (budgets, seeds): defections, capacity (share of day 0), money spent.

    ``budgets[0]`` is the comparison for the paired differences (by default, no support).

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

    Returns
    -------
    dict of numpy.ndarray
        ``"budget"`` (shape (budgets,)), and ``"defected"``, ``"capacity"`` and ``"spent"`` (shape
        (budgets, seeds)).
    """
    run = run or _run
    jobs = [(b, s, tuple(overrides)) for b in budgets for s in seeds]
    if workers > 1:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            values = list(pool.map(run, *zip(*jobs)))
    else:
        values = [run(*job) for job in jobs]
    out = np.array(values, dtype=float).reshape(len(budgets), len(seeds), 3)
    return {"budget": np.asarray(budgets, float), "defected": out[..., 0], "capacity": out[..., 1],
            "spent": out[..., 2]}


def paired(curve: dict[str, np.ndarray], name: str, level: float = 0.90) -> np.ndarray:
    """Mean paired difference from the first budget and its t-interval, shape (budgets, 3): mean, low, high."""
    from scipy import stats

    d = curve[name] - curve[name][0]
    n = d.shape[1]
    half = stats.t.ppf(0.5 + level / 2, n - 1) * d.std(axis=1, ddof=1) / np.sqrt(n) if n > 1 else np.zeros(len(d))
    return np.stack([d.mean(axis=1), d.mean(axis=1) - half, d.mean(axis=1) + half], axis=1)


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
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
    for ax, name, label in ((axes[0], "defected", "extra defections (both forces)"),
                            (axes[1], "capacity", "change in coercive capacity (share of day 0)")):
        d = paired(curve, name)[1:]
        ax.plot(budgets, d[:, 0], marker="o", color="#1f5fa8")
        ax.fill_between(budgets, d[:, 1], d[:, 2], alpha=0.25, color="#1f5fa8", label="90% paired interval")
        ax.set_xscale("log")
        ax.set_xlabel("monthly budget, kyat")
        ax.set_ylabel(label)
        region = tipping(curve)
        if region:
            ax.axvspan(*region, color="#d95f02", alpha=0.15, label="tipping region")
        ax.legend(fontsize=8)
    fig.suptitle("Dose-response: support budget against defections and coercive capacity (paired with no support)")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def table(curve: dict[str, np.ndarray]) -> str:
    """The curve as a Markdown table (the README's)."""
    rows = ["| monthly budget (kyat) | extra defections [90%] | capacity change [90%] | spent over the horizon |",
            "| ---: | ---: | ---: | ---: |"]
    d, c = paired(curve, "defected"), paired(curve, "capacity")
    for i, b in enumerate(curve["budget"]):
        rows.append(f"| {b:,.0f} | {d[i, 0]:+,.0f} [{d[i, 1]:+,.0f}, {d[i, 2]:+,.0f}] | "
                    f"{c[i, 0]:+.2%} [{c[i, 1]:+.2%}, {c[i, 2]:+.2%}] | {curve['spent'][i].mean() / 1e9:,.2f} bn |")
    return "\n".join(rows)


if __name__ == "__main__":
    result = dose_response()
    arrays: dict[str, Any] = result
    np.savez("docs/img/dose_response.npz", **arrays)  # the figure's data, to redraw it without rerunning
    print(table(result))
    print("tipping region:", tipping(result))
    print(figure(result, Path("docs/img/dose_response.png")))
