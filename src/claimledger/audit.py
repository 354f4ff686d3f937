"""The append-only, hash-chained audit log.

Each entry's hash covers its sequence number, the previous entry's hash, the time, the actor, the
action, the record and the change, so an edited, deleted, inserted or reordered entry breaks the chain
at a place `verify` can name.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from sqlalchemy import select, text

from . import db

GENESIS = "0" * 64


def entry_hash(seq: int, prev_hash: str, at: str, actor: str, action: str, record_type: str | None,
               record_id: str | None, change: dict) -> str:
    body = json.dumps([seq, prev_hash, at, actor, action, record_type, record_id, change],
                      sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def append_event(conn, actor: str, action: str, record_type: str | None, record_id: str | None,
                 change: dict) -> str:
    """Append one entry inside the caller's transaction; returns its hash."""
    if conn.dialect.name == "postgresql":  # serialise appenders so the chain never forks
        conn.execute(text("SELECT pg_advisory_xact_lock(727274)"))
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
