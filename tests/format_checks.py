"""Each export format's own rules, as checks the tests (and the demo test) run on what we write.

- ACLED: the codebook's 31 columns in its order, each value of the codebook's type and vocabulary.
- TimeMap: a port of its Joi validators (forensic-architecture/timemap, src/reducers/validate/eventSchema.js,
  associationsSchema.js, sourceSchema.js, joi 14) and of `validateDomain` (validators.js): unknown keys are
  rejected, strings must be strings, `.and("latitude", "longitude")`, `.or("date", "latitude")`, events with
  no date and no time are dropped, dates must parse with the default DATE_FMT/TIME_FMT ("MM/DD/YYYY HH:mm").
- ClaimReview: Google's required properties (claimReviewed, reviewRating.alternateName, url) and the
  recommended ones we promise; then JSON-LD expansion by pyld against schema.org's own term definitions
  (tests/data/schemaorg-subset.json, vendored: no download), so a misspelt or misplaced term is caught.
- GeoJSON: RFC 7946 points.
"""
from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, datetime
from pathlib import Path

# --- ACLED codebook -------------------------------------------------------------------------------------

CODEBOOK = ("event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
            "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction",
            "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3", "location", "latitude",
            "longitude", "geo_precision", "source", "source_scale", "notes", "fatalities", "tags", "timestamp")
EVENT_TYPES = {
    "Battles": {"Armed clash", "Government regains territory", "Non-state actor overtakes territory"},
    "Explosions/Remote violence": {"Chemical weapon", "Air/drone strike", "Suicide bomb",
                                   "Shelling/artillery/missile attack", "Remote explosive/landmine/IED", "Grenade"},
    "Violence against civilians": {"Sexual violence", "Attack", "Abduction/forced disappearance"},
    "Protests": {"Peaceful protest", "Protest with intervention", "Excessive force against protesters"},
    "Riots": {"Violent demonstration", "Mob violence"},
    "Strategic developments": {"Agreement", "Arrests", "Change to group/activity", "Disrupted weapons use",
                               "Headquarters or base established", "Looting/property destruction",
                               "Non-violent transfer of territory", "Other"},
}
DISORDER_TYPES = {"Political violence", "Demonstrations", "Strategic developments",
                  "Political violence; Demonstrations"}
INTER = ("State forces", "Rebel group", "Political militia", "Identity militia", "Rioters", "Protesters",
         "Civilians", "External/Other forces")
REGIONS = {"Western Africa", "Middle Africa", "Eastern Africa", "Southern Africa", "Northern Africa", "South Asia",
           "Southeast Asia", "East Asia", "Middle East", "Europe", "Caucasus and Central Asia", "Central America",
           "South America", "Caribbean", "North America", "Oceania", "Antarctica"}
SOURCE_SCALES = {"", "Local partner", "Subnational", "National", "Regional", "International", "New media", "Other"}


def _interactions() -> set[str]:
    out = {f"{t} only" for t in INTER}
    for i, a in enumerate(INTER):
        for b in INTER[i:]:
            out.add(f"{a}-{b}")
    return out


def check_acled_csv(text: str) -> list[dict]:
    """Read an ACLED-style CSV with the codebook's column list; assert every codebook value; return the rows."""
    reader = csv.DictReader(io.StringIO(text))
    assert tuple(reader.fieldnames[:len(CODEBOOK)]) == CODEBOOK
    rows = list(reader)
    ids = [r["event_id_cnty"] for r in rows]
    assert len(set(ids)) == len(ids)
    interactions = _interactions()
    for r in rows:
        assert re.fullmatch(r"[A-Z]{3}\d+", r["event_id_cnty"]), r["event_id_cnty"]
        d = date.fromisoformat(r["event_date"])  # always filled
        assert int(r["year"]) == d.year
        assert int(r["time_precision"]) in (1, 2, 3)
        assert r["disorder_type"] in DISORDER_TYPES
        assert r["sub_event_type"] in EVENT_TYPES[r["event_type"]]
        assert r["actor1"] and r["inter1"] in INTER
        assert r["inter2"] in ("", *INTER) and bool(r["actor2"]) == bool(r["inter2"])
        assert r["interaction"] in interactions
        assert r["civilian_targeting"] in ("", "Civilians targeted")
        if r["country"]:
            assert int(r["iso"]) > 0 and r["region"] in REGIONS
            assert not r["admin1"].isdigit(), "admin1 is a name, not a code"
        if r["latitude"]:
            lat, lon = float(r["latitude"]), float(r["longitude"])
            assert -90 <= lat <= 90 and -180 <= lon <= 180
            assert len(r["latitude"].partition(".")[2]) <= 4
            assert int(r["geo_precision"]) in (1, 2, 3)
        assert r["source_scale"] in SOURCE_SCALES
        assert r["notes"].endswith((".", ")")) and r["notes"][0].isupper()
        assert int(r["fatalities"]) >= 0 and int(r["timestamp"]) > 0
    return rows


