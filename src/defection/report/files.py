"""The files of a results directory that the report may read, found and opened without following links."""
from __future__ import annotations

import errno
import json
import os
import stat
from pathlib import Path
from typing import Any

SKIP_DIRS = {".git", "__pycache__", ".pytest_cache"}

FIGURES = (".png", ".svg")
TABLES = (".parquet", ".csv")
KNOWN_SUFFIXES = FIGURES + TABLES + (".json",)
MAX_DEPTH = 4  # DIR/timeseries/chunk=NNNNNN/part-0.parquet is the deepest file the tool writes
MAX_BYTES = 50_000_000  # a figure or JSON file larger than this is not embedded
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


class ResultFiles:
    """The files of a results directory that the report may read, found and opened without following links.

    Only regular files with a known suffix are listed (figures, tables, JSON). A symbolic link inside
    the directory is never followed, whether it names a file or a folder and wherever it points: it
    is listed in ``links`` and named in the report as not read. Every read opens the path one
    component at a time from the directory's own descriptor with ``O_NOFOLLOW``, so a file swapped
    for a link after the listing is refused too. The directory named on the command line may itself
    be a link (``runs/latest``): the user chose it, and it is opened once.
    """

    def __init__(self, root: Path):
        self.root = root
        self.fd = os.open(root, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        self.files: list[str] = []
        self.links: list[str] = []
        try:
            self._scan(self.fd, (), 0)
        except BaseException:
            os.close(self.fd)
            raise
        self.files.sort(key=lambda rel: (rel.count("/"), rel))  # top-level files first, then by path

    def close(self) -> None:
        os.close(self.fd)

    def _scan(self, fd: int, parts: tuple[str, ...], depth: int) -> None:
        with os.scandir(fd) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                if entry.name.startswith(".") or entry.name in SKIP_DIRS:
                    continue
                rel = "/".join((*parts, entry.name))
                if entry.is_symlink():
                    self.links.append(rel)
                elif entry.is_dir(follow_symlinks=False) and depth < MAX_DEPTH:
                    sub = os.open(entry.name, os.O_RDONLY | os.O_DIRECTORY | _NOFOLLOW, dir_fd=fd)
                    try:
                        self._scan(sub, (*parts, entry.name), depth + 1)
                    finally:
                        os.close(sub)
                elif entry.is_file(follow_symlinks=False) and entry.name.lower().endswith(KNOWN_SUFFIXES):
                    self.files.append(rel)

    def matching(self, suffixes: tuple[str, ...], top_only: bool = False) -> list[str]:
        return [rel for rel in self.files if rel.lower().endswith(suffixes) and not (top_only and "/" in rel)]

    def has(self, rel: str) -> bool:
        return rel in self.files

    def mode(self, name: str) -> int | None:
        """The mode of the top-level entry ``name`` itself (a link is not followed), or None if there is none."""
        try:
            return os.stat(name, dir_fd=self.fd, follow_symlinks=False).st_mode
        except (FileNotFoundError, NotADirectoryError):
            return None

    def open(self, rel: str):
        """A binary file object for ``rel``; OSError if any component is a link or it is not a regular file."""
        *dirs, name = rel.split("/")
        opened: list[int] = []
        try:
            fd = self.fd
            for part in dirs:
                fd = os.open(part, os.O_RDONLY | os.O_DIRECTORY | _NOFOLLOW, dir_fd=fd)
                opened.append(fd)
            # O_NONBLOCK: a FIFO put under a known name cannot hang the report
            fd = os.open(name, os.O_RDONLY | _NOFOLLOW | getattr(os, "O_NONBLOCK", 0), dir_fd=fd)
        finally:
            for d in opened:
                os.close(d)
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            raise OSError(errno.EINVAL, "not a regular file", rel)
        return os.fdopen(fd, "rb")

    def read_bytes(self, rel: str, limit: int = MAX_BYTES) -> bytes | None:
        """The file's bytes, or None if it cannot be read safely or is larger than ``limit``."""
        try:
            with self.open(rel) as fh:
                data = fh.read(limit + 1)
        except OSError:
            return None
        return data if len(data) <= limit else None

    def read_json(self, rel: str) -> Any:
        data = self.read_bytes(rel) if self.has(rel) else None
        try:
            return None if data is None else json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
            return None

    def read_table(self, rel: str, columns: list[str] | None = None):
        """A Parquet (or CSV) file as an Arrow table, keeping only those of ``columns`` it has; None if it
        is not listed or cannot be read."""
        if not self.has(rel):
            return None
        try:
            with self.open(rel) as fh:
                if rel.lower().endswith(".parquet"):
                    import pyarrow.parquet as pq

                    pf = pq.ParquetFile(fh)
                    names = pf.schema_arrow.names
                    return pf.read(columns=None if columns is None else [c for c in columns if c in names])
                import pyarrow.csv as pcsv

                table = pcsv.read_csv(fh)
                return table if columns is None else table.select([c for c in columns if c in table.column_names])
        except Exception:  # noqa: BLE001 - a broken file is named in the appendix, never fatal
            return None
