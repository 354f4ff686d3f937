"""Every SQL statement of the workspace, in one module (to move into a store layer later). Writes to the
ledger itself go through `claimledger.review`; this module writes only accounts and sessions."""
from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import Text, and_, cast, delete, func, or_, select, text, update

from .. import audit, db
from ..models import natural_key
from .auth import AccountError, User, check_account, hash_password, new_token, token_hash

# --- users and sessions -----------------------------------------------------------------------------------


# Account changes are written to the audit log (who gave whom which role), never the password or its hash.

def add_user(conn, name: str, role: str, password: str, actor: str = "claimledger") -> int:
    check_account(name, role, password)
    if conn.execute(select(db.users.c.id).where(db.users.c.name == name)).first():
        raise AccountError(f"user {name!r} exists already")
    uid = conn.execute(db.users.insert().values(name=name, role=role, password_hash=hash_password(password),
                                                disabled=False)).inserted_primary_key[0]
    audit.append_event(conn, actor, "add_user", "user", name, {"role": role})
    return uid


def set_role(conn, name: str, role: str, actor: str = "claimledger") -> None:
    check_account(name, role)
    before = conn.execute(select(db.users.c.role).where(db.users.c.name == name)).scalar()
    if conn.execute(update(db.users).where(db.users.c.name == name).values(role=role)).rowcount != 1:
        raise AccountError(f"no user {name!r}")
    audit.append_event(conn, actor, "set_role", "user", name, {"from": before, "to": role})
    # a changed role takes effect at once: the user's open sessions end
    uid = select(db.users.c.id).where(db.users.c.name == name).scalar_subquery()
    conn.execute(delete(db.sessions).where(db.sessions.c.user_id == uid))


def set_disabled(conn, name: str, disabled: bool, actor: str = "claimledger") -> None:
    """Disable (or enable again) an account; a disabled one cannot log in and its sessions end at once."""
    if conn.execute(update(db.users).where(db.users.c.name == name).values(disabled=disabled)).rowcount != 1:
        raise AccountError(f"no user {name!r}")
    audit.append_event(conn, actor, "disable_user" if disabled else "enable_user", "user", name, {})
    uid = select(db.users.c.id).where(db.users.c.name == name).scalar_subquery()
    conn.execute(delete(db.sessions).where(db.sessions.c.user_id == uid))


def list_users(conn) -> list[dict]:
    q = select(db.users.c.name, db.users.c.role, db.users.c.disabled, db.users.c.created_at).order_by(db.users.c.name)
    return [dict(r._mapping) for r in conn.execute(q)]


def count_users(conn) -> int:
    return conn.execute(select(func.count()).select_from(db.users)).scalar() or 0


def password_hash(conn, name: str):
    """(User, stored hash) of an enabled account, or (None, None)."""
    r = conn.execute(select(db.users).where(db.users.c.name == name, db.users.c.disabled.is_(False))).first()
    return (User(r.id, r.name, r.role), r.password_hash) if r else (None, None)


def open_session(conn, user: User, hours: float) -> tuple[str, str]:
    """A new session for `user`: (cookie token, CSRF token). Expired sessions are swept on the way."""
    now = int(time.time())
    conn.execute(delete(db.sessions).where(db.sessions.c.expires_at <= now))
    token, csrf = new_token(), new_token()
    conn.execute(db.sessions.insert().values(token_hash=token_hash(token), user_id=user.id, csrf_token=csrf,
                                             created_at=now, expires_at=now + int(hours * 3600)))
    return token, csrf


def session_user(conn, token: str | None) -> tuple[User, str] | None:
    """(user, CSRF token) of a live session of an enabled account, else None."""
    if not token:
        return None
    s, u = db.sessions.c, db.users.c
    r = conn.execute(select(u.id, u.name, u.role, s.csrf_token).join_from(db.sessions, db.users, s.user_id == u.id)
                     .where(s.token_hash == token_hash(token), s.expires_at > int(time.time()),
                            u.disabled.is_(False))).first()
    return (User(r.id, r.name, r.role), r.csrf_token) if r else None


def close_session(conn, token: str | None) -> None:
    if token:
        conn.execute(delete(db.sessions).where(db.sessions.c.token_hash == token_hash(token)))


# --- the review queue -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueFilter:
    status: str = ""
    reviewed: str = "no"  # no | yes | any: whether an analyst has set the status
    actor: str = ""
    act: str = ""
    place: str = ""
    date_from: str = ""  # YYYY, YYYY-MM or YYYY-MM-DD; compared as text, so a prefix covers its period
    date_to: str = ""
    document: int | None = None
    after: str = ""  # keyset pagination: the last incident id of the previous page
    q: str = ""  # full-text search over the documents (title and text)


def _words(q: str) -> list[str]:
    """The words of a search, each to be matched as a plain term: no query syntax gets through.

    >>> _words('shelling "market" OR -x*')
    ['shelling', 'market', 'OR', 'x']
    """
    import re

    return re.findall(r"\w+", q)[:20]


