"""What support costs: each unit cost has a source (or says why it is assumed), the optimiser draws the costs
it is unsure of, a candidate's cost follows its draw, and kyat figures carry their US-dollar equivalent."""
from __future__ import annotations

import math
from pathlib import Path

import pytest
from common import run_cli

from defection import currency, scenarios
from defection.experiments import optimize as opt
from defection.formatting import rate_sentence
from defection.scenarios.schema import parameters, plausible_range

SOURCES = Path(__file__).resolve().parents[1] / "docs" / "sources.md"
COST_KEYS = sorted({lever.cost_key for lever in opt.levers()})


def test_the_levers_have_the_three_unit_costs_this_module_checks():
    assert COST_KEYS == ["support.outreach_cost_kyat", "support.protection_cost_kyat", "support.stipend_kyat"]


@pytest.mark.parametrize("key", COST_KEYS)
def test_every_support_cost_cites_a_source_or_says_why_it_is_assumed(key):
    source = parameters()[key].json_schema_extra["source"]
    reason = source.removeprefix("assumed").strip(" :;,")
    assert reason, f"{key}: a bare 'assumed'; name the sources searched or the reasoning"
    if not source.startswith("assumed"):
        assert any(str(year) in source for year in range(2021, 2026)), f"{key}: a source without a date: {source}"
    assert "docs/sources.md, Support costs" in source, key
    section = SOURCES.read_text(encoding="utf-8").split("## 5b. Support costs")[1].split("\n## ")[0]
    assert f"`{key.split('.', 1)[1]}`" in section, f"{key} is not discussed in docs/sources.md, section 5b"


@pytest.mark.parametrize("kyat, text", [
    (8.12e9, "US$4.57 M"), (200_000, "US$112"), (1_500_000, "US$844"), (0, "US$0"), (-1_778_000, "-US$1,000"),
    (1.778e12, "US$1.00 bn"), (500, "US$0.281"), (float("nan"), "–"),
])
def test_usd_converts_at_the_cited_rate_to_three_significant_digits(kyat, text):
    assert currency.usd(kyat) == text


def test_a_kyat_figure_standing_alone_names_the_rate_its_source_and_its_date():
    assert currency.kyat_and_usd(8.12e9) == "8.12 bn kyat (US$4.57 M at 1,778 kyat/US$, CBM, 30 Dec 2021)"
    assert currency.RATE_DATE.year == 2021  # the last year of the data the model is fitted to
    assert "1,778" in rate_sentence("en") and "30 Dec 2021" in rate_sentence("en")
    assert "၁,၇၇၈" in rate_sentence("my")


def test_the_optimisers_default_draws_vary_the_unit_costs_within_their_plausible_ranges():
    base = scenarios.load("myanmar-2021").model_dump(mode="json")
    draws, how = opt.uncertain_draws(base, 8, 3, None, None)
    assert set(opt.SUPPORT_COSTS) <= set(draws[0]) and set(draws[0]) == set(opt.DEFAULT_UNCERTAIN)
    assert {v["key"] for v in how["latin_hypercube"]} >= set(opt.SUPPORT_COSTS)
    for key in opt.SUPPORT_COSTS:
        lo, hi = plausible_range(key)
        values = [d[key] for d in draws]
        assert len(set(values)) == 8 and all(lo <= v <= hi for v in values), key
    # the stipend is the offer, not its price: drawing it would change what officers are promised
    assert "support.stipend_kyat" not in opt.DEFAULT_UNCERTAIN


def test_a_candidates_cost_is_computed_on_each_draw_from_the_drawn_unit_cost():
    small = ["run.days=120", "run.scale=5000", "force.n_officers=3000", "army.n_soldiers=3000"]
    base = scenarios.load("myanmar-2021", small).model_dump(mode="json")
    # a third of the force reached at the scenario's 500 kyat; a dearer draw hits the budget, a cheaper one does not
    candidate = opt.candidate_overrides(base, 1e6, {"outreach": 1.0}, {"support.start": 0})
    costs = []
    for unit_cost in (100.0, 2000.0):
        draw = {"support.outreach_cost_kyat": unit_cost}
        status_quo = opt.status_quo_overrides(base)
        sq, = opt.evaluate_draw(opt.ModelEvaluator(), base, draw, status_quo, [status_quo], seed=3)
        got, = opt.evaluate_draw(opt.ModelEvaluator(), base, draw, status_quo, [candidate], seed=3)
        costs.append(opt.metric_values(got["outcome"], sq["outcome"])["cost"])
    months = 4  # February to May: the month openings of 120 days from 1 February 2021
    assert costs[1] == pytest.approx(1e6 * months, rel=1e-6)  # the budget binds
    assert costs[0] == pytest.approx(costs[1] * 100 / 500, rel=1e-6) and math.isfinite(costs[0])


def test_the_run_summary_shows_the_programme_cost_in_us_dollars_with_the_rate(tmp_path, monkeypatch, capsys):
    code, text = run_cli(["run", "--days", "2", "--out", str(tmp_path / "r")], monkeypatch, capsys)
    assert code == 0
    assert "programme cost (kyat)" in text and "in US$" in text and "US$0" in text
    assert "US$ at 1,778 kyat/US$, CBM, 30 Dec 2021" in text
