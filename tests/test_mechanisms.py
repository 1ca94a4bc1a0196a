"""Each mechanism on tiny cases computed by hand."""
from __future__ import annotations

import math

import numpy as np
import pytest

from defection import scenarios
from defection.engine import stream_keys
from defection.engine.bits import bitset, set_bit
from defection.model import STREAMS, community, crackdown, decision, exposure, front, metrics, protest, regime, support
from defection.model.geography import apportion, myanmar
from defection.model.population import build_state
from defection.model.state import ARMY_COMBAT, ARMY_SUPPORT, CAUGHT, COMPLIANT, DEFECTED, QUIET

KEY = stream_keys(0, ("k",))["k"]
DAYS = 4000  # the calendar of a test unit


def test_geography_matches_the_2014_census():
    geo = myanmar()
    assert geo.n_townships == 330
    assert len(geo.region_names) == 15
    assert geo.township_population.sum() == 51_486_253
    yangon = geo.region_names.index("Yangon")
    assert (geo.township_region == yangon).sum() == 45
    assert geo.township_population[geo.township_region == yangon].sum() == 7_360_703


def test_apportion_is_exact_and_proportional():
    counts = apportion(10, np.array([1.0, 1.0, 2.0]))
    assert counts.tolist() == [3, 2, 5] or counts.tolist() == [2, 3, 5]
    assert apportion(80_000, np.arange(1, 331)).sum() == 80_000


NO_ARMS = protest.ArmedAction(push=0.0, threshold=1e9, risk=0.0)  # before any call to arms


def test_epstein_activation_by_hand():
    # one township, three civilians; C = 1 officer, reach 1, k = 1, nobody active yesterday
    civ_start = np.array([0, 3])
    hardship = np.array([0.9, 0.9, 0.2], np.float32)
    risk = np.array([0.1, 0.9, 0.1], np.float32)
    jailed = np.array([0, 0, 0], np.int16)
    active = np.zeros(3, np.uint8)
    active_agents, armed_agents = np.zeros(1, np.int32), np.zeros(1, np.int32)
    p = 1 - math.exp(-2.3 * 1.0 / 1.0)  # C/(A+1) = 1
    # G = H (1 - 0.2); active iff G - R (P + F) > 0.1, F = 0.05
    expected = [0.9 * 0.8 - 0.1 * (p + 0.05) > 0.1, 0.9 * 0.8 - 0.9 * (p + 0.05) > 0.1, 0.2 * 0.8 - 0.1 * (p + 0.05) > 0.1]
    args = (civ_start, hardship, risk, jailed, active, np.array([1.0]), active_agents, armed_agents)
    terms = protest.Activation(legitimacy=0.2, fear=0.05, scale=1.0, threshold=0.1, arrest_constant=2.3, reach=1.0,
                               armed=NO_ARMS)
    protest.activate(*args, terms, 0)
    assert active.tolist() == [int(e) for e in expected] == [1, 0, 0]
    assert active_agents[0] == 1 and armed_agents[0] == 0
    # armed action: G + push - R w rho E > T_a; agent 0: 0.72 + 0.3 - 0.1 * 0.5 = 0.97 > 0.9, agent 1: 0.57 < 0.9
    armed = terms._replace(armed=protest.ArmedAction(push=0.3, threshold=0.9, risk=0.5))
    protest.activate(*args, armed, 0)
    assert active.tolist() == [protest.ARMED, 0, 0] and active_agents[0] == 0 and armed_agents[0] == 1
    jailed[0] = 5  # jailed agents are never active
    protest.activate(*args, armed, 0)
    assert active.tolist() == [0, 0, 0]


def test_mood_backlash_recovery_and_bounded_fear():
    p = scenarios.from_dict({})
    c = p.civilians
    legit, stock, fear = protest.update_mood(0.5, 0.1, 10, 0.0, p, predation=False)
    assert legit == pytest.approx(0.5 + c.legitimacy_recovery * (c.legitimacy_base - 0.5) - c.backlash_per_death * 10)
    assert stock == pytest.approx(0.1 * (1 - c.fear_decay) + c.fear_per_death * 10)
    assert fear == pytest.approx(c.fear_max * (1 - math.exp(-stock)))
    with_predation, _, _ = protest.update_mood(0.5, 0.1, 10, 1.0, p, predation=True)
    assert with_predation == pytest.approx(legit - c.legitimacy_recovery * p.predation.legitimacy_cost)
    _, _, saturated = protest.update_mood(0.5, 0.0, 10**7, 0.0, p, predation=False)
    assert saturated == pytest.approx(c.fear_max)  # fear is bounded however many are killed


