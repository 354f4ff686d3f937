"""ACLED-style CSV: one row per incident, ACLED's full codebook column set in ACLED's order, then ours.

Column order (ACLED codebook, 2023 column set): event_id_cnty, event_date, year, time_precision, disorder_type,
event_type, sub_event_type, actor1, assoc_actor_1, inter1, actor2, assoc_actor_2, inter2, interaction,
civilian_targeting, iso, region, country, admin1, admin2, admin3, location, latitude, longitude, geo_precision,
source, source_scale, notes, fatalities, tags, timestamp. Our columns follow (OUR_COLUMNS): the incident's
status and whether an analyst set it, each verifier's finding, the record ids, the documents' URLs, the
character offsets of the alleging statements (provenance), whether any fatality figure was reported, and
what the event_date rests on.

Every text cell is escaped against spreadsheet formulas (`common.csv_cell`); URLs are http(s) only.
"""
from __future__ import annotations

import csv
import hashlib
import io
import time

from .. import gazetteer
from .acled_codes import (CIVILIANS, DISORDER, EXPLOSIONS, STRATEGIC, VAC, acled_type,  # noqa: F401
                          event_date, explosive_subtype, fatalities, inter_code, interaction, note, unidentified)
from .common import (LedgerIndex, _perpetrators, _verifiers, csv_cell, incident_acts, incident_place,
                     latest_possible_date, safe_url)
from .places import admin1 as admin1_of, iso3, iso_number, region, vocabulary

CODEBOOK_COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction", "civilian_targeting",
    "iso", "region", "country", "admin1", "admin2", "admin3", "location", "latitude", "longitude", "geo_precision",
    "source", "source_scale", "notes", "fatalities", "tags", "timestamp")
OUR_COLUMNS = ("status", "analyst_decision", "verifiers", "incident_id", "allegation_ids", "statement_ids",
               "document_ids", "source_urls", "provenance", "fatalities_reported", "date_basis")
ACLED_COLUMNS = CODEBOOK_COLUMNS + OUR_COLUMNS
ACLED_GEO_PRECISION = {"facility": 1, "town": 1, "district": 2, "region": 3, "country": 3}


def country_name(code: str | None) -> str:
    """ISO 3166-1 alpha-2 to the country's name as ACLED spells it (GeoNames' name otherwise)."""
    if not code:
        return ""
    code = code.upper()
    return vocabulary()["country_name"].get(code) or gazetteer.country_name(code) or code


def _event_id(iso3_code: str | None, incident_id: str, taken: set[str]) -> str:
    """ACLED-shaped id, country letters and a number, stable for one incident id: "UKR48213977"."""
    n = int(hashlib.sha1(str(incident_id).encode("utf-8")).hexdigest(), 16) % 10**8
    while f"{iso3_code or 'XXX'}{n}" in taken:  # a collision within this file: the next free number
        n += 1
    taken.add(f"{iso3_code or 'XXX'}{n}")
    return f"{iso3_code or 'XXX'}{n}"


def _document_country(countries: dict, doc_ids: list) -> str | None:
    """The country most of the documents' resolved places lie in (for an incident with no place)."""
    codes = [c for d in doc_ids for c in countries.get(d, ())]
    return max(set(codes), key=codes.count) if codes else None


def _injured(algs: list[dict]) -> int | None:
    figures = [(a.get("casualties") or {}).get("injured_min") for a in algs if not a.get("denial")]
    figures = [n for n in figures if isinstance(n, int)]
    return min(figures) if figures else None


