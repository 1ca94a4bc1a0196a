"""Scenarios: TOML files validated by pydantic. A scenario is data: nothing in it is executed.

    load("myanmar-2021")                          # built-in, by name
    load("my.toml", ["support.outreach=0.6"])     # a file, with overrides
"""
from __future__ import annotations

import copy
import tomllib
import typing
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, ValidationError

from defection.errors import LISTED, ScenarioError, did_you_mean, listing, shorten
from defection.scenarios.schema import Scenario


def builtin_names() -> list[str]:
    return sorted(p.name[:-5] for p in resources.files("defection.scenarios").iterdir() if p.name.endswith(".toml"))


MAX_SCENARIO_CHARS = 1_000_000  # a scenario is about 15 kB; a larger text is not one, and parsing it takes long
TOO_DEEP = ("nests arrays or tables too deeply to be a scenario (a scenario's values are numbers, strings and "
            "flat lists, at most three tables deep).")


def _read_toml(text: str, origin: str) -> dict[str, Any]:
    """The TOML table in ``text``; refuse text that is too large, malformed, too deeply nested or empty."""
    if len(text) > MAX_SCENARIO_CHARS:
        raise ScenarioError(f"{origin} is {len(text):,} characters long; a scenario is a few kilobytes (at most "
                            f"{MAX_SCENARIO_CHARS:,} characters are read). Give a scenario file.")
    text = text.removeprefix("\ufeff")  # a byte-order mark, as some Windows editors write, is not part of the TOML
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{origin} is not valid TOML: {shorten(str(exc), 300)}. Fix the syntax at that line.") from None
    except RecursionError:
        raise ScenarioError(f"{origin} {TOO_DEEP}") from None
    if not data:
        raise ScenarioError(f"{origin} holds no settings (it is empty, or only comments); run as it is, it would be "
                            "the built-in defaults under their own name. Give at least a name and the parameters "
                            "that differ, or start from a copy of a built-in scenario file "
                            "(defection/scenarios/myanmar-2021.toml in the package).")
    return data


def source_text(name_or_path: str | Path) -> tuple[str, str]:
    """(TOML text, origin) for a built-in name or a file path."""
    candidate = Path(name_or_path)
    if candidate.suffix == ".toml" or candidate.exists() or "/" in str(name_or_path):
        if not candidate.is_file():
            raise ScenarioError(f"scenario file '{candidate}' does not exist. Give an existing .toml file "
                                f"or a built-in name ({', '.join(builtin_names())}).")
        try:
            if candidate.stat().st_size > 4 * MAX_SCENARIO_CHARS:  # not read whole: 4 bytes per character at most
                raise ScenarioError(f"scenario file '{candidate}' is {candidate.stat().st_size:,} bytes; a scenario "
                                    f"is a few kilobytes. Give a scenario file.")
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
              origin: str = "scenario", sources: dict[str, str] | None = None,
              override_label: str = "--set") -> Scenario:
    """Validate ``data`` with ``overrides`` applied; raise :class:`ScenarioError` naming the field and the fix.

    Parameters
    ----------
    data : dict
        The scenario's tables, as read from TOML or JSON.
    overrides : list of str or dict, optional
        ``section.key=value`` items, or ``{"section.key": value}``.
    origin : str
        How the error message names ``data`` (e.g. "scenario file 'x.toml'").
    sources : dict, optional
        How the user gave other keys already set in ``data`` (e.g. ``{"run.seed": "--seed -1"}``), so that
        an invalid value is blamed on the option that set it rather than on the scenario.
    override_label : str
        How the user gave ``overrides``: an invalid override is blamed as "LABEL key=value" (e.g.
        "--set regime.p_detect=2", or "policy 'x': regime.p_detect=2" with ``override_label="policy 'x':"``).
    """
    if not isinstance(data, dict):
        raise ScenarioError(f"{origin} is not a table of settings (it is a {type(data).__name__}).")
    _refuse_unknown_keys(data, origin)
    try:
        data = copy.deepcopy(data)
    except RecursionError:
        raise ScenarioError(f"{origin} {TOO_DEEP}") from None
    if isinstance(overrides, dict):
        overrides = [f"{k}={_as_toml(v)}" for k, v in overrides.items()]
    given = dict(sources or {})
    for item in overrides or []:
        key, value = parse_override(item)
        apply_override(data, key, value)
        given[key] = f"{override_label} {item.strip()}".strip()
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(describe(exc, origin, given)) from None
    except RecursionError:
        raise ScenarioError(f"{origin} {TOO_DEEP}") from None