def test_the_coup_is_a_legitimacy_shock_on_day_0():
    sc = scenarios.from_dict({}, ["civilians.legitimacy_pre_coup=0.9", "civilians.coup_shock=0.3"])
    st = build_state(sc, stream_keys(0, STREAMS))
    assert st.national.legitimacy == pytest.approx(0.6)


def _tallies(rows):
    """Township tallies (counts (1, 4, 4, 2), hardness (1, 2, 4)) from (state, branch, barracks, alignment) rows."""
    counts, hardness = np.zeros((1, 4, 4, 2), np.int64), np.zeros((1, 2, 4))
    for state, branch, barracks, alignment in rows:
        counts[0, state, branch, barracks] += 1
        if state <= QUIET:
            hardness[0, state, branch] += 1.0 - alignment
    return counts, hardness


def test_deployment_tally_by_hand():
    # township 0: compliant civilian, quiet paramilitary, defected civilian, compliant combat soldier (align 0)
    counts, hardness = _tallies([(COMPLIANT, 0, 0, 0.0), (QUIET, 1, 1, 0.0), (DEFECTED, 0, 0, 0.0),
                                 (COMPLIANT, 2, 1, 0.0)])
    dep, eff, leth = np.array([0.5, 1.0, 0.1, 0.0]), np.array([1.0, 1.5, 2.0, 0.5]), np.array([1.0, 2.0, 4.0, 0.0])
    terms = crackdown.Deployment(deploy=dep, effectiveness=eff, lethality=leth, quiet_turnout=0.5, quiet_warning=0.5,
                                 warning_cut=0.0)
    strength, lethality, share = crackdown.tally_deployment(counts, hardness, terms)
    # weights: civ 0.5, quiet para 1.0*0.5 = 0.5, soldier 0.1; strength 0.5*1 + 0.5*1.5 + 0.1*2 = 1.45
    assert strength[0] == pytest.approx(1.45)
    assert share[0] == pytest.approx(0.2 / 1.45)
    # lethality: civ 0.5 * 0.5 + quiet para 0.5 * (2*0.5) * (1 - 0.5) + soldier 0.1 * 4 * 0.5, over strength
    assert lethality[0] == pytest.approx((0.25 + 0.25 + 0.2) / 1.45)
    # soldiers watching cut the quiet resisters' warning: with a full cut, w (1 - a) = 0.5 (1 - 0.2/1.45)
    _, watched, _ = crackdown.tally_deployment(counts, hardness, terms._replace(warning_cut=1.0))
    warning = 0.5 * (1 - 0.2 / 1.45)
    assert watched[0] == pytest.approx((0.25 + 0.5 * (1 - warning) + 0.2) / 1.45)


def test_encounters_respect_crowd_size_and_jail_agents():
    civ_start = np.array([0, 5])
    active = np.array([1, 1, 1, 0, protest.ARMED], np.uint8)
    jailed = np.zeros(5, np.int16)
    arrests, deaths = np.zeros(1, np.int64), np.zeros(1, np.int64)
    terms = crackdown.Encounters(scale=1.0, arrest_rate=1e6, death_rate=0.0, capacity_half=0.5,
                                 lethality_reference=1.0, jail_days_mean=10.0)
    crackdown.encounters(civ_start, active, jailed, np.array([3]), np.array([1.0]), np.array([1.0]), np.array([1.0]),
                         np.array([1.0]), terms, KEY, 0, arrests, deaths)
    assert arrests[0] == 3 and deaths[0] == 0  # capped at the 3 protesting people
    assert (jailed[:3] > 0).all() and jailed[3] == 0 and jailed[4] == 0  # the armed are not arrested in crackdowns
    assert active.tolist() == [0, 0, 0, 0, protest.ARMED]


