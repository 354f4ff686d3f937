"""Analyst review of incidents: merge, split, status and evidence, every change written to the audit log
in the same transaction as the change itself.

Each action is stored as a decision about allegations (see `decisions`), so re-clustering replays it
instead of overwriting it."""
from __future__ import annotations

import hashlib
import json
import mimetypes
from pathlib import Path

from .models import STATUSES, Assessment, Decision, Incident, as_dict, from_dict, natural_key

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


# --- decisions in the database ---------------------------------------------------------------------
# An action records a decision, then applies it with the code every re-clustering replays it with
# (`decisions.apply`), to the incidents it names only; `write_incidents` stores what changed.

_STATE = ("applied_to", "changes", "settled_by")


def load_decisions(conn, ids=None) -> list[Decision]:
    """Stored decisions (all, or these ids), oldest first, with their latest replay state."""
    from sqlalchemy import select

    from . import db

    q = select(db.decisions).order_by(db.decisions.c.id)
    if ids is not None:
        q = q.where(db.decisions.c.id.in_(list(ids)))
    return [from_dict(Decision, {**r.data, **(r.state or {}), "id": r.id}) for r in conn.execute(q)]


def _state_of(d: Decision) -> dict:
    return {k: getattr(d, k) for k in _STATE}


def _record_decision(conn, d: Decision) -> int:
    from . import db

    d.at = db.utcnow().isoformat()
    data = {k: v for k, v in as_dict(d).items() if k not in (*_STATE, "id")}
    d.id = conn.execute(db.decisions.insert().values(kind=d.kind, incident_id=d.incident_id, actor=d.actor, at=d.at,
                                                     data=data, state={})).inserted_primary_key[0]
    return d.id


def save_decision_states(conn, ds: list[Decision], before: dict[int, dict] | None = None) -> None:
    """Write each decision's replay state (where it applied, what changed), where it differs from `before`."""
    from sqlalchemy import update

    from . import db

    for d in {id(d): d for d in ds}.values():
        state = json.loads(json.dumps(_state_of(d)))
        if before is None or before.get(d.id) != state:
            conn.execute(update(db.decisions).where(db.decisions.c.id == d.id).values(state=state))


def _incident_from_row(row, members: list[str]) -> Incident:
    inc = from_dict(Incident, {**(row.data or {}), "id": row.id})
    inc.allegation_ids = members
    inc.status, inc.status_source, inc.rationale = row.status, row.status_source, row.rationale
    return inc


def deriver(conn):
    """members -> (derived status, reasoning), from the stored assessments of those allegations."""
    from sqlalchemy import select

    from . import db
    from .incidents import is_counter_claim, member_status
    from .models import Allegation

    def derive(ids: list[str]) -> tuple[str, list[str]]:
        by_alg: dict[str, list[Assessment]] = {}
        for r in conn.execute(select(db.assessments.c.data).where(db.assessments.c.allegation_id.in_(ids))).scalars():
            a = from_dict(Assessment, r)
            by_alg.setdefault(a.allegation_id, []).append(a)
        counters = {a.id for a in (from_dict(Allegation, r) for r in conn.execute(
            select(db.allegations.c.data).where(db.allegations.c.id.in_(ids))).scalars()) if is_counter_claim(a)}
        return member_status(ids, by_alg, counters)
    return derive


def stored_incidents(conn, incident_ids=None) -> tuple[dict, dict[str, list[str]]]:
    """The stored incident rows (these ids, or all) by id, and their members."""
    from sqlalchemy import select

    from . import db

    q, mq = select(db.incidents), select(db.incident_members)
    if incident_ids is not None:
        q = q.where(db.incidents.c.id.in_(list(incident_ids)))
        mq = mq.where(db.incident_members.c.incident_id.in_(list(incident_ids)))
    rows = {r.id: r for r in conn.execute(q)}
    held: dict[str, list[str]] = {}
    for r in conn.execute(mq):
        held.setdefault(r.incident_id, []).append(r.allegation_id)
    return rows, {i: sorted(m, key=natural_key) for i, m in held.items()}


