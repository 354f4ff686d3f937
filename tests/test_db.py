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
