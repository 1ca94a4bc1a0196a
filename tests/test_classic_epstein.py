"""Epstein (2002) civil violence model I on the engine: rules, options, invariants, outputs,
and the stylised fact of punctuated equilibrium."""
from __future__ import annotations

import json
import math

import numpy as np
import pyarrow.parquet as pq
import pytest

from defection.classic import CLASSIC, run_classic
from defection.classic import _epstein_kernel as kernel
from defection.classic import epstein as ep
from defection.errors import ScenarioError

MESA_DEFAULTS = dict(width=40, height=40, citizen_density=0.7, cop_density=0.074, citizen_vision=7, cop_vision=7,
                     legitimacy=0.8, max_jail_term=1000, active_threshold=0.1, arrest_prob_constant=2.3,
                     movement=True)


def run_cols(seed=0, steps=50, **kw):
    sim = ep.build(ep.EpsteinParams(**kw), seed=seed)
    sim.run(steps)
    return sim, ep.history_columns(sim.state)


# ---------------------------------------------------------------- parameters and options
def test_defaults_are_mesa_defaults_and_mesa_rules():
    p = ep.EpsteinParams()
    for k, v in MESA_DEFAULTS.items():
        assert getattr(p, k) == v, k
    assert (p.neighbourhood, p.rounding, p.jail_term, p.cop_after_arrest) == (
        "von_neumann", "round", "inclusive", "stay")


def test_neighbourhood_shapes():
    vn = ep.spans(7, "von_neumann")
    assert vn.tolist() == [0, 1, 2, 3, 4, 5, 6, 7, 6, 5, 4, 3, 2, 1, 0]
    assert int((2 * vn + 1).sum()) - 1 == 112  # the von Neumann diamond of radius 7, centre excluded
    eu = ep.spans(7, "euclidean")
    # floor(sqrt(49 - dy²)) for dy = 0..7
    assert eu.tolist()[7:] == [7, 6, 6, 6, 5, 4, 3, 0]
    assert int((2 * eu + 1).sum()) - 1 == 148
    dx, dy = ep.offsets(eu)
    assert len(dx) == 148 and np.all(dx * dx + dy * dy <= 49) and not np.any((dx == 0) & (dy == 0))


@pytest.mark.parametrize("rounding, c, a, m", [
    ("round", 1, 2, 0), ("round", 3, 2, 2), ("round", 5, 2, 2), ("round", 7, 2, 4), ("round", 2, 3, 1),
    ("round", 0, 5, 0), ("round", 8, 1, 8), ("floor", 5, 2, 2), ("floor", 3, 2, 1), ("floor", 2, 3, 0)])
def test_arrest_probability_uses_pythons_round_half_to_even_or_floor(rounding, c, a, m):
    p = ep.EpsteinParams(rounding=rounding)
    P = ep.arrest_probability(p, 112)
    assert P.shape == (113, 114)
    assert P[c, a] == 1.0 - math.exp(-2.3 * m)


@pytest.mark.parametrize("rounding", ["round", "floor"])
def test_arrest_probability_by_table_or_by_division_gives_the_same_run(rounding):
    """Neighbourhoods of up to 256 cells look P up in a (C, A) table; larger ones divide."""
    p = ep.EpsteinParams(legitimacy=0.7, max_jail_term=15, rounding=rounding)
    by_table, by_division = ep.build(p, seed=3), ep.build(p, seed=3)
    s = by_division.state
    s.ip[kernel.P_SEEN] = -int(rounding == "floor")
    s.fp = np.concatenate([[p.active_threshold], ep.arrest_probability(p, int(s.ip[kernel.P_MC]), by_seen=False)])
    by_table.run(80)
    by_division.run(80)
    assert by_table.state.history[:, 2].max() > 20  # a real test: many citizens turn active
    np.testing.assert_array_equal(by_table.state.history, by_division.state.history)


