"""A mechanism declares its parts (model/mechanism.py): the schedule, the state and the recorder are assembled
from the declarations, every declared name exists in the scenario schema, and clashes are refused."""
from __future__ import annotations

import numpy as np
import pytest

from defection import model, scenarios
from defection.model.crackdown import deployment_arrays
from defection.model.exposure import EXPOSURE, injury_dose
from defection.model.front import FRONT_LINE, FrontLine, intensity
from defection.model.mechanism import Mechanism, Record, StateField, allocate_states, schedule
from defection.scenarios.schema import Scenario, Switches

DAYS = 5


def section_fields(section: str) -> set[str]:
    return set(Scenario.model_fields[section].annotation.model_fields)


def test_every_declared_parameter_and_switch_exists_in_the_schema():
    declared = [m for m in model.MECHANISMS if m.section or m.switch]
    assert FRONT_LINE in declared and EXPOSURE in declared
    for m in declared:
        if m.section:
            assert set(m.Params._fields) <= section_fields(m.section), m.name
        for switch in (m.switch, *m.needs):
            assert switch is None or Switches.model_fields[switch].annotation in (bool, "bool"), (m.name, switch)


def test_the_schedule_is_the_mechanisms_in_order_then_the_record():
    assert [s.name for s in model.SCHEDULE] == [m.name for m in model.MECHANISMS] + ["record"]
    assert [s.name for s in model.SCHEDULE] == ["protest", "front", "crackdown", "community", "exposure", "budget",
                                                "decision", "support", "detection", "adaptation", "record"]


def test_the_front_line_reads_its_parameters_by_name_and_owns_its_state():
    sc = scenarios.load("myanmar-2021", ["army.front_pull=2.5", "run.days=5"])
    assert FRONT_LINE.params(sc).front_pull == 2.5
    assert FRONT_LINE.params(sc) == tuple(getattr(sc.army, name) for name in FRONT_LINE.Params._fields)
    sim = model.build(sc)
    tw = sim.state.townships
    assert tw.front.dtype == np.float64 and tw.front.shape == tw.region.shape and not tw.front.any()
    tw.armed_agents[:] = 10  # as if a call to arms had been answered everywhere
    FRONT_LINE(sim, 0)
    expected = intensity(tw.armed_agents, tw.population, sc.run.scale, sc.army.front_reference_share)
    np.testing.assert_array_equal(tw.front, expected)
    assert tw.front.min() > 0.0
    np.testing.assert_array_equal(FRONT_LINE.pull(sim), 2.5 * tw.front)
    np.testing.assert_array_equal(FRONT_LINE.safety(sim), sc.army.front_safety * tw.front)


def test_the_front_line_switched_off_holds_no_front():
    for off in ("switches.front_line=false", "switches.army=false"):
        sc = scenarios.load("myanmar-2021", [off, "run.days=5"])
        assert not FRONT_LINE.enabled(sc)
        sim = model.build(sc)
        sim.state.townships.front[:] = 0.5  # the switched-off day clears it
        sim.run(1)
        assert not sim.state.townships.front.any()


def test_moral_injury_owns_its_state_per_township_and_branch():
    sc = scenarios.load("myanmar-2021", ["run.days=5"])
    sim = model.build(sc)
    tw = sim.state.townships
    assert tw.injury.shape == (len(tw.region), 4) and not tw.injury.any()
    tw.deaths_today[:3] = 2
    EXPOSURE(sim, 0)
    dose = injury_dose(tw.deaths_today, tw.operations_deaths_today, deployment_arrays(sc)[0], sc.exposure, 0.0)
    np.testing.assert_array_equal(tw.injury, dose)
    off = model.build(scenarios.load("myanmar-2021", ["run.days=5", "switches.moral_shock=false"]))
    off.state.townships.deaths_today[:3] = 2
    EXPOSURE(off, 0)
    assert not off.state.townships.injury.any()


class ArmedShare(Mechanism):
    """A mechanism added by its module alone: the national armed share, kept as state and recorded."""

    name = "armed_share"
    states = (StateField("townships", "armed_share", np.float64, "share of the township's people in arms"),)
    columns = {"armed_share_max": np.float64}

    def step(self, sim, day):
        tw = sim.state.townships
        tw.armed_share[:] = sim.params.run.scale * tw.armed_agents / tw.population

    def values(self, sim, day):
        return {"armed_share_max": float(sim.state.townships.armed_share.max())}


def test_a_new_mechanism_brings_its_state_and_columns_and_changes_nothing_else():
    sc = scenarios.load("myanmar-2021", ["run.days=5"])
    plain = model.build(sc).run(DAYS)
    added = model.build(sc, mechanisms=(*model.MECHANISMS, ArmedShare())).run(DAYS)
    assert added.schedule[-2:] == ["armed_share", "record"]
    assert added.recorder["armed_share_max"].shape == (DAYS,)
    assert added.recorder["armed_share_max"][-1] == added.state.townships.armed_share.max()
    for name in model.COLUMNS:
        np.testing.assert_array_equal(added.recorder[name], plain.recorder[name], err_msg=name)
    assert "armed_share_max" not in model.COLUMNS  # the default model is unchanged


def test_clashing_declarations_are_refused():
    sc = scenarios.load("myanmar-2021", ["run.days=5"])
    sim = model.build(sc)
    with pytest.raises(ValueError, match="townships.front"):
        allocate_states(sim.state, [FrontLine()])  # the front is already there
    with pytest.raises(ValueError, match="two mechanisms share a name"):
        schedule([FRONT_LINE, FrontLine()])

    class Defected(ArmedShare):
        columns = {"defected": np.int32}

    with pytest.raises(ValueError, match="already recorded"):
        Record(lambda sim, day: None, model.COLUMNS, [Defected()])
