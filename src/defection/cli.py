"""The ``defection`` command line. Bad input exits with code 2 and one paragraph, never a traceback."""
from __future__ import annotations

import datetime as dt
import errno
import os
import sys
import warnings
from pathlib import Path
from typing import Any, Optional

import typer
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, ProgressColumn, Task, TaskID, TimeElapsedColumn,
                           TimeRemainingColumn)
from rich.table import Table
from rich.text import Text

from defection.errors import DefectionError, DiskFullError, disk_full, shorten
from defection.terminal import TextConsole, line, printable, styled, text_column

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Simulate how a security force splits under repression.")
# Every console prints text, never markup: user text in a message, a table or a bar is shown, not obeyed
# (defection.terminal.TextConsole). Results go to stdout, messages and bars to stderr.
console = TextConsole(stderr=True)



def _show_version(value: bool) -> None:
    """``--version``: the package version, and the git commit when running from a checkout."""
    if not value:
        return
    from defection import __version__
    from defection.engine.outputs import git_commit

    commit = git_commit()
    TextConsole(highlight=False).print(f"defection {__version__}" + (f" (git {commit})" if commit else ""))
    raise typer.Exit()


@app.callback()
def _group(
    version: bool = typer.Option(False, "--version", callback=_show_version, is_eager=True,
                                 help="Print the version (and git commit) and exit."),
) -> None:
    """Simulate how a security force splits under repression."""


COMPILING = "compiling (once, about 40 s)"


class _CompileNotice:
    """Say "compiling (once, about 40 s)" while Numba compiles a kernel: on the progress bar in a terminal,
    else as one plain line on stderr (a log or CI job would otherwise see some 40 s of silence).

    It listens to Numba's ``numba:compile`` event, which fires only for a real compilation (not for a
    kernel loaded from Numba's disk cache), so the words appear only when compiling is happening. On the
    bar they stay until the next step completes (:meth:`step_done`), so that a chain of kernels compiled
    one after the other does not make the bar flicker; the plain line is written once.
    """

    def __init__(self, bar: Progress, task) -> None:
        self.bar, self.task = bar, task
        self.description: Optional[str] = None  # the bar's own words while the notice is shown
        self.said_plainly = False

    def __enter__(self) -> "_CompileNotice":
        from numba.core import event

        notice = self

        class Listener(event.Listener):
            def on_start(self, _event) -> None:
                notice._compiling()

            def on_end(self, _event) -> None:
                pass

        self._listener = Listener()
        event.register("numba:compile", self._listener)
        return self

    def __exit__(self, *exc) -> None:
        from numba.core import event

        event.unregister("numba:compile", self._listener)

    def _compiling(self) -> None:
        if not self.bar.console.is_terminal:
            if not self.said_plainly:  # no bar is drawn here, and a log wants no control sequences
                self.said_plainly = True
                print(f"defection: {COMPILING}", file=sys.stderr, flush=True)
            return
        if self.description is None:
            self.description = self.bar.tasks[self._index()].description
            self.bar.update(self.task, description=COMPILING)

    def step_done(self) -> None:
        """A step (a day, or a classic model's step) completed: compiling, if any, is over for now."""
        if self.description is not None:
            self.bar.update(self.task, description=self.description)
            self.description = None

    def _index(self) -> int:
        return [t.id for t in self.bar.tasks].index(self.task)


SetOption = typer.Option(None, "--set", help="Override a parameter: section.key=value (repeatable).")
YesOption = typer.Option(False, "--yes", help="Start a job of more than 100,000 runs, which is refused without it "
                                              "(a job needing more memory than the machine has is refused anyway).")


def _size_gate(yes: bool, workers: Optional[int] = None, scheduler: Optional[str] = None):
    """What a command gives its library function as ``gate``: says the job's size on stderr before it starts
    (runs, estimated time, memory), and refuses it over the limits (defection.experiments.size)."""
    from defection.experiments.size import SizeGate

    return SizeGate(workers, scheduler, confirmed=yes,
                    say=lambda sentence: console.print(sentence, soft_wrap=True, highlight=False))


def progress_bar(unit: str) -> Progress:
    """A bar of ``unit`` done. Every bar is drawn only on a terminal: in a log it would leave an empty line."""
    return Progress(text_column("{task.description}", "bold"), BarColumn(), MofNCompleteColumn(),
                    text_column(unit),
                    TimeElapsedColumn(), TimeRemainingColumn(), console=console, transient=True,
                    disable=not console.is_terminal)


class EtaFromAllSoFar(ProgressColumn):
    """Time left at the mean pace of every evaluation run since the bar started (those a resumed search found
    done excluded). Rich's own estimate looks back 30 s only, less than one batch of model runs can take, so it
    would show nothing for most of a search."""

    def render(self, task: Task) -> Text:
        ran = task.completed - task.fields.get("resumed", 0)
        if task.finished:
            return Text("0:00:00", style="progress.remaining")
        if ran <= 0 or not task.elapsed or task.total is None:
            return Text("-:--:--", style="progress.remaining")
        seconds = task.elapsed * (task.total - task.completed) / ran
        return Text(str(dt.timedelta(seconds=round(seconds))), style="progress.remaining")


def evaluations_bar() -> Progress:
    """The optimiser's bar: evaluations (a candidate on a draw) done of the search's total, and the time left."""
    return Progress(text_column("{task.description}", "bold"), BarColumn(), MofNCompleteColumn(),
                    text_column("evaluations"), TimeElapsedColumn(), EtaFromAllSoFar(), console=console,
                    transient=True, disable=not console.is_terminal)


def _evaluations_progress(bar: Progress, task: TaskID):
    """A ``progress(done, total)`` for the optimiser: its first call says what a resumed search found done, and
    starts the clock (after the workers are up), so that the time estimate counts only the runs made now."""
    def update(done: int, total: int) -> None:
        if not next(t for t in bar.tasks if t.id == task).started:
            bar.start_task(task)
            bar.update(task, resumed=done)
        bar.update(task, completed=done, total=total)

    return update


MAX_SEED = 2**63 - 1  # seeds are unsigned 64-bit stream keys; the schema's run.seed allows the same range


def _check_seed(seed: Optional[int]) -> None:
    """Refuse a --seed outside 0..MAX_SEED, for every command that takes one, before anything runs."""
    if seed is not None and not 0 <= seed <= MAX_SEED:
        raise DefectionError(f"--seed {seed}: a seed is an integer from 0 to {MAX_SEED:,}.")


def _check_run_options(scenario: str, classic: bool, *, days, steps, seed, scale, sets, from_manifest) -> None:
    """Refuse options ``run`` would otherwise ignore silently, and a negative seed, before anything runs."""
    _check_seed(seed)
    if from_manifest is not None:
        given = [name for name, value in (("--days", days), ("--steps", steps), ("--seed", seed), ("--scale", scale))
                 if value is not None] + (["--set"] if sets else [])
        if given:
            raise DefectionError(f"--from re-runs the manifest's job exactly, so {' and '.join(given)} cannot be "
                                 "combined with it. To change the job, run its scenario with those options instead.")
    elif classic and (days is not None or scale is not None):
        raise DefectionError(f"{scenario} is a classic model: it counts --steps, not --days, and has no --scale. "
                             f"Use --steps N.")
    elif not classic and steps is not None:
        raise DefectionError(f"--steps is for the classic models ({', '.join(_classic_names())}); {scenario} counts "
                             "days: use --days N.")


