"""An experiment directory on disk: chunk files, their completion marks, the manifest and the assembled tables.

    DIR/manifest.json                    the plan (written first) and, at the end, the counts
    DIR/design.parquet                   one row per run: run, point, replicate, seed, point columns
    DIR/timeseries/chunk=NNNNNN/part-0.parquet   daily series of the chunk's runs (written first)
    DIR/parts/chunk-NNNNNN.parquet       outcomes, errors and tracebacks of the chunk's runs (its completion mark)
    DIR/summary.parquet, failures.parquet   assembled when every chunk is done

Every file is written under a temporary name and renamed. A chunk counts as done only if its part
file reads back with exactly the expected runs, none of them failed, and its time series file
holds the expected number of rows; anything else is deleted and redone by the next run of the
same command. So a killed driver or worker loses at most the chunks in flight, a run that failed
is tried again after its cause is fixed, and nothing is run twice into the results.
"""
from __future__ import annotations

import contextlib
import dataclasses
import shutil
import sys
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from defection.engine.outputs import Layout, absolute_target, existing_results
from defection.engine.outputs import manifest as make_manifest
from defection.engine.outputs import write_json, write_parquet
from defection.engine.readback import ExperimentManifest, read_experiment_manifest, read_previous_manifest
from defection.errors import OutputError
from defection.experiments import models
from defection.experiments.plan import Plan

# What a sweep or a comparison writes in its directory, with what `sensitivity` and `discover` add to a
# sweep's: --force discards such a directory whole, and refuses any other.
EXPERIMENT_LAYOUT = Layout(
    "defection sweep", ("sweep", "compare"),
    r"manifest\.json|design\.parquet|summary\.parquet|failures\.parquet|compare\.(?:parquet|json|png)|"
    r"sensitivity\.(?:parquet|json|png)|discover\.(?:json|png)|parts/chunk-\d{6}\.parquet|"
    r"timeseries/chunk=\d{6}/part-0\.parquet", folders=r"parts|timeseries|timeseries/chunk=\d{6}")


def part_path(out: Path, c: int) -> Path:
    return out / "parts" / f"chunk-{c:06d}.parquet"


def ts_path(out: Path, c: int) -> Path:
    return out / "timeseries" / f"chunk={c:06d}" / "part-0.parquet"


def chunk_done(plan: Plan, out: Path, c: int) -> bool:
    """Is chunk ``c`` completely and successfully on disk? A bad, partial or failed chunk is removed (redone)."""
    part = part_path(out, c)
    if not part.exists():
        _remove(ts_path(out, c))
        return False
    try:
        table = pq.read_table(part)
        ok = (table.schema.names == plan.part_schema().names
              and table.column("run").to_pylist() == list(plan.chunk_runs(c))
              and table.column("error").null_count == table.num_rows)
        if ok and plan.timeseries:
            expected = sum(table.column("ts_rows").to_pylist())
            ts = ts_path(out, c)
            if expected:
                ok = ts.exists() and pq.read_metadata(ts).num_rows == expected
    except Exception:  # noqa: BLE001 - any unreadable file means: redo the chunk
        ok = False
    if not ok:
        _remove(part)
        _remove(ts_path(out, c))
    return ok


