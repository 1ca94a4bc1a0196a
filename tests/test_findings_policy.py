"""Support and the front line over seeds 0-9: protection and livelihoods at 5x raise defections,
capacity nobody asks for adds none, and the front line pulls combat soldiers only where civilians
have taken up arms.

Part of the findings' tests (tests/test_findings_*.py), split so that both test processes share
them; each module runs only the ensembles it needs (``common.ensemble``, cached per process).
"""
from __future__ import annotations

import pytest

from common import ensemble, final, paired_interval

# Ensembles over the full horizon: minutes on one process, not seconds (docs/development.md, the fast run)
pytestmark = pytest.mark.slow

POLICY_5X = ("support.protection_capacity=100", "support.livelihood_capacity=300")


def test_policy_protection_and_livelihoods_at_5x_raise_defections_and_cut_capacity(default_runs):
    policy = ensemble(POLICY_5X)
    mean, lo, hi = paired_interval(final(default_runs, "defected"), final(policy, "defected"))
    assert lo > 0
    mean, lo, hi = paired_interval(final(default_runs, "coercive_capacity"), final(policy, "coercive_capacity"))
    assert hi < 0


def test_capacity_nobody_asks_for_adds_no_defections():
    """With nobody knowing of support (no outreach, no word of mouth), five times the slots change nothing."""
    unknown = ("support.outreach=0.0", "switches.word_of_mouth=false")
    base = ensemble(unknown, seeds=(0, 1, 2))
    more = ensemble(unknown + POLICY_5X, seeds=(0, 1, 2))
    assert (final(base, "defected") == final(more, "defected")).all()
    assert (final(base, "families_enrolled") == 0).all()


def test_the_front_line_makes_combat_soldiers_oppose_and_leave(default_runs):
    """Where civilians take up arms, combat soldiers are pulled to leave and can (front.py); elsewhere nothing."""
    off = ensemble(("switches.front_line=false",))
    for name in ("defected_army_combat", "quiet_resisters_army"):
        mean, lo, hi = paired_interval(final(off, name), final(default_runs, name))
        assert lo > 0, name
    # where nobody takes up arms there is no front line: the switch changes nothing (the claim fails, as it should)
    calm = ("switches.armed_resistance=false",)
    without = ensemble(calm, seeds=(0, 1, 2))
    with_front_off = ensemble(calm + ("switches.front_line=false",), seeds=(0, 1, 2))
    assert (final(without, "defected_army") == final(with_front_off, "defected_army")).all()
    assert (final(without, "quiet_resisters_army") == final(with_front_off, "quiet_resisters_army")).all()