def test_army_operations_kill_where_armed_resistance_is():
    deaths = np.zeros(2, np.int64)
    crackdown.operations(np.array([0, 400]), np.array([1.0, 1.0]), 1000.0, 0.005, 1.0, KEY, 0, deaths)
    assert deaths[0] == 0  # no armed resistance, no operations
    draws = []
    for day in range(400):
        crackdown.operations(np.array([0, 400]), np.array([2.0, 2.0]), 1000.0, 0.005, 0.5, KEY, day, deaths)
        draws.append(deaths[1])
    assert np.mean(draws) == pytest.approx(0.005 * 2.0 * 400 * 0.5, rel=0.1)  # o E (k Z / 1000) K/K0 = 2


def test_social_punishment_by_hand():
    p = scenarios.from_dict({}, ["community.intensity=0.1", "civilians.active_ref_share=0.5", "community.protest_cap=3",
                                 "community.violence_boost=0.5"])
    # active share = 2*50/100 = 1.0, reference 0.5 -> min(3, 2) = 2; violence 1 -> (1 + 0.5)
    s_t = community.intensity(np.array([2]), np.array([100]), np.array([1.0]), 50.0, p)
    assert s_t[0] == pytest.approx(0.1 * 2 * 1.5)


def test_moral_injury_by_hand():
    p = scenarios.from_dict({}, ["exposure.shock_per_local_death=0.1", "exposure.shock_per_national_death=0.01",
                                 "exposure.participation_multiplier=1.0"])
    deploy = np.array([0.5, 1.0, 0.2, 0.0])
    dose = exposure.injury_dose(np.array([2, 0]), np.array([0, 4]), deploy, p.exposure, confinement=0.0)
    assert dose[0, 0] == pytest.approx(0.1 * 2 * 1.5 + 0.01 * 6)  # local crackdown deaths, taking part at 0.5
    assert dose[1, 2] == pytest.approx(0.1 * 4 * 2.0 + 0.01 * 6)  # combat troops take part in operations
    assert dose[1, 3] == pytest.approx(0.1 * 4 * 1.0 + 0.01 * 6)
    confined = exposure.injury_dose(np.array([2, 0]), np.array([0, 4]), deploy, p.exposure, confinement=0.5)
    assert confined[0, 0] == pytest.approx(0.5 * 0.1 * 2 * 1.5 + 0.01 * 6)  # news of local killings is cut


def test_net_pull_and_logit_choice():
    u = decision.net_pull(2.0, 0.9, 100.0, 0.01, 0.8, 60.0, 0.0, 0.0)
    assert u == pytest.approx(2.0 - 0.9 - 1.0)
    helped = decision.net_pull(2.0, 0.9, 100.0, 0.01, 0.8, 60.0, 1.0, 1.0)
    assert helped == pytest.approx(2.0 - 0.9 * 0.2 - 0.01 * 40)
    assert decision.takes_chance(0.49, 0.0, 1.0) and not decision.takes_chance(0.51, 0.0, 1.0)


def in_bitset(bits: np.ndarray, n: int) -> np.ndarray:
    """Membership (n,) bool of the indices 0..n-1 in an ``engine.bits`` bit set."""
    return np.unpackbits(bits.view(np.uint8), bitorder="little")[:n].astype(bool)


