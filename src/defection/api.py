"""The library's entry points: scenario in, results out."""
from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pyarrow as pa

from defection import model, scenarios
from defection.engine import Simulation
from defection.errors import ResourceError
from defection.model.metrics import breakdowns
from defection.scenarios.schema import Scenario


class Timing(NamedTuple):
    """One mechanism of a day's schedule and the time spent in it over a run (``Result.profile``)."""

    mechanism: str
    seconds: float
    share: float  # of the time spent in all mechanisms, 0 to 1


@dataclass(repr=False)
class Result:
    """One run: daily series, end-of-run summary, the resolved scenario, its seed and a profile.

    Made by :func:`run`; each parameter is kept as the attribute of the same name.

    Parameters
    ----------
    scenario : Scenario
        The scenario as resolved for the run (overrides, days and seed applied).
    seed : int
        The run's seed.
    timeseries : pyarrow.Table
        The daily series: one row a day, columns ``date``, ``day`` and one per metric.
    summary : dict
        The end-of-run summary, as written to ``summary.json``: the last day's value of every
        series (``final``), the breakdowns by force, branch, rank and region, and when coercive
        capacity first fell below half.
    profile : list of Timing, optional
        The day's mechanisms in schedule order as `Timing` records (mechanism, seconds, share);
        ``(mechanism, seconds, share)`` tuples are converted.
    regions : pyarrow.Table or None, optional
        The daily series per state/region (columns ``date``, ``region`` and the metrics), if the
        run recorded them (``run(..., record_regions=True)``).
    """

    scenario: Scenario
    seed: int
    timeseries: pa.Table
    summary: dict[str, Any]
    profile: list[Timing] = field(default_factory=list)
    regions: pa.Table | None = None  # per-region daily series (date, region, metrics), if recorded

    def __post_init__(self) -> None:
        self.profile = [Timing(*entry) for entry in self.profile]

    def __repr__(self) -> str:
        """One line: scenario, seed, days simulated and the last day's defections (not the whole table)."""
        final = self.summary.get("final", {}) if isinstance(self.summary, dict) else {}
        defected = final.get("defected")
        shown = f"{defected:,.0f}" if isinstance(defected, (int, float)) else "?"
        return (f"Result(scenario={self.scenario.name!r}, seed={self.seed}, days={self.timeseries.num_rows}, "
                f"end_date={self.summary.get('end_date')!r}, defected={shown}, "
                f"series={len(self.timeseries.column_names)}, regions={'yes' if self.regions is not None else 'no'})")

    def series(self, name: str) -> np.ndarray:
        """One daily series as an array.

        Parameters
        ----------
        name : str
            A column of `timeseries`, such as ``"defected"`` or ``"coercive_capacity"``.

        Returns
        -------
        numpy.ndarray
            The series, of shape (days,).
        """
        return self.timeseries.column(name).to_numpy()

    def capacity_percent(self, force: str | None = None) -> np.ndarray:
        """Coercive capacity each day as a percentage of day 0, of both forces or of one.

        Coercive capacity is a weighted index (:attr:`capacity_weights`); it is shown as a percentage of its
        baseline, here the run's own day 0 (docs/glossary.md). A change from day 0 is what happened over the
        run, with the scenario's programmes: not a policy's effect, which is the paired difference from another
        run on the same seed.

        Parameters
        ----------
        force : str, optional
            ``"police"`` or ``"army"``; both together by default.

        Returns
        -------
        numpy.ndarray
            Shape (days,), 100 on day 0; NaN every day if the force starts with no capacity.

        Examples
        --------
        >>> r = run("myanmar-2021", days=30)
        >>> r.capacity_percent()[-1], r.capacity_weights
        """
        values = self.series("coercive_capacity" + (f"_{force}" if force else "")).astype(float)
        if not len(values) or values[0] <= 0:
            return np.full(len(values), np.nan)
        return values / values[0] * 100.0

    @property
    def capacity_weights(self) -> dict[str, float]:
        """The weights coercive capacity counts officers with, as this run's scenario sets them: each branch's
        weight of a compliant officer and ``quiet``, a quiet resister's factor
        (:func:`defection.vocabulary.capacity_weights`)."""
        from defection.vocabulary import capacity_weights

        return capacity_weights(self.scenario)

    def to_pandas(self):
        """The daily series as a pandas DataFrame, one row per day, indexed by date (a DatetimeIndex).

        Returns
        -------
        pandas.DataFrame
            The columns of `timeseries` but ``date``, indexed by date.

        Examples
        --------
        >>> df = run("myanmar-2021", days=30).to_pandas()
        >>> df["defected"].plot()
        """
        import pandas as pd

        frame = self.timeseries.to_pandas()
        frame["date"] = pd.to_datetime(frame["date"])
        return frame.set_index("date")

    def by_force(self):
        """The last day's outcomes of each force and of both together, as a small pandas DataFrame.

        Returns
        -------
        pandas.DataFrame
            One row per force the run records (``police``, ``army``) and a ``total`` row; columns
            ``defected``, ``quiet_resisters``, ``caught`` (officers on the last day),
            ``coercive_capacity`` (on the last day) and ``defected_share`` (defectors as a share of the
            force on day 0, 0 to 1). A run of a one-force model has the ``total`` row only.

        See Also
        --------
        to_pandas : the daily series, whose ``<series>_police`` and ``<series>_army`` columns these are.

        Examples
        --------
        >>> table = run("myanmar-2021", days=30).by_force()
        >>> table.loc["army", "defected"], table.loc["total", "defected_share"]
        """
        import pandas as pd

        from defection.scenarios.schema import FORCES

        final, by_force = self.summary["final"], self.summary.get("by_force") or {}
        forces = [force for force in FORCES if f"defected_{force}" in self.timeseries.column_names]
        # officers in each force (fixed over a run: every state counts), and those caught on the last day
        whole = {"force": sum(self.summary.get("states", {}).values()), "caught": final.get("caught")}
        rows = {}
        for force in [*forces, "total"]:
            suffix, counts = ("", whole) if force == "total" else (f"_{force}", by_force.get(force, {}))
            defected, size = final[f"defected{suffix}"], counts.get("force")
            rows[force] = {"defected": defected, "quiet_resisters": final[f"quiet_resisters{suffix}"],
                           "caught": counts.get("caught"), "coercive_capacity": final[f"coercive_capacity{suffix}"],
                           "defected_share": defected / size if size else float("nan")}
        return pd.DataFrame.from_dict(rows, orient="index")

    def save(self, out: Path, plot: bool = True, force: bool = False, **manifest_extra: Any) -> Path:
        """Write timeseries.parquet (and regions.parquet if recorded), summary.json, overview.png and
        manifest.json into ``out``, and return it.

        The directory is complete or absent: the files are written into a staging sibling that then
        replaces ``out`` in one rename (``engine.outputs.results_dir``). A non-empty ``out`` is refused
        unless it is a run directory (its manifest, and only a run's files) and ``force`` is given, which
        replaces it whole, so no file of an earlier run is left beside these; any other directory, or a
        link, is refused whatever ``force`` says.

        Parameters
        ----------
        out : pathlib.Path
            The results directory (created if absent).
        plot : bool, optional
            Draw overview.png (default True).
        force : bool, optional
            Replace ``out`` whole if it is a run directory of ours (default False).
        **manifest_extra
            Further entries of manifest.json (the CLI records ``record=["regions"]``).

        Returns
        -------
        pathlib.Path
            The directory written, ``out``.
        """
        from defection.engine.outputs import manifest, results_dir, write_json, write_parquet

        with results_dir(Path(out), force) as where:
            staging = where.staging
            write_parquet(staging / "timeseries.parquet", self.timeseries)
            if self.regions is not None:
                write_parquet(staging / "regions.parquet", self.regions)
            write_json(staging / "summary.json", self.summary)
            if plot:
                from defection.report.overview import overview

                overview(self.timeseries, staging / "overview.png", title=f"{self.scenario.name}, seed {self.seed}")
            write_json(staging / "manifest.json", manifest("run", self.scenario.model_dump(mode="json"), self.seed,
                                                           days=self.scenario.run.days, **manifest_extra))
        return where.target