def matching_documents(conn, q: str):
    """A subquery of the ids of documents whose title or text holds every word of `q` (stemmed): SQLite's
    FTS5 index or PostgreSQL's tsvector index (migration 0004_search)."""
    words = _words(q)
    if not words:
        return None
    if conn.dialect.name == "postgresql":
        vector = "to_tsvector('english', coalesce(title, '') || ' ' || text)"  # as indexed
        return (select(db.documents.c.id)
                .where(text(f"{vector} @@ plainto_tsquery('english', :fts_q)").bindparams(fts_q=" ".join(words))))
    match = " ".join('"' + w.replace('"', '""') + '"' for w in words)
    return select(text("rowid")).select_from(text("documents_fts")).where(
        text("documents_fts MATCH :fts_q").bindparams(fts_q=match))


def _like(value: str) -> str:
    return "%" + value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def queue_page(conn, f: QueueFilter, limit: int = 50) -> tuple[list[dict], str | None]:
    """One page of incidents matching the filter, in id order, and the id to continue after (None at the
    end). Keyset pagination: each page is an index range scan, however deep."""
    inc, m, a = db.incidents.c, db.incident_members.c, db.allegations.c
    conds = []
    if f.status:
        conds.append(inc.status == f.status)
    if f.reviewed == "no":
        conds.append(inc.status_source != "analyst")
    elif f.reviewed == "yes":
        conds.append(inc.status_source == "analyst")
    if f.place:
        conds.append(db.incidents.c.data["place"]["name"].as_string().ilike(_like(f.place), escape="\\"))
    member = []
    if f.actor:
        member.append(a.perpetrator.ilike(_like(f.actor), escape="\\"))
    if f.act:
        member.append(a.act == f.act)
    if f.date_from:
        member.append(a.date >= f.date_from)
    if f.date_to:
        member.append(a.date <= f.date_to + "~")  # "2024-03" takes in "2024-03-31"
    if f.document is not None:
        member.append(a.document_id == f.document)
    if f.q:
        docs = matching_documents(conn, f.q)
        if docs is not None:
            member.append(a.document_id.in_(docs))
    if member:
        # a set of incidents, not a correlated EXISTS: SQLite would otherwise walk the act index once per
        # incident; from the allegations' indexes to their incidents it stays fast at 100k allegations
        conds.append(inc.id.in_(select(m.incident_id).join_from(db.incident_members, db.allegations,
                                                                a.id == m.allegation_id).where(*member)))
    if f.after:
        conds.append(inc.id > f.after)
    rows = conn.execute(select(inc.id, inc.status, inc.status_source, inc.version, inc.data)
                        .where(and_(*conds)).order_by(inc.id).limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    return [dict(r._mapping) for r in rows], (rows[-1].id if more and rows else None)


def page_records(conn, incident_ids: list[str]) -> dict:
    """The records behind some incidents, each by id: {members: {incident: [allegation ids]}, allegations,
    statements, assessments (lists by allegation)}."""
    m, a, s, v = db.incident_members.c, db.allegations.c, db.statements.c, db.assessments.c
    members: dict[str, list[str]] = {i: [] for i in incident_ids}
    for iid, aid in conn.execute(select(m.incident_id, m.allegation_id).where(m.incident_id.in_(incident_ids))):
        members[iid].append(aid)
    for ids in members.values():
        ids.sort(key=natural_key)
    alg_ids = [x for ids in members.values() for x in ids]
    allegations = {r.id: r.data for r in conn.execute(select(a.id, a.data).where(a.id.in_(alg_ids)))}
    stmt_ids = {sid for d in allegations.values() for sid in d.get("statement_ids") or []}
    assessments: dict[str, list[dict]] = {}
    for r in conn.execute(select(v.allegation_id, v.data).where(v.allegation_id.in_(alg_ids)).order_by(v.id)):
        assessments.setdefault(r.allegation_id, []).append(r.data)
        stmt_ids.update(r.data.get("statement_ids") or [])
    statements = {r.id: r.data for r in conn.execute(select(s.id, s.data).where(s.id.in_(sorted(stmt_ids))))}
    return {"members": members, "allegations": allegations, "statements": statements, "assessments": assessments}


def documents(conn, ids: list[int]) -> dict[int, dict]:
    d = db.documents.c
    q = select(d.id, d.title, d.outlet, d.url, d.published, d.text).where(d.id.in_(ids))
    return {r.id: dict(r._mapping) for r in conn.execute(q)}


def evidence_file(conn, sha256: str):
    e = db.evidence.c
    return conn.execute(select(e.sha256, e.original_name, e.size, e.content).where(e.sha256 == sha256)).first()


def audit_entries(conn, incident_id: str, record_ids: list[str], limit: int = 200) -> list[dict]:
    """The latest audit entries (oldest first) naming these records, or whose record hashes show they
    changed the incident (a re-clustering names no single record)."""
    al = db.audit_log.c
    key = _like(f'"incident:{incident_id}"')
    q = (select(al.seq, al.at, al.actor, al.action, al.record_type, al.record_id, al.change, al.hash)
         .where(or_(al.record_id.in_([incident_id] + record_ids), cast(al.change, Text).like(key, escape="\\")))
         .order_by(al.seq.desc()).limit(limit))
    return [dict(r._mapping) for r in conn.execute(q)][::-1]