def test_settings_parse_and_validate():
    p = ep.EpsteinParams.from_settings({"legitimacy": "0.82", "movement": "off", "width": "50",
                                        "variant": "netlogo", "rounding": "round"})
    assert p.legitimacy == 0.82 and p.movement is False and p.width == 50
    assert (p.neighbourhood, p.rounding, p.jail_term, p.cop_after_arrest) == (
        "euclidean", "round", "exclusive", "move")  # variant first, explicit keys override
    bad = [
        ({"legitimacy": "high"}, "legitimacy"),
        ({"legitimacy": "1.5"}, "between 0 and 1"),
        ({"legitimcy": "0.5"}, "Did you mean 'legitimacy'"),
        ({"width": "40.5"}, "integer"),
        ({"width": "10"}, "2\\*vision\\+1"),
        ({"citizen_vision": "40"}, "citizen_vision"),
        ({"cop_density": "0.4"}, "sum to at most 1"),
        ({"rounding": "ceil"}, "round, floor"),
        ({"neighbourhood": "euclidian"}, "Did you mean 'euclidean'"),
        ({"movement": "maybe"}, "true or false"),
        ({"variant": "nl"}, "mesa, netlogo"),
    ]
    for settings, msg in bad:
        with pytest.raises(ScenarioError, match=msg):
            ep.EpsteinParams.from_settings(settings)


def test_bad_parameters_raise_a_scenario_error_whichever_way_they_come_in():
    """Pydantic validates; the user sees our paragraph, not a ValidationError, also when the
    parameters are built in Python."""
    with pytest.raises(ScenarioError, match=r"^epstein: legitimacy=2\.0 is not valid; .*between 0 and 1\.$"):
        ep.EpsteinParams(legitimacy=2.0)
    with pytest.raises(ScenarioError, match="arrest_prob_constant=nan .* finite"):
        ep.EpsteinParams(arrest_prob_constant=math.nan)
    with pytest.raises(ScenarioError, match="unknown setting 'vison' .*Did you mean 'cop_vision'"):
        ep.EpsteinParams(vison=3)
    assert ep.EpsteinParams(rounding=" Floor ").rounding == "floor"  # options are case-insensitive words
    with pytest.raises(ValueError, match="frozen"):  # checked parameters cannot change afterwards
        ep.EpsteinParams().legitimacy = 5.0


def test_error_paragraphs_stay_short_whatever_the_input():
    """A huge value or thousands of unknown keys give a message of a few hundred characters."""
    many = {f"key{i}": "1" for i in range(20_000)}
    for settings in ({"legitimacy": "9" * 1_000_000}, {"x" * 100_000: "1"}, many):
        with pytest.raises(ScenarioError) as exc:
            ep.EpsteinParams.from_settings(settings)
        assert len(str(exc.value)) < 600 and "\n" not in str(exc.value)


def test_run_classic_refuses_a_bad_seed_or_length_before_writing_anything(tmp_path):
    for steps, seed, words in ((10, -1, "seed=-1"), (10, 2**64, "seed="), (-3, 0, "steps=-3"), (1 << 24, 0, "steps=")):
        with pytest.raises(ScenarioError, match=f"^epstein: {words}.* must be an integer from 0 to "):
            run_classic("epstein", steps, seed, {}, tmp_path)
    assert not any(tmp_path.iterdir())


# ---------------------------------------------------------------- behaviour
def test_initial_state_matches_densities_and_is_quiet():
    sim = ep.build(ep.EpsteinParams(width=200, height=200), seed=3)
    s = sim.state
    ncell = 200 * 200
    # binomial counts: mean 0.7·n and 0.074·n, sd ≈ 92 and 52; 5 sd bounds
    assert abs(s.n_citizens - 0.7 * ncell) < 5 * math.sqrt(ncell * 0.7 * 0.3)
    assert abs(s.n_cops - 0.074 * ncell) < 5 * math.sqrt(ncell * 0.074 * 0.926)
    assert s.history[0].tolist() == [0, s.n_citizens, 0, 0]
    h = s.hardship  # hardship ~ U(0,1); grievance = H·(1 − L)
    assert abs(h.mean() - 0.5) < 0.01 and np.allclose(s.grievance, h * (1 - 0.8))
    assert abs(s.risk_aversion.mean() - 0.5) < 0.01


