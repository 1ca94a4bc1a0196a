"""Writing results so that an interrupted run never leaves a file, or a directory, that looks complete."""
from __future__ import annotations

import contextlib
import datetime as _dt
import errno as _errno
import json
import os
import platform
import re
import secrets
import shutil
import stat
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from defection.engine.readback import kind_of as _kind_of
from defection.engine.readback import owner_problem
from defection.errors import OutputError, listing


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write to a fresh ``.<name>.tmp-<pid>-<hex>`` beside ``path``, then rename: readers see the old file or
    the whole new one.

    The temporary file is created exclusively and never through a symbolic link (a link planted at its
    name cannot redirect the write), and it is removed if writing fails. A link at ``path`` itself is
    replaced, not written through.
    """
    path = Path(path)
    _refuse_special_file(path)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}-{secrets.token_hex(4)}")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(tmp, flags, 0o666)
    try:
        with open(fd, "wb", closefd=True) as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _refuse_special_file(path: Path) -> None:
    """Refuse to rename over a FIFO, a device, a socket or a directory: the rename would replace the node
    itself (as root, ``/dev/null``). A link is fine here: it is replaced, not written through."""
    mode = _lstat_mode(path)
    if mode is not None and not (stat.S_ISREG(mode) or stat.S_ISLNK(mode)):
        raise OutputError(f"{path} is {_kind_of(mode)}, not a regular file; it was left as it is. Write to a new "
                          "file name.")


def _lstat_mode(path: Path) -> int | None:
    """The mode of ``path`` itself (a link is not followed), or None if nothing is there."""
    try:
        return os.lstat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):
        return None


def check_output_file(path: Path, force: bool) -> None:
    """An output file (``report --out FILE``) must be absent, or a regular file that ``force`` replaces.

    A link, a directory, a FIFO or a device is refused, ``force`` or not: the file is written under a
    temporary name and renamed over the path, which would replace the link or the node itself.
    """
    mode = _lstat_mode(Path(path))
    if mode is None:
        return
    if stat.S_ISLNK(mode):
        raise OutputError(f"--out {path} is a symbolic link to {os.path.realpath(path)}. A file is never written "
                          "through or over a link, so nothing was changed. Give a new file name.")
    if not stat.S_ISREG(mode):
        raise OutputError(f"--out {path} is {_kind_of(mode)}, not a regular file; it was left as it is. Give a new "
                          "file name, such as report.html.")
    if not force:
        raise OutputError(f"--out {path} already exists. Choose a new file name, or pass --force to replace it.")


def write_json(path: Path, obj: Any) -> None:
    """Write strict JSON: standard JSON has no NaN or Infinity, so a non-finite number is written as null,
    meaning "undefined" (such as a share of an empty group), and every JSON reader can load the file."""
    text = json.dumps(_finite(obj), indent=2, sort_keys=False, default=_jsonable, allow_nan=False)
    atomic_write_bytes(path, (text + "\n").encode())


def _finite(obj: Any) -> Any:
    """``obj`` with each NaN or infinite float (NumPy's included) replaced by None; containers are copied."""
    import math

    import numpy as np

    if isinstance(obj, dict):
        return {key: _finite(value) for key, value in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_finite(value) for value in obj]
    if isinstance(obj, np.ndarray):
        return _finite(obj.tolist())
    if isinstance(obj, (float, np.floating)):
        return float(obj) if math.isfinite(obj) else None
    return obj


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


@dataclass(frozen=True)
class ResultsDir:
    """A results directory being written: files go into ``staging``; ``target`` is where they will be."""

    target: Path
    staging: Path


@dataclass(frozen=True)
class Layout:
    """What one command writes in its results directory, which is the only kind of directory it replaces.

    ``files`` and ``folders`` are regular expressions over paths relative to the directory, with ``/``
    between parts. The ``manifest`` file says which command wrote the directory: its ``package`` is
    ``defection`` and its ``kind`` one of ``kinds`` (with no ``kinds``, only its presence is checked,
    and the command checks its content).
    """

    command: str  # as the user types it, for messages: "defection run"
    kinds: tuple[str, ...]
    files: str
    folders: str = "(?!)"  # matches nothing: no sub-directories
    manifest: str = "manifest.json"

    def holds_file(self, relative: str) -> bool:
        """Whether the command writes the regular file ``relative``, or a temporary of it (``.NAME.tmp-…``)."""
        folder, _, name = relative.rpartition("/")
        temporary = re.fullmatch(r"\.(.+)" + _TEMPORARY, name)
        if temporary:
            relative = f"{folder}/{temporary.group(1)}" if folder else temporary.group(1)
        return re.fullmatch(self.files, relative) is not None

    def holds_folder(self, relative: str) -> bool:
        return re.fullmatch(self.folders, relative) is not None


RUN_LAYOUT = Layout("defection run", ("run", "classic"),
                    r"manifest\.json|summary\.json|timeseries\.parquet|regions\.parquet|overview\.png")

_STAGING: set[Path] = set()  # staging directories open in this process (a nested results_dir writes into them)
_SIBLING = r"\.(?:tmp|old)-\d+-[0-9a-f]{8}"  # suffix of a staging or set-aside sibling: .<name>.tmp-<pid>-<hex>
# A writer's temporary file inside a results directory, as the resume clears them (``.*.tmp-*``, experiments/store.py):
# ``.<name>.tmp-<pid>-<hex>`` today, ``.<name>.tmp-<pid>`` from earlier versions, left by a writer killed mid-write.
_TEMPORARY = r"\.(?:tmp|old)-\d+(?:-[0-9a-f]{8})?"


@contextlib.contextmanager
def results_dir(out: Path | None, force: bool = False, prefix: str = "runs",
                layout: Layout = RUN_LAYOUT) -> Iterator[ResultsDir]:
    """A results directory that is complete or absent: write into a staging sibling, then swap it in.

    Takes a lock beside the target (``<parent>/.<name>.lock``, held until the end) so that a second
    command on the same ``out`` fails at once with a clear message; refuses a target that is a
    link, and a non-empty one unless it is a results directory of ``layout``'s command and ``force``
    is given (see :func:`existing_results`); yields a fresh empty staging directory
    ``<parent>/.<name>.tmp-<pid>-<hex>``.
    On success the staging directory replaces the target in one rename (with ``force``, an atomic
    exchange where the system has one), so readers and a killed process leave the old complete
    directory or the new complete one, never a mix. On any exception, KeyboardInterrupt included,
    the staging directory is removed and the target is left as it was. What a killed writer left is
    cleared by the next writer of the same target: staging directories are deleted, and an old
    directory set aside by a swap killed half-way (systems without an atomic exchange) is put back
    first. The lock file stays (see ``_claim``). ``out=None`` picks
    ``<prefix>/<timestamp>``. Inside an open staging directory (``Result.save`` called by the CLI),
    it writes straight into it.

    Parameters
    ----------
    out : Path or None
        The results directory to create or replace.
    force : bool
        Replace a non-empty target that holds results of ``layout``'s command.
    prefix : str
        Parent of the default target.
    layout : Layout
        What the command writes: a non-empty target holding anything else is refused, ``force`` or not.
    """
    if out is not None and Path(os.path.abspath(out)) in _STAGING:
        yield ResultsDir(Path(out), Path(out))
        return
    target, lock = _claim_default(prefix) if out is None else _claim(absolute_target(Path(out)))
    try:
        _remove_stale_siblings(target)
        _refuse_existing(target, force, layout)
        staging = _make_staging(target)
        _STAGING.add(staging)
        try:
            try:
                yield ResultsDir(target, staging)
            except OSError as exc:
                if exc.filename and str(exc.filename).startswith(str(staging)):
                    raise OutputError(f"--out {_shown(target)}: writing the results failed ({exc.strerror or exc}); "
                                      "nothing was left there. Free some space, or choose another directory.") from None
                raise
            _swap_in(staging, target)
        finally:
            _STAGING.discard(staging)
            shutil.rmtree(staging, ignore_errors=True)  # already gone after a successful swap
    finally:
        lock.release()


def _shown(target: Path) -> str:
    """The target as the user most likely wrote it: relative to the working directory when inside it."""
    try:
        return str(target.relative_to(Path.cwd()))
    except ValueError:
        return str(target)


def absolute_target(out: Path) -> Path:
    """The absolute path of ``--out``, refused if it is a symbolic link: replacing what a link points to
    once emptied a directory the user never named (``shared/latest -> ../home``)."""
    target = Path(os.path.abspath(out))
    if target.is_symlink():
        raise OutputError(f"--out {_shown(target)} is a symbolic link to {os.path.realpath(target)}. Results are "
                          "never written through a link, so nothing was changed. Give the directory itself, or a "
                          "new one.")
    return target


def _claim_default(prefix: str):
    """``<prefix>/<timestamp>``, or ``-2``, ``-3``... when another run started in the same second took it."""
    stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    base = Path(os.path.abspath(prefix)) / stamp
    for k in range(1, 1000):
        target = base if k == 1 else base.with_name(f"{stamp}-{k}")
        if os.path.lexists(target):
            continue
        try:
            target, lock = _claim(target)
        except TargetBusy:
            continue
        if not os.path.lexists(target):
            return target, lock
        lock.release()
    raise OutputError(f"{prefix}: a thousand runs started in the same second; give --out.")


class TargetBusy(OutputError):
    """Another command holds the target's lock."""


def _claim(target: Path):
    """Hold ``<parent>/.<name>.lock``; a second writer fails at once instead of mixing its files in.

    The lock file stays after release: deleting a lock file races with a writer that opened it and
    is about to lock it, which would then hold a lock on a file nobody else can see.
    """
    from filelock import FileLock, Timeout

    cwd = Path.cwd()
    if cwd == target or target in cwd.parents:
        raise OutputError(f"--out {_shown(target)} is the current directory or holds it; the results replace the "
                          "whole directory. Give a new subdirectory, e.g. --out results.")
    lock_file = target.with_name(f".{target.name}.lock")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        # create the lock file ourselves: filelock reports a file it cannot create as a Timeout ("busy")
        os.close(os.open(lock_file, os.O_WRONLY | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o644))
        lock = FileLock(lock_file, timeout=0)
        lock.acquire()
    except Timeout:
        raise TargetBusy(f"--out {_shown(target)} is being written by another defection command right now (it holds "
                         f"{lock_file}). Wait for it to finish, or choose another --out.") from None
    except OSError as exc:
        raise OutputError(f"--out {_shown(target)}: cannot create a results directory there ({exc.strerror or exc}). "
                          "Choose a directory you can write to.") from None
    return target, lock


def _remove_stale_siblings(target: Path) -> None:
    """Clear what a killed writer of this target left (we hold its lock, so no live writer uses it).

    Staging directories are deleted. An old directory set aside by a swap that was killed before the
    new one was renamed in is put back, so the target again holds complete results.
    """
    pattern = re.compile(re.escape(f".{target.name}") + _SIBLING)
    left = [p for p in target.parent.iterdir() if pattern.fullmatch(p.name) and p.is_dir() and not p.is_symlink()]
    set_aside = sorted((p for p in left if ".old-" in p.name[len(target.name) + 1:]), key=lambda p: p.stat().st_mtime)
    if set_aside and not os.path.lexists(target):
        os.rename(set_aside.pop(), target)
    for sibling in left:
        if sibling.exists():
            shutil.rmtree(sibling, ignore_errors=True)


def _refuse_existing(target: Path, force: bool, layout: Layout) -> None:
    if existing_results(target, layout) and not force:
        raise OutputError(f"--out {_shown(target)} is not empty: it holds the results of an earlier "
                          f"`{layout.command}`. Choose a new directory, or pass --force to replace them.")


def existing_results(target: Path, layout: Layout) -> bool:
    """Whether ``target`` holds results that ``layout``'s command wrote (which --force may replace); False
    if it is absent, or empty but for the command's own hidden leftovers (a lock, a temporary file).

    Anything else is refused with an :class:`OutputError`, ``force`` or not: a link, a file, a FIFO or a
    device, and a directory that holds a name the command does not write, a link or a special file, or
    that lacks the command's manifest. Only such a directory is ever replaced, so no user's file is.
    """
    mode = _lstat_mode(target)
    if mode is None:
        return False
    if stat.S_ISLNK(mode):
        absolute_target(target)  # raises, naming where the link points
    if not stat.S_ISDIR(mode):
        raise OutputError(f"--out {_shown(target)} is {_kind_of(mode)}, not a directory; it was left as it is. "
                          "Choose a directory path.")
    if all(name.startswith(".") and layout.holds_file(name) for name in os.listdir(target)):
        return False
    foreign = _foreign_entries(target, layout)
    why = f"it holds {listing(foreign)}" if foreign else _manifest_problem(target, layout)
    if why:
        raise OutputError(f"--out {_shown(target)} is not empty and is not a results directory of "
                          f"`{layout.command}` ({why}). Only a directory that `{layout.command}` wrote is ever "
                          "written into again, --force or not, so nothing was changed. Choose a new directory, "
                          "or an empty one.")
    return True


def _foreign_entries(root: Path, layout: Layout, enough: int = 6) -> list[str]:
    """Up to ``enough`` paths under ``root`` that ``layout``'s command does not write: other names, links
    and special files (one is enough to refuse; a few name the problem). Links are never followed."""
    found: list[str] = []
    folders = [""]
    while folders and len(found) < enough:
        folder = folders.pop()
        with os.scandir(root / folder) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                relative = folder + entry.name
                if entry.is_dir(follow_symlinks=False) and layout.holds_folder(relative):
                    folders.append(relative + "/")
                elif not (entry.is_file(follow_symlinks=False) and layout.holds_file(relative)):
                    found.append(relative + ("/" if entry.is_dir(follow_symlinks=False) else ""))
    return found[:enough]


def _manifest_problem(root: Path, layout: Layout) -> str | None:
    """Why ``root``'s manifest does not show that ``layout``'s command wrote it, or None if it does.
    The manifest is read through :mod:`~defection.engine.readback` (a FIFO there is refused unopened)."""
    path = root / layout.manifest
    if not path.is_file():
        return f"it has no {layout.manifest}"
    if not layout.kinds:
        return None
    return owner_problem(path, layout.kinds, layout.command)


def _make_staging(target: Path) -> Path:
    staging = target.with_name(f".{target.name}.tmp-{os.getpid()}-{secrets.token_hex(4)}")
    staging.mkdir()
    return staging


def _swap_in(staging: Path, target: Path) -> None:
    """Put ``staging`` at ``target``: a rename, or an exchange with the old directory, which is then deleted."""
    try:
        _fsync_tree(staging)
        if target.is_dir() and any(target.iterdir()):
            if _exchange(staging, target):
                shutil.rmtree(staging, ignore_errors=True)  # staging now holds the old results
            else:  # no atomic exchange here: move the old aside, then the new in (a kill between leaves both aside)
                aside = target.with_name(f".{target.name}.old-{os.getpid()}-{secrets.token_hex(4)}")
                os.rename(target, aside)
                os.rename(staging, target)
                shutil.rmtree(aside, ignore_errors=True)
        else:
            os.rename(staging, target)  # replaces an empty directory; fails on one another program filled meanwhile
    except OSError as exc:
        raise OutputError(f"--out {_shown(target)}: the finished results could not be moved into place "
                          f"({exc.strerror or exc}; another program may have written there meanwhile). Choose a new "
                          "directory.") from None
    _fsync_dir(target.parent)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux ``renameat2(RENAME_EXCHANGE)``); False where that is unavailable."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    errno = ctypes.get_errno()
    if errno in (_errno.EINVAL, _errno.ENOSYS, _errno.EOPNOTSUPP):  # file system or kernel without it
        return False
    raise OSError(errno, os.strerror(errno), str(b))


def _fsync_tree(root: Path) -> None:
    """Flush the staging directory's entries, so that the renamed directory is not empty after a crash."""
    for sub, _dirs, _files in os.walk(root):
        _fsync_dir(Path(sub))


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems cannot sync a directory; the rename is still atomic
    finally:
        os.close(fd)


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