def resolve(scenario: str | Path | Scenario = "myanmar-2021", overrides: list[str] | dict[str, Any] | None = None,
            days: int | None = None, seed: int | None = None) -> Scenario:
    """A validated scenario from a name, path or object, with overrides, days and seed applied.

    Parameters
    ----------
    scenario : str, pathlib.Path or Scenario, optional
        A built-in scenario's name, a scenario file, or a scenario object (default ``"myanmar-2021"``).
    overrides : list of str or dict, optional
        Changes to the scenario: ``"section.key=value"`` strings or a ``{"section.key": value}`` dict.
    days : int, optional
        Days to simulate (``run.days``); the scenario's own by default.
    seed : int, optional
        The seed (``run.seed``); the scenario's own by default.

    Returns
    -------
    Scenario
        The validated scenario. A bad value raises :class:`~defection.errors.ScenarioError` naming
        the key and what it must be.
    """
    if isinstance(scenario, Scenario):
        sc = scenarios.from_dict(scenario.model_dump(mode="json"), overrides) if overrides else scenario
    else:
        sc = scenarios.load(scenario, overrides)
    extra, sources = {}, {}
    if days is not None:
        extra["run.days"], sources["run.days"] = days, f"--days {days}"
    if seed is not None:
        extra["run.seed"], sources["run.seed"] = seed, f"--seed {seed}"
    if extra:  # an invalid days or seed is blamed on the option, not on the scenario
        data = sc.model_dump(mode="json")
        data["run"].update({key.split(".")[1]: value for key, value in extra.items()})
        sc = scenarios.from_dict(data, origin=f"scenario '{sc.name}'", sources=sources)
    return sc


