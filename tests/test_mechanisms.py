"""Each mechanism on tiny cases computed by hand."""
from __future__ import annotations

import math

import numpy as np
import pytest

from defection import scenarios
from defection.engine import stream_keys
from defection.model import STREAMS, community, crackdown, decision, exposure, metrics, protest, regime, support
from defection.model.geography import apportion, myanmar
from defection.model.population import build_state
from defection.model.state import CAUGHT, COMPLIANT, DEFECTED, QUIET

KEY = stream_keys(0, ("k",))["k"]


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


def test_epstein_activation_by_hand():
    # one township, three civilians; C = 1 officer, reach 1, k = 1, nobody active yesterday
    civ_start = np.array([0, 3])
    hardship = np.array([0.9, 0.9, 0.2], np.float32)
    risk = np.array([0.1, 0.9, 0.1], np.float32)
    jailed = np.array([0, 0, 0], np.int16)
    active = np.zeros(3, np.uint8)
    active_agents = np.zeros(1, np.int32)
    p = 1 - math.exp(-2.3 * 1.0 / 1.0)  # C/(A+1) = 1
    # G = H (1 - 0.2); active iff G - R (P + F) > 0.1, F = 0.05
    expected = [0.9 * 0.8 - 0.1 * (p + 0.05) > 0.1, 0.9 * 0.8 - 0.9 * (p + 0.05) > 0.1, 0.2 * 0.8 - 0.1 * (p + 0.05) > 0.1]
    protest.activate(civ_start, hardship, risk, jailed, active, np.array([1.0]), active_agents, 0.2, 0.05, 1.0, 0.1,
                     2.3, 1.0, 0)
    assert active.tolist() == [int(e) for e in expected] == [1, 0, 0]
    assert active_agents[0] == 1
    jailed[0] = 5  # jailed agents are never active
    protest.activate(civ_start, hardship, risk, jailed, active, np.array([1.0]), active_agents, 0.2, 0.05, 1.0, 0.1,
                     2.3, 1.0, 0)
    assert active.tolist() == [0, 0, 0]


def test_mood_backlash_recovery_and_fear():
    p = scenarios.from_dict({})
    c = p.civilians
    legit, fear = protest.update_mood(0.5, 0.1, 10, 0.0, p, predation=False)
    assert legit == pytest.approx(0.5 + c.legitimacy_recovery * (c.legitimacy_base - 0.5) - c.backlash_per_death * 10)
    assert fear == pytest.approx(0.1 * (1 - c.fear_decay) + c.fear_per_death * 10)
    with_predation, _ = protest.update_mood(0.5, 0.1, 10, 1.0, p, predation=True)
    assert with_predation == pytest.approx(legit - c.legitimacy_recovery * p.predation.legitimacy_cost)


def test_deployment_tally_by_hand():
    # township 0: compliant civilian (align 0), quiet paramilitary (align 0), defected civilian
    start = np.array([0, 3])
    state = np.array([COMPLIANT, QUIET, DEFECTED], np.uint8)
    branch = np.array([0, 1, 0], np.uint8)
    align = np.zeros(3, np.float32)
    dep, leth = np.zeros(1), np.zeros(1)
    crackdown.tally_deployment(start, state, branch, align, np.array([0.5, 1.0]), np.array([1.0, 1.5]),
                               np.array([1.0, 2.0]), 0.5, 0.5, dep, leth)
    # weights: civ 0.5, quiet para 1.0*0.5 = 0.5; strength 0.5*1 + 0.5*1.5 = 1.25
    assert dep[0] == pytest.approx(1.25)
    # lethality: civ 0.5 * (1*0.5) + para 0.5 * (2*0.5*0.5) = 0.25 + 0.25, over strength 1.25
    assert leth[0] == pytest.approx(0.5 / 1.25)


