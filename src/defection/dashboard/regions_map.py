"""An animated map of the 15 states and regions: defections or killings by region, day by day.

The boundaries ship with the package (``defection/data/myanmar-regions.geojson``, from Natural Earth; see
``defection/data/README.md``), so the map needs no tiles and no network: the world basemap is hidden and the
view fits Myanmar. Plotly.js still asks for a world topojson file (from its CDN, by default) before it draws any
geo chart, even with the basemap hidden; show the figure with :data:`GRAPH_CONFIG`, which hands it an empty
one inline, so that nothing is fetched::

    dcc.Graph(id="region-map", figure=figure, config=GRAPH_CONFIG)
    figure.write_html(path, config=GRAPH_CONFIG)

Example::

    from defection import api, scenarios
    result = api.run(scenarios.load("myanmar-2021"), days=60, record_regions=True)
    figure = region_map_figure(result.regions, lang="my", metric="civilians_killed")
"""
from __future__ import annotations

import functools
import json
import urllib.parse
from collections.abc import Sequence
from importlib import resources
from itertools import pairwise
from typing import Any

import numpy as np
import plotly.graph_objects as go
import pyarrow as pa

from defection.data import region_names
from defection.errors import DefectionError, did_you_mean, listing
from defection.i18n import CSS_FONT_STACK, digits, fmt_date, fmt_int, label, t

BOUNDARIES = "myanmar-regions.geojson"
FEATURE_KEY = "properties.region"  # where each feature carries its census region name

# Metrics the map can show: cumulative counts by region, with their unit and colour scale.
METRICS: dict[str, dict[str, str]] = {
    "defected": {"unit": "axis.officers", "colorscale": "Blues"},
    "defected_police": {"unit": "axis.officers", "colorscale": "Greens"},
    "defected_army": {"unit": "axis.officers", "colorscale": "Purples"},
    "civilians_killed": {"unit": "axis.people", "colorscale": "Reds"},
}
STEP_DAYS = 7  # one animation frame a week keeps a two-year run light (about 105 frames)

# An empty world topology as a data: URL. Plotly.js appends "/world_110m.json" to the topojsonURL; after the
# "#" that is a fragment, which the browser ignores, so the empty topology is what it loads.
_EMPTY_TOPOLOGY = json.dumps({"type": "Topology", "objects": {}, "arcs": []}, separators=(",", ":"))
OFFLINE_TOPOJSON_URL = "data:application/json," + urllib.parse.quote(_EMPTY_TOPOLOGY) + "#"
GRAPH_CONFIG: dict[str, Any] = {"topojsonURL": OFFLINE_TOPOJSON_URL, "displaylogo": False}


class MapError(DefectionError):
    """A regional table or metric that the map cannot draw."""


@functools.lru_cache(maxsize=1)
def _boundaries_text() -> str:
    return resources.files("defection.data").joinpath(BOUNDARIES).read_text(encoding="utf-8")


def region_boundaries() -> dict[str, Any]:
    """The 15 states and regions as a GeoJSON FeatureCollection (lon/lat degrees, WGS 84, RFC 7946 winding).

    Each feature's ``id`` and ``properties.region`` is its name in ``regions-2014-census.csv``; a fresh copy
    is returned, so callers may change it.
    """
    return json.loads(_boundaries_text())


def _clockwise(ring: list[list[float]]) -> bool:
    return sum((b[0] - a[0]) * (b[1] + a[1]) for a, b in pairwise(ring)) > 0


def plotly_boundaries() -> dict[str, Any]:
    """:func:`region_boundaries` with d3's winding: outer rings clockwise, holes counter-clockwise.

    Plotly.js draws geo shapes with d3-geo, which reads a counter-clockwise outer ring (the RFC 7946 order the
    file keeps) as "the whole globe but this region".
    """
    collection = region_boundaries()
    for feature in collection["features"]:
        geometry = feature["geometry"]
        polys = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        for rings in polys:
            for k, ring in enumerate(rings):
                if _clockwise(ring) != (k == 0):
                    ring.reverse()
    return collection


def available_metrics(frames) -> list[str]:
    """The keys of :data:`METRICS` that ``frames`` records (no ``defected_army`` for a police-only run)."""
    names = set(_column_names(frames))
    return [metric for metric in METRICS if metric in names]


