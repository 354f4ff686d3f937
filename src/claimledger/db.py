"""The one place that knows the database: tables, engine, migrations.

SQLite by default (a file), PostgreSQL through psycopg 3 when a `postgresql+psycopg://` URL is given.
Machine results are stored as JSON beside a few indexed columns, so each stage's dataclass round-trips
without a table per field; analyst edits set `edited` so re-analysis leaves them alone.
"""
from __future__ import annotations

import os
import re
from datetime import datetime, timezone
from itertools import islice
from pathlib import Path
from typing import Iterable, Iterator

from sqlalchemy import (JSON, Boolean, Column, Date, DateTime, Float, ForeignKey, Index, Integer, LargeBinary,
                        MetaData, String, Table, Text, UniqueConstraint, create_engine, event, inspect)
from sqlalchemy.engine import Engine

DEFAULT_URL = "sqlite:///claimledger.db"
ENV_VAR = "CLAIMLEDGER_DATABASE_URL"

metadata = MetaData()


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


documents = Table(
    "documents", metadata,
    Column("id", Integer, primary_key=True),
    Column("external_id", String(512)),
    Column("content_hash", String(64), nullable=False, unique=True),  # SHA-256 of the normalised text
    Column("sha256", String(64), nullable=False),  # SHA-256 of the raw bytes
    Column("raw", LargeBinary),
    Column("text", Text, nullable=False),
    Column("title", Text),
    Column("outlet", String(512)),
    Column("author", String(512)),
    Column("url", Text),
    Column("language", String(16)),
    Column("published", Date),
    Column("published_source", String(32)),
    Column("source", Text),
    Column("source_kind", String(16)),
    Column("ingested_at", DateTime(timezone=True), nullable=False, default=utcnow),
    Column("ingest_run_id", Integer, ForeignKey("ingest_runs.id")),
    # pending | analyzed | skipped | failed
    Column("analysis_status", String(16), nullable=False, default="pending", index=True),
    Column("analysis_note", Text),
)

ingest_runs = Table(
    "ingest_runs", metadata,
    Column("id", Integer, primary_key=True),
    Column("started_at", DateTime(timezone=True), nullable=False, default=utcnow),
    Column("finished_at", DateTime(timezone=True)),
    Column("inputs", JSON, nullable=False, default=list),
    Column("stored", Integer, nullable=False, default=0),
    Column("duplicates", Integer, nullable=False, default=0),
    Column("failed", Integer, nullable=False, default=0),
    Column("errors", JSON, nullable=False, default=list),
)

analysis_runs = Table(
    "analysis_runs", metadata,
    Column("id", Integer, primary_key=True),
    Column("document_id", Integer, ForeignKey("documents.id"), nullable=False, index=True),
    Column("extractor_version", String(64), nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False, default=utcnow),
    Column("finished_at", DateTime(timezone=True)),
    Column("counts", JSON, nullable=False, default=dict),
)

actors = Table(
    "actors", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(512), nullable=False, unique=True),
    Column("type", String(32)),
    Column("kind", String(32)),
    Column("side", String(256)),
    Column("aliases", JSON, nullable=False, default=list),
)


def _record_table(name: str, *extra: Column) -> Table:
    """A machine-or-analyst record of one document: an id, indexed columns and the full record as JSON."""
    return Table(
        name, metadata,
        Column("id", String(128), primary_key=True),
        Column("document_id", Integer, ForeignKey("documents.id"), index=True),
        Column("run_id", Integer, ForeignKey("analysis_runs.id")),
        *extra,
        Column("data", JSON, nullable=False),
        Column("edited", Boolean, nullable=False, default=False),
        Column("version", Integer, nullable=False, default=1),
    )


statements = _record_table(
    "statements",
    Column("speaker", Text, index=True), Column("cue", String(128)), Column("quote", String(16)),
    Column("start", Integer), Column("end", Integer),
)
allegations = _record_table(
    "allegations",
    Column("act", String(64)), Column("perpetrator", Text),  # act, perpetrator, date: indexed below
    Column("date", String(10)), Column("lat", Float), Column("lon", Float),
    Index("ix_allegations_lat_lon", "lat", "lon"),
)
assessments = _record_table(
    "assessments",
    Column("allegation_id", String(128), index=True), Column("verifier", Text, index=True),
    Column("status", String(32), index=True),
)
places = _record_table(
    "places",
    Column("name", Text), Column("start", Integer), Column("end", Integer),
    Column("lat", Float), Column("lon", Float), Column("precision", String(16)),
    Index("ix_places_lat_lon", "lat", "lon"),
)