def test_encounters_respect_crowd_size_and_jail_agents():
    civ_start = np.array([0, 4])
    active = np.array([1, 1, 1, 0], np.uint8)
    jailed = np.zeros(4, np.int16)
    arrests, deaths = np.zeros(1, np.int64), np.zeros(1, np.int64)
    crackdown.encounters(civ_start, active, jailed, np.array([3]), np.array([1.0]), np.array([1.0]), np.array([1.0]),
                         np.array([1.0]), 1.0, 1e6, 0.0, 0.5, 1.0, 10.0, KEY, 0, arrests, deaths)
    assert arrests[0] == 3 and deaths[0] == 0  # capped at the 3 active people
    assert (jailed[:3] > 0).all() and jailed[3] == 0 and active.sum() == 0


def test_social_punishment_by_hand():
    start = np.array([0, 3])
    state = np.array([COMPLIANT, QUIET, DEFECTED], np.uint8)
    barracks = np.array([0, 1, 0], np.uint8)
    social = np.full(3, 1.0, np.float32)
    # active share = 2*50/100 = 1.0, reference 0.5 -> min(3, 2) = 2; violence 1 -> (1 + 0.5)
    community.punish(start, state, barracks, social, np.array([2]), np.array([100]), 50.0, 0.1, 0.5, 3.0, 0.5,
                     np.array([1.0]), 0.3, 0.1, 0.2)
    s_t = 0.1 * 2 * 1.5
    assert social[0] == pytest.approx(0.9 + s_t * 1.2)  # compliant, living among citizens, extorting
    assert social[1] == pytest.approx(0.9 + s_t * 0.3)  # quiet resister in barracks
    assert social[2] == 1.0  # defectors have left


def test_moral_shock_by_hand():
    start = np.array([0, 2])
    state = np.array([COMPLIANT, COMPLIANT], np.uint8)
    shock = np.zeros(2, np.float32)
    exposure.accumulate_shock(start, state, np.array([0, 1], np.uint8), np.array([1.0, -1.0], np.float32), shock,
                              np.array([2]), 10.0, np.array([0.5, 1.0]), 0.5, 0.1, 0.01, 1.0, 0.0)
    assert shock[0] == pytest.approx(1.0 * (0.1 * 2 * 1.5 + 0.01 * 10))
    assert shock[1] == 0.0  # military doctrine: no shock


def test_net_pull_and_logit_choice():
    u = decision.net_pull(2.0, 0.5, 100.0, 0.4, 1.0, 0.01, 0.8, 60.0, 0.0, 0.0)
    assert u == pytest.approx(2.0 - 0.4 - 0.5 - 1.0)
    helped = decision.net_pull(2.0, 0.5, 100.0, 0.4, 1.0, 0.01, 0.8, 60.0, 1.0, 1.0)
    assert helped == pytest.approx(2.0 - 0.4 * 0.2 - 0.5 * 0.2 - 0.01 * 40)
    assert decision.takes_chance(0.49, 0.0, 1.0) and not decision.takes_chance(0.51, 0.0, 1.0)


def _officer_arrays(n, d_extra):
    return dict(training=np.zeros(n, np.float32), ties=np.zeros(n, np.float32), alignment=np.zeros(n, np.float32),
                disposition=np.asarray(d_extra, np.float32), shock=np.zeros(n, np.float32), social=np.zeros(n, np.float32))


def test_decide_opposes_above_threshold_and_leaves_only_with_opportunity():
    n = 3
    a = _officer_arrays(n, [0.5, 5.0, 5.0])
    state = np.zeros(n, np.uint8)
    pull, intent = np.zeros(n, np.float32), np.zeros(n, np.uint8)
    weights = (1.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0)
    args = (np.array([0, n]), state, a["training"], a["ties"], a["alignment"], a["disposition"], a["shock"], a["social"],
            np.zeros(n, np.int32), np.array([n], np.int32), np.zeros(1, np.int32), np.arange(n, dtype=np.int32),
            np.zeros(n, np.float32), np.zeros(n, np.float32), np.zeros(n, np.uint8), weights)
    decision.decide(*args, (1.0, 1.0, 0.0, 0.1, 1.0), (0.0, 0.0, 0.0, 0.0), (0.8, 0.0), KEY, 0, pull, intent)
    assert state.tolist() == [COMPLIANT, QUIET, QUIET]
    assert intent.tolist() == [0, decision.WILL_GO, decision.WILL_GO]  # pull 4, hazard 1
    decision.decide(*args, (1.0, 1.0, 0.0, 0.1, 0.0), (0.0, 0.0, 0.0, 0.0), (0.8, 0.0), KEY, 0, pull, intent)
    assert intent.tolist() == [0, 0, 0]  # no opportunity, no leaving