# --- TimeMap (Joi schemas ported) -------------------------------------------------------------------------

_S, _A = "string", "array"  # Joi.string().allow("") / Joi.array()
EVENT_KEYS = {k: _S for k in ("id", "description", "date", "time", "time_precision", "location", "latitude",
                              "longitude", "x", "y", "z", "type", "category", "category_full", "comments",
                              "time_display", "shape", "colour")}
EVENT_KEYS.update(associations=_A, sources=_A, narrative___stepStyles=_A)
ASSOCIATION_KEYS = {"id": _S, "title": _S, "desc": _S, "mode": _S, "filter_paths": _A}
SOURCE_KEYS = {k: _S for k in ("id", "title", "thumbnail", "type", "url", "description", "parent", "author", "date",
                               "notes")}
SOURCE_KEYS.update(paths=_A, affil_s=_A)


def _joi(item: dict, keys: dict, required: tuple = (), nonempty: tuple = ()) -> list[str]:
    errors = [f'"{k}" is not allowed' for k in item if k not in keys]
    for k, v in item.items():
        if k in keys and keys[k] == _S and not isinstance(v, str):
            errors.append(f'"{k}" must be a string')
        if k in keys and keys[k] == _A and not isinstance(v, list):
            errors.append(f'"{k}" must be an array')
    errors += [f'"{k}" is required' for k in required if k not in item]
    errors += [f'"{k}" is not allowed to be empty' for k in nonempty if item.get(k) == ""]
    return errors


def validate_timemap(files: dict[str, str]) -> dict:
    """What TimeMap keeps of events.json, associations.json and sources.json: {"events", "discarded"}.
    `discarded` lists (kind, id, error) for everything TimeMap would drop or report."""
    events = json.loads(files["events.json"])
    associations = json.loads(files["associations.json"])
    sources = json.loads(files["sources.json"])
    assert isinstance(events, list) and isinstance(associations, list) and isinstance(sources, dict)
    discarded, kept = [], []
    for e in events:
        if e.get("date") == "" and e.get("time") == "":
            discarded.append(("events", e.get("id"), "dropped: no date and no time"))
            continue
        errors = _joi(e, EVENT_KEYS, required=("description",))
        if ("latitude" in e) != ("longitude" in e):
            errors.append('"latitude" and "longitude" go together')
        if "date" not in e and "latitude" not in e:
            errors.append('must contain at least one of [date, latitude]')
        if not errors:
            try:
                datetime.strptime(f"{e.get('date')} {e.get('time') or '00:00'}", "%m/%d/%Y %H:%M")
            except ValueError:
                errors.append("Invalid date")
        (discarded.append(("events", e.get("id"), errors)) if errors else kept.append(e))
    seen = set()
    for a in associations:
        errors = _joi(a, ASSOCIATION_KEYS, required=("id", "title", "mode"))
        if a.get("id") in seen:
            errors.append("association was found more than once")
        seen.add(a.get("id"))
        if errors:
            discarded.append(("associations", a.get("id"), errors))
    for key, s in sources.items():
        errors = _joi(s, SOURCE_KEYS, required=("id", "paths"), nonempty=("id",))
        if errors:
            discarded.append(("sources", key, errors))
    for e in kept:  # TimeMap silently drops links to associations and sources it does not have
        for a in e.get("associations") or []:
            if a not in seen:
                discarded.append(("events", e.get("id"), f"unknown association {a}"))
        for s in e.get("sources") or []:
            if s not in sources:
                discarded.append(("events", e.get("id"), f"unknown source {s}"))
    return {"events": kept, "discarded": discarded, "sources": sources}


