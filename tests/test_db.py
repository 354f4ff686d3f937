import pytest
from sqlalchemy import inspect, select

from claimledger import audit, db


def test_db_fresh_database_is_migrated(engine):
    names = set(inspect(engine).get_table_names())
    assert {"documents", "ingest_runs", "statements", "allegations", "incidents", "audit_log"} <= names
    assert db._at_head(engine)


def test_db_audit_chain_detects_edit(engine):
    with engine.begin() as conn:
        for i in range(3):
            audit.append_event(conn, "tester", "note", "document", str(i), {"n": i})
    with engine.begin() as conn:
        assert audit.verify(conn) == []
        conn.execute(db.audit_log.update().where(db.audit_log.c.seq == 2).values(actor="mallory"))
        problems = audit.verify(conn)
    assert [p.seq for p in problems] == [2]
    assert "edited" in problems[0].reason


def test_db_upgrade_command_migrates_a_new_file(tmp_path):
    import subprocess
    import sys

    url = f"sqlite:///{tmp_path / 'new.db'}"
    proc = subprocess.run([sys.executable, "-m", "claimledger.cli", "db", "upgrade", "--db", url],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    engine = db.connect(url, migrate=False)
    assert db._at_head(engine)
    assert "documents" in inspect(engine).get_table_names()


def test_db_url_from_environment_and_bare_path(monkeypatch, tmp_path):
    monkeypatch.setenv(db.ENV_VAR, "postgresql+psycopg://u@h/x")
    assert db.database_url() == "postgresql+psycopg://u@h/x"
    assert db.database_url(str(tmp_path / "a.db")) == f"sqlite:///{tmp_path / 'a.db'}"


# The migration pauses after its fourth CREATE TABLE and says so; the test kills it there.
_PAUSED_MIGRATION = """
import sys, time
from sqlalchemy import event
from claimledger import db

engine = db.connect(sys.argv[1], migrate=False)
created = []

@event.listens_for(engine, "after_cursor_execute")
def pause(conn, cursor, statement, *args):
    if statement.lstrip().upper().startswith("CREATE TABLE"):
        created.append(statement)
        if len(created) == 4:
            print("paused", flush=True)
            time.sleep(600)

db.upgrade(engine)
"""


def test_db_first_migration_killed_halfway_leaves_nothing_and_the_next_command_migrates(db_url):
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-c", _PAUSED_MIGRATION, db_url], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "paused"
    finally:
        proc.kill()
        proc.wait()
    engine = db.connect(db_url, migrate=False)
    try:
        assert inspect(engine).get_table_names() == []  # the four tables went with the transaction
        engine.dispose()
        engine = db.connect(db_url)  # the next command
        assert db._at_head(engine)
        with engine.begin() as conn:
            audit.append_event(conn, "tester", "note", None, None, {})
            conn.execute(db.incidents.insert().values(id="I1", data={}, status="alleged", status_source="derived",
                                                      edited=False, version=1))
    finally:
        engine.dispose()


def test_db_tables_left_empty_by_an_older_interrupted_migration_are_rebuilt(tmp_path):
    url = f"sqlite:///{tmp_path / 'half.db'}"
    engine = db.connect(url, migrate=False)
    db.metadata.create_all(engine, tables=[db.actors, db.audit_log, db.evidence])  # no alembic_version
    engine.dispose()
    engine = db.connect(url)
    assert db._at_head(engine) and "documents" in inspect(engine).get_table_names()
    engine.dispose()


def test_db_tables_with_data_but_no_version_are_left_alone(tmp_path):
    url = f"sqlite:///{tmp_path / 'other.db'}"
    engine = db.connect(url, migrate=False)
    db.metadata.create_all(engine, tables=[db.actors])
    with engine.begin() as conn:
        conn.execute(db.actors.insert().values(name="someone's data", aliases=[]))
    engine.dispose()
    with pytest.raises(Exception, match="already exists"):
        db.connect(url)
    engine = db.connect(url, migrate=False)
    with engine.connect() as conn:
        assert conn.execute(select(db.actors.c.name)).scalars().all() == ["someone's data"]
    engine.dispose()


def test_db_edited_incidents_of_an_older_database_become_decisions(db_url):
    from claimledger import incidents, review
    from claimledger.models import Incident

    engine = db.connect(db_url, migrate=False)
    db.upgrade(engine, "0001")
    with engine.begin() as conn:  # as the review of revision 0001 left them: a merge with a status, a split
        for iid, members, status, source, why in (
                ("I.D1.A1", ["D1.A1", "D2.A1"], "refuted", "analyst", "staged"),
                ("R.D1.A3", ["D1.A3"], "alleged", "derived", "another street"),
                ("I.D4.A1", ["D4.A1"], "alleged", "derived", None)):
            conn.execute(db.incidents.insert().values(id=iid, data={"allegation_ids": members}, status=status,
                                                      status_source=source, rationale=why,
                                                      edited=iid != "I.D4.A1", version=2))
            conn.execute(db.incident_members.insert(), [dict(incident_id=iid, allegation_id=a) for a in members])
        conn.execute(db.evidence.insert().values(sha256="ab" * 32, size=1, content=b"x"))
        conn.execute(db.evidence_links.insert().values(sha256="ab" * 32, record_type="incident", record_id="I.D4.A1",
                                                       attached_by="ana"))
    db.upgrade(engine)
    incidents.store(engine, [Incident("I.D1.A1", ["D1.A1", "D1.A3"]), Incident("I.D2.A1", ["D2.A1"]),
                             Incident("I.D4.A1", ["D4.A1"])])
    with engine.connect() as conn:
        got = {i: (r["allegation_ids"], r["status"]) for i, r in
               ((i, review.show(conn, i)) for i in ("I.D1.A1", "R.D1.A3", "I.D4.A1"))}
        ev = review.show(conn, "I.D4.A1")["evidence"]
        kinds = [d.kind for d in review.load_decisions(conn)]
    engine.dispose()
    assert got == {"I.D1.A1": (["D1.A1", "D2.A1"], "refuted"), "R.D1.A3": (["D1.A3"], "alleged"),
                   "I.D4.A1": (["D4.A1"], "alleged")}
    assert [e["sha256"] for e in ev] == ["ab" * 32]
    assert sorted(kinds) == ["evidence", "keep", "keep", "status"]


def test_db_indexes_for_report_review_and_export_match_the_tables(engine):
    """The migration creates every index the tables declare (status, actor, act, date, place, document)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with engine.connect() as conn:
        found = {ix["name"] for t in ("allegations", "assessments", "places", "statements", "documents", "incidents")
                 for ix in inspect(conn).get_indexes(t)}
        diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
    assert {"ix_allegations_act", "ix_allegations_perpetrator", "ix_allegations_date", "ix_allegations_lat_lon",
            "ix_assessments_status", "ix_places_lat_lon", "ix_statements_speaker", "ix_documents_analysis_status",
            "ix_incidents_status", "ix_allegations_document_id"} <= found
    # the full-text index (0004_search) is an expression no Table describes: autogenerate leaves it alone
    assert [d for d in diff if isinstance(d, tuple) and "index" in d[0] and d[1].name != "ix_documents_fts"] == []


def test_db_index_migration_downgrades_and_upgrades(db_url):
    from alembic import command

    engine = db.connect(db_url)
    cfg = db._alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0002")
    with engine.connect() as conn:
        assert "ix_allegations_lat_lon" not in {ix["name"] for ix in inspect(conn).get_indexes("allegations")}
    db.upgrade(engine)
    with engine.connect() as conn:
        assert "ix_allegations_lat_lon" in {ix["name"] for ix in inspect(conn).get_indexes("allegations")}
    engine.dispose()