def run(scenario: str | Path | Scenario = "myanmar-2021", *, seed: int | None = None, days: int | None = None,
        overrides: list[str] | dict[str, Any] | None = None,
        progress: Callable[[int], None] | None = None, threads: int | None = None,
        record_regions: bool = False, on_day: Callable[[int, Any], None] | None = None) -> Result:
    """Simulate a scenario and return its `Result`.

    Parameters
    ----------
    scenario : str, pathlib.Path or Scenario, optional
        A built-in scenario's name, a scenario file, or a scenario object (default ``"myanmar-2021"``).
    seed : int, optional
        The seed; the scenario's ``run.seed`` by default. Runs with the same scenario and seed give
        identical results.
    days : int, optional
        Days to simulate; the scenario's ``run.days`` by default.
    overrides : list of str or dict, optional
        Changes to the scenario: ``"section.key=value"`` strings or a ``{"section.key": value}`` dict.
    progress : callable, optional
        ``progress(day)``, called after each simulated day with the number of days done.
    threads : int, optional
        Numba's thread count for this run; by default one thread per 2 million agents (results are
        identical whatever the count).
    record_regions : bool, optional
        Also keep the daily metrics per state/region, as ``Result.regions`` (columns date, region and
        the metrics). Default False.
    on_day : callable, optional
        ``on_day(day, sim)``, called after each simulated day with the running simulation (the
        dashboard draws the series recorded so far).

    Returns
    -------
    Result
        The run's daily series, summary, resolved scenario, seed and profile.

    Examples
    --------
    >>> r = run("myanmar-2021", seed=1, overrides={"support.protection_capacity": 200})
    >>> r.series("defected")[-1]
    """
    sc = resolve(scenario, overrides, days, seed)
    check_memory(sc)
    sim = model.build(sc)
    if record_regions:
        from defection.model.metrics import RegionRecorder

        sim.region_recorder = RegionRecorder(  # type: ignore[attr-defined]  # optional: read with getattr
            sc.run.days, sim.state.region_names)
    def after_day(day: int) -> None:
        if progress is not None:
            progress(day)
        if on_day is not None:
            on_day(day, sim)

    with _threads_for(sim, threads):
        sim.run(sc.run.days, after_day if progress is not None or on_day is not None else None)
    return result_of(sc, sim)


