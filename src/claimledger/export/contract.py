"""The ledger-json contract (`claimledger/ledger@1`, see the README): the whole ledger as one dict, from which
every other format is derived."""
from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.engine import Engine

from .. import db, review
from ..models import natural_key

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
        decisions = review.decision_records(conn)
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
            "incidents": incidents, "places": records["places"], "decisions": decisions}



def to_json(ledger: dict, **_) -> str:
    """The ledger-json contract itself."""
    return json.dumps(ledger, ensure_ascii=False, indent=1)