def _classic_names() -> list[str]:
    try:
        from defection.classic import CLASSIC
    except ImportError:
        return []
    return sorted(CLASSIC)


def _check_workers(workers: Optional[int], minimum: int) -> None:
    """Refuse a number of worker processes below ``minimum`` (0 for the commands that can run in-process)."""
    if workers is not None and workers < minimum:
        allowed = "0 (runs in this process) or more" if minimum == 0 else "1 or more"
        raise DefectionError(f"--workers {workers}: give {allowed} local worker processes.")


@app.command()
def run(
    scenario: str = typer.Argument("myanmar-2021", help="Built-in scenario name or path to a .toml file."),
    days: Optional[int] = typer.Option(None, help="Days to simulate (default: the scenario's, 730)."),
    steps: Optional[int] = typer.Option(None, help="Steps, for the classic models (epstein, granovetter-network)."),
    seed: Optional[int] = typer.Option(None, help="Run seed (default: the scenario's, 0)."),
    scale: Optional[int] = typer.Option(None, help="People per civilian agent; 1 is full scale."),
    out: Optional[Path] = typer.Option(None, help="Output directory (default: runs/<timestamp>)."),
    sets: Optional[list[str]] = SetOption,
    from_manifest: Optional[Path] = typer.Option(None, "--from", help="Re-run exactly the job in this manifest.json."),
    force: bool = typer.Option(False, help="Replace the results this command wrote earlier in --out (never a "
                                            "directory it did not write)."),
    profile: bool = typer.Option(False, help="Print the day's schedule with the time spent in each mechanism."),
    record_outputs: Optional[list[str]] = typer.Option(None, "--record", help="Extra output (repeatable): regions "
                                                       "writes per-region daily series to regions.parquet."),
    units: str = typer.Option("percent", help="Coercive capacity as a percentage of day 0 (percent), or with its "
                                              "index units (the weighted count) on day 0 and the last day too "
                                              "(index)."),
) -> None:
    """Run one simulation and write timeseries.parquet, summary.json, overview.png and manifest.json."""
    if units not in UNITS:
        raise DefectionError(f"--units {units!r}: give percent (coercive capacity as a percentage of day 0) or index "
                             "(its index units too).")
    _check_run_options(scenario, from_manifest is None and _is_classic(scenario), days=days, steps=steps, seed=seed,
                       scale=scale, sets=sets, from_manifest=from_manifest)
    from defection.engine.outputs import results_dir

    if from_manifest is None and _is_classic(scenario):
        _run_classic(scenario, steps, seed, out, sets or [], force)
        return
    from defection import api, scenarios

    if from_manifest is not None:
        from defection.engine.readback import read_run_manifest

        record = read_run_manifest(from_manifest, label=f"--from {from_manifest}")
        sc = scenarios.from_dict(record.scenario, origin=f"scenario in {from_manifest}")
        sc = api.resolve(sc, seed=record.seed)
        record_outputs = record_outputs or list(record.record)
    else:
        overrides = list(sets or [])
        if scale is not None:
            overrides.append(f"run.scale={scale}")
        sc = api.resolve(scenario, overrides, days=days, seed=seed)
    unknown = sorted(set(record_outputs or []) - {"regions"})
    if unknown:
        raise DefectionError(f"--record {unknown[0]}: unknown output. The one extra output is: regions.")
    regions = "regions" in (record_outputs or [])
    agents = _agent_count(sc)
    # --out is locked and checked before the run; the results appear there whole, or not at all (Ctrl-C, error)
    with results_dir(out, force) as where:
        with _run_progress_bar() as bar:
            task = bar.add_task(f"{sc.name} seed {sc.run.seed}, {agents:,} agents", total=sc.run.days, rate="")
            with _CompileNotice(bar, task) as notice:
                result = api.run(sc, progress=_rate_updater(bar, task, agents, notice), record_regions=regions)
        extra: dict[str, Any] = {"record": ["regions"]} if regions else {}
        result.save(where.staging, **extra)
    _print_summary(result, where.target, index=units == "index")
    if profile:
        _print_profile(result.profile)


def _agent_count(sc) -> int:
    """Officers plus civilian agents (one per ``run.scale`` people, at least one per township)."""
    from defection.api import agent_count

    return sum(agent_count(sc))


def _run_progress_bar() -> Progress:
    """The ``run`` command's bar: days done, then days/s and agent-steps/s (agents x days per second)."""
    return Progress(text_column("{task.description}", "bold"), BarColumn(), MofNCompleteColumn(), text_column("days"),
                    text_column("{task.fields[rate]}"), TimeElapsedColumn(), TimeRemainingColumn(), console=console,
                    transient=True, disable=not console.is_terminal)


def _rate_updater(bar: Progress, task, agents: int, notice: Optional[_CompileNotice] = None):
    import time

    start: list[float] = []

    def update(day: int) -> None:
        if notice is not None:
            notice.step_done()
        now = time.perf_counter()
        if not start:  # rates count from the end of day 1, so that building and compiling are left out
            start.extend((now, day))
        elapsed, done = now - start[0], day - start[1]
        rate = f"{done / elapsed:.2f} days/s, {agents * done / elapsed:,.0f} agents/s" if elapsed > 0 and done else ""
        bar.update(task, completed=day, rate=rate)

    return update


DIIS_COMMAND = "defection compare --preset diis-policy"  # the comparison with no programmes a run's note names
UNITS = ("percent", "index")  # run --units: coercive capacity as a percentage of day 0, or with its index units


def _print_summary(result, out: Path, index: bool = False) -> None:
    """The run's last day: defections, quiet resisters and coercive capacity (percent of day 0; with ``index``
    its index units too) for each force the series record and in total, then the other outcomes; under the
    table, what the changes are measured from (day 0 of this run, with the scenario's programmes) and what
    coercive capacity counts (docs/glossary.md)."""
    from defection.i18n import fmt_date
    from defection.vocabulary import capacity_weights_text

    f = result.summary["final"]
    start = result.scenario.run.start
    end = result.summary["end_date"]
    table = Table(title=f"{printable(result.scenario.name)}, seed {result.seed}, {fmt_date(start)} to "
                        f"{fmt_date(end)}, with the scenario's programmes")
    forces = _forces(result.timeseries.column_names)
    table.add_column("outcome")
    for col in (*forces, "total"):
        table.add_column(col, justify="right")
    for label, row in _force_rows(result.timeseries, forces, index):
        table.add_row(label, *row)
    by_force = result.summary.get("by_force") or {}
    for key in ("caught", "civilians_killed", "civilians_arrested", "civilians_armed", "programme_cost"):
        if key in f:
            per_force = [_number(by_force[force][key], ",.0f") if key in by_force.get(force, {}) else ""
                         for force in forces]
            table.add_row(key.replace("_", " ") + (" (kyat)" if key == "programme_cost" else ""), *per_force,
                          _number(f[key], ",.0f") if isinstance(f[key], (int, float)) else str(f[key]))
    if isinstance(f.get("programme_cost"), (int, float)):
        _add_usd_row(table, f["programme_cost"], [by_force.get(force, {}).get("programme_cost") for force in forces])
    TextConsole().print(table)
    from defection.i18n import t

    cost = f.get("programme_cost")
    spent = _mkyat_usd(cost, " M kyat") if isinstance(cost, (int, float)) else "-"
    TextConsole().print(t("vocab.run_note").format(cost=spent, start=fmt_date(start), end=fmt_date(end),
                                                   command=DIIS_COMMAND), highlight=False)
    TextConsole().print(capacity_weights_text(result.scenario) + " " + t("vocab.glossary"), highlight=False)
    TextConsole().print(f"results in {printable(out)}")