class Unit:
    """One township with one police unit whose members have the given static disaffection (sorted, highest first).

    ``sensitivity`` (default 1) and ``injury`` (the township's moral injury, default 0) set the dynamic term;
    ``bound_sensitivity`` overrides the unit's largest sensitivity, which bounds that term for skipping.
    """

    def __init__(self, static, state=None, commander=0, sensitivity=None, injury=0.0, bound_sensitivity=None,
                 branch=0):
        n = len(static)
        self.n, self.branch = n, branch
        self.state = np.zeros(n, np.uint8) if state is None else np.asarray(state, np.uint8)
        self.static = np.asarray(static, np.float32)
        self.sensitivity = np.ones(n, np.float32) if sensitivity is None else np.asarray(sensitivity, np.float32)
        self.injury = np.full((1, 4), injury)
        self.quiet = np.array([(self.state == QUIET).sum()], np.int32)
        self.quiet_members = bitset(n)
        for i in np.flatnonzero(self.state == QUIET):
            set_bit(self.quiet_members, i)
        self.left_day = np.full(n, -1, np.int16)
        self.intent = np.zeros(n, np.uint8)
        self.counts, self.hardness = _tallies([(int(s), branch, 0, 0.0) for s in self.state])
        self.commander = commander
        self.max_static = np.array([self.static.max()], np.float32)
        top = self.sensitivity.max() if bound_sensitivity is None else bound_sensitivity
        self.max_sensitivity = np.array([top], np.float32)
        self.held = np.zeros((1, 4), np.int64)
        self.held_reason = np.full(n, decision.NOT_HELD, np.uint8)
        self.next_chance = np.full(n, -1, np.int32)
        self.link, self.head, self.due = np.full(n, -1, np.int32), np.full(DAYS + 1, -1, np.int32), bitset(n)
        self.seen, self.margin = np.zeros((1, 4)), np.array([[-np.inf, np.inf]])

    def decide(self, oppose=1.0, gap=0.0, hazard=1.0, brings=0.0, day=5, front=(0.0, 1.0), recount=True,
               ceiling=None):
        """One day; ``front`` is the township's (front-line pull, multiplier of the hazard) of combat soldiers;
        ``ceiling`` is the opportunity clocks' daily rate (by default the day's chance, at most 1)."""
        n, zeros = self.n, np.zeros(self.n, np.float32)
        rate = min(1.0, hazard * max(1.0, front[1])) if ceiling is None else ceiling
        decision.decide(
            np.array([0, 1]), np.array([0, n]), np.array([n], np.int32), np.array([self.branch], np.uint8),
            np.array([self.commander], np.int32), self.max_static, self.max_sensitivity, self.quiet,
            self.quiet_members, np.zeros(1, np.int32), np.zeros(1, np.int32), np.zeros(1, np.int32),
            np.zeros(1, np.int32), self.seen, self.margin, np.arange(n, dtype=np.int32), self.state, self.static,
            self.sensitivity,
            np.zeros(n, np.uint8), zeros, self.left_day, zeros, zeros, np.zeros(n, np.uint8), self.injury,
            np.zeros(1), np.zeros(1),
            np.ones(1), np.array([front[0]]), np.array([front[1]]), self.counts, self.hardness, self.held,
            self.held_reason, self.next_chance, self.link, self.head, self.due, np.full(4, rate), recount,
            decision.Weights(shock=1.0, social=1.0, peer=0.0, commander=1.0, township=0.0),
            decision.Contact(barracks=0.3, extortion_boost=0.0, open_share=1.0),
            decision.Thresholds(oppose=oppose, return_gap=gap, defect=0.0, logit_scale=0.1, predation=0.0),
            self.forces(hazard), decision.Cascade(unit_news=0.0, word_of_mouth=0.0, commander_brings_unit=brings,
                                                  promotion=0.0),
            decision.Support(efficacy=0.8, stipend=0.0), KEY, day, zeros.copy(), zeros.copy(), zeros.copy(),
            self.intent)
        return self

    @staticmethod
    def forces(hazard):
        """Both forces with the daily ``hazard``, nothing to fear and a belief of being caught of 1/10."""
        none = np.zeros(2)
        return decision.Forces(hazard=np.array([hazard, hazard]), prosecution=none, family=none, livelihood=none,
                               allowance=none, caught=np.ones(2), attempts=np.full(2, 10.0))

    def outcome(self):
        assert np.array_equal(in_bitset(self.quiet_members, self.n), self.state == QUIET)  # it follows the states
        return (self.state.tolist(), self.intent.tolist(), self.counts.tolist(), self.quiet.tolist(),
                self.held.tolist())


