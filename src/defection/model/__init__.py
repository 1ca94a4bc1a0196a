"""The Myanmar security-force model (police and army): one module per mechanism, composed into a day's schedule.

``MECHANISMS`` is the order of the day; each declares its parts (model/mechanism.py), from which the
schedule (``SCHEDULE``, printable as data, each entry timed by the engine, the record step last), the state's
mechanism-owned fields and the recorder's columns (``COLUMNS``) are assembled.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from defection.engine import Recorder, Simulation
from defection.model import community, crackdown, decision, exposure, front, metrics, protest, regime, support
from defection.model.mechanism import Function, Mechanism, Record, allocate_states, schedule
from defection.model.population import build_state
from defection.scenarios.schema import Scenario

MECHANISMS: tuple[Mechanism, ...] = (
    Function("protest", protest.protest),
    front.FRONT_LINE,
    Function("crackdown", crackdown.crackdown),
    Function("community", community.community),
    exposure.EXPOSURE,
    Function("budget", support.budget),
    Function("decision", decision.decision),
    Function("support", support.support),
    Function("detection", regime.detection),
    Function("adaptation", regime.adaptation),
)

# Order is part of the random-stream contract: append new streams, never reorder.
STREAMS = ("population", "crackdown", "decision", "regime", "support")


def assemble(mechanisms: Sequence[Mechanism]) -> tuple[Mechanism, ...]:
    """The day of ``mechanisms``, then the record step, which records the metrics and every mechanism's columns."""
    return (*mechanisms, Record(metrics.record, metrics.COLUMNS, mechanisms))


SCHEDULE = schedule(assemble(MECHANISMS))
COLUMNS = assemble(MECHANISMS)[-1].columns  # the metrics' columns, then each mechanism's


def build(scenario: Scenario, seed: int | None = None,
          mechanisms: Sequence[Mechanism] = MECHANISMS) -> Simulation[Scenario]:
    """A ready-to-run simulation of ``scenario`` with its own seed (or ``seed``).

    Parameters
    ----------
    scenario : Scenario
        The scenario to run.
    seed : int, optional
        The run's seed; by default ``scenario.run.seed``.
    mechanisms : sequence of Mechanism
        The day's mechanisms in order (by default :data:`MECHANISMS`); the record step is added last.

    Returns
    -------
    Simulation[Scenario]
        The simulation on day 0, its mechanisms' state allocated and its recorder ready.
    """
    day = assemble(mechanisms)
    seed = scenario.run.seed if seed is None else seed
    sim = Simulation(state=None, steps=schedule(day), seed=seed, streams=STREAMS, params=scenario)
    sim.state = build_state(scenario, sim.keys)
    allocate_states(sim.state, day)
    sim.recorder = Recorder(scenario.run.days, day[-1].columns)
    crackdown.deploy(sim)
    tw = sim.state.townships
    tw.deployed_initial[:] = tw.deployed
    weights = tw.deployed
    nat = sim.state.national
    nat.lethality_reference = float((tw.lethality * weights).sum() / max(weights.sum(), 1e-12))
    nat.escalation = scenario.regime.escalation_initial
    nat.initial_by_branch[:] = np.bincount(sim.state.officers.branch, minlength=len(nat.initial_by_branch))
    return sim