def _add_usd_row(table, total: float, per_force: list[Any]) -> None:
    """The programme cost in US dollars under its kyat row, the rate and its date in the table's caption."""
    from defection.currency import rate_note, usd

    table.add_row("  in US$", *[usd(v) if isinstance(v, (int, float)) else "" for v in per_force], usd(total))
    table.caption = f"US$ at {rate_note()}"


def _forces(columns: list[str]) -> tuple[str, ...]:
    """The forces the series break down by (``defected_police``, ...); none for a one-force model."""
    from defection.scenarios.schema import FORCES

    return tuple(force for force in FORCES if f"defected_{force}" in columns)


def _force_of(branch: str) -> str | None:
    """The force a branch belongs to, from the scenario schema (None for a branch it does not know)."""
    from defection.scenarios.schema import BRANCH_FORCE, BRANCHES, FORCES

    return FORCES[BRANCH_FORCE[BRANCHES.index(branch)]] if branch in BRANCHES else None


def _force_rows(table, forces: tuple[str, ...], index: bool = False) -> list[tuple[str, list[str]]]:
    """Rows of the run summary: per force, then total, of the last day's defections, their branches, quiet
    resisters and coercive capacity as a percentage of day 0 (with ``index``, its index units on day 0 and on the
    last day below)."""
    names = table.column_names
    last = lambda column: table.column(column)[-1].as_py()
    rows = []
    for series, label in (("defected", "defected"), ("quiet_resisters", "quiet resisters")):
        rows.append((label, [_number(last(f"{series}_{force}"), ",.0f") for force in forces]
                     + [_number(last(series), ",.0f")]))
        if series == "defected":  # the branches, each in its force's column (in total for a one-force model)
            for branch in _branches(names):
                value, force = _number(last(f"defected_{branch}"), ",.0f"), _force_of(branch)
                cells = [value if f == force else "" for f in forces]
                rows.append((f"  {branch.replace('_', ' ')}", cells + ["" if force in forces else value]))
    from defection.vocabulary import capacity_percent

    capacities = [f"coercive_capacity_{force}" for force in forces] + ["coercive_capacity"]
    daily = [table.column(column).to_numpy().astype(float) for column in capacities]
    rows.append(("coercive capacity on the last day, % of day 0",
                 [capacity_percent(v[-1], v[0]) if len(v) else "-" for v in daily]))
    if index:
        rows.append(("  index units, day 0", [_number(v[0], ",.0f") if len(v) else "-" for v in daily]))
        rows.append(("  index units, last day", [_number(v[-1], ",.0f") if len(v) else "-" for v in daily]))
    return rows


def _branches(columns: list[str]) -> list[str]:
    """The branches the series record (``defected_<branch>``), never a hard-coded list."""
    from defection.scenarios.schema import FORCES

    forces = {f"defected_{force}" for force in FORCES}
    return [c.removeprefix("defected_") for c in columns if c.startswith("defected_") and c not in forces]


def _print_profile(profile) -> None:
    table = Table(title="schedule of a day, with time spent")
    for col in ("#", "mechanism", "seconds", "share"):
        table.add_column(col, justify="right" if col != "mechanism" else "left")
    for k, (name, seconds, share) in enumerate(profile, 1):
        table.add_row(str(k), name, f"{seconds:.3f}", f"{share:.0%}")
    TextConsole().print(table)


def _is_classic(name: str) -> bool:
    try:
        from defection.classic import CLASSIC
    except ImportError:
        return False
    return name in CLASSIC


def _run_classic(name: str, steps: Optional[int], seed: Optional[int], out: Optional[Path], sets: list[str],
                 force: bool) -> None:
    from defection.classic import run_classic
    from defection.engine.outputs import results_dir
    from defection.scenarios import parse_override

    settings = {}
    for item in sets:
        key, _ = parse_override(item)
        settings[key] = item.split("=", 1)[1].strip()
    n_steps = steps if steps is not None else 200
    with results_dir(out, force) as where:
        with progress_bar("steps") as bar:
            task = bar.add_task(f"{name} seed {seed or 0}", total=n_steps)
            with _CompileNotice(bar, task) as notice:
                def advance(step: int) -> None:
                    notice.step_done()
                    bar.update(task, completed=step)

                summary = run_classic(name, n_steps, seed or 0, settings, where.staging, progress=advance)
        _classic_overview(where.staging / "timeseries.parquet", where.staging / "overview.png",
                          title=f"{name}, seed {seed or 0}")
    _print_classic_summary(summary, where.target)