def _remove(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def clean_temporaries(out: Path) -> None:
    """Remove the temporaries of writes that a killed process left behind."""
    for sub in (out, out / "parts", *((out / "timeseries").glob("chunk=*") if (out / "timeseries").exists() else ())):
        if sub.is_dir():
            for tmp in sub.glob(".*.tmp-*"):
                _remove(tmp)


def write_chunk(plan: Plan, out: Path, c: int, rows: list[dict[str, Any]], ts: pa.Table | None,
                design: pa.Table) -> int:
    """Write a finished chunk: time series first, then the part file that marks it done. Returns its failures."""
    schema = plan.part_schema()
    by_run = {r["run"]: r for r in rows}
    runs = list(plan.chunk_runs(c))
    if sorted(by_run) != runs:
        raise RuntimeError(f"chunk {c} returned runs {sorted(by_run)}, expected {runs}")
    if plan.timeseries and ts is not None and ts.num_rows:
        path = ts_path(out, c)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_parquet(path, ts)
    design_rows = design.slice(runs[0], len(runs)).to_pylist()
    full = []
    for d in design_rows:
        r = by_run[d["run"]]
        full.append({name: (d.get(name) if name in d else r.get(name)) for name in schema.names})
    table = pa.Table.from_pylist(full, schema=schema)
    write_parquet(part_path(out, c), table)
    return sum(1 for r in full if r["error"] is not None)


def prepare(plan: Plan, out: Path, force: bool) -> tuple[bool, pa.Table]:
    """Create or reopen ``out`` for ``plan``. Returns (resumed, design table).

    A directory that is not an experiment of ours (a link, a file, or one holding anything a sweep or
    a comparison does not write) is refused, ``force`` or not; ``force`` discards an experiment of ours.
    """
    out = Path(out)
    layout = dataclasses.replace(EXPERIMENT_LAYOUT, command=f"defection {plan.kind}")
    if existing_results(absolute_target(out), layout):
        previous = read_previous_manifest(out / "manifest.json")
        if previous is not None and previous.spec_hash == plan.spec_hash() and not force:
            fresh = plan.design_table()
            design = None
            with contextlib.suppress(Exception):
                design = pq.read_table(out / "design.parquet")
            if design is None or not design.equals(fresh):
                write_parquet(out / "design.parquet", fresh)
            return True, fresh
        if not force:
            diff = (_spec_difference(previous.spec.model_dump(exclude_unset=True), plan.full_spec())
                    if previous is not None else "its manifest.json does not read back as an experiment's")
            raise OutputError(f"--out {out} holds a different {previous.kind if previous else 'experiment'} "
                              f"({diff}). Re-run the exact same command to resume it, choose a new --out, "
                              f"or pass --force to discard it and start over.")
        _discard_contents(out)
    out.mkdir(parents=True, exist_ok=True)
    design = plan.design_table()
    write_manifest(plan, out, status="running")  # first: a directory killed now is still ours, and resumes
    write_parquet(out / "design.parquet", design)
    return False, design


def _discard_contents(out: Path) -> None:
    """Delete everything in ``out``: the caller checked that all of it is an experiment's own files."""
    for entry in out.iterdir():
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            _remove(entry)


def _spec_difference(old: dict[str, Any], new: dict[str, Any]) -> str:
    keys = sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
    return "it differs in " + ", ".join(keys) if keys else "it was written by another version"


def write_manifest(plan: Plan, out: Path, **extra: Any) -> dict[str, Any]:
    spec = plan.full_spec()
    record = make_manifest(plan.kind, plan.base, plan.seed, spec_hash=plan.spec_hash(),
                           spec={k: v for k, v in spec.items() if k != "scenario"},
                           runs=plan.n_runs, command=" ".join(sys.argv), **_versions(), **extra)
    record["spec"]["scenario"] = "see 'scenario' above"
    write_json(out / "manifest.json", record)
    return record


def _versions() -> dict[str, Any]:
    import importlib.metadata as md

    found = {}
    for name in ("numpy", "numba", "SALib", "dask", "distributed", "pyarrow"):
        with contextlib.suppress(md.PackageNotFoundError):
            found[name] = md.version(name)
    return {"library_versions": found}


def assemble(plan: Plan, out: Path) -> tuple[pa.Table, pa.Table]:
    """summary.parquet (successful runs, by run) and failures.parquet (failed runs with error and traceback)."""
    import pyarrow.compute as pc

    parts = [pq.read_table(part_path(out, c)) for c in range(plan.n_chunks)]
    table = pa.concat_tables(parts) if parts else plan.part_schema().empty_table()
    table = table.sort_by("run").combine_chunks()
    errors = table.column("error")
    ok = table.filter(pc.is_null(errors))
    bad = table.filter(pc.invert(pc.is_null(errors)))
    label_cols = list(plan.labels)
    outcome_cols = list(models.get(plan.model).outcomes)
    summary = ok.select(["run", "seed", *label_cols, *outcome_cols, "point", "replicate"])
    failures = bad.select(["run", "seed", *label_cols, "error", "traceback", "point", "replicate"])
    write_parquet(out / "summary.parquet", summary)
    write_parquet(out / "failures.parquet", failures)
    return summary, failures


def read_manifest(path: Path, kinds: tuple[str, ...] = ("sweep", "compare")) -> ExperimentManifest:
    """The manifest of a finished experiment directory, read through :mod:`~defection.engine.readback`: a
    :class:`~defection.errors.ReadBackError` names the file, the field and what was expected if it is not one."""
    return read_experiment_manifest(Path(path), kinds)
