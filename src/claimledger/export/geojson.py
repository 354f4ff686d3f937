"""GeoJSON (RFC 7946)."""
from __future__ import annotations

import json

from .common import LedgerIndex, incident_acts, incident_place, _perpetrators, _verifiers, _weapon_names


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
        features.append({
            "type": "Feature", "id": inc.get("id"),
            "geometry": {"type": "Point", "coordinates": [float(place["lon"]), float(place["lat"])]},
            "properties": {
                "id": inc.get("id"), "status": inc.get("status") or "alleged", "date": inc.get("date"),
                "place": place.get("name"), "precision": place.get("precision"),
                "acts": incident_acts(index, inc), "perpetrators": _perpetrators(algs),
                "weapons": _weapon_names(algs), "allegations": list(inc.get("allegation_ids") or []),
                "verifiers": _verifiers(index.incident_assessments(inc)),
            },
        })
    return {"type": "FeatureCollection", "features": features, "incidents_without_coordinates": missing}


def to_geojson(ledger: dict) -> str:
    return json.dumps(geojson(ledger), ensure_ascii=False, indent=1)


