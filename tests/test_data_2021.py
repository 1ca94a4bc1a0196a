"""The 2021 data set (data/myanmar-2021.csv): well-formed rows, dated within 2021, monotone where it must be,
every month of killings, an army series, the early rows kept, shipped, and loadable by the calibration."""
from __future__ import annotations

import csv
import datetime as dt
import fnmatch
import math
import re
import tomllib
from collections import defaultdict
from pathlib import Path

import pytest

from defection import data, scenarios
from defection.errors import DefectionError
from defection.experiments import calibration as cal

ROOT = Path(__file__).resolve().parents[1]
COLUMNS = ["date", "series", "value", "bound", "scope", "measure", "source", "note"]
FIRST, LAST = dt.date(2021, 2, 1), dt.date(2021, 12, 31)
STOCKS = {"civilians_detained"}  # a stock may fall; everything else in the file is cumulative


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    return data.rows("myanmar-2021")


def originator(source: str) -> str:
    """Who counted: the source's first word ("AAPP ... via DMG" and "AAPP daily briefing" are both AAPP)."""
    return re.match(r"[A-Za-z'0-9]+", source.strip()).group(0)


def test_columns_are_the_early_files(rows):
    with open(data.path("myanmar-2021"), newline="", encoding="utf-8") as fh:
        assert next(csv.reader(fh)) == COLUMNS
    with open(data.path("myanmar-2021-early"), newline="", encoding="utf-8") as fh:
        assert next(csv.reader(fh)) == COLUMNS


def test_every_row_is_well_formed_and_dated_within_2021(rows):
    assert 40 <= len(rows) <= 100
    for r in rows:
        where = f"{r['date']} {r['series']}"
        date = dt.date.fromisoformat(r["date"])  # raises on a malformed date
        assert FIRST <= date <= LAST, f"{where}: outside 1 Feb to 31 Dec 2021"
        assert r["bound"] in {"point", "lower", "upper"}, where
        value = float(r["value"])
        assert math.isfinite(value) and value >= 0, where
        assert r["source"].strip(), f"{where}: no source"
        assert r["scope"].strip() and r["measure"].strip(), where
        stock = r["measure"] == "currently detained"
        assert stock == (r["series"] in STOCKS), f"{where}: measure {r['measure']!r}"
        assert stock or r["measure"].startswith("cumulative"), where


def test_new_rows_cite_an_address(rows):
    """Rows beyond the early file name where they were read (the early file's citations are in docs/sources.md)."""
    early = {tuple(r.values()) for r in data.rows("myanmar-2021-early")}
    new = [r for r in rows if tuple(r.values()) not in early]
    assert len(new) >= 40
    for r in new:
        assert "http" in r["source"], f"{r['date']} {r['series']}: no URL in {r['source']!r}"


def test_the_early_rows_are_kept(rows):
    have = {tuple(r.values()) for r in rows}
    for r in data.rows("myanmar-2021-early"):
        assert tuple(r.values()) in have, f"early row dropped or changed: {r}"


def test_cumulative_points_never_fall_within_one_counter(rows):
    """A cumulative count from one counter (AAPP, People's Embrace, ...) for one series and scope cannot fall.
    Bounds are left out: "more than 600" on one day and "about 500" later do not contradict each other."""
    groups: dict[tuple[str, str, str], list[tuple[dt.date, float]]] = defaultdict(list)
    for r in rows:
        if r["bound"] == "point" and r["series"] not in STOCKS:
            groups[r["series"], r["scope"], originator(r["source"])].append(
                (dt.date.fromisoformat(r["date"]), float(r["value"])))
    assert ("civilians_killed", "national", "AAPP") in groups
    for key, pts in groups.items():
        pts.sort()
        for (d0, v0), (d1, v1) in zip(pts, pts[1:]):
            assert v1 >= v0, f"{key}: {v0:g} on {d0} falls to {v1:g} on {d1}"


def test_killings_every_month_from_march_to_december_and_an_army_series(rows):
    months = {dt.date.fromisoformat(r["date"]).month for r in rows
              if r["series"] == "civilians_killed" and r["scope"] == "national" and originator(r["source"]) == "AAPP"}
    assert set(range(3, 13)) <= months, f"months without an AAPP count of killings: {set(range(3, 13)) - months}"
    army = [r for r in rows if r["series"] == "army_defected" and r["scope"] == "national"]
    assert len(army) >= 2
    assert any(r["series"] == "police_defected" and r["scope"] == "national" and r["date"] >= "2021-07-01"
               for r in rows), "no national police count after June"


def test_shipped_as_package_data():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    globs = config["tool"]["setuptools"]["package-data"]["defection"]
    assert any(fnmatch.fnmatch("data/myanmar-2021.csv", g) for g in globs)
    assert data.path("myanmar-2021").is_file()


def test_loads_through_the_calibrations_loader():
    sc = scenarios.load("myanmar-2021")
    obs = cal.load_observations("myanmar-2021", sc.run.start, sc.run.days)
    series = {o.series for o in obs}
    assert {"defected_police", "defected_army", "defected", "civilians_killed", "civilians_arrested",
            "civilians_detained"} <= series
    assert len({o.stat for o in obs}) == len(obs), "two observations share a statistic"
    assert any(o.upper_bound for o in obs) and any(o.lower_bound for o in obs)
    assert not any(o.upper_bound and o.lower_bound for o in obs)
    national = [r for r in data.rows("myanmar-2021")
                if r["scope"] == "national" and r["series"] not in cal.CONTEXT_SERIES]
    assert len(obs) == len(national), "a national row was dropped"


def test_upper_bounds_are_one_sided():
    obs = [cal.Observation("defected", "2021-09-02", 213, 2500.0, False, True)]
    d = cal.make_distance(obs)
    x0 = cal.observed_stats(obs)
    assert d({"defected@2021-09-02": 1000.0}, x0) == 0.0, "below a 'nearly' bound costs nothing"
    assert d({"defected@2021-09-02": 5000.0}, x0) == pytest.approx(math.log1p(5000) - math.log1p(2500))


def test_two_observations_of_one_statistic_are_refused(tmp_path):
    path = tmp_path / "twice.csv"
    path.write_text("date,series,value,bound,scope\n2021-12-01,army_defected,2000,lower,national\n"
                    "2021-12-01,army_defected,2500,point,national\n2021-12-01,army_defected,30,point,Chin State\n")
    with pytest.raises(DefectionError, match="two national observations of army_defected on 2021-12-01"):
        cal.load_observations(str(path), FIRST)
