"""Analyst review of incidents: merge, split, status and evidence, every change written to the audit log
in the same transaction as the change itself."""
from __future__ import annotations

import hashlib
import mimetypes
from pathlib import Path

from .models import STATUSES, Assessment, natural_key

# --- analyst review -----------------------------------------------------------------------------------------
# Each function works inside the caller's transaction (`with engine.begin() as conn`), checks its input
# before writing anything, bumps the row's `version` only if it still has the version the analyst saw,
# and appends one audit event, so a change and its audit entry commit or roll back together.

RECORD_TABLES = ("incident", "allegation", "assessment", "statement")
MAX_EVIDENCE_BYTES = 200 * 1024 * 1024


class ReviewError(ValueError):
    """Bad input for a review action (unknown id, bad status, missing rationale, unreadable file)."""


class StaleVersion(ReviewError):
    """The record changed since the analyst read it: their update would overwrite someone else's."""


def _rationale(text: str | None) -> str:
    if not text or not text.strip():
        raise ReviewError("a rationale is required: say why (it is kept in the audit log)")
    return text.strip()


def _incident_row(conn, incident_id: str):
    from sqlalchemy import select

    from . import db

    row = conn.execute(select(db.incidents).where(db.incidents.c.id == incident_id)).first()
    if row is None:
        raise ReviewError(f"no incident with id {incident_id!r}")
    return row


def _members(conn, incident_id: str) -> list[str]:
    from sqlalchemy import select

    from . import db

    ids = conn.execute(select(db.incident_members.c.allegation_id)
                       .where(db.incident_members.c.incident_id == incident_id)).scalars()
    return sorted(ids, key=natural_key)


def _write_incident(conn, row, expected: int | None, **values) -> int:
    """Update one incident if its version is still `expected` (or the one just read); the new version."""
    from sqlalchemy import update

    from . import db

    expected = row.version if expected is None else expected
    if expected != row.version:
        raise StaleVersion(f"incident {row.id} is at version {row.version}, you edited version {expected}: "
                           f"someone else changed it; reload (claimledger review show {row.id}) and retry")
    res = conn.execute(update(db.incidents).where(db.incidents.c.id == row.id, db.incidents.c.version == expected)
                       .values(version=expected + 1, edited=True, updated_at=db.utcnow(), **values))
    if res.rowcount != 1:
        raise StaleVersion(f"incident {row.id} was changed by someone else after version {expected}; reload and retry")
    return expected + 1


def _derived(conn, allegation_ids: list[str]) -> tuple[str, list[str]]:
    from sqlalchemy import select

    from . import db
    from .incidents import derive_status
    from .models import from_dict

    rows = conn.execute(select(db.assessments.c.data).where(db.assessments.c.allegation_id.in_(allegation_ids))).scalars()
    return derive_status([from_dict(Assessment, r) for r in rows])


def _with_members(row, members: list[str], note: str, derive_from=None) -> dict:
    """New values for an incident row holding `members`; a derived status is recomputed, an analyst's kept."""
    data = dict(row.data or {})
    data["allegation_ids"] = members
    data["reasoning"] = list(data.get("reasoning") or []) + [note]
    values = {"data": data}
    if row.status_source != "analyst" and derive_from is not None:
        status, reasoning = derive_from
        data["status"], values["status"] = status, status
        data["reasoning"] = reasoning + [note]
    return values


def needs_review(conn, include_all: bool = False) -> list[dict]:
    """Incidents an analyst should look at, with why: disputed findings, a single source, no verifier
    yet, a status nobody has reviewed."""
    from sqlalchemy import select

    from . import db

    out = []
    for row in conn.execute(select(db.incidents)):
        data = row.data or {}
        reasons = []
        if row.status == "disputed":
            reasons.append("verifiers disagree")
        if len(data.get("sources") or []) <= 1:
            reasons.append("single source")
        if row.status == "alleged":
            reasons.append("no independent assessment")
        if row.status_source != "analyst":
            reasons.append("status not reviewed")
        if reasons or include_all:
            out.append({"id": row.id, "status": row.status, "status_source": row.status_source,
                        "version": row.version, "edited": row.edited, "allegation_ids": _members(conn, row.id),
                        "place": (data.get("place") or {}).get("name"), "date": data.get("date"), "reasons": reasons})
    return sorted(out, key=lambda r: natural_key(r["id"]))


