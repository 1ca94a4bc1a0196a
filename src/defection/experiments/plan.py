"""What an experiment (a sweep or a comparison) is: a :class:`Plan` of points, each run ``replicates`` times.

Runs are grouped into fixed chunks (the chunk size is part of the plan, never derived from the
worker count); each chunk is one task. A plan's ``spec`` is hashed to recognise a resume.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from defection.experiments import models
from defection.experiments.design import run_seed

Progress = Callable[[int, int, int], None]  # (runs done, runs total, runs failed)


@dataclass
class Plan:
    """Everything that defines an experiment's results."""

    kind: str                              # "sweep" or "compare"
    model: str                             # key of models.MODELS
    base: dict[str, Any]                   # the resolved scenario (or test-function constants)
    points: list[dict[str, Any]]           # overrides applied at each point
    labels: dict[str, tuple[pa.DataType, list[Any]]]  # summary columns describing each point
    replicates: int
    seed: int
    seed_by: str = "run"                   # "run": seed from the run index; "replicate": common random numbers
    chunk: int = 4
    timeseries: bool = True
    spec: dict[str, Any] = field(default_factory=dict)  # extra, kind-specific (vary, design, policies...)
    # Parameter draws (a comparison's --parameter-draws): replicate k runs on draw k // per_draw, whose overrides
    # come before the point's (a policy's own setting wins). Empty: every replicate runs the scenario's values.
    draws: list[dict[str, Any]] = field(default_factory=list)
    per_draw: int = 0

    @property
    def n_runs(self) -> int:
        return len(self.points) * self.replicates

    @property
    def n_chunks(self) -> int:
        return -(-self.n_runs // self.chunk)

    def seed_of(self, run: int) -> int:
        return run_seed(self.seed, run if self.seed_by == "run" else run % self.replicates)

    def chunk_runs(self, c: int) -> range:
        return range(c * self.chunk, min((c + 1) * self.chunk, self.n_runs))

    def chunk_items(self, c: int) -> list[tuple[int, int, dict[str, Any]]]:
        """(run, seed, point overrides) of each run of chunk ``c``: what its task needs."""
        return [(r, self.seed_of(r), self.overrides_of(r)) for r in self.chunk_runs(c)]

    def overrides_of(self, run: int) -> dict[str, Any]:
        """The overrides of run ``run``: its parameter draw's (if any), then its point's."""
        point = self.points[run // self.replicates]
        if not self.draws:
            return point
        return {**self.draws[(run % self.replicates) // self.per_draw], **point}

    def full_spec(self) -> dict[str, Any]:
        return {"kind": self.kind, "model": self.model, "scenario": self.base, "seed": int(self.seed),
                "replicates": int(self.replicates), "seed_by": self.seed_by, "chunk": int(self.chunk),
                "timeseries": bool(self.timeseries), "n_points": len(self.points), **self.spec,
                **({"parameter_draws": {"draws": self.draws, "per_draw": int(self.per_draw)}} if self.draws else {})}

    def spec_hash(self) -> str:
        text = json.dumps(self.full_spec(), sort_keys=True, default=str, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()

    # -- tables ---------------------------------------------------------------------------
    def design_table(self) -> pa.Table:
        runs = list(range(self.n_runs))
        cols: dict[str, pa.Array] = {
            "run": pa.array(runs, pa.int64()),
            "seed": pa.array([self.seed_of(r) for r in runs], pa.int64()),
        }
        for name, (dtype, values) in self.labels.items():
            cols[name] = pa.array([values[r // self.replicates] for r in runs], dtype)
        cols["point"] = pa.array([r // self.replicates for r in runs], pa.int64())
        cols["replicate"] = pa.array([r % self.replicates for r in runs], pa.int64())
        return pa.table(cols)

    def part_schema(self) -> pa.Schema:
        """Columns of a chunk's part file: the design, the outcomes, and a failed run's error and traceback."""
        outcome_types = models.get(self.model).outcomes
        fields = [("run", pa.int64()), ("seed", pa.int64())]
        fields += [(name, dtype) for name, (dtype, _) in self.labels.items()]
        fields += list(outcome_types.items())
        fields += [("point", pa.int64()), ("replicate", pa.int64()), ("error", pa.string()),
                   ("traceback", pa.string()), ("ts_rows", pa.int64())]
        return pa.schema(fields)
