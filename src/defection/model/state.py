"""Model state as struct-of-arrays with compact dtypes.

Officers are sorted by township, then unit, so a township's officers are the contiguous
slice ``officer_start[t]:officer_start[t+1]``; civilians likewise with ``civ_start``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

COMPLIANT, QUIET, DEFECTED, CAUGHT = 0, 1, 2, 3
STATE_NAMES = ("compliant", "quiet_resister", "defected", "caught")
CIVILIAN, PARAMILITARY = 0, 1
KILLED = np.int16(32767)  # jailed_until value of a civilian agent who was killed


@dataclass
class Officers:
    """Per-officer arrays of shape (N,)."""

    township: np.ndarray  # int16
    unit: np.ndarray  # int32, index into Units
    commander: np.ndarray  # int32, officer index of the unit's commander
    branch: np.ndarray  # uint8, CIVILIAN or PARAMILITARY
    rank: np.ndarray  # uint8, index into schema.RANKS
    tenure: np.ndarray  # float32, years of service
    training: np.ndarray  # float32, 0-1
    ties: np.ndarray  # float32, 0-1
    alignment: np.ndarray  # float32, -1..+1
    barracks: np.ndarray  # uint8, 1 = lives in barracks / police housing
    family_exposure: np.ndarray  # float32, 0-1
    livelihood_kyat: np.ndarray  # float32, kyat/month lost by leaving (pay, pension, housing, net of outside options)
    disposition: np.ndarray  # float32, fixed personal disaffection (idiosyncratic)
    knows_support: np.ndarray  # uint8, 1 = reached by outreach
    state: np.ndarray  # uint8, COMPLIANT/QUIET/DEFECTED/CAUGHT
    shock: np.ndarray  # float32, accumulated moral shock
    social: np.ndarray  # float32, accumulated social punishment
    left_day: np.ndarray  # int16, day of defection or capture, -1 while on the force
    supported: np.ndarray  # uint8, bit 1 = protected, bit 2 = stipend
    intent: np.ndarray  # uint8 scratch: today's intent to leave (decision.NO_INTENT/WILL_GO/NEEDS_SUPPORT)
    pull: np.ndarray  # float32 scratch: today's base pull towards leaving, for those with an opportunity

    @property
    def n(self) -> int:
        return len(self.state)


@dataclass
class Civilians:
    """Per-agent arrays of shape (M,); one agent stands for ``scale`` people."""

    hardship: np.ndarray  # float32, H ~ U(0,1)
    risk_aversion: np.ndarray  # float32, R ~ U(0,1)
    jailed_until: np.ndarray  # int16, first free day; KILLED if killed
    active: np.ndarray  # uint8


@dataclass
class Townships:
    """Per-township arrays of shape (T,)."""

    region: np.ndarray  # int16
    population: np.ndarray  # int64 people
    officer_start: np.ndarray  # (T+1,) int64
    civ_start: np.ndarray  # (T+1,) int64
    active_agents: np.ndarray  # int32, today's active civilian agents
    deployed: np.ndarray  # float64, effectiveness-weighted deployed officers today
    deployed_initial: np.ndarray  # float64, the same on day 0 (reference strength)
    lethality: np.ndarray  # float64, mean lethality of the deployed
    deaths_today: np.ndarray  # int64 people
    arrests_today: np.ndarray  # int64 people
    violence: np.ndarray  # float64, recent local killings (exponentially weighted)


@dataclass
class Units:
    size: np.ndarray  # (U,) int32
    defected: np.ndarray  # (U,) int32, members who defected


@dataclass
class National:
    """Scalars that evolve daily, plus the calendar-derived inputs of the run."""

    legitimacy: float
    daily_defections: np.ndarray  # (regime.adapt_window_days,) int64 ring buffer: defections on each recent day
    fear: float = 0.0
    severity: float = 1.0
    escalation_duration: float = 0.0
    protest_days: float = 0.0  # cumulative active share relative to day 0
    initial_active_share: float = 0.0
    lethality_reference: float = 1.0
    detained: float = 0.0
    killed: int = 0
    arrested: int = 0
    attempts: int = 0
    caught: int = 0
    deaths_yesterday: int = 0
    programme_cost: float = 0.0
    protected_total: int = 0
    enrolled_total: int = 0
    slots: np.ndarray = field(default_factory=lambda: np.zeros(2))  # open (protection, livelihood) slots


@dataclass
class State:
    officers: Officers
    civilians: Civilians
    townships: Townships
    units: Units
    national: National
    region_names: tuple[str, ...]
    dates: np.ndarray  # (days,) datetime64[D]
    month_start: np.ndarray  # (days,) bool, first day of a calendar month
    event_factor: np.ndarray  # (days, regions) float64, product of dated escalations
    allowance_kyat: np.ndarray  # (days,) float64
