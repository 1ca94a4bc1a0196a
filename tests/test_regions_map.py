"""The map of the 15 states and regions: shipped boundaries, the animated figure, and its values."""
from __future__ import annotations

import datetime as dt
import fnmatch
import json
import tomllib
import urllib.parse
from importlib import resources
from itertools import pairwise
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from defection.dashboard import regions_map
from defection.dashboard.regions_map import (
    GRAPH_CONFIG,
    METRICS,
    MapError,
    available_metrics,
    plotly_boundaries,
    region_boundaries,
    region_map_figure,
    sampled_days,
)
from defection.data import region_names
from defection.errors import DefectionError
from defection.i18n import fmt_int

ROOT = Path(__file__).resolve().parent.parent
GEOJSON = "myanmar-regions.geojson"
START = dt.date(2021, 2, 1)
DAYS = 30


def synthetic_regions(days: int = DAYS, seed: int = 0) -> pa.Table:
    """A regional table shaped like ``Result.regions`` (date32, string, int columns), rows shuffled, with a
    value that names its own day and region: ``defected = 1000 * (region index + 1) + day``."""
    names = region_names()
    rows = [(START + dt.timedelta(days=d), r, d) for d in range(days) for r in range(len(names))]
    order = np.random.default_rng(seed).permutation(len(rows))
    rows = [rows[i] for i in order]
    value = np.array([1000 * (r + 1) + d for _, r, d in rows], dtype=np.int32)
    return pa.table({
        "date": pa.array([date for date, _, _ in rows], pa.date32()),
        "region": pa.array([names[r] for _, r, _ in rows], pa.string()),
        "defected": pa.array(value),
        "defected_police": pa.array(value // 2),
        "civilians_killed": pa.array(value.astype(np.int64) * 3),
    })


def expected(day: int, region: int, metric: str = "defected") -> float:
    value = 1000 * (region + 1) + day
    return {"defected": value, "defected_police": value // 2, "civilians_killed": value * 3}[metric]


def rings(geometry: dict) -> list:
    polys = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    return [ring for rings_ in polys for ring in rings_]


def outer_rings(geometry: dict) -> list:
    polys = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    return [rings_[0] for rings_ in polys]


# --- the shipped boundaries -------------------------------------------------------------------------------

def test_geojson_has_exactly_the_15_census_regions_in_census_order():
    collection = region_boundaries()
    names = region_names()
    assert len(names) == 15
    assert [f["properties"]["region"] for f in collection["features"]] == list(names)
    assert [f["id"] for f in collection["features"]] == list(names)


def test_geojson_geometry_is_closed_and_inside_myanmar():
    for feature in region_boundaries()["features"]:
        assert feature["geometry"]["type"] in ("Polygon", "MultiPolygon")
        for ring in rings(feature["geometry"]):
            assert len(ring) >= 4 and ring[0] == ring[-1], feature["id"]
            lon, lat = np.array(ring).T
            assert 92 <= lon.min() and lon.max() <= 102 and 9 <= lat.min() and lat.max() <= 29, feature["id"]


def test_geojson_loads_through_importlib_resources_and_is_package_data():
    resource = resources.files("defection.data").joinpath(GEOJSON)
    assert resource.is_file()
    assert len(resource.read_bytes()) < 150_000
    assert json.loads(resource.read_text(encoding="utf-8"))["type"] == "FeatureCollection"
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    assert any(fnmatch.fnmatch(f"data/{GEOJSON}", p) for p in patterns["defection"]), "not in the wheel"


def test_boundaries_are_fresh_copies():
    region_boundaries()["features"].clear()
    assert len(region_boundaries()["features"]) == 15


def test_plotly_gets_d3_winding_and_the_file_keeps_rfc7946():
    """d3-geo reads a counter-clockwise outer ring as the whole globe minus the region: Plotly needs clockwise."""
    def clockwise(ring):
        return sum((b[0] - a[0]) * (b[1] + a[1]) for a, b in pairwise(ring)) > 0

    for feature in plotly_boundaries()["features"]:
        assert all(clockwise(ring) for ring in outer_rings(feature["geometry"])), feature["id"]
    for feature in region_boundaries()["features"]:
        assert not any(clockwise(ring) for ring in outer_rings(feature["geometry"])), feature["id"]


# --- the figure -----------------------------------------------------------------------------------------------

def test_figure_has_one_location_per_region_and_animation_frames():
    figure = region_map_figure(synthetic_regions(), metric="defected")
    (trace,) = figure.data
    assert trace.type == "choropleth"
    assert list(trace.locations) == list(region_names())
    assert trace.featureidkey == "properties.region"
    feature_names = {f["properties"]["region"] for f in trace.geojson["features"]}
    assert set(trace.locations) == feature_names  # Plotly drops unmatched locations silently
    days = sampled_days(DAYS)
    assert days == [0, 7, 14, 21, 28, 29]
    assert [frame.name for frame in figure.frames] == [str(START + dt.timedelta(days=d)) for d in days]
    slider = figure.layout.sliders[0]
    assert [step.args[0][0] for step in slider.steps] == [frame.name for frame in figure.frames]
    assert slider.active == len(days) - 1
    assert {b.method for b in figure.layout.updatemenus[0].buttons} == {"animate"}
    geo = figure.layout.geo
    assert geo.fitbounds == "locations" and geo.visible is False


@pytest.mark.parametrize("metric", ["defected", "defected_police", "civilians_killed"])
def test_figure_values_are_the_tables_values_for_each_region(metric):
    """Rows are shuffled and each value names its region and day, so a scrambled mapping cannot pass."""
    figure = region_map_figure(synthetic_regions(), metric=metric)
    names = list(figure.data[0].locations)
    frame = next(f for f in figure.frames if f.name == str(START + dt.timedelta(days=14)))
    assert list(frame.data[0].z) == [expected(14, region_names().index(n), metric) for n in names]
    last = [expected(DAYS - 1, region_names().index(n), metric) for n in names]
    assert list(figure.data[0].z) == last  # the figure opens on the last day
    assert figure.data[0].zmin == 0 and figure.data[0].zmax == max(last)
    assert figure.data[0].text[3] == f"{names[3]}<br>{fmt_int(last[3])}"


def test_figure_from_a_real_run(real_regions):
    figure = region_map_figure(real_regions, metric="civilians_killed", step_days=3)
    last_day = real_regions.column("date").to_pylist()[-1]
    rows = real_regions.filter(pc.equal(real_regions.column("date"), last_day)).to_pydict()
    by_region = dict(zip(rows["region"], rows["civilians_killed"]))
    assert figure.frames[-1].name == str(last_day)
    assert list(figure.frames[-1].data[0].z) == [by_region[n] for n in figure.data[0].locations]
    assert set(available_metrics(real_regions)) >= {"defected", "defected_police", "civilians_killed"}


@pytest.fixture(scope="module")
def real_regions():
    from defection import api

    return api.run(seed=0, days=8, record_regions=True).regions


def test_pandas_tables_work_too():
    table = synthetic_regions()
    assert (list(region_map_figure(table.to_pandas()).data[0].z)
            == list(region_map_figure(table).data[0].z))


def test_burmese_labels_and_digits():
    figure = region_map_figure(synthetic_regions(), lang="my", metric="civilians_killed")
    assert figure.layout.title.text == regions_map.t("map.title.civilians_killed", "my")
    assert "ရန်ကုန်" in " ".join(figure.data[0].text)  # Yangon, in Burmese
    assert not any(ch.isascii() and ch.isdigit() for ch in figure.data[0].text[0])
    assert "၂၀၂၁" in figure.layout.sliders[0].steps[0].label


def test_every_map_label_is_translated():
    from defection.i18n import TEXT

    keys = [f"map.title.{m}" for m in METRICS] + [f"map.metric.{m}" for m in METRICS]
    keys += ["map.metric", "map.play", "map.pause", "map.note"]
    for key in keys:
        assert TEXT[key]["en"] and TEXT[key]["my"], key


def test_nothing_is_fetched_from_the_network():
    figure = region_map_figure(synthetic_regions())
    assert "http" not in figure.to_json()
    url = GRAPH_CONFIG["topojsonURL"]
    assert url.startswith("data:application/json,") and url.endswith("#")
    topology = json.loads(urllib.parse.unquote(url[len("data:application/json,"):-1]))
    assert topology["type"] == "Topology"


# --- bad input ------------------------------------------------------------------------------------------------

def test_unknown_metric_is_a_clear_error():
    with pytest.raises(MapError, match="defected") as caught:
        region_map_figure(synthetic_regions(), metric="defectd")
    assert isinstance(caught.value, DefectionError)


def test_metric_missing_from_the_table_is_a_clear_error():
    with pytest.raises(MapError, match="defected_army"):
        region_map_figure(synthetic_regions(), metric="defected_army")
    assert available_metrics(synthetic_regions()) == ["defected", "defected_police", "civilians_killed"]


def test_a_region_outside_the_census_is_a_clear_error():
    table = synthetic_regions(days=2)
    regions = table.column("region").to_pylist()
    regions[0] = "Atlantis"
    table = table.set_column(1, "region", pa.array(regions, pa.string()))
    with pytest.raises(MapError, match="Atlantis"):
        region_map_figure(table)


def test_sampling_keeps_the_last_day():
    assert sampled_days(1) == [0]
    assert sampled_days(8, 7) == [0, 7]
    assert sampled_days(9, 7) == [0, 7, 8]
    assert sampled_days(5, 0) == [0, 1, 2, 3, 4]
    with pytest.raises(MapError):
        sampled_days(0)


def test_median_over_runs_is_per_date_and_region():
    """Three runs whose values differ by a constant: the median is the middle run, region by region."""
    base = synthetic_regions(days=10)

    def shifted(table, by, seed):
        shuffled = table.take(np.random.default_rng(seed).permutation(table.num_rows))
        return shuffled.set_column(2, "defected", pc.add(shuffled.column("defected"), by))

    median = regions_map.median_regions([shifted(base, 5, 1), shifted(base, 0, 2), shifted(base, 9, 3)])
    assert median.column_names[:2] == ["date", "region"] and "civilians_killed" in median.column_names
    figure = region_map_figure(median, step_days=1)
    frame = next(f for f in figure.frames if f.name == str(START + dt.timedelta(days=6)))
    assert list(frame.data[0].z) == [expected(6, region_names().index(n)) + 5 for n in figure.data[0].locations]
    for nothing in ([], [None]):
        with pytest.raises(MapError, match="record_regions"):
            regions_map.median_regions(nothing)