def test_counts_add_up_and_runs_are_deterministic():
    sim, a = run_cols(seed=5, steps=80, legitimacy=0.7, max_jail_term=15)
    _, b = run_cols(seed=5, steps=80, legitimacy=0.7, max_jail_term=15)
    _, c = run_cols(seed=6, steps=80, legitimacy=0.7, max_jail_term=15)
    n = sim.state.n_citizens
    assert np.all(a["quiet"] + a["active"] + a["jailed"] == n)
    assert a["step"].tolist() == list(range(81))
    assert all(np.array_equal(a[k], b[k]) for k in a)
    assert not np.array_equal(a["active"], c["active"])
    assert a["active"].max() > 0 and a["jailed"].max() > 0


def test_without_cops_exactly_the_aggrieved_rebel():
    # no cops: P = 0, so a citizen is active iff G > T, from its first turn on, for ever
    sim, h = run_cols(seed=1, steps=5, cop_density=0.0, legitimacy=0.6)
    expected = int((sim.state.grievance > 0.1).sum())
    assert expected > 0
    assert h["active"][1:].tolist() == [expected] * 5 and h["jailed"].max() == 0


def test_citizens_below_threshold_never_rebel():
    sim = ep.build(ep.EpsteinParams(legitimacy=0.7, max_jail_term=5), seed=2)
    s = sim.state
    low = (s.kind == ep.CITIZEN) & (s.grievance <= 0.1)
    for _ in range(40):
        sim.step()
        assert not np.any(s.state[low] == ep.ACTIVE)


def test_no_movement_keeps_everyone_in_place():
    sim = ep.build(ep.EpsteinParams(movement=False, legitimacy=0.7, max_jail_term=5), seed=4)
    cells = sim.state.cell.copy()
    sim.run(30)
    assert np.array_equal(cells, sim.state.cell)
    assert sim.state.history[:, 2].max() > 0  # there was something to do


@pytest.mark.parametrize("variant", ["mesa", "netlogo"])
def test_indexes_stay_consistent(variant):
    # the kernel's incremental indexes (grid, occupancy, counts, bit rows) equal a recount
    for kw in (dict(legitimacy=0.7, max_jail_term=8), dict(width=17, height=23, citizen_vision=3, cop_vision=6,
                                                           legitimacy=0.6, max_jail_term=4, cop_density=0.1)):
        sim = ep.build(ep.EpsteinParams(**kw, **ep.VARIANTS[variant]), seed=11)
        ep.check_invariants(sim.state)
        for _ in range(25):
            sim.step()
            ep.check_invariants(sim.state)


@pytest.mark.parametrize("jail_term, top", [("inclusive", 3), ("exclusive", 2)])
def test_jail_term_ranges(jail_term, top):
    sim = ep.build(ep.EpsteinParams(legitimacy=0.6, max_jail_term=3, jail_term=jail_term), seed=9)
    seen = set()
    for _ in range(60):
        sim.step()
        seen |= set(np.unique(sim.state.jail).tolist())
    # a citizen arrested after its own turn keeps the full term until the next step
    assert max(seen) == top


def test_cop_after_arrest_move_takes_jailed_off_the_grid():
    for mode in ("stay", "move"):
        sim = ep.build(ep.EpsteinParams(legitimacy=0.6, max_jail_term=30, cop_after_arrest=mode), seed=3)
        sim.run(10)
        off = sim.state.cell < 0
        jailed = sim.state.state == ep.JAILED
        if mode == "stay":
            assert not off.any() and jailed.any()
        else:
            assert off.any() and np.all(jailed[off])


