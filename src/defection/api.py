"""The library's entry points: scenario in, results out."""
from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from defection import model, scenarios
from defection.model.metrics import breakdowns
from defection.scenarios.schema import Scenario


@dataclass
class Result:
    """One run: daily series, end-of-run summary, the resolved scenario, its seed and a profile."""

    scenario: Scenario
    seed: int
    timeseries: pa.Table
    summary: dict[str, Any]
    profile: list[tuple[str, float, float]] = field(default_factory=list)
    regions: pa.Table | None = None  # per-region daily series (date, region, metrics), if recorded

    def series(self, name: str) -> np.ndarray:
        """One daily series as an array of shape (days,)."""
        return self.timeseries.column(name).to_numpy()

    def save(self, out: Path, plot: bool = True, **manifest_extra: Any) -> Path:
        """Write timeseries.parquet (and regions.parquet if recorded), summary.json, overview.png, then
        manifest.json (last: it marks a complete run)."""
        from defection.engine.outputs import manifest, write_json, write_parquet

        out = Path(out)
        write_parquet(out / "timeseries.parquet", self.timeseries)
        if self.regions is not None:
            write_parquet(out / "regions.parquet", self.regions)
        write_json(out / "summary.json", self.summary)
        if plot:
            from defection.report.overview import overview

            overview(self.timeseries, out / "overview.png", title=f"{self.scenario.name}, seed {self.seed}")
        write_json(out / "manifest.json", manifest("run", self.scenario.model_dump(mode="json"), self.seed,
                                                   days=self.scenario.run.days, **manifest_extra))
        return out


def resolve(scenario: str | Path | Scenario = "myanmar-2021", overrides: list[str] | dict[str, Any] | None = None,
            days: int | None = None, seed: int | None = None) -> Scenario:
    """A validated scenario from a name, path or object, with overrides, days and seed applied."""
    if isinstance(scenario, Scenario):
        sc = scenarios.from_dict(scenario.model_dump(mode="json"), overrides) if overrides else scenario
    else:
        sc = scenarios.load(scenario, overrides)
    extra = {}
    if days is not None:
        extra["run.days"] = days
    if seed is not None:
        extra["run.seed"] = seed
    if extra:
        sc = scenarios.from_dict(sc.model_dump(mode="json"), extra)
    return sc


def run(scenario: str | Path | Scenario = "myanmar-2021", *, seed: int | None = None, days: int | None = None,
        overrides: list[str] | dict[str, Any] | None = None,
        progress: Callable[[int], None] | None = None, threads: int | None = None,
        record_regions: bool = False) -> Result:
    """Simulate a scenario and return its :class:`Result`.

    >>> r = run("myanmar-2021", seed=1, overrides={"support.protection_capacity": 200})
    >>> r.series("defected")[-1]

    ``threads`` sets Numba's thread count for this run; by default one thread per 2 million
    agents (results are identical whatever the count). ``record_regions`` also keeps the daily
    metrics per state/region, as ``Result.regions`` (columns date, region and the metrics).
    """
    sc = resolve(scenario, overrides, days, seed)
    sim = model.build(sc)
    if record_regions:
        from defection.model.metrics import RegionRecorder

        sim.region_recorder = RegionRecorder(sc.run.days, sim.state.region_names)
    with _threads_for(sim, threads):
        sim.run(sc.run.days, progress)
    dates = sim.state.dates[: sim.recorder.filled].astype("datetime64[D]")
    table = sim.recorder.table({"date": pa.array(dates, pa.date32()),
                                "day": np.arange(sim.recorder.filled, dtype=np.int32)})
    regions = sim.region_recorder.table(sim.state.dates) if record_regions else None
    return Result(sc, sc.run.seed, table, summarize(sim, table), sim.profile(), regions)


AGENTS_PER_THREAD = 2_000_000


@contextlib.contextmanager
def _threads_for(sim, threads: int | None):
    """Use Numba's threads only for runs big enough to gain from them.

    A default run's kernels last ~0.1 ms a day; splitting them across threads costs more in
    synchronisation than it saves, and on a busy machine a thread waiting for a core can
    slow a run twenty-fold. Results do not depend on the thread count.
    """
    import numba

    agents = sim.state.officers.n + len(sim.state.civilians.hardship)
    wanted = threads or agents // AGENTS_PER_THREAD
    wanted = max(1, min(numba.config.NUMBA_NUM_THREADS, wanted))
    before = numba.get_num_threads()
    numba.set_num_threads(wanted)
    try:
        yield
    finally:
        numba.set_num_threads(before)


def summarize(sim, table: pa.Table) -> dict[str, Any]:
    final = {name: table.column(name)[-1].as_py() for name in table.column_names if name not in ("date", "day")}
    cap = table.column("coercive_capacity").to_numpy()
    below = np.flatnonzero(cap < 0.5 * cap[0]) if len(cap) else []
    return {
        "scenario": sim.params.name,
        "seed": sim.seed,
        "days": int(table.num_rows),
        "end_date": str(table.column("date")[-1].as_py()) if table.num_rows else None,
        "final": final,
        "coercive_capacity_initial": float(cap[0]) if len(cap) else None,
        "coercive_capacity_min_share": float(cap.min() / cap[0]) if len(cap) else None,
        "day_capacity_below_half": int(below[0]) if len(below) else None,
        **breakdowns(sim.state),
    }
