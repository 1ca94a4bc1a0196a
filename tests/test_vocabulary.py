"""One vocabulary, defined once (issue 26, item 1): the glossary page states the definitions the tool prints; the two
baselines are named apart in `run` and `compare`; coercive capacity is a percentage with its weights read from the
scenario, in index units only on request; the dashboard never shows index units in its comparison."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from common import assert_one_paragraph, run_cli_raw
from typer.testing import CliRunner

from defection import api, cli, i18n, vocabulary
from defection.experiments.uncertainty import DEFAULT_UNCERTAIN

ROOT = Path(__file__).resolve().parents[1]
GLOSSARY = ROOT / "docs" / "glossary.md"
# a scenario of a few thousand agents, so that every CLI run here takes a second or two
TINY = ["run.scale=10000", "force.n_officers=1500", "army.n_soldiers=1000"]
SETS = [arg for item in TINY for arg in ("--set", item)]


def folded(text: str) -> str:
    return " ".join(text.split())


def invoke(args: list[str], tmp_path: Path, monkeypatch) -> str:
    """``defection ARGS`` through typer's CliRunner, in ``tmp_path``; its output, white space folded."""
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli.app, args, env={"COLUMNS": "200"})
    assert result.exit_code == 0, (result.output, result.exception)
    return folded(result.output)


# ------------------------------------------------------------------ the glossary
def test_the_glossary_page_exists_is_in_the_site_and_states_every_definition_as_the_tool_does():
    page = GLOSSARY.read_text(encoding="utf-8")
    assert re.search(r"^\s+- Glossary: glossary\.md$", (ROOT / "mkdocs.yml").read_text(encoding="utf-8"), re.M)
    headings = {h.strip().lower() for h in re.findall(r"^###? (.+)$", page, re.M)}
    definitions = vocabulary.definitions(api.resolve("myanmar-2021"))
    for key in vocabulary.GLOSSARY:
        assert vocabulary.term(key).lower() in headings, key
        assert folded(definitions[key]) in folded(page), f"docs/glossary.md does not state the definition of {key}"
    for key in DEFAULT_UNCERTAIN:  # what is drawn by default is named on the page
        assert f"`{key}`" in page, key
    for linking in ("commands/run.md", "commands/compare.md", "commands/forecast.md", "experiments.md",
                    "dashboard.md", "index.md"):
        assert "glossary.md" in (ROOT / "docs" / linking).read_text(encoding="utf-8"), linking


def test_every_term_has_its_burmese():
    assert vocabulary.missing_terms("my") == [] and vocabulary.missing_terms("en") == []
    assert vocabulary.baseline_label("no-programmes", "my") == i18n.t("term.no_programmes", "my")
    assert vocabulary.baseline_label("status-quo") == "status-quo"  # a former name is shown as written


def test_capacity_weights_are_read_from_the_scenario_never_assumed():
    sc = api.resolve("myanmar-2021", ["force.quiet_weight=0.35", "army.effectiveness_combat=2.5",
                                      "force.effectiveness_paramilitary=1.25"])
    assert vocabulary.capacity_weights(sc) == {"civilian": 1.0, "paramilitary": 1.25, "army_combat": 2.5,
                                               "army_support": 0.5, "quiet": 0.35}
    text = vocabulary.capacity_weights_text(sc)
    assert "paramilitary police 1.25" in text and "combat soldiers 2.5" in text and "counts 0.35 of" in text
    no_army = api.resolve("myanmar-2021", ["switches.army=false"])
    assert "soldiers" not in vocabulary.capacity_weights_text(no_army)
    # a manifest's scenario (a dict) reads the same, and Burmese digits follow the language
    assert vocabulary.capacity_weights(sc.model_dump(mode="json")) == vocabulary.capacity_weights(sc)
    assert "၂.၅" in vocabulary.capacity_weights_text(sc, "my")


# ------------------------------------------------------------------ run
def test_run_names_its_baseline_and_shows_capacity_as_a_percentage_with_its_weights(tmp_path, monkeypatch):
    weights = ["--set", "force.quiet_weight=0.4", "--set", "army.effectiveness_combat=2.5"]
    text = invoke(["run", "--days", "20", "--out", "r", *SETS, *weights], tmp_path, monkeypatch)
    assert "with the scenario's programmes" in text and "from day 0 (1 Feb 2021) to the last day (20 Feb 2021)" in text
    assert "not the programmes' effect" in text and "compare with no programmes" in text
    assert "coercive capacity on the last day, % of day 0" in text
    assert "combat soldiers 2.5" in text and "a quiet resister counts 0.4 of" in text  # the scenario's weights
    ts = pq.read_table(tmp_path / "r" / "timeseries.parquet")
    capacity = ts.column("coercive_capacity").to_numpy()
    assert f"{100 * capacity[-1] / capacity[0]:.1f}%" in text
    assert "index units" not in text and f"{capacity[0]:,.0f}" not in text  # index units only on request
    text = invoke(["run", "--days", "20", "--out", "r", "--force", "--units", "index", *SETS, *weights], tmp_path,
                  monkeypatch)
    assert re.search(rf"index units, day 0 .* {capacity[0]:,.0f} ", text), text


