"""Exports of the ledger. `ledger_json` is the contract every other format is derived from
(`claimledger/ledger@1`, see the README); `FORMATS` maps each
`claimledger export --format` name to a pure function of that dict returning the file's text."""
from __future__ import annotations

import csv
import io
import json
import re

from sqlalchemy import select
from sqlalchemy.engine import Engine

from . import db, gazetteer, vocabulary
from .models import natural_key

SCHEMA = "claimledger/ledger@1"


def ledger_json(engine: Engine, *, include_text: bool = True) -> dict:
    """The whole ledger as a JSON-ready dict."""
    with engine.connect() as conn:
        docs = conn.execute(select(db.documents).order_by(db.documents.c.id)).all()
        records = {t.name: sorted(db.load_records(conn, t), key=lambda r: natural_key(r.get("id")))
                   for t in (db.statements, db.allegations, db.assessments, db.places)}
        incident_rows = conn.execute(select(db.incidents).order_by(db.incidents.c.id)).all()
        evidence: dict[str, list[dict]] = {}
        for e in conn.execute(
                select(db.evidence_links.c.record_id, db.evidence.c.sha256, db.evidence.c.original_name,
                       db.evidence.c.mime, db.evidence.c.size)
                .join(db.evidence, db.evidence.c.sha256 == db.evidence_links.c.sha256)
                .where(db.evidence_links.c.record_type == "incident")
                .order_by(db.evidence_links.c.id)):
            evidence.setdefault(e.record_id, []).append(
                {"sha256": e.sha256, "original_name": e.original_name, "mime": e.mime, "size": e.size})
    documents = []
    for d in docs:
        doc = {"id": d.id, "external_id": d.external_id, "title": d.title,
               "published": d.published.isoformat() if d.published else None, "outlet": d.outlet,
               "author": d.author, "url": d.url, "language": d.language, "sha256": d.sha256,
               "analysis_status": d.analysis_status}
        if d.analysis_note:
            doc["analysis_note"] = d.analysis_note
        if include_text:
            doc["text"] = d.text
        documents.append(doc)
    incidents = []
    for row in sorted(incident_rows, key=lambda r: natural_key(r.id)):
        inc = dict(row.data)
        inc.update(id=row.id, status=row.status, status_source=row.status_source)
        if row.rationale:
            inc["rationale"] = row.rationale
        if row.id in evidence:
            inc["evidence"] = evidence[row.id]
        incidents.append(inc)
    return {"schema": SCHEMA, "documents": documents, "statements": records["statements"],
            "allegations": records["allegations"], "assessments": records["assessments"],
            "incidents": incidents, "places": records["places"]}


# ---------------------------------------------------------------------------------------------------
# Formats derived from the ledger dict. Each is a pure function `ledger -> str`.

def _by_id(records: list[dict] | None) -> dict[str, dict]:
    return {r["id"]: r for r in records or [] if r.get("id") is not None}


class LedgerIndex:
    """Look-ups over one ledger dict, shared by the formats below."""

    def __init__(self, ledger: dict):
        self.docs = {d["id"]: d for d in ledger.get("documents") or []}
        self.statements = _by_id(ledger.get("statements"))
        self.allegations = _by_id(ledger.get("allegations"))
        self.assessments: dict[str, list[dict]] = {}
        for a in ledger.get("assessments") or []:
            self.assessments.setdefault(a.get("allegation_id"), []).append(a)

    def incident_allegations(self, inc: dict) -> list[dict]:
        return [self.allegations[a] for a in inc.get("allegation_ids") or [] if a in self.allegations]

    def incident_assessments(self, inc: dict) -> list[dict]:
        return [s for a in inc.get("allegation_ids") or [] for s in self.assessments.get(a, [])]

    def statements_of(self, allegation: dict) -> list[dict]:
        return [self.statements[s] for s in allegation.get("statement_ids") or [] if s in self.statements]

    def documents_of(self, allegations: list[dict]) -> list[dict]:
        ids = []
        for a in allegations:
            for s in self.statements_of(a):
                ids.append(s.get("document_id"))
            ids.append(a.get("document_id"))
        return [self.docs[i] for i in dict.fromkeys(ids) if i in self.docs]

    def claim_text(self, allegation: dict, limit: int = 500) -> str:
        """What was alleged, in the source's words (the first alleging statement's content)."""
        for s in self.statements_of(allegation):
            text = ((s.get("content") or {}).get("text") or "").strip()
            if text:
                return _clip(" ".join(text.split()), limit)
        return summary(allegation)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def summary(allegation: dict) -> str:
    """A one-line description built from the allegation's fields (no source text)."""
    who = allegation.get("perpetrator") or "unidentified perpetrator"
    act = (allegation.get("act") or "other").replace("_", " ")
    where = ", ".join(p.get("name") for p in allegation.get("places") or [] if p.get("name"))
    return f"{act} by {who}" + (f" at {where}" if where else "")


