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

import numpy as np


def intensity(armed_agents: np.ndarray, population: np.ndarray, scale: int, reference_share: float) -> np.ndarray:
    """Front-line intensity f_t in [0, 1) per township, shape (T,), from armed agents and people, shape (T,)."""
    z = scale * armed_agents / (np.maximum(population, 1) * reference_share)
    return z / (1.0 + z)


def front_line(sim, day: int) -> None:
    s, p = sim.state, sim.params
    tw = s.townships
    if not (p.switches.front_line and p.switches.army):
        tw.front[:] = 0.0
        return
    tw.front[:] = intensity(tw.armed_agents, tw.population, p.run.scale, p.army.front_reference_share)
