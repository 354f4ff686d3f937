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
def _towns(cc: str) -> tuple[np.ndarray, list[str]]:
    """Every listed town of a country as (radians [lat, lon] array, its unit's name per row)."""
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
    return np.radians(np.array(coords, dtype=float).reshape(-1, 2)), units


def admin1(cc: str | None, lat: float | None, lon: float | None) -> str:
    """The first-level unit around a point, "" when unknown or the nearest listed town is over MAX_KM away."""
    if not cc or lat is None or lon is None:
        return ""
    coords, units = _towns(cc.upper())
    if not units:
        return ""
    la, lo = math.radians(float(lat)), math.radians(float(lon))
    # haversine distance to every town of the country
    h = (np.sin((coords[:, 0] - la) / 2) ** 2
         + math.cos(la) * np.cos(coords[:, 0]) * np.sin((coords[:, 1] - lo) / 2) ** 2)
    i = int(np.argmin(h))
    km = 2 * 6371.0 * math.asin(min(1.0, math.sqrt(float(h[i]))))
    return units[i] if km <= MAX_KM else ""
