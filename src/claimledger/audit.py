"""The append-only, hash-chained audit log, and the hashes of the records it vouches for.

Each entry's hash covers its sequence number, the previous entry's hash, the time, the actor, the
action, the record and the change, so an edited, deleted, inserted or reordered entry breaks the chain
at a place `verify` can name.

The change of every entry that writes records also holds their state: `{"incident:I1": [before, after]}`,
the hash of each record before and after the write (None where absent), taken from the database inside
the writer's transaction. `verify_records` replays those states and compares the last one of every
record with a hash of the record as it is now, so a record edited with plain SQL ("UPDATE incidents SET
status='refuted'") is named, and so is one inserted or deleted outside the log. Every writer of a
covered table opens a `watch` on what it may touch before writing and hands it to `append_event`:

    w = audit.watch(conn, audit.review_records())
    ... UPDATE incidents ...
    audit.append_event(conn, actor, "set_status", "incident", incident_id, {...}, watch=w)

What the chain cannot show on its own (its tail cut off, or the whole chain recomputed) a signed
checkpoint kept outside the database shows: see `checkpoint`.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime, timezone

from sqlalchemy import select, text

from . import db

GENESIS = "0" * 64


def entry_hash(seq: int, prev_hash: str, at: str, actor: str, action: str, record_type: str | None,
               record_id: str | None, change: dict) -> str:
    body = json.dumps([seq, prev_hash, at, actor, action, record_type, record_id, change],
                      sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


# --- record state ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Kind:
    """A covered table: which columns name a record and which make up its hash (an explicit list, so a
    column added later changes no existing hash until it is added here on purpose)."""
    table: object
    key: tuple[str, ...]
    hashed: tuple[str, ...]


_RECORD = ("document_id", "data", "edited", "version")
KINDS: dict[str, Kind] = {
    "document": Kind(db.documents, ("id",), ("external_id", "content_hash", "sha256", "raw", "text", "title", "outlet",
                                             "author", "url", "language", "published", "published_source", "source",
                                             "source_kind", "ingested_at")),
    "statement": Kind(db.statements, ("id",), _RECORD + ("speaker", "cue", "quote", "start", "end")),
    "place": Kind(db.places, ("id",), _RECORD + ("name", "start", "end", "lat", "lon", "precision")),
    "allegation": Kind(db.allegations, ("id",), _RECORD + ("act", "perpetrator", "date", "lat", "lon")),
    "assessment": Kind(db.assessments, ("id",), _RECORD + ("allegation_id", "verifier", "status")),
    # an incident's hash also covers its members (incident_members), see `snapshot`
    "incident": Kind(db.incidents, ("id",), ("data", "status", "status_source", "rationale", "edited", "version")),
    "evidence": Kind(db.evidence, ("sha256",), ("size", "mime", "original_name", "content", "stored_at")),
    "evidence_link": Kind(db.evidence_links, ("record_type", "record_id", "sha256"), ("attached_by", "attached_at")),
    # an analyst's decision: what they asserted (data) and how its latest replay went (state)
    "decision": Kind(db.decisions, ("id",), ("kind", "incident_id", "actor", "at", "data", "state")),
}


@dataclass(frozen=True)
class Scope:
    """Records of one kind, all of them or those matching `where` (a SQLAlchemy condition)."""
    kind: str
    where: object = None


def incident_records(ids: list[str] | None = None) -> list[Scope]:
    """Scopes for the given incidents, or all of them."""
    return [Scope("incident", None if ids is None else db.incidents.c.id.in_(list(ids)))]


def document_records(document_id: int) -> list[Scope]:
    """Scopes for the machine records of one document (statements, places, allegations, assessments)."""
    return [Scope(k, KINDS[k].table.c.document_id == document_id)
            for k in ("statement", "place", "allegation", "assessment")]


def batch_records(document_ids: list[int]) -> list[Scope]:
    """Scopes for the machine records of several documents (a batch stored in one transaction)."""
    ids = list(document_ids)
    return [Scope(k, KINDS[k].table.c.document_id.in_(ids)) for k in ("statement", "place", "allegation", "assessment")]


def evidence_records(sha256: str, record_type: str, record_id: str) -> list[Scope]:
    """Scopes for one stored file and its link to one record."""
    link = db.evidence_links.c
    return [Scope("evidence", db.evidence.c.sha256 == sha256),
            Scope("evidence_link", (link.sha256 == sha256) & (link.record_type == record_type)
                  & (link.record_id == record_id))]


def review_records() -> list[Scope]:
    """Scopes for what a review action may write: every incident, every decision and every file link to an
    incident."""
    return incident_records() + [Scope("decision"),
                                 Scope("evidence_link", db.evidence_links.c.record_type == "incident")]


def everything() -> list[Scope]:
    return [Scope(k) for k in KINDS]


def _plain(value):
    """A column value as JSON the same on every backend: bytes by their SHA-256, times in UTC."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return "sha256:" + hashlib.sha256(bytes(value)).hexdigest()
    if isinstance(value, datetime):
        return (value.astimezone(timezone.utc).replace(tzinfo=None) if value.tzinfo else value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def record_hash(kind: str, values: dict) -> str:
    body = json.dumps([kind, {k: _plain(v) for k, v in values.items()}], sort_keys=True, ensure_ascii=False,
                      separators=(",", ":"), default=str)
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def record_key(kind: str, row) -> str:
    return kind + ":" + ":".join(str(getattr(row, c)) for c in KINDS[kind].key)


def snapshot(conn, scopes: list[Scope]) -> dict[str, str]:
    """{record key: hash} for every record the scopes cover, read in the caller's transaction."""
    state: dict[str, str] = {}
    for scope in scopes:
        kind = KINDS[scope.kind]
        cols = [kind.table.c[c] for c in dict.fromkeys(kind.key + kind.hashed)]
        q = select(*cols) if scope.where is None else select(*cols).where(scope.where)
        members = _members(conn, scope.where) if scope.kind == "incident" else {}
        for r in conn.execute(q.execution_options(yield_per=500)):  # documents can be large: stream them
            values = {c: getattr(r, c) for c in kind.hashed}
            if scope.kind == "incident":
                values["members"] = sorted(members.get(r.id, []))
            state[record_key(scope.kind, r)] = record_hash(scope.kind, values)
    return state


def _members(conn, where) -> dict[str, list[str]]:
    """{incident id: allegation ids} for the incidents matching `where` (all when None)."""
    q = select(db.incident_members.c.incident_id, db.incident_members.c.allegation_id)
    if where is not None:
        q = q.where(db.incident_members.c.incident_id.in_(select(db.incidents.c.id).where(where)))
    out: dict[str, list[str]] = {}
    for iid, aid in conn.execute(q):
        out.setdefault(iid, []).append(aid)
    return out


class Watch:
    """The state of some records before a write; `changes()` after it gives {key: [before, after]} for
    every record the write changed, added (before None) or deleted (after None)."""

    def __init__(self, conn, scopes: list[Scope]):
        _lock(conn)  # before reading: a write committed between this snapshot and ours would look like tampering
        self.conn, self.scopes = conn, list(scopes)
        self.before = snapshot(conn, self.scopes)

    def changes(self) -> dict[str, list]:
        after = snapshot(self.conn, self.scopes)
        return {k: [self.before.get(k), after.get(k)] for k in sorted(self.before.keys() | after.keys())
                if self.before.get(k) != after.get(k)}


def watch(conn, *scope_lists: list[Scope]) -> Watch:
    return Watch(conn, [s for scopes in scope_lists for s in scopes])


def _lock(conn) -> None:
    """Serialise audited writers on PostgreSQL until the transaction ends, so the chain never forks and
    each writer's before-state is the last one logged (SQLite allows one writer at a time anyway)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(727274)"))


# --- the chain --------------------------------------------------------------------------------------------

def append_event(conn, actor: str, action: str, record_type: str | None, record_id: str | None,
                 change: dict, watch: Watch | None = None) -> str:
    """Append one entry inside the caller's transaction; returns its hash. With a `watch`, the entry also
    holds the before/after hash of every record the write changed."""
    _lock(conn)
    if watch is not None:
        state = watch.changes()
        if state:
            change = {**change, "state": state}
    last = conn.execute(select(db.audit_log.c.seq, db.audit_log.c.hash)
                        .order_by(db.audit_log.c.seq.desc()).limit(1)).first()
    seq, prev = (last.seq + 1, last.hash) if last else (1, GENESIS)
    at = db.utcnow().isoformat()
    change = json.loads(json.dumps(change, default=str))  # what is hashed is what is stored
    h = entry_hash(seq, prev, at, actor, action, record_type, record_id, change)
    conn.execute(db.audit_log.insert(), dict(seq=seq, at=at, actor=actor, action=action, record_type=record_type,
                                             record_id=record_id, change=change, prev_hash=prev, hash=h))
    return h


@dataclass
class Problem:
    seq: int
    reason: str
    record: str | None = None  # "incident:I1" when the problem is a record's, not the chain's


def head(conn) -> tuple[int, int, str]:
    """(entries, last sequence number, last hash) of the log; (0, 0, GENESIS) when it is empty."""
    from sqlalchemy import func

    n = conn.execute(select(func.count()).select_from(db.audit_log)).scalar() or 0
    last = conn.execute(select(db.audit_log.c.seq, db.audit_log.c.hash).order_by(db.audit_log.c.seq.desc())
                        .limit(1)).first()
    return (n, last.seq, last.hash) if last else (0, 0, GENESIS)


def verify(conn) -> list[Problem]:
    """Every break in the chain: an entry whose content no longer matches its hash (edited), whose
    previous hash is not its predecessor's (deleted, inserted or reordered), or a gap in the sequence."""
    problems: list[Problem] = []
    prev, expected_seq = GENESIS, 1
    for row in conn.execute(select(db.audit_log).order_by(db.audit_log.c.seq)):
        if row.seq != expected_seq:
            problems.append(Problem(row.seq, f"sequence jumps from {expected_seq - 1} to {row.seq}: "
                                             f"entries deleted or renumbered"))
        if row.prev_hash != prev:
            problems.append(Problem(row.seq, "previous-hash link broken: an entry before it was deleted, "
                                             "inserted or reordered"))
        if entry_hash(row.seq, row.prev_hash, row.at, row.actor, row.action, row.record_type, row.record_id,
                      row.change) != row.hash:
            problems.append(Problem(row.seq, "content does not match its hash: the entry was edited"))
        prev, expected_seq = row.hash, row.seq + 1
    return problems


def _states(change) -> dict:
    state = change.get("state") if isinstance(change, dict) else None
    return state if isinstance(state, dict) else {}


def logged_state(conn, problems: list[Problem] | None = None) -> dict[str, tuple[str | None, int]]:
    """{record key: (hash, seq)}: each record's state after the last entry that wrote it. Where an entry's
    `before` is not the state the log last gave the record, the record was changed outside the log
    before that entry: a Problem is added to `problems`."""
    logged: dict[str, tuple[str | None, int]] = {}
    for row in conn.execute(select(db.audit_log.c.seq, db.audit_log.c.change).order_by(db.audit_log.c.seq)):
        for key, pair in _states(row.change).items():
            before, after = (pair + [None, None])[:2] if isinstance(pair, list) else (None, None)
            prior, prior_seq = logged.get(key, (None, None))
            if prior != before and problems is not None:
                where = f"its state after entry {prior_seq}" if prior_seq else "no earlier entry"
                problems.append(Problem(row.seq, f"{describe(key)} was changed outside the audit log before this "
                                                 f"entry (what it found does not match {where})", key))
            logged[key] = (after, row.seq)
    return logged


def describe(key: str) -> str:
    kind, _, ident = key.partition(":")
    return f"{kind.replace('_', ' ')} {ident}"


def verify_records(conn) -> list[Problem]:
    """Every record whose current state is not the one the log last recorded: edited, inserted or
    deleted outside the log (plain SQL, another tool), named by kind and id."""
    problems: list[Problem] = []
    logged = logged_state(conn, problems)
    current = snapshot(conn, everything())
    for key in sorted(current.keys() | logged.keys()):
        have, (want, seq) = current.get(key), logged.get(key, (None, 0))
        if have == want:
            continue
        if seq == 0:
            reason = (f"{describe(key)} is not in the audit log: it was written outside it, or the entry "
                      f"that wrote it was removed")
        elif have is None:
            reason = f"{describe(key)} was deleted outside the audit log (last written by entry {seq})"
        else:
            reason = f"{describe(key)} differs from its state after entry {seq}: it was changed outside the audit log"
        problems.append(Problem(seq, reason, key))
    return problems


def baseline(conn, actor: str) -> int:
    """Log the state of every record no entry has ever recorded (a ledger made before records were
    hashed, or a kind of record newly covered); the number logged. A record the log already knows is
    never re-logged, so a baseline cannot vouch for an edit made outside the log."""
    known = logged_state(conn)
    state = {k: [None, h] for k, h in sorted(snapshot(conn, everything()).items()) if k not in known}
    if state:
        append_event(conn, actor, "baseline", None, None, {"records": len(state), "state": state})
    return len(state)
