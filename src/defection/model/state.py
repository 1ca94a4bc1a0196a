"""Model state as struct-of-arrays with compact dtypes.

Officers of both forces (police and army) share one set of arrays. They are sorted by township,
then unit, so a township's officers are the contiguous slice ``officer_start[t]:officer_start[t+1]``;
civilians likewise with ``civ_start``. A branch belongs to one force: ``force = branch >> 1``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

COMPLIANT, QUIET, DEFECTED, CAUGHT = 0, 1, 2, 3
STATE_NAMES = ("compliant", "quiet_resister", "defected", "caught")
CIVILIAN, PARAMILITARY, ARMY_COMBAT, ARMY_SUPPORT = 0, 1, 2, 3
N_BRANCHES = 4
POLICE, ARMY = 0, 1
KILLED = np.int16(32767)  # jailed_until value of a civilian agent who was killed
INACTIVE, PROTESTING, ARMED = 0, 1, 2  # a civilian agent's action today


@dataclass
class Officers:
    """Per-officer arrays of shape (N,)."""

    township: np.ndarray  # int16
    unit: np.ndarray  # int32, index into Units
    branch: np.ndarray  # uint8, CIVILIAN, PARAMILITARY, ARMY_COMBAT or ARMY_SUPPORT
    rank: np.ndarray  # uint8, index into schema.RANKS
    tenure: np.ndarray  # float32, years of service
    training: np.ndarray  # float32, 0-1
    ties: np.ndarray  # float32, 0-1
    alignment: np.ndarray  # float32, -1..+1
    barracks: np.ndarray  # uint8, 1 = lives in barracks / police housing
    family_exposure: np.ndarray  # float32, 0-1
    livelihood_kyat: np.ndarray  # float32, kyat/month lost by leaving (pay, pension, housing, net of outside options)
    disposition: np.ndarray  # float32, fixed personal disaffection (idiosyncratic)
    static: np.ndarray  # float32, the fixed part of disaffection: weighted training, ties, alignment, disposition
    ident: np.ndarray  # int32, the officer's counter in the random streams (their order when drawn)
    sensitivity: np.ndarray  # float32, how much of the township's moral injury the officer takes on
    knows_support: np.ndarray  # uint8, 1 = reached by outreach
    state: np.ndarray  # uint8, COMPLIANT/QUIET/DEFECTED/CAUGHT
    left_day: np.ndarray  # int16, day of defection or capture, -1 while on the force
    supported: np.ndarray  # uint8, bit 1 = protected, bit 2 = stipend
    intent: np.ndarray  # uint8 scratch: today's intent to leave (decision.NO_INTENT/WILL_GO/NEEDS_SUPPORT)
    pull: np.ndarray  # float32 scratch: today's base pull towards leaving, for those with an opportunity
    risk: np.ndarray  # float32 scratch: today's fear that protection shields (prosecution, torture, the family)
    loss: np.ndarray  # float32 scratch: today's monthly livelihood loss by leaving, kyat
    held_reason: np.ndarray  # uint8, why a quiet resister stays, as last found (decision.HELD_BY; NOT_HELD if not quiet)
    next_chance: np.ndarray  # int32, the day the officer's opportunity clock rings next (decision.py); -1: none

    @property
    def n(self) -> int:
        return len(self.state)


@dataclass
class Civilians:
    """Per-agent arrays of shape (M,); one agent stands for ``scale`` people."""

    hardship: np.ndarray  # float32, H ~ U(0,1)
    risk_aversion: np.ndarray  # float32, R ~ U(0,1)
    jailed_until: np.ndarray  # int16, first free day; KILLED if killed
    active: np.ndarray  # uint8, INACTIVE, PROTESTING or ARMED


@dataclass
class Townships:
    """Per-township arrays of shape (T,); a mechanism's own fields are added when a simulation is built
    (``Mechanism.states``: ``front`` of front.py, ``injury`` of exposure.py)."""

    region: np.ndarray  # int16
    population: np.ndarray  # int64 people
    officer_start: np.ndarray  # (T+1,) int64
    civ_start: np.ndarray  # (T+1,) int64
    active_agents: np.ndarray  # int32, today's protesting civilian agents
    armed_agents: np.ndarray  # int32, today's civilian agents in armed resistance
    officers: np.ndarray  # int32, officers of both forces stationed there at the start
    defected: np.ndarray  # int32, of whom defected
    army_share: np.ndarray  # float64, soldiers' share of today's deployed strength
    unit_start: np.ndarray  # (T+1,) int64, the township's units are unit_start[t]:unit_start[t+1]
    counts: np.ndarray  # (T, 4 states, 4 branches, 2 barracks) int64, officers stationed there
    hardness: np.ndarray  # (T, 2, 4) float64, sum of (1 - alignment) of compliant (0) and quiet (1) officers by branch
    held: np.ndarray  # (T, 4) int64, today's quiet resisters by why they stay (decision.HELD_BY)
    protected: np.ndarray  # int32, officers there given protection
    enrolled: np.ndarray  # int32, officers there enrolled for a stipend
    opportunity: np.ndarray  # float64, multiplier of police officers' daily chance to leave (regional profile)
    detection: np.ndarray  # float64, multiplier of the detection of police who try to leave (regional profile)
    social: np.ndarray  # float64, accumulated social punishment (times each officer's contact)
    deployed: np.ndarray  # float64, effectiveness-weighted deployed officers today
    deployed_initial: np.ndarray  # float64, the same on day 0 (reference strength)
    lethality: np.ndarray  # float64, mean lethality of the deployed
    deaths_today: np.ndarray  # int64 people killed in crackdowns on protest
    operations_deaths_today: np.ndarray  # int64 people killed in army operations
    arrests_today: np.ndarray  # int64 people
    violence: np.ndarray  # float64, recent local killings (exponentially weighted)


@dataclass
class Units:
    """Per-unit arrays of shape (U,); unit u's members are officers ``start[u]:start[u+1]``."""

    size: np.ndarray  # int32
    start: np.ndarray  # (U+1,) int64
    branch: np.ndarray  # uint8
    township: np.ndarray  # int16
    commander: np.ndarray  # int32, officer index of the unit's commander (its highest-ranked member)
    max_static: np.ndarray  # float32, the largest static disaffection among members
    max_sensitivity: np.ndarray  # float32, the largest moral sensitivity among members
    quiet: np.ndarray  # int32, members quietly resisting
    defected: np.ndarray  # int32, members who defected
    attempts: np.ndarray  # (U,) int32, members who tried to leave
    caught: np.ndarray  # (U,) int32, of whom caught
    supported: np.ndarray  # (U,) int32, defected members who used a support programme
    quiet_members: np.ndarray  # (N // 64 + 1,) uint64 bit set of the officers quietly resisting (engine.bits)
    seen: np.ndarray  # (U, 4) float64, the shared terms of disaffection at the unit's last scan (decision.py)
    margin: np.ndarray  # (U, 2) float64, how far its members' disaffection was from changing their state then
    seen_with: tuple = ()  # the weights and thresholds of the last scans: others call for new ones


