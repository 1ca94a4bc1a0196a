"""The pinned baseline: the outputs of a few scenarios are those committed in tests/baseline.json.

A refactoring that should change nothing is checked here, byte for byte. When outputs move on purpose,
``PYTHONPATH=src python scripts/update_baseline.py`` rewrites the file and prints what moved; when an
update is allowed is in docs/development.md ("The pinned baseline"). Scenarios and fingerprints are
defined in tests/pinned_baseline.py.
"""
from __future__ import annotations

import pytest

import pinned_baseline
from pinned_baseline import SCENARIOS

BY_NAME = {pinned.name: pinned for pinned in SCENARIOS}
# p_detect 0.15 -> 0.1515: well inside its range, small enough that a changed kernel could hide behind it
PERTURBED = ("regime.p_detect=0.1515",)


@pytest.fixture(scope="module")
def fresh() -> dict:
    """Each pinned scenario run now, by name."""
    return {pinned.name: pinned_baseline.run(pinned) for pinned in SCENARIOS}


def failure(name: str, moved: list[str]) -> str:
    """The message of a failed comparison: the scenario, the first series that moved, and what to do."""
    return (f"scenario {name!r}: {moved[0]} ({len(moved)} series differ from tests/baseline.json). If the change "
            f"is meant, run `PYTHONPATH=src python scripts/update_baseline.py` as docs/development.md says.")


def test_the_pinned_file_has_every_scenario_as_defined_here():
    stored = pinned_baseline.read()["scenarios"]
    assert list(stored) == list(BY_NAME), "run scripts/update_baseline.py after adding or removing a scenario"
    for name, pinned in BY_NAME.items():
        assert stored[name]["definition"] == pinned.definition(), f"{name}: definition changed; update the baseline"


@pytest.mark.parametrize("name", list(BY_NAME))
def test_outputs_are_the_pinned_ones(fresh, name: str):
    moved = pinned_baseline.moved(pinned_baseline.read()["scenarios"][name]["series"],
                                  pinned_baseline.fingerprint(fresh[name]))
    assert not moved, failure(name, moved)


def test_a_slightly_perturbed_parameter_is_reported(fresh):
    """The comparison can fail: a 1% change of one parameter moves series, and the message names them."""
    pinned = BY_NAME["police_alone"]
    now = pinned_baseline.fingerprint(fresh[pinned.name])
    moved = pinned_baseline.moved(now, pinned_baseline.fingerprint(pinned_baseline.run(pinned, PERTURBED)))
    assert moved and all(": moved (last value" in line for line in moved), moved
    message = failure(pinned.name, moved)
    assert message.startswith(f"scenario 'police_alone': {moved[0].split(':')[0]}: moved")
    # and the same run again moves nothing: the hashes depend on the outputs alone
    assert pinned_baseline.moved(now, pinned_baseline.fingerprint(pinned_baseline.run(pinned))) == []


def test_a_series_that_appears_or_disappears_is_reported():
    pinned = {"a": {"sha256": "1", "last": 1}, "b": {"sha256": "2", "last": 2}}
    assert pinned_baseline.moved(pinned, {"a": {"sha256": "1", "last": 1}, "c": {"sha256": "3", "last": 3}}) == [
        "b: gone", "c: new"]
