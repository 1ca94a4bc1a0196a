"""``defection sweep``: a design over parameter ranges, R seeds per point, on Dask, resumable."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa

from defection.experiments import design as designs
from defection.experiments import models, runner
from defection.experiments.executor import Outcome, execute
from defection.experiments.plan import Plan, Progress
from defection.experiments.size import Gate, plural, work_of


def plan_sweep(scenario: Any = "myanmar-2021", vary: list[str] | tuple[str, ...] = (), *, design: str = "lhs",
               samples: int = 64, replicates: int = 1, seed: int = 0, days: int | None = None,
               overrides: list[str] | dict[str, Any] | None = None, chunk: int | None = None,
               timeseries: bool = True, model: str = "defection", gate: Gate | None = None) -> Plan:
    """Validate a sweep's specification and return its :class:`Plan` (nothing is run). ``gate`` (a
    :class:`~defection.experiments.size.SizeGate`) is told its size before the design is drawn, and may refuse it."""
    sim = models.get(model)
    if design not in designs.DESIGNS:  # check the cheap things first, so the error names the real problem
        designs.check_design(design, samples, 1, replicates)
    varies = designs.parse_varies(list(vary), sim)
    _refuse_contradictions(varies, days)
    designs.check_design(design, samples, len(varies), replicates)
    if chunk is not None and chunk < 1:
        raise designs.DesignError(f"--chunk {chunk}: a chunk needs at least 1 run.")
    if seed < 0:
        raise designs.DesignError(f"--seed {seed}: seeds are non-negative integers.")
    base = sim.base(scenario, overrides, days)
    if gate is not None:
        n = designs.n_points(design, samples, len(varies))
        gate(work_of("sweep", n * replicates, f"{plural(n, 'point')} of the {design} design x {plural(replicates, 'seed')}",
                     sim.largest_run(base, varies), knob="--samples or --replicates"))
    X = designs.sample(varies, design, samples, seed)
    points = [{v.key: (int(row[j]) if v.integer else float(row[j])) for j, v in enumerate(varies)} for row in X]
    labels = {v.key: (pa.int64() if v.integer else pa.float64(), [p[v.key] for p in points]) for v in varies}
    return Plan(kind="sweep", model=model, base=base, points=points, labels=labels, replicates=replicates,
                seed=seed, seed_by="run", chunk=chunk or sim.default_chunk, timeseries=timeseries and sim.has_timeseries,
                spec={"vary": [v.to_dict() for v in varies], "design": design, "samples": int(samples),
                      "problem": designs.problem(varies)})


def _refuse_contradictions(varies: list[designs.Vary], days: int | None) -> None:
    """Refuse a varied parameter that another option also sets, rather than let one silently win."""
    keys = {v.key for v in varies}
    if "run.days" in keys and days is not None:
        raise designs.DesignError(f"--vary run.days and --days {days} both set the days simulated; give one of them.")
    if "run.seed" in keys:
        raise designs.DesignError("--vary run.seed would be ignored, since every run's seed derives from the sweep's "
                                  "--seed; to see other seeds, raise --replicates or change --seed.")


def sweep(scenario: Any = "myanmar-2021", vary: list[str] | tuple[str, ...] = (), *, out: str | Path | None,
          design: str = "lhs", samples: int = 64, replicates: int = 1, seed: int = 0, days: int | None = None,
          overrides: list[str] | dict[str, Any] | None = None, chunk: int | None = None, timeseries: bool = True,
          model: str = "defection", scheduler: Any = None, workers: int | None = None, force: bool = False,
          progress: Progress | None = None, gate: Gate | None = None) -> Outcome:
    """Run a sweep into ``out`` (or finish an interrupted one) and return its :class:`Outcome`.

    Parameters
    ----------
    scenario : str, pathlib.Path or Scenario, optional
        A built-in scenario's name, a scenario file, or a scenario object (default ``"myanmar-2021"``).
    vary : list of str
        The parameters swept, each ``section.key=lo:hi`` (or ``section.key`` alone, for its
        documented plausible range).
    out : str or pathlib.Path or None
        The results directory; None for ``runs/sweep-<hash>``. A directory holding the same sweep
        is resumed.
    design : str, optional
        ``"lhs"`` (Latin hypercube, the default), ``"sobol"``, ``"morris"`` or ``"grid"``.
    samples : int, optional
        Points of the design (default 64); for ``sobol`` and ``morris``, the base sample size.
    replicates : int, optional
        Runs of each point, with different seeds (default 1).
    seed : int, optional
        The seed of the design and of the runs' seeds (default 0).
    days : int, optional
        Days to simulate; the scenario's ``run.days`` by default.
    overrides : list of str or dict, optional
        Changes to the scenario for every run: ``"section.key=value"`` strings or a dict.
    chunk : int, optional
        Runs per task (part of the plan, so a resume needs the same value).
    timeseries : bool, optional
        Also keep each run's daily series under ``out/timeseries`` (default True).
    model : str, optional
        The model run at each point: ``"defection"`` (the default) or ``"ishigami"`` (a test function).
    scheduler : str or distributed.Client, optional
        A Dask scheduler's address (``tcp://HOST:PORT``) or client; by default an embedded
        LocalCluster of ``workers`` processes.
    workers : int, optional
        Worker processes of the embedded cluster (default: the machine's cores); 0 runs in this
        process without Dask. Results are the same whatever the executor or worker count.
    force : bool, optional
        Replace a non-empty ``out`` that holds something else (default False).
    progress : callable, optional
        ``progress(done, total, failed)``, called as runs finish.
    gate : callable, optional
        Told the sweep's size (a :class:`~defection.experiments.size.Work`) before it starts; it may refuse it by
        raising (the command line's :class:`~defection.experiments.size.SizeGate`).

    Returns
    -------
    Outcome
        Where the results are, how many runs finished, failed and were found already done, the
        summary table (one row a run) and the manifest.

    Examples
    --------
    >>> sweep("myanmar-2021", ["support.protection_capacity=0:200"], design="lhs", samples=16,
    ...       replicates=2, out="runs/sweep1")
    """
    runner.check_connection(scheduler, workers)  # before the size is said: a bad address is the problem to name
    plan = plan_sweep(scenario, vary, design=design, samples=samples, replicates=replicates, seed=seed, days=days,
                      overrides=overrides, chunk=chunk, timeseries=timeseries, model=model, gate=gate)
    return execute(plan, None if out is None else Path(out), force=force, scheduler=scheduler, workers=workers, progress=progress)