def test_decide_opposes_above_threshold_and_leaves_only_with_opportunity():
    unit = Unit([5.0, 5.0, 0.5]).decide(hazard=1.0)
    assert unit.state.tolist() == [QUIET, QUIET, COMPLIANT]
    assert unit.intent.tolist() == [decision.WILL_GO, decision.WILL_GO, 0]  # pull 5, hazard 1
    assert unit.quiet[0] == 2 and unit.counts[0, QUIET, 0, 0] == 2 and unit.counts[0, COMPLIANT, 0, 0] == 1
    unit = Unit([5.0, 5.0, 0.5]).decide(hazard=0.0)
    assert unit.intent.tolist() == [0, 0, 0]  # no opportunity, no leaving
    assert unit.held[0, decision.LACK_OF_OPPORTUNITY] == 2 and unit.held.sum() == 2  # they would go given the chance


def test_opposition_has_hysteresis():
    # disaffection 1.5 lies between oppose - gap = 1.2 and oppose = 2: each officer keeps the state they are in
    unit = Unit([1.5, 1.5], state=[QUIET, COMPLIANT]).decide(oppose=2.0, gap=0.8, hazard=0.0)
    assert unit.state.tolist() == [QUIET, COMPLIANT]
    unit = Unit([1.5, 1.5], state=[QUIET, COMPLIANT]).decide(oppose=2.0, gap=0.0, hazard=0.0)
    assert unit.state.tolist() == [COMPLIANT, COMPLIANT]  # without hysteresis the quiet resister returns
    assert unit.quiet[0] == 0 and unit.counts[0, COMPLIANT, 0, 0] == 2


def test_a_commander_who_left_yesterday_takes_the_unit_with_him():
    unit = Unit([5.0, 4.0, 4.0], state=[DEFECTED, COMPLIANT, COMPLIANT], commander=0)
    unit.left_day[0] = 4
    unit.decide(hazard=0.0, brings=1.0, day=5)
    assert unit.intent.tolist() == [0, decision.WILL_GO, decision.WILL_GO]
    unit = Unit([5.0, 4.0, 4.0], state=[DEFECTED, COMPLIANT, COMPLIANT], commander=0)
    unit.left_day[0] = 4
    assert unit.decide(hazard=0.0, brings=0.0, day=5).intent.tolist() == [0, 0, 0]


def test_the_front_line_pulls_combat_soldiers_and_gives_them_the_chance():
    # static disaffection 0.8 is below the threshold 1; the front's pull of 0.5 lifts it over, for combat soldiers only
    combat = Unit([0.8, 0.8], branch=ARMY_COMBAT).decide(hazard=0.0, front=(0.5, 1.0))
    assert combat.state.tolist() == [QUIET, QUIET] and combat.counts[0, QUIET, ARMY_COMBAT, 0] == 2
    support_branch = Unit([0.8, 0.8], branch=ARMY_SUPPORT).decide(hazard=0.0, front=(0.5, 1.0))
    assert support_branch.state.tolist() == [COMPLIANT, COMPLIANT]  # support soldiers are not at the front
    # a hazard of 1e-9 gives nobody the chance; the front multiplies it to 1 (resistance forces take deserters in)
    calm = Unit([5.0, 5.0], branch=ARMY_COMBAT).decide(hazard=1e-9, front=(0.0, 1.0))
    assert calm.intent.tolist() == [0, 0]
    at_front = Unit([5.0, 5.0], branch=ARMY_COMBAT).decide(hazard=1e-9, front=(0.0, 1e9))
    assert at_front.intent.tolist() == [decision.WILL_GO, decision.WILL_GO]
    police = Unit([5.0, 5.0]).decide(hazard=1e-9, front=(0.0, 1e9))
    assert police.intent.tolist() == [0, 0]  # the police's hazard ignores the front line


def test_front_line_intensity():
    f = front.intensity(np.array([0, 10, 10, 1000]), np.array([1000, 1000, 500, 1000]), 1, 0.01)
    assert f[0] == 0.0 and math.isclose(f[1], 0.5) and math.isclose(f[2], 2 / 3)  # half way at the reference share
    assert f[3] < 1.0 and np.all(np.diff(f[[0, 1, 3]]) > 0)