def _classic_overview(timeseries: Path, path: Path, title: str) -> None:
    """A classic run's series against its step, one line each, saved as ``path`` (names drawn as plain text)."""
    import pyarrow.parquet as pq

    from defection.report.figures import pyplot, write_png

    table = pq.read_table(timeseries)
    steps = table.column("step").to_numpy()
    fig, ax = pyplot().subplots(figsize=(7, 3.8))
    for name in table.column_names:
        if name != "step":
            ax.plot(steps, table.column(name).to_numpy(), lw=1.2, label=name.replace("_", " "))
    ax.set_xlabel("step")
    ax.set_ylabel("agents")
    ax.set_title(title, fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    write_png(fig, path, tight=True)


def _print_classic_summary(summary: dict, out: Path) -> None:
    """A classic run's summary as a table of named values, like ``run`` prints for a scenario."""
    table = Table(title=f"{summary['model']}, {summary['steps']:,} steps")
    table.add_column("outcome")
    table.add_column("value", justify="right")
    for key, value in summary.items():
        if key in ("model", "steps"):
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            text = str(value).lower() if isinstance(value, bool) else str(value)
        elif isinstance(value, int):
            text = f"{value:,}"
        else:
            text = f"{value:,.4g}"
        table.add_row(key.replace("_", " "), text)
    TextConsole().print(table)
    TextConsole().print(f"results in {printable(out)} (timeseries.parquet, summary.json, overview.png, manifest.json)")


# --- calibration and forecasts (experiments/calibration.py) ---------------------------------


@app.command()
def calibrate(
    scenario: str = typer.Argument("myanmar-2021", help="Built-in scenario name or path to a .toml file."),
    data: str = typer.Option("myanmar-2021-early", help="Shipped data set name or a CSV (date,series,value,bound)."),
    fit: Optional[list[str]] = typer.Option(None, help="Parameter to fit: section.key=lo:hi, or section.key for its "
                                                         "documented range (repeatable; default: the six "
                                                         "AAPP-tuned parameters)."),
    population: int = typer.Option(150, help="Particles per generation."),
    generations: int = typer.Option(5, help="ABC-SMC generations."),
    out: Optional[Path] = typer.Option(None, help="Output directory; re-run the same command to resume."),
    seed: int = typer.Option(0, help="Calibration seed."),
    workers: Optional[int] = typer.Option(None, help="Local processes (default: all cores; 1 is fully deterministic)."),
    scheduler: Optional[str] = typer.Option(None, help="Dask scheduler address (tcp://HOST:PORT) to sample on."),
    sets: Optional[list[str]] = SetOption,
    yes: bool = YesOption,
) -> None:
    """Fit parameters to observed series with ABC-SMC (pyabc); resumable from its SQLite history."""
    _check_workers(workers, minimum=1)
    _check_seed(seed)
    from defection.experiments.calibration import calibrate as run_calibration

    out = out or Path("runs") / f"calibration-{_stamp()}"
    with calibration_bar() as bar:
        task = bar.add_task("ABC-SMC", total=generations, count=f"0/{generations} generations")
        summary = run_calibration(scenario, data, list(fit or []), population, generations, out, seed=seed,
                                  workers=workers, scheduler=scheduler, overrides=list(sets or []),
                                  progress=lambda t, eps: bar.update(task, completed=t,
                                                                     description=f"ABC-SMC eps={eps:.3f}",
                                                                     count=f"{t}/{generations} generations"),
                                  finishing=_finishing_progress(bar),
                                  gate=_size_gate(yes, 0 if workers == 1 else workers, scheduler))
    table = Table(title=f"posterior after {summary['generations']} generations, "
                        f"{summary['simulations']:,} simulations (epsilon {summary['epsilon']:.3f})")
    for col in ("parameter", "median", "5%", "95%", "prior"):
        table.add_column(col, justify="left" if col == "parameter" else "right")
    for key, s in summary["posterior"].items():
        table.add_row(key, f"{s['median']:.4g}", f"{s['q05']:.4g}", f"{s['q95']:.4g}",
                      f"{s['prior_lo']:.4g} to {s['prior_hi']:.4g}")
    TextConsole().print(table)
    TextConsole().print(f"results in {printable(out)}")
    _print_design_warnings(summary.get("design_warnings"))


def calibration_bar() -> Progress:
    """calibrate's bar: one line for the generations, then one for what is written after the last of them."""
    return Progress(text_column("{task.description}", "bold"), BarColumn(), text_column("{task.fields[count]}"),
                    TimeElapsedColumn(), TimeRemainingColumn(), console=console, transient=True,
                    disable=not console.is_terminal)


def _finishing_progress(bar: Progress):
    """A ``finishing(what, done, total)`` for calibrate: after the last generation, a second line says what is
    being written (and counts the posterior draws simulated for the fit figure), not most of a minute of nothing."""
    tasks: list[TaskID] = []

    def update(what: str, done: int, total: Optional[int]) -> None:
        if not tasks:
            tasks.append(bar.add_task(what, total=total, count=""))
        bar.update(tasks[0], description=f"{what}…", completed=done, total=total,
                   count=f"{done}/{total} draws" if total else "")

    return update


@app.command()
def forecast(
    calibration: Path = typer.Argument(..., help="A calibration directory written by `defection calibrate`."),
    until: Optional[str] = typer.Option(None, help="Last day to forecast (YYYY-MM-DD; default: the last day of "
                                                   "the calibrated scenario, its horizon)."),
    draws: int = typer.Option(100, help="Posterior draws, one simulation each."),
    out: Optional[Path] = typer.Option(None, help="Output directory (default: runs/forecast-<timestamp>)."),
    seed: int = typer.Option(0, help="Seed for drawing particles and runs."),
    force: bool = typer.Option(False, help="Replace the results this command wrote earlier in --out (never a "
                                            "directory it did not write)."),
    yes: bool = YesOption,
    parameter_draws: int = typer.Option(0, "--parameter-draws", help="Share the --draws runs among N parameter "
                                        "draws (a posterior particle with the unfitted parameters the data cannot "
                                        "identify), to tell their share of the bands from the seeds' (0: one "
                                        "particle per run)."),
) -> None:
    """Simulate from posterior draws; write forecast.parquet (quantiles by date and series) and forecast.png."""
    _check_seed(seed)
    from defection.engine.outputs import results_dir
    from defection.experiments.calibration import FORECAST_LAYOUT, forecast as run_forecast

    try:
        last = None if until is None else dt.date.fromisoformat(until)
    except ValueError:
        raise DefectionError(f"--until {until!r} is not a date; use YYYY-MM-DD, e.g. 2023-01-31.") from None
    with results_dir(out or Path("runs") / f"forecast-{_stamp()}", force, layout=FORECAST_LAYOUT) as where, \
            progress_bar("draws") as bar:
        task = bar.add_task("forecast", total=draws)
        with _CompileNotice(bar, task) as notice:
            def advance(done: int) -> None:
                notice.step_done()
                bar.update(task, completed=done)

            table = run_forecast(calibration, last, draws, where.staging, seed=seed, progress=advance,
                                 gate=_size_gate(yes), parameter_draws=parameter_draws)
    TextConsole().print(f"{table.num_rows:,} rows (date x series) in {printable(where.target / 'forecast.parquet')}")
    if "parameter_share" in table.column_names:
        _print_forecast_shares(table, parameter_draws, draws // parameter_draws)


def _print_forecast_shares(table, n_draws: int, seeds: int) -> None:
    """On the forecast's last day, the share of each band's variance from the parameter draws and from the seeds."""
    from defection.i18n import fmt_date

    import pyarrow.compute as pc

    from defection.vocabulary import capacity_percent

    rows = table.filter(pc.equal(table.column("date"), pc.max(table.column("date")))).to_pylist()
    firsts = {r["series"]: r["q50"] for r in table.filter(pc.equal(table.column("date"),
                                                                   pc.min(table.column("date")))).to_pylist()}
    if not rows:
        return
    out = Table(title=f"on {fmt_date(rows[0]['date'])}, {n_draws} parameter draws x {seeds} seeds: where the "
                      "variance of the runs comes from; coercive capacity as a % of day 0's median")
    for col in ("series", "median", "5-95%", "parameters", "seeds"):
        out.add_column(col, justify="left" if col == "series" else "right")
    for r in rows:
        p, q = r["parameter_share"], r["seed_share"]
        if r["series"].startswith("coercive_capacity"):
            first = firsts.get(r["series"])
            cells = [capacity_percent(r["q50"], first), f"{capacity_percent(r['q05'], first)}-"
                                                         f"{capacity_percent(r['q95'], first)}"]
        else:
            cells = [_number(r["q50"], ",.0f"), f"{_number(r['q05'], ',.0f')}-{_number(r['q95'], ',.0f')}"]
        out.add_row(r["series"], *cells, "-" if p is None or p != p else f"{p:.0%}",
                    "-" if q is None or q != q else f"{q:.0%}")
    TextConsole().print(out)


def _stamp() -> str:
    return dt.datetime.now().strftime("%Y%m%d-%H%M%S")


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Loopback address to bind (127.0.0.1, localhost or ::1); "
                                               "other machines reach it through an SSH tunnel."),
    port: int = typer.Option(8765, help="Port to listen on."),
    runs: Optional[Path] = typer.Option(None, "--runs", help="Directory of saved run directories (from `defection "
                                                             "run --out`) that the page may open, by name."),
) -> None:
    """Serve the web dashboard (Dash, fully offline) until interrupted."""
    if not 0 < port < 65536:
        raise DefectionError(f"--port {port}: give a port from 1 to 65535.")
    try:
        from defection.dashboard.app import loopback_host, serve as _serve
    except ImportError as exc:
        raise DefectionError(f"the dashboard needs dash and plotly ({exc}). Install them: pip install dash plotly.") from None
    host = loopback_host(host)
    if runs is not None:
        from defection.dashboard.saved import SavedRuns

        SavedRuns(runs)  # a --runs that is not a directory: a paragraph and exit 2, before anything is printed
    address = f"[{host}]" if ":" in host else host
    console.print(f"dashboard on http://{address}:{port}/ (Ctrl-C to stop)", highlight=False)
    try:
        _serve(host=host, port=port, runs=runs)
    except OSError as exc:
        raise DefectionError(f"cannot listen on {host}:{port} ({exc.strerror or exc}). Choose another --port.") from None
    console.print("dashboard stopped; no job was left running.")


