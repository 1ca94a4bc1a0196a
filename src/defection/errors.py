"""User-facing errors. The CLI prints their message as one paragraph and exits with code 2."""
from __future__ import annotations

import difflib
from collections.abc import Iterable


class DefectionError(Exception):
    """Bad input the user can fix: the message names the field, the value and the fix."""


class ScenarioError(DefectionError):
    """A scenario file or override that does not validate."""


class OutputError(DefectionError):
    """An output directory that cannot be written as asked."""


class ResourceError(DefectionError):
    """A job that needs more of the machine (memory) than it has."""


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