def load_state(conn, incident_ids: list[str], derive):
    """A `decisions.State` over these stored incidents, with their evidence and the decisions applied to
    them; also their rows and members as stored."""
    from sqlalchemy import select

    from . import db
    from .decisions import State

    before, members = stored_incidents(conn, incident_ids)
    incs = {i: _incident_from_row(r, members.get(i, [])) for i, r in before.items()}
    taken = set(conn.execute(select(db.incidents.c.id)).scalars()) - set(incs)
    st = State(incs, set(), derive, taken=taken)
    ids = {x["id"] for inc in incs.values() for x in inc.decisions}
    by_id = {d.id: d for d in load_decisions(conn, ids)} if ids else {}
    for inc in incs.values():
        st.applied[inc.id] = [by_id[x["id"]] for x in inc.decisions if x["id"] in by_id]
    for r in conn.execute(select(db.evidence_links.c.record_id, db.evidence_links.c.sha256,
                                 db.evidence_links.c.attached_by)
                          .where(db.evidence_links.c.record_type == "incident",
                                 db.evidence_links.c.record_id.in_(list(incs)))):
        st.evidence.setdefault(r.record_id, {})[r.sha256] = r.attached_by or ""
    return st, before, members


def write_incidents(conn, st, before: dict, before_members: dict[str, list[str]]) -> dict[str, int]:
    """Store the incidents of `st` over the `before` rows: new ones inserted, changed ones at a new version,
    vanished ones deleted, members and incident evidence links brought in line. Returns id -> version."""
    from sqlalchemy import delete, select, update

    from . import db
    from .decisions import render

    after = {i.id: i for i in render(st)}
    gone = [i for i in before if i not in after]
    if gone:
        conn.execute(delete(db.incident_members).where(db.incident_members.c.incident_id.in_(gone)))
        conn.execute(delete(db.incidents).where(db.incidents.c.id.in_(gone)))
    versions, new_rows, new_members = {}, [], []
    for iid, inc in after.items():
        data = json.loads(json.dumps(as_dict(inc)))
        values = dict(data=data, status=inc.status, status_source=inc.status_source, rationale=inc.rationale,
                      edited=bool(inc.decisions))
        old = before.get(iid)
        if old is None:
            new_rows.append(dict(id=iid, version=1, updated_at=db.utcnow(), **values))
            versions[iid] = 1
        elif (json.dumps(old.data, sort_keys=True), old.status, old.status_source, old.rationale, old.edited) != \
                (json.dumps(data, sort_keys=True), inc.status, inc.status_source, inc.rationale, bool(inc.decisions)):
            conn.execute(update(db.incidents).where(db.incidents.c.id == iid)
                         .values(version=old.version + 1, updated_at=db.utcnow(), **values))
            versions[iid] = old.version + 1
        else:
            versions[iid] = old.version
        if before_members.get(iid) != inc.allegation_ids:
            if iid in before_members:
                conn.execute(delete(db.incident_members).where(db.incident_members.c.incident_id == iid))
            new_members += [dict(incident_id=iid, allegation_id=a) for a in inc.allegation_ids]
    if new_rows:
        conn.execute(db.incidents.insert(), new_rows)
    if new_members:
        conn.execute(db.incident_members.insert(), new_members)
    ids = list(set(before) | set(after))
    have = {(r.sha256, r.record_id): r.id for r in conn.execute(
        select(db.evidence_links.c.id, db.evidence_links.c.sha256, db.evidence_links.c.record_id)
        .where(db.evidence_links.c.record_type == "incident", db.evidence_links.c.record_id.in_(ids)))}
    want = {(sha, iid): who for iid, files in st.evidence.items() if iid in after for sha, who in files.items()}
    stale = [i for k, i in have.items() if k not in want]
    if stale:
        conn.execute(delete(db.evidence_links).where(db.evidence_links.c.id.in_(stale)))
    for (sha, iid), who in want.items():
        if (sha, iid) not in have:
            conn.execute(db.evidence_links.insert().values(sha256=sha, record_type="incident", record_id=iid,
                                                           attached_by=who))
    return versions