@app.command()
def report(
    directory: Path = typer.Argument(..., help="A run, sweep, compare, calibration, forecast or optimize directory."),
    out: Path = typer.Option(Path("report.html"), help="The HTML file to write."),
    lang: str = typer.Option("en", help="Language of the report: en or my (Burmese)."),
    force: bool = typer.Option(False, help="Replace an existing regular file at --out (never a link, directory, "
                                            "FIFO or device)."),
) -> None:
    """Write a self-contained HTML report (figures embedded, no network needed) for a results directory."""
    from defection.engine.outputs import check_output_file
    from defection.i18n import LANGS
    from defection.report.html import write

    # a bad directory or --lang is reported first, by write(); a link, a directory or a FIFO at --out is
    # refused there too, --force or not
    if directory.is_dir() and lang in LANGS:
        check_output_file(out, force)
    path = write(directory, out, lang)
    TextConsole().print(f"report in {printable(path)}")

# --- experiments at scale (experiments/sweep.py, sensitivity.py, compare.py, discover.py, ema.py) ---------


SchedulerOption = typer.Option(None, help="Join an existing Dask cluster at tcp://HOST:PORT (default: a local cluster).")
WorkersOption = typer.Option(None, help="Local worker processes (default: the machine's cores; 0 runs in-process).")


def _runs_progress(bar: Progress, label: str):
    """A progress callback (done, total, failed) for the experiments; shows runs done, failed and the ETA."""
    state: dict = {}

    def update(done: int, total: int, failed: int) -> None:
        desc = f"{label}, {failed} failed" if failed else f"{label}, 0 failed"
        if "task" not in state:  # runs found done on disk are not counted in the speed, so the ETA is honest
            state["task"] = bar.add_task(desc, total=total, completed=done)
        bar.update(state["task"], completed=done, total=total, description=desc)

    return update


def _number(value: float, fmt: str) -> str:
    """``value`` formatted with ``fmt``, never as a negative zero ("-0.0" is shown as "0.0", "+0.0" when signed)."""
    from defection.formatting import number

    return number(value, fmt, "en")


def _print_design_warnings(warnings) -> None:
    """A design too small to mean anything, one sentence each on stderr; the command still succeeds (exit 0)."""
    from defection.formatting import design_warning_lines

    for sentence in design_warning_lines(warnings):  # names in it (policies, parameters) are shown as text
        console.print(line(styled("warning:", "bold yellow"), " ", sentence), soft_wrap=True, highlight=False)


def _print_outcome(outcome, what: str) -> None:
    parts: list[Any] = [f"{what}: {outcome.ok:,} of {outcome.runs:,} runs succeeded"]
    if outcome.failed:
        parts += [", ", styled(f"{outcome.failed:,} failed", "bold red"),
                  f" (see {printable(outcome.out / 'failures.parquet')})"]
    if outcome.resumed:
        parts.append(f"; {outcome.resumed:,} were already done and were not re-run")
    console.print(line(*parts, f"; {outcome.seconds:,.1f} s."))


@app.command()
def sweep(
    scenario: str = typer.Argument("myanmar-2021", help="Built-in scenario name or path to a .toml file."),
    vary: Optional[list[str]] = typer.Option(None, help="Parameter range section.key=lo:hi, or section.key for its "
                                                         "documented range (repeatable)."),
    design: str = typer.Option("lhs", help="lhs, sobol, morris or grid."),
    samples: int = typer.Option(64, help="Samples (lhs), base samples N (sobol: N(D+2) points), trajectories "
                                         "(morris: N(D+1) points) or levels per parameter (grid)."),
    replicates: int = typer.Option(1, help="Seeds per design point."),
    seed: int = typer.Option(0, help="Sweep seed: the design and every run's seed derive from it."),
    days: Optional[int] = typer.Option(None, help="Days to simulate (default: the scenario's)."),
    out: Optional[Path] = typer.Option(None, help="Output directory (default: runs/<kind>-<hash of the "
                                                  "specification>); re-run the same command to resume it."),
    scheduler: Optional[str] = SchedulerOption,
    workers: Optional[int] = WorkersOption,
    chunk: Optional[int] = typer.Option(None, help="Runs per Dask task (default 4)."),
    timeseries: bool = typer.Option(True, help="Keep every run's daily series in timeseries/."),
    model: str = typer.Option("defection", help="defection, or the ishigami test function."),
    sets: Optional[list[str]] = SetOption,
    force: bool = typer.Option(False, help="Discard a different experiment of ours already in --out (never a "
                                            "directory it did not write)."),
    yes: bool = YesOption,
) -> None:
    """Run a design over parameter ranges, R seeds per point; write summary.parquet, timeseries/, manifest.json."""
    _check_workers(workers, minimum=0)
    _check_seed(seed)
    from defection.experiments.sweep import sweep as run_sweep

    with progress_bar("runs") as bar:
        outcome = run_sweep(scenario, list(vary or []), out=out, design=design, samples=samples,
                            replicates=replicates, seed=seed, days=days, overrides=list(sets or []), chunk=chunk,
                            timeseries=timeseries, model=model, scheduler=scheduler, workers=workers, force=force,
                            progress=_runs_progress(bar, "sweep"), gate=_size_gate(yes, workers, scheduler))
    _print_outcome(outcome, "sweep")
    TextConsole().print(f"results in {printable(outcome.out)}")
    outcome.raise_for_failures()  # exit code 3 and a paragraph: how many failed, where the tracebacks are


@app.command()
def sensitivity(
    directory: Path = typer.Argument(..., help="A sweep directory (made with --design sobol or morris)."),
    output: Optional[list[str]] = typer.Option(None, "--output", "-o", help="Outcome to analyse (repeatable; "
                                               "default: defected, coercive_capacity_min_share, civilians_killed)."),
    conf: float = typer.Option(0.95, help="Confidence level of the intervals."),
    seed: int = typer.Option(0, help="Seed of the bootstrap."),
) -> None:
    """Sobol indices (S1, ST with confidence intervals) or Morris (mu*, sigma); a table and sensitivity.png."""
    _check_seed(seed)
    from defection.experiments.sensitivity import sensitivity as run_sensitivity

    res = run_sensitivity(directory, list(output or []) or None, conf_level=conf, seed=seed)
    for name, r in res["outputs"].items():
        table = Table(title=f"{name}: {'Sobol indices' if res['method'] == 'sobol' else 'Morris screening'} "
                            f"({conf:.0%} intervals)")
        cols = ("S1", "S1_conf", "ST", "ST_conf") if res["method"] == "sobol" else ("mu_star", "mu_star_conf", "sigma")
        table.add_column("parameter")
        for c in cols:
            table.add_column(c.replace("_conf", " ±"), justify="right")
        order = sorted(range(len(r["names"])), key=lambda j: -r[cols[-2] if res["method"] == "sobol" else cols[0]][j])
        for j in order:
            table.add_row(printable(r["names"][j]), *(f"{r[c][j]:.3g}" for c in cols))
        TextConsole().print(table)
    TextConsole().print(f"figure in {printable(Path(directory) / 'sensitivity.png')}")
    _print_design_warnings(res["design_warnings"])


