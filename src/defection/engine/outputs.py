"""Writing results so that an interrupted run never leaves a file that looks complete."""
from __future__ import annotations

import datetime as _dt
import json
import os
import platform
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from defection.errors import OutputError


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write to ``path.tmp-<pid>`` then rename: readers see the old file or the whole new one."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def write_json(path: Path, obj: Any) -> None:
    atomic_write_bytes(path, (json.dumps(obj, indent=2, sort_keys=False, default=_jsonable) + "\n").encode())


def write_parquet(path: Path, table: pa.Table) -> None:
    """Deterministic Parquet: same table, same bytes (no timestamps in the file metadata)."""
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd", write_statistics=True)
    atomic_write_bytes(path, sink.getvalue().to_pybytes())


def _jsonable(obj: Any) -> Any:
    import numpy as np

    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, (_dt.date, _dt.datetime)):
        return obj.isoformat()
    if isinstance(obj, Path):
        return str(obj)
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")


def prepare_out_dir(out: Path | None, force: bool = False, prefix: str = "runs") -> Path:
    """Create the output directory; refuse a non-empty one unless ``force``."""
    if out is None:
        stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        out = Path(prefix) / stamp
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise OutputError(f"--out {out} is a file, not a directory. Choose a directory path.")
    if out.exists() and any(out.iterdir()) and not force:
        raise OutputError(
            f"--out {out} is not empty. Choose a new directory, or pass --force to overwrite its results."
        )
    out.mkdir(parents=True, exist_ok=True)
    return out


def git_commit() -> str | None:
    """The commit of the source tree this package was imported from, if it is a git checkout."""
    here = Path(__file__).resolve().parent
    try:
        res = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=here, capture_output=True, text=True, timeout=5, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    commit = res.stdout.strip()
    if res.returncode != 0 or not commit:
        return None
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"], cwd=here, capture_output=True, text=True,
        timeout=5, check=False,
    ).stdout.strip()
    return commit + ("-dirty" if dirty else "")


def manifest(kind: str, scenario: dict[str, Any], seed: int, **extra: Any) -> dict[str, Any]:
    """What is needed to reproduce a result: scenario as resolved, seed, versions, commit, platform."""
    from defection import __version__

    return {
        "kind": kind,
        "package": "defection",
        "version": __version__,
        "git_commit": git_commit(),
        "seed": int(seed),
        "scenario": scenario,
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "platform": {
            "python": sys.version.split()[0],
            "system": platform.system(),
            "machine": platform.machine(),
        },
        **extra,
    }
