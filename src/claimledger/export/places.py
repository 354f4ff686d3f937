"""Names for where an event happened, as event datasets write them: the first-level unit (province, oblast,
state) and the country's ISO number and world region.

Our places carry coordinates and a country code but no unit names (GeoNames' admin1 codes such as "07" are
not names, and differ from ISO 3166-2 codes). The unit is found as the unit of the nearest of the ~150,000
towns that countrystatecity-countries lists under their state, within the same country and at most
MAX_KM away: "Kharkiv" at (49.99, 36.23) -> "Kharkivska".
"""
from __future__ import annotations

import math
import tomllib
from functools import lru_cache
from importlib import resources

import numpy as np

MAX_KM = 60.0  # beyond this the nearest listed town says little about the unit


@lru_cache(maxsize=1)
def vocabulary() -> dict:
    """data/acled.toml: regions, country spellings, actor types and note verbs."""
    return tomllib.loads(resources.files("claimledger").joinpath("data/acled.toml").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _countries() -> dict[str, dict]:
    from countrystatecity_countries.loaders import DataLoader

    return {c["iso2"]: c for c in DataLoader.load_countries()}


def iso_number(cc: str | None) -> int | None:
    """ISO 3166-1 numeric code: "UA" -> 804."""
    c = _countries().get((cc or "").upper())
    return int(c["numeric_code"]) if c and str(c.get("numeric_code") or "").isdigit() else None


def iso3(cc: str | None) -> str | None:
    c = _countries().get((cc or "").upper())
    return c.get("iso3") if c else None


def region(cc: str | None) -> str:
    """ACLED's world region of a country: "UA" -> "Europe", "AZ" -> "Caucasus and Central Asia"."""
    cc = (cc or "").upper()
    c = _countries().get(cc)
    if not c:
        return ""
    voc = vocabulary()
    return voc["region_of_country"].get(cc) or voc["region_of_subregion"].get(c.get("subregion") or "", "")


@lru_cache(maxsize=64)
def _towns(cc: str) -> tuple[np.ndarray, list[str], dict]:
    """Every listed town of a country: radians [lat, lon] array, its unit's name per row, and the rows of each
    1-degree cell (so a look-up measures only nearby towns)."""
    from countrystatecity_countries.loaders import DataLoader

    coords, units = [], []
    for state in DataLoader.load_states(cc):
        code, name = state.get("state_code"), state.get("name")
        if not code or not name:
            continue
        for town in DataLoader.load_cities(cc, code):
            try:
                coords.append((float(town["latitude"]), float(town["longitude"])))
            except (KeyError, TypeError, ValueError):
                continue
            units.append(name)
        if state.get("latitude") and state.get("longitude"):  # units without listed towns still count
            coords.append((float(state["latitude"]), float(state["longitude"])))
            units.append(name)
    cells: dict[tuple[int, int], list[int]] = {}
    for i, (lat, lon) in enumerate(coords):
        cells.setdefault((math.floor(lat), math.floor(lon)), []).append(i)
    grid = {k: np.array(v) for k, v in cells.items()}
    return np.radians(np.array(coords, dtype=float).reshape(-1, 2)), units, grid


def _nearest(coords: np.ndarray, rows: np.ndarray, lat: float, lon: float) -> tuple[int, float]:
    """(row, km) of the nearest of `rows` (haversine)."""
    la, lo = math.radians(lat), math.radians(lon)
    c = coords[rows]
    h = np.sin((c[:, 0] - la) / 2) ** 2 + math.cos(la) * np.cos(c[:, 0]) * np.sin((c[:, 1] - lo) / 2) ** 2
    i = int(np.argmin(h))
    return int(rows[i]), 2 * 6371.0 * math.asin(min(1.0, math.sqrt(float(h[i]))))


def admin1(cc: str | None, lat: float | None, lon: float | None) -> str:
    """The first-level unit around a point, "" when unknown or the nearest listed town is over MAX_KM away."""
    if not cc or lat is None or lon is None:
        return ""
    return _admin1(cc.upper(), round(float(lat), 4), round(float(lon), 4))


@lru_cache(maxsize=1 << 16)  # incidents share places
def _admin1(cc: str, lat: float, lon: float) -> str:
    coords, units, grid = _towns(cc)
    if not units:
        return ""
    near = [grid[(math.floor(lat) + dy, math.floor(lon) + dx)] for dy in (-1, 0, 1) for dx in (-1, 0, 1)
            if (math.floor(lat) + dy, math.floor(lon) + dx) in grid]
    best, km = _nearest(coords, np.concatenate(near), lat, lon) if near else (-1, math.inf)
    if km > 50:  # the 3x3 cells may miss a nearer town far north or south: measure them all
        best, km = _nearest(coords, np.arange(len(units)), lat, lon)
    return units[best] if km <= MAX_KM else ""