@app.command()
def compare(
    scenario: str = typer.Argument("myanmar-2021", help="Built-in scenario name or path to a .toml file."),
    policy: Optional[list[str]] = typer.Option(None, help="NAME:key=val,key=val (repeatable); the baseline, "
                                                           "scenario-programmes (or the preset's no-programmes), is "
                                                           "always included as the reference."),
    preset: Optional[str] = typer.Option(None, help="A built-in comparison: diis-policy (the DIIS / Nyan Corridor "
                                                    "report's question: protection, livelihoods, both)."),
    replicates: int = typer.Option(20, help="Paired seeds per policy."),
    seed: int = typer.Option(0, help="Comparison seed."),
    days: Optional[int] = typer.Option(None, help="Days to simulate (default: the scenario's)."),
    out: Optional[Path] = typer.Option(None, help="Output directory (default: runs/<kind>-<hash of the "
                                                  "specification>); re-run the same command to resume it."),
    scheduler: Optional[str] = SchedulerOption,
    workers: Optional[int] = WorkersOption,
    chunk: Optional[int] = typer.Option(None, help="Runs per Dask task (default 4)."),
    sets: Optional[list[str]] = SetOption,
    force: bool = typer.Option(False, help="Discard a different experiment of ours already in --out (never a "
                                            "directory it did not write)."),
    yes: bool = YesOption,
    parameter_draws: int = typer.Option(0, "--parameter-draws", help="Draws of what the data cannot identify, "
                                        "each run with the --replicates seeds in every policy (0: seeds only)."),
    posterior: Optional[Path] = typer.Option(None, help="With --parameter-draws: a `defection calibrate` directory "
                                                        "to draw the parameters from (default: a Latin hypercube "
                                                        "over the plausible ranges of those optimize draws)."),
) -> None:
    """Run each policy as an ensemble; table of means, 90% intervals, paired effects, cost per extra defection."""
    _check_workers(workers, minimum=0)
    _check_seed(seed)
    from defection.experiments.compare import compare as run_compare, preset_name

    note = preset_name(preset)[1] if preset is not None else None
    if note:  # said here once, in words; the library's FutureWarning is for Python callers
        console.print(note, highlight=False)
    with progress_bar("runs") as bar, warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="note: --preset", category=FutureWarning)
        res = run_compare(scenario, list(policy or []), out=out, preset=preset, replicates=replicates, seed=seed,
                          days=days, overrides=list(sets or []), chunk=chunk, scheduler=scheduler, workers=workers,
                          force=force, progress=_runs_progress(bar, "compare"),
                          gate=_size_gate(yes, workers, scheduler), parameter_draws=parameter_draws,
                          posterior=posterior)
    _print_outcome(res["outcome"], "compare")
    from defection.formatting import comparison_notes, costs_table, effects_table, note_lines
    from defection.vocabulary import baseline_label, weights_sentence

    headers, rows, censored = effects_table(res, "en")
    runs = (f"{res['parameter_draws']} parameter draws x {res['replicates']} paired seeds"
            if res.get("parameter_draws") else f"{res['replicates']} paired seeds")
    table = Table(title=f"{runs} per policy; effect: paired difference from {baseline_label(res['baseline'])} "
                        f"({res['baseline']}) on the last day")
    for col in headers:
        table.add_column(col, justify="left" if col.startswith("policy") else "right", no_wrap=True)
    names = {p["policy"] for p in res["policies"]}
    for row in rows:  # a policy's name is data, shown as text
        table.add_row(styled(row[0], "bold") if row[0] in names else printable(row[0]), *row[1:])
    TextConsole().print(table)
    weights = weights_sentence(res.get("capacity_weights") or {})
    for sentence in note_lines(comparison_notes(res, weights, "en")):  # policy names in them are shown as text
        TextConsole().print(printable(sentence), highlight=False)
    if censored:
        TextConsole().print("day capacity <50%: a run whose capacity never fell below half counts as its last day, so "
                        "that mean is a lower bound.", highlight=False)
    _print_costs(*costs_table(res, "en"))
    TextConsole().print(f"results in {printable(res['outcome'].out)} (compare.parquet, compare.png)")
    _print_design_warnings(res.get("design_warnings"))
    res["outcome"].raise_for_failures()


# The costs table's columns: in kyat (policy, M kyat, extra defected, kyat per extra defection), then in US$
# (policy, US$, US$ per extra defection). Two tables, because six columns do not fit an 80-column terminal.
KYAT_COLUMNS, USD_COLUMNS = (0, 1, 3, 4), (0, 2, 5)


def _print_costs(headers: list[str], rows: list[list[str]]) -> None:
    """The compare costs table in kyat, then the same money in US dollars with the rate."""
    from defection.formatting import rate_sentence

    for title, columns, caption in (("programme cost to the last day, and per additional defection", KYAT_COLUMNS,
                                     None), ("the same in US dollars", USD_COLUMNS, rate_sentence("en"))):
        table = Table(title=title, caption=caption)
        for k in columns:
            table.add_column(headers[k], justify="left" if k == 0 else "right", no_wrap=True)
        for row in rows:
            table.add_row(printable(row[0]), *[row[k] for k in columns[1:]])
        TextConsole().print(table)


