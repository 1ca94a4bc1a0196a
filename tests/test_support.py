"""Policy that works through people (docs/model.md, Support): budgets, schedules, credibility, stipend duration."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from defection import api

SMALL = ["run.days=240", "run.scale=5000", "force.n_officers=4000", "army.n_soldiers=6000",
         "support.start=2021-03-01"]


def monthly_spending(result) -> np.ndarray:
    """Programme cost spent in each calendar month (kyat)."""
    dates = result.timeseries.column("date").to_numpy(zero_copy_only=False).astype("datetime64[M]")
    cost = result.series("programme_cost")
    ends = np.flatnonzero(np.diff(dates.astype(int), append=dates.astype(int)[-1] + 1))
    at_end = cost[ends]
    return np.diff(np.concatenate([[0.0], at_end]))


@settings(max_examples=12, deadline=None)
@given(budget=st.floats(1e5, 3e8), shares=st.lists(st.floats(0, 1), min_size=3, max_size=3),
       stipend=st.floats(5e4, 4e5), outreach=st.floats(0.05, 0.9))
def test_spending_never_exceeds_the_monthly_budget(budget, shares, stipend, outreach):
    total = sum(shares) or 1.0
    p, liv, out = (x / total * 0.999 for x in shares)
    r = api.run(seed=1, overrides=SMALL + [f"support.budget_kyat_month={budget}", f"support.allocation_protection={p}",
                                           f"support.allocation_livelihood={liv}", f"support.allocation_outreach={out}",
                                           f"support.stipend_kyat={stipend}", f"support.outreach={outreach}"])
    assert monthly_spending(r).max() <= budget * (1 + 1e-9)


def test_a_budget_buys_support_and_more_budget_buys_more():
    small = api.run(seed=2, overrides=SMALL + ["support.budget_kyat_month=2e7"])
    large = api.run(seed=2, overrides=SMALL + ["support.budget_kyat_month=2e9"])
    assert 0 < small.series("programme_cost")[-1] < large.series("programme_cost")[-1]
    assert large.series("families_enrolled")[-1] > small.series("families_enrolled")[-1]


def test_a_scheduled_lever_takes_effect_from_its_date():
    r = api.run(seed=3, overrides=SMALL + ["support.livelihood_capacity=0", "support.protection_capacity=0",
                                           ('support.schedule=[{date="2021-07-01", lever="livelihood_capacity", '
                                            'value=300}]')])
    dates = [str(d) for d in r.timeseries.column("date").to_pylist()]
    enrolled = r.series("families_enrolled")
    assert enrolled[dates.index("2021-06-30")] == 0 and enrolled[-1] > 0


def test_undelivered_promises_lower_credibility_and_take_up():
    """Wide outreach and no slots: requests are refused, so credibility falls; with slots it does not."""
    none = api.run(seed=4, overrides=SMALL + ["support.outreach=0.8", "support.protection_capacity=0",
                                              "support.livelihood_capacity=0"])
    some = api.run(seed=4, overrides=SMALL + ["support.outreach=0.8", "support.protection_capacity=200",
                                              "support.livelihood_capacity=500"])
    assert none.series("support_credibility")[-1] < none.series("support_credibility")[0] - 0.2
    assert some.series("support_credibility")[-1] > none.series("support_credibility")[-1]


def test_shorter_stipends_cost_less_and_are_worth_less():
    long = api.run(seed=5, overrides=SMALL + ["support.stipend_months=24", "support.livelihood_capacity=300",
                                              "support.outreach_cost_kyat=0", "support.protection_capacity=0"])
    short = api.run(seed=5, overrides=SMALL + ["support.stipend_months=3", "support.livelihood_capacity=300",
                                               "support.outreach_cost_kyat=0", "support.protection_capacity=0"])
    assert short.series("programme_cost")[-1] < long.series("programme_cost")[-1]
    assert short.series("families_enrolled")[-1] <= long.series("families_enrolled")[-1]


def test_an_allocation_over_the_whole_budget_is_refused():
    from defection.errors import DefectionError

    with pytest.raises(DefectionError, match="add up to at most 1"):
        api.run(days=2, overrides=["support.allocation_protection=0.6", "support.allocation_livelihood=0.6"])


def test_officers_know_on_day_0_only_of_the_outreach_then_in_force():
    from defection import model, scenarios

    def known(*sets):
        sc = scenarios.from_dict({}, ["force.n_officers=4000", "army.n_soldiers=6000", "run.scale=5000",
                                      "support.outreach=0.8", *sets])
        return model.build(sc).state.officers.knows_support.mean()

    assert known() == pytest.approx(0.8, abs=0.02)
    # a programme whose outreach is scheduled to begin later is not known of before then
    assert known("support.schedule=[{date = 2021-02-01, lever = \"outreach\", value = 0.0}, "
                 "{date = 2021-09-01, lever = \"outreach\", value = 0.8}]") == 0
    # a change dated after day 0 leaves day 0 as the scenario's value says
    assert known("support.schedule=[{date = 2021-03-01, lever = \"outreach\", value = 0.0}]") == pytest.approx(
        0.8, abs=0.02)