def incident_acts(index: LedgerIndex, inc: dict) -> list[str]:
    """Acts alleged in the incident (denials excluded), most specific first."""
    acts = {a.get("act") or "other" for a in index.incident_allegations(inc) if not a.get("denial")}
    return sorted(acts, key=vocabulary.priority)


def incident_place(index: LedgerIndex, inc: dict) -> dict:
    """The incident's place, else the first allegation place with coordinates (may be {})."""
    place = inc.get("place") or {}
    candidates = [p for a in index.incident_allegations(inc) for p in a.get("places") or []]
    if place.get("lat") is None or place.get("lon") is None:
        return next((p for p in candidates if p.get("lat") is not None and p.get("lon") is not None), place)
    # the incident keeps name and coordinates; its allegations' copy of the place may know country and admin1
    same = next((p for p in candidates if p.get("name") == place.get("name")), {})
    return {**{k: v for k, v in same.items() if v is not None}, **{k: v for k, v in place.items() if v is not None}}


def _weapon_names(allegations: list[dict]) -> list[str]:
    names = [w.get("kb_id") or w.get("name") if isinstance(w, dict) else str(w)
             for a in allegations for w in a.get("weapons") or []]
    return list(dict.fromkeys(n for n in names if n))


def _perpetrators(allegations: list[dict]) -> list[str]:
    return list(dict.fromkeys(a["perpetrator"] for a in allegations if a.get("perpetrator") and not a.get("denial")))


def _verifiers(assessments: list[dict]) -> list[dict]:
    seen = {}
    for s in assessments:
        seen.setdefault((s.get("verifier"), s.get("status")), {"verifier": s.get("verifier"), "status": s.get("status")})
    return list(seen.values())


def to_json(ledger: dict) -> str:
    """The ledger-json contract itself."""
    return json.dumps(ledger, ensure_ascii=False, indent=1)


# --- ACLED-style CSV -------------------------------------------------------------------------------

ACLED_COLUMNS = ("event_date", "time_precision", "event_type", "sub_event_type", "actor1", "actor2", "country",
                 "admin1", "location", "latitude", "longitude", "geo_precision", "source", "notes", "fatalities",
                 "status", "incident_id", "allegation_id", "verifiers")
EXPLOSIONS, VAC, STRATEGIC = "Explosions/Remote violence", "Violence against civilians", "Strategic developments"
# words in a weapon's name or category that make an attack an explosive one, and its ACLED sub-type
_EXPLOSIVE_WORDS = (
    ("chemical", "Chemical weapon"), ("chlorine", "Chemical weapon"), ("sarin", "Chemical weapon"),
    ("aircraft", "Air/drone strike"), ("air", "Air/drone strike"), ("drone", "Air/drone strike"),
    ("uav", "Air/drone strike"), ("barrel", "Air/drone strike"), ("bomb", "Air/drone strike"),
    ("mine", "Remote explosive/landmine/IED"), ("ied", "Remote explosive/landmine/IED"),
    ("grenade", "Grenade"), ("shell", "Shelling/artillery/missile attack"),
    ("missile", "Shelling/artillery/missile attack"), ("rocket", "Shelling/artillery/missile attack"),
    ("mortar", "Shelling/artillery/missile attack"), ("artillery", "Shelling/artillery/missile attack"),
    ("cluster", "Shelling/artillery/missile attack"), ("munition", "Shelling/artillery/missile attack"),
    ("explosive", "Shelling/artillery/missile attack"),
)
ACLED_GEO_PRECISION = {"facility": 1, "town": 1, "district": 2, "region": 3, "country": 3}


