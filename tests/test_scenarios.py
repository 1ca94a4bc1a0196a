"""Scenario loading, overrides and clean errors that name the field and the fix."""
from __future__ import annotations

import datetime as dt

import pytest

from defection import scenarios
from defection.errors import ScenarioError
from defection.scenarios.render import render
from defection.scenarios.schema import Scenario, parameters, plausible_range


def test_builtin_equals_schema_defaults_and_is_rendered_from_it():
    assert scenarios.load("myanmar-2021") == Scenario()
    text, _ = scenarios.source_text("myanmar-2021")
    assert text == render(), "run: python -m defection.scenarios.render > src/defection/scenarios/myanmar-2021.toml"


def test_every_parameter_has_a_documented_source_and_default_inside_its_range():
    sc = Scenario()
    for key, field in parameters().items():
        if key in ("name", "description"):
            continue
        assert field.description, key
        assert "source" in (field.json_schema_extra or {}), key
        rng = plausible_range(key)
        if rng:
            value = sc
            for part in key.split("."):
                value = getattr(value, part)
            assert rng[0] <= value <= rng[1], f"{key}={value} outside {rng}"


def test_overrides_set_nested_values():
    sc = scenarios.load("myanmar-2021", ["support.outreach=0.6", "officers.paramilitary.ties_mean=0.1",
                                         "switches.predation=false", "run.start=2021-03-01"])
    assert sc.support.outreach == 0.6 and sc.officers.paramilitary.ties_mean == 0.1
    assert sc.switches.predation is False and str(sc.run.start) == "2021-03-01"


def test_a_scenario_file_is_loaded_by_path(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text('name = "mine"\n[support]\noutreach = 0.5\n')
    sc = scenarios.load(str(path))
    assert sc.name == "mine" and sc.support.outreach == 0.5 and sc.force.n_officers == 80000


@pytest.mark.parametrize("overrides, words", [
    (["decision.w_tiez=2"], ["w_tiez", "Did you mean 'w_ties'"]),
    (["suport.outreach=2"], ["suport", "Did you mean 'support'"]),
    (["support.outreach=2"], ["support.outreach", "2", "less than or equal to 1"]),
    (["support.outreach=abc"], ["support.outreach", "'abc'", "valid number"]),
    (["force.n_officers=1.5"], ["force.n_officers", "integer"]),
    (["force.rank_shares=[0.5, 0.4]"], ["force.rank_shares", "sum to 1"]),
    (["support=3"], ["support"]),
    (["outreach"], ["section.key=value"]),
    (["support.outreach.x=1"], ["support.outreach", "not a section"]),
])
def test_bad_overrides_name_the_field(overrides, words):
    with pytest.raises(ScenarioError) as exc:
        scenarios.load("myanmar-2021", overrides)
    for w in words:
        assert w in str(exc.value)


def test_bad_files_get_clean_errors(tmp_path):
    with pytest.raises(ScenarioError, match="does not exist"):
        scenarios.load(str(tmp_path / "missing.toml"))
    with pytest.raises(ScenarioError, match="Did you mean 'myanmar-2021'"):
        scenarios.load("myanmar-2012")
    bad = tmp_path / "bad.toml"
    bad.write_text("[support\noutreach = 0.5\n")
    with pytest.raises(ScenarioError, match="not valid TOML"):
        scenarios.load(str(bad))
    typo = tmp_path / "typo.toml"
    typo.write_text("[support]\noutreech = 0.5\n")
    with pytest.raises(ScenarioError, match="'support.outreech' is not a known parameter. Did you mean 'outreach'"):
        scenarios.load(str(typo))
    region = tmp_path / "region.toml"
    region.write_text('[[regime.events]]\ndate = 2021-03-01\nregions = ["Yangoon"]\n')
    with pytest.raises(ScenarioError, match="Did you mean 'Yangon'"):
        scenarios.load(str(region))


def test_a_scenario_is_data_and_is_never_executed(tmp_path):
    marker = tmp_path / "pwned"
    path = tmp_path / "evil.toml"
    path.write_text(f'name = "__import__(\'os\').system(\'touch {marker}\')"\n'
                    f'description = "{{{{ {marker} }}}} $(touch {marker})"\n')
    sc = scenarios.load(str(path))
    assert "__import__" in sc.name and not marker.exists()


@pytest.mark.parametrize("toml, field, words", [
    ("[run]\ndays = true\n", "run.days", ["valid integer", "not a boolean"]),
    ('[switches]\narmy = "no"\n', "switches.army", ["true or false", "not a string"]),
    ("[switches]\narmy = 0\n", "switches.army", ["true or false", "not a number"]),
    ('[support]\noutreach = "0.5"\n', "support.outreach", ["valid number", "not a string"]),
    ("[run]\nstart = 20210201\n", "run.start", ["a date such as", "not a number"]),
    ("[force]\nrank_shares = [true, 0, 0, 0, 0, 0, 0, 0, 0]\n", "force.rank_shares", ["numbers only", "a boolean"]),
    ('[support]\nschedule = [{date = 2021-05-01, lever = "outreach", value = true}]\n', "support.schedule.0.value",
     ["valid number", "not a boolean"]),
])
def test_toml_types_are_strict(toml, field, words, tmp_path):
    """Pydantic's lax mode read true as 1 day, "no" and 0 as a switch turned off, a number as a date."""
    path = tmp_path / "loose.toml"
    path.write_text(toml)
    with pytest.raises(ScenarioError) as exc:
        scenarios.load(str(path))
    for word in [field, *words]:
        assert word in str(exc.value), (word, str(exc.value))


@pytest.mark.parametrize("override, key, value", [
    ("switches.army=false", "switches.army", False), ("run.days=30", "run.days", 30),
    ("support.outreach=1", "support.outreach", 1.0), ("run.start=2021-03-01", "run.start", dt.date(2021, 3, 1)),
    ("name=my-policy", "name", "my-policy"), ("livelihood.salary_kyat=[1, 2, 3, 4, 5, 6, 7, 8, 9]",
                                              "livelihood.salary_kyat", [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0]),
])
def test_legitimate_command_line_values_still_validate(override, key, value):
    """``--set`` values are read as TOML: these are the types their fields hold (an integer is a number)."""
    got = scenarios.load("myanmar-2021", [override])
    for part in key.split("."):
        got = getattr(got, part)
    assert got == value and type(got) is type(value)


def test_python_values_keep_their_types_through_dict_overrides_and_json():
    """Experiments and the dashboard pass Python values (booleans, numpy numbers) and JSON dumps (dates as text)."""
    import numpy as np

    sc = scenarios.from_dict({}, {"switches.army": False, "run.days": np.int64(20), "support.outreach": np.float64(0.4)})
    assert sc.switches.army is False and sc.run.days == 20 and sc.support.outreach == 0.4
    assert scenarios.from_dict(sc.model_dump(mode="json")) == sc