@dataclass
class Calendar:
    """The days on which quiet resisters' opportunity clocks ring (decision.py): one linked list a day.

    ``head[d]`` is the first officer whose clock rings on day d (-1: none), ``link[i]`` the next on the
    same day; an officer is on at most one list, the one of ``Officers.next_chance``."""

    head: np.ndarray  # (days + 1,) int32
    link: np.ndarray  # (N,) int32
    due: np.ndarray  # (N // 64 + 1,) uint64 bit set (engine.bits): today's rings, while the day's decision runs
    ceiling: np.ndarray  # (4,) float64 per branch: the daily rate of the clocks, the largest chance there can be
    checked_for: object = None  # the parameters last checked against the ceiling


@dataclass
class National:
    """Scalars that evolve daily, plus the calendar-derived inputs of the run."""

    legitimacy: float
    daily_defections: np.ndarray  # (regime.adapt_window_days,) int64 ring buffer: defections on each recent day
    fear: float = 0.0
    fear_stock: float = 0.0  # x in fear = fear_max (1 - exp(-x))
    severity: float = 1.0
    escalation: float = 0.0  # the regime's crackdown intensity
    threat: float = 0.0  # the regime's perceived threat, lagged
    conflict: float = 0.0  # armed resistance relative to reference protest, lagged (checkpoints)
    confinement: float = 0.0  # share of ties, contact and reach cut by barracks lockdown
    army_strength: float = 1.0  # the army's combat troops still serving, relative to day 0
    initial_by_branch: np.ndarray = field(default_factory=lambda: np.zeros(4, np.int64))
    left_by_branch: np.ndarray = field(default_factory=lambda: np.zeros(4, np.int64))  # defected or caught
    lethality_reference: float = 1.0
    detained: float = 0.0
    killed: int = 0
    killed_operations: int = 0
    arrested: int = 0
    defected_total: int = 0
    attempts: np.ndarray = field(default_factory=lambda: np.zeros(2, np.int64))  # per force
    caught: np.ndarray = field(default_factory=lambda: np.zeros(2, np.int64))  # per force
    deaths_yesterday: int = 0
    programme_cost: float = 0.0
    protected_total: int = 0
    enrolled_total: int = 0
    credibility: float = 1.0  # officers' belief that promised support is delivered
    stipend_kyat: float = 0.0  # this month's stipend
    requests: int = 0  # requests for support this month
    refused: int = 0  # of which found no slot open
    stipend_cohorts: np.ndarray = field(default_factory=lambda: np.zeros(1, np.int64))  # new stipends by month, 0 = now
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
    call_to_arms: np.ndarray  # (days,) float64, sum of the calls to arms in force
    allowance_kyat: np.ndarray  # (days,) float64
    calendar: Calendar
