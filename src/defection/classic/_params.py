"""Parameters of the classic models as pydantic models, and their errors as one clear paragraph.

Pydantic does the parsing and the range checks (``--set key=value`` strings included); this
module turns its first error into the message a user can act on: the model, the key, the value,
what the key must be, and the nearest valid key for a misspelling. Only the first error is
reported and long values are shortened, so the paragraph stays short whatever the input.
"""
from __future__ import annotations

import typing
from typing import Any, ClassVar

import annotated_types
from pydantic import BaseModel, ConfigDict, ValidationError

from defection.errors import ScenarioError, did_you_mean

MAX_SHOWN = 60
"""Longest value repr quoted in a message; longer ones are cut (a message stays one paragraph)."""


def shown(value: Any) -> str:
    """``repr(value)``, cut to :data:`MAX_SHOWN` characters."""
    text = repr(value)
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 3] + "..."


def allowed(model: type[BaseModel], key: str) -> str:
    """What ``key`` of ``model`` must be, in words, from its type and its Field constraints."""
    field = model.model_fields[key]
    choices = typing.get_args(field.annotation) if typing.get_origin(field.annotation) is typing.Literal else ()
    if choices:
        return "one of " + ", ".join(choices)
    if field.annotation is bool:
        return "true or false"
    bounds: dict[str, Any] = {}
    for rule in field.metadata:
        for name in ("ge", "gt", "le", "lt"):
            if isinstance(rule, getattr(annotated_types, name.capitalize())):
                bounds[name] = getattr(rule, name)
    lo = bounds.get("ge", bounds.get("gt"))
    hi = bounds.get("le", bounds["lt"] - 1 if "lt" in bounds else None)
    if field.annotation is int:
        if lo is None or hi is None:
            return "a non-negative integer" if lo == 0 else "an integer"
        return f"an integer from {lo:,} to {hi:,}"
    if lo is not None and hi is not None:
        return f"a number between {lo:g} and {hi:g}"
    return "a non-negative finite number" if lo == 0 else "a finite number"


def explain(label: str, model: type[BaseModel], exc: ValidationError, extra_keys: tuple[str, ...] = ()) -> str:
    """One paragraph for the first error of ``exc``, prefixed with ``label`` (the model's name).

    ``extra_keys`` are settings accepted besides the fields (such as ``variant``)."""
    errors = exc.errors(include_url=False)
    first = errors[0]
    others = len(errors) - 1
    more = f" ({others} more problem{'s' if others > 1 else ''} after this one.)" if others else ""
    key = str(first["loc"][0]) if first["loc"] else ""
    value = first.get("input")
    if first["type"] == "extra_forbidden":
        valid = sorted([*model.model_fields, *extra_keys])
        return (f"{label}: unknown setting {shown(key)} (value {shown(value)}); valid keys are "
                f"{', '.join(valid)}.{did_you_mean(key, valid)}{more}")
    if key not in model.model_fields:  # a rule across fields, raised by a validator with its own words
        cause = first.get("ctx", {}).get("error")
        return f"{label}: {cause if cause is not None else first['msg']}{more}"
    must = allowed(model, key)
    if first["type"] == "literal_error":
        return (f"{label}: {key}={shown(value)} is not allowed; {key} must be {must}."
                f"{did_you_mean(str(value).lower(), typing.get_args(model.model_fields[key].annotation))}{more}")
    return f"{label}: {key}={shown(value)} is not valid; {key} must be {must}.{more}"


class ClassicParams(BaseModel):
    """Base of the classic models' parameters: frozen, no unknown keys, finite numbers only.

    Constructing one with a bad value raises :class:`~defection.errors.ScenarioError` with the
    paragraph of :func:`explain`, never pydantic's own ValidationError."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, str_strip_whitespace=True)

    label: ClassVar[str] = "classic"
    """The model's name, starting every error message."""
    extra_keys: ClassVar[tuple[str, ...]] = ()
    """Settings accepted besides the fields."""

    def __init__(self, /, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as exc:
            raise ScenarioError(explain(type(self).label, type(self), exc, type(self).extra_keys)) from None

    def as_dict(self) -> dict[str, Any]:
        """The parameters as plain values (the manifest records these)."""
        return self.model_dump()

    @classmethod
    def from_settings(cls, settings: dict[str, str] | None = None):
        """Parse ``--set key=value`` strings (whitespace around a value is ignored)."""
        return cls(**dict(settings or {}))
