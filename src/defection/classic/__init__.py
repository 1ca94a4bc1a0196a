"""Classic models on the engine: Epstein (2002) civil violence I and Granovetter (1978) thresholds.

The CLI calls :func:`run_classic`; :data:`CLASSIC` lists the built-in classic scenarios.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from defection.classic import epstein, granovetter
from defection.classic._params import ClassicParams, explain
from defection.engine.outputs import manifest, write_json, write_parquet
from defection.errors import ScenarioError, did_you_mean


@dataclass(frozen=True)
class ClassicModel:
    """A classic scenario: how to parse its ``--set`` settings and run it."""

    name: str
    description: str
    params: type[ClassicParams]
    run: Callable[..., dict[str, np.ndarray]]


CLASSIC: dict[str, ClassicModel] = {
    "epstein": ClassicModel(
        "epstein",
        "Epstein (2002) civil violence model I; defaults equal Mesa 3.3's EpsteinCivilViolence",
        epstein.EpsteinParams,
        epstein.run,
    ),
    "granovetter-network": ClassicModel(
        "granovetter-network",
        "Granovetter (1978) thresholds as fractions of network neighbours (synchronous rounds)",
        granovetter.NetworkParams,
        granovetter.run_network,
    ),
}


class RunLength(BaseModel):
    """How long, and with which seed, a classic model runs (the seed range is the scenarios' one)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    steps: int = Field(200, ge=0, lt=1 << 24, strict=True)
    seed: int = Field(0, ge=0, le=2**63 - 1, strict=True)


def check_run(name: str, steps: int, seed: int, settings: dict[str, str]) -> ClassicParams:
    """Validate a classic run before anything is written: the model's name, ``steps``, ``seed``
    and ``settings`` (``--set key=value`` strings). Returns the model's parameters.

    Raises :class:`~defection.errors.ScenarioError` for an unknown model, key or value."""
    if name not in CLASSIC:
        raise ScenarioError(
            f"unknown classic model {name!r}; choose one of {', '.join(CLASSIC)}.{did_you_mean(name, CLASSIC)}"
        )
    try:
        RunLength.model_validate({"steps": steps, "seed": seed})
    except ValidationError as exc:
        raise ScenarioError(explain(name, RunLength, exc)) from None
    return CLASSIC[name].params.from_settings(settings)


def run_classic(name: str, steps: int, seed: int, settings: dict[str, str], out: Path,
                progress: Callable[[int], None] | None = None) -> dict[str, Any]:
    """Validate ``settings`` (``--set key=value`` strings), run ``steps`` steps with ``seed``,
    write ``timeseries.parquet``, ``summary.json`` and ``manifest.json`` into the existing
    directory ``out``, and return the summary (``defection run`` adds ``overview.png``).

    Raises :class:`~defection.errors.ScenarioError` for an unknown model, key or value.
    """
    params = check_run(name, steps, seed, settings)
    model = CLASSIC[name]
    out = Path(out)
    t0 = time.perf_counter()
    cols = model.run(params, steps=steps, seed=seed, progress=progress)
    secs = time.perf_counter() - t0
    table = pa.table({k: pa.array(np.asarray(v, np.int64)) for k, v in cols.items()})
    write_parquet(out / "timeseries.parquet", table)
    summary: dict[str, Any] = {"model": name, "steps": int(cols["step"][-1]), "seconds": round(secs, 3)}
    if name == "epstein":
        n_cit = int(cols["quiet"][0] + cols["active"][0] + cols["jailed"][0])
        burn = min(50, (len(cols["step"]) - 1) // 4)  # burn-in for the summary: a quarter, at most 50
        summary.update(citizens=n_cit, final_active=int(cols["active"][-1]), final_jailed=int(cols["jailed"][-1]))
        if len(cols["step"]) > burn + 1:
            summary.update(epstein.summary(cols["active"], cols["jailed"], n_cit, burn), burn_in=burn)
    else:
        assert isinstance(params, granovetter.NetworkParams)
        summary.update(nodes=params.nodes, final_active=int(cols["active"][-1]),
                       settled=bool(cols["new_active"][-1] == 0 and len(cols["step"]) > 1))
    write_json(out / "summary.json", summary)
    write_json(out / "manifest.json", manifest("classic", params.as_dict(), seed, model=name, steps=steps,
                                               summary=summary))
    return summary


__all__ = ["CLASSIC", "ClassicModel", "check_run", "run_classic", "epstein", "granovetter"]