def _decide(conn, d: Decision, incident_ids: list[str], expected: int | None):
    """Record a decision and apply it to the incidents it names (the first is the one the analyst
    reviewed at version `expected`); the incidents' new versions, and the state it left."""
    from .decisions import apply

    st, before, before_members = load_state(conn, incident_ids, deriver(conn))
    row = before[incident_ids[0]]
    if expected is not None and expected != row.version:
        raise StaleVersion(f"incident {row.id} is at version {row.version}, you edited version {expected}: "
                           f"someone else changed it; reload (claimledger review show {row.id}) and retry")
    _record_decision(conn, d)
    apply(st, d)
    versions = write_incidents(conn, st, before, before_members)
    save_decision_states(conn, [x for ds in st.applied.values() for x in ds] + [d])
    return versions, st


def needs_review(conn, include_all: bool = False) -> list[dict]:
    """Incidents an analyst should look at, with why: a decision to re-review, disputed findings, a single
    source, no verifier yet, a status nobody has reviewed; and decisions that apply to no incident now."""
    from sqlalchemy import select

    from . import db

    out = []
    for row in conn.execute(select(db.incidents)):
        data = row.data or {}
        reasons = [f"re-review {r}" for r in data.get("needs_review") or []]
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
    for d in unapplied(conn):
        out.append({"id": f"decision {d['id']}", "status": d.get("status") or "", "status_source": "analyst",
                    "version": 0, "edited": True, "allegation_ids": sorted({a for g in d["seen"] for a in g},
                                                                           key=natural_key),
                    "place": None, "date": None,
                    "reasons": [f"re-review decision {d['id']} ({d['kind']} by {d['actor']} on {d['incident_id']}): "
                                f"{c}" for c in d["needs_review"]]})
    return sorted(out, key=lambda r: natural_key(r["id"]))


def decision_records(conn) -> list[dict]:
    """Every decision as JSON: what was asserted, its rationale, where it applies now, what needs re-review."""
    out = []
    for d in load_decisions(conn):
        rec = {k: v for k, v in as_dict(d).items() if v not in (None, [], "") or k in ("rationale", "applied_to")}
        rec.pop("changes", None)
        rec["needs_review"] = d.changes if d.needs_review else []
        out.append(rec)
    return out


def unapplied(conn) -> list[dict]:
    """Decisions that apply to no incident now and need re-review (kept, never dropped)."""
    return [d for d in decision_records(conn) if not d["applied_to"] and d["needs_review"]]


def show(conn, incident_id: str) -> dict:
    """One incident with its members, reasoning, decisions (each with its rationale) and evidence."""
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
    from . import db
    from .audit import append_event, review_records, watch

    if status not in STATUSES:
        raise ReviewError(f"unknown status {status!r}; use one of: {', '.join(STATUSES)}")
    why = _rationale(rationale)
    db.lock_incidents(conn)
    w = watch(conn, review_records())
    row = _incident_row(conn, incident_id)
    members = _members(conn, incident_id)
    d = Decision("status", [members], why, actor, status=status, derived=deriver(conn)(members)[0],
                 incident_id=incident_id)
    version = _decide(conn, d, [incident_id], expected_version)[0][incident_id]
    append_event(conn, actor, "set_status", "incident", incident_id,
                 {"from": row.status, "to": status, "rationale": why, "version": version, "decision": d.id}, watch=w)
    return version


