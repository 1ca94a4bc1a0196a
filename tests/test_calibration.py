"""Calibration (ABC-SMC with pyabc) and forecasts: recovery, one-sided bounds, resume, clean errors."""
from __future__ import annotations

import csv
import datetime as dt

import numpy as np
import pyarrow.parquet as pq
import pytest

from defection import api
from defection.errors import DefectionError
from defection.experiments import calibration as cal
from defection.experiments import small_designs

SMALL = ["force.n_officers=20000", "army.n_soldiers=20000", "run.scale=5000"]
TINY = ["run.scale=5000", "force.n_officers=1500", "army.n_soldiers=2500"]
TRUTH = {"crackdown.deaths_per_1000_active": 0.0011, "crackdown.arrests_per_1000_active": 0.012,
         "decision.defect_threshold": 1.0}
FITS = ["crackdown.deaths_per_1000_active=0.0003:0.004", "crackdown.arrests_per_1000_active=0.003:0.04",
        "decision.defect_threshold=0.4:1.6"]


def synthetic_data(path, days=(20, 40, 60, 79), seed=123):
    """Series simulated at TRUTH, written like the shipped CSV: deaths and arrests as points,
    defections as one-sided lower bounds ("at least") at half the simulated value, as the
    shipped data report them."""
    r = api.run(seed=seed, days=80, overrides=SMALL + [f"{k}={v}" for k, v in TRUTH.items()])
    start = dt.date(2021, 2, 1)
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["date", "series", "value", "bound", "scope"])
        for d in days:
            date = (start + dt.timedelta(days=d)).isoformat()
            w.writerow([date, "civilians_killed", r.series("civilians_killed")[d], "point", "national"])
            w.writerow([date, "civilians_arrested", r.series("civilians_arrested")[d], "point", "national"])
            w.writerow([date, "police_defected", 0.5 * r.series("defected_police")[d], "lower", "national"])
    return path


@pytest.fixture(scope="module")
def recovered(tmp_path_factory):
    """Seeded, single-process calibration of 3 parameters on a synthetic series (about 30 s on one core)."""
    tmp = tmp_path_factory.mktemp("cal")
    data = synthetic_data(tmp / "synthetic.csv")
    summary = cal.calibrate("myanmar-2021", str(data), FITS, population=40, generations=3, out=tmp / "out", seed=7,
                            workers=1, overrides=SMALL, predictive_draws=8)
    return tmp / "out", summary


@pytest.mark.slow  # a calibration of 3 generations (the recovered fixture)
def test_synthetic_recovery_true_values_inside_90_percent_intervals(recovered):
    out, summary = recovered
    # the synthetic defections really are one-sided bounds, as the shipped data's are
    obs = cal.load_observations(str(out.parent / "synthetic.csv"), dt.date(2021, 2, 1))
    assert {o.series for o in obs if o.lower_bound} == {"defected_police"} and sum(o.lower_bound for o in obs) == 4
    for key, truth in TRUTH.items():
        post = summary["posterior"][key]
        assert post["q05"] <= truth <= post["q95"], (key, post)
    # the data inform the crackdown rates: 90% intervals narrower than the 90% of a uniform prior
    for key in ("crackdown.deaths_per_1000_active", "crackdown.arrests_per_1000_active"):
        post = summary["posterior"][key]
        assert post["q95"] - post["q05"] < 0.7 * (post["prior_hi"] - post["prior_lo"]), (key, post)


@pytest.mark.slow  # the recovered fixture's calibration
def test_calibration_writes_its_record_and_figures(recovered):
    out, summary = recovered
    for name in ("history.db", "posterior.parquet", "posterior_summary.json", "fit.png", "pairs.png", "manifest.json"):
        assert (out / name).is_file(), name
    post = pq.read_table(out / "posterior.parquet")
    assert set(post.column_names) == {*(f.split("=")[0] for f in FITS), "weight"}
    assert post.num_rows == 40 and abs(post.column("weight").to_numpy().sum() - 1) < 1e-9
    assert summary["generations"] == 3
    epsilons = summary["epsilons"]  # the tolerance of each generation, and the warning if it was still falling
    assert len(epsilons) == 3 and epsilons[-1] == summary["epsilon"] and epsilons == sorted(epsilons, reverse=True)
    still_falling = epsilons[-1] < (1 - small_designs.EPSILON_STILL_FALLING) * epsilons[-2]
    assert [w["check"] for w in summary["design_warnings"]] == (["epsilon_still_falling"] if still_falling else [])


@pytest.mark.slow  # the recovered fixture's calibration
def test_forecast_from_posterior_has_ordered_quantiles(recovered, tmp_path):
    out, _ = recovered
    table = cal.forecast(out, dt.date(2021, 7, 31), draws=6, out=tmp_path, seed=1)
    assert {"defected", "defected_police", "defected_army", "coercive_capacity_police", "coercive_capacity_army",
            "civilians_killed", "civilians_arrested"} <= set(table.column("series").to_pylist())
    q = {c: table.column(c).to_numpy() for c in ("q05", "q25", "q50", "q75", "q95")}
    assert (q["q05"] <= q["q25"]).all() and (q["q25"] <= q["q50"]).all() and (q["q75"] <= q["q95"]).all()
    killed = table.filter(table.column("series").to_numpy(zero_copy_only=False) == "civilians_killed")
    assert killed.num_rows == (dt.date(2021, 7, 31) - dt.date(2021, 2, 1)).days + 1
    assert np.all(np.diff(killed.column("q50").to_numpy()) >= 0)
    assert (tmp_path / "forecast.png").is_file() and (tmp_path / "manifest.json").is_file()


