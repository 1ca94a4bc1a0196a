"""Public, aggregate observations shipped with the package, each row with its source."""
from __future__ import annotations

import csv
from importlib import resources
from pathlib import Path

from defection.errors import DefectionError, did_you_mean

DATASETS = {
    "myanmar-2021-early": "myanmar-2021-early.csv",
    "myanmar-2021": "myanmar-2021.csv",
    "context": "context.csv",
    "regions-2014-census": "regions-2014-census.csv",
}


def path(name: str) -> Path:
    if name not in DATASETS:
        raise DefectionError(
            f"unknown data set '{name}'.{did_you_mean(name, DATASETS)} Available: {', '.join(DATASETS)}."
        )
    return Path(str(resources.files("defection.data").joinpath(DATASETS[name])))


def rows(name: str) -> list[dict[str, str]]:
    """The data set as a list of CSV rows (strings, as published)."""
    with open(path(name), newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def region_names() -> tuple[str, ...]:
    """The 15 states and regions, in the census order that the model's region index follows."""
    return tuple(r["region"] for r in rows("regions-2014-census"))


def observed(name: str = "myanmar-2021-early") -> dict[str, list[tuple[str, float, str]]]:
    """National observations by series: ``{series: [(iso date, value, bound), ...]}``."""
    out: dict[str, list[tuple[str, float, str]]] = {}
    for r in rows(name):
        if r.get("scope", "national") != "national":
            continue
        out.setdefault(r["series"], []).append((r["date"], float(r["value"]), r["bound"]))
    return out