def merge(conn, target_id: str, source_ids: list[str], rationale: str | None, actor: str,
          expected_version: int | None = None) -> int:
    """Fold other incidents into `target_id` (their allegations move, they are deleted); new version."""
    from . import db
    from .audit import append_event, review_records, watch

    why = _rationale(rationale)
    sources = [s for s in dict.fromkeys(source_ids) if s != target_id]
    if not sources:
        raise ReviewError("name at least one other incident to merge into the target")
    db.lock_incidents(conn)
    w = watch(conn, review_records())
    for i in (target_id, *sources):
        _incident_row(conn, i)
    moved = {s: _members(conn, s) for s in sources}
    d = Decision("merge", [_members(conn, target_id), *moved.values()], why, actor, incident_id=target_id)
    version = _decide(conn, d, [target_id, *sources], expected_version)[0][target_id]
    append_event(conn, actor, "merge", "incident", target_id,
                 {"merged": sources, "moved_allegations": moved, "rationale": why, "version": version,
                  "decision": d.id}, watch=w)
    return version


def split(conn, incident_id: str, allegation_ids: list[str], rationale: str | None, actor: str,
          expected_version: int | None = None) -> str:
    """Move allegations out of an incident into a new one (id "R.<smallest moved id>"); its id."""
    from . import db
    from .audit import append_event, review_records, watch

    why = _rationale(rationale)
    db.lock_incidents(conn)
    w = watch(conn, review_records())
    _incident_row(conn, incident_id)
    members = _members(conn, incident_id)
    moving = sorted(dict.fromkeys(allegation_ids), key=natural_key)
    unknown = [a for a in moving if a not in members]
    if not moving or unknown:
        raise ReviewError(f"incident {incident_id} holds {', '.join(members)}; cannot move {', '.join(unknown) or 'nothing'}")
    if len(moving) == len(members):
        raise ReviewError("a split must leave at least one allegation in the incident")
    d = Decision("split", [members], why, actor, moved=moving, incident_id=incident_id)
    versions, st = _decide(conn, d, [incident_id], expected_version)
    new_id = st.where[moving[0]]
    append_event(conn, actor, "split", "incident", incident_id,
                 {"moved": moving, "new_incident": new_id, "rationale": why, "version": versions[incident_id],
                  "decision": d.id}, watch=w)
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
                    rationale: str | None = None, max_bytes: int = MAX_EVIDENCE_BYTES) -> str:
    """Store a file once by its SHA-256 (size, MIME type, original name) and link it to a record; the hash.
    A file past `max_bytes` (a device such as /dev/zero included) is refused without reading it all.

    The link is a decision too: evidence on an incident follows its allegations through re-clustering."""
    from sqlalchemy import select

    from . import db
    from .audit import append_event, evidence_records, review_records, watch

    db.lock_incidents(conn)
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
    w = watch(conn, evidence_records(digest, record_type, record_id), review_records())
    new_file = conn.execute(select(db.evidence.c.sha256).where(db.evidence.c.sha256 == digest)).first() is None
    if new_file:
        conn.execute(db.evidence.insert().values(sha256=digest, size=len(content), mime=mime, original_name=p.name,
                                                 content=content))
    linked = conn.execute(select(db.evidence_links.c.id).where(
        db.evidence_links.c.sha256 == digest, db.evidence_links.c.record_type == record_type,
        db.evidence_links.c.record_id == record_id)).first() is not None
    if not linked:
        d = Decision("evidence", [], (rationale or "").strip(), actor, sha256=digest, record_type=record_type,
                     record_id=record_id, incident_id=record_id if record_type == "incident" else None)
        if record_type == "incident":
            d.seen = [_members(conn, record_id)]
            _decide(conn, d, [record_id], None)
        else:
            conn.execute(db.evidence_links.insert().values(sha256=digest, record_type=record_type,
                                                           record_id=record_id, attached_by=actor))
            _record_decision(conn, d)
            d.applied_to = [record_id]
            save_decision_states(conn, [d])
    append_event(conn, actor, "attach_evidence", record_type, record_id,
                 {"sha256": digest, "size": len(content), "mime": mime, "original_name": p.name,
                  "stored": new_file, "already_linked": linked}, watch=w)
    return digest
