"""HTML pieces of the report: escaped text, names kept as they are, and tables of formatted cells."""
from __future__ import annotations

import html
from typing import Any


class Raw(str):
    """Markup already escaped (a cell holding a name, a link-free span)."""


def esc(value: Any) -> str:
    return html.escape(str(value), quote=True)


def name(value: Any) -> Raw:
    """A name (scenario, policy, parameter key, file): shown as written, never translated or digit-converted."""
    return Raw(f'<span class="name" translate="no">{esc(value)}</span>')


def cell(value: Any) -> str:
    return value if isinstance(value, Raw) else esc(value)


def table(headers: list[Any], rows: list[list[Any]], cls: str = "", numeric: tuple[int, ...] = ()) -> str:
    """A table of already formatted cells; columns in ``numeric`` are right-aligned."""
    out = [f'<div class="scroll"><table class="{esc(cls)}"><thead><tr>']
    out += [f"<th>{cell(h)}</th>" for h in headers]
    out.append("</tr></thead><tbody>")
    for row in rows:
        out.append("<tr>" + "".join(f'<td class="num">{cell(v)}</td>' if k in numeric else f"<td>{cell(v)}</td>"
                                    for k, v in enumerate(row)) + "</tr>")
    out.append("</tbody></table></div>")
    return "".join(out)


def para(text: Any, cls: str = "") -> str:
    return f'<p class="{esc(cls)}">{cell(text)}</p>' if cls else f"<p>{cell(text)}</p>"


def flatten(obj: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """Scalar leaves of a nested dict as (dotted key, value); lists kept whole."""
    items: list[tuple[str, Any]] = []
    if isinstance(obj, dict):
        for k, v in obj.items():
            key = f"{prefix}.{k}" if prefix else str(k)
            if isinstance(v, dict):
                items.extend(flatten(v, key))
            else:
                items.append((key, v))
    else:
        items.append((prefix, obj))
    return items


def fill(template: str, names: dict[str, Any] | None = None, **values: Any) -> Raw:
    """``template.format(...)`` as markup: ``values`` escaped, ``names`` shown as names (:func:`name`)."""
    import string

    out = []
    for literal, field, _spec, _conv in string.Formatter().parse(template):
        out.append(esc(literal))
        if field is None:
            continue
        if names and field in names:
            out.append(name(names[field]))
        else:
            out.append(esc(values.get(field, "")))
    return Raw("".join(out))
