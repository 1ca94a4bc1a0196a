"""User-facing errors. The CLI prints their message as one paragraph and exits with code 2."""
from __future__ import annotations

import difflib
import errno
from collections.abc import Iterable


class DefectionError(Exception):
    """Bad input the user can fix: the message names the field, the value and the fix."""


class ScenarioError(DefectionError):
    """A scenario file or override that does not validate."""


class OutputError(DefectionError):
    """An output directory that cannot be written as asked."""


class ResourceError(DefectionError):
    """A job that needs more of the machine (memory) than it has."""


class DiskFullError(DefectionError):
    """The disk holding an output (or the user's quota on it) filled while the tool wrote there."""


class ReadBackError(DefectionError):
    """A file the tool reads back (a manifest, a job, a posterior, a summary table, observations) that does not
    hold what it should: the message names the file, the field or column (and row), and what was expected."""


MESSAGE_LIMIT = 1500  # characters of an error paragraph; beyond, the rest only repeats the same kind of fault
LISTED = 5  # items named in one list (unknown keys, failing fields); the rest are counted


def shorten(text: str, limit: int = MESSAGE_LIMIT, mark: str = " ... (message shortened)") -> str:
    """``text`` cut to at most ``limit`` characters, ending with ``mark`` where it was cut."""
    text = str(text)
    if len(text) <= limit:
        return text
    return text[: max(0, limit - len(mark))].rstrip() + mark


def listing(items: Iterable[object], limit: int = LISTED, width: int = 60) -> str:
    """'a, b, c' naming at most ``limit`` items (each cut to ``width`` characters), then 'and N more'."""
    items = list(items)
    shown = ", ".join(shorten(str(item), width, "...") for item in items[:limit])
    more = len(items) - limit
    return shown + (f" and {more:,} more" if more > 0 else "")


def nearest(word: str, choices: Iterable[str]) -> str | None:
    """The closest valid spelling of ``word`` among ``choices``, or None if none is close."""
    if len(str(word)) > 100:  # no key is this long, and difflib's time grows with the product of the lengths
        return None
    matches = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return matches[0] if matches else None


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    hit = nearest(word, choices)
    return f" Did you mean '{hit}'?" if hit else ""


DISK_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})
# How the libraries say it without an errno: SQLite (pyabc's history, optuna's study through SQLAlchemy) says
# "database or disk is full" (SQLITE_FULL); Arrow's and others' messages carry the C library's strerror.
DISK_FULL_WORDS = ("database or disk is full", "no space left on device", "disk quota exceeded")


def disk_full(exc: BaseException | None) -> BaseException | None:
    """The exception in ``exc``'s chain that says the disk (or a quota) is full, or None.

    The chain is followed through ``__cause__`` and ``__context__`` (a suppressed context too: an error that
    was re-raised as another, ``raise ... from None``, still came from a full disk) and SQLAlchemy's ``orig``
    (optuna's ``StorageInternalError`` wraps SQLAlchemy's ``OperationalError``, which wraps sqlite3's)."""
    chain: list[BaseException] = []
    todo = [exc]
    while todo:
        item = todo.pop(0)
        if item is None or any(item is seen for seen in chain):
            continue
        chain.append(item)
        orig = getattr(item, "orig", None)
        todo += [item.__cause__, item.__context__, orig if isinstance(orig, BaseException) else None]
    for item in chain:  # the system's own word first: an OSError with its errno
        if isinstance(item, OSError) and item.errno in DISK_FULL_ERRNOS:
            return item
    said = [item for item in chain if not isinstance(item, DefectionError)
            and any(words in str(item).lower() for words in DISK_FULL_WORDS)]
    return said[-1] if said else None  # the innermost: the library's own words, not a wrapper's
