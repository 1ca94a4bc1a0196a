"""The ``defection`` command line. Bad input exits with code 2 and one paragraph, never a traceback."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table

from defection.errors import DefectionError

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Simulate how a security force splits under repression.")
console = Console(stderr=True)



@app.callback()
def _group() -> None:
    """Simulate how a security force splits under repression."""


SetOption = typer.Option(None, "--set", help="Override a parameter: section.key=value (repeatable).")


def progress_bar(unit: str) -> Progress:
    return Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TextColumn(unit),
                    TimeElapsedColumn(), TimeRemainingColumn(), console=console, transient=True)


def _read_manifest(path: Path) -> dict:
    if not path.is_file():
        raise DefectionError(f"--from {path}: no such file. Give the manifest.json written beside a run's results.")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DefectionError(f"--from {path}: not a readable JSON manifest ({exc}).") from None
    if not isinstance(data, dict) or "scenario" not in data or "seed" not in data:
        raise DefectionError(f"--from {path}: this JSON is not a run manifest (it lacks 'scenario' and 'seed').")
    return data


@app.command()
def run(
    scenario: str = typer.Argument("myanmar-2021", help="Built-in scenario name or path to a .toml file."),
    days: Optional[int] = typer.Option(None, help="Days to simulate (default: the scenario's, 334)."),
    steps: Optional[int] = typer.Option(None, help="Steps, for the classic models (epstein, granovetter-network)."),
    seed: Optional[int] = typer.Option(None, help="Run seed (default: the scenario's, 0)."),
    scale: Optional[int] = typer.Option(None, help="People per civilian agent; 1 is full scale."),
    out: Optional[Path] = typer.Option(None, help="Output directory (default: runs/<timestamp>)."),
    sets: Optional[list[str]] = SetOption,
    from_manifest: Optional[Path] = typer.Option(None, "--from", help="Re-run exactly the job in this manifest.json."),
    force: bool = typer.Option(False, help="Write into a non-empty output directory."),
    profile: bool = typer.Option(False, help="Print the day's schedule with the time spent in each mechanism."),
) -> None:
    """Run one simulation and write timeseries.parquet, summary.json, overview.png and manifest.json."""
    from defection.engine.outputs import prepare_out_dir

    if from_manifest is None and _is_classic(scenario):
        _run_classic(scenario, steps, seed, out, sets or [], force)
        return
    from defection import api, scenarios

    if from_manifest is not None:
        record = _read_manifest(from_manifest)
        sc = scenarios.from_dict(record["scenario"], origin=f"scenario in {from_manifest}")
        sc = api.resolve(sc, seed=int(record["seed"]))
    else:
        overrides = list(sets or [])
        if scale is not None:
            overrides.append(f"run.scale={scale}")
        sc = api.resolve(scenario, overrides, days=days, seed=seed)
    out = prepare_out_dir(out, force)
    with progress_bar("days") as bar:
        task = bar.add_task(f"{sc.name} seed {sc.run.seed}", total=sc.run.days)
        result = api.run(sc, progress=lambda day: bar.update(task, completed=day))
    result.save(out)
    _print_summary(result, out)
    if profile:
        _print_profile(result.profile)


def _print_summary(result, out: Path) -> None:
    f = result.summary["final"]
    table = Table(title=f"{result.scenario.name}, seed {result.seed}, to {result.summary['end_date']}")
    table.add_column("outcome")
    table.add_column("value", justify="right")
    for key in ("defected", "defected_civilian", "defected_paramilitary", "quiet_resisters", "caught",
                "coercive_capacity", "civilians_killed", "civilians_arrested", "programme_cost"):
        value = f[key]
        table.add_row(key, f"{value:,.0f}" if isinstance(value, (int, float)) else str(value))
    Console().print(table)
    Console().print(f"results in {out}")


def _print_profile(profile) -> None:
    table = Table(title="schedule of a day, with time spent")
    for col in ("#", "mechanism", "seconds", "share"):
        table.add_column(col, justify="right" if col != "mechanism" else "left")
    for k, (name, seconds, share) in enumerate(profile, 1):
        table.add_row(str(k), name, f"{seconds:.3f}", f"{share:.0%}")
    Console().print(table)


def _is_classic(name: str) -> bool:
    try:
        from defection.classic import CLASSIC
    except ImportError:
        return False
    return name in CLASSIC


def _run_classic(name: str, steps: Optional[int], seed: Optional[int], out: Optional[Path], sets: list[str],
                 force: bool) -> None:
    from defection.classic import run_classic
    from defection.engine.outputs import prepare_out_dir
    from defection.scenarios import parse_override

    settings = {}
    for item in sets:
        key, _ = parse_override(item)
        settings[key] = item.split("=", 1)[1].strip()
    n_steps = steps if steps is not None else 200
    out = prepare_out_dir(out, force)
    with progress_bar("steps") as bar:
        task = bar.add_task(f"{name} seed {seed or 0}", total=n_steps)
        summary = run_classic(name, n_steps, seed or 0, settings, out,
                              progress=lambda k: bar.update(task, completed=k))
    Console().print(summary)
    Console().print(f"results in {out}")


def main() -> None:
    try:
        app()
    except DefectionError as exc:
        console.print(f"[bold red]error:[/] {exc}", soft_wrap=True, highlight=False)
        sys.exit(2)
    except KeyboardInterrupt:
        console.print("interrupted: no partial results were left as complete files.")
        sys.exit(130)


if __name__ == "__main__":
    main()