def show(conn, incident_id: str) -> dict:
    """One incident with its members, reasoning, rationale and evidence."""
    from sqlalchemy import select

    from . import db

    row = _incident_row(conn, incident_id)
    ev = conn.execute(select(db.evidence.c.sha256, db.evidence.c.original_name, db.evidence.c.mime, db.evidence.c.size)
                      .join(db.evidence_links, db.evidence_links.c.sha256 == db.evidence.c.sha256)
                      .where(db.evidence_links.c.record_type == "incident", db.evidence_links.c.record_id == incident_id))
    return {**(row.data or {}), "id": row.id, "status": row.status, "status_source": row.status_source,
            "rationale": row.rationale, "version": row.version, "edited": row.edited,
            "allegation_ids": _members(conn, incident_id), "evidence": [dict(r._mapping) for r in ev]}


def set_status(conn, incident_id: str, status: str, rationale: str | None, actor: str,
               expected_version: int | None = None) -> int:
    """An analyst's status for an incident, with a mandatory rationale; returns the new version."""
    from .audit import append_event

    if status not in STATUSES:
        raise ReviewError(f"unknown status {status!r}; use one of: {', '.join(STATUSES)}")
    why = _rationale(rationale)
    row = _incident_row(conn, incident_id)
    data = dict(row.data or {}, status=status)
    version = _write_incident(conn, row, expected_version, status=status, status_source="analyst", rationale=why,
                              data=data)
    append_event(conn, actor, "set_status", "incident", incident_id,
                 {"from": row.status, "to": status, "rationale": why, "version": version})
    return version


def merge(conn, target_id: str, source_ids: list[str], rationale: str | None, actor: str,
          expected_version: int | None = None) -> int:
    """Fold other incidents into `target_id` (their allegations move, they are deleted); new version."""
    from sqlalchemy import delete

    from . import db
    from .audit import append_event

    why = _rationale(rationale)
    sources = [s for s in dict.fromkeys(source_ids) if s != target_id]
    if not sources:
        raise ReviewError("name at least one other incident to merge into the target")
    row = _incident_row(conn, target_id)
    for s in sources:
        _incident_row(conn, s)
    moved = {s: _members(conn, s) for s in sources}
    members = sorted(set(_members(conn, target_id)).union(*moved.values()), key=natural_key)
    values = _with_members(row, members, f"merged {', '.join(sources)} into {target_id}: {why}",
                           _derived(conn, members))
    version = _write_incident(conn, row, expected_version, rationale=why, **values)
    conn.execute(delete(db.incident_members).where(db.incident_members.c.incident_id.in_(sources)))
    conn.execute(delete(db.incidents).where(db.incidents.c.id.in_(sources)))
    have = set(_members(conn, target_id))
    add = [a for a in members if a not in have]
    if add:
        conn.execute(db.incident_members.insert(), [dict(incident_id=target_id, allegation_id=a) for a in add])
    append_event(conn, actor, "merge", "incident", target_id,
                 {"merged": sources, "moved_allegations": moved, "rationale": why, "version": version})
    return version