def test_run_refuses_unknown_units_in_one_paragraph(monkeypatch, capsys, tmp_path):
    monkeypatch.chdir(tmp_path)
    code, text = run_cli_raw(["run", "--units", "kyat"], monkeypatch, capsys)
    assert_one_paragraph(code, text, "--units", "percent", "index")


def test_the_api_gives_capacity_as_a_percentage_and_its_weights():
    result = api.run("myanmar-2021", days=5, overrides=TINY)
    share = result.capacity_percent()
    assert share[0] == 100.0 and share[-1] == pytest.approx(100 * result.series("coercive_capacity")[-1]
                                                            / result.series("coercive_capacity")[0])
    assert result.capacity_percent("army")[0] == 100.0
    assert result.capacity_weights == vocabulary.capacity_weights(result.scenario)


# ------------------------------------------------------------------ compare
def test_compare_names_the_two_baselines_apart(tmp_path, monkeypatch):
    common = ["--replicates", "2", "--days", "20", "--workers", "0", *SETS]
    text = invoke(["compare", "--policy", "more:support.outreach=0.6", "--out", "given", *common], tmp_path,
                  monkeypatch)
    assert "paired difference from the scenario's programmes (scenario-programmes) on the last day" in text
    assert "Effect: the paired difference from the scenario's programmes (the policy named scenario-programmes), " \
           "on the last day (20 Feb 2021)" in text
    assert "status-quo" not in text and "status quo" not in text
    assert "Intervals are over seeds only" in text and "counts each compliant officer by branch" in text
    text = invoke(["compare", "--preset", "diis-policy", "--out", "preset", *common], tmp_path, monkeypatch)
    assert "paired difference from no programmes (no-programmes) on the last day" in text
    assert "status-quo" not in text and "scenario-programmes" not in text
    saved = json.loads((tmp_path / "preset" / "compare.json").read_text())
    assert saved["baseline"] == "no-programmes" and saved["end_date"] == "2021-02-20"
    assert saved["capacity_weights"]["army_combat"] == 2.0


def test_a_policy_may_not_take_a_baselines_name(monkeypatch, capsys, tmp_path):
    monkeypatch.chdir(tmp_path)
    for name, words in (("status-quo", ("named for what it is", "scenario-programmes", "no-programmes")),
                        ("no-programmes", ("belongs to a baseline", "glossary"))):
        code, text = run_cli_raw(["compare", "--policy", f"{name}:support.outreach=0", "--workers", "0"],
                                 monkeypatch, capsys)
        assert_one_paragraph(code, text, *words)


def test_the_comparison_tables_show_capacity_in_percent_and_its_effects_in_percentage_points():
    from defection.formatting import effects_table

    row = {"n": 2, "censored": 0, "mean": 0.9, "p05": 0.89, "p95": 0.91, "diff_mean": -0.02, "diff_lo": -0.03,
           "diff_hi": -0.01}
    result = {"baseline": "no-programmes", "policies": [{"policy": "no-programmes"}, {"policy": "p"}],
              "rows": [{**row, "policy": p, "outcome": "coercive_capacity_end_share"} for p in ("no-programmes", "p")]}
    _, rows, _ = effects_table(result)
    assert ["  capacity, last day (%)", "90.0%", "89.0–91.0", "-2.0 pp [-3.0, -1.0]"] in rows


# ------------------------------------------------------------------ the dashboard
def _runs(capacity: list[list[float]], defected: list[float]) -> list[dict]:
    from defection.dashboard.figures import OUTCOMES

    return [{"series": {**{name: [0.0, d] for name in OUTCOMES}, "coercive_capacity": c}, "start": "2021-02-01"}
            for c, d in zip(capacity, defected)]


def test_the_dashboards_comparison_shows_capacity_as_a_percentage_never_index_units():
    from defection.dashboard import figures

    a = _runs([[234420.0, 210978.0], [234420.0, 211000.0]], [10, 12])
    b = _runs([[234420.0, 199257.0], [234420.0, 199300.0]], [20, 23])
    rows = {r["key"]: r for r in figures.compare_rows(a, b, "en")}
    cap = rows["coercive_capacity"]
    assert cap["a"] == "90.0%" and cap["b"] == "85.0%" and cap["diff"] == "−5.0 pp"
    assert "% of day 0" in cap["outcome"]
    shown = " ".join(str(v) for r in rows.values() for k, v in r.items() if k != "raw")
    assert "234,420" not in shown and "210,978" not in shown