def test_the_unit_bounds_skip_nobody_who_could_start_or_return():
    """Skipping units whose bound cannot reach the opposition threshold, and scans of units whose terms moved less
    than their margins, gives the same states, intents, tallies and reasons for staying over many days as
    scanning every unit every day; a bound that ignores sensitivity (too tight) does not."""
    rng = np.random.default_rng(1)

    def units(quiet_share):
        static = np.sort(rng.normal(1.0, 1.0, 30))[::-1].copy()
        state = rng.choice([COMPLIANT, QUIET, DEFECTED], 30, p=[0.9 - quiet_share, quiet_share, 0.1])
        sensitivity = rng.uniform(0.0, 2.0, 30)
        kw = dict(state=state, sensitivity=sensitivity, injury=0.6, commander=int(rng.integers(30)))
        return Unit(static, **kw), Unit(static, **kw), Unit(static, **kw, bound_sensitivity=0.0)

    differs = 0
    for k in range(20):
        fast, everyone, too_tight = units(0.3 if k % 2 else 0.0)  # without quiet members, whole units are skipped
        for day in range(30):
            injury = 0.6 + 0.3 * math.sin(day / 3.0)  # disaffection rises and falls: members start and return
            everyone.margin[:] = (-np.inf, np.inf)  # a scan every day
            for unit in (fast, everyone, too_tight):
                unit.injury[:] = injury
                unit.decide(oppose=1.5, gap=0.5, hazard=0.3, day=day)
            assert fast.outcome() == everyone.outcome()
        differs += too_tight.outcome() != everyone.outcome()
    assert differs > 0  # the comparison can fail: a bound ignoring sensitivity misses officers who start or return


def test_the_quiet_members_bit_set_follows_the_states_through_a_run():
    """Every change of state (opposing, returning, leaving, caught) keeps the bit set the decision visits."""
    from defection import model

    sim = model.build(scenarios.load("myanmar-2021")).run(150)
    o, un = sim.state.officers, sim.state.units
    assert (o.state == QUIET).sum() > 1000
    assert np.array_equal(in_bitset(un.quiet_members, o.n), o.state == QUIET)
    assert np.array_equal(un.quiet, np.bincount(o.unit[o.state == QUIET], minlength=len(un.quiet)))


def test_support_slots_are_never_exceeded():
    n = 6
    intent = np.full(n, decision.NEEDS_SUPPORT, np.uint8)
    supported = np.zeros(n, np.uint8)
    slots = np.array([2.0, 1.0])
    by_township = np.zeros(1, np.int32), np.zeros(1, np.int32)
    protected, enrolled, refused = support.allocate(np.arange(n), intent, np.arange(n, dtype=np.int32), np.zeros(n, np.int16),
                                           np.full(n, 5.0, np.float32), np.full(n, 6.0, np.float32),
                                           np.zeros(n, np.float32), supported,
                                           support.Offer(fear_livelihood=0.0, efficacy=0.8, stipend=0.0,
                                                         logit_scale=0.1), slots, KEY, 0, *by_township)
    assert (protected, enrolled) == (2, 1) and by_township[0][0] == 2 and by_township[1][0] == 1
    assert refused == 4  # the other four found no slot open
    assert (intent == decision.WILL_GO).sum() == 2 and (intent == decision.NO_INTENT).sum() == 4
    assert slots.tolist() == [0.0, 0.0]


def test_stipends_paid_to_enrolled_defectors_count_in_the_programme_cost():
    """Regression: the stipend bit test was always 0, so stipends never counted in ``programme_cost``."""
    from defection import api

    def stipend_cost(stipend_kyat: float) -> tuple[float, int]:
        result = api.run("myanmar-2021", seed=0, days=150, overrides={
            "support.protection_capacity": 0, "support.outreach_cost_kyat": 0, "support.livelihood_capacity": 300,
            "support.stipend_kyat": stipend_kyat})
        return float(result.series("programme_cost")[-1]), int(result.series("families_enrolled")[-1])

    cost, enrolled = stipend_cost(200_000)
    assert enrolled > 0 and cost > 0  # only stipends cost anything here
    doubled, enrolled_doubled = stipend_cost(400_000)
    assert enrolled_doubled >= enrolled and doubled > 1.9 * cost