def test_lower_bounds_are_one_sided():
    obs = [cal.Observation("defected", "2021-04-27", 85, 600.0, True),
           cal.Observation("civilians_killed", "2021-04-27", 85, 745.0, False)]
    d = cal.make_distance(obs)
    x0 = cal.observed_stats(obs)
    exact = {"defected@2021-04-27": 600.0, "civilians_killed@2021-04-27": 745.0}
    assert d(exact, x0) == 0.0
    assert d({**exact, "defected@2021-04-27": 5000.0}, x0) == 0.0, "at or above an 'at least' bound costs nothing"
    assert d({**exact, "defected@2021-04-27": 300.0}, x0) == pytest.approx(abs(np.log1p(300) - np.log1p(600)))
    assert d({**exact, "civilians_killed@2021-04-27": 1490.0}, x0) > 0, "a point observation is two-sided"


@pytest.mark.slow  # a calibration, and another stopped and resumed
def test_resumed_calibration_gives_the_same_posterior(tmp_path):
    args = dict(data_source="myanmar-2021-early", fit_specs=FITS[:2], population=10, generations=3, seed=3,
                workers=1, overrides=SMALL, predictive_draws=2)
    cal.calibrate("myanmar-2021", out=tmp_path / "straight", **args)

    class Killed(Exception):
        pass

    def die_after_two(t, eps):
        if t == 2:
            raise Killed

    with pytest.raises(Killed):
        cal.calibrate("myanmar-2021", out=tmp_path / "resumed", progress=die_after_two, **args)
    assert not (tmp_path / "resumed" / "posterior.parquet").exists()
    cal.calibrate("myanmar-2021", out=tmp_path / "resumed", **args)
    a = pq.read_table(tmp_path / "straight" / "posterior.parquet")
    b = pq.read_table(tmp_path / "resumed" / "posterior.parquet")
    assert a.equals(b)


@pytest.mark.parametrize("fits, words", [
    (["crackdown.nope=0:1"], ["--fit crackdown.nope", "unknown parameter"]),
    (["crackdown.deaths_per_1000_active=0.3:0.1"], ["lo (0.3) is greater than hi (0.1)"]),
    (["crackdown.deaths_per_1000_active=0.1:0.1"], ["lo equals hi"]),
    (["crackdown.deaths_per_1000_active=a:b"], ["'a' is not a number"]),
    (["switches.predation"], ["not a number"]),
    ([], ["no --fit given"]),
])
def test_bad_fit_specifications(fits, words):
    with pytest.raises(DefectionError) as exc:
        cal.parse_fits(fits)
    for w in words:
        assert w in str(exc.value)


def test_bad_data_and_observations_outside_the_period(tmp_path):
    with pytest.raises(DefectionError, match="no such data set"):
        cal.load_observations("myanmar-2021-eraly", dt.date(2021, 2, 1))
    with pytest.raises(DefectionError, match="outside the simulated period"):
        cal.load_observations("myanmar-2021-early", dt.date(2021, 4, 1))
    with pytest.raises(DefectionError, match="outside the simulated period"):
        cal.load_observations("myanmar-2021-early", dt.date(2021, 2, 1), days=60)
    obs = cal.load_observations("myanmar-2021-early", dt.date(2021, 2, 1))
    assert {o.series for o in obs} == {"defected_police", "civilians_killed", "civilians_arrested",
                                       "civilians_detained"}
    assert all(o.lower_bound for o in obs if o.series == "defected_police")
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "other.txt").write_text("not a calibration")
    with pytest.raises(DefectionError, match="not empty"):
        cal.calibrate("myanmar-2021", "myanmar-2021-early", FITS[:1], 10, 1, tmp_path / "x", workers=1)


def test_police_defections_are_compared_with_the_police_series_and_regional_rows_left_out(tmp_path):
    """``defected`` counts soldiers too: an observation of police defections is matched with ``defected_police``.
    The Kayah State count is regional, so it stays out of a national calibration, as before."""
    obs = cal.load_observations("myanmar-2021-early", dt.date(2021, 2, 1))
    police = [o for o in obs if o.series == "defected_police"]
    assert [(o.date, o.value) for o in police] == [("2021-03-04", 100.0), ("2021-04-27", 600.0)]
    assert not any(o.series == "defected" for o in obs)
    data = tmp_path / "forces.csv"
    data.write_text("date,series,value,bound,scope\n2021-02-10,police_defected,5,lower,national\n"
                    "2021-02-10,army_defected,2,lower,national\n2021-02-10,police_defected,61,lower,Kayah State\n")
    obs = cal.load_observations(str(data), dt.date(2021, 2, 1))
    assert [(o.series, o.value) for o in obs] == [("defected_army", 2.0), ("defected_police", 5.0)]
    sc = api.resolve("myanmar-2021", TINY)
    stats = cal.Simulator(sc, [], obs, base_seed=0)({})
    result = api.run(sc, seed=cal.particle_seed({}, 0), days=10)
    assert stats == {"defected_army@2021-02-10": float(result.series("defected_army")[9]),
                     "defected_police@2021-02-10": float(result.series("defected_police")[9])}
