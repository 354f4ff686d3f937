"""Forensic Architecture's TimeMap."""
from __future__ import annotations

import json

from .common import LedgerIndex, incident_acts, incident_place, summary


def _time_precision(date_str: str | None) -> str:
    return {3: "day", 2: "month", 1: "year"}.get(len(date_str.split("-")), "") if date_str else ""


def timemap(ledger: dict) -> dict:
    """TimeMap's three datasets in one object: events, associations (filters) and sources (documents)."""
    index = LedgerIndex(ledger)
    events, assoc = [], {}
    for inc in ledger.get("incidents") or []:
        algs = index.incident_allegations(inc)
        place = incident_place(index, inc)
        status = inc.get("status") or "alleged"
        tags = [f"act/{a}" for a in incident_acts(index, inc)] + [f"status/{status}"]
        for tag in tags:
            kind, value = tag.split("/", 1)
            assoc.setdefault(tag, {"id": tag, "title": value.replace("_", " "), "desc": kind, "mode": "FILTER",
                                   "filter_paths": [kind, value]})
        date = inc.get("date") or next((a.get("date") for a in algs if a.get("date")), None)
        events.append({
            "id": inc.get("id"),
            "description": "; ".join(index.claim_text(a, 300) for a in algs[:3]) or summary({}),
            "date": date or "", "time": "", "time_precision": _time_precision(date),
            "location": place.get("name") or "",
            "latitude": str(place["lat"]) if place.get("lat") is not None else "",
            "longitude": str(place["lon"]) if place.get("lon") is not None else "",
            "type": status, "associations": tags,
            "sources": [f"doc-{d['id']}" for d in index.documents_of(algs)],
        })
    sources = {f"doc-{d['id']}": {"id": f"doc-{d['id']}", "title": d.get("title") or "", "type": "Article",
                                   "url": d.get("url") or "", "date": d.get("published") or "",
                                   "description": d.get("outlet") or "", "paths": []}
               for d in index.docs.values()}
    return {"events": events, "associations": list(assoc.values()), "sources": sources}


def to_timemap(ledger: dict) -> str:
    return json.dumps(timemap(ledger), ensure_ascii=False, indent=1)


