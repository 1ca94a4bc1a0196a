"""Policy that works through people (docs/model.md, Support): budgets, schedules, credibility, stipend duration."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import event, example, given, settings
from hypothesis import strategies as st

from common import run_cli
from defection import api, scenarios
from defection.errors import ScenarioError

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


# --- schedules are checked like the levers they change (issue 28, item 7) ---------------------------------------

SHORT = ["run.days=150", "run.scale=5000", "force.n_officers=2000", "army.n_soldiers=3000", "support.start=2021-03-01"]
ALLOCATIONS = ("allocation_protection", "allocation_livelihood", "allocation_outreach")
LEVER_VALUES = {  # values inside each lever's own bounds (the schema's), so only their sum can be wrong
    "allocation_protection": st.floats(0, 1), "allocation_livelihood": st.floats(0, 1),
    "allocation_outreach": st.floats(0, 1), "outreach": st.floats(0, 1),
    "protection_capacity": st.floats(0, 300), "livelihood_capacity": st.floats(0, 500),
    "stipend_kyat": st.floats(5e4, 4e5), "budget_kyat_month": st.one_of(st.just(0.0), st.floats(1e5, 5e7)),
}
changes = st.lists(st.tuples(st.dates(dt.date(2021, 2, 1), dt.date(2021, 6, 30)), st.sampled_from(sorted(LEVER_VALUES)))
                   .flatmap(lambda c: st.tuples(st.just(c[0]), st.just(c[1]), LEVER_VALUES[c[1]])), max_size=6)


def in_force(base: dict[str, float], schedule: list[tuple], day: dt.date) -> dict[str, float]:
    """The levers on ``day``: the last change dated on or before it (in list order within a date), else the base."""
    levers = dict(base)
    for date, lever, value in sorted(schedule, key=lambda c: c[0]):
        if date <= day:
            levers[lever] = value
    return levers


def over_budget_somewhere(base: dict[str, float], schedule: list[tuple]) -> bool:
    """Whether the budget shares in force add up to more than 1 on any date the schedule changes them."""
    dates = [date for date, lever, _ in schedule if lever in ALLOCATIONS]
    return any(sum(in_force(base, schedule, d)[k] for k in ALLOCATIONS) > 1 + 1e-9 for d in dates)


def schedule_text(schedule: list[tuple]) -> str:
    items = ", ".join(f'{{date = {d.isoformat()}, lever = "{lever}", value = {value!r}}}' for d, lever, value in schedule)
    return f"support.schedule=[{items}]"


@settings(max_examples=40, deadline=None)
@example(budget=1e6, shares=[0.3, 0.6, 0.1], schedule=[(dt.date(2021, 4, 1), "allocation_outreach", 1.0)])
@given(budget=st.floats(1e5, 5e7), shares=st.lists(st.floats(0, 1), min_size=3, max_size=3), schedule=changes)
def test_a_schedule_never_makes_a_month_spend_more_than_its_budget(budget, shares, schedule):
    """Random dated changes of every lever, each inside its lever's bounds: a schedule whose budget shares add up
    to more than 1 on some date is refused; any other runs, and no calendar month spends more than the budget
    in force at its start."""
    total = sum(shares) or 1.0
    base = {"budget_kyat_month": budget, "outreach": 1.0,
            **{k: x / total * 0.999 for k, x in zip(ALLOCATIONS, shares)}}
    overrides = SHORT + [f"support.{k}={v!r}" for k, v in base.items()] + ([schedule_text(schedule)] if schedule else [])
    event("refused" if over_budget_somewhere(base, schedule) else "run")
    if over_budget_somewhere(base, schedule):
        with pytest.raises(ScenarioError, match="must add up to at most 1 in every month"):
            api.run(seed=1, overrides=overrides)
        return
    r = api.run(seed=1, overrides=overrides)
    months = r.timeseries.column("date").to_numpy(zero_copy_only=False).astype("datetime64[M]")
    for month, spent in zip(np.unique(months), monthly_spending(r)):
        first = max(month.astype("datetime64[D]").astype(dt.date), dt.date(2021, 3, 1))
        limit = in_force(base, schedule, first)["budget_kyat_month"]
        if limit > 0:  # a budget of 0 means no budget: the capacities apply as given
            assert spent <= limit * (1 + 1e-9), (str(month), spent, limit)


@pytest.mark.parametrize("change, words", [
    ('{date=2021-04-01,lever="allocation_protection",value=5}', ["allocation_protection = 5", "0 to 1"]),
    ('{date=2021-04-01,lever="outreach",value=2}', ["outreach = 2", "0 to 1"]),
    ('{date=2021-04-01,lever="stipend_kyat",value=2e9}', ["stipend_kyat = 2e+09", "0 to 1e+09"]),
])
def test_a_scheduled_value_outside_its_levers_bounds_is_refused_with_a_paragraph(change, words, tmp_path,
                                                                                 monkeypatch, capsys):
    """The issue's reproduction spent 1,395 M kyat a month against a budget of 1,000 M: the schedule set a
    budget share of 5, which the lever's own field would refuse."""
    monkeypatch.chdir(tmp_path)
    code, text = run_cli(["run", "--days", "150", "--out", "o", "--set", "support.budget_kyat_month=1e9",
                          "--set", "support.allocation_protection=1", "--set", "support.allocation_livelihood=0",
                          "--set", "support.allocation_outreach=0", "--set", f"support.schedule=[{change}]"],
                         monkeypatch, capsys)
    assert code == 2 and "Traceback" not in text and text.count("error:") == 1, text
    for word in ["support.schedule", *words]:
        assert word in text, (word, text)
    assert not (tmp_path / "o").exists()


def test_every_scheduled_lever_has_both_bounds():
    """The bounds a dated value is checked against are its lever's own, so each lever needs both."""
    from defection.scenarios.schema import SCHEDULED_LEVERS, Support, bounds

    assert all(None not in bounds(Support, lever) for lever in SCHEDULED_LEVERS)


def test_budget_shares_may_move_between_programmes_on_one_date():
    """Changes dated the same day apply together: moving money from stipends to outreach is not an overspend."""
    sc = scenarios.load("myanmar-2021", ['support.schedule=[{date=2021-06-01, lever="allocation_outreach", value=0.5}, '
                                         '{date=2021-06-01, lever="allocation_livelihood", value=0.2}]'])
    assert sc.support.allocations_over_time()[-1][1]["allocation_outreach"] == 0.5
