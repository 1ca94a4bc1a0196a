"""User text on the terminal: shown, never obeyed.

A scenario's name, a path or an override is the user's (or a stranger's) text. Written raw, an ESC in it starts
a terminal control sequence that can clear the screen, move the cursor or set the window title, a ``[/]`` in it
is read by rich as markup (and raises ``MarkupError``), a ``[bold]`` restyles what follows and ``:smile:`` becomes
an emoji.

The command line prints only through :class:`TextConsole`: every string it is given (a message, a table's title
or cell, a caption) is turned into text in one place, :meth:`TextConsole.render_str`, with markup and emoji codes
off and control characters written as escapes (:func:`printable`). So no call site can forget: the one way to
style a word is :func:`styled`, which takes the words as text too, and progress bars draw their words with
:func:`text_column`. :func:`shown` is for the other consoles (rich markup on): it escapes markup as well.
"""
from __future__ import annotations

import re
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.progress import Task, TextColumn
from rich.text import Text

# Unicode's control characters (category Cc): C0, DEL and C1. Format characters (Cf) such as the zero-width
# joiner are left alone: Burmese text needs them, and they move no cursor.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def printable(text: object, keep: str = "") -> str:
    """``text`` with every control character written as ``\\xNN``, newlines and tabs included unless in ``keep``."""
    def escaped(match: re.Match) -> str:
        char = match.group()
        return char if char in keep else f"\\x{ord(char):02x}"

    return _CONTROL.sub(escaped, str(text))


def shown(text: object) -> str:
    """``text`` safe to print with rich markup on: control characters escaped, then markup."""
    return escape(printable(text))


class TextConsole(Console):
    """A rich console that reads no string as markup or emoji code and writes control characters as escapes.

    Every ``str`` printed, and every ``str`` in a table (title, caption, header, cell), passes through
    :meth:`render_str`; markup cannot be switched back on by a caller (``markup=True`` is ignored). Line breaks
    of our own messages and tables are kept; a user's text that should not break a line is given through
    :func:`printable` by its caller.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.update(markup=False, emoji=False)
        super().__init__(**kwargs)

    def render_str(self, text: str, **kwargs: Any) -> Text:
        kwargs.update(markup=False, emoji=False)
        return super().render_str(printable(text, keep="\n"), **kwargs)


def styled(text: object, style: str) -> Text:
    """``text`` in ``style`` (e.g. ``"bold red"``), as text: control characters escaped, nothing read as markup."""
    return Text(printable(text), style=style)


def line(*parts: object) -> Text:
    """One line of plain strings and :func:`styled` pieces, e.g. ``line(styled("error:", "bold red"), " ", msg)``."""
    out = Text()
    for part in parts:
        out.append(part if isinstance(part, Text) else printable(part))
    return out


class PlainTextColumn(TextColumn):
    """A progress bar's column of words: the task's fields filled in, then shown as text (never as markup)."""

    def render(self, task: Task) -> Text:
        return Text(printable(self.text_format.format(task=task)), style=self.style, justify=self.justify)


def text_column(text_format: str, style: str = "none") -> PlainTextColumn:
    """A progress bar column showing ``text_format`` (``"{task.description}"``) in ``style``, as text."""
    return PlainTextColumn(text_format, style=style, markup=False)