def split(conn, incident_id: str, allegation_ids: list[str], rationale: str | None, actor: str,
          expected_version: int | None = None) -> str:
    """Move allegations out of an incident into a new one (id "R.<smallest moved id>"); its id."""
    from sqlalchemy import delete, select

    from . import db
    from .audit import append_event

    why = _rationale(rationale)
    row = _incident_row(conn, incident_id)
    members = _members(conn, incident_id)
    moving = sorted(dict.fromkeys(allegation_ids), key=natural_key)
    unknown = [a for a in moving if a not in members]
    if not moving or unknown:
        raise ReviewError(f"incident {incident_id} holds {', '.join(members)}; cannot move {', '.join(unknown) or 'nothing'}")
    if len(moving) == len(members):
        raise ReviewError("a split must leave at least one allegation in the incident")
    staying = [a for a in members if a not in moving]
    new_id, n = f"R.{moving[0]}", 2
    while conn.execute(select(db.incidents.c.id).where(db.incidents.c.id == new_id)).first():
        new_id, n = f"R.{moving[0]}.{n}", n + 1
    values = _with_members(row, staying, f"split {', '.join(moving)} out into {new_id}: {why}", _derived(conn, staying))
    version = _write_incident(conn, row, expected_version, **values)
    conn.execute(delete(db.incident_members).where(db.incident_members.c.incident_id == incident_id,
                                                   db.incident_members.c.allegation_id.in_(moving)))
    status, reasoning = _derived(conn, moving)
    data = {**(row.data or {}), "id": new_id, "allegation_ids": moving, "status": status,
            "reasoning": reasoning + [f"split from {incident_id} by {actor}: {why}"]}
    conn.execute(db.incidents.insert().values(id=new_id, data=data, status=status, status_source="derived",
                                              rationale=why, edited=True, version=1))
    conn.execute(db.incident_members.insert(), [dict(incident_id=new_id, allegation_id=a) for a in moving])
    append_event(conn, actor, "split", "incident", incident_id,
                 {"moved": moving, "new_incident": new_id, "rationale": why, "version": version})
    return new_id


def _record_exists(conn, record_type: str, record_id: str) -> bool:
    from sqlalchemy import select

    from . import db

    table = {"incident": db.incidents, "allegation": db.allegations, "assessment": db.assessments,
             "statement": db.statements}.get(record_type)
    if table is None:
        raise ReviewError(f"evidence attaches to one of: {', '.join(RECORD_TABLES)}; not {record_type!r}")
    return conn.execute(select(table.c.id).where(table.c.id == record_id)).first() is not None


def attach_evidence(conn, path: str | Path, record_type: str, record_id: str, actor: str,
                    max_bytes: int = MAX_EVIDENCE_BYTES) -> str:
    """Store a file once by its SHA-256 (size, MIME type, original name) and link it to a record; the hash.
    A file past `max_bytes` (a device such as /dev/zero included) is refused without reading it all."""
    from sqlalchemy import select

    from . import db
    from .audit import append_event

    if not _record_exists(conn, record_type, record_id):
        raise ReviewError(f"no {record_type} with id {record_id!r}")
    p = Path(path)
    from .ingest import TooLarge, read_file_limited

    try:
        content = read_file_limited(p, max_bytes)
    except TooLarge:
        raise ReviewError(f"evidence file {str(p)!r} is larger than {max_bytes} bytes "
                          f"(raise the limit with --max-bytes)") from None
    except OSError as exc:
        raise ReviewError(f"cannot read evidence file {str(p)!r}: {exc.strerror or exc}") from None
    digest = hashlib.sha256(content).hexdigest()
    mime = mimetypes.guess_type(p.name)[0] or "application/octet-stream"
    new_file = conn.execute(select(db.evidence.c.sha256).where(db.evidence.c.sha256 == digest)).first() is None
    if new_file:
        conn.execute(db.evidence.insert().values(sha256=digest, size=len(content), mime=mime, original_name=p.name,
                                                 content=content))
    linked = conn.execute(select(db.evidence_links.c.id).where(
        db.evidence_links.c.sha256 == digest, db.evidence_links.c.record_type == record_type,
        db.evidence_links.c.record_id == record_id)).first() is not None
    if not linked:
        conn.execute(db.evidence_links.insert().values(sha256=digest, record_type=record_type, record_id=record_id,
                                                       attached_by=actor))
    append_event(conn, actor, "attach_evidence", record_type, record_id,
                 {"sha256": digest, "size": len(content), "mime": mime, "original_name": p.name,
                  "stored": new_file, "already_linked": linked})
    return digest