def region_map_figure(frames, lang: str = "en", metric: str = "defected", step_days: int = STEP_DAYS) -> go.Figure:
    """A choropleth of ``metric`` by state and region, animated over the run's days.

    Parameters
    ----------
    frames : pyarrow.Table or pandas.DataFrame
        The regional daily table of ``api.run(..., record_regions=True)`` (``Result.regions``, or
        ``regions.parquet`` of a results directory): long format, one row per (date, region), with columns
        ``date``, ``region`` (the 15 census names) and ``metric``. D days give D × 15 rows. Any table of that
        shape works, for example a median over seeds.
    lang : {"en", "my"}
        Language of the labels, dates and digits.
    metric : str
        A key of :data:`METRICS`: ``defected`` (officers of both forces who have defected), ``defected_police``,
        ``defected_army`` (officers), or ``civilians_killed`` (people, cumulative).
    step_days : int
        Days between animation frames. The last day always has a frame.

    Returns
    -------
    plotly.graph_objects.Figure
        One ``go.Choropleth`` trace with 15 locations (census order), showing the last day; one frame per
        sampled day, named by its ISO date, with a slider and play/pause buttons. The colour scale runs from
        0 to the largest value of any frame, so that frames compare.

    Raises
    ------
    MapError
        If the metric is unknown or not in the table, or the table names a region outside the census.
    """
    _check_metric(frames, metric)
    dates, values = region_matrix(frames, metric)
    keep = sampled_days(len(dates), step_days)
    names = region_names()
    trace = _trace(values[keep[-1]], names, lang, metric, zmax=_zmax(values[keep]))
    frames_out = [go.Frame(name=str(dates[i]), data=[_frame_data(values[i], names, lang)], traces=[0])
                  for i in keep]
    figure = go.Figure(data=[trace], frames=frames_out)
    figure.update_layout(**_layout(lang, metric), sliders=[_slider(dates[keep], lang)],
                         updatemenus=[_play_buttons(lang)])
    return figure


def median_regions(tables: Sequence) -> pa.Table:
    """The median over runs (an ensemble's seeds) of each map metric, by date and region.

    Parameters
    ----------
    tables : sequence of pyarrow.Table or pandas.DataFrame
        Regional tables of runs of the same scenario (``Result.regions``), N of them; None entries (runs that
        recorded no regions) are skipped.

    Returns
    -------
    pyarrow.Table
        Columns ``date``, ``region`` and every key of :data:`METRICS` that all the tables record, one row per
        (date, region) over the days that all runs reached, in census order: a table :func:`region_map_figure`
        draws. With an even N a median can end in .5.
    """
    tables = [table for table in tables if table is not None]  # runs that recorded no regions
    metrics = [m for m in METRICS if tables and all(m in _column_names(table) for table in tables)]
    if not metrics:
        raise MapError("there are no regional tables to summarise on the map: run with record_regions=True "
                       "(or --record regions).")
    medians = {}
    for metric in metrics:
        matrices = [region_matrix(table, metric) for table in tables]
        days = min(len(dates) for dates, _ in matrices)
        medians[metric] = np.median(np.stack([values[:days] for _, values in matrices]), axis=0).reshape(-1)
    dates, names = matrices[0][0][:days], region_names()
    return pa.table({
        "date": pa.array(np.repeat(dates, len(names)), pa.date32()),
        "region": pa.array(np.tile(np.array(names, dtype=object), len(dates)), pa.string()),
        **{metric: pa.array(values) for metric, values in medians.items()},
    })


def region_matrix(frames, metric: str) -> tuple[np.ndarray, np.ndarray]:
    """The table as a matrix: dates of shape (D,) (``datetime64[D]``, sorted) and values of shape (D, 15).

    Columns follow the census order of :func:`defection.data.region_names`; a (date, region) the table lacks
    is NaN.
    """
    columns = _columns(frames, ("date", "region", metric))
    names = region_names()
    index = {name: i for i, name in enumerate(names)}
    unknown = sorted({str(r) for r in columns["region"]} - set(index))
    if unknown:
        raise MapError(f"the regional table names regions the map does not know: {listing(unknown)}. "
                       f"The map draws the 15 census regions: {listing(names, limit=15)}.")
    dates, day_of_row = np.unique(np.asarray(columns["date"]).astype("datetime64[D]"), return_inverse=True)
    values = np.full((len(dates), len(names)), np.nan)
    region_of_row = np.array([index[str(r)] for r in columns["region"]], dtype=np.int64)
    values[day_of_row.reshape(-1), region_of_row] = np.asarray(columns[metric], dtype=np.float64)
    return dates, values


