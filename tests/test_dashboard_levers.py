"""The levers: generated from the scenario schema (every numeric support field, every switch), each with
its range labels and a number box that keeps the exact value."""
from __future__ import annotations

import typing

import pytest

from defection import scenarios
from defection.scenarios import schema


def _walk(node) -> typing.Iterator:
    yield node
    children = getattr(node, "children", None)
    if children is None:
        return
    for child in children if isinstance(children, (list, tuple)) else [children]:
        yield from _walk(child)


@pytest.fixture(scope="module")
def page():
    from defection.dashboard.layout import layout, lever_values

    return list(_walk(layout(["myanmar-2021"], "myanmar-2021", lever_values(scenarios.load("myanmar-2021")))))


def _controls(page, kind: str) -> dict[str, object]:
    return {node.id["key"]: node for node in page
            if isinstance(getattr(node, "id", None), dict) and node.id.get("type") == kind}


def test_every_support_field_and_every_switch_has_a_control(page):
    # read from the schema here, independently of the dashboard's own list
    support = [f"support.{name}" for name, field in schema.Support.model_fields.items()
               if field.annotation in (int, float)]
    switches = [f"switches.{name}" for name, field in schema.Switches.model_fields.items() if field.annotation is bool]
    assert "support.livelihood_capacity" in support and "support.budget_kyat_month" in support
    assert "support.allocation_outreach" in support and len(switches) > 20
    boxes, ticks, sliders = _controls(page, "lever-input"), _controls(page, "switch"), _controls(page, "lever-slider")
    assert set(support) <= set(boxes) and set(support) <= set(sliders), set(support) - set(boxes)
    assert set(switches) == set(ticks)
    defaults = scenarios.load("myanmar-2021")
    for key in switches:  # booleans are checkboxes, ticked as in the scenario
        assert ticks[key].value == (["on"] if getattr(defaults.switches, key.split(".")[1]) else [])


def test_every_lever_and_switch_is_labelled_in_english_and_burmese():
    from defection.dashboard.layout import SCENARIO_KEYS, SWITCH_KEYS
    from defection.i18n import TEXT

    missing = [key for key in [*SCENARIO_KEYS, *SWITCH_KEYS]
               if not {"en", "my"} <= set(TEXT.get(f"lever.{key}", {}))]
    assert not missing, f"no English and Burmese label for {missing}"


def test_a_new_schema_field_gets_a_control_without_dashboard_changes(monkeypatch):
    from pydantic.fields import FieldInfo

    from defection.dashboard import layout

    fields = dict(schema.Support.model_fields)
    fields["new_lever_kyat"] = FieldInfo(annotation=float, default=5.0)
    monkeypatch.setattr(schema.Support, "model_fields", fields)
    switches = dict(schema.Switches.model_fields)
    switches["new_mechanism"] = FieldInfo(annotation=bool, default=True)
    monkeypatch.setattr(schema.Switches, "model_fields", switches)
    assert "support.new_lever_kyat" in layout.support_keys()
    assert "switches.new_mechanism" in layout.switch_keys()


def test_range_labels_and_exact_number_entry(page):
    from defection.dashboard.layout import SCENARIO_KEYS, lever_range, plain_number

    assert plain_number(200000.0) == "200000" and plain_number(0.002) == "0.002" and plain_number(1e9) == "1000000000"
    assert plain_number(0.00005) == "0.00005"
    boxes = _controls(page, "lever-input")
    rows = {node.children[1].id["key"]: node for node in page
            if getattr(node, "className", None) == "lever-row"
            and isinstance(getattr(node.children[1], "id", None), dict)}
    for key in SCENARIO_KEYS:
        lo, hi = lever_range(key)
        spans = [child for child in rows[key].children if getattr(child, "className", "") in ("range-min", "range-max")]
        assert [s.children for s in spans] == [plain_number(lo), plain_number(hi)], key
        box = boxes[key]
        assert box.type == "number" and box.step == "any", key  # no step that would round the value typed
    assert boxes["support.stipend_kyat"].value == 200000 and boxes["community.intensity"].value == 0.002


def test_the_slider_follows_the_box_without_rounding_it():
    """A value typed in the box stays as typed; the slider is clamped to its span and never writes back."""
    from defection.dashboard.layout import lever_range, slider_step

    lo, hi = lever_range("support.budget_kyat_month")
    assert lo == 0 and hi > 1e8  # a budget can be slid over, though the schema documents no plausible range
    assert 0 < slider_step("community.intensity") <= 0.002 / 10


def test_the_switches_reach_the_scenario():
    from defection.dashboard.callbacks import ensemble_settings, switch_values
    from defection.dashboard.layout import ALL_KEYS, lever_values

    values = lever_values(scenarios.load("myanmar-2021"))
    ids = [{"type": "switch", "key": "switches.peer_effects"}, {"type": "switch", "key": "switches.oops"},
           {"type": "switch", "key": "switches.army"}]
    chosen = switch_values(ids, [[], ["on"], "not a list"])
    assert chosen == {"switches.peer_effects": False}  # unknown keys and malformed values are dropped
    overrides, days, seeds = ensemble_settings({k: values[k] for k in ALL_KEYS}, chosen)
    assert overrides["switches.peer_effects"] is False and overrides["support.livelihood_capacity"] == 60.0
    sc = scenarios.from_dict(scenarios.load("myanmar-2021").model_dump(mode="json"), overrides)
    assert sc.switches.peer_effects is False and sc.support.budget_kyat_month == 0
