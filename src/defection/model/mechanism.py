"""A mechanism declares its parts, as a Starsim ``Module`` does: parameters, state, outputs, switch and step.

The model is assembled from these declarations (``model/__init__.py``): the day's schedule is the list of
mechanisms, each mechanism's state fields are allocated when a simulation is built, and the recorder's columns
are the metrics' columns followed by each mechanism's own. A mechanism's parameters stay in the scenario schema
(``scenarios/`` sits below ``model/`` and cannot import it): a mechanism names the section it reads and gives a
typed view of the fields it uses there, and a test checks that every name it declares exists in the schema.

A mechanism not yet written in this form is a :class:`Function`: its step, declaring nothing else.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from defection.engine.loop import Simulation, Step
from defection.scenarios.schema import Scenario

Sim = Simulation[Scenario]  # a simulation of the security-force model


@dataclass(frozen=True)
class StateField:
    """One array a mechanism owns on a part of the state: ``state.<owner>.<name>``, one row per item of the owner.

    Parameters
    ----------
    owner : str
        The part of the state it belongs to: one of :data:`OWNERS` ("townships", "officers", ...).
    name : str
        Its attribute name on the owner.
    dtype : type
        Its NumPy dtype.
    doc : str
        What it holds and its units, as a state dataclass comment would say.
    trailing : tuple of int
        Shape after the leading axis (the owner's items); () for one value per item.
    fill : float
        Its value when the simulation is built.
    """

    owner: str
    name: str
    dtype: type
    doc: str
    trailing: tuple[int, ...] = ()
    fill: float = 0.0


# How many items each part of the state has: the leading axis of the fields it owns.
OWNERS: dict[str, Callable[[Any], int]] = {
    "townships": lambda state: len(state.townships.region),
    "officers": lambda state: state.officers.n,
    "civilians": lambda state: len(state.civilians.hardship),
    "units": lambda state: len(state.units.size),
}


class Mechanism:
    """One mechanism of the day. A subclass declares its parts as class attributes and writes :meth:`step`.

    Attributes
    ----------
    name : str
        Its name in the schedule and the profile.
    section : str or None
        The scenario section its parameters live in (``army`` for the front line).
    Params : NamedTuple class or None
        The typed view of its parameters: each field is the name of a parameter of ``section``.
    switch : str or None
        The field of ``scenario.switches`` that turns it off; ``needs`` lists switches it also depends on.
    states : tuple of StateField
        The state it owns, allocated when a simulation is built.
    columns : dict
        Its output columns (name to dtype), recorded daily from :meth:`values`.
    """

    name: str
    section: ClassVar[str | None] = None
    Params: ClassVar[Any] = None
    switch: ClassVar[str | None] = None
    needs: ClassVar[tuple[str, ...]] = ()
    states: ClassVar[tuple[StateField, ...]] = ()
    columns: Mapping[str, type] = {}

    def params(self, scenario: Scenario) -> Any:
        """The view of its parameters in ``scenario``: a ``Params`` tuple read by name from ``section``."""
        section = getattr(scenario, str(self.section))
        return self.Params(**{name: getattr(section, name) for name in self.Params._fields})

    def enabled(self, scenario: Scenario) -> bool:
        """Whether its switch, and every switch it needs, is on."""
        switches = scenario.switches
        return all(getattr(switches, s) for s in (*(() if self.switch is None else (self.switch,)), *self.needs))

    def step(self, sim: Sim, day: int) -> None:
        """Advance the state by one day (the mechanism is on)."""
        raise NotImplementedError

    def off(self, sim: Sim, day: int) -> None:
        """The day of a mechanism switched off: by default nothing happens."""

    def values(self, sim: Sim, day: int) -> dict[str, Any]:
        """Today's values of its :attr:`columns`."""
        return {}

    def __call__(self, sim: Sim, day: int) -> None:
        if self.enabled(sim.params):
            self.step(sim, day)
        else:
            self.off(sim, day)


class Function(Mechanism):
    """A mechanism given as its step function only (it reads its switches and parameters itself)."""

    def __init__(self, name: str, fn: Callable[[Sim, int], None]):
        self.name = name
        self.fn = fn

    def step(self, sim: Sim, day: int) -> None:
        self.fn(sim, day)


class Record(Mechanism):
    """The day's last step: the model's metrics (``record``), then the columns each mechanism declares."""

    name = "record"

    def __init__(self, record: Callable[[Sim, int], None], metric_columns: Mapping[str, type],
                 mechanisms: Sequence[Mechanism]):
        self.record, self.mechanisms = record, tuple(mechanisms)
        columns = dict(metric_columns)
        for m in self.mechanisms:
            clash = columns.keys() & m.columns.keys()
            if clash:
                raise ValueError(f"mechanism {m.name!r} declares columns already recorded: {sorted(clash)}")
            columns.update(m.columns)
        self.columns = columns

    def step(self, sim: Sim, day: int) -> None:
        self.record(sim, day)
        for m in self.mechanisms:
            if m.columns:
                sim.recorder.record(day, m.values(sim, day))


def schedule(mechanisms: Sequence[Mechanism]) -> tuple[Step, ...]:
    """The engine's timed schedule: one step per mechanism, in order."""
    names = [m.name for m in mechanisms]
    if len(set(names)) != len(names):
        raise ValueError(f"two mechanisms share a name in the schedule: {names}")
    return tuple(Step(m.name, m) for m in mechanisms)


def allocate_states(state: Any, mechanisms: Sequence[Mechanism]) -> None:
    """Add each mechanism's declared fields to ``state``, each filled with its initial value."""
    for m in mechanisms:
        for f in m.states:
            owner = getattr(state, f.owner)
            if hasattr(owner, f.name):
                raise ValueError(f"mechanism {m.name!r} declares {f.owner}.{f.name}, which already exists")
            shape = (OWNERS[f.owner](state), *f.trailing)
            setattr(owner, f.name, np.full(shape, f.fill, dtype=f.dtype))
