"""User text on the terminal: shown, never obeyed.

A scenario's name, a path or an override is the user's (or a stranger's) text. Written raw, an ESC in it starts
a terminal control sequence that can clear the screen, move the cursor or set the window title, and a ``[/]`` in
it is read by rich as markup. :func:`printable` writes each control character as an escape (``\\x1b``);
:func:`shown` also escapes rich markup, for text printed by a rich console with markup on.
"""
from __future__ import annotations

import re

from rich.markup import escape

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