def _detect(state, supported, p_detect, efficacy=0.8, unit_defected=0, branch=0, front_safety=0.0):
    n = len(state)
    counts, hardness = _tallies([(int(x), branch, 0, 0.0) for x in state])
    out = dict(state=np.asarray(state, np.uint8), unit_defected=np.array([unit_defected], np.int32),
               left=np.full(n, -1, np.int16), attempts=np.zeros(2, np.int64), caught=np.zeros(2, np.int64),
               counts=counts, held=np.array([[0, n, 0, 0]], np.int64),
               held_reason=np.full(n, decision.LIVELIHOOD, np.uint8))
    intent = np.zeros(n, np.uint8)
    intent[0] = decision.WILL_GO
    regime.detect(np.array([0]), intent, np.arange(n, dtype=np.int32), out["state"], np.asarray(supported, np.uint8),
                  np.full(n, branch, np.uint8), np.zeros(n, np.int16), np.zeros(n, np.int32), np.zeros(n, np.uint8),
                  np.zeros(n, np.float32), np.array([n], np.int32), bitset(n), out["unit_defected"],
                  np.zeros(1, np.int32), np.zeros(1, np.int32), np.zeros(1, np.int32), np.zeros(1, np.int32),
                  np.zeros(1), np.ones(1), np.array([front_safety]),
                  counts, hardness, out["held"], out["held_reason"], out["left"],
                  regime.Detection(p_detect=np.array([p_detect, p_detect]), oversight=1.0, police_oversight=0.0,
                                   efficacy=efficacy), KEY, 7, out["attempts"], out["caught"], np.zeros(4, np.int64))
    return out


def test_detection_by_hand():
    for p_detect, expected in ((1.0, CAUGHT), (0.0, DEFECTED)):
        out = _detect([QUIET, QUIET], [0, 0], p_detect)
        assert out["state"].tolist() == [expected, QUIET] and out["attempts"][0] == 1
        assert out["caught"][0] == int(expected == CAUGHT)
        assert out["unit_defected"][0] == int(expected == DEFECTED) and out["left"].tolist() == [7, -1]
        assert out["counts"][0, expected, 0, 0] == 1 and out["counts"][0, QUIET, 0, 0] == 1
        assert out["held"].tolist() == [[0, 1, 0, 0]] and out["held_reason"][0] == decision.NOT_HELD  # one left
    # full protection evades detection entirely
    assert _detect([QUIET], [decision.PROTECTED], 1.0, efficacy=1.0)["state"][0] == DEFECTED
    # a unit that has leaked is watched: p (1 + oversight) = 0.6 * 2 > 1, caught for sure
    assert _detect([QUIET], [0], 0.6, unit_defected=1)["state"][0] == CAUGHT
    # at the front line a combat soldier crosses to the resistance: safety 1 leaves nobody to be caught
    assert _detect([QUIET], [0], 1.0, branch=ARMY_COMBAT, front_safety=1.0)["state"][0] == DEFECTED
    assert _detect([QUIET], [0], 1.0, branch=ARMY_COMBAT, front_safety=0.0)["state"][0] == CAUGHT
    assert _detect([QUIET], [0], 1.0, front_safety=1.0)["state"][0] == CAUGHT  # police are not at the front


def test_coercive_capacity_by_hand():
    p = scenarios.from_dict({}, ["force.quiet_weight=0.5", "force.effectiveness_paramilitary=2.0",
                                 "army.effectiveness_combat=3.0"])
    counts = np.zeros((4, 4), np.int64)
    counts[COMPLIANT] = [10, 4, 1, 0]
    counts[QUIET] = [6, 2, 2, 0]
    counts[DEFECTED] = [100, 100, 100, 100]
    per_branch = metrics.capacity(counts, p)
    assert per_branch.sum() == pytest.approx(10 + 0.5 * 6 + 2 * (4 + 0.5 * 2) + 3 * (1 + 0.5 * 2))
    assert metrics.by_force(per_branch).tolist() == pytest.approx([23.0, 6.0])


