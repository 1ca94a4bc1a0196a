"""Hypothesis fuzzes scenario loading: every malformed input gets a ScenarioError, never a traceback."""
from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from defection import scenarios
from defection.errors import ScenarioError
from defection.scenarios.schema import Scenario, parameters

KEYS = sorted(parameters())
SECTIONS = sorted({k.split(".")[0] for k in KEYS})

values = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-10**20, max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=20), st.dates(min_value=dt.date(1, 1, 1)),
    st.lists(st.floats(allow_nan=False, allow_infinity=False, width=32), max_size=12),
    st.dictionaries(st.text(max_size=8), st.integers(), max_size=3),
)
keys = st.one_of(st.sampled_from(KEYS), st.text(min_size=1, max_size=30),
                 st.builds(lambda s, k: f"{s}.{k}", st.sampled_from(SECTIONS), st.text(max_size=12)))


def _loads_or_rejects(call):
    try:
        result = call()
    except ScenarioError as exc:
        assert str(exc) and "Traceback" not in str(exc)
        return None
    assert isinstance(result, Scenario)
    return result


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(keys, values, max_size=4))
def test_random_overrides(changes):
    _loads_or_rejects(lambda: scenarios.from_dict({}, changes))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(max_size=40), max_size=4))
def test_random_override_strings(items):
    _loads_or_rejects(lambda: scenarios.load("myanmar-2021", items))


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_random_toml_text(text):
    _loads_or_rejects(lambda: scenarios.from_toml(text))


@settings(max_examples=200, deadline=None)
@given(st.recursive(values, lambda children: st.dictionaries(st.sampled_from(SECTIONS + ["x", "run"]), children,
                                                              max_size=3), max_leaves=8))
def test_random_nested_tables(data):
    _loads_or_rejects(lambda: scenarios.from_dict(data if isinstance(data, dict) else {"run": data}))


def _numeric_fields():
    out = []
    for key, field in parameters().items():
        if field.annotation in (int, float) and key not in ("run.seed", "run.days", "run.scale", "force.n_officers",
                                                                   "army.n_soldiers"):
            rng = (field.json_schema_extra or {}).get("plausible")
            if rng:
                out.append((key, field.annotation, rng))
    return out


NUMERIC = _numeric_fields()


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(NUMERIC), st.floats(0, 1)), max_size=8),
       st.lists(st.sampled_from([k for k in KEYS if k.startswith("switches.")]), max_size=4))
def test_any_valid_scenario_runs_and_keeps_its_invariants(picks, switches_off):
    """Random values across the plausible ranges, on a small force, never crash and keep the invariants."""
    from defection import api

    overrides = (["run.days=12", "run.scale=5000", "force.n_officers=2000", "army.n_soldiers=3000"]
                 + [f"{k}=false" for k in switches_off])
    for (key, kind, (lo, hi)), x in picks:
        value = lo + x * (hi - lo)
        overrides.append(f"{key}={int(round(value)) if kind is int else value}")
    r = api.run(overrides=overrides)
    total = sum(r.series(k) for k in ("compliant", "quiet_resisters", "defected", "caught"))
    assert (total == (2000 if "switches.army" in switches_off else 5000)).all()


def _outcome(call):
    try:
        return call()
    except ScenarioError as exc:
        return f"refused: {exc}"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_a_byte_order_mark_changes_nothing(text):
    """A UTF-8 BOM, as some Windows editors write, is not part of the TOML: the same scenario or refusal."""
    assert _outcome(lambda: scenarios.from_toml("\ufeff" + text)) == _outcome(lambda: scenarios.from_toml(text))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.one_of(keys, st.text(min_size=1, max_size=500)), values, min_size=1, max_size=60),
       st.sampled_from([None, *SECTIONS]))
def test_error_messages_stay_short(junk, section):
    """Any number of wrong keys and values, however long, gives a message of bounded length."""
    message = _outcome(lambda: scenarios.from_dict(junk if section is None else {section: junk}))
    if isinstance(message, str):
        assert len(message) <= 2500, len(message)