# --- ClaimReview ----------------------------------------------------------------------------------------

SCHEMAORG = json.loads((Path(__file__).parent / "data" / "schemaorg-subset.json").read_text(encoding="utf-8"))
SCHEMA_IRI = "http://schema.org/"
_CONTEXT_URL = "https://schema.org"


def _loader(url, options=None):
    """pyld document loader that serves only the vendored schema.org context and fetches nothing."""
    if url.rstrip("/") in (_CONTEXT_URL, "http://schema.org"):
        return {"contextUrl": None, "documentUrl": url, "document": {"@context": SCHEMAORG["@context"]}}
    raise AssertionError(f"the ClaimReview JSON-LD tried to load {url}")


def _walk(node, typ: str | None = None):
    """Each (type, key, value) of a compacted JSON-LD tree."""
    if isinstance(node, list):
        for n in node:
            yield from _walk(n, typ)
    elif isinstance(node, dict):
        t = node.get("@type", typ)
        for k, v in node.items():
            yield t, k, v
            yield from _walk(v, t)


def _expanded_terms(node, out: set):
    if isinstance(node, list):
        for n in node:
            _expanded_terms(n, out)
    elif isinstance(node, dict):
        for k, v in node.items():
            if not k.startswith("@"):
                out.add(k)
            if k == "@type":
                out.update(v if isinstance(v, list) else [v])
            _expanded_terms(v, out)


def check_claimreviews(reviews: list[dict]) -> None:
    """Google's required and our promised properties, then pyld expansion with no term lost."""
    from pyld import jsonld

    for r in reviews:
        assert r["@type"] == "ClaimReview" and r["@context"] == "https://schema.org"
        assert isinstance(r["claimReviewed"], str) and r["claimReviewed"].strip()
        assert r["url"] and not r["url"].startswith(("javascript:", "data:"))
        rating = r["reviewRating"]
        assert rating["@type"] == "Rating" and rating["alternateName"].strip()
        assert "_" not in rating["alternateName"], "a readable rating, not a code"
        if "ratingValue" in rating:
            assert rating["worstRating"] <= rating["ratingValue"] <= rating["bestRating"]
        assert r["author"]["@type"] in ("Organization", "Person") and r["author"]["name"]
        claim = r["itemReviewed"]
        assert claim["@type"] == "Claim"
        if "author" in claim:
            assert claim["author"]["@type"] in ("Organization", "Person") and claim["author"]["name"]
        for work in claim.get("appearance") or []:
            assert work.get("url", "https://").startswith(("http://", "https://"))
        # every property is allowed on its node's type by schema.org
        for typ, key, _ in _walk(r):
            if not key.startswith("@"):
                assert key in SCHEMAORG["properties"][typ], f"schema.org has no {typ}.{key}"
        expanded = jsonld.expand(r, {"documentLoader": _loader})
        terms: set = set()
        _expanded_terms(expanded, terms)
        compact = {k for _, k, _ in _walk(r) if not k.startswith("@")} | {
            v for _, k, v in _walk(r) if k == "@type"}
        assert {SCHEMA_IRI + t for t in compact} <= terms, f"terms dropped by expansion: {compact}"
        assert all(t.startswith(SCHEMA_IRI) for t in terms), terms


# --- GeoJSON ----------------------------------------------------------------------------------------------

def check_geojson(doc: dict) -> None:
    """A structural check of the GeoJSON (RFC 7946) we emit: Point features only, [lon, lat]."""
    assert doc["type"] == "FeatureCollection" and isinstance(doc["features"], list)
    for f in doc["features"]:
        assert f["type"] == "Feature" and set(f) >= {"geometry", "properties"}
        g = f["geometry"]
        assert g["type"] == "Point" and len(g["coordinates"]) == 2
        lon, lat = g["coordinates"]
        assert all(isinstance(v, float) for v in (lon, lat))
        assert -180 <= lon <= 180 and -90 <= lat <= 90
        props = f["properties"]
        assert {"status", "date", "allegations", "verifiers", "acts", "weapons", "sources", "status_counts",
                "analyst_decision"} <= set(props)
        for s in props["sources"]:
            assert s["url"] is None or s["url"].startswith(("http://", "https://"))