@app.command()
def optimize(
    scenario: str = typer.Argument("myanmar-2021", help="Built-in scenario name or path to a .toml file."),
    budget_kyat_month: str = typer.Option(..., "--budget-kyat-month",
                                          help="Monthly budget in kyat, or LO:HI to make it a decision (the "
                                               "dose-response)."),
    out: Path = typer.Option(..., help="Output directory (complete or absent); re-run the same command to resume."),
    objective: Optional[list[str]] = typer.Option(None, help="OUTCOME[:max|min] (repeatable; default "
                                                             "capacity_drop:max and cost:min)."),
    constraint: Optional[list[str]] = typer.Option(None, help="OUTCOME>=VALUE or OUTCOME<=VALUE (repeatable), e.g. "
                                                              "\"capacity_drop>=0.10\"."),
    statistic: str = typer.Option("p10", help="Robust statistic over the draws: mean, p10 (default: the outcome "
                                              "reached in 9 draws out of 10) or probability (of meeting each "
                                              "--constraint)."),
    probability: float = typer.Option(0.9, help="With --statistic probability: the share of draws in which each "
                                                "constraint must hold."),
    draws: int = typer.Option(16, help="Draws of what is uncertain: the top rung, where candidates are judged and "
                                       "compared; every candidate at a rung runs on the same ones."),
    min_draws: int = typer.Option(4, help="Draws every candidate runs on first (successive halving: the better "
                                          "half of a generation goes on to twice as many, up to --draws; "
                                          "--min-draws equal to --draws evaluates every candidate on every draw)."),
    target: Optional[list[str]] = typer.Option(None, help="OUTCOME=VALUE (repeatable), e.g. capacity_drop=0.05: "
                                                          "print the least monthly budget whose --statistic reaches "
                                                          "it, with its allocation, and write answer.json."),
    posterior: Optional[Path] = typer.Option(None, help="A `defection calibrate` directory to draw from."),
    uncertain: Optional[list[str]] = typer.Option(None, help="KEY or KEY=lo:hi spanned by the Latin hypercube "
                                                             "(repeatable; default: the parameters of the response "
                                                             "to support, which the data cannot identify, and the "
                                                             "unit costs of protection and outreach)."),
    candidates: int = typer.Option(200, help="Candidates evaluated in all (rounded up to whole generations)."),
    population: int = typer.Option(20, help="Candidates per NSGA-II generation (a fixed batch)."),
    seed: int = typer.Option(0, help="Optimisation seed: draws, run seeds and the sampler."),
    days: Optional[int] = typer.Option(None, help="Days to simulate (default: the scenario's)."),
    max_ramp_months: Optional[int] = typer.Option(None, help="Longest ramp a candidate may give a lever: the months "
                                                             "over which it rises linearly to its amount (default 6; "
                                                             "0: every lever opens at its full amount)."),
    max_delay_months: Optional[int] = typer.Option(None, help="Latest a candidate may open a lever after the "
                                                              "programmes open, in months (default 12; 0: every "
                                                              "lever opens with the programmes)."),
    scheduler: Optional[str] = SchedulerOption,
    workers: Optional[int] = WorkersOption,
    sets: Optional[list[str]] = SetOption,
    force: bool = typer.Option(False, help="Replace results in --out (only a directory it wrote) and discard an "
                                            "interrupted different study."),
    yes: bool = YesOption,
) -> None:
    """Find the allocations of a monthly budget across the support levers that best cut coercive capacity."""
    _check_workers(workers, minimum=0)
    _check_seed(seed)
    from defection.experiments import optimize as opt
    from defection.experiments.runner import check_connection

    check_connection(scheduler, workers)  # before the size is said: a bad address is the problem to name

    problem = opt.plan_optimize(scenario, budget_kyat_month, objectives=list(objective or []) or None,
                                constraints=list(constraint or []), statistic=statistic, probability=probability,
                                draws=draws, posterior=posterior, uncertain=list(uncertain) if uncertain else None,
                                candidates=candidates, population=population, seed=seed, days=days,
                                overrides=list(sets or []), min_draws=min_draws, targets=list(target or []),
                                max_ramp_months=opt.DEFAULT_MAX_RAMP_MONTHS if max_ramp_months is None else max_ramp_months,
                                max_delay_months=(opt.DEFAULT_MAX_DELAY_MONTHS if max_delay_months is None
                                                  else max_delay_months), gate=_size_gate(yes, workers, scheduler))
    with evaluations_bar() as bar:
        task = bar.add_task("optimize", total=problem.n_evaluations, start=False, resumed=0)
        summary = opt.optimize(problem, out, scheduler=scheduler, workers=workers, force=force,
                               progress=_evaluations_progress(bar, task))
    if summary.get("already_complete"):
        console.print(f"optimize: already complete in {printable(out)}; nothing was run (pass --force to run it "
                      "again).")
    from defection.formatting import rate_sentence

    table = Table(title=f"Pareto front: {summary['pareto']} of {summary['evaluated']} candidates "
                        f"({summary['draws']} draws each, statistic {summary['statistic']}); budget and planned "
                        "spend in M kyat a month, spent in M kyat over the horizon (mean over draws), capacity drop "
                        "from no programmes on the last day [10-90%]", caption=rate_sentence("en"))
    for col in ("trial", "budget", "planned", "capacity drop", "spent"):  # money may wrap its US$ to a 2nd line
        table.add_column(col, justify="right", no_wrap=col in ("trial", "capacity drop"))
    from defection.engine.readback import read_pareto

    for r in sorted(read_pareto(out).to_pylist(), key=lambda r: r["planned_kyat_month"]):
        table.add_row(str(r["trial"]), _mkyat_usd(r["budget_kyat_month"]), _mkyat_usd(r["planned_kyat_month"]),
                      f"{r['capacity_drop'] * 100:.1f}% [{r['capacity_drop_p10'] * 100:.1f}, "
                      f"{r['capacity_drop_p90'] * 100:.1f}]", _mkyat_usd(r["cost_mean"]))
    TextConsole().print(table)
    if summary.get("not_met"):
        TextConsole().print(line(styled(summary["not_met"], "bold"), ": see pareto.png for how close the candidates "
                                 "came."))
    if summary.get("answer"):
        for sentence in _answer_lines(summary["answer"]):
            TextConsole().print(sentence, highlight=False)
    TextConsole().print(f"results in {printable(out)} (trials.parquet, pareto.parquet, summary.json, "
                    f"{', '.join(summary.get('figures', []))}, {'answer.json, ' if summary.get('answer') else ''}"
                    "study.db)")
    if summary.get("failed"):
        from defection.experiments.executor import RunsFailedError

        raise RunsFailedError(f"{summary['failed']:,} of {summary['candidates']:,} candidates failed: their runs "
                              f"raised. Each is in {out / 'trials.parquet'} with state FAIL and its error; the "
                              "others were optimised as usual.")


def _mkyat_usd(kyat: float, unit: str = "") -> str:
    """Million kyat with its US$ equivalent, '4,100.0 (US$2.31 M)' (with ``unit`` " M kyat": '4,100.0 M kyat
    (US$2.31 M)'); the rate is said once beside it."""
    from defection.currency import usd

    return f"{kyat / 1e6:,.1f}{unit} ({usd(kyat)})"


def _answer_lines(found: dict) -> list[str]:
    """What ``--target`` asked, in words: the least monthly budget reaching each target, and how it is spent."""
    from defection.formatting import rate_sentence

    lines = [f"Statistic: {found['statistic_meaning']}."]
    for a in found["answers"]:
        if not a["met"]:
            close = a.get("closest")
            lines.append(f"{a['target']} ({a['statistic']}): no candidate evaluated on every draw reaches it" + (
                f"; the closest, trial {close['trial']}, reaches {close['statistic']:.4g} with "
                f"{_mkyat_usd(close['budget_kyat_month'], ' M kyat')} a month." if close else "."))
            continue
        shares = ", ".join(f"{k} {v:.0%}" for k, v in a["allocation"].items() if v and v > 0.005)
        opens = ", ".join(f"{k} {v}" for k, v in a["opens"].items() if v)
        spread = a[a["metric"]]
        lines.append(f"{a['target']} ({a['statistic']}): least monthly budget "
                     f"{_mkyat_usd(a['planned_kyat_month'], ' M kyat')} a month planned (budget "
                     f"{_mkyat_usd(a['budget_kyat_month'], ' M kyat')}), trial {a['trial']}, "
                     f"one of {a['meeting']} of {a['candidates']} candidates that reach it. Shares: {shares}. "
                     f"Opens: {opens}. {a['metric']}: {spread['statistic']:.4g} ({a['statistic']}), mean "
                     f"{spread['mean']:.4g}, 10-90% {spread['p10']:.4g} to {spread['p90']:.4g}.")
    lines.append(rate_sentence("en"))
    return lines


@app.command()
def discover(
    directory: Path = typer.Argument(..., help="A sweep directory."),
    outcome: str = typer.Option("defected", help="The outcome that defines a cascade."),
    above: Optional[float] = typer.Option(None, help="A cascade is the outcome above this value."),
    below: Optional[float] = typer.Option(None, help="... or below this value."),
    threshold: float = typer.Option(0.8, help="Share of cascades PRIM aims for inside its box (density)."),
    peel_alpha: float = typer.Option(0.05, help="Share of runs peeled off per PRIM step."),
) -> None:
    """Scenario discovery (PRIM, ema_workbench): which parameter ranges produce a cascade."""
    from defection.experiments.discover import discover as run_discover

    res = run_discover(directory, outcome, above=above, below=below, threshold=threshold, peel_alpha=peel_alpha)
    table = Table(title=f"PRIM box for {res['rule']}: coverage {res['coverage']:.0%}, density {res['density']:.0%}, "
                        f"mass {res['mass']:.0%} (base rate {res['base_rate']:.0%} of {res['runs']:,} runs)")
    for col in ("parameter", "box", "swept range"):
        table.add_column(col, justify="left" if col == "parameter" else "right")
    for b in res["box"]:
        table.add_row(printable(b["parameter"]), f"{b['lo']:.4g} to {b['hi']:.4g}",
                      f"{b['swept_lo']:.4g} to {b['swept_hi']:.4g}")
    TextConsole().print(table)
    if not res["met_threshold"]:
        console.print(f"no box reached density {threshold:.0%}; shown is the densest box on the trajectory.")
    TextConsole().print(f"details in {printable(Path(directory) / 'discover.json')}, trade-off in discover.png")


