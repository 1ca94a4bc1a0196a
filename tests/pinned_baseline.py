"""The pinned baseline: which scenarios are pinned, how a run is fingerprinted, and how two fingerprints differ.

Shared by tests/test_baselines.py, which compares fresh runs with tests/baseline.json, and by
scripts/update_baseline.py, which rewrites that file. A fingerprint is the SHA-256 of each daily series
(its dtype and little-endian bytes, so a change of type moves it too) and of each entry of the end-of-run
summary (canonical JSON), with each series' last value beside its hash for a human reader.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

BASELINE_FILE = Path(__file__).with_name("baseline.json")


@dataclass(frozen=True)
class PinnedScenario:
    """A run of the built-in scenario whose outputs are pinned: the mechanism it exercises is in ``why``."""

    name: str
    why: str
    seed: int
    days: int | None  # None: the scenario's own horizon
    overrides: tuple[str, ...] = ()

    def definition(self) -> dict[str, Any]:
        """What is stored beside the hashes, so that a changed definition is told apart from moved outputs."""
        return {"why": self.why, "seed": self.seed, "days": self.days, "overrides": list(self.overrides)}


# Chosen to take different paths through the model; together they run in a few seconds after compilation.
SCENARIOS = (
    PinnedScenario("default", "the default run, both forces over the full horizon", seed=0, days=None),
    PinnedScenario("police_alone", "the police without the army (no second force, no front line)",
                   seed=1, days=365, overrides=("switches.army=false",)),
    PinnedScenario("support_programme", "a monthly budget bought by allocation, re-allocated by a dated schedule",
                   seed=2, days=240,
                   overrides=("support.budget_kyat_month=5e8",
                              'support.schedule=[{date=2021-06-01, lever="allocation_livelihood", value=0.4}, '
                              '{date=2021-06-01, lever="allocation_outreach", value=0.3}]')),
    PinnedScenario("no_cascades_no_adaptation", "cascades and the regime's adaptation switched off",
                   seed=3, days=365,
                   overrides=("switches.peer_effects=false", "switches.township_ties=false",
                              "switches.word_of_mouth=false", "switches.regime_adaptation=false",
                              "switches.oversight=false", "switches.confinement=false")),
)


def run(pinned: PinnedScenario, extra: tuple[str, ...] = ()):
    """The pinned scenario's result; ``extra`` overrides come last (the tests perturb a run with them)."""
    from defection import api  # here, so that reading the pinned file needs no simulation code

    return api.run("myanmar-2021", seed=pinned.seed, days=pinned.days, overrides=[*pinned.overrides, *extra])


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _series_hash(values: np.ndarray) -> str:
    little_endian = values.astype(values.dtype.newbyteorder("<"), copy=False)
    return _sha256(str(little_endian.dtype).encode() + b"\0" + np.ascontiguousarray(little_endian).tobytes())


def _last(values: np.ndarray) -> Any:
    return values[-1].item() if len(values) and values.dtype.kind in "iuf" else None


def fingerprint(result) -> dict[str, dict[str, Any]]:
    """``{name: {"sha256": ..., "last": ...}}`` for each series in table order, then each summary entry."""
    prints: dict[str, dict[str, Any]] = {}
    for name in result.timeseries.column_names:
        values = result.timeseries.column(name).to_numpy()
        prints[name] = {"sha256": _series_hash(values), "last": _last(values)}
    for key, value in result.summary.items():
        canonical = json.dumps(value, sort_keys=True, allow_nan=True, separators=(",", ":"))
        prints[f"summary.{key}"] = {"sha256": _sha256(canonical.encode()), "last": None}
    return prints


def moved(pinned: dict[str, dict[str, Any]], now: dict[str, dict[str, Any]]) -> list[str]:
    """One line per series that differs, in the pinned order, then the series that are new; empty if none."""
    lines = []
    for name, was in pinned.items():
        if name not in now:
            lines.append(f"{name}: gone")
        elif now[name]["sha256"] != was["sha256"]:
            lines.append(f"{name}: moved (last value {was['last']} -> {now[name]['last']})")
    lines += [f"{name}: new" for name in now if name not in pinned]
    return lines


def read() -> dict[str, Any]:
    """The committed baseline: ``{"scenarios": {name: {"definition": ..., "series": fingerprint}}}``."""
    return json.loads(BASELINE_FILE.read_text(encoding="utf-8"))


def write(scenarios: dict[str, dict[str, Any]]) -> None:
    """Write the baseline with one line per series, so that a diff of the file shows which series moved."""
    blocks = []
    for name, stored in scenarios.items():
        series = ",\n".join(f"    {json.dumps(key)}: {json.dumps(value)}" for key, value in stored["series"].items())
        blocks.append(f'  {json.dumps(name)}: {{\n   "definition": {json.dumps(stored["definition"])},\n'
                      f'   "series": {{\n{series}\n   }}\n  }}')
    text = '{\n "scenarios": {\n' + ",\n".join(blocks) + "\n }\n}\n"
    json.loads(text)  # the hand-made layout is still JSON
    BASELINE_FILE.write_text(text, encoding="utf-8")


def entry(pinned: PinnedScenario, result) -> dict[str, Any]:
    """What the baseline file stores for one scenario."""
    return {"definition": pinned.definition(), "series": fingerprint(result)}
