"""What a results directory holds, read through :class:`~defection.report.files.ResultFiles` only.

Every loader reads files of the directory (never through a link) and returns None when a file is
absent or unreadable; nothing here runs a simulation. The kinds of directory are those the commands
write: ``run`` (timeseries.parquet, summary.json), ``compare`` and ``sweep`` (summary.parquet,
design.parquet, timeseries/chunk=*/part-0.parquet; compare.json), ``calibration``
(posterior_summary.json, posterior.parquet) and ``forecast`` (forecast.parquet).
"""
from __future__ import annotations

import datetime as dt
import math
import re
import stat
from functools import cached_property
from typing import Any

import numpy as np

from defection.engine.readback import kind_of, parse_manifest
from defection.errors import ReadBackError
from defection.report.files import ResultFiles

FORCES = ("police", "army")  # a column ending _police or _army is a per-force breakdown of the column without it
MAX_SERIES_FILES = 2000  # time series chunk files read for an ensemble's bands; the rest are left out
_CHUNK = re.compile(r"^timeseries/chunk=\d+/part-\d+\.parquet$")


def finite(value: Any) -> bool:
    """A real number that is neither NaN nor infinite (bools are not numbers here)."""
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool) \
        and math.isfinite(float(value))


class Results:
    """The parsed contents of one results directory."""

    def __init__(self, files: ResultFiles):
        self.files = files
        self.manifest: dict[str, Any] = self._read_manifest()
        summary = files.read_json("summary.json")
        self.summary: dict[str, Any] | None = summary if isinstance(summary, dict) else None
        self.kind = str(self.manifest.get("kind") or self._guess_kind())
        self._series_cache: dict[str, Any] = {}

    def _read_manifest(self) -> dict[str, Any]:
        """The directory's manifest.json, checked by :func:`~defection.engine.readback.parse_manifest`: one that
        is not JSON, not an object or whose fields have the wrong types raises a ReadBackError naming the file and
        the field. A FIFO or a device under that name is refused unopened; a link is not read (it is named)."""
        label = str(self.files.root / "manifest.json")
        if not self.files.has("manifest.json"):
            mode = self.files.mode("manifest.json")
            if mode is not None and not (stat.S_ISLNK(mode) or stat.S_ISREG(mode)):
                raise ReadBackError(f"{label} is {kind_of(mode)} where a regular file belongs, so it was not "
                                    "opened. Give a directory written by defection run, sweep, compare, calibrate, "
                                    "forecast or optimize.")
            return {}
        data = self.files.read_bytes("manifest.json")
        if data is None:
            raise ReadBackError(f"{label} cannot be read: it changed into something other than a regular file while "
                                "it was opened, or it is far too large for a manifest.")
        return parse_manifest(data, label)

    def result(self) -> str | None:
        """The file holding this directory's result, if one reads back (``compare.json``, ``timeseries.parquet``,
        ...); None if none does: the report has nothing to show then."""
        checks = {"run": (("timeseries.parquet", lambda: self.run_series), ("summary.json", lambda: self.summary)),
                  "sweep": (("summary.parquet", lambda: self.runs),),
                  "compare": (("compare.json", lambda: self.compare), ("summary.parquet", lambda: self.runs)),
                  "calibration": (("posterior_summary.json", lambda: self.posterior),),
                  "forecast": (("forecast.parquet", lambda: self.forecast),),
                  "optimize": (("pareto.parquet", lambda: self.files.read_table("pareto.parquet")),
                               ("trials.parquet", lambda: self.files.read_table("trials.parquet")))}
        checks["classic"] = checks["run"]
        for name, read in checks.get(self.kind, ()):
            if read() is not None:
                return name
        return None

    def expected(self) -> list[str]:
        """The files that hold a result of this kind (for a message saying none reads back)."""
        return {"run": ["timeseries.parquet", "summary.json"], "classic": ["timeseries.parquet", "summary.json"],
                "sweep": ["summary.parquet"], "compare": ["compare.json", "summary.parquet"],
                "calibration": ["posterior_summary.json"], "forecast": ["forecast.parquet"],
                "optimize": ["pareto.parquet", "trials.parquet"]}.get(self.kind, [])

    def _guess_kind(self) -> str:
        for name, kind in (("compare.json", "compare"), ("posterior_summary.json", "calibration"),
                           ("forecast.parquet", "forecast"), ("timeseries.parquet", "run"),
                           ("summary.parquet", "sweep")):
            if self.files.has(name):
                return kind
        return "results"

    # -- the scenario ---------------------------------------------------------------------------
    @cached_property
    def scenario(self) -> dict[str, Any]:
        sc = self.manifest.get("scenario")
        if not isinstance(sc, dict):
            job = self.files.read_json("job.json")
            sc = job.get("scenario") if isinstance(job, dict) else None
        return sc if isinstance(sc, dict) else {}

    def param(self, section: str, key: str) -> Any:
        value = self.scenario.get(section)
        return value.get(key) if isinstance(value, dict) else None

    @property
    def start(self) -> dt.date | None:
        try:
            return dt.date.fromisoformat(str(self.param("run", "start"))[:10])
        except ValueError:
            return None

    @property
    def days(self) -> int | None:
        days = self.param("run", "days")
        return int(days) if finite(days) else None

    @property
    def is_ensemble(self) -> bool:
        return self.kind in ("compare", "sweep") or (self.runs is not None and self.summary is None)

    # -- tables ----------------------------------------------------------------------------------
    @cached_property
    def run_series(self):
        """A single run's daily series (timeseries.parquet), or None."""
        return self.files.read_table("timeseries.parquet")

    @cached_property
    def runs(self):
        """One row per run of an ensemble (summary.parquet), or None."""
        return self.files.read_table("summary.parquet")

    @cached_property
    def compare(self) -> dict[str, Any] | None:
        data = self.files.read_json("compare.json")
        return data if isinstance(data, dict) and isinstance(data.get("rows"), list) else None

    @cached_property
    def posterior(self) -> dict[str, Any] | None:
        data = self.files.read_json("posterior_summary.json")
        return data if isinstance(data, dict) and isinstance(data.get("posterior"), dict) else None

    @cached_property
    def forecast(self):
        return self.files.read_table("forecast.parquet")

    def baseline_runs(self) -> list[int] | None:
        """The runs of the reference policy of a comparison (point 0), or None when all runs count."""
        if self.kind != "compare" or self.runs is None or "point" not in self.runs.column_names:
            return None
        points = self.runs.column("point").to_numpy()
        return [int(r) for r in self.runs.column("run").to_numpy()[points == 0]]

    def ensemble_values(self, column: str) -> np.ndarray | None:
        """An outcome of every run of an ensemble (the baseline's runs for a comparison), as floats."""
        if self.runs is None or column not in self.runs.column_names:
            return None
        values = self.runs.column(column).to_numpy(zero_copy_only=False).astype(float)
        keep = self.baseline_runs()
        if keep is not None:
            values = values[np.isin(self.runs.column("run").to_numpy(), keep)]
        return values

    def ensemble_series(self, columns: list[str]):
        """The daily series of an ensemble's runs (chunk files of timeseries/), ``run``, ``date`` and those of
        ``columns`` that exist, or None."""
        import pyarrow as pa

        chunks = [rel for rel in self.files.files if _CHUNK.match(rel)][:MAX_SERIES_FILES]
        tables = [self.files.read_table(rel, ["run", "day", "date", *columns]) for rel in chunks]
        tables = [tb for tb in tables if tb is not None and tb.num_rows and {"run", "date"} <= set(tb.column_names)]
        if not tables:
            return None
        names = set.intersection(*(set(tb.column_names) for tb in tables))
        keep = [c for c in ("run", "day", "date", *columns) if c in names]
        return pa.concat_tables([tb.select(keep) for tb in tables])

    def series_matrix(self, column: str, keep: list[int] | None = None,
                      baseline: bool = True) -> tuple[np.ndarray, np.ndarray] | None:
        """(dates, values of shape runs x days) of an ensemble's ``column``: the runs in ``keep``, else the
        baseline's runs of a comparison (``baseline``), else all; None without time series."""
        table = self._series_cache.get(column)
        if table is None:
            table = self._series_cache[column] = self.ensemble_series([column])
        if table is None or column not in table.column_names:
            return None
        runs = table.column("run").to_numpy()
        if keep is None and baseline:
            keep = self.baseline_runs()
        mask = np.ones(len(runs), bool) if keep is None else np.isin(runs, keep)
        dates = table.column("date").to_numpy().astype("datetime64[D]")[mask]
        values = table.column(column).to_numpy(zero_copy_only=False).astype(float)[mask]
        runs = runs[mask]
        if not len(runs):
            return None
        all_dates = np.unique(dates)
        index = {r: k for k, r in enumerate(np.unique(runs))}
        grid = np.full((len(index), len(all_dates)), np.nan)
        grid[[index[r] for r in runs], np.searchsorted(all_dates, dates)] = values
        return all_dates, grid

    def groups(self) -> dict[str, list[int]]:
        """Runs by policy for a comparison; every run as one group otherwise."""
        if self.runs is None:
            return {}
        runs = [int(r) for r in self.runs.column("run").to_numpy()]
        if self.kind == "compare" and "policy" in self.runs.column_names:
            out: dict[str, list[int]] = {}
            for run, policy in zip(runs, self.runs.column("policy").to_pylist()):
                out.setdefault(str(policy), []).append(run)
            return out
        return {"": runs}

    # -- per force -------------------------------------------------------------------------------
    def columns(self) -> set[str]:
        """Every outcome name this directory records (final values, run outcomes, series columns)."""
        names: set[str] = set()
        if self.summary and isinstance(self.summary.get("final"), dict):
            names |= set(self.summary["final"])
        for table in (self.run_series, self.runs):
            if table is not None:
                names |= set(table.column_names)
        return names

    def forces_of(self, column: str) -> list[str]:
        """The forces with a per-force breakdown of ``column`` (``column_police``, ``column_army``)."""
        names = self.columns()
        by_force = (self.summary or {}).get("by_force")
        found = [f for f in FORCES if f"{column}_{f}" in names
                 or (isinstance(by_force, dict) and isinstance(by_force.get(f), dict) and column in by_force[f])]
        return found

    def final(self, column: str) -> float | None:
        """A single run's final value of ``column`` (summary.json, its by_force mapping, or the last day)."""
        s = self.summary or {}
        final = s.get("final") if isinstance(s.get("final"), dict) else {}
        for source in (final, s):
            if finite(source.get(column)):
                return float(source[column])
        for force in FORCES:
            if column.endswith(f"_{force}"):
                by = s.get("by_force", {}).get(force) if isinstance(s.get("by_force"), dict) else None
                base = column[: -len(force) - 1]
                if isinstance(by, dict) and finite(by.get(base)):
                    return float(by[base])
        series = self.run_series
        if series is not None and column in series.column_names and series.num_rows:
            value = series.column(column)[-1].as_py()
            return float(value) if finite(value) else None
        return None
