"""The front line: where armed resistance is strong, combat soldiers are pulled to leave and can.

Each township t has a front-line intensity

    f_t = z_t / (1 + z_t),   z_t = k Z_t / (N_t a_ref)

with Z_t its civilian agents in armed resistance today (k people each), N_t its people and a_ref
``army.front_reference_share``: f_t is 0 where nobody has taken up arms, one half where the
armed share equals the reference, and approaches 1 where resistance is strongest. For a combat
soldier stationed there (support soldiers and the police are not at the front):

- disaffection rises by ``army.front_pull`` f_t: sent against their own people, at risk in
  operations (decision.py);
- the daily chance to leave is multiplied by 1 + ``army.front_opportunity`` f_t: resistance
  forces take in deserters (decision.py);
- the chance that an attempt is caught is multiplied by 1 - ``army.front_safety`` f_t: who
  crosses to the resistance is beyond the army's reach (regime.py).

Soldiers' families stay in the cantonments, so the fear for them is unchanged. The switch
``switches.front_line`` turns all three off.

References
----------
.. [1] Kyed, H. M. (2022). Introduction to the special issue: soldier defections since the 2021 military coup.
   *Independent Journal of Burmese Scholarship* 1.
.. [2] Albrecht, H. & Koehler, K. (2018). Going on the run: what drives military desertion in civil war?
   *Security Studies* 27(2), 179-203.
.. [3] McLauchlin, T. (2020). *Desertion: Trust and Mistrust in Civil Wars*. Cornell University Press.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from defection.model.mechanism import Mechanism, Sim, StateField


class FrontParams(NamedTuple):
    """The front line's parameters, each named as in the scenario's ``army`` section."""

    front_reference_share: float  # a_ref: the armed share at which the intensity is one half
    front_pull: float  # disaffection added to a combat soldier at full intensity
    front_opportunity: float  # relative rise of a combat soldier's daily chance to leave at full intensity
    front_safety: float  # share of a combat soldier's chance of being caught removed at full intensity


def intensity(armed_agents: np.ndarray, population: np.ndarray, scale: int, reference_share: float) -> np.ndarray:
    """Front-line intensity f_t in [0, 1) per township, shape (T,), from armed agents and people, shape (T,)."""
    z = scale * armed_agents / (np.maximum(population, 1) * reference_share)
    return z / (1.0 + z)


class FrontLine(Mechanism):
    """The front line (module docstring): its parameters, state, switch and step; it records no column."""

    name = "front"
    section = "army"
    Params = FrontParams
    switch = "front_line"
    needs = ("army",)  # without the army there are no combat soldiers to pull
    states = (StateField("townships", "front", np.float64, "today's front-line intensity in [0, 1)"),)

    def step(self, sim: Sim, day: int) -> None:
        tw = sim.state.townships
        reference = self.params(sim.params).front_reference_share
        tw.front[:] = intensity(tw.armed_agents, tw.population, sim.params.run.scale, reference)

    def off(self, sim: Sim, day: int) -> None:
        sim.state.townships.front[:] = 0.0

    # What the front does to combat soldiers, read by the decision and detection steps, per township (T,).
    def pull(self, sim: Sim) -> np.ndarray:
        """Disaffection added to a combat soldier: ``front_pull`` f_t."""
        return self.params(sim.params).front_pull * sim.state.townships.front

    def chance(self, sim: Sim) -> np.ndarray:
        """Multiplier of a combat soldier's daily chance to leave: 1 + ``front_opportunity`` f_t."""
        return 1.0 + self.params(sim.params).front_opportunity * sim.state.townships.front

    def safety(self, sim: Sim) -> np.ndarray:
        """Share of a combat soldier's chance of being caught removed: ``front_safety`` f_t."""
        return self.params(sim.params).front_safety * sim.state.townships.front


FRONT_LINE = FrontLine()
