"""What an experiment runs: the defection model, or an analytic test function.

A model takes a base configuration, a point's overrides and a seed, and returns a dict of
outcome scalars plus (optionally) a daily time series. Test functions (Ishigami) have known
sensitivity indices and check the sweep/sensitivity machinery without simulating anything.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np
import pyarrow as pa

from defection.errors import DefectionError, did_you_mean
from defection.experiments.design import DesignError

# Outcome scalars of the defection model, recorded for every run of a sweep or comparison.
OUTCOMES: dict[str, pa.DataType] = {
    "defected": pa.int64(),
    "defected_civilian": pa.int64(),
    "defected_paramilitary": pa.int64(),
    "quiet_resisters": pa.int64(),
    "caught": pa.int64(),
    "coercive_capacity_min": pa.float64(),
    "coercive_capacity_min_share": pa.float64(),
    "civilians_killed": pa.int64(),
    "civilians_arrested": pa.int64(),
    "programme_cost": pa.float64(),
    "day_capacity_below_half": pa.int64(),  # null when capacity never fell below half
    "coercive_capacity_end_share": pa.float64(),  # the last day's capacity over day 0's (null if day 0's is 0)
    # per force, as the series record them (null for a model without the force): <outcome>_<force>
    **{f"{outcome}_{force}": dtype for force in ("police", "army")
       for outcome, dtype in (("defected", pa.int64()), ("quiet_resisters", pa.int64()),
                              ("coercive_capacity_end_share", pa.float64()))},
}


def format_value(value: Any) -> str:
    """A Python value as the text of a ``--set`` override (TOML syntax)."""
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return repr(float(value))
    return str(value)


class SimModel:
    """Interface of what an experiment runs.

    ``parameter``, ``check_values`` and ``base`` are used when planning; ``single_thread``,
    ``warm_up`` and ``run`` where the runs happen. ``outcomes`` maps name -> Arrow type.
    """

    name = "abstract"
    outcomes: dict[str, pa.DataType] = {}
    has_timeseries = False
    default_chunk = 4

    def parameter(self, key: str) -> dict[str, Any]:  # pragma: no cover - interface
        raise NotImplementedError

    def check_values(self, vary) -> None:
        pass

    def base(self, scenario: Any, overrides: list[str] | dict[str, Any] | None, days: int | None) -> dict[str, Any]:
        """The fixed configuration every point starts from (stored in the plan and hashed)."""
        return {}

    def largest_run(self, base: dict[str, Any], varies: list) -> Any:
        """The scenario of the largest run of a sweep over ``varies`` from ``base``, to size the job by
        (:mod:`defection.experiments.size`); None for a test function, which simulates nothing."""
        return None

    def single_thread(self) -> None:
        """Hold this process to one thread: in a Dask worker the parallelism comes from the workers."""

    def warm_up(self) -> None:
        """Load whatever the first run would load (compiled kernels), once per worker process."""

    def run(self, base: dict[str, Any], point: dict[str, Any], seed: int) -> tuple[dict[str, Any], pa.Table | None]:
        raise NotImplementedError  # pragma: no cover


class DefectionModel(SimModel):
    """The agent-based model. ``base`` is a resolved scenario as a dict (``Scenario.model_dump(mode='json')``)."""

    name = "defection"
    outcomes = OUTCOMES
    has_timeseries = True
    default_chunk = 4

    def parameter(self, key: str) -> dict[str, Any]:
        from defection.scenarios.schema import parameters

        params = parameters()
        field = params.get(key)
        if field is None:
            numeric = [k for k, f in params.items() if f.annotation in (int, float)]
            raise DesignError(f"--vary {key}: unknown parameter.{did_you_mean(key, numeric)} Parameters are "
                              f"section.key, e.g. support.outreach; see the scenario file for the full list.")
        if field.annotation not in (int, float):
            raise DesignError(f"--vary {key}: this parameter is not a number ({getattr(field.annotation, '__name__', field.annotation)}), "
                              f"so it cannot be varied over a range. Compare its settings with `defection compare "
                              f"--policy NAME:{key}=VALUE` instead.")
        extra = field.json_schema_extra or {}
        return {"integer": field.annotation is int, "plausible": extra.get("plausible")}

    def check_values(self, vary) -> None:
        from defection import scenarios
        from defection.errors import ScenarioError

        for end, value in (("lo", vary.lo), ("hi", vary.hi)):
            v = int(round(value)) if vary.integer else value
            try:
                scenarios.from_dict({}, [f"{vary.key}={format_value(v)}"])
            except ScenarioError as exc:
                msg = str(exc).removeprefix("scenario is invalid: ")
                raise DesignError(f"--vary {vary.key}={vary.lo:g}:{vary.hi:g}: {end} is not a valid value: {msg}") from None

    def base(self, scenario, overrides, days):
        from defection import api

        return api.resolve(scenario, overrides, days=days).model_dump(mode="json")

    def largest_run(self, base, varies):
        from defection.experiments.size import largest_run

        return largest_run(base, varies)

    def single_thread(self) -> None:
        import numba

        numba.set_num_threads(1)

    def warm_up(self) -> None:
        from defection import api

        api.run(days=3, overrides={"force.n_officers": 200, "run.scale": 10000}, threads=1)

    def run(self, base, point, seed):
        from defection import api, scenarios

        overrides = [f"{k}={format_value(v)}" for k, v in point.items()]
        overrides.append(f"run.seed={int(seed)}")
        sc = scenarios.from_dict(base, overrides, origin="sweep point")
        result = api.run(sc)
        return scalars(result), result.timeseries


def scalars(result) -> dict[str, Any]:
    """The outcome scalars of one :class:`defection.api.Result`."""
    f = result.summary["final"]
    cap = result.series("coercive_capacity")
    below = result.summary.get("day_capacity_below_half")
    return {
        "defected": int(f["defected"]),
        "defected_civilian": int(f["defected_civilian"]),
        "defected_paramilitary": int(f["defected_paramilitary"]),
        "quiet_resisters": int(f["quiet_resisters"]),
        "caught": int(f["caught"]),
        "coercive_capacity_min": float(cap.min()) if len(cap) else None,
        "coercive_capacity_min_share": result.summary.get("coercive_capacity_min_share"),
        "civilians_killed": int(f["civilians_killed"]),
        "civilians_arrested": int(f["civilians_arrested"]),
        "programme_cost": float(f["programme_cost"]),
        "day_capacity_below_half": None if below is None else int(below),
        "coercive_capacity_end_share": _end_share(result, "coercive_capacity"),
        **{name: _force_value(result, name) for name in OUTCOMES if name.endswith(("_police", "_army"))},
    }


def _end_share(result, series: str) -> float | None:
    """The last day's value of ``series`` over day 0's; None if the series is absent, empty or starts at 0."""
    if series not in result.timeseries.column_names:
        return None
    values = result.series(series).astype(float)
    return float(values[-1] / values[0]) if len(values) and values[0] > 0 else None


def _force_value(result, name: str) -> float | int | None:
    """A per-force outcome (``defected_police``, ``coercive_capacity_end_share_army``, ...): None if the
    run's series do not break down by that force."""
    if name.startswith("coercive_capacity_end_share_"):
        return _end_share(result, "coercive_capacity_" + name.rsplit("_", 1)[1])
    value = result.summary["final"].get(name)
    return None if value is None else int(value)


