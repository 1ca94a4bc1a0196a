"""The day-step loop: an ordered, printable list of timed mechanism calls.

As in Starsim, the schedule is data: ``Simulation.schedule`` lists the calls in the order
they run each day, and ``Simulation.timings`` holds the seconds spent in each, so a
profile is one attribute away (``defection run --profile`` prints it).
"""
from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar, cast

from defection.engine.rng import stream_keys

ParamsT = TypeVar("ParamsT")
StepFn = Callable[["Simulation[Any]", int], None]


@dataclass(frozen=True)
class Step:
    """One mechanism call of the day: ``fn(sim, day)``, named for the schedule and profile."""

    name: str
    fn: StepFn


@dataclass
class Simulation(Generic[ParamsT]):
    """A model's state, its daily schedule and its random streams.

    ``state`` is any object holding the model's arrays (struct-of-arrays). ``streams``
    names the random streams; each gets an independent uint64 key spawned from ``seed``
    (see :func:`defection.engine.rng.stream_keys`), reachable as ``sim.keys[name]``.
    ``params`` are the model's parameters, of the type the model names: ``Simulation[Scenario]``
    for the security-force model (the engine sits below every model, so it names none).
    """

    state: Any
    steps: Sequence[Step]
    seed: int
    streams: Sequence[str]
    params: ParamsT = cast(Any, None)  # None for a model without parameters (the engine's own tests)
    recorder: Any = None
    keys: dict = field(init=False)
    timings: dict = field(init=False)
    day: int = field(init=False, default=0)

    def __post_init__(self) -> None:
        self.keys = stream_keys(self.seed, tuple(self.streams))
        self.timings = {s.name: 0.0 for s in self.steps}

    @property
    def schedule(self) -> list[str]:
        return [s.name for s in self.steps]

    def step(self) -> None:
        """Run one day: every mechanism in schedule order, each timed."""
        for s in self.steps:
            t0 = time.perf_counter()
            s.fn(self, self.day)
            self.timings[s.name] += time.perf_counter() - t0
        self.day += 1

    def run(self, days: int, progress: Callable[[int], None] | None = None) -> "Simulation":
        """Advance ``days`` days; ``progress(day)`` is called after each."""
        for _ in range(days):
            self.step()
            if progress is not None:
                progress(self.day)
        return self

    def profile(self) -> list[tuple[str, float, float]]:
        """(mechanism, seconds, share of total), in schedule order."""
        total = sum(self.timings.values()) or 1.0
        return [(n, t, t / total) for n, t in self.timings.items()]