def test_population_matches_its_distributions():
    sc = scenarios.from_dict({})
    st = build_state(sc, stream_keys(0, STREAMS))
    o = st.officers
    assert o.n == 80_000 + 150_000
    police = o.branch < 2
    assert (o.branch[police] == 1).mean() == pytest.approx(0.20, abs=0.002)
    assert (o.branch[~police] == 2).mean() == pytest.approx(0.47, abs=0.002)
    assert 0.2 <= (o.tenure >= 15).mean() <= 0.32, "about a quarter of the force at 15+ years"
    assert o.training[o.branch == 0].mean() > o.training[o.branch == 1].mean()
    assert o.ties[o.branch == 0].mean() > o.ties[o.branch == 1].mean()
    # officers spread in proportion to population
    per_town = np.diff(st.townships.officer_start)
    share = per_town / per_town.sum() - st.townships.population / st.townships.population.sum()
    assert np.abs(share).max() < 1e-4
    # each commander is the highest-ranked member of the unit; members are sorted by static disaffection
    un = st.units
    for u in (0, 17, 500, len(un.size) - 1):
        members = np.arange(un.start[u], un.start[u + 1])
        assert (o.unit[members] == u).all() and o.rank[un.commander[u]] == o.rank[members].max()
        assert (np.diff(o.static[members]) <= 0).all() and un.max_static[u] == o.static[members].max()
    assert len(st.civilians.hardship) == pytest.approx(51_486, rel=0.01)  # k = 1000


def _opportunities(days, swing, ceiling_factor=1.0):
    """Opportunities drawn by the calendar in one combat unit over ``days``, against those a daily draw would give.

    Members' static disaffection spans the threshold and the township's moral injury swings by ``swing`` from
    day to day, so members start, stay and stop quietly resisting; the front line multiplies the chance by 1 to 4.
    Everyone with an opportunity takes it (intents are cleared daily; nobody leaves). Returns (drawn, expected,
    variance): the expected count is the sum over quiet member-days of that day's chance."""
    n, hazard = 300, 0.05
    unit = Unit(np.linspace(3.0, 0.5, n), branch=ARMY_COMBAT, sensitivity=np.ones(n))
    rng = np.random.default_rng(7)
    drawn, expected, variance = 0, 0.0, 0.0
    for day in range(days):
        unit.injury[:] = swing * rng.random()
        multiplier = 1.0 + 3.0 * rng.random()
        unit.decide(oppose=2.0, gap=0.5, hazard=hazard, day=day, front=(0.0, multiplier), recount=False,
                    ceiling=hazard * 4.0 * ceiling_factor)
        chance = hazard * multiplier
        quiet = int((unit.state == QUIET).sum())
        drawn += int((unit.intent != 0).sum())
        expected += quiet * chance
        variance += quiet * chance * (1.0 - chance)
        unit.intent[:] = 0
    return drawn, expected, variance


def test_the_calendar_draws_opportunities_as_a_daily_draw_would():
    """Geometric waits at the ceiling, thinned to the day's chance, give each quiet member-day the day's chance of
    an opportunity, while members come and go (clocks kept, restarted and dropped). The check can fail: clocks
    that ring at a rate below the chance give too few."""
    drawn, expected, variance = _opportunities(1500, swing=1.5)
    assert abs(drawn - expected) < 4.0 * math.sqrt(variance), (drawn, expected)
    assert 2_000 < expected  # members did come and go, and enough opportunities were drawn to tell
    too_slow, expected_slow, variance_slow = _opportunities(1500, swing=1.5, ceiling_factor=0.5)
    assert expected_slow - too_slow > 4.0 * math.sqrt(variance_slow)


def test_a_chance_above_the_calendars_ceiling_is_refused():
    """The clocks ring at the ceiling found when the run was built; parameters that raise the chance above it
    mid-run (a copy continued with another scenario) would thin wrongly, so the step refuses them."""
    from defection import model

    sc = scenarios.load("myanmar-2021")
    sim = model.build(scenarios.from_dict({}, ["run.days=3"])).run(1)
    sim.params = scenarios.from_dict({}, ["run.days=3", f"decision.opportunity_hazard={2 * sc.decision.opportunity_hazard}"])
    with pytest.raises(ValueError, match="ceiling"):
        sim.run(1)
