"""Scenarios: TOML files validated by pydantic. A scenario is data: nothing in it is executed.

    load("myanmar-2021")                          # built-in, by name
    load("my.toml", ["support.outreach=0.6"])     # a file, with overrides
"""
from __future__ import annotations

import copy
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from defection.errors import ScenarioError, did_you_mean
from defection.scenarios.schema import Scenario


def builtin_names() -> list[str]:
    return sorted(p.name[:-5] for p in resources.files("defection.scenarios").iterdir() if p.name.endswith(".toml"))


def _read_toml(text: str, origin: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{origin} is not valid TOML: {exc}. Fix the syntax at that line.") from None


def source_text(name_or_path: str | Path) -> tuple[str, str]:
    """(TOML text, origin) for a built-in name or a file path."""
    candidate = Path(name_or_path)
    if candidate.suffix == ".toml" or candidate.exists() or "/" in str(name_or_path):
        if not candidate.is_file():
            raise ScenarioError(f"scenario file '{candidate}' does not exist. Give an existing .toml file "
                                f"or a built-in name ({', '.join(builtin_names())}).")
        try:
            return candidate.read_text(encoding="utf-8"), str(candidate)
        except (OSError, UnicodeDecodeError) as exc:
            raise ScenarioError(f"scenario file '{candidate}' cannot be read as UTF-8 text ({exc}).") from None
    names = builtin_names()
    if str(name_or_path) not in names:
        raise ScenarioError(f"unknown scenario '{name_or_path}'.{did_you_mean(str(name_or_path), names)} "
                            f"Built-in scenarios: {', '.join(names)}; or give a path to a .toml file.")
    text = resources.files("defection.scenarios").joinpath(f"{name_or_path}.toml").read_text(encoding="utf-8")
    return text, f"built-in scenario '{name_or_path}'"


def load(name_or_path: str | Path = "myanmar-2021", overrides: list[str] | dict[str, Any] | None = None) -> Scenario:
    """Load, override and validate a scenario; raise :class:`ScenarioError` naming the field and the fix."""
    text, origin = source_text(name_or_path)
    return from_dict(_read_toml(text, origin), overrides, origin)


def from_toml(text: str, overrides: list[str] | dict[str, Any] | None = None, origin: str = "scenario") -> Scenario:
    return from_dict(_read_toml(text, origin), overrides, origin)


def from_dict(data: dict[str, Any], overrides: list[str] | dict[str, Any] | None = None,
              origin: str = "scenario") -> Scenario:
    data = copy.deepcopy(data)
    if isinstance(overrides, dict):
        overrides = [f"{k}={v}" for k, v in overrides.items()]
    for item in overrides or []:
        key, value = parse_override(item)
        apply_override(data, key, value)
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(describe(exc, origin)) from None


def parse_override(item: str) -> tuple[str, Any]:
    """``section.key=value`` -> (key, value); the value is read as a TOML value, else as a string."""
    if "=" not in item:
        raise ScenarioError(f"override '{item}' needs the form section.key=value, e.g. support.outreach=0.6.")
    key, raw = (part.strip() for part in item.split("=", 1))
    if not key:
        raise ScenarioError(f"override '{item}' has no key before '='; use section.key=value.")
    try:
        value = tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw
    return key, value


def apply_override(data: dict[str, Any], key: str, value: Any) -> None:
    """Set ``data[a][b]...`` for ``key`` 'a.b...', checking each part names a real field."""
    parts = key.split(".")
    model: type[BaseModel] | None = Scenario
    node = data
    for depth, part in enumerate(parts):
        fields = model.model_fields if model is not None else {}
        if model is not None and part not in fields:
            where = ".".join(parts[:depth]) or "the scenario"
            raise ScenarioError(
                f"--set {key}: '{part}' is not a parameter of {where}.{did_you_mean(part, fields)} "
                f"Valid keys there: {', '.join(fields)}.")
        if depth == len(parts) - 1:
            node[part] = value
            return
        annotation = fields[part].annotation if model is not None else None
        model = annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None
        if model is None:
            raise ScenarioError(f"--set {key}: '{'.'.join(parts[:depth + 1])}' is a value, not a section; "
                                f"set it as {'.'.join(parts[:depth + 1])}=VALUE.")
        child = node.setdefault(part, {})
        if not isinstance(child, dict):
            raise ScenarioError(f"--set {key}: '{part}' in the scenario is not a table.")
        node = child


def _field_names(loc: tuple) -> list[str]:
    """Valid keys at the parent of a pydantic error location (for 'did you mean')."""
    model: Any = Scenario
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        field = getattr(model, "model_fields", {}).get(part)
        if field is None:
            return []
        ann = field.annotation
        args = getattr(ann, "__args__", ())
        model = next((a for a in (ann, *args) if isinstance(a, type) and issubclass(a, BaseModel)), None)
        if model is None:
            return []
    return list(getattr(model, "model_fields", {}))


def describe(exc: ValidationError, origin: str) -> str:
    """One paragraph: every failing field, the value given, what is allowed, the nearest valid key."""
    parts = []
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        field = ".".join(str(x) for x in loc) or "(top level)"
        given = err.get("input")
        shown = repr(given) if not isinstance(given, dict) else "a table"
        if len(shown) > 60:
            shown = shown[:57] + "..."
        if err["type"] == "extra_forbidden":
            valid = _field_names(loc)
            hint = did_you_mean(str(loc[-1]), valid)
            parts.append(f"'{field}' is not a known parameter.{hint} Valid keys here: {', '.join(valid)}.")
        else:
            msg = err["msg"].removeprefix("Value error, ")
            parts.append(f"'{field}' = {shown}: {msg}.")
    return f"{origin} is invalid: " + " ".join(parts)