incidents = Table(
    "incidents", metadata,
    Column("id", String(128), primary_key=True),
    Column("data", JSON, nullable=False),
    Column("status", String(32), nullable=False, default="alleged"),
    Column("status_source", String(16), nullable=False, default="derived"),  # derived | analyst
    Column("rationale", Text),
    Column("edited", Boolean, nullable=False, default=False),
    Column("version", Integer, nullable=False, default=1),
    Column("updated_at", DateTime(timezone=True), default=utcnow),
)

incident_members = Table(
    "incident_members", metadata,
    Column("incident_id", String(128), ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True),
    Column("allegation_id", String(128), primary_key=True),
)

evidence = Table(
    "evidence", metadata,
    Column("sha256", String(64), primary_key=True),
    Column("size", Integer, nullable=False),
    Column("mime", String(128)),
    Column("original_name", Text),
    Column("content", LargeBinary, nullable=False),
    Column("stored_at", DateTime(timezone=True), nullable=False, default=utcnow),
)

evidence_links = Table(
    "evidence_links", metadata,
    Column("id", Integer, primary_key=True),
    Column("sha256", String(64), ForeignKey("evidence.sha256"), nullable=False),
    Column("record_type", String(32), nullable=False),
    Column("record_id", String(128), nullable=False),
    Column("attached_by", String(256)),
    Column("attached_at", DateTime(timezone=True), nullable=False, default=utcnow),
    UniqueConstraint("sha256", "record_type", "record_id"),
)

decisions = Table(
    "decisions", metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("incident_id", String(128), index=True),  # the incident's id when decided
    Column("actor", String(256), nullable=False),
    Column("at", String(40), nullable=False),
    Column("data", JSON, nullable=False),  # what the analyst asserted (models.Decision), never changed
    Column("state", JSON, nullable=False, default=dict),  # the latest replay: applied_to, changes, settled_by
)