class Ishigami(SimModel):
    """y = sin x1 + a sin^2 x2 + b x3^4 sin x1 on [-pi, pi]^3 (Ishigami & Homma 1990), a = 7, b = 0.1.

    Known indices: S1 = (0.3139, 0.4424, 0), ST = (0.5576, 0.4424, 0.2437).
    """

    name = "ishigami"
    outcomes = {"y": pa.float64()}
    default_chunk = 512
    A, B = 7.0, 0.1
    NAMES = ("x1", "x2", "x3")

    def parameter(self, key):
        if key not in self.NAMES:
            raise DesignError(f"--vary {key}: the ishigami test function has parameters x1, x2, x3."
                              f"{did_you_mean(key, self.NAMES)}")
        return {"integer": False, "plausible": [-math.pi, math.pi]}

    def run(self, base, point, seed):
        x = [float(point.get(n, base.get(n, 0.0))) for n in self.NAMES]
        y = math.sin(x[0]) + self.A * math.sin(x[1]) ** 2 + self.B * x[2] ** 4 * math.sin(x[0])
        return {"y": y}, None

    @classmethod
    def indices(cls) -> dict[str, np.ndarray]:
        a, b, pi = cls.A, cls.B, math.pi
        v1 = 0.5 * (1 + b * pi**4 / 5) ** 2
        v2 = a**2 / 8
        v13 = b**2 * pi**8 * (1 / 18 - 1 / 50)
        v = v1 + v2 + v13
        return {"S1": np.array([v1, v2, 0.0]) / v, "ST": np.array([v1 + v13, v2, v13]) / v}


MODELS: dict[str, SimModel] = {"defection": DefectionModel(), "ishigami": Ishigami()}


def get(name: str) -> SimModel:
    model = MODELS.get(name)
    if model is None:
        raise DefectionError(f"--model '{name}' is not a model.{did_you_mean(name, MODELS)} "
                             f"Choose one of: {', '.join(MODELS)}.")
    return model
