"""The Myanmar security-force model (police and army): one module per mechanism, composed into a day's schedule.

``SCHEDULE`` is the order of the day, printable as data; each entry is timed
by the engine.
"""
from __future__ import annotations

import numpy as np

from defection.engine import Recorder, Simulation, Step
from defection.model import community, crackdown, decision, exposure, front, metrics, protest, regime, support
from defection.model.population import build_state
from defection.scenarios.schema import Scenario

SCHEDULE = (
    Step("protest", protest.protest),
    Step("front", front.front_line),
    Step("crackdown", crackdown.crackdown),
    Step("community", community.community),
    Step("exposure", exposure.exposure),
    Step("budget", support.budget),
    Step("decision", decision.decision),
    Step("support", support.support),
    Step("detection", regime.detection),
    Step("adaptation", regime.adaptation),
    Step("record", metrics.record),
)

# Order is part of the random-stream contract: append new streams, never reorder.
STREAMS = ("population", "crackdown", "decision", "regime", "support")


def build(scenario: Scenario, seed: int | None = None) -> Simulation[Scenario]:
    """A ready-to-run simulation of ``scenario`` with its own seed (or ``seed``)."""
    seed = scenario.run.seed if seed is None else seed
    sim = Simulation(state=None, steps=SCHEDULE, seed=seed, streams=STREAMS, params=scenario)
    sim.state = build_state(scenario, sim.keys)
    sim.recorder = Recorder(scenario.run.days, metrics.COLUMNS)
    crackdown.deploy(sim)
    tw = sim.state.townships
    tw.deployed_initial[:] = tw.deployed
    weights = tw.deployed
    nat = sim.state.national
    nat.lethality_reference = float((tw.lethality * weights).sum() / max(weights.sum(), 1e-12))
    nat.escalation = scenario.regime.escalation_initial
    nat.initial_by_branch[:] = np.bincount(sim.state.officers.branch, minlength=len(nat.initial_by_branch))
    return sim