def _as_toml(value: Any) -> str:
    """A Python value as the text of an override: booleans as TOML writes them (str(True) is 'True', which TOML
    reads as a string, and a string is not a boolean)."""
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    return str(value)


def _section_model(annotation: Any) -> type[BaseModel] | None:
    """The scenario section (pydantic model) a field holds, or holds a list of; None for a plain value."""
    for candidate in (annotation, *typing.get_args(annotation)):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None


def _unknown_keys(node: dict[str, Any], model: type[BaseModel], path: str) -> tuple[str, list[str], list[str]]:
    """The first table under ``node`` holding keys ``model`` does not know: (its path, the keys, the valid keys)."""
    fields = model.model_fields
    unknown = [key for key in node if key not in fields]
    if unknown:
        return path, unknown, list(fields)
    for key, value in node.items():
        child = _section_model(fields[key].annotation)
        items = value if isinstance(value, list) else [value]
        for k, item in enumerate(items):
            if child is not None and isinstance(item, dict):
                where = f"{path}{key}" + (f"[{k}]" if isinstance(value, list) else "")
                found = _unknown_keys(item, child, f"{where}.")
                if found[1]:
                    return found
    return path, [], []


def _refuse_unknown_keys(data: dict[str, Any], origin: str) -> None:
    """Refuse unknown keys before validation, in a bounded message: a file with millions of them costs
    pydantic one error object each, and the message one line each."""
    path, unknown, valid = _unknown_keys(data, Scenario, "")
    if not unknown:
        return
    where = path.rstrip(".") or "the top level"
    if len(unknown) == 1:
        what = f"'{path}{shorten(unknown[0], 60, '...')}' is not a known parameter.{did_you_mean(unknown[0], valid)}"
    else:
        what = (f"{len(unknown):,} keys at {where} are not known parameters: "
                f"{listing(repr(k) for k in unknown)}.{did_you_mean(unknown[0], valid)}")
    raise ScenarioError(f"{origin} is invalid: {what} Valid keys at {where}: {', '.join(valid)}.")


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


def describe(exc: ValidationError, origin: str, given: dict[str, str] | None = None) -> str:
    """One paragraph: the failing fields (the first few, then a count), the value given, what is allowed,
    the nearest valid key; a field set by an override is blamed on the override (``given``: key -> option)."""
    groups: dict[str, list[str]] = {}
    errors = exc.errors(include_url=False)
    for err in errors[:LISTED]:
        loc = tuple(err["loc"])
        field = shorten(".".join(str(x) for x in loc), 80, "...") or "(top level)"
        value = err.get("input")
        shown = shorten(repr(value), 60, "...") if not isinstance(value, dict) else "a table"
        if err["type"] == "extra_forbidden":
            valid = _field_names(loc)
            hint = did_you_mean(str(loc[-1]), valid)
            text = f"'{field}' is not a known parameter.{hint} Valid keys here: {', '.join(valid)}."
        else:
            text = f"'{field}' = {shown}: {shorten(err['msg'].removeprefix('Value error, '), 200, '...')}."
        groups.setdefault(_blamed(loc, given or {}) or f"{origin} is invalid", []).append(text)
    paragraph = " ".join(f"{who}: {' '.join(texts)}" for who, texts in groups.items())
    if len(errors) > LISTED:
        paragraph += f" ({len(errors) - LISTED:,} more problems not shown.)"
    return paragraph


def _blamed(loc: tuple, given: dict[str, str]) -> str | None:
    """The override (e.g. "--set regime.p_detect=2") that set the field at ``loc``, or one inside it."""
    field = ".".join(str(x) for x in loc if not isinstance(x, int))
    for key, option in given.items():
        if field == key or field.startswith(key + ".") or key.startswith(field + "."):
            return option
    return None
