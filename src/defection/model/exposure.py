"""Exposure: moral injury from violence against civilians, which accumulates while it continues.

Each township t keeps, for each branch b, an accumulated dose of moral injury

    I_tb <- (1 - delta) I_tb + l (1 - c) (D_t (1 + q d_b) + O_t (1 + q [b combat])) + n D

with D_t and O_t today's killings in the township in crackdowns on protest and in army
operations, D those nationwide, d_b the branch's deployment share (taking part injures more),
c the regime's confinement (control of information: fewer hear of the local killings) and
delta a slow decay (moral injury persists). An officer on the force carries

    injury_i = sigma_i I_(t_i, b_i),   sigma_i = (1 + alignment_i)/2 * (1 + k ties_i)

(``Officers.sensitivity``): officers who hold the military doctrine that resisting civilians
are enemies of the state are not injured by their deaths, and officers with kin among the
township's people are injured more. Because the dose keeps arriving while the violence lasts,
the injured share of the force grows with time: the mechanism of "growing splits".

References
----------
.. [1] Litz, B. T. et al. (2009). Moral injury and moral repair in war veterans: a preliminary model and
   intervention strategy. *Clinical Psychology Review* 29(8), 695-706.
.. [2] Albrecht, H. & Koehler, K. (2018). Going on the run: what drives military desertion in civil war?
   *Security Studies* 27(2), 179-203.
.. [3] Kyed, H. M. & Nyan Corridor (2021). *Police under the military coup in Myanmar: between violence, fear
   and desertion*. DIIS.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from defection.model.crackdown import deployment_arrays
from defection.model.mechanism import Mechanism, Sim, StateField
from defection.model.state import ARMY_COMBAT, N_BRANCHES


class ExposureParams(NamedTuple):
    """Moral injury's parameters, each named as in the scenario's ``exposure`` section."""

    shock_per_local_death: float  # l
    shock_per_national_death: float  # n
    participation_multiplier: float  # q: the extra shock of taking part
    decay: float  # delta: the daily fading of moral injury


def injury_dose(deaths: np.ndarray, operations_deaths: np.ndarray, deploy: np.ndarray, e, confinement: float) -> np.ndarray:
    """Today's dose of moral injury per township and branch, shape (T, 4), from killings of shape (T,).

    ``e`` holds the parameters by name (:class:`ExposureParams`, or the scenario's ``exposure`` section)."""
    combat = (np.arange(N_BRANCHES) == ARMY_COMBAT).astype(float)
    local = (np.outer(deaths, 1.0 + e.participation_multiplier * deploy)
             + np.outer(operations_deaths, 1.0 + e.participation_multiplier * combat))
    national = float(deaths.sum() + operations_deaths.sum())
    return e.shock_per_local_death * (1.0 - confinement) * local + e.shock_per_national_death * national


class Exposure(Mechanism):
    """Moral injury (module docstring): its parameters, state, switch and step; it records no column."""

    name = "exposure"
    section = "exposure"
    Params = ExposureParams
    switch = "moral_shock"  # off: nobody is injured, and the injury stays 0
    states = (StateField("townships", "injury", np.float64, "accumulated moral injury per branch (times each "
                         "officer's sensitivity)", trailing=(N_BRANCHES,)),)

    def step(self, sim: Sim, day: int) -> None:
        s, e = sim.state, self.params(sim.params)
        tw = s.townships
        dep, _, _ = deployment_arrays(sim.params)
        tw.injury *= 1.0 - e.decay
        tw.injury += injury_dose(tw.deaths_today, tw.operations_deaths_today, dep, e, s.national.confinement)


EXPOSURE = Exposure()
