"""Driving the model from the EMA workbench (``defection export-ema``).

``build_model`` returns an ``ema_workbench.Model`` whose uncertainties and levers are scenario
parameters (named ``section.key``) and whose outcomes are the sweep's outcome scalars plus the
daily ``defected`` and ``coercive_capacity`` series. ``export_script`` writes a stand-alone
Python file that builds it, so EMA users can call ``perform_experiments`` on it directly:

    defection export-ema myanmar-2021 --vary decision.w_ties --lever support.protection_capacity --out ema_model.py
    python ema_model.py 100                       # 100 scenarios x 1 policy, SequentialEvaluator
"""
from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from defection.errors import DefectionError
from defection.experiments import models
from defection.experiments.design import Vary, parse_vary

DEFAULT_LEVERS = ("support.protection_capacity", "support.livelihood_capacity", "support.stipend_kyat",
                  "support.outreach")
SERIES = ("defected", "coercive_capacity")


class ModelFunction:
    """The callable EMA runs: keyword arguments ``section.key=value`` (and ``run.seed``) -> outcomes.

    A plain picklable object, so it works with ema_workbench's multiprocessing evaluator.
    """

    def __init__(self, scenario: dict[str, Any]):
        self.scenario = scenario

    def __call__(self, **params: Any) -> dict[str, Any]:
        seed = int(params.pop("run.seed", self.scenario.get("run", {}).get("seed", 0)))
        point = {k: (v.item() if isinstance(v, np.generic) else v) for k, v in params.items()}
        values, ts = models.get("defection").run(self.scenario, point, seed)
        assert ts is not None  # the agent-based model always returns its daily series
        out = {k: (np.nan if v is None else v) for k, v in values.items()}
        for s in SERIES:
            out[f"{s}_series"] = ts.column(s).to_numpy().astype(float)
        return out


def _ema():
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import ema_workbench
    except ImportError:
        raise DefectionError("the EMA workbench model needs the optional ema_workbench package: "
                             "pip install 'defection[discover]' (ema_workbench 2.5.x).") from None
    return ema_workbench


def _parameter(ema, v: Vary):
    if v.integer:
        return ema.IntegerParameter(v.key, int(np.ceil(v.lo)), int(np.floor(v.hi)))
    return ema.RealParameter(v.key, v.lo, v.hi)


def build_model(scenario: dict[str, Any], uncertainties: list[dict[str, Any]], levers: list[dict[str, Any]],
                name: str = "defection"):
    """An ``ema_workbench.Model`` over ``scenario`` (a resolved scenario dict).

    Parameters
    ----------
    scenario : dict
        A resolved scenario, as ``Scenario.model_dump(mode="json")``.
    uncertainties, levers : list of dict
        Each ``{"key": "section.key", "lo": ..., "hi": ..., "integer": bool}``.
    name : str, optional
        The model's name (default ``"defection"``).

    Returns
    -------
    ema_workbench.Model
        The model: its uncertainties and levers are scenario parameters (named ``section.key``), its
        outcomes the sweep's outcome scalars and the daily ``defected`` and ``coercive_capacity``.
    """
    ema = _ema()
    model = ema.Model(name, function=ModelFunction(scenario))
    model.uncertainties = [_parameter(ema, Vary.from_dict(u)) for u in uncertainties]
    model.levers = [_parameter(ema, Vary.from_dict(v)) for v in levers]
    model.constants = [ema.Constant("run.seed", int(scenario.get("run", {}).get("seed", 0)))]
    model.outcomes = ([ema.ScalarOutcome(k) for k in models.OUTCOMES]
                      + [ema.ArrayOutcome(f"{s}_series") for s in SERIES])
    return model


def default_uncertainties() -> list[str]:
    """Every numeric parameter with a documented plausible range, except the levers and run settings."""
    from defection.scenarios.schema import parameters, plausible_range

    return [k for k, f in parameters().items()
            if f.annotation in (int, float) and plausible_range(k) is not None
            and not k.startswith(("support.", "run."))]