def explosive_subtype(weapons: list) -> str | None:
    """ACLED's Explosions/Remote violence sub-type suggested by the weapons, or None if none is explosive."""
    for w in weapons:
        words = set(re.findall(r"[a-z]+", " ".join(
            str(w.get(k) or "") for k in ("name", "category", "kb_id")).lower() if isinstance(w, dict) else str(w).lower()))
        for word, sub in _EXPLOSIVE_WORDS:
            if word in words or word + "s" in words:
                return sub
    return None


def acled_type(act: str, weapons: list) -> tuple[str, str]:
    """(event_type, sub_event_type) for one of our acts."""
    event_type, sub = vocabulary.acled(act)
    explosive = explosive_subtype(weapons)
    if act in ("attack_on_civilians", "killing", "use_of_prohibited_weapon") and explosive:
        return EXPLOSIONS, explosive
    if sub == "Shelling/artillery/missile attack" and explosive == "Chemical weapon":
        return EXPLOSIONS, explosive
    return event_type, sub


def acled_date(date_str: str | None, precision: str | None = None) -> tuple[str, int | str]:
    """(event_date, time_precision): 1 day, 2 week or range, 3 month or coarser; partial dates take their first day."""
    if not date_str:
        return "", ""
    parts = date_str.split("-")
    if len(parts) == 3:
        return date_str, 2 if precision == "week" else 1
    return "-".join(parts + ["01"] * (3 - len(parts))), 3


def country_name(code: str | None) -> str:
    """ISO 3166-1 alpha-2 to the country's English name (the code itself when unknown)."""
    if not code:
        return ""
    return (gazetteer.country_name(code) or code) if len(code) == 2 else code


def _fatalities(allegations: list[dict]) -> int:
    """The lowest reported killed figure of the best-documented allegation (ACLED codes conservatively); 0 if none."""
    figures = []
    for a in allegations:
        c = a.get("casualties") or {}
        n = c.get("killed_min") if c.get("killed_min") is not None else c.get("killed_max")
        if isinstance(n, int) and not a.get("denial"):
            figures.append(n)
    return max(figures, default=0)


def acled_rows(ledger: dict) -> list[dict]:
    """One row per incident (an ACLED event); its allegations' ids are joined with ';' in allegation_id.

    The row is typed by the incident's most specific act (ACT_PRIORITY); actor1 is that allegation's
    perpetrator; fatalities is 0 when no figure was reported (as ACLED codes unknown); geo_precision is 2 when
    the place's precision is unknown; allegations outside any incident (threats, plans) get no row."""
    index = LedgerIndex(ledger)
    rows = []
    for inc in ledger.get("incidents") or []:
        algs = index.incident_allegations(inc)
        acts = incident_acts(index, inc) or ["other"]
        primary = next((a for a in algs if a.get("act") == acts[0]), {})
        event_type, sub = acled_type(acts[0], [w for a in algs for w in a.get("weapons") or []])
        date, tp = acled_date(inc.get("date") or primary.get("date"), primary.get("date_precision"))
        place = incident_place(index, inc)
        country = country_name(place.get("country"))
        civilians = event_type == VAC or any(
            (t.get("kind") if isinstance(t, dict) else None) == "civilians" for a in algs for t in a.get("targets") or [])
        docs = index.documents_of(algs)
        verifiers = _verifiers(index.incident_assessments(inc))
        rows.append({
            "event_date": date, "time_precision": tp, "event_type": event_type, "sub_event_type": sub,
            "actor1": primary.get("perpetrator") or (_perpetrators(algs) or [""])[0],
            "actor2": (f"Civilians ({country})" if country else "Civilians") if civilians else "",
            "country": country, "admin1": place.get("admin1") or "", "location": place.get("name") or "",
            "latitude": place.get("lat") if place.get("lat") is not None else "",
            "longitude": place.get("lon") if place.get("lon") is not None else "",
            "geo_precision": ACLED_GEO_PRECISION.get(place.get("precision"), 2) if place.get("lat") is not None else "",
            "source": "; ".join(dict.fromkeys(d.get("outlet") or d.get("title") or f"document {d['id']}" for d in docs)),
            "notes": index.claim_text(primary) if primary else "",
            "fatalities": _fatalities(algs), "status": inc.get("status") or "alleged", "incident_id": inc.get("id"),
            "allegation_id": ";".join(inc.get("allegation_ids") or []),
            "verifiers": "; ".join(f"{v['verifier']}: {v['status']}" for v in verifiers),
        })
    return rows