def sampled_days(n_days: int, step_days: int = STEP_DAYS) -> list[int]:
    """Indices 0, step, 2·step, ... below ``n_days``, and always the last day."""
    if n_days < 1:
        raise MapError("the regional table has no rows: run with record_regions=True (or --record regions).")
    step = max(1, int(step_days))
    days = list(range(0, n_days, step))
    return days if days[-1] == n_days - 1 else [*days, n_days - 1]


def _column_names(frames) -> list[str]:
    return list(frames.column_names if hasattr(frames, "column_names") else frames.columns)


def _columns(frames, names) -> dict[str, np.ndarray]:
    """Named columns of a pyarrow Table or a pandas DataFrame, as numpy arrays."""
    if hasattr(frames, "column_names"):  # pyarrow.Table
        return {n: frames.column(n).to_numpy(zero_copy_only=False) for n in names}
    return {n: np.asarray(frames[n]) for n in names}


def _check_metric(frames, metric: str) -> None:
    if metric not in METRICS:
        raise MapError(f"the map cannot show '{metric}'.{did_you_mean(metric, METRICS)} "
                       f"It shows: {', '.join(METRICS)}.")
    names = _column_names(frames)
    missing = [c for c in ("date", "region", metric) if c not in names]
    if missing:
        raise MapError(f"the regional table has no column {listing(missing)}; it has {listing(names)}. "
                       "Regional tables come from api.run(..., record_regions=True) or --record regions.")


def _zmax(values: np.ndarray) -> float:
    finite = values[np.isfinite(values)]
    return max(1.0, float(finite.max())) if finite.size else 1.0


def _hover(values: np.ndarray, names: tuple[str, ...], lang: str) -> list[str]:
    return [f"{label('region', name, lang)}<br>{fmt_int(value, lang)}" for name, value in zip(names, values)]


def _frame_data(values: np.ndarray, names: tuple[str, ...], lang: str) -> go.Choropleth:
    """Only what changes from day to day: the values and their hover text."""
    return go.Choropleth(z=values, text=_hover(values, names, lang))


def _trace(values: np.ndarray, names: tuple[str, ...], lang: str, metric: str, zmax: float) -> go.Choropleth:
    style = METRICS[metric]
    return go.Choropleth(
        geojson=plotly_boundaries(), featureidkey=FEATURE_KEY, locations=list(names), z=values,
        text=_hover(values, names, lang), hovertemplate="%{text}<extra></extra>",
        zmin=0, zmax=zmax, colorscale=style["colorscale"], marker_line_color="white", marker_line_width=0.8,
        colorbar={"title": {"text": t(style["unit"], lang)}, "thickness": 14},
    )


def _layout(lang: str, metric: str) -> dict[str, Any]:
    return {
        "title": {"text": t(f"map.title.{metric}", lang), "x": 0.01, "y": 0.98, "yanchor": "top"},
        "font": {"family": CSS_FONT_STACK},
        "geo": {"fitbounds": "locations", "visible": False, "projection": {"type": "mercator"}},
        "margin": {"l": 10, "r": 10, "t": 90, "b": 10},
        "height": 640,
        "annotations": [{"text": t("map.note", lang), "showarrow": False, "xref": "paper", "yref": "paper",
                         "x": 0, "y": 1.0, "xanchor": "left", "yanchor": "bottom", "yshift": 6, "font": {"size": 11}}],
    }


def _slider(dates: np.ndarray, lang: str) -> dict[str, Any]:
    steps = [{"method": "animate", "label": fmt_date(str(d), lang),
              "args": [[str(d)], {"mode": "immediate", "frame": {"duration": 0, "redraw": True},
                                  "transition": {"duration": 0}}]} for d in dates]
    return {"active": len(steps) - 1, "steps": steps, "x": 0.1, "len": 0.9, "y": 0, "pad": {"t": 10},
            "currentvalue": {"prefix": digits(f"{t('axis.date', lang)}: ", lang)}}


def _play_buttons(lang: str) -> dict[str, Any]:
    play = {"frame": {"duration": 300, "redraw": True}, "fromcurrent": False, "transition": {"duration": 0}}
    pause = {"mode": "immediate", "frame": {"duration": 0, "redraw": False}, "transition": {"duration": 0}}
    return {"type": "buttons", "direction": "left", "x": 0.1, "y": 0, "xanchor": "right", "yanchor": "top",
            "pad": {"t": 10, "r": 10}, "showactive": False,
            "buttons": [{"label": t("map.play", lang), "method": "animate", "args": [None, play]},
                        {"label": t("map.pause", lang), "method": "animate", "args": [[None], pause]}]}