@app.command("export-ema")
def export_ema(
    scenario: str = typer.Argument("myanmar-2021", help="Built-in scenario name or path to a .toml file."),
    vary: Optional[list[str]] = typer.Option(None, help="Uncertainty section.key=lo:hi or section.key (repeatable; "
                                                         "default: every parameter with a documented range)."),
    lever: Optional[list[str]] = typer.Option(None, help="Lever section.key=lo:hi or section.key (repeatable; "
                                                          "default: the support programme's four)."),
    days: Optional[int] = typer.Option(None, help="Days to simulate (default: the scenario's)."),
    out: Path = typer.Option(Path("ema_model.py"), help="The Python file to write."),
    sets: Optional[list[str]] = SetOption,
    force: bool = typer.Option(False, help="Overwrite --out."),
) -> None:
    """Write a Python file with get_model(), an ema_workbench Model, for perform_experiments."""
    from defection.experiments.ema import export_script

    path = export_script(scenario, out, vary=list(vary or []), levers=list(lever) if lever else None, days=days,
                         overrides=list(sets or []), force=force)
    TextConsole().print(f"EMA workbench model in {printable(path)}: `from {printable(path.stem)} import get_model`, then "
                    f"perform_experiments(get_model(), scenarios=100)")


def main() -> None:
    """Run the command line; turn every foreseeable failure into one bounded paragraph and an exit code:
    2 for bad input or an environment that cannot do the job, 130 for Ctrl-C."""
    try:
        app()
    except SystemExit as exc:
        if exc.code == 130 and _interrupted(exc):  # typer turns Ctrl-C into exit code 130 without a word
            _say_interrupted()
        raise
    except DefectionError as exc:
        if isinstance(exc, DiskFullError) or disk_full(exc) is not None:  # e.g. "writing the results failed"
            _print_error(_disk_full_message(disk_full(exc) or exc))
            sys.exit(2)
        _print_error(str(exc))
        sys.exit(getattr(exc, "exit_code", 2))  # 2: bad input; 3: an experiment finished with failed runs
    except KeyboardInterrupt:
        _say_interrupted()
        sys.exit(130)
    except MemoryError:
        _print_error("the machine ran out of memory. A run needs about 11 bytes per civilian agent and 59 per "
                     "officer; raise run.scale (people per civilian agent), or run fewer --workers at once. "
                     "Nothing was saved as a complete result.")
        sys.exit(2)
    except Exception as exc:  # noqa: BLE001 - a full disk, whichever library met it (OSError, SQLite, optuna)
        if disk_full(exc) is not None:
            _print_error(_disk_full_message(disk_full(exc) or exc))
            sys.exit(2)
        if isinstance(exc, OSError):  # the file system refused an output (or input) the commands did not check
            _print_error(_os_error_message(exc))
            sys.exit(2)
        raise


def _print_error(message: str) -> None:
    # the message quotes user text (names, paths, overrides): shown as text, never obeyed as markup or control codes
    console.print(line(styled("error:", "bold red"), " ", shorten(printable(message))), soft_wrap=True,
                  highlight=False)


def _interrupted(exc: BaseException | None) -> bool:
    """Whether a KeyboardInterrupt is in the chain of exceptions that led to ``exc``."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, KeyboardInterrupt):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def _say_interrupted() -> None:
    console.print("interrupted: no partial results were left as complete files. A sweep, comparison or "
                  "calibration resumes where it stopped when the same command is run again.", highlight=False)


_OS_ERROR_HINTS: dict[int | None, str] = {  # keyed by OSError.errno, which may be None
    errno.ENOTDIR: "a part of the path is a file, not a directory",
    errno.ENOENT: "a directory on the path does not exist and cannot be created there",
    errno.EEXIST: "a file is in the way where a directory is needed",
    errno.EISDIR: "it is a directory, where a file is needed",
    errno.EACCES: "you have no permission to write there",
    errno.EPERM: "you have no permission to write there",
    errno.EROFS: "the file system is read-only",
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
}


def _os_error_message(exc: OSError) -> str:
    """One paragraph for a file system error: the path (as the user named it), the reason, what to do."""
    import re

    path = exc.filename if exc.filename is not None else _option_value("--out")
    if path is not None:  # a temporary name, .NAME.tmp-PID-HEX, stands for the file NAME being written
        path = Path(os.fsdecode(path))
        path = path.with_name(re.sub(r"^\.(.+)\.tmp-\d+(?:-[0-9a-f]+)?$", r"\1", path.name))
    hint = _OS_ERROR_HINTS.get(exc.errno)
    reason = (exc.strerror or str(exc)) + (f": {hint}" if hint else "")
    return (f"cannot create or write {shorten(repr(str(path)), 300, '...') if path is not None else 'a file'} "
            f"({reason}). Give an --out path in a directory you can write to, on a disk with free space. Files are "
            "written under temporary names and renamed into place only when complete, so no partial file was "
            "left under a final name.")


def _disk_full_message(exc: BaseException) -> str:
    """One paragraph for a full disk (ENOSPC) or quota (EDQUOT): the directory, what was kept, what to do."""
    import re
    import shutil

    where = _option_value("--out")
    if where is None and isinstance(exc, OSError) and exc.filename is not None:
        where = os.path.dirname(os.fsdecode(exc.filename)) or "."
    directory = Path(where) if where is not None else Path.cwd()
    # a staging sibling, .NAME.tmp-PID-HEX, stands for the results directory NAME being written
    if directory.name:
        directory = directory.with_name(re.sub(r"^\.(.+)\.tmp-\d+(?:-[0-9a-f]+)?$", r"\1", directory.name))
    quota = (isinstance(exc, OSError) and exc.errno == errno.EDQUOT) or "quota" in str(exc).lower()
    free = ""
    probe = Path(os.path.abspath(directory))
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    try:
        free = f"; {shutil.disk_usage(probe).free / 2**20:,.1f} MiB free there now"
    except OSError:
        pass
    said = getattr(exc, "strerror", None) or (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    said = re.sub(r"^\((?:sqlite3|[\w.]+)\.\w+\)\s*", "", said)  # SQLAlchemy's "(sqlite3.OperationalError) "
    shown = shorten(repr(str(directory)), 300, "...")
    what = f"your disk quota on the disk holding {shown} is used up" if quota else f"the disk holding {shown} is full"
    return (f"{what} (it said: {shorten(said, 120, '...')}{free}). Files are written under "
            "temporary names and renamed into place only when complete, so no partial file was left under a "
            "final name; a sweep's, comparison's, calibration's or optimisation's record is kept as it was, so the "
            "same command resumes it once space is freed. Free some space, or give an --out on another disk.")


def _option_value(option: str) -> Optional[str]:
    """The value given to ``option`` on the command line, if any (to name the path an error concerns)."""
    args = sys.argv[1:]
    for k, arg in enumerate(args):
        if arg == option and k + 1 < len(args):
            return args[k + 1]
        if arg.startswith(option + "="):
            return arg.split("=", 1)[1]
    return None


if __name__ == "__main__":
    main()