def result_of(sc: Scenario, sim: Simulation[Scenario]) -> Result:
    """The `Result` of ``sim``, a simulation of ``sc`` that has run its days (regions if it recorded them)."""
    dates = sim.state.dates[: sim.recorder.filled].astype("datetime64[D]")
    table = sim.recorder.table({"date": pa.array(dates, pa.date32()),
                                "day": np.arange(sim.recorder.filled, dtype=np.int32)})
    recorder = getattr(sim, "region_recorder", None)
    regions = recorder.table(sim.state.dates) if recorder is not None else None
    return Result(sc, sc.run.seed, table, summarize(sim, table), [Timing(*entry) for entry in sim.profile()], regions)


# Memory of a run (docs/performance.md, "the per-agent byte budget"): the model's arrays per agent, and
# the interpreter with NumPy, Numba's compiled kernels, pyarrow and SciPy (245 MiB measured).
BYTES_PER_CIVILIAN_AGENT = 11  # hardship, risk aversion (float32), jailed_until (int16), active (uint8)
BYTES_PER_OFFICER = 59  # the officers' 21 attribute arrays
BYTES_BASE = 256 * 2**20


def agent_count(sc: Scenario) -> tuple[int, int]:
    """(officers of both forces, civilian agents) of a run: police officers and soldiers share one officer
    array; one civilian agent per ``run.scale`` people, at least one per township (as
    ``model.population.build_civilians`` makes them)."""
    from defection.model.geography import myanmar

    people = myanmar().township_population
    army = getattr(sc, "army", None)
    officers = int(sc.force.n_officers) + (int(army.n_soldiers) if army is not None else 0)
    return officers, int(np.maximum(1, np.round(people / sc.run.scale)).sum())


def memory_need(sc: Scenario) -> int:
    """Bytes a run of ``sc`` needs at least: the interpreter and the agents' arrays (per-day records are small)."""
    officers, civilians = agent_count(sc)
    return BYTES_BASE + officers * BYTES_PER_OFFICER + civilians * BYTES_PER_CIVILIAN_AGENT


def memory_limit() -> int | None:
    """Bytes of memory this process may use: the machine's physical memory, or its container's (cgroup) limit
    if lower; None where neither can be read."""
    limits = []
    with contextlib.suppress(ValueError, OSError, AttributeError):
        limits.append(os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    for path in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        with contextlib.suppress(ValueError, OSError):
            limits.append(int(Path(path).read_text().strip()))  # "max" (no limit) raises ValueError
    return min(limits) if limits else None


def check_memory(sc: Scenario) -> None:
    """Refuse, before anything is allocated, a run that needs more memory than the machine has."""
    need, limit = memory_need(sc), memory_limit()
    if limit is not None and need > limit:
        officers, civilians = agent_count(sc)
        raise ResourceError(
            f"scenario '{sc.name}' needs about {need / 2**30:,.1f} GiB of memory ({officers:,} officers and "
            f"{civilians:,} civilian agents at run.scale = {sc.run.scale:,}, {BYTES_PER_OFFICER} and "
            f"{BYTES_PER_CIVILIAN_AGENT} bytes each, plus {BYTES_BASE / 2**20:,.0f} MiB for the program), but this "
            f"machine has {limit / 2**30:,.1f} GiB. Raise run.scale (people per civilian agent) or lower "
            f"force.n_officers or army.n_soldiers.")


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
    below = np.flatnonzero(cap < 0.5 * cap[0]) if len(cap) else np.empty(0, np.intp)
    return {
        "scenario": sim.params.name,
        "seed": sim.seed,
        "days": int(table.num_rows),
        "end_date": str(table.column("date")[-1].as_py()) if table.num_rows else None,
        "final": final,
        "coercive_capacity_initial": float(cap[0]) if len(cap) else None,
        # None, not NaN, when the force starts with no coercive capacity (all effectiveness weights 0)
        "coercive_capacity_min_share": float(cap.min() / cap[0]) if len(cap) and cap[0] > 0 else None,
        "day_capacity_below_half": int(below[0]) if len(below) else None,
        **breakdowns(sim.state, sim.params),
    }
