"""Saved runs for the dashboard: run directories under a root given on the command line (``defection serve
--runs DIR``), offered to the page by id.

The page never names a path. The server lists the run directories it finds itself (immediate
subdirectories of the root, not symbolic links, each holding ``timeseries.parquet``, ``summary.json``
and ``manifest.json`` as regular files) and accepts only an id from that list; anything else (``..``,
an absolute path, a link, a name it did not list) gets the same refusal, so nothing about the machine's
files reaches the browser.
"""
from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path
from typing import Any

from defection.errors import DefectionError

RUN_FILES = ("timeseries.parquet", "summary.json", "manifest.json")
OPTIMIZE_FILES = ("trials.parquet", "pareto.parquet", "manifest.json")  # a `defection optimize` directory
REGIONS_FILE = "regions.parquet"
RUN_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
MAX_RUNS_LISTED = 500
MAX_FILE_BYTES = {".json": 20_000_000, ".parquet": 500_000_000}


class UnknownRun(DefectionError):
    """An id the server did not list."""


def _regular_file(path: Path) -> bool:
    """A regular file that is not a symbolic link."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def _read_bytes(path: Path) -> bytes:
    """A listed file's bytes, never through a symbolic link, refused above its size cap."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(fd, "rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        if size > MAX_FILE_BYTES[path.suffix]:
            raise DefectionError(f"'{path.name}' of this run is {size:,} bytes, over the dashboard's limit of "
                                 f"{MAX_FILE_BYTES[path.suffix]:,}.")
        return fh.read()


class SavedRuns:
    """The run directories under ``root`` (None: no saved runs offered).

    Parameters
    ----------
    root : Path or None
        The directory given with ``defection serve --runs``; resolved once, by the server.
    """

    def __init__(self, root: Path | str | None) -> None:
        self.root = Path(root).resolve() if root is not None else None
        if self.root is not None and not self.root.is_dir():
            raise DefectionError(f"--runs {str(root)[:200]!r} is not a directory. Give the directory that holds "
                                 f"your run directories (each written by `defection run --out`).")

    def ids(self, files: tuple[str, ...] = RUN_FILES) -> list[str]:
        """Ids (directory names) of the complete run directories under the root (those holding ``files``), newest
        first."""
        if self.root is None:
            return []
        found = []
        try:
            entries = list(os.scandir(self.root))
        except OSError:
            return []
        for entry in entries:
            if not RUN_ID.match(entry.name) or not entry.is_dir(follow_symlinks=False):
                continue
            if all(_regular_file(Path(entry.path) / name) for name in files):
                found.append((entry.stat(follow_symlinks=False).st_mtime, entry.name))
        return [name for _, name in sorted(found, reverse=True)[:MAX_RUNS_LISTED]]

    def optimize_ids(self) -> list[str]:
        """Ids of the `defection optimize` results directories under the root."""
        return self.ids(OPTIMIZE_FILES)

    def trials(self, run_id: Any):
        """The candidates (``trials.parquet``) of a listed optimisation; :class:`UnknownRun` for anything else."""
        import io

        import pyarrow.parquet as pq

        return pq.read_table(io.BytesIO(_read_bytes(self.directory(run_id, OPTIMIZE_FILES) / "trials.parquet")))

    def directory(self, run_id: Any, files: tuple[str, ...] = RUN_FILES) -> Path:
        """The directory of a listed id; :class:`UnknownRun` for anything else, whatever it is."""
        if not isinstance(run_id, str) or run_id not in self.ids(files):
            raise UnknownRun("unknown saved run: choose one from the list; the dashboard opens only the run "
                             "directories it found itself under --runs, never a path named by the page.")
        assert self.root is not None  # ids() lists nothing without a root
        return self.root / run_id

    def load(self, run_id: Any) -> dict[str, Any]:
        """A listed run as the page's results: one setting, one seed, with its tables and manifest."""
        import io

        import pyarrow.parquet as pq

        from defection.dashboard.jobs import BREAKDOWNS, _pairs, kept_series

        where = self.directory(run_id)
        name = "timeseries.parquet"
        try:  # a damaged file is named in one line, never a traceback
            table = pq.read_table(io.BytesIO(_read_bytes(where / name)))
            name = "summary.json"
            summary = json.loads(_read_bytes(where / name))
            name = "manifest.json"
            manifest = json.loads(_read_bytes(where / name))
            name = REGIONS_FILE
            regions = (pq.read_table(io.BytesIO(_read_bytes(where / REGIONS_FILE)))
                       if _regular_file(where / REGIONS_FILE) else None)
            if not isinstance(summary, dict) or not isinstance(manifest, dict):
                name = "summary.json" if not isinstance(summary, dict) else "manifest.json"
                raise ValueError("not a JSON object")
            if "date" not in table.column_names or "defected" not in table.column_names or not table.num_rows:
                raise DefectionError(f"saved run '{run_id}' has no daily defections to show.")
            name = "summary.json"
            seed = int(summary.get("seed", manifest.get("seed", 0)) or 0)
            name = "timeseries.parquet"
            compact = {"seed": seed, "start": str(table.column("date")[0].as_py()),
                       "series": {column: table.column(column).to_numpy().astype(float)
                                  for column in kept_series(table.column_names)},
                       "breakdowns": {key: _pairs(summary.get(key)) for key in BREAKDOWNS}}
        except DefectionError:
            raise
        except Exception as exc:
            raise DefectionError(f"saved run '{run_id}' could not be read: its {name} is damaged "
                                 f"({type(exc).__name__}).") from None
        scenario: dict[str, Any] = manifest["scenario"] if isinstance(manifest.get("scenario"), dict) else {}
        return {"job": f"saved:{run_id}", "saved": run_id, "runs": {"run": [compact]}, "seeds": [seed],
                "days": table.num_rows, "settings": [{"label": "run", "overrides": {}}],
                "scenario": str(scenario.get("name") or summary.get("scenario") or run_id),
                "tables": {"run": [table]}, "regions": {"run": [regions]}, "manifest": manifest}
