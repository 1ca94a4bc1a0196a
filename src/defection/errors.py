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


def nearest(word: str, choices: Iterable[str]) -> str | None:
    """The closest valid spelling of ``word`` among ``choices``, or None if none is close."""
    matches = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return matches[0] if matches else None


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    hit = nearest(word, choices)
    return f" Did you mean '{hit}'?" if hit else ""