# The generated module's text. Every value substituted into it is a ``repr()`` literal (see
# ``_render``), so no scenario text can end a string and become code: the docstring is constant.
SCRIPT = '''"""EMA workbench model written by `defection export-ema`; SCENARIO_NAME names the scenario.

    from ema_model import get_model
    from ema_workbench import perform_experiments
    experiments, outcomes = perform_experiments(get_model(), scenarios=100, policies=4)

Uncertainties and levers are scenario parameters named section.key; `run.seed` is a constant
(make it an IntegerParameter uncertainty for replications). Needs: pip install 'defection[discover]'.
"""
import json

from defection.experiments.ema import build_model

SCENARIO_NAME = {name}
DEFECTION_VERSION = {version}
SCENARIO = json.loads({scenario})
UNCERTAINTIES = {uncertainties}
LEVERS = {levers}


def get_model():
    return build_model(SCENARIO, UNCERTAINTIES, LEVERS, name={model_name})


if __name__ == "__main__":
    import sys

    from ema_workbench import perform_experiments

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    experiments, outcomes = perform_experiments(get_model(), scenarios=n, policies=2 if LEVERS else 0)
    print(experiments.head())
    print({{k: v[:5] for k, v in outcomes.items() if getattr(v, "ndim", 1) == 1}})
'''

_LITERAL_TYPES = (str, int, float, bool, type(None), list, tuple, dict)


def _render(**values: Any) -> str:
    """``SCRIPT`` with each value written as its ``repr()``, the only form in which data enters the module.

    Only plain data (strings, numbers, lists, dicts) is accepted: their ``repr`` is a Python literal
    that evaluates back to the value and cannot contain a statement.
    """
    for key, value in values.items():
        _check_plain(key, value)
    return SCRIPT.format(**{key: repr(value) for key, value in values.items()})


def _check_plain(key: str, value: Any) -> None:
    if type(value) not in _LITERAL_TYPES:  # exact types: a subclass could override __repr__
        raise TypeError(f"{key}: {type(value).__name__} is not plain data; refusing to write it as code")
    if isinstance(value, float) and not np.isfinite(value):  # repr gives the names inf and nan, not literals
        raise DefectionError(f"{key}: {value} cannot be written into the EMA model; give finite bounds.")
    if isinstance(value, dict):
        for k, v in value.items():
            _check_plain(f"{key} key", k)
            _check_plain(f"{key}[{k!r}]", v)
    elif isinstance(value, (list, tuple)):
        for k, v in enumerate(value):
            _check_plain(f"{key}[{k}]", v)


def export_script(scenario: Any = "myanmar-2021", out: str | Path = "ema_model.py", *,
                  vary: list[str] | tuple[str, ...] = (), levers: list[str] | tuple[str, ...] | None = None,
                  days: int | None = None, overrides: list[str] | dict[str, Any] | None = None,
                  force: bool = False) -> Path:
    """Write a Python file that builds the EMA model; return its path.

    Parameters
    ----------
    scenario : str, pathlib.Path or Scenario, optional
        A built-in scenario's name, a scenario file, or a scenario object (default ``"myanmar-2021"``).
    out : str or pathlib.Path, optional
        The file to write (default ``ema_model.py``).
    vary : list of str, optional
        The uncertainties, each ``section.key=lo:hi`` (or ``section.key`` alone, for its documented
        plausible range); by default every numeric parameter with a plausible range, except the
        support programme's and the run's settings.
    levers : list of str, optional
        The levers, in the same form; by default the support programme's capacities, stipend and
        outreach.
    days : int, optional
        Days to simulate; the scenario's ``run.days`` by default.
    overrides : list of str or dict, optional
        Changes to the scenario: ``"section.key=value"`` strings or a dict.
    force : bool, optional
        Replace an existing ``out`` (default False).

    Returns
    -------
    pathlib.Path
        The file written.
    """
    from defection import __version__, api
    from defection.engine.outputs import check_output_file
    from defection.errors import OutputError

    out = Path(out)
    if out.suffix != ".py":
        raise OutputError(f"--out {out}: give a .py file name, e.g. ema_model.py.")
    check_output_file(out, force)  # a link, a directory or a FIFO is refused, --force or not
    sim = models.get("defection")
    unc = [parse_vary(s, sim) for s in (vary or default_uncertainties())]
    lev = [parse_vary(s, sim) for s in (DEFAULT_LEVERS if levers is None else levers)]
    keys = [v.key for v in unc + lev]
    dup = sorted({k for k in keys if keys.count(k) > 1})
    if dup:
        raise DefectionError(f"--vary/--lever {dup[0]}: a parameter is either an uncertainty or a lever, not both.")
    sc = api.resolve(scenario, overrides, days=days)
    text = _render(name=sc.name, version=__version__,
                   scenario=json.dumps(sc.model_dump(mode="json"), sort_keys=True),
                   uncertainties=[v.to_dict() for v in unc], levers=[v.to_dict() for v in lev],
                   model_name="defection")
    from defection.engine.outputs import atomic_write_bytes

    out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(out, text.encode())
    return out
