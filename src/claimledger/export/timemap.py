"""Forensic Architecture's TimeMap (github.com/forensic-architecture/timemap): the three datasets it fetches
separately, `events.json`, `associations.json` and `sources.json`, in the shapes its validators
(src/reducers/validate/*Schema.js, Joi) accept with its default configuration.

- Dates are written in TimeMap's default `DATE_FMT`, "MM/DD/YYYY" (`TIME_FMT` "HH:mm"; we give no time). A
  month-only date is written as the 15th and a year-only date as 1 July, with `time_precision` "month" or
  "year" and the reported form in `time_display`.
- TimeMap drops an event whose date and time are both empty, so an undated event is dated to the last day
  its documents allow (the earliest day its statements were made or its documents published), with
  `time_precision` "undated", `time_display` saying "date not reported, on or before ...", and the filter
  `date/undated`.
- Every value is a string where the schema says string; only keys the schema knows are written (Joi rejects
  others), and links are http(s) only.
"""
from __future__ import annotations

import json

from .common import LedgerIndex, incident_acts, incident_place, latest_possible_date, safe_url, summary

DATE_FMT = "MM/DD/YYYY"  # TimeMap's default; set DATE_FMT to this in its config if yours differs
STATUS_TITLES = {"corroborated": "Corroborated", "partially_corroborated": "Partially corroborated",
                 "alleged": "Alleged (not assessed)", "insufficient_evidence": "Insufficient evidence",
                 "disputed": "Disputed", "refuted": "Refuted"}
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


def timemap_date(date_str: str | None) -> tuple[str, str, str]:
    """(date in MM/DD/YYYY, time_precision, time_display) for a YYYY-MM-DD, YYYY-MM or YYYY date.

    >>> timemap_date("2024-03-05"), timemap_date("2024-02")
    (('03/05/2024', 'day', ''), ('02/15/2024', 'month', 'February 2024'))
    """
    parts = (date_str or "").split("-")
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        return f"{parts[1]}/{parts[2]}/{parts[0]}", "day", ""
    if len(parts) == 2 and all(p.isdigit() for p in parts):
        return f"{parts[1]}/15/{parts[0]}", "month", f"{_MONTHS[int(parts[1]) - 1]} {parts[0]}"
    if len(parts) == 1 and parts[0].isdigit() and len(parts[0]) == 4:
        return f"07/01/{parts[0]}", "year", parts[0]
    return "", "", ""


def _association(assoc: dict, kind: str, value: str, title: str) -> str:
    tag = f"{kind}/{value}"
    assoc.setdefault(tag, {"id": tag, "title": title, "desc": kind, "mode": "FILTER", "filter_paths": [kind, title]})
    return tag


def _event(index: LedgerIndex, inc: dict, assoc: dict) -> dict:
    algs = index.incident_allegations(inc)
    docs = index.documents_of(algs)
    place = incident_place(index, inc)
    status = inc.get("status") or "alleged"
    tags = [_association(assoc, "act", a, a.replace("_", " ")) for a in incident_acts(index, inc)]
    tags.append(_association(assoc, "status", status, STATUS_TITLES.get(status, status)))
    if inc.get("status_source") == "analyst":
        tags.append(_association(assoc, "review", "analyst", "analyst decision"))
    reported = inc.get("date") or next((a.get("date") for a in algs if a.get("date")), None)
    date, precision, display = timemap_date(reported)
    if not date:
        latest = latest_possible_date(index, algs, docs)
        date = timemap_date(latest)[0] if latest else ""
        precision = "undated"
        display = f"date not reported, on or before {latest}" if latest else "date not reported"
        tags.append(_association(assoc, "date", "undated", "date not reported"))
    located = place.get("lat") is not None and place.get("lon") is not None
    return {
        "id": str(inc.get("id") or ""),
        "description": " / ".join(index.claim_text(a, 300) for a in algs[:3]) or summary({}),
        "date": date, "time": "", "time_precision": precision, "time_display": display,
        "location": place.get("name") or "",
        "latitude": str(place["lat"]) if located else "", "longitude": str(place["lon"]) if located else "",
        "type": status, "associations": tags,
        "sources": [f"doc-{d['id']}" for d in docs],
        "comments": f"analyst: {inc['rationale']}" if inc.get("rationale") else "; ".join(inc.get("reasoning") or []),
    }


def timemap(ledger: dict) -> dict:
    """{"events": [...], "associations": [...], "sources": {id: source}}, as TimeMap reads them."""
    index = LedgerIndex(ledger)
    assoc: dict[str, dict] = {}
    events = [_event(index, inc, assoc) for inc in ledger.get("incidents") or []]
    sources = {}
    for d in index.docs.values():
        sid = f"doc-{d['id']}"
        sources[sid] = {"id": sid, "title": d.get("title") or f"document {d['id']}", "type": "Article",
                        "url": safe_url(d.get("url")), "date": d.get("published") or "",
                        "author": d.get("author") or "", "description": d.get("outlet") or "", "paths": []}
    return {"events": events, "associations": list(assoc.values()), "sources": sources}


def to_timemap(ledger: dict, **_) -> dict[str, str]:
    """The three files TimeMap fetches, by name."""
    tm = timemap(ledger)
    return {f"{name}.json": json.dumps(tm[name], ensure_ascii=False, indent=1)
            for name in ("events", "associations", "sources")}