audit_log = Table(
    "audit_log", metadata,
    Column("seq", Integer, primary_key=True),
    Column("at", String(40), nullable=False),  # ISO timestamp, hashed as written
    Column("actor", String(256), nullable=False),
    Column("action", String(64), nullable=False),
    Column("record_type", String(32)),
    Column("record_id", String(128)),
    Column("change", JSON, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)

# --- the analyst workspace (claimledger.web): accounts, server-side sessions, indexes behind its queue ---
users = Table(
    "users", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("role", String(16), nullable=False),  # viewer | analyst | admin
    Column("password_hash", String(256), nullable=False),  # argon2id, with its parameters and salt
    Column("disabled", Boolean, nullable=False, default=False),
    Column("created_at", DateTime(timezone=True), nullable=False, default=utcnow),
)

sessions = Table(
    "sessions", metadata,
    Column("token_hash", String(64), primary_key=True),  # SHA-256 of the cookie: a leaked table opens no session
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", Integer, nullable=False),  # epoch seconds: compared the same way on every backend
    Column("expires_at", Integer, nullable=False, index=True),
)

Index("ix_allegations_act", allegations.c.act)
Index("ix_allegations_perpetrator", allegations.c.perpetrator)
Index("ix_allegations_date", allegations.c.date)
Index("ix_incident_members_allegation_id", incident_members.c.allegation_id)
Index("ix_incidents_status", incidents.c.status)


def database_url(url: str | None = None) -> str:
    """The URL to use: the one given, else $CLAIMLEDGER_DATABASE_URL, else a SQLite file here.

    A bare path is taken as a SQLite file."""
    url = url or os.environ.get(ENV_VAR) or DEFAULT_URL
    if "://" not in url:
        url = f"sqlite:///{Path(url)}"
    return url


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def migrations_dir() -> Path:
    return Path(__file__).parent / "migrations"


def _alembic_config():
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Run the Alembic migrations up to `revision` in one transaction: a migration killed half-way leaves the
    database as it was, and the next command migrates it again.

    SQLite's driver starts no transaction before CREATE TABLE (its legacy mode), so an explicit BEGIN
    IMMEDIATE makes the DDL transactional, as the sqlite3 and SQLAlchemy docs advise; it also makes a second
    process starting on the same new file wait, then find the work done."""
    from alembic import command

    cfg = _alembic_config()
    with engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            if revision == "head" and _current(conn) == _head():
                return
            _drop_half_created(conn)
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def _drop_half_created(conn) -> None:
    """Drop what an interrupted first migration left before migrations became atomic: tables of ours in a
    file with no Alembic version, all of them empty (so nothing can be lost)."""
    from sqlalchemy import func, select

    names = set(inspect(conn).get_table_names())
    if "alembic_version" in names:
        return
    ours = [t for t in reversed(metadata.sorted_tables) if t.name in names]
    if ours and all(conn.execute(select(func.count()).select_from(t)).scalar() == 0 for t in ours):
        for t in ours:
            t.drop(conn)


def connect(url: str | None = None, *, migrate: bool = True) -> Engine:
    """An engine for the database; a fresh or outdated database is migrated first."""
    url = database_url(url)
    if url.startswith("sqlite"):
        # a writer waits this long for another (re-clustering while an analyst edits) instead of failing
        engine = create_engine(url, future=True, connect_args={"timeout": 60})
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(url, future=True)
    if migrate and not _at_head(engine):
        upgrade(engine)
    return engine


class DatabaseMissing(LookupError):
    """A command that only reads was pointed at a database that does not exist (a mistyped --db)."""


def connect_existing(url: str | None = None) -> Engine:
    """`connect` for commands that only read: a database that does not exist, or holds no ledger, is an
    error (DatabaseMissing) instead of a new empty one."""
    from sqlalchemy.engine import make_url

    url = database_url(url)
    if url.startswith("sqlite"):
        path = make_url(url).database
        if not path or path == ":memory:" or not Path(path).is_file():
            raise DatabaseMissing(f"no database at {path or url}: check --db (or ${ENV_VAR}), or run "
                                  "`claimledger ingest` or `analyze --db` first")
    probe = create_engine(url, future=True)
    try:
        with probe.connect() as conn:
            found = inspect(conn).has_table("documents")
    finally:
        probe.dispose()
    if not found:
        shown = make_url(url).render_as_string(hide_password=True)
        raise DatabaseMissing(f"{shown} holds no claimledger tables: check --db (or ${ENV_VAR})")
    return connect(url)


def _head() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


def _current(conn) -> str | None:
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()


def _at_head(engine: Engine) -> bool:
    with engine.connect() as conn:
        return _current(conn) == _head()


INCIDENT_LOCK = 727275  # PostgreSQL advisory lock key of incident writers (the audit log uses 727274)


def lock_incidents(conn) -> None:
    """Serialise the writers of incidents and decisions (re-clustering, review) until the transaction ends.

    Call it first in the transaction: on SQLite a write as the first statement takes the database's write
    lock (waiting for it) before anything is read, so what is read cannot be changed under the writer."""
    from sqlalchemy import text

    if conn.dialect.name == "postgresql":
        conn.execute(text(f"SELECT pg_advisory_xact_lock({INCIDENT_LOCK})"))
    else:
        conn.execute(text("UPDATE incidents SET version = version WHERE 1 = 0"))


# --- values both backends accept -----------------------------------------------------------------------

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")  # NUL and lone surrogates


def storable_text(value: str) -> str:
    """Text PostgreSQL accepts as SQLite does: NUL bytes and lone surrogates become U+FFFD (same length, so
    character offsets into the text still hold)."""
    return _UNSTORABLE.sub("\ufffd", value)


def fit_row(table: Table, row: dict) -> tuple[dict, list[str]]:
    """`row` made identical on SQLite and PostgreSQL: text cleaned (`storable_text`) and values cut to their
    column's length (SQLite would keep an over-long value, PostgreSQL refuse it). Returns the row and a
    note per changed column."""
    fitted, notes = dict(row), []
    for name, value in row.items():
        if not isinstance(value, str) or name not in table.c:
            continue
        clean = storable_text(value)
        if clean != value:
            notes.append(f"{name}: {sum(1 for a, b in zip(value, clean) if a != b)} NUL or invalid character(s) "
                         f"replaced by U+FFFD")
        length = getattr(table.c[name].type, "length", None)
        if length and len(clean) > length:
            notes.append(f"{name}: {len(clean)} characters cut to {length}")
            clean = clean[:length]
        fitted[name] = clean
    return fitted, notes


def short_error(exc: BaseException) -> str:
    """A database error in one line, without the SQL statement or its parameters (which can hold a whole
    document); other errors as `Type: message`."""
    from sqlalchemy.exc import StatementError

    if isinstance(exc, StatementError):
        if exc.orig is None:
            return f"{type(exc).__name__}: {str(exc.args[0] if exc.args else '')[:300]}"
        first = (str(exc.orig).strip().splitlines() or [""])[0]
        return f"{type(exc.orig).__name__}: {first[:300]}"
    return f"{type(exc).__name__}: {str(exc)[:300]}"


# --- records -----------------------------------------------------------------------------------------

def _columns(table: Table, record: dict) -> dict:
    """The indexed columns of a record table, read from the record's JSON."""
    get = lambda *path: _dig(record, path)
    name = table.name
    if name == "statements":
        return dict(speaker=get("speaker", "name"), cue=get("cue"), quote=get("quote"),
                    start=get("content", "start"), end=get("content", "end"))
    if name == "allegations":
        first = (record.get("places") or [{}])[0]
        return dict(act=get("act"), perpetrator=get("perpetrator"), date=get("date"),
                    lat=first.get("lat"), lon=first.get("lon"))
    if name == "assessments":
        return dict(allegation_id=get("allegation_id"), verifier=get("verifier"), status=get("status"))
    if name == "places":
        return dict(name=get("name"), start=get("start"), end=get("end"), lat=get("lat"), lon=get("lon"),
                    precision=get("precision"))
    return {}


def _dig(record: dict, path: tuple) -> object:
    for key in path:
        if not isinstance(record, dict):
            return None
        record = record.get(key)
    return record


def replace_machine_records(conn, table: Table, document_id: int, run_id: int | None, records: Iterable[dict],
                            batch: int = 2000) -> int:
    """Replace a document's machine records in `table`, keeping any an analyst has edited.

    Records whose id an analyst edited are not overwritten; `records` may be a stream (a long document's),
    written `batch` at a time. Returns the number written."""
    return replace_machine_records_many(conn, table, {document_id: (run_id, records)}, batch)


def replace_machine_records_many(conn, table: Table, by_document: dict[int, tuple[int | None, Iterable[dict]]],
                                 batch: int = 2000) -> int:
    """`replace_machine_records` for many documents at once ({document id: (run id, records)}): one DELETE
    and multi-row INSERTs of `batch` rows. Returns the number written."""
    from sqlalchemy import delete, select

    if not by_document:
        return 0
    ids = list(by_document)
    edited = set(conn.execute(select(table.c.id).where(table.c.document_id.in_(ids),
                                                       table.c.edited.is_(True))).scalars())
    conn.execute(delete(table).where(table.c.document_id.in_(ids), table.c.edited.is_(False)))
    written = 0
    rows = (dict(id=r["id"], document_id=doc_id, run_id=run_id, data=r, edited=False, version=1,
                 **_columns(table, r))
            for doc_id, (run_id, records) in by_document.items() for r in records if r["id"] not in edited)
    while chunk := list(islice(rows, batch)):
        conn.execute(table.insert(), chunk)
        written += len(chunk)
    return written


def load_records(conn, table: Table, document_ids: list[int] | None = None) -> list[dict]:
    """The JSON records of a table, in document and id order."""
    return list(iter_records(conn, table, document_ids))


def iter_records(conn, table: Table, document_ids: list[int] | None = None) -> Iterator[dict]:
    """`load_records`, a batch of rows at a time (for a caller that keeps only some)."""
    from sqlalchemy import select

    q = select(table.c.data)
    if "document_id" in table.c:
        if document_ids is not None:
            q = q.where(table.c.document_id.in_(document_ids))
        q = q.order_by(table.c.document_id, table.c.id)
    else:
        q = q.order_by(table.c.id)
    # on the statement, not the connection: Connection.execution_options sets it for every later statement too
    # (server-side cursors, where PostgreSQL refuses executemany)
    yield from conn.execute(q.execution_options(yield_per=1000)).scalars()