def test_support_slots_are_never_exceeded():
    n = 6
    intent = np.full(n, decision.NEEDS_SUPPORT, np.uint8)
    supported = np.zeros(n, np.uint8)
    slots = np.array([2.0, 1.0])
    protected, enrolled = support.allocate(intent, np.full(n, 5.0, np.float32), np.ones(n, np.float32),
                                           np.zeros(n, np.float32), supported, (3.0, 3.0, 0.0, 0.0), 0.8, 0.0, 0.1,
                                           slots, KEY, 0)
    assert (protected, enrolled) == (2, 1)
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


def test_detection_by_hand():
    for p_detect, expected in ((1.0, CAUGHT), (0.0, DEFECTED)):
        intent = np.array([decision.WILL_GO, 0], np.uint8)
        state = np.array([QUIET, QUIET], np.uint8)
        unit_defected = np.zeros(1, np.int32)
        left = np.full(2, -1, np.int16)
        attempts, caught = regime.detect(intent, state, np.zeros(2, np.uint8), np.zeros(2, np.int32), unit_defected,
                                         left, p_detect, 0.8, KEY, 7)
        assert state.tolist() == [expected, QUIET] and attempts == 1 and caught == int(expected == CAUGHT)
        assert unit_defected[0] == int(expected == DEFECTED) and left.tolist() == [7, -1]
    # full protection evades detection entirely
    intent, state = np.array([decision.WILL_GO], np.uint8), np.array([QUIET], np.uint8)
    regime.detect(intent, state, np.array([decision.PROTECTED], np.uint8), np.zeros(1, np.int32), np.zeros(1, np.int32),
                  np.zeros(1, np.int16), 1.0, 1.0, KEY, 0)
    assert state[0] == DEFECTED


def test_coercive_capacity_by_hand():
    p = scenarios.from_dict({}, ["force.quiet_weight=0.5", "force.effectiveness_paramilitary=2.0"])
    counts = np.zeros((4, 2), np.int64)
    counts[COMPLIANT] = [10, 4]
    counts[QUIET] = [6, 2]
    counts[DEFECTED] = [100, 100]
    assert metrics.coercive_capacity(counts, p) == pytest.approx(10 + 0.5 * 6 + 2 * (4 + 0.5 * 2))


def test_population_matches_its_distributions():
    sc = scenarios.from_dict({})
    st = build_state(sc, stream_keys(0, STREAMS))
    o = st.officers
    assert o.n == 80_000
    assert (o.branch == 1).mean() == pytest.approx(0.20, abs=0.002)
    assert 0.2 <= (o.tenure >= 15).mean() <= 0.32, "about a quarter of the force at 15+ years"
    assert o.training[o.branch == 0].mean() > o.training[o.branch == 1].mean()
    assert o.ties[o.branch == 0].mean() > o.ties[o.branch == 1].mean()
    # officers spread in proportion to population
    per_town = np.diff(st.townships.officer_start)
    share = per_town / per_town.sum() - st.townships.population / st.townships.population.sum()
    assert np.abs(share).max() < 1e-4
    # each commander is the highest-ranked member of the officer's unit
    for u in (0, 17, 500):
        members = np.flatnonzero(o.unit == u)
        assert o.rank[o.commander[members[0]]] == o.rank[members].max()
        assert set(o.commander[members]) == {o.commander[members[0]]}
    assert len(st.civilians.hardship) == pytest.approx(51_486, rel=0.01)  # k = 1000