def to_acled_csv(ledger: dict) -> str:
    """ACLED-style CSV (ACLED_COLUMNS), one row per incident."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=ACLED_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(acled_rows(ledger))
    return buf.getvalue()


# --- GeoJSON ---------------------------------------------------------------------------------------

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


# --- schema.org ClaimReview ------------------------------------------------------------------------

# reviewRating.ratingValue on a 1 (worst: refuted) to 5 (best: corroborated) scale; alternateName carries our status
RATING = {"refuted": 1, "disputed": 2, "insufficient_evidence": 3, "alleged": 3, "partially_corroborated": 4,
          "corroborated": 5}
_ORG_TYPES = {"organisation", "organization", "government", "armed_group", "group"}


def _creative_work(doc: dict | None) -> dict | None:
    if not doc:
        return None
    work = {"@type": "NewsArticle", "headline": doc.get("title"), "url": doc.get("url"),
            "datePublished": doc.get("published")}
    if doc.get("outlet"):
        work["publisher"] = {"@type": "Organization", "name": doc["outlet"]}
    return {k: v for k, v in work.items() if v is not None}


def claim_reviews(ledger: dict) -> list[dict]:
    """One ClaimReview per assessment (an assessed allegation, as rated by one verifier).

    `url`/`datePublished` are those of the article that reports the verifier's finding (we do not hold the
    verifier's own publication); `itemReviewed.appearance` lists the articles carrying the claim."""
    index = LedgerIndex(ledger)
    reviews = []
    for s in ledger.get("assessments") or []:
        alg = index.allegations.get(s.get("allegation_id"), {})
        stmts = index.statements_of(alg)
        speaker = (stmts[0].get("speaker") or {}) if stmts else {}
        claim = {"@type": "Claim", "appearance": [w for w in (_creative_work(d) for d in index.documents_of([alg])) if w]}
        if speaker.get("name"):
            kind = "Organization" if speaker.get("type") in _ORG_TYPES else "Person"
            claim["author"] = {"@type": kind, "name": speaker["name"]}
        if stmts and stmts[0].get("date"):
            claim["datePublished"] = stmts[0]["date"]  # when the claim was made
        claim = {k: v for k, v in claim.items() if v not in (None, [])}
        review_doc = index.docs.get(s.get("document_id"))
        status = s.get("status") or "alleged"
        review = {
            "@context": "https://schema.org", "@type": "ClaimReview",
            "identifier": s.get("id") or f"{s.get('allegation_id')}:{s.get('verifier')}",
            "claimReviewed": index.claim_text(alg) if alg else s.get("allegation_id"),
            "author": {"@type": "Organization", "name": s.get("verifier")},
            "reviewRating": {"@type": "Rating", "ratingValue": RATING.get(status, 3), "worstRating": 1,
                             "bestRating": 5, "alternateName": status},
            "itemReviewed": claim,
        }
        if review_doc:
            review.update({k: v for k, v in (("url", review_doc.get("url")),
                                             ("datePublished", review_doc.get("published"))) if v})
        basis = s.get("basis") or {}
        if basis.get("text"):
            review["reviewBody"] = basis["text"]
        reviews.append(review)
    return reviews


def to_claimreview(ledger: dict) -> str:
    """A JSON array of ClaimReview JSON-LD objects."""
    return json.dumps(claim_reviews(ledger), ensure_ascii=False, indent=1)


# --- Forensic Architecture TimeMap -----------------------------------------------------------------

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


FORMATS = {"json": to_json, "acled-csv": to_acled_csv, "geojson": to_geojson, "claimreview": to_claimreview,
           "timemap": to_timemap}