def _row(index: LedgerIndex, countries: dict, inc: dict, taken: set[str], timestamp: int) -> dict:
    algs = index.incident_allegations(inc)
    acts = incident_acts(index, inc) or ["other"]
    primary = next((a for a in algs if a.get("act") == acts[0]), algs[0] if algs else {})
    weapons = [w for a in algs for w in a.get("weapons") or []]
    event_type, sub = acled_type(acts[0], weapons)
    docs = index.documents_of(algs)
    when = event_date(inc.get("date") or primary.get("date") or next((a["date"] for a in algs if a.get("date")), None),
                      primary.get("date_precision"), latest_possible_date(index, algs, docs))
    place = incident_place(index, inc)
    cc = place.get("country") or _document_country(countries, [d["id"] for d in docs])
    country = country_name(cc)
    located = place.get("lat") is not None and place.get("lon") is not None
    admin1 = place.get("name") if place.get("precision") == "region" else (
        admin1_of(cc, place.get("lat"), place.get("lon")) if located else "")
    admin2 = place.get("name") if place.get("precision") == "district" else ""
    perps = _perpetrators(algs)
    actor1 = primary.get("perpetrator") if not primary.get("denial") and primary.get("perpetrator") else (
        perps[0] if perps else "")
    inter1 = inter_code(actor1 or None, country)
    civilians = event_type == VAC or any(
        (t.get("kind") if isinstance(t, dict) else None) == "civilians" for a in algs for t in a.get("targets") or [])
    actor2 = (f"Civilians ({country})" if country else "Civilians") if civilians else ""
    inter2 = CIVILIANS if civilians else ""
    killed = fatalities(algs)
    verifiers = _verifiers(index.incident_assessments(inc))
    stmts = [s for a in algs for s in index.statements_of(a)]
    targets = [t.get("name") if isinstance(t, dict) else str(t) for t in primary.get("targets") or []]
    weapon_names = list(dict.fromkeys((w.get("name") if isinstance(w, dict) else str(w)) for w in weapons))
    speaker = next(((s.get("speaker") or {}).get("name") for s in stmts if (s.get("speaker") or {}).get("name")),
                   primary.get("reported_by"))
    area = ", ".join(x for x in (admin2 if admin2 != place.get("name") else "",
                                 admin1 if admin1 != place.get("name") else "", country) if x)
    return {
        "event_id_cnty": _event_id(iso3(cc), inc.get("id"), taken),
        "event_date": when[0], "year": int(when[0][:4]) if when[0] else "", "time_precision": when[1],
        "disorder_type": DISORDER.get(event_type, "Political violence"), "event_type": event_type,
        "sub_event_type": sub,
        "actor1": actor1 or unidentified(country), "assoc_actor_1": "; ".join(p for p in perps if p != actor1),
        "inter1": inter1, "actor2": actor2, "assoc_actor_2": "", "inter2": inter2,
        "interaction": interaction(inter1, inter2),
        "civilian_targeting": "Civilians targeted" if civilians else "",
        "iso": iso_number(cc) or "", "region": region(cc), "country": country,
        "admin1": admin1 or "", "admin2": admin2 or "", "admin3": "", "location": place.get("name") or "",
        "latitude": round(float(place["lat"]), 4) if located else "",
        "longitude": round(float(place["lon"]), 4) if located else "",
        "geo_precision": ACLED_GEO_PRECISION.get(place.get("precision"), 2) if located else (3 if country else ""),
        "source": "; ".join(dict.fromkeys(d.get("outlet") or d.get("title") or f"document {d['id']}" for d in docs)),
        "source_scale": "", "notes": note(
            acts[0], actor1 or None, targets[0] if targets else None, place.get("name") or "", area, weapon_names,
            killed, _injured(algs), (when[0], when[2]), speaker, [(v["verifier"], v["status"]) for v in verifiers]),
        "fatalities": killed[0], "tags": "", "timestamp": timestamp,
        "status": inc.get("status") or "alleged",
        "analyst_decision": "yes" if inc.get("status_source") == "analyst" else "",
        "verifiers": "; ".join(f"{v['verifier']}: {v['status']}" for v in verifiers),
        "incident_id": inc.get("id"), "allegation_ids": ";".join(inc.get("allegation_ids") or []),
        "statement_ids": ";".join(s["id"] for s in stmts if s.get("id")),
        "document_ids": ";".join(str(d["id"]) for d in docs),
        "source_urls": " ".join(u for u in (safe_url(d.get("url")) for d in docs) if u),
        "provenance": "; ".join(f"document {s.get('document_id')} characters {c['start']}-{c['end']}"
                                for s in stmts for c in [s.get("content") or {}] if c.get("start") is not None),
        "fatalities_reported": "yes" if killed[1] else "no", "date_basis": when[2],
    }


def acled_rows(ledger: dict, *, timestamp: int | None = None) -> list[dict]:
    """One row per incident (an ACLED event), typed by its most specific act; allegations outside any incident
    (threats, plans) get no row. `timestamp` (ACLED's upload time) defaults to now."""
    index = LedgerIndex(ledger)
    stamp = int(time.time()) if timestamp is None else int(timestamp)
    taken: set[str] = set()
    countries: dict = {}  # document id -> the countries of its resolved places
    for p in ledger.get("places") or []:
        if p.get("country"):
            countries.setdefault(p.get("document_id"), []).append(p["country"])
    return [_row(index, countries, inc, taken, stamp) for inc in ledger.get("incidents") or []]


def to_acled_csv(ledger: dict, *, timestamp: int | None = None, **_) -> str:
    """ACLED-style CSV (ACLED_COLUMNS), one row per incident, every text cell formula-safe."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=ACLED_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in acled_rows(ledger, timestamp=timestamp):
        writer.writerow({k: csv_cell(v) for k, v in row.items()})
    return buf.getvalue()
