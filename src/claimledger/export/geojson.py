"""GeoJSON (RFC 7946): one Point feature per placed incident, [longitude, latitude].

Properties: status (and `analyst_decision` when an analyst set it), date, place, acts, perpetrators, the
weapons named (name, munitions-KB id, category; the verifiers' identified weapons too), the sources (each
alleging statement's speaker and side, its document's outlet, title and http(s) URL), each verifier's finding,
and `status_counts`: how many assessments of the incident's allegations reached each status.
"""
from __future__ import annotations

import json

from ..models import STATUSES
from .common import LedgerIndex, _perpetrators, _verifiers, incident_acts, incident_place, safe_url


def _weapons(allegations: list[dict], assessments: list[dict]) -> list[dict]:
    """Weapons named in the allegations and identified by verifiers, one entry per KB id (or name)."""
    seen: dict[str, dict] = {}
    named = [(w, "alleged") for a in allegations if not a.get("denial") for w in a.get("weapons") or []]
    named += [(s["weapon"], "identified by " + (s.get("verifier") or "a verifier")) for s in assessments
              if isinstance(s.get("weapon"), dict)]
    for w, basis in named:
        w = w if isinstance(w, dict) else {"name": str(w)}
        key = w.get("kb_id") or (w.get("name") or "").lower()
        if key and key not in seen:
            seen[key] = {"name": w.get("name"), "kb_id": w.get("kb_id"), "category": w.get("category"),
                         "basis": basis}
    return list(seen.values())


def _sources(index: LedgerIndex, allegations: list[dict]) -> list[dict]:
    out = []
    for a in allegations:
        stmts = index.statements_of(a)
        for s in stmts or [None]:
            doc = index.docs.get((s or a).get("document_id")) or {}
            speaker = (s or {}).get("speaker") or {}
            out.append({"allegation_id": a.get("id"), "statement_id": (s or {}).get("id"),
                        "speaker": speaker.get("name") or a.get("reported_by"), "kind": speaker.get("kind"),
                        "side": speaker.get("side"), "document_id": doc.get("id"), "title": doc.get("title"),
                        "outlet": doc.get("outlet"), "url": safe_url(doc.get("url")) or None,
                        "published": doc.get("published")})
    return out


def _status_counts(assessments: list[dict]) -> dict[str, int]:
    counts = {s: 0 for s in STATUSES}
    for s in assessments:
        counts[s.get("status") or "alleged"] = counts.get(s.get("status") or "alleged", 0) + 1
    return counts


def geojson(ledger: dict) -> dict:
    """A FeatureCollection with one Point per incident that has coordinates; incidents without coordinates
    are left out and listed in the foreign member `incidents_without_coordinates`."""
    index = LedgerIndex(ledger)
    features, missing = [], []
    for inc in ledger.get("incidents") or []:
        place = incident_place(index, inc)
        if place.get("lat") is None or place.get("lon") is None:
            missing.append(inc.get("id"))
            continue
        algs = index.incident_allegations(inc)
        assessments = index.incident_assessments(inc)
        features.append({
            "type": "Feature", "id": inc.get("id"),
            "geometry": {"type": "Point", "coordinates": [float(place["lon"]), float(place["lat"])]},
            "properties": {
                "id": inc.get("id"), "status": inc.get("status") or "alleged",
                "analyst_decision": inc.get("status_source") == "analyst", "rationale": inc.get("rationale"),
                "date": inc.get("date"), "place": place.get("name"), "country": place.get("country"),
                "precision": place.get("precision"), "acts": incident_acts(index, inc),
                "perpetrators": _perpetrators(algs), "weapons": _weapons(algs, assessments),
                "sources": _sources(index, algs), "allegations": list(inc.get("allegation_ids") or []),
                "verifiers": _verifiers(assessments), "status_counts": _status_counts(assessments),
            },
        })
    return {"type": "FeatureCollection", "features": features, "incidents_without_coordinates": missing}


def to_geojson(ledger: dict, **_) -> str:
    return json.dumps(geojson(ledger), ensure_ascii=False, indent=1)