# ---------------------------------------------------------------- CLI contract and outputs
def test_run_classic_writes_timeseries_and_manifest(tmp_path):
    assert set(CLASSIC) == {"epstein", "granovetter-network"}
    seen = []
    summary = run_classic("epstein", 30, 7, {"legitimacy": "0.82"}, tmp_path, progress=seen.append)
    assert seen == list(range(1, 31))
    t = pq.read_table(tmp_path / "timeseries.parquet")
    assert t.column_names == ["step", "quiet", "active", "jailed"] and t.num_rows == 31
    m = json.loads((tmp_path / "manifest.json").read_text())
    assert m["kind"] == "classic" and m["model"] == "epstein" and m["seed"] == 7 and m["steps"] == 30
    assert m["scenario"]["legitimacy"] == 0.82 and m["scenario"]["width"] == 40
    assert summary["citizens"] == t.column("quiet").to_pylist()[0]
    # same seed, same bytes
    first = (tmp_path / "timeseries.parquet").read_bytes()
    run_classic("epstein", 30, 7, {"legitimacy": "0.82"}, tmp_path)
    assert (tmp_path / "timeseries.parquet").read_bytes() == first
    with pytest.raises(ScenarioError, match="Did you mean 'epstein'"):
        run_classic("epstien", 3, 0, {}, tmp_path)
    with pytest.raises(ScenarioError, match="max_jail_term"):
        run_classic("epstein", 3, 0, {"max_jail_term": "-1"}, tmp_path)


# ---------------------------------------------------------------- stylised fact
def outbursts(cop_density, seeds=range(6), steps=600):
    """Outbursts after a burn-in of 100 steps, in Epstein's setting: NetLogo's rules,
    legitimacy 0.82, maximum jail term 30, 40×40, citizen density 0.7, vision 7."""
    out, peak = [], []
    for s in seeds:
        sim, h = run_cols(seed=s, steps=steps, legitimacy=0.82, cop_density=cop_density, max_jail_term=30,
                          **ep.VARIANTS["netlogo"])
        n = sim.state.n_citizens
        out.append(ep.summary(h["active"], h["jailed"], n, 100)["outbursts"])
        peak.append(h["active"][101:].max() / n)
    return np.array(out), np.array(peak)


def test_punctuated_equilibrium_and_its_suppression():
    """Epstein's punctuated equilibrium: long quiet spells broken by outbursts (active
    fraction crossing 10%) at legitimacy 0.82 with cops present (density 0.04); enough cops
    (density 0.09, docs/classic.md) suppress them."""
    few, peak_few = outbursts(0.04)
    assert np.all(few >= 3), few  # repeated outbursts in every run
    assert np.all(peak_few > 0.15)
    many, peak_many = outbursts(0.09)
    assert np.all(many == 0), many
    assert np.all(peak_many < 0.02)


@pytest.mark.parametrize("vision, kind", [(7, "von_neumann"), (7, "euclidean"), (20, "euclidean"), (27, "euclidean")])
def test_random_empty_cell_is_uniform_over_empty_cells(vision, kind):
    """Moves go to a uniformly chosen empty cell within vision (chi-square over the cells)."""
    from scipy.stats import chisquare

    side = 2 * vision + 11
    sim = ep.build(ep.EpsteinParams(width=side, height=side, citizen_vision=vision, cop_vision=vision,
                                    neighbourhood=kind, citizen_density=0.8, cop_density=0.0), seed=1)
    s = sim.state
    x, y = 5, 3
    m = int(s.ip[kernel.P_MC])
    cells = {((x + dx) % side, (y + dy) % side) for dx, dy in zip(s.nb[kernel.DX_C, :m], s.nb[kernel.DY_C, :m])}
    empty = sorted(c for c in cells if s.grid[c[1] * side + c[0]] < 0)
    counts = dict.fromkeys(empty, 0)
    key = np.uint64(12345)
    for t in range(40 * len(empty)):
        cx, cy = kernel._move_target(s.occ, s.nb, s.ip, False, x, y, key, t, 7, 0)
        counts[(cx, cy)] += 1  # KeyError if not an empty cell in vision
    assert 5 < len(empty) < len(cells)
    assert chisquare(list(counts.values())).pvalue > 1e-3
