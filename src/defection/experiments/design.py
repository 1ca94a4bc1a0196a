"""Experimental designs: ``--vary key=lo:hi`` specifications, sample matrices and per-run seeds.

A design is a matrix of points (one row per parameter combination). Each point is run
``replicates`` times; run ``r = point * replicates + replicate``. A run's seed derives from
(sweep seed, run index) through :class:`numpy.random.SeedSequence`, so it does not depend on
the executor, the worker count or the order in which runs finish.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from defection.errors import DefectionError, did_you_mean

DESIGNS = ("lhs", "sobol", "morris", "grid")
MIN_SAMPLES = {"lhs": 2, "sobol": 8, "morris": 4, "grid": 2}
MAX_POINTS = 1_000_000
MORRIS_LEVELS = 4


class DesignError(DefectionError):
    """A --vary, --design or --samples value that cannot make a design."""


@dataclass(frozen=True)
class Vary:
    """One varied parameter: its key, its range and whether it takes whole numbers."""

    key: str
    lo: float
    hi: float
    integer: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Vary":
        return cls(str(d["key"]), float(d["lo"]), float(d["hi"]), bool(d.get("integer", False)))


def _number(text: str, what: str, spec: str) -> float:
    try:
        value = float(text.replace("_", ""))
    except ValueError:
        raise DesignError(f"--vary {spec}: {what} '{text}' is not a number. Use key=lo:hi, e.g. "
                          f"support.outreach=0.1:0.8.") from None
    if not math.isfinite(value):
        raise DesignError(f"--vary {spec}: {what} must be finite, not '{text}'.")
    return value


def parse_vary(spec: str, model) -> Vary:
    """``key=lo:hi`` (or just ``key``, for its documented plausible range) -> :class:`Vary`.

    ``model`` is a :class:`defection.experiments.models.SimModel`; it says which keys exist and
    checks that both ends of the range are valid values.
    """
    spec = str(spec).strip()
    key, sep, rng = spec.partition("=")
    key = key.strip()
    if not key:
        raise DesignError(f"--vary '{spec}': no parameter key before '='. Use key=lo:hi, e.g. support.outreach=0.1:0.8.")
    info = model.parameter(key)  # raises DesignError naming the key and the nearest valid one
    if not sep:
        plausible = info.get("plausible")
        if plausible is None:
            raise DesignError(f"--vary {key}: this parameter has no documented plausible range; give one as "
                              f"{key}=lo:hi.")
        lo, hi = plausible
    else:
        if rng.count(":") != 1:
            raise DesignError(f"--vary {spec}: the range needs the form lo:hi (one colon), e.g. {key}=0.1:0.8.")
        lo_text, hi_text = (part.strip() for part in rng.split(":"))
        lo, hi = _number(lo_text, "lo", spec), _number(hi_text, "hi", spec)
    if lo > hi:
        raise DesignError(f"--vary {spec}: lo ({lo:g}) is greater than hi ({hi:g}). Swap them: {key}={hi:g}:{lo:g}.")
    if lo == hi:
        raise DesignError(f"--vary {spec}: lo equals hi, so nothing varies. Widen the range, or fix the value "
                          f"with --set {key}={lo:g}.")
    integer = bool(info.get("integer", False))
    if integer and math.floor(hi) < math.ceil(lo):
        raise DesignError(f"--vary {spec}: {key} takes whole numbers and there is none between {lo:g} and {hi:g}.")
    vary = Vary(key, float(lo), float(hi), integer)
    model.check_values(vary)
    return vary


def parse_varies(specs: list[str] | tuple[str, ...], model) -> list[Vary]:
    if not specs:
        raise DesignError("no --vary given. Name at least one parameter to vary, e.g. --vary support.outreach=0.1:0.8.")
    out = [parse_vary(s, model) for s in specs]
    seen: set[str] = set()
    for v in out:
        if v.key in seen:
            raise DesignError(f"--vary {v.key} is given twice. Give each parameter once.")
        seen.add(v.key)
    return out


def check_design(design: str, samples: int, n_vars: int, replicates: int = 1) -> None:
    if design not in DESIGNS:
        raise DesignError(f"--design '{design}' is not a design.{did_you_mean(design, DESIGNS)} "
                          f"Choose one of: {', '.join(DESIGNS)}.")
    if replicates < 1:
        raise DesignError(f"--replicates {replicates}: needs at least 1 run per point.")
    need = MIN_SAMPLES[design]
    if samples < need:
        why = {"sobol": "Saltelli/Sobol estimates and their confidence intervals need at least 8 base samples "
                        "(a power of 2; 512 or more for stable indices)",
               "morris": "Morris needs at least 4 trajectories to estimate sigma",
               "grid": "a grid needs at least 2 levels per parameter",
               "lhs": "a Latin hypercube needs at least 2 samples"}[design]
        raise DesignError(f"--samples {samples} is too few for --design {design}: {why}. Use --samples {need} or more.")
    if design == "sobol" and samples & (samples - 1):
        lo = 1 << (samples.bit_length() - 1)
        raise DesignError(f"--samples {samples} is not a power of 2, which Sobol sequences need for balanced "
                          f"estimates. Use --samples {lo} or {lo * 2}.")
    n = n_points(design, samples, n_vars)
    if n * replicates > MAX_POINTS:
        raise DesignError(f"--design {design} with --samples {samples} over {n_vars} parameters and {replicates} "
                          f"replicates makes {n * replicates:,} runs (limit {MAX_POINTS:,}). Use fewer samples.")


def n_points(design: str, samples: int, n_vars: int) -> int:
    return {"lhs": samples, "sobol": samples * (n_vars + 2), "morris": samples * (n_vars + 1),
            "grid": samples ** n_vars}[design]


def problem(varies: list[Vary]) -> dict[str, Any]:
    """The SALib problem dictionary."""
    return {"num_vars": len(varies), "names": [v.key for v in varies], "bounds": [[v.lo, v.hi] for v in varies]}


def sample(varies: list[Vary], design: str, samples: int, seed: int) -> np.ndarray:
    """The design matrix, shape (points, len(varies)); integer parameters are rounded."""
    check_design(design, samples, len(varies))
    prob = problem(varies)
    salib_seed = int(seed) % (2**32)
    if design == "lhs":
        from SALib.sample import latin

        X = latin.sample(prob, samples, seed=salib_seed)
    elif design == "sobol":
        from SALib.sample import sobol

        X = sobol.sample(prob, samples, calc_second_order=False, scramble=True, seed=salib_seed)
    elif design == "morris":
        from SALib.sample import morris

        X = morris.sample(prob, samples, num_levels=MORRIS_LEVELS, seed=salib_seed)
    else:
        axes = [np.linspace(v.lo, v.hi, samples) for v in varies]
        X = np.stack([g.ravel() for g in np.meshgrid(*axes, indexing="ij")], axis=1)
    X = np.asarray(X, dtype=float).reshape(-1, len(varies))
    for j, v in enumerate(varies):
        if v.integer:
            X[:, j] = np.clip(np.round(X[:, j]), math.ceil(v.lo), math.floor(v.hi))
    return X


def run_seed(seed: int, index: int) -> int:
    """The seed of run ``index`` of an experiment with seed ``seed``: a SeedSequence child, < 2**63."""
    state = np.random.SeedSequence(int(seed), spawn_key=(int(index),)).generate_state(2, np.uint32)
    return int((int(state[0]) << 31) ^ int(state[1]))  # 63 bits
