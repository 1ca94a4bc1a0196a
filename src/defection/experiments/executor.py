"""Running many simulations on Dask, resumably.

An experiment (a sweep or a comparison) is a :class:`Plan`: a list of points, each run
``replicates`` times. Runs are grouped into fixed chunks (the chunk size is part of the plan,
never derived from the worker count). Each chunk is one Dask task; its results come back to
the driver, which writes them:

    DIR/manifest.json                    the plan (written first) and, at the end, the counts
    DIR/design.parquet                   one row per run: run, point, replicate, seed, point columns
    DIR/timeseries/chunk=NNNNNN/part-0.parquet   daily series of the chunk's runs (written first)
    DIR/parts/chunk-NNNNNN.parquet       outcome scalars and errors of the chunk's runs (its completion mark)
    DIR/summary.parquet, failures.parquet   assembled when every chunk is done

Every file is written under a temporary name and renamed. On a re-run with the same plan a
chunk counts as done only if its part file reads back with exactly the expected runs and its
time series file holds the expected number of rows; anything else is deleted and redone. So a
killed driver or worker loses at most the chunks in flight, and nothing is run twice into the
results. A run that raises is recorded (with its parameters and the error) and the rest go on.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shutil
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from defection.engine.outputs import manifest as make_manifest
from defection.engine.outputs import write_json, write_parquet
from defection.errors import DefectionError, OutputError
from defection.experiments import models
from defection.experiments.design import run_seed

Progress = Callable[[int, int, int], None]  # (runs done, runs total, runs failed)
OWN_FILES = ("manifest.json", "design.parquet", "summary.parquet", "failures.parquet", "parts", "timeseries")


class IncompleteError(DefectionError):
    """Some chunks did not finish (their worker was lost); re-running the same command finishes them."""


@dataclass
class Plan:
    """Everything that defines an experiment's results. Its ``spec`` is hashed to recognise a resume."""

    kind: str                              # "sweep" or "compare"
    model: str                             # key of models.MODELS
    base: dict[str, Any]                   # the resolved scenario (or test-function constants)
    points: list[dict[str, Any]]           # overrides applied at each point
    labels: dict[str, tuple[pa.DataType, list[Any]]]  # summary columns describing each point
    replicates: int
    seed: int
    seed_by: str = "run"                   # "run": seed from the run index; "replicate": common random numbers
    chunk: int = 4
    timeseries: bool = True
    spec: dict[str, Any] = field(default_factory=dict)  # extra, kind-specific (vary, design, policies...)

    @property
    def n_runs(self) -> int:
        return len(self.points) * self.replicates

    @property
    def n_chunks(self) -> int:
        return -(-self.n_runs // self.chunk)

    def seed_of(self, run: int) -> int:
        return run_seed(self.seed, run if self.seed_by == "run" else run % self.replicates)

    def chunk_runs(self, c: int) -> range:
        return range(c * self.chunk, min((c + 1) * self.chunk, self.n_runs))

    def full_spec(self) -> dict[str, Any]:
        return {"kind": self.kind, "model": self.model, "scenario": self.base, "seed": int(self.seed),
                "replicates": int(self.replicates), "seed_by": self.seed_by, "chunk": int(self.chunk),
                "timeseries": bool(self.timeseries), "n_points": len(self.points), **self.spec}

    def spec_hash(self) -> str:
        text = json.dumps(self.full_spec(), sort_keys=True, default=str, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()

    # -- tables ---------------------------------------------------------------------------
    def design_table(self) -> pa.Table:
        runs = list(range(self.n_runs))
        cols: dict[str, pa.Array] = {
            "run": pa.array(runs, pa.int64()),
            "seed": pa.array([self.seed_of(r) for r in runs], pa.int64()),
        }
        for name, (dtype, values) in self.labels.items():
            cols[name] = pa.array([values[r // self.replicates] for r in runs], dtype)
        cols["point"] = pa.array([r // self.replicates for r in runs], pa.int64())
        cols["replicate"] = pa.array([r % self.replicates for r in runs], pa.int64())
        return pa.table(cols)

    def part_schema(self) -> pa.Schema:
        outcome_types = models.get(self.model).outcomes
        fields = [("run", pa.int64()), ("seed", pa.int64())]
        fields += [(name, dtype) for name, (dtype, _) in self.labels.items()]
        fields += list(outcome_types.items())
        fields += [("point", pa.int64()), ("replicate", pa.int64()), ("error", pa.string()), ("ts_rows", pa.int64())]
        return pa.schema(fields)


# -- the task --------------------------------------------------------------------------------

def run_chunk(model_name: str, base: dict[str, Any], items: list[tuple[int, int, dict[str, Any]]],
              timeseries: bool, single_thread: bool = False) -> tuple[list[dict[str, Any]], pa.Table | None]:
    """Run a chunk's runs; return one row per run (outcomes or error) and their time series.

    Runs in a Dask worker (``single_thread``: one numba thread, since parallelism comes from the
    workers) or in-process. A run that raises gives a row with ``error`` set.
    """
    if single_thread and model_name == "defection":
        import numba

        numba.set_num_threads(1)
    model = models.get(model_name)
    rows: list[dict[str, Any]] = []
    tables: list[pa.Table] = []
    for run, seed, point in items:
        try:
            values, ts = model.run(base, point, seed)
            row = {**values, "error": None, "ts_rows": 0}
            if timeseries and ts is not None:
                ts = ts.add_column(0, "run", pa.array([run] * ts.num_rows, pa.int64()))
                tables.append(ts)
                row["ts_rows"] = ts.num_rows
        except Exception as exc:  # noqa: BLE001 - any failure of one run is recorded, not fatal
            last = traceback.extract_tb(exc.__traceback__)[-1:] or [None]
            where = f" (at {Path(last[0].filename).name}:{last[0].lineno})" if last[0] is not None else ""
            row = {"error": f"{type(exc).__name__}: {exc}{where}", "ts_rows": 0}
        row["run"] = run
        rows.append(row)
    table = pa.concat_tables(tables) if tables else None
    return rows, table


def warm_up(model_name: str) -> None:
    """One numba thread per worker; load the model's compiled kernels once per worker process."""
    os.environ["NUMBA_NUM_THREADS"] = "1"
    import numba

    numba.set_num_threads(1)
    if model_name == "defection":
        from defection import api

        api.run(days=3, overrides={"force.n_officers": 200, "run.scale": 10000})


# -- connecting ----------------------------------------------------------------------------

def check_connection(scheduler: Any, workers: int | None) -> None:
    """Validate --scheduler and --workers before anything is written."""
    if workers is not None and workers < 0:
        raise DefectionError(f"--workers {workers}: give a number of worker processes, 1 or more (0 runs in-process).")
    if isinstance(scheduler, str) and not scheduler.startswith(("tcp://", "tls://", "inproc://", "ucx://", "ws://",
                                                                  "wss://")):
        raise DefectionError(f"--scheduler {scheduler}: give the scheduler's address as tcp://HOST:PORT.")


@contextlib.contextmanager
def connect(scheduler: Any = None, workers: int | None = None) -> Iterator[Any]:
    """A Dask client: ``scheduler`` may be an address ('tcp://host:port'), a Client, or None for an
    embedded LocalCluster of ``workers`` processes (default: the machine's cores). ``workers=0``
    without a scheduler runs in-process, without Dask (for debugging; the results are the same)."""
    check_connection(scheduler, workers)
    if scheduler is None and workers == 0:
        yield None
        return
    from distributed import Client, LocalCluster

    if scheduler is not None and not isinstance(scheduler, str):
        yield scheduler  # a Client the caller owns
        return
    if scheduler is not None:
        try:
            client = Client(scheduler, timeout="15s")
        except (OSError, TimeoutError) as exc:
            raise DefectionError(f"--scheduler {scheduler}: cannot connect ({exc}). Start the scheduler with "
                                 f"`dask scheduler` and workers with `dask worker {scheduler}`, or drop "
                                 f"--scheduler to use a local cluster.") from None
        try:
            yield client
        finally:
            client.close()
        return
    n = workers or os.cpu_count() or 1
    env = {"NUMBA_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, host="127.0.0.1",
                           dashboard_address=None, silence_logs=logging.CRITICAL, env=env)
    client = Client(cluster)
    try:
        yield client
    finally:
        client.close()
        cluster.close()


# -- the store ------------------------------------------------------------------------------

def _part_path(out: Path, c: int) -> Path:
    return out / "parts" / f"chunk-{c:06d}.parquet"


def _ts_path(out: Path, c: int) -> Path:
    return out / "timeseries" / f"chunk={c:06d}" / "part-0.parquet"


def _chunk_done(plan: Plan, out: Path, c: int) -> bool:
    """Is chunk ``c`` completely and correctly on disk? A bad or partial file is removed."""
    part = _part_path(out, c)
    if not part.exists():
        _remove(_ts_path(out, c))
        return False
    try:
        table = pq.read_table(part)
        ok = (table.schema.names == plan.part_schema().names
              and table.column("run").to_pylist() == list(plan.chunk_runs(c)))
        if ok and plan.timeseries:
            expected = sum(table.column("ts_rows").to_pylist())
            ts = _ts_path(out, c)
            if expected:
                ok = ts.exists() and pq.read_metadata(ts).num_rows == expected
    except Exception:  # noqa: BLE001 - any unreadable file means: redo the chunk
        ok = False
    if not ok:
        _remove(part)
        _remove(_ts_path(out, c))
    return ok


def _remove(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def _clean_temporaries(out: Path) -> None:
    for sub in (out, out / "parts", *((out / "timeseries").glob("chunk=*") if (out / "timeseries").exists() else ())):
        if sub.is_dir():
            for tmp in sub.glob(".*.tmp-*"):
                _remove(tmp)


def _write_chunk(plan: Plan, out: Path, c: int, rows: list[dict[str, Any]], ts: pa.Table | None,
                 design: pa.Table) -> int:
    """Write a finished chunk: time series first, then the part file that marks it done. Returns failures."""
    schema = plan.part_schema()
    by_run = {r["run"]: r for r in rows}
    runs = list(plan.chunk_runs(c))
    if sorted(by_run) != runs:
        raise RuntimeError(f"chunk {c} returned runs {sorted(by_run)}, expected {runs}")
    if plan.timeseries and ts is not None and ts.num_rows:
        path = _ts_path(out, c)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_parquet(path, ts)
    design_rows = design.slice(runs[0], len(runs)).to_pylist()
    full = []
    for d in design_rows:
        r = by_run[d["run"]]
        full.append({name: (d.get(name) if name in d else r.get(name)) for name in schema.names})
    table = pa.Table.from_pylist(full, schema=schema)
    write_parquet(_part_path(out, c), table)
    return sum(1 for r in full if r["error"] is not None)


def _prepare(plan: Plan, out: Path, force: bool) -> tuple[bool, pa.Table]:
    """Create or reopen ``out`` for ``plan``. Returns (resumed, design table)."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise OutputError(f"--out {out} is a file, not a directory. Choose a directory path.")
    digest = plan.spec_hash()
    mpath = out / "manifest.json"
    if out.exists() and any(out.iterdir()):
        previous = None
        if mpath.exists():
            with contextlib.suppress(OSError, ValueError):
                previous = json.loads(mpath.read_text(encoding="utf-8"))
        same = isinstance(previous, dict) and previous.get("spec_hash") == digest
        if same and not force:
            design = None
            with contextlib.suppress(Exception):
                design = pq.read_table(out / "design.parquet")
            fresh = plan.design_table()
            if design is None or not design.equals(fresh):
                write_parquet(out / "design.parquet", fresh)
            return True, fresh
        if not force:
            if isinstance(previous, dict) and "spec_hash" in previous:
                diff = _spec_difference(previous.get("spec", {}), plan.full_spec())
                raise OutputError(f"--out {out} holds a different {previous.get('kind', 'experiment')} "
                                  f"({diff}). Re-run the exact same command to resume it, choose a new --out, "
                                  f"or pass --force to discard it and start over.")
            raise OutputError(f"--out {out} is not empty and holds no experiment of ours. Choose a new "
                              f"directory, or pass --force to overwrite it.")
        for name in OWN_FILES:
            target = out / name
            if target.is_dir():
                shutil.rmtree(target)
            else:
                _remove(target)
    out.mkdir(parents=True, exist_ok=True)
    design = plan.design_table()
    write_parquet(out / "design.parquet", design)
    _write_manifest(plan, out, status="running")
    return False, design


def _spec_difference(old: dict[str, Any], new: dict[str, Any]) -> str:
    keys = sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
    return "it differs in " + ", ".join(keys) if keys else "it was written by another version"


def _write_manifest(plan: Plan, out: Path, **extra: Any) -> dict[str, Any]:
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


@dataclass
class Outcome:
    out: Path
    runs: int
    ok: int
    failed: int
    resumed: int                # runs found already done on disk
    seconds: float
    summary: pa.Table
    failures: pa.Table
    manifest: dict[str, Any]


def execute(plan: Plan, out: Path | None, *, force: bool = False, scheduler: Any = None, workers: int | None = None,
            progress: Progress | None = None) -> Outcome:
    """Run every missing chunk of ``plan`` into ``out`` and assemble summary.parquet and failures.parquet."""
    t0 = time.perf_counter()
    # the default directory is named by the specification, so re-running the same command resumes it
    out = Path(out) if out is not None else Path("runs") / f"{plan.kind}-{plan.spec_hash()[:12]}"
    check_connection(scheduler, workers)
    resumed, design = _prepare(plan, out, force)
    _clean_temporaries(out)
    (out / "parts").mkdir(exist_ok=True)
    todo = [c for c in range(plan.n_chunks) if not (resumed and _chunk_done(plan, out, c))]
    done_runs = plan.n_runs - sum(len(plan.chunk_runs(c)) for c in todo)
    pending = set(todo)
    failed = _count_failures(out, [c for c in range(plan.n_chunks) if c not in pending]) if resumed else 0
    already = done_runs
    if progress:
        progress(done_runs, plan.n_runs, failed)

    def items(c: int) -> list[tuple[int, int, dict[str, Any]]]:
        return [(r, plan.seed_of(r), plan.points[r // plan.replicates]) for r in plan.chunk_runs(c)]

    lost: list[int] = []
    # nothing left to run (a finished experiment re-run): no cluster is started
    with (connect(scheduler, workers) if todo else contextlib.nullcontext()) as client:
        if client is None:
            for c in todo:
                rows, ts = run_chunk(plan.model, plan.base, items(c), plan.timeseries)
                failed += _write_chunk(plan, out, c, rows, ts, design)
                done_runs += len(plan.chunk_runs(c))
                if progress:
                    progress(done_runs, plan.n_runs, failed)
        elif todo:
            from distributed import as_completed

            from defection.experiments._dask import WarmUpPlugin

            client.register_plugin(WarmUpPlugin(plan.model), name=f"defection-warmup-{plan.model}")
            tag = plan.spec_hash()[:12]
            futures = {}
            for c in todo:
                fut = client.submit(run_chunk, plan.model, plan.base, items(c), plan.timeseries, True,
                                    key=f"defection-{plan.kind}-{tag}-chunk-{c}", pure=False, retries=0)
                futures[fut] = c
            for fut in as_completed(list(futures)):
                c = futures[fut]
                try:
                    rows, ts = fut.result()
                except Exception:  # noqa: BLE001 - KilledWorker, lost connection: leave the chunk to a re-run
                    lost.append(c)
                    continue
                finally:
                    fut.release()
                failed += _write_chunk(plan, out, c, rows, ts, design)
                done_runs += len(plan.chunk_runs(c))
                if progress:
                    progress(done_runs, plan.n_runs, failed)
    seconds = time.perf_counter() - t0
    if lost:
        n_lost = sum(len(plan.chunk_runs(c)) for c in lost)
        _write_manifest(plan, out, status="incomplete", runs_missing=n_lost)
        raise IncompleteError(f"{n_lost} of {plan.n_runs} runs did not finish because their Dask worker was lost "
                              f"(the other {plan.n_runs - n_lost} are saved in {out}). Re-run the same command to "
                              f"finish only the missing runs.")
    summary, failures = assemble(plan, out)
    record = _write_manifest(plan, out, status="complete", runs_ok=summary.num_rows, runs_failed=failures.num_rows,
                             runs_resumed=already)
    return Outcome(out, plan.n_runs, summary.num_rows, failures.num_rows, already, seconds, summary, failures, record)


def _count_failures(out: Path, chunks: list[int]) -> int:
    n = 0
    for c in chunks:
        with contextlib.suppress(Exception):
            errors = pq.read_table(_part_path(out, c), columns=["error"]).column("error")
            n += len(errors) - errors.null_count
    return n


def assemble(plan: Plan, out: Path) -> tuple[pa.Table, pa.Table]:
    """summary.parquet (successful runs, by run) and failures.parquet (failed runs with their error)."""
    import pyarrow.compute as pc

    parts = [pq.read_table(_part_path(out, c)) for c in range(plan.n_chunks)]
    table = pa.concat_tables(parts) if parts else plan.part_schema().empty_table()
    table = table.sort_by("run").combine_chunks()
    errors = table.column("error")
    ok = table.filter(pc.is_null(errors))
    bad = table.filter(pc.invert(pc.is_null(errors)))
    label_cols = list(plan.labels)
    outcome_cols = list(models.get(plan.model).outcomes)
    summary = ok.select(["run", "seed", *label_cols, *outcome_cols, "point", "replicate"])
    failures = bad.select(["run", "seed", *label_cols, "error", "point", "replicate"])
    write_parquet(out / "summary.parquet", summary)
    write_parquet(out / "failures.parquet", failures)
    return summary, failures


def read_manifest(path: Path, kinds: tuple[str, ...] = ("sweep", "compare")) -> dict[str, Any]:
    """The manifest of a finished experiment directory, with a clean error if it is not one."""
    path = Path(path)
    mpath = path / "manifest.json"
    if not path.is_dir():
        raise DefectionError(f"{path} is not a directory. Give the --out directory of a `defection sweep`.")
    if not mpath.exists():
        raise DefectionError(f"{path} has no manifest.json, so it is not the output of `defection sweep`.")
    try:
        record = json.loads(mpath.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DefectionError(f"{mpath} cannot be read as JSON ({exc}).") from None
    if record.get("kind") not in kinds:
        raise DefectionError(f"{path} holds a '{record.get('kind')}', not a {' or '.join(kinds)}.")
    if record.get("status") != "complete" or not (path / "summary.parquet").exists():
        raise DefectionError(f"{path}: the {record.get('kind')} is not complete (status "
                             f"'{record.get('status')}'). Re-run the same command to finish it first.")
    return record
