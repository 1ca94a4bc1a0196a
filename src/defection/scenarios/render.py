"""Render a scenario as commented TOML: each parameter with its meaning, plausible range and source.

``python -m defection.scenarios.render > src/defection/scenarios/myanmar-2021.toml``
regenerates the built-in scenario from the schema defaults; a test checks they agree.
"""
from __future__ import annotations

import datetime as dt
import json
import sys
from typing import Any

from pydantic import BaseModel

from defection.scenarios.schema import Scenario

HEADER = """\
# myanmar-2021: the Myanmar Police Force after the coup of 1 February 2021.
# Rendered from defection/scenarios/schema.py; each parameter: meaning, plausible range, source.
# "assumed" marks a value no public source pins down; AAPP-tuned values are fitted by eye to
# data/myanmar-2021-early.csv and are refined by `defection calibrate`.
"""


def toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    raise TypeError(f"cannot render {type(v).__name__} as TOML")


def _comment(field) -> str:
    extra = field.json_schema_extra or {}
    if not field.description:
        return ""
    bits = [field.description or ""]
    if "plausible" in extra:
        lo, hi = extra["plausible"]
        bits.append(f"range {lo} to {hi}")
    bits.append(f"source: {extra.get('source', 'assumed')}")
    return "  # " + "; ".join(b for b in bits if b)


def _section(obj: BaseModel, path: str, lines: list[str]) -> None:
    scalars, tables, arrays = [], [], []
    for name, field in type(obj).model_fields.items():
        value = getattr(obj, name)
        if isinstance(value, BaseModel):
            tables.append((name, value))
        elif isinstance(value, list) and value and isinstance(value[0], BaseModel):
            arrays.append((name, value, field))
        else:
            scalars.append(f"{name} = {toml_value(value)}{_comment(field)}")
    if scalars:
        if path:
            lines += ["", f"[{path}]"]
        lines += scalars
    for name, items, field in arrays:
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}  # the schema's are dicts
        lines += ["", f"# {field.description}; source: {extra.get('source', 'assumed')}"]
        for item in items:
            lines += [f"[[{path}.{name}]]"] + [
                f"{k} = {toml_value(getattr(item, k))}" for k in type(item).model_fields
            ]
    for name, value in tables:
        _section(value, f"{path}.{name}" if path else name, lines)


def render(scenario: Scenario | None = None) -> str:
    lines = [HEADER.rstrip()]
    _section(scenario or Scenario(), "", lines)
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render())
